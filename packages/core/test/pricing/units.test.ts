/**
 * The small exact helpers of the hot path agree with decimal.js: the allocation-free
 * comparison, the rounding shortcut, unit factors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/money/decimal';
import { roundDecimal } from '../../src/money/rounding';
import { compareDec, ONE, roundTo, unitsPer } from '../../src/pricing';
import { roundingMode, unitsToString } from '../money/arbitraries';
import { D, line } from './fixtures';

const decimal = fc
  .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 20 }))
  .map(([u, s]) => new Dec(unitsToString(u, s)));

describe('pricing helpers', () => {
  it('compareDec equals comparedTo for every pair (and every pair of equal values)', () => {
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        expect(compareDec(a, b)).toBe(a.comparedTo(b));
        expect(compareDec(a, new Dec(a))).toBe(0);
        expect(compareDec(a.negated(), b)).toBe(a.negated().comparedTo(b));
      }),
      { numRuns: 2000 },
    );
    expect(compareDec(D(0), D('-0.0001'))).toBe(1);
    expect(compareDec(D('1e-7'), D('1e-8'))).toBe(1);
  });

  it('roundTo equals roundDecimal', () => {
    fc.assert(
      fc.property(decimal, fc.integer({ min: 0, max: 8 }), roundingMode, (x, scale, mode) => {
        expect(roundTo(x, scale, mode).equals(roundDecimal(x, scale, mode))).toBe(true);
      }),
    );
  });

  it('converts units through the stock unit, both ways', () => {
    const l = line({
      conversions: [
        { from: 'BOX', to: 'EA', factor: D(12) },
        { from: 'EA', to: 'PACK', factor: D(4) },
      ],
    });
    expect(unitsPer(l, 'BOX', 'EA')?.toString()).toBe('12');
    expect(unitsPer(l, 'EA', 'BOX')?.toFixed(6)).toBe('0.083333');
    expect(unitsPer(l, 'BOX', 'PACK')?.toString()).toBe('48');
    expect(unitsPer(l, 'EA', 'EA')).toBe(ONE);
    expect(unitsPer(l, 'KG', 'EA')).toBeUndefined();
  });
});
