/**
 * Explicit rounding modes, all symmetric around zero.
 *
 * @module
 */

import Decimal from 'decimal.js';
import { TradecoreBug } from '../kernel/errors';
import { type Dec, normalizeZero } from './decimal';

/**
 * How to round to a number of decimal places. Every mode is symmetric around zero, so
 * `round(-x) = -round(x)` (a credit note rounds exactly like its invoice, negated):
 *
 * - `'half-up'`: to the nearest; ties away from zero (2.345 → 2.35, −2.345 → −2.35);
 * - `'half-even'`: to the nearest; ties to the even neighbour, "banker's rounding"
 *   (2.345 → 2.34, 2.355 → 2.36);
 * - `'up'`: away from zero (2.341 → 2.35, −2.341 → −2.35);
 * - `'down'`: toward zero, i.e. truncation (2.349 → 2.34, −2.349 → −2.34).
 */
export type RoundingMode = 'half-up' | 'half-even' | 'up' | 'down';

/** Every {@link RoundingMode}, e.g. for validation schemas and property tests. */
export const ROUNDING_MODES: readonly RoundingMode[] = Object.freeze([
  'half-up',
  'half-even',
  'up',
  'down',
]);

const DECIMAL_JS_MODE: Readonly<Record<RoundingMode, Decimal.Rounding>> = {
  'half-up': Decimal.ROUND_HALF_UP,
  'half-even': Decimal.ROUND_HALF_EVEN,
  up: Decimal.ROUND_UP,
  down: Decimal.ROUND_DOWN,
};

/** Largest scale `decimal.js` accepts. */
const MAX_SCALE = 1e9;

/**
 * Throws unless `scale` is a whole number of decimal places (0 or more).
 *
 * @throws TradecoreBug `INVALID_SCALE`.
 */
export function assertScale(scale: number): void {
  if (!Number.isInteger(scale) || scale < 0 || scale > MAX_SCALE) {
    throw new TradecoreBug('INVALID_SCALE', `scale must be a whole number ≥ 0, got ${scale}`, {
      scale,
    });
  }
}

/**
 * Rounds `x` to `scale` decimal places with `mode`. Exact: the result has at most `scale`
 * decimal places and is not limited by the 40-digit working precision.
 *
 * @throws TradecoreBug `INVALID_SCALE` for a negative or fractional scale, `INVALID_ROUNDING_MODE`
 *   for an unknown mode.
 *
 * @example
 * ```ts
 * roundDecimal(dec('2.345'), 2, 'half-up').toString(); // '2.35'
 * roundDecimal(dec('2.345'), 2, 'half-even').toString(); // '2.34'
 * ```
 */
export function roundDecimal(x: Dec, scale: number, mode: RoundingMode): Dec {
  assertScale(scale);
  if (!Object.hasOwn(DECIMAL_JS_MODE, mode)) {
    throw new TradecoreBug('INVALID_ROUNDING_MODE', `unknown rounding mode '${String(mode)}'`, {
      mode,
    });
  }
  return normalizeZero(x.toDecimalPlaces(scale, DECIMAL_JS_MODE[mode]));
}
