/**
 * The compact price trace an order line stores with its locked price: where the price came
 * from, the rules and steps that made it, the floor and margin at the time. Later changes to
 * pricing data never touch it; re-pricing a draft replaces it explicitly.
 *
 * @module
 */
import type { Dec } from '../money/decimal';
import type { Money } from '../money/money';
import { marginPercent } from './checks';
import type { LinePrice, PriceStage } from './outcome';

/** One step of a stored trace. */
export interface TraceStep {
  /** Stage. */
  readonly stage: PriceStage;
  /** Price after the step. */
  readonly price: Dec;
  /** The rule applied. */
  readonly ruleId?: string;
  /** Currency of `price` when it is not the order's (list steps before conversion). */
  readonly currency?: string;
}

/**
 * Where a line's price came from. `kind` is `price-list` (the list price as is),
 * `pricing-rules` (rules or agreements changed it), `manual`, `bundle` or `free-goods`.
 * JSON-encodable through the codec.
 */
export interface PriceTrace {
  /** How the price was set. */
  readonly kind: string;
  /** The base price list. */
  readonly priceListId: string;
  /** The pricing-data version the line was priced with. */
  readonly bookVersion?: number;
  /** The list price per line unit (order currency and basis). */
  readonly base?: Dec;
  /** Rules and agreements applied, in order. */
  readonly applied?: readonly string[];
  /** The waterfall. */
  readonly steps?: readonly TraceStep[];
  /** The binding floor when the line was priced. */
  readonly floor?: {
    /** Floor id. */
    readonly floorId: string;
    /** Floor price per line unit. */
    readonly price: Money;
    /** Whether the line was below it. */
    readonly below: boolean;
    /** How far below. */
    readonly gap: Money;
  };
  /** Cost per line unit. */
  readonly cost?: Money;
  /** Net unit price − cost. */
  readonly margin?: Money;
  /** Margin % of the net price. */
  readonly marginPercent?: Dec;
  /** Warning codes. */
  readonly warnings?: readonly string[];
  /** The bundle a component line belongs to. */
  readonly bundle?: {
    /** Bundle id. */
    readonly bundleId: string;
    /** Sets ordered. */
    readonly sets: Dec;
    /** Index of the component in the bundle (0 starts a set of lines). */
    readonly component: number;
  };
  /** The sales channel the line was priced for (kept so a re-price uses it again). */
  readonly channel?: string;
  /** The department or store the line was priced for. */
  readonly departmentId?: string;
  /** The free-goods rule that granted a free line. */
  readonly freeGoodsRuleId?: string;
}

/** The trace to store with a line priced as `p`. */
export function traceOf(
  p: LinePrice,
  priceListId: string,
  bookVersion: number,
  currency: string,
): PriceTrace {
  const kind =
    p.origin === 'manual'
      ? 'manual'
      : p.origin === 'bundle'
        ? 'bundle'
        : p.applied.length > 0
          ? 'pricing-rules'
          : 'price-list';
  const pct = marginPercent(p);
  return {
    kind,
    priceListId,
    bookVersion,
    ...(p.base === undefined ? {} : { base: p.base }),
    ...(p.applied.length === 0 ? {} : { applied: p.applied }),
    steps: p.steps.map((s) => ({
      stage: s.stage,
      price: s.price,
      ...(s.ruleId === undefined ? {} : { ruleId: s.ruleId }),
      ...(s.currency === currency ? {} : { currency: s.currency }),
    })),
    ...(p.floor === undefined
      ? {}
      : {
          floor: {
            floorId: p.floor.floorId,
            price: p.floor.floor,
            below: p.floor.below,
            gap: p.floor.gap,
          },
        }),
    ...(p.cost === undefined ? {} : { cost: p.cost }),
    ...(p.margin === undefined ? {} : { margin: p.margin }),
    ...(pct === undefined ? {} : { marginPercent: pct }),
    ...(p.warnings.length === 0 ? {} : { warnings: p.warnings.map((w) => w.code) }),
  };
}
