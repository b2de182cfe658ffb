/**
 * Moving a price between units, currencies and tax bases — each a stated stage of the
 * waterfall, never done implicitly.
 *
 * @module
 */
import { Dec } from '../money/decimal';
import { type RoundingMode, roundDecimal } from '../money/rounding';
import type { PricingContext, PricingLine } from './context';

/** The decimal 1. */
export const ONE = new Dec(1);
/** The decimal 0. */
export const ZERO = new Dec(0);
/** The decimal 100. */
export const HUNDRED = new Dec(100);

/** How many stock units one `unit` of the line's product is, or `undefined` without a conversion. */
export function stockUnitsPer(line: PricingLine, unit: string): Dec | undefined {
  if (unit === line.stockUnit) return ONE;
  for (const c of line.conversions) {
    if (c.productId !== undefined && c.productId !== line.productId) continue;
    if (c.from === unit && c.to === line.stockUnit) return c.factor;
  }
  for (const c of line.conversions) {
    if (c.productId !== undefined && c.productId !== line.productId) continue;
    if (c.from === line.stockUnit && c.to === unit) return ONE.dividedBy(c.factor);
  }
  return undefined;
}

/**
 * How many `to` units one `from` unit is for the line's product (through its stock unit), or
 * `undefined` when either unit has no conversion.
 */
export function unitsPer(line: PricingLine, from: string, to: string): Dec | undefined {
  if (from === to) return ONE;
  const f = stockUnitsPer(line, from);
  const t = stockUnitsPer(line, to);
  if (f === undefined || t === undefined) return undefined;
  return t.equals(ONE) ? f : f.dividedBy(t);
}

/**
 * Converts a price per `unit` to a price per line unit: `price × (units per line unit)`.
 * `undefined` when there is no conversion.
 */
export function perLineUnit(line: PricingLine, price: Dec, unit: string): Dec | undefined {
  if (unit === line.unit) return price;
  const k = unitsPer(line, line.unit, unit);
  return k === undefined ? undefined : price.times(k);
}

/** The line's quantity in `unit`, or `undefined` without a conversion. */
export function quantityIn(line: PricingLine, unit: string): Dec | undefined {
  if (unit === line.unit) return line.quantity;
  const k = unitsPer(line, line.unit, unit);
  return k === undefined ? undefined : line.quantity.times(k);
}

/**
 * Converts an amount in `from` to the order currency with the context's rate: the single
 * currency-conversion point. `undefined` when the rate is missing.
 */
export function toOrderCurrency(ctx: PricingContext, amount: Dec, from: string): Dec | undefined {
  if (from === ctx.currency) return amount;
  const rate = ctx.rates?.get(from);
  return rate === undefined ? undefined : amount.times(rate);
}

/** Moves a price between net and gross with the line's VAT rate. */
export function toTaxBasis(
  price: Dec,
  fromIncludesTax: boolean,
  toIncludesTax: boolean,
  taxRate: Dec,
): Dec {
  if (fromIncludesTax === toIncludesTax || taxRate.isZero()) return price;
  return fromIncludesTax ? price.dividedBy(taxRate.plus(1)) : price.times(taxRate.plus(1));
}

/**
 * Rounds `x` to `scale` places with `mode` — the same as `roundDecimal`, skipping the work when
 * `x` already has no more places.
 */
export function roundTo(x: Dec, scale: number, mode: RoundingMode): Dec {
  return x.decimalPlaces() <= scale ? x : roundDecimal(x, scale, mode);
}

/**
 * Compares two finite decimals like `a.comparedTo(b)` (−1, 0 or 1) without allocating: it reads
 * decimal.js's normalised form (sign `s`, exponent `e`, base-1e7 digit words `d`). Used on the
 * hot path of resolution (break tables, floors); equal to `comparedTo` for every finite value.
 */
export function compareDec(a: Dec, b: Dec): -1 | 0 | 1 {
  const ad = a.d;
  const bd = b.d;
  const aZero = ad[0] === 0;
  const bZero = bd[0] === 0;
  if (aZero || bZero) return aZero ? (bZero ? 0 : b.s > 0 ? -1 : 1) : a.s > 0 ? 1 : -1;
  if (a.s !== b.s) return a.s > b.s ? 1 : -1;
  const sign = a.s;
  if (a.e !== b.e) return (a.e > b.e ? 1 : -1) * sign > 0 ? 1 : -1;
  const n = Math.min(ad.length, bd.length);
  for (let i = 0; i < n; i++) {
    const x = ad[i] as number;
    const y = bd[i] as number;
    if (x !== y) return (x > y ? 1 : -1) * sign > 0 ? 1 : -1;
  }
  if (ad.length === bd.length) return 0;
  return (ad.length > bd.length ? 1 : -1) * sign > 0 ? 1 : -1;
}
