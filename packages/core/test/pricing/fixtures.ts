/**
 * Builders for pricing tests: small books, contexts and lines with readable defaults.
 */
import type { PriceListId, ProductId, TenantId } from '../../src/kernel/brand';
import { type Result, unwrap } from '../../src/kernel/result';
import { type Dec, dec } from '../../src/money/decimal';
import { Money } from '../../src/money/money';
import {
  type CompiledRule,
  compilePriceBook,
  type LinePrice,
  type PriceBook,
  type PriceBookOptions,
  type PriceRule,
  type PricingContext,
  type PricingData,
  type PricingLine,
} from '../../src/pricing';
import type { PriceList } from '../../src/pricing/price-list';

/** A decimal. */
export const D = (v: string | number): Dec => dec(v);

/** A price list from `[productId, unit, price]` rows. */
export function list(
  id: string,
  rows: readonly [string, string, string][],
  o: Partial<Omit<PriceList, 'id' | 'entries'>> = {},
): PriceList {
  const currency = o.currency ?? 'CNY';
  return {
    id: id as PriceListId,
    tenantId: 't' as TenantId,
    name: id,
    currency,
    priceIncludesTax: false,
    ...o,
    entries: rows.map(([productId, unit, price]) => ({
      productId: productId as ProductId,
      unit,
      unitPrice: Money.of(price, currency),
    })),
  };
}

/** A rule with defaults: kind `rule`, name = id, priority 0, active, CNY, no scope. */
export function rule(
  p: Partial<PriceRule> & Pick<PriceRule, 'id' | 'groupId' | 'effect'>,
): PriceRule {
  return {
    kind: 'rule',
    name: p.id,
    priority: 0,
    scope: {},
    active: true,
    currency: 'CNY',
    ...p,
  };
}

/** Pricing data with empty defaults. */
export function data(p: Partial<PricingData>): PricingData {
  return { priceLists: [], groups: [], rules: [], floors: [], bundles: [], ...p };
}

/** Compiles, asserting success. */
export function book(p: Partial<PricingData>, o: Partial<PriceBookOptions> = {}): PriceBook {
  return unwrap(compilePriceBook(data(p), o));
}

/** A context: 2026-11-22, CNY, list `retail`, net prices, customer `c1`. */
export function ctx(p: Partial<PricingContext> = {}): PricingContext {
  return {
    date: '2026-11-22',
    currency: 'CNY',
    priceListId: 'retail',
    priceIncludesTax: false,
    customerId: 'c1',
    headOfficeId: 'c1',
    ...p,
  };
}

/** A line: 1 EA of `p1` (stock unit EA, 1 BOX = 12 EA), VAT 13 %. */
export function line(p: Partial<PricingLine> = {}): PricingLine {
  return {
    productId: 'p1',
    quantity: D(1),
    unit: 'EA',
    stockUnit: 'EA',
    conversions: [{ from: 'BOX', to: 'EA', factor: D(12) }],
    taxRate: D('0.13'),
    ...p,
  };
}

/** The unit price of a successful result as text, e.g. `'85'`; the error code otherwise. */
export function priceOf(r: Result<LinePrice, { code: string }>): string {
  return r.ok ? r.value.unitPrice.amount.toString() : r.error.code;
}

/** The rules of a book, for assertions. */
export function rulesOf(b: PriceBook): CompiledRule[] {
  return [...b.rules.values()];
}
