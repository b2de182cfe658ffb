/**
 * Price lists: a base price per product, unit and currency, tax-inclusive or exclusive, with
 * validity dates; a list may derive from another ("dealer = retail − 15 %"). The pricing engine
 * (`compile.ts`, `resolve.ts`) reads them; {@link PriceResolver} is the simple one-list seam.
 *
 * @module
 */
import type { PriceListId, ProductId, TenantId } from '../kernel/brand';
import type { Dec } from '../money/decimal';
import type { Money } from '../money/money';
import type { UnitRounding } from './model';

/** One price of a price list. */
export interface PriceListEntry {
  /** Product. */
  readonly productId: ProductId;
  /** Unit the price is per. */
  readonly unit: string;
  /** Price per unit, in the list's currency. */
  readonly unitPrice: Money;
  /** First day this price applies (inclusive, `YYYY-MM-DD`); absent = since always. */
  readonly validFrom?: string;
  /** Last day this price applies (inclusive); absent = for ever. */
  readonly validTo?: string;
}

/**
 * How a derived list's prices follow its base list: `base × (1 + percent/100) + amount`, then
 * optionally rounded. Its own entries replace derived ones for the same product and unit.
 */
export interface PriceListDerivation {
  /** The base list (same currency and tax basis; chains allowed, cycles rejected). */
  readonly priceListId: string;
  /** Percent added to the base price: `-15` for 15 % off, `10` for a 10 % markup. */
  readonly percent: Dec;
  /** Amount added per unit after the percentage (may be negative). */
  readonly amount?: Dec;
  /** Rounding of each derived price (a stated stage); absent = exact. */
  readonly round?: UnitRounding;
}

/** A price list. */
export interface PriceList {
  /** Id. */
  readonly id: PriceListId;
  /** Owning tenant. */
  readonly tenantId: TenantId;
  /** Name. */
  readonly name: string;
  /** ISO 4217 code of every price. */
  readonly currency: string;
  /** Whether prices include VAT. */
  readonly priceIncludesTax: boolean;
  /** Prices. At most one per (product, unit) on any day. */
  readonly entries: readonly PriceListEntry[];
  /** First day the list applies (inclusive); absent = since always. */
  readonly validFrom?: string;
  /** Last day the list applies (inclusive); absent = for ever. */
  readonly validTo?: string;
  /** When set, the list derives its prices from another list. */
  readonly basedOn?: PriceListDerivation;
  /**
   * When true, a line in a unit the list has no price for is priced from the list's price in
   * another unit of the product through the product's conversion (1 BOX = 12 EA: 12 × the EA
   * price). Default false: the list must price the line's unit itself.
   */
  readonly convertUnits?: boolean;
}

/** No price for a product and unit. */
export interface PriceNotFoundError {
  readonly code: 'PRICE_NOT_FOUND';
  readonly message: string;
  readonly productId: string;
  readonly unit: string;
  readonly priceListId: string;
  readonly field?: string;
}
