/**
 * Splitting an amount into parts that sum exactly to it.
 *
 * @module
 */

import { TradecoreBug } from '../kernel/errors';
import type { DecimalInput } from './decimal';
import { type Dec, dec } from './decimal';
import { Money } from './money';
import { assertScale } from './rounding';

/** The exact integer `x × 10^scale`; `x` must have at most `scale` decimal places. */
export function toUnits(x: Dec, scale: number): bigint {
  return BigInt(x.toFixed(scale).replace('.', ''));
}

/** The decimal `units × 10^−scale`, exactly. */
export function fromUnits(units: bigint, scale: number): Dec {
  return dec(`${units.toString()}e-${scale}`);
}

/**
 * Splits `units ≥ 0` into integer parts proportional to `weights` (integers ≥ 0, positive
 * sum) by the largest-remainder method: every part is the floor of its exact share, and the
 * units left over go one each to the largest remainders, ties to the lower index.
 */
function largestRemainder(units: bigint, weights: readonly bigint[]): bigint[] {
  const total = weights.reduce((s, w) => s + w, 0n);
  const parts = weights.map((w) => (units * w) / total);
  const rems = weights.map((w) => (units * w) % total);
  let left = units - parts.reduce((s, p) => s + p, 0n);
  const order = weights
    .map((_, i) => i)
    .sort((a, b) => {
      const ra = rems[a]!;
      const rb = rems[b]!;
      return ra > rb ? -1 : ra < rb ? 1 : a - b;
    });
  for (const i of order) {
    if (left === 0n) break;
    parts[i] = parts[i]! + 1n;
    left -= 1n;
  }
  return parts;
}

function badRatios(message: string, ratios: readonly DecimalInput[]): TradecoreBug {
  return new TradecoreBug('ALLOCATE_BAD_RATIOS', message, { ratios: ratios.map(String) });
}

/**
 * Splits `total` into one part per ratio, proportionally, at `scale` decimal places (default:
 * the currency's minor units), so that the parts **sum exactly to `total`**.
 *
 * Each part is its exact proportional share rounded down (toward zero) to the scale; the units
 * left over go one each to the parts with the largest remainders, ties to the lower index. So
 * every part is within one unit of its exact share, a zero ratio gets zero, the result is
 * deterministic, and `allocate(−x, r)` is `allocate(x, r)` negated part by part.
 *
 * @param ratios - weights ≥ 0 with a positive sum, e.g. `[1, 1, 1]`, `['0.7', '0.3']`.
 * @throws TradecoreBug `ALLOCATE_UNROUNDED_TOTAL` when `total` has more than `scale` decimal
 *   places (round it first), `ALLOCATE_BAD_RATIOS` for an empty list, a negative ratio or a
 *   zero sum, `INVALID_SCALE` for a bad scale.
 *
 * @example
 * ```ts
 * allocate(Money.of('100.00', 'CNY'), [1, 1, 1]).map(String);
 * // ['CNY 33.34', 'CNY 33.33', 'CNY 33.33']
 * ```
 */
export function allocate(
  total: Money,
  ratios: readonly DecimalInput[],
  scale: number = total.currency.minorUnits,
): Money[] {
  assertScale(scale);
  if (total.decimalPlaces() > scale) {
    throw new TradecoreBug(
      'ALLOCATE_UNROUNDED_TOTAL',
      `cannot allocate ${total.toString()} at ${scale} decimal places: round it first`,
      { total: total.toJSON(), scale },
    );
  }
  if (ratios.length === 0) throw badRatios('no ratios to allocate by', ratios);
  const rs = ratios.map((r) => dec(r));
  if (rs.some((r) => r.isNegative() && !r.isZero())) {
    throw badRatios('ratios must not be negative', ratios);
  }
  if (rs.every((r) => r.isZero())) throw badRatios('ratios must have a positive sum', ratios);
  // Scale the ratios to integers; proportions are unchanged.
  const ratioScale = Math.max(...rs.map((r) => r.decimalPlaces()));
  const weights = rs.map((r) => toUnits(r, ratioScale));
  const units = toUnits(total.amount, scale);
  const negative = units < 0n;
  const parts = largestRemainder(negative ? -units : units, weights);
  return parts.map((p) => Money.of(fromUnits(negative ? -p : p, scale), total.currency));
}

/**
 * Splits `total` into `n` parts as equal as possible, larger parts first:
 * `allocateEvenly(Money.of('100', 'JPY'), 3)` gives 34, 33, 33.
 *
 * @throws TradecoreBug `ALLOCATE_BAD_RATIOS` unless `n` is a whole number ≥ 1, and as
 *   {@link allocate}.
 */
export function allocateEvenly(
  total: Money,
  n: number,
  scale: number = total.currency.minorUnits,
): Money[] {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new TradecoreBug('ALLOCATE_BAD_RATIOS', `cannot split into ${n} parts`, { n });
  }
  return allocate(total, new Array<number>(n).fill(1), scale);
}
