/**
 * What the engine answers: a resolved line price with its waterfall, floor, cost and margin,
 * and — from `explain()` — every candidate with the reason it was applied or rejected.
 *
 * @module
 */
import type { Dec } from '../money/decimal';
import type { Money } from '../money/money';
import type { EffectType, GroupPolicy } from './model';

/**
 * A stage of the waterfall, in the order they run:
 * `base` (list price as stored) → `unit` (to the line's unit) → `currency` (to the order
 * currency — the one conversion point) → `tax-basis` (net ↔ gross) → `rule` (one per applied
 * rule, group by group) → `group-round` → `manual` → `unit-round`. A bundle component has a single
 * `bundle` stage instead of the list and the rules.
 */
export type PriceStage =
  | 'base'
  | 'unit'
  | 'currency'
  | 'tax-basis'
  | 'rule'
  | 'clamp'
  | 'group-round'
  | 'manual'
  | 'bundle'
  | 'unit-round';

/** One step of the waterfall: the price after it, with what did it. */
export interface PriceStep {
  /** The stage. */
  readonly stage: PriceStage;
  /** The price after this step. */
  readonly price: Dec;
  /** The currency of `price` (the order currency from the `currency` stage on). */
  readonly currency: string;
  /** The rule applied (stage `rule`). */
  readonly ruleId?: string | undefined;
  /** The group of the rule or rounding. */
  readonly groupId?: string | undefined;
  /**
   * A short human-readable note, e.g. `− 15 %`, `half-up to 2 places`, `1 BOX = 12 EA`. Only
   * `explain()` writes notes (resolution skips the formatting); bundle steps always have one.
   */
  readonly note?: string | undefined;
}

/** The binding floor of a line and how the price compares. */
export interface FloorCheck {
  /** The floor that binds (the highest applicable one). */
  readonly floorId: string;
  /** Floor price per line unit, order currency and tax basis. */
  readonly floor: Money;
  /** The line's unit price. */
  readonly price: Money;
  /** `floor − price` when below, else zero. */
  readonly gap: Money;
  /** True when the price is below the floor. */
  readonly below: boolean;
}

/** Stable codes of warnings that do not block anything. */
export type PriceWarningCode =
  | 'BELOW_CONTRACT_BOUND'
  | 'ABOVE_CONTRACT_BOUND'
  | 'NEGATIVE_PRICE_CLAMPED'
  | 'FLOOR_COST_MISSING'
  | 'COST_RATE_MISSING';

/** A non-blocking finding about a line price. */
export interface PriceWarning {
  /** Stable code. */
  readonly code: PriceWarningCode;
  /** Message naming the figures. */
  readonly message: string;
  /** The rule or floor concerned. */
  readonly sourceId?: string;
}

/** Free goods granted by a rule. */
export interface FreeGoodsGrant {
  /** The free-goods rule. */
  readonly ruleId: string;
  /** The product given. */
  readonly productId: string;
  /** Quantity given. */
  readonly quantity: Dec;
  /** Its unit. */
  readonly unit: string;
  /** Index of the order line that earned it (the first one, for order-wide rules). */
  readonly lineIndex: number;
}

/** The price of one line, resolved. */
export interface LinePrice {
  /** Final unit price per line unit, in the order currency and tax basis. */
  readonly unitPrice: Money;
  /** Whether `unitPrice` includes VAT. */
  readonly priceIncludesTax: boolean;
  /** The list price the waterfall started from (per line unit, order currency and basis). */
  readonly base?: Dec | undefined;
  /** The list that gave `base`. */
  readonly basePriceListId?: string | undefined;
  /** Every step, in order; the last step's price is `unitPrice`. */
  readonly steps: readonly PriceStep[];
  /** Ids of the rules that changed the price, in order. */
  readonly applied: readonly string[];
  /** How the price was set: by the waterfall, by hand, or as part of a bundle. */
  readonly origin: 'engine' | 'manual' | 'bundle';
  /** The binding floor, when one applies. */
  readonly floor?: FloorCheck | undefined;
  /** Cost per line unit in the order currency (net). */
  readonly cost?: Money | undefined;
  /** Net unit price − cost (the gross margin per line unit; see `marginPercent` for the ratio). */
  readonly margin?: Money | undefined;
  /** Non-blocking findings. */
  readonly warnings: readonly PriceWarning[];
  /** Free goods earned by this line alone. */
  readonly freeGoods: readonly FreeGoodsGrant[];
}

/** Why a candidate did not apply. */
export type RejectReasonCode =
  | 'scope'
  | 'date'
  | 'quantity'
  | 'currency'
  | 'unit'
  | 'cost'
  | 'base'
  | 'priority'
  | 'policy';

/** A typed rejection. */
export interface RejectReason {
  /** Stable code. */
  readonly code: RejectReasonCode;
  /** Message naming the figures, e.g. `needs 10 EA, line has 6 EA`. */
  readonly message: string;
}

/** "Buy N more to reach the next break." */
export interface NextBreak {
  /** The rule. */
  readonly ruleId: string;
  /** `quantity` (in `unit`) or `amount` (in `currency`). */
  readonly basis: 'quantity' | 'amount';
  /** How much more to order. */
  readonly more: Dec;
  /** The threshold. */
  readonly at: Dec;
  /** The effect value from there on (price, percent, free quantity…). */
  readonly value: Dec;
  /** Unit of quantities. */
  readonly unit?: string;
  /** Currency of amounts. */
  readonly currency?: string;
}

/** One candidate of {@link PriceExplanation}. */
export interface CandidateReport {
  /** Rule id. */
  readonly ruleId: string;
  /** Rule name. */
  readonly name: string;
  /** `rule` or `agreement`. */
  readonly kind: 'rule' | 'agreement';
  /** Its group. */
  readonly groupId: string;
  /** The group's policy. */
  readonly policy: GroupPolicy;
  /** The effect type. */
  readonly effect: EffectType;
  /** Scope specificity (higher is more specific). */
  readonly specificity: number;
  /** Priority. */
  readonly priority: number;
  /** Applied, or rejected with a reason. */
  readonly status: 'applied' | 'rejected';
  /** Why it was rejected. */
  readonly reason?: RejectReason;
  /** The break that applied, if any. */
  readonly tierFrom?: Dec;
}
