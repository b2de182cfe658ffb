/**
 * Shared fast-check arbitraries and helpers for the money tests.
 *
 * @module
 */

import fc from 'fast-check';
import { expect } from 'vitest';
import type { RoundingMode } from '../../src/money';
import { Money, ROUNDING_MODES } from '../../src/money';

/** Currency codes the properties run over: 0, 2 and 3 minor units. */
export const currencyCodes = ['CNY', 'USD', 'JPY', 'KWD'] as const;

/** A currency code from {@link currencyCodes}. */
export const currencyCode = fc.constantFrom(...currencyCodes);

/** A rounding mode. */
export const roundingMode: fc.Arbitrary<RoundingMode> = fc.constantFrom(...ROUNDING_MODES);

/** Formats the integer `units` as a plain decimal string with `scale` decimal places. */
export function unitsToString(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const int = scale === 0 ? digits : digits.slice(0, -scale);
  const frac = scale === 0 ? '' : `.${digits.slice(-scale)}`;
  return `${negative ? '-' : ''}${int}${frac}`;
}

/** A decimal string `units × 10^−scale` with |units| ≤ `maxUnits` and scale in [0, maxScale]. */
export function decimalString(maxUnits = 10n ** 15n, maxScale = 6): fc.Arbitrary<string> {
  return fc
    .tuple(fc.bigInt({ min: -maxUnits, max: maxUnits }), fc.integer({ min: 0, max: maxScale }))
    .map(([u, s]) => unitsToString(u, s));
}

/** Money in `code` with any number of decimal places (up to minor units + `extra`). */
export function moneyIn(code: string, extra = 3, maxUnits = 10n ** 15n): fc.Arbitrary<Money> {
  const minor = Money.zero(code).currency.minorUnits;
  return fc
    .tuple(fc.bigInt({ min: -maxUnits, max: maxUnits }), fc.integer({ min: 0, max: minor + extra }))
    .map(([u, s]) => Money.of(unitsToString(u, s), code));
}

/** Money at exactly the currency's minor units. */
export function roundedMoneyIn(code: string, maxUnits = 10n ** 12n): fc.Arbitrary<Money> {
  return moneyIn(code, 0, maxUnits).map((m) => m.round('half-up'));
}

/** Runs `fn`, expecting a TradecoreBug with `code`; returns the error for further checks. */
export function expectBug(fn: () => unknown, code: string): Record<string, unknown> {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(Error);
  expect(thrown).toMatchObject({ name: 'TradecoreBug', code });
  return thrown as Record<string, unknown>;
}

/** The JSON forms of a list of money, for exact comparisons with readable diffs. */
export function json(ms: readonly Money[]): string[] {
  return ms.map((m) => m.toString());
}
