import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money, sameCurrency } from '../../src/money';
import { currencyCode, decimalString, expectBug, moneyIn } from './arbitraries';

/** Two or three amounts in one random currency. */
const pair = currencyCode.chain((c) => fc.tuple(moneyIn(c), moneyIn(c)));
const triple = currencyCode.chain((c) => fc.tuple(moneyIn(c), moneyIn(c), moneyIn(c)));
const runs = { numRuns: 300 };

describe('Money algebra', () => {
  it('add is commutative', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        expect(a.add(b).equals(b.add(a))).toBe(true);
      }),
      runs,
    );
  });

  it('add is associative', () => {
    fc.assert(
      fc.property(triple, ([a, b, c]) => {
        expect(
          a
            .add(b)
            .add(c)
            .equals(a.add(b.add(c))),
        ).toBe(true);
      }),
      runs,
    );
  });

  it('zero is the identity and x + (−x) = 0', () => {
    fc.assert(
      fc.property(currencyCode.chain(moneyIn), (a) => {
        const zero = Money.zero(a.currency);
        expect(a.add(zero).equals(a)).toBe(true);
        expect(zero.add(a).equals(a)).toBe(true);
        expect(a.add(a.negate()).isZero()).toBe(true);
        expect(a.add(a.negate()).toJSON().amount).not.toMatch(/^-/);
        expect(a.negate().negate().equals(a)).toBe(true);
      }),
      runs,
    );
  });

  it('subtract is add negate', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        expect(a.subtract(b).equals(a.add(b.negate()))).toBe(true);
        expect(a.subtract(b).add(b).equals(a)).toBe(true);
      }),
      runs,
    );
  });

  it('multiply distributes over add (exact, before rounding)', () => {
    fc.assert(
      fc.property(pair, decimalString(10n ** 9n, 6), ([a, b], f) => {
        expect(
          a
            .add(b)
            .multiply(f)
            .equals(a.multiply(f).add(b.multiply(f))),
        ).toBe(true);
      }),
      runs,
    );
  });

  it('divide undoes multiply by a non-zero factor', () => {
    fc.assert(
      fc.property(
        currencyCode.chain(moneyIn),
        decimalString(10n ** 6n, 3).filter((f) => !Money.of(f, 'CNY').isZero()),
        (a, f) => {
          expect(a.multiply(f).divide(f).equals(a)).toBe(true);
        },
      ),
      runs,
    );
  });

  it('compare is consistent with subtract and the sign predicates', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const d = a.subtract(b);
        const c = a.compare(b);
        expect(c).toBe(d.isNegative() ? -1 : d.isZero() ? 0 : 1);
        expect(b.compare(a) + c).toBe(0);
        expect(a.lessThan(b)).toBe(c < 0);
        expect(a.greaterThan(b)).toBe(c > 0);
        expect(a.lessThanOrEqual(b)).toBe(c <= 0);
        expect(a.greaterThanOrEqual(b)).toBe(c >= 0);
        expect(Money.min(a, b).equals(c <= 0 ? a : b)).toBe(true);
        expect(Money.max(a, b).equals(c >= 0 ? a : b)).toBe(true);
        expect([a.isNegative(), a.isZero(), a.isPositive()].filter((x) => x)).toHaveLength(1);
      }),
      runs,
    );
  });

  it('sum equals folding add, and JSON round-trips exactly', () => {
    fc.assert(
      fc.property(
        currencyCode.chain((c) => fc.array(moneyIn(c), { maxLength: 8 })),
        currencyCode,
        (items, code) => {
          const c = items[0]?.currency.code ?? code;
          const folded = items.reduce((s, m) => s.add(m), Money.zero(c));
          expect(Money.sum(items, c).equals(folded)).toBe(true);
          for (const m of items) {
            const j = m.toJSON();
            expect(j.amount).not.toMatch(/e/i);
            expect(Money.fromJSON(j).equals(m)).toBe(true);
            expect(JSON.parse(JSON.stringify(m))).toEqual(j);
          }
        },
      ),
      runs,
    );
  });
});

describe('Money worked examples', () => {
  it('formats at the minor units, or at full precision when it has more decimals', () => {
    expect(Money.of('12.3', 'CNY').toString()).toBe('CNY 12.30');
    expect(Money.of('12.345', 'CNY').toString()).toBe('CNY 12.345');
    expect(Money.of('-0.5', 'KWD').toString()).toBe('KWD -0.500');
    expect(Money.of('1000', 'JPY').toString()).toBe('JPY 1000');
    expect(Money.of('1e-35', 'USD').toJSON()).toEqual({
      amount: '0.00000000000000000000000000000000001',
      currency: 'USD',
    });
    expect(Money.of('1.5e45', 'USD').toJSON().amount).toBe(
      '1500000000000000000000000000000000000000000000.00',
    );
    expect(Money.of('12.3', 'CNY').toJSON()).toEqual({ amount: '12.30', currency: 'CNY' });
  });

  it('toFixed rounds half-up (away from zero) to the minor units', () => {
    expect(Money.of('2.345', 'CNY').toFixed()).toBe('2.35');
    expect(Money.of('-2.345', 'CNY').toFixed()).toBe('-2.35');
    expect(Money.of('-0.004', 'CNY').toFixed()).toBe('0.00');
    expect(Money.of('99.5', 'JPY').toFixed()).toBe('100');
    expect(Money.of('1.2', 'KWD').toFixed()).toBe('1.200');
  });

  it('multiplies and divides exactly', () => {
    expect(Money.of('33.33', 'CNY').multiply(3).toString()).toBe('CNY 99.99');
    expect(Money.of('99.99', 'CNY').multiply('0.13').toString()).toBe('CNY 12.9987');
    expect(Money.of('100', 'CNY').divide(8).toString()).toBe('CNY 12.50');
    expect(Money.of('1', 'CNY').divide(3).amount.toFixed()).toBe(
      '0.3333333333333333333333333333333333333333',
    );
    expectBug(() => Money.of('1', 'CNY').divide('0.00'), 'DIVISION_BY_ZERO');
  });

  it('knows its decimal places', () => {
    expect(Money.of('12.30', 'CNY').decimalPlaces()).toBe(1);
    expect(Money.of('12.345', 'CNY').decimalPlaces()).toBe(3);
    expect(Money.of('12.34', 'CNY').fitsMinorUnits()).toBe(true);
    expect(Money.of('12.345', 'CNY').fitsMinorUnits()).toBe(false);
    expect(Money.of('12.345', 'KWD').fitsMinorUnits()).toBe(true);
    expect(Money.of('0.5', 'JPY').fitsMinorUnits()).toBe(false);
  });

  it('equals compares currency and value, not representation', () => {
    expect(Money.of('12.3', 'CNY').equals(Money.of('12.30', 'CNY'))).toBe(true);
    expect(Money.of('12.3', 'CNY').equals(Money.of('12.3', 'USD'))).toBe(false);
    expect(Money.of('12.3', 'CNY').equals(Money.of('12.31', 'CNY'))).toBe(false);
    expect(Money.of('-0', 'CNY').equals(Money.zero('CNY'))).toBe(true);
  });

  it('is immutable', () => {
    const m = Money.of('1', 'CNY');
    expect(Object.isFrozen(m)).toBe(true);
    m.add(Money.of('2', 'CNY'));
    expect(m.toString()).toBe('CNY 1.00');
  });
});

describe('currency mismatch', () => {
  const cny = Money.of('1', 'CNY');
  const usd = Money.of('1', 'USD');

  it.each([
    ['add', () => cny.add(usd)],
    ['subtract', () => cny.subtract(usd)],
    ['compare', () => cny.compare(usd)],
    ['lessThan', () => cny.lessThan(usd)],
    ['greaterThanOrEqual', () => cny.greaterThanOrEqual(usd)],
    ['min', () => Money.min(cny, usd)],
    ['sum', () => Money.sum([cny, usd], 'CNY')],
  ])('%s throws CURRENCY_MISMATCH', (_op, fn) => {
    const e = expectBug(fn, 'CURRENCY_MISMATCH');
    expect(e.details).toEqual({ expected: 'CNY', actual: 'USD' });
  });

  it('sameCurrency returns a typed error naming the field', () => {
    expect(sameCurrency(cny, Money.of('5', 'CNY'))).toEqual({ ok: true, value: true });
    const r = sameCurrency(cny, usd, 'payment.amount');
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'CURRENCY_MISMATCH',
        message: 'currency mismatch in payment.amount: expected CNY, got USD',
        expected: 'CNY',
        actual: 'USD',
        field: 'payment.amount',
      },
    });
    const anonymous = sameCurrency(usd, cny);
    expect(anonymous.ok).toBe(false);
    if (!anonymous.ok) {
      expect(anonymous.error.expected).toBe('USD');
      expect(anonymous.error.field).toBeUndefined();
    }
  });
});
