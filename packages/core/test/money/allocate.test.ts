import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, allocateEvenly, dec, Money } from '../../src/money';
import { currencyCode, expectBug, json, roundedMoneyIn, unitsToString } from './arbitraries';

const ratio = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 6n }), fc.integer({ min: 0, max: 3 }))
  .map(([u, s]) => unitsToString(u, s));
const ratios = fc
  .array(ratio, { minLength: 1, maxLength: 8 })
  .filter((rs) => rs.some((r) => !dec(r).isZero()));
const totalAndRatios = fc.tuple(
  currencyCode.chain((c) => roundedMoneyIn(c)),
  ratios,
);
const runs = { numRuns: 400 };

describe('allocate', () => {
  it('parts sum exactly to the total', () => {
    fc.assert(
      fc.property(totalAndRatios, ([total, rs]) => {
        const parts = allocate(total, rs);
        expect(parts).toHaveLength(rs.length);
        expect(Money.sum(parts, total.currency).equals(total)).toBe(true);
        for (const p of parts) expect(p.fitsMinorUnits()).toBe(true);
      }),
      runs,
    );
  });

  it('each part is within one minor unit of its exact share; zero ratios get zero', () => {
    fc.assert(
      fc.property(totalAndRatios, ([total, rs]) => {
        const parts = allocate(total, rs);
        const sum = rs.reduce((s, r) => s.plus(r), dec(0));
        const unit = dec(`1e-${total.currency.minorUnits}`);
        parts.forEach((p, i) => {
          const share = total.amount.times(rs[i]!).dividedBy(sum);
          expect(p.amount.minus(share).abs().lessThan(unit)).toBe(true);
          if (dec(rs[i]!).isZero()) expect(p.isZero()).toBe(true);
        });
      }),
      runs,
    );
  });

  it('allocate(−x) = −allocate(x), and is deterministic', () => {
    fc.assert(
      fc.property(totalAndRatios, ([total, rs]) => {
        const pos = allocate(total, rs);
        const neg = allocate(total.negate(), rs);
        expect(json(neg)).toEqual(json(pos.map((p) => p.negate())));
        expect(json(allocate(total, rs))).toEqual(json(pos));
      }),
      runs,
    );
  });

  it('scaling the ratios does not change the result', () => {
    fc.assert(
      fc.property(totalAndRatios, fc.integer({ min: 1, max: 1000 }), ([total, rs], k) => {
        const scaled = rs.map((r) => dec(r).times(k));
        expect(json(allocate(total, scaled))).toEqual(json(allocate(total, rs)));
      }),
      runs,
    );
  });

  it('worked examples', () => {
    expect(json(allocate(Money.of('100.00', 'CNY'), [1, 1, 1]))).toEqual([
      'CNY 33.34',
      'CNY 33.33',
      'CNY 33.33',
    ]);
    expect(json(allocate(Money.of('-100.00', 'CNY'), [1, 1, 1]))).toEqual([
      'CNY -33.34',
      'CNY -33.33',
      'CNY -33.33',
    ]);
    expect(json(allocate(Money.of('100', 'JPY'), [1, 1, 1]))).toEqual([
      'JPY 34',
      'JPY 33',
      'JPY 33',
    ]);
    expect(json(allocate(Money.of('1.000', 'KWD'), [1, 2]))).toEqual(['KWD 0.333', 'KWD 0.667']);
    // Remainders .5, .25, .25 → the one spare cent goes to the largest (index 0) …
    expect(json(allocate(Money.of('0.05', 'USD'), ['0.5', '0.25', '0.25']))).toEqual([
      'USD 0.03',
      'USD 0.01',
      'USD 0.01',
    ]);
    // … and ties go to the lower index.
    expect(json(allocate(Money.of('0.02', 'USD'), [1, 1, 1, 1]))).toEqual([
      'USD 0.01',
      'USD 0.01',
      'USD 0.00',
      'USD 0.00',
    ]);
    expect(json(allocate(Money.of('10.00', 'CNY'), [0, 3, '0.0', 1]))).toEqual([
      'CNY 0.00',
      'CNY 7.50',
      'CNY 0.00',
      'CNY 2.50',
    ]);
    expect(json(allocate(Money.of('1', 'CNY'), [1, 1, 1], 4))).toEqual([
      'CNY 0.3334',
      'CNY 0.3333',
      'CNY 0.3333',
    ]);
    expect(json(allocateEvenly(Money.of('100', 'JPY'), 3))).toEqual(['JPY 34', 'JPY 33', 'JPY 33']);
    expect(json(allocateEvenly(Money.of('0.00', 'CNY'), 2))).toEqual(['CNY 0.00', 'CNY 0.00']);
  });

  it('rejects bad ratios and unrounded totals with coded bugs', () => {
    const total = Money.of('100.00', 'CNY');
    expectBug(() => allocate(total, []), 'ALLOCATE_BAD_RATIOS');
    expectBug(() => allocate(total, [0, 0]), 'ALLOCATE_BAD_RATIOS');
    expectBug(() => allocate(total, [1, -1, 2]), 'ALLOCATE_BAD_RATIOS');
    expectBug(() => allocate(total, ['abc']), 'INVALID_DECIMAL');
    expectBug(() => allocateEvenly(total, 0), 'ALLOCATE_BAD_RATIOS');
    expectBug(() => allocateEvenly(total, 1.5), 'ALLOCATE_BAD_RATIOS');
    expectBug(() => allocate(Money.of('100.005', 'CNY'), [1, 1]), 'ALLOCATE_UNROUNDED_TOTAL');
    expectBug(() => allocate(Money.of('1.5', 'JPY'), [1, 1]), 'ALLOCATE_UNROUNDED_TOTAL');
    expect(json(allocate(Money.of('100.005', 'CNY'), [1, 1], 3))).toEqual([
      'CNY 50.003',
      'CNY 50.002',
    ]);
  });
});
