/**
 * The pricing runtime of a Tradecore instance: the rate and cost ports, and a cache of
 * compiled price books per tenant. Before a book is used, its version is checked against the
 * tenant's version record (one `get`), so several processes sharing one store never use stale
 * prices: a changed book is patched from the change log, or recompiled when the log does not
 * reach back far enough.
 *
 * @module
 */
import type { TenantId } from '../kernel/brand';
import { TradecoreBug } from '../kernel/errors';
import { AsyncMutex } from '../kernel/mutex';
import type { Product } from '../masterdata/types';
import type { Dec } from '../money/decimal';
import type { Money } from '../money/money';
import type { RatePort } from '../ports/rates';
import type { Transaction } from '../ports/store';
import {
  compilePriceBook,
  DEFAULT_UNIT_ROUNDING,
  type IsoDate,
  type PriceBook,
  patchPriceBook,
  type UnitRounding,
} from '../pricing';
import { loadChanges, loadPricingData, readBookVersion } from './pricing-store';

/**
 * The cost port: the cost per stock unit of each product, for margins, markups on cost and
 * minimum-margin floors. Inventory valuation will provide one; the default is the product's
 * standard cost. It reads through the caller's transaction.
 */
export interface CostPort {
  /** Cost per stock unit by product id (products without a cost are left out). */
  costs(
    tx: Transaction,
    products: readonly Product[],
    date: IsoDate,
  ): Promise<ReadonlyMap<string, Money>>;
}

/** The default cost port: each product's standard cost. */
export const standardCosts: CostPort = {
  async costs(_tx, products) {
    return new Map(products.map((p) => [p.id as string, p.standardCost]));
  },
};

/** Pricing options of `createTradecore`. */
export interface PricingOptions {
  /** Costs (default: {@link standardCosts}). */
  readonly costs?: CostPort;
  /** Rounding of the final unit price (default 6 places half-up, see `DEFAULT_UNIT_ROUNDING`). */
  readonly unitRounding?: UnitRounding;
  /** How many tenants' books to keep compiled (default 64; least recently used go first). */
  readonly maxCachedTenants?: number;
}

interface Entry {
  book: PriceBook | undefined;
  readonly mutex: AsyncMutex;
}

/** Counters of the cache, for tests and monitoring. */
export interface PricingCacheStats {
  /** Books used as cached. */
  hits: number;
  /** Books patched from the change log. */
  patches: number;
  /** Books compiled from all records. */
  rebuilds: number;
}

/** The pricing runtime: ports and the per-tenant book cache. */
export class PricingRuntime {
  /** The rate port, if any. */
  readonly rates: RatePort | undefined;
  /** The cost port. */
  readonly costs: CostPort;
  /** Final unit-price rounding. */
  readonly unitRounding: UnitRounding;
  /** Cache counters. */
  readonly stats: PricingCacheStats = { hits: 0, patches: 0, rebuilds: 0 };
  private readonly cache = new Map<TenantId, Entry>();
  private readonly max: number;

  /**
   * Builds a runtime from options and the SDK's rate port (without one, a price in another
   * currency than the order's is `RATE_MISSING`).
   */
  constructor(options: PricingOptions = {}, rates?: RatePort) {
    this.rates = rates;
    this.costs = options.costs ?? standardCosts;
    this.unitRounding = options.unitRounding ?? DEFAULT_UNIT_ROUNDING;
    this.max = options.maxCachedTenants ?? 64;
  }

  /**
   * The tenant's current price book, read through `tx`: the cached one if its version is the
   * stored one (or newer), else patched from the change log, else recompiled. Never call it
   * after writing pricing data in the same transaction (it would cache uncommitted data).
   *
   * @throws TradecoreBug `PRICE_BOOK_INVALID` when stored pricing data does not compile (the
   *   save commands make that impossible).
   */
  async book(tx: Transaction): Promise<PriceBook> {
    const stored = await readBookVersion(tx);
    const tenant = tx.tenantId;
    let entry = this.cache.get(tenant);
    if (entry?.book !== undefined && entry.book.version >= stored.version) {
      this.touch(tenant, entry);
      this.stats.hits++;
      return entry.book;
    }
    if (entry === undefined) {
      entry = { book: undefined, mutex: new AsyncMutex() };
      this.touch(tenant, entry);
    }
    const e = entry;
    return e.mutex.run(async () => {
      const cur = e.book;
      if (cur !== undefined && cur.version >= stored.version) return cur;
      const oldest = stored.changes[0]?.v ?? Number.POSITIVE_INFINITY;
      if (cur !== undefined && oldest <= cur.version + 1) {
        const changes = stored.changes.filter((c) => c.v > cur.version);
        const patched = patchPriceBook(cur, await loadChanges(tx, changes));
        if (patched.ok) {
          patched.value.version = stored.version;
          this.stats.patches++;
          this.touch(tenant, e);
          return patched.value;
        }
      }
      const compiled = compilePriceBook(await loadPricingData(tx), {
        unitRounding: this.unitRounding,
      });
      if (!compiled.ok) {
        throw new TradecoreBug('PRICE_BOOK_INVALID', compiled.error.message, {
          tenantId: tenant,
          code: compiled.error.code,
        });
      }
      compiled.value.version = stored.version;
      e.book = compiled.value;
      this.stats.rebuilds++;
      this.touch(tenant, e);
      return compiled.value;
    });
  }

  /** Drops every cached book (the next use recompiles). */
  clear(): void {
    this.cache.clear();
  }

  private touch(tenant: TenantId, e: Entry): void {
    this.cache.delete(tenant);
    this.cache.set(tenant, e);
    while (this.cache.size > this.max) {
      const first = this.cache.keys().next().value;
      if (first === undefined) break;
      this.cache.delete(first);
    }
  }

  /**
   * Rates into `currency` at `asOf` (an instant) for every other currency in `currencies` that
   * has one.
   */
  ratesFor(currencies: Iterable<string>, currency: string, asOf: string): Map<string, Dec> {
    const out = new Map<string, Dec>();
    if (this.rates === undefined) return out;
    for (const c of new Set(currencies)) {
      if (c === currency) continue;
      const r = this.rates.rate(c, currency, asOf);
      if (r !== undefined) out.set(c, r);
    }
    return out;
  }
}
