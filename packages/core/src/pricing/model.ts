/**
 * The pricing data an integrator maintains: rule groups with a declared composition policy,
 * rules and customer agreements (协议价), floor prices (最低限价 / 红线价) and bundles (套餐).
 * Price lists live in `price-list.ts`. All of it is plain data with exact decimals; the engine
 * compiles it into a {@link PriceBook} (see `compile.ts`).
 *
 * @module
 */
import type { Dec } from '../money/decimal';
import type { RoundingMode } from '../money/rounding';
import type { PriceList } from './price-list';

/** A calendar date `YYYY-MM-DD` (the pricing date of an order is the UTC date of its instant). */
export type IsoDate = string;

/** Inclusive validity dates; an absent end is open. */
export interface Validity {
  /** First day the record applies (inclusive); absent = since always. */
  readonly validFrom?: IsoDate;
  /** Last day the record applies (inclusive); absent = for ever. */
  readonly validTo?: IsoDate;
}

/**
 * Who and what a rule applies to. Every dimension given must match the order line; an absent
 * dimension matches anything. `headOfficeId` matches the head office itself and every customer
 * whose head office it is.
 */
export interface PricingScope {
  /** One customer (sold-to). */
  readonly customerId?: string;
  /** A head office: the customer itself and its subsidiaries. */
  readonly headOfficeId?: string;
  /** A customer group, e.g. `dealer`. */
  readonly customerGroup?: string;
  /** A sales region, e.g. `east`. */
  readonly region?: string;
  /** A sales channel, e.g. `online`, `retail`. */
  readonly channel?: string;
  /** The selling department or store. */
  readonly departmentId?: string;
  /** One product. */
  readonly productId?: string;
  /** A product group. */
  readonly productGroup?: string;
  /** A brand. */
  readonly brand?: string;
}

/** The customer-side dimensions of a scope, most specific first. */
export const CUSTOMER_DIMENSIONS = [
  'customerId',
  'headOfficeId',
  'customerGroup',
  'region',
  'channel',
  'departmentId',
] as const;

/** The product-side dimensions of a scope, most specific first. */
export const PRODUCT_DIMENSIONS = ['productId', 'productGroup', 'brand'] as const;

/** A customer-side scope dimension. */
export type CustomerDimension = (typeof CUSTOMER_DIMENSIONS)[number];
/** A product-side scope dimension. */
export type ProductDimension = (typeof PRODUCT_DIMENSIONS)[number];

/**
 * How the rules of one group combine on a line:
 *
 * - `exclusive`: at most one applies — the most specific scope, then the highest priority,
 *   then the smallest rule id;
 * - `best-for-customer`: each applicable rule is tried on the group's input price and the lowest
 *   result wins (ties as `exclusive`);
 * - `additive`: every applicable rule's adjustment is computed on the group's input price and
 *   the adjustments are summed (10 % + 5 % = 15 % off);
 * - `compound`: every applicable rule applies in turn, in the `exclusive` order
 *   (10 % then 5 % = 14.5 % off).
 */
export type GroupPolicy = 'exclusive' | 'best-for-customer' | 'additive' | 'compound';

/** Every {@link GroupPolicy}. */
export const GROUP_POLICIES: readonly GroupPolicy[] = [
  'exclusive',
  'best-for-customer',
  'additive',
  'compound',
];

/** Rounding to `scale` decimal places with `mode`. */
export interface UnitRounding {
  /** Decimal places, 0–6. */
  readonly scale: number;
  /** Rounding mode. */
  readonly mode: RoundingMode;
}

/** A group of rules with its composition policy and its place in the waterfall. */
export interface PriceRuleGroup {
  /** Id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** How its rules combine. */
  readonly policy: GroupPolicy;
  /** Groups apply in ascending sequence (ties by id), after the base price. */
  readonly sequence: number;
  /** Optional rounding of the unit price right after this group (a stated stage). */
  readonly round?: UnitRounding;
}

/** The group agreements go to unless they name another one: exclusive, first in the waterfall. */
export const AGREEMENT_GROUP: PriceRuleGroup = Object.freeze({
  id: 'agreements',
  name: 'Customer agreements',
  policy: 'exclusive',
  sequence: 0,
});

/** One step of a break table: from `from` (inclusive) on, `value` applies. */
export interface Tier {
  /** Threshold: a quantity (in the rule's unit) or an amount (in the rule's currency). */
  readonly from: Dec;
  /** The effect's value from this threshold on. */
  readonly value: Dec;
}

/** The kinds of effect a rule can have. */
export type EffectType =
  | 'fixed-price'
  | 'discount-percent'
  | 'discount-amount'
  | 'markup-on-cost'
  | 'formula'
  | 'free-goods';

/**
 * An effect with a value: a fixed price or a discount amount per `unit` in `currency`, a
 * discount in percent of the input price, or a markup in percent on cost. Either `value`, or a
 * break table `tiers` (ascending `from`; below the first threshold the rule does not apply).
 */
export interface ValueEffect {
  /** The kind of effect. */
  readonly type: 'fixed-price' | 'discount-percent' | 'discount-amount' | 'markup-on-cost';
  /** The value when there is no break table. */
  readonly value?: Dec;
  /** Quantity or amount breaks (see {@link PriceRule.breakBasis}). */
  readonly tiers?: readonly Tier[];
}

/** A price computed from another list: `listPrice × multiplier + addend`. */
export interface FormulaEffect {
  /** The kind of effect. */
  readonly type: 'formula';
  /** The list whose price the formula starts from. */
  readonly priceListId: string;
  /** Factor on that list's price, e.g. `1.2`. */
  readonly multiplier: Dec;
  /** Amount added per line unit in the rule's currency (may be negative). */
  readonly addend: Dec;
}

/**
 * Buy `buy`, get `get` free (in the rule's unit, or the stock unit), repeatedly: 7 bought with
 * buy 3 get 1 gives 2 free. The free goods are `productId`, or the line's own product.
 */
export interface FreeGoodsEffect {
  /** The kind of effect. */
  readonly type: 'free-goods';
  /** Quantity to buy per grant. */
  readonly buy: Dec;
  /** Quantity given per grant. */
  readonly get: Dec;
  /** The product given; absent = the same product as the line. */
  readonly productId?: string;
}

/** What a rule does. */
export type RuleEffect = ValueEffect | FormulaEffect | FreeGoodsEffect;

/** Contract price bounds: a line price outside them is allowed, with a warning. */
export interface PriceBounds {
  /** Lowest price per rule unit without a warning. */
  readonly lower?: Dec;
  /** Highest price per rule unit without a warning. */
  readonly upper?: Dec;
}

/**
 * A pricing rule or a customer agreement (协议价). Agreements are rules with `kind:
 * 'agreement'`; they may carry a contract number and price bounds.
 */
export interface PriceRule extends Validity {
  /** Id, unique per tenant. */
  readonly id: string;
  /** `rule` or `agreement`. */
  readonly kind: 'rule' | 'agreement';
  /** Name shown in explanations. */
  readonly name: string;
  /** The group it belongs to (see {@link PriceRuleGroup}). */
  readonly groupId: string;
  /** Higher wins among equally specific rules of an exclusive group. */
  readonly priority: number;
  /** Who and what it applies to. */
  readonly scope: PricingScope;
  /** What it does. */
  readonly effect: RuleEffect;
  /** Currency of its amounts; a rule with amounts applies only to orders in this currency. */
  readonly currency?: string;
  /** Unit its prices, amounts and quantity breaks are per; absent = the line's unit for prices, the stock unit for quantities. */
  readonly unit?: string;
  /** Whether its prices and amounts include VAT (default: false). */
  readonly priceIncludesTax?: boolean;
  /** Breaks measured in quantity (default) or in amount at list price. */
  readonly breakBasis?: 'quantity' | 'amount';
  /** Breaks measured per line (default) or across the order's lines the rule applies to. */
  readonly breakScope?: 'line' | 'group';
  /** Contract bounds (agreements). */
  readonly bounds?: PriceBounds;
  /** Contract number (agreements). */
  readonly contractNo?: string;
  /** Inactive rules are kept but never apply. */
  readonly active: boolean;
}

/** The scope of a floor price. At least one dimension. */
export interface FloorScope {
  /** One product. */
  readonly productId?: string;
  /** A product group. */
  readonly productGroup?: string;
  /** A customer group. */
  readonly customerGroup?: string;
}

/** A floor given as a price per `unit`. */
export interface FloorPriceRule {
  /** The kind of floor. */
  readonly type: 'price';
  /** The floor price. */
  readonly value: Dec;
  /** Its currency. */
  readonly currency: string;
  /** Unit it is per; absent = the stock unit. */
  readonly unit?: string;
  /** Whether it includes VAT. */
  readonly priceIncludesTax: boolean;
}

/** A floor given as a minimum gross margin in percent of the net price: `cost ÷ (1 − m/100)`. */
export interface FloorMarginRule {
  /** The kind of floor. */
  readonly type: 'margin';
  /** Minimum margin in percent, below 100. */
  readonly minMarginPercent: Dec;
}

/**
 * A floor price (最低限价 / 红线价). The highest applicable floor binds; a line below it cannot
 * be confirmed without an approved override.
 */
export interface PriceFloor extends Validity {
  /** Id. */
  readonly id: string;
  /** What it applies to. */
  readonly scope: FloorScope;
  /** The floor. */
  readonly rule: FloorPriceRule | FloorMarginRule;
  /** Inactive floors never apply. */
  readonly active: boolean;
}

/** One component of a bundle, per set. */
export interface BundleComponent {
  /** Product. */
  readonly productId: string;
  /** Quantity per set. */
  readonly quantity: Dec;
  /** Unit of that quantity. */
  readonly unit: string;
}

/**
 * A bundle (套餐): a set of products sold together at one set price, ordered by its id like a
 * product. The set price is spread over the components in proportion to their list value.
 */
export interface PriceBundle extends Validity {
  /** Id (ordered as a line's product id). */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Currency of the set price. */
  readonly currency: string;
  /** Whether the set price includes VAT. */
  readonly priceIncludesTax: boolean;
  /** Price of one set. */
  readonly price: Dec;
  /** Components per set. */
  readonly components: readonly BundleComponent[];
  /** Inactive bundles cannot be ordered. */
  readonly active: boolean;
}

/** Everything a price book is compiled from. */
export interface PricingData {
  /** Price lists (plain and derived). */
  readonly priceLists: readonly PriceList[];
  /** Rule groups ({@link AGREEMENT_GROUP} is added unless one with its id is given). */
  readonly groups: readonly PriceRuleGroup[];
  /** Rules and agreements. */
  readonly rules: readonly PriceRule[];
  /** Floor prices. */
  readonly floors: readonly PriceFloor[];
  /** Bundles. */
  readonly bundles: readonly PriceBundle[];
}
