/**
 * Price lists: a base price per product, unit and currency. The pricing engine (its own issue)
 * plugs in behind {@link PriceResolver}; this is the first, simplest resolver.
 *
 * @module
 */
import type { PriceListId, ProductId, TenantId } from '../kernel/brand';
import { err, ok, type Result } from '../kernel/result';
import type { Money } from '../money/money';

/** One price of a price list. */
export interface PriceListEntry {
  /** Product. */
  readonly productId: ProductId;
  /** Unit the price is per. */
  readonly unit: string;
  /** Price per unit, in the list's currency. */
  readonly unitPrice: Money;
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
  /** Prices. At most one per (product, unit). */
  readonly entries: readonly PriceListEntry[];
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

/** A resolved price with where it came from (the seam the pricing engine will fill with a full trace). */
export interface ResolvedPrice {
  /** Price per unit. */
  readonly unitPrice: Money;
  /** Whether it includes VAT. */
  readonly priceIncludesTax: boolean;
  /** Compact trace of the source. */
  readonly source: { readonly kind: 'price-list'; readonly priceListId: string };
}

/** What a resolver is asked. */
export interface PriceQuery {
  /** Product. */
  readonly productId: ProductId;
  /** Unit of the order line. */
  readonly unit: string;
}

/** Resolves the price of a line. The pricing engine will provide a richer implementation. */
export interface PriceResolver {
  /** Resolves one line. */
  resolve(query: PriceQuery): Result<ResolvedPrice, PriceNotFoundError>;
}

/** The base resolver: the list's entry for (product, unit). */
export function priceListResolver(list: PriceList): PriceResolver {
  const index = new Map(list.entries.map((e) => [`${e.productId}\u0000${e.unit}`, e]));
  return {
    resolve(q) {
      const e = index.get(`${q.productId}\u0000${q.unit}`);
      if (!e) {
        return err({
          code: 'PRICE_NOT_FOUND',
          message: `price list ${list.id} has no price for product ${q.productId} per ${q.unit}`,
          productId: q.productId,
          unit: q.unit,
          priceListId: list.id,
        });
      }
      return ok({
        unitPrice: e.unitPrice,
        priceIncludesTax: list.priceIncludesTax,
        source: { kind: 'price-list', priceListId: list.id },
      });
    },
  };
}
