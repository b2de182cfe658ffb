/**
 * The one decimal type Tradecore computes money and quantities with.
 *
 * @module
 */

import Decimal from 'decimal.js';
import { TradecoreBug } from '../kernel/errors';

/**
 * The Tradecore decimal constructor: a `decimal.js` clone with 40 significant digits, half-up
 * (ties away from zero) rounding of inexact results, and plain notation for exponents between
 * -30 and 40.
 *
 * Additions, subtractions and multiplications are exact as long as the result fits in 40
 * significant digits; divisions are rounded to 40 significant digits. Rounding to a currency's
 * minor units is always explicit (see `roundDecimal` and `Money.round`).
 *
 * Prefer {@link dec} to `new Dec(…)`: it rejects NaN, infinities and non-decimal strings.
 */
export const Dec = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -30,
  toExpPos: 40,
});

/** An instance of the Tradecore decimal constructor {@link Dec}. */
export type Dec = InstanceType<typeof Dec>;

/**
 * Anything {@link dec} turns into a {@link Dec}:
 *
 * - a decimal string such as `'12.30'`, `'-0.5'`, `'+3'` or `'1.5e3'` (no hex/octal/binary, no
 *   whitespace, no `'NaN'`/`'Infinity'`, magnitude between 1e-1000 and 1e1000 or zero);
 * - a `Dec` or any `decimal.js` `Decimal` (copied exactly, never rounded);
 * - a JS `number`, accepted **only as a convenience for safe integers** such as `0`, `1` or `3`.
 *   Fractional numbers are rejected: floats cannot hold money, so write `'0.13'`, not `0.13`.
 */
export type DecimalInput = Dec | Decimal | string | number;

const DECIMAL_STRING = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const ZERO = new Dec(0);

/** Largest decimal exponent a parsed string may have (either sign): a sanity bound. */
const MAX_EXPONENT = 1000;

/**
 * Returns `x`, or positive zero when `x` is a (possibly negative) zero, so that a zero never
 * prints as `-0.00`.
 */
export function normalizeZero(x: Dec): Dec {
  return x.isZero() ? ZERO : x;
}

/**
 * Parses a {@link DecimalInput} into a finite {@link Dec}, exactly (no rounding).
 *
 * @throws TradecoreBug `INVALID_DECIMAL` for NaN, infinities, unparseable strings and
 *   non-integer numbers.
 *
 * @example
 * ```ts
 * dec('12.30').toFixed(2); // '12.30'
 * dec(3).times('0.5').toString(); // '1.5'
 * dec('abc'); // throws TradecoreBug INVALID_DECIMAL
 * ```
 */
export function dec(v: DecimalInput): Dec {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) {
      throw new TradecoreBug(
        'INVALID_DECIMAL',
        `numbers are accepted only as safe integers, got ${String(v)}; pass a decimal string`,
        { value: String(v) },
      );
    }
    return normalizeZero(new Dec(v));
  }
  if (typeof v === 'string') {
    if (!DECIMAL_STRING.test(v)) {
      throw new TradecoreBug('INVALID_DECIMAL', `not a decimal number: '${v}'`, { value: v });
    }
    const d = new Dec(v);
    if (!d.isFinite() || (!d.isZero() && Math.abs(d.e) > MAX_EXPONENT)) {
      throw new TradecoreBug('INVALID_DECIMAL', `decimal out of range: '${v}'`, { value: v });
    }
    return normalizeZero(d);
  }
  if (Decimal.isDecimal(v)) {
    if (!v.isFinite()) {
      throw new TradecoreBug('INVALID_DECIMAL', `not a finite decimal: ${v.toString()}`, {
        value: v.toString(),
      });
    }
    if (v.constructor === Dec) return normalizeZero(v);
    return normalizeZero(new Dec(v));
  }
  throw new TradecoreBug('INVALID_DECIMAL', `not a decimal input: ${typeof v}`, {
    value: String(v),
  });
}

/**
 * Formats a decimal exactly in plain notation (never exponent notation), with at least
 * `minDecimals` decimal places (zero-padded; never rounds).
 */
export function toPlainString(x: Dec, minDecimals = 0): string {
  const n = normalizeZero(x);
  return n.decimalPlaces() < minDecimals ? n.toFixed(minDecimals) : n.toFixed();
}
