/**
 * The compiled forms of rules, groups and floors: flat objects with precomputed decimals, so
 * resolving a line does no parsing and no allocation beyond its result.
 *
 * @module
 */
import type { Dec } from '../money/decimal';
import type { Money } from '../money/money';
import type {
  EffectType,
  FormulaEffect,
  GroupPolicy,
  PriceBounds,
  PriceRuleGroup,
  UnitRounding,
} from './model';
import { OPEN_END, OPEN_START } from './scope';

/** A rule group as compiled: `rank` is its place in the waterfall (0 first). */
export interface CompiledGroup {
  /** Id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Composition policy. */
  readonly policy: GroupPolicy;
  /** Declared sequence. */
  readonly sequence: number;
  /** Rounding after the group, if declared. */
  readonly round: UnitRounding | undefined;
  /** Position in the waterfall (by sequence, then id). */
  rank: number;
}

/** Builds a compiled group (rank is set when the book orders its groups). */
export function compileGroup(g: PriceRuleGroup): CompiledGroup {
  return {
    id: g.id,
    name: g.name,
    policy: g.policy,
    sequence: g.sequence,
    round: g.round,
    rank: 0,
  };
}

/** One step of a compiled break table. */
export interface CompiledTier {
  /** Threshold (inclusive). */
  readonly from: Dec;
  /** The effect's value. */
  readonly value: Dec;
  /** Precomputed price factor: `1 − value/100` for a discount, `1 + value/100` for a markup. */
  readonly factor: Dec;
}

/** Extra, rarely used parts of a compiled rule (kept apart to keep rules small). */
export interface CompiledRuleExtra {
  /** The formula of a `formula` rule. */
  readonly formula?: FormulaEffect;
  /** The free product of a `free-goods` rule (absent = the line's product). */
  readonly freeProductId?: string;
  /** Contract bounds. */
  readonly bounds?: PriceBounds;
  /** Contract number. */
  readonly contractNo?: string;
}

/** A rule as the index holds it. Scope dimensions are flattened onto the rule. */
export class CompiledRule {
  /** Place in the waterfall and policy. */
  group: CompiledGroup;
  /** True when the rule has a break table to measure (or is free goods). */
  readonly thresholds: boolean;
  /** True when the rule's amounts are money in its currency (the order must be in it). */
  readonly moneyAmounts: boolean;
  /** True when the rule has validity dates (false: valid every day). */
  readonly dated: boolean;
  /**
   * True when the scope names a dimension beyond the two the index files the rule under (its
   * most specific customer-side and product-side ones), so gathering alone does not prove it
   * matches.
   */
  readonly extraDimensions: boolean;

  /** Builds a compiled rule; see {@link compileRule}. */
  constructor(
    /** Id. */
    readonly id: string,
    /** `rule` or `agreement`. */
    readonly kind: 'rule' | 'agreement',
    /** Name. */
    readonly name: string,
    group: CompiledGroup,
    /** Priority (higher wins among equally specific rules). */
    readonly priority: number,
    /** Scope specificity (see `specificity`). */
    readonly specificity: number,
    /** Scope: customer. */
    readonly customerId: string | undefined,
    /** Scope: head office. */
    readonly headOfficeId: string | undefined,
    /** Scope: customer group. */
    readonly customerGroup: string | undefined,
    /** Scope: region. */
    readonly region: string | undefined,
    /** Scope: channel. */
    readonly channel: string | undefined,
    /** Scope: department or store. */
    readonly departmentId: string | undefined,
    /** Scope: product. */
    readonly productId: string | undefined,
    /** Scope: product group. */
    readonly productGroup: string | undefined,
    /** Scope: brand. */
    readonly brand: string | undefined,
    /** First valid day. */
    readonly validFrom: string,
    /** Last valid day. */
    readonly validTo: string,
    /** Effect type. */
    readonly effect: EffectType,
    /** Break table (one tier from 0 when the rule has a single value; buy/get for free goods). */
    readonly tiers: readonly CompiledTier[],
    /** Currency of its amounts. */
    readonly currency: string | undefined,
    /** Unit of its prices, amounts and quantities. */
    readonly unit: string | undefined,
    /** Whether its prices include VAT. */
    readonly includesTax: boolean,
    /** Breaks by quantity or amount. */
    readonly breakBasis: 'quantity' | 'amount',
    /** Breaks per line or across the order. */
    readonly breakScope: 'line' | 'group',
    /** Rare parts. */
    readonly extra: CompiledRuleExtra | undefined,
  ) {
    this.group = group;
    this.thresholds =
      effect === 'free-goods' || tiers.length > 1 || !(tiers[0]?.from.isZero() ?? true);
    this.moneyAmounts =
      effect === 'fixed-price' ||
      effect === 'discount-amount' ||
      breakBasis === 'amount' ||
      (effect === 'formula' && extra?.formula?.addend.isZero() === false);
    this.dated = validFrom !== OPEN_START || validTo !== OPEN_END;
    const customer =
      Number(customerId !== undefined) +
      Number(headOfficeId !== undefined) +
      Number(customerGroup !== undefined) +
      Number(region !== undefined) +
      Number(channel !== undefined) +
      Number(departmentId !== undefined);
    const product =
      Number(productId !== undefined) +
      Number(productGroup !== undefined) +
      Number(brand !== undefined);
    this.extraDimensions = customer > 1 || product > 1;
  }
}

/** A floor as compiled. */
export interface CompiledFloor {
  /** Id. */
  readonly id: string;
  /** Scope: product. */
  readonly productId: string | undefined;
  /** Scope: product group. */
  readonly productGroup: string | undefined;
  /** Scope: customer group. */
  readonly customerGroup: string | undefined;
  /** First valid day. */
  readonly validFrom: string;
  /** Last valid day. */
  readonly validTo: string;
  /** Price floor value, or undefined for a margin floor. */
  readonly price: Dec | undefined;
  /** The same as money (reused when no conversion applies). */
  readonly money: Money | undefined;
  /** Currency of a price floor. */
  readonly currency: string | undefined;
  /** Unit of a price floor (absent = stock unit). */
  readonly unit: string | undefined;
  /** Tax basis of a price floor. */
  readonly includesTax: boolean;
  /** `1 − m/100` for a margin floor. */
  readonly marginDivisor: Dec | undefined;
  /** The minimum margin in percent (margin floors). */
  readonly minMarginPercent: Dec | undefined;
}

/** Rules that share a customer-side key, by product-side key. Maps are created on demand. */
export class Slot {
  /** By product id. */
  byProduct: Map<string, CompiledRule[]> | undefined = undefined;
  /** By product group. */
  byGroup: Map<string, CompiledRule[]> | undefined = undefined;
  /** By brand. */
  byBrand: Map<string, CompiledRule[]> | undefined = undefined;
  /** For every product. */
  any: CompiledRule[] | undefined = undefined;
}
