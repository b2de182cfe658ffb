import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RoundingMode } from '../../src/money';
import { dec, Money, ROUNDING_MODES, roundDecimal } from '../../src/money';
import { currencyCode, expectBug, moneyIn, roundingMode, unitsToString } from './arbitraries';

/**
 * Reference rounding on integers: rounds `units × 10^−scale` to `target` decimal places and
 * returns the result as a plain string.
 */
function referenceRound(units: bigint, scale: number, target: number, mode: RoundingMode): string {
  if (target >= scale) return unitsToString(units, scale);
  const step = 10n ** BigInt(scale - target);
  const negative = units < 0n;
  const abs = negative ? -units : units;
  let q = abs / step;
  const r = abs % step;
  const twice = 2n * r;
  if (mode === 'up' && r > 0n) q += 1n;
  if (mode === 'half-up' && twice >= step) q += 1n;
  if (mode === 'half-even' && (twice > step || (twice === step && q % 2n === 1n))) q += 1n;
  return unitsToString(negative ? -q : q, target);
}

const exact = fc.tuple(
  fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
  fc.integer({ min: 0, max: 10 }),
);
const scale = fc.integer({ min: 0, max: 8 });
const runs = { numRuns: 400 };

describe('roundDecimal', () => {
  it('matches an integer reference implementation for every mode and scale', () => {
    fc.assert(
      fc.property(exact, scale, roundingMode, ([u, s], target, mode) => {
        const x = dec(unitsToString(u, s));
        const expected = dec(referenceRound(u, s, target, mode));
        expect(roundDecimal(x, target, mode).toFixed()).toBe(expected.toFixed());
      }),
      runs,
    );
  });

  it('is symmetric: round(−x) = −round(x)', () => {
    fc.assert(
      fc.property(exact, scale, roundingMode, ([u, s], target, mode) => {
        const x = dec(unitsToString(u, s));
        expect(
          roundDecimal(x.negated(), target, mode).equals(roundDecimal(x, target, mode).negated()),
        ).toBe(true);
      }),
      runs,
    );
  });

  it('is idempotent and stays within one unit', () => {
    fc.assert(
      fc.property(exact, scale, roundingMode, ([u, s], target, mode) => {
        const x = dec(unitsToString(u, s));
        const once = roundDecimal(x, target, mode);
        expect(roundDecimal(once, target, mode).equals(once)).toBe(true);
        expect(once.decimalPlaces()).toBeLessThanOrEqual(target);
        expect(
          once
            .minus(x)
            .abs()
            .lessThan(dec(`1e-${target}`)),
        ).toBe(true);
      }),
      runs,
    );
  });

  it('rounds Money symmetrically at the minor units by default', () => {
    fc.assert(
      fc.property(currencyCode.chain(moneyIn), roundingMode, (m, mode) => {
        const r = m.round(mode);
        expect(r.fitsMinorUnits()).toBe(true);
        expect(m.negate().round(mode).equals(r.negate())).toBe(true);
        expect(r.round(mode).equals(r)).toBe(true);
      }),
      runs,
    );
  });

  it.each<[string, RoundingMode, string]>([
    ['2.345', 'half-up', '2.35'],
    ['2.345', 'half-even', '2.34'],
    ['2.355', 'half-up', '2.36'],
    ['2.355', 'half-even', '2.36'],
    ['-2.345', 'half-up', '-2.35'],
    ['-2.345', 'half-even', '-2.34'],
    ['2.341', 'up', '2.35'],
    ['-2.341', 'up', '-2.35'],
    ['2.349', 'down', '2.34'],
    ['-2.349', 'down', '-2.34'],
    ['2.3449', 'half-up', '2.34'],
    ['-0.004', 'half-up', '0'],
  ])('%s %s → %s at scale 2', (x, mode, expected) => {
    expect(roundDecimal(dec(x), 2, mode).toFixed()).toBe(expected);
    expect(Money.of(x, 'CNY').round(mode).equals(Money.of(expected, 'CNY'))).toBe(true);
  });

  it('rounds to other scales', () => {
    expect(Money.of('2.5', 'JPY').round('half-even').toString()).toBe('JPY 2');
    expect(Money.of('3.5', 'JPY').round('half-even').toString()).toBe('JPY 4');
    expect(Money.of('1.2345', 'KWD').round('half-up').toString()).toBe('KWD 1.235');
    expect(Money.of('1.2345', 'CNY').round('down', 3).toString()).toBe('CNY 1.234');
  });

  it('lists every mode and rejects bad scales and modes', () => {
    expect(ROUNDING_MODES).toEqual(['half-up', 'half-even', 'up', 'down']);
    expectBug(() => roundDecimal(dec('1'), -1, 'up'), 'INVALID_SCALE');
    expectBug(() => roundDecimal(dec('1'), 1.5, 'up'), 'INVALID_SCALE');
    expectBug(
      () => roundDecimal(dec('1'), 2, 'ceiling' as unknown as RoundingMode),
      'INVALID_ROUNDING_MODE',
    );
  });
});
