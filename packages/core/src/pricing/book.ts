/**
 * The price book: a tenant's pricing data compiled for fast resolution. Build it with
 * `compilePriceBook`; keep it current with `patchPriceBook`.
 *
 * @module
 */
import { Dec } from '../money/decimal';
import type { CompiledFloor, CompiledGroup, CompiledRule, CompiledTier } from './compiled';
import type { CompiledList } from './derive';
import type { PriceBundle, PriceRuleGroup, UnitRounding } from './model';
import type { PriceList } from './price-list';
import { RuleIndex } from './rule-index';

/** Options of a price book. */
export interface PriceBookOptions {
  /** Rounding of the final unit price (the `unit-round` stage). */
  readonly unitRounding: UnitRounding;
}

/**
 * The default unit rounding: 6 places half-up — the precision unit prices are entered with, so
 * it never changes a price typed into a list, an agreement or an order; computed prices keep 6
 * places. Tenants that want prices in whole fen set `{ scale: 2, mode: 'half-up' }`.
 */
export const DEFAULT_UNIT_ROUNDING: UnitRounding = Object.freeze({ scale: 6, mode: 'half-up' });

/** Floors by product, by product group, and the rest (customer-group floors). */
export interface FloorIndex {
  /** Floors naming a product. */
  readonly byProduct: Map<string, CompiledFloor[]>;
  /** Floors naming a product group (and no product). */
  readonly byGroup: Map<string, CompiledFloor[]>;
  /** Floors naming neither. */
  readonly rest: CompiledFloor[];
}

/**
 * A compiled price book. Treat it as read-only: `patchPriceBook` is the only writer. Resolving a
 * line looks up a few keys in `index`, whatever the number of rules.
 */
export class PriceBook {
  /** The pricing-data version this book reflects (set by whoever keeps it current). */
  version = 0;
  /** Flattened price lists by id. */
  readonly lists = new Map<string, CompiledList>();
  /** The lists as given (derived lists are re-flattened from them). */
  readonly sourceLists = new Map<string, PriceList>();
  /** Groups by id. */
  readonly groups = new Map<string, CompiledGroup>();
  /** Active rules and agreements by id. */
  readonly rules = new Map<string, CompiledRule>();
  /** The rule index. */
  readonly index = new RuleIndex();
  /** Active floors by id. */
  readonly floors = new Map<string, CompiledFloor>();
  /** The floor index. */
  floorIndex: FloorIndex = { byProduct: new Map(), byGroup: new Map(), rest: [] };
  /** Bundles by id (inactive ones included: ordering one is a typed error). */
  readonly bundles = new Map<string, PriceBundle>();
  /** The group definitions as given. */
  readonly sourceGroups = new Map<string, PriceRuleGroup>();
  /** Currencies of lists and floors (the rates a resolution may need). */
  currencies = new Set<string>();
  /** Interned decimals, so equal values share one object. */
  readonly decimals = new Map<string, Dec>();
  /** Interned scope strings. */
  readonly strings = new Map<string, string>();
  /** Shared break tables by content. */
  readonly tierTables = new Map<string, readonly CompiledTier[]>();

  /** Builds an empty book. */
  constructor(
    /** Its options. */
    readonly options: PriceBookOptions,
  ) {}

  /** The shared decimal equal to `d`. */
  intern(d: Dec): Dec {
    const k = d.toString();
    const hit = this.decimals.get(k);
    if (hit !== undefined) return hit;
    const v = new Dec(d);
    this.decimals.set(k, v);
    return v;
  }

  /** Number of active rules and agreements. */
  get size(): number {
    return this.rules.size;
  }
}
