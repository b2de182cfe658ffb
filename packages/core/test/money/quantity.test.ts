import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UomConversion } from '../../src/money';
import { BOX, convertQuantity, dec, EA, KG, Quantity, UNITS } from '../../src/money';
import { decimalString, expectBug } from './arbitraries';

const unit = fc.constantFrom('EA', 'KG');
const pair = fc.tuple(decimalString(), decimalString(), unit);
const runs = { numRuns: 300 };

describe('Quantity', () => {
  it('add/subtract/negate laws', () => {
    fc.assert(
      fc.property(pair, ([a, b, u]) => {
        const x = Quantity.of(a, u);
        const y = Quantity.of(b, u);
        expect(x.add(y).equals(y.add(x))).toBe(true);
        expect(x.subtract(y).equals(x.add(y.negate()))).toBe(true);
        expect(x.add(x.negate()).isZero()).toBe(true);
        expect(x.compare(y) + y.compare(x)).toBe(0);
        expect(x.multiply(3).equals(x.add(x).add(x))).toBe(true);
        expect(Quantity.fromJSON(x.toJSON()).equals(x)).toBe(true);
      }),
      runs,
    );
  });

  it('formats, serialises and inspects', () => {
    expect(Quantity.of(12, 'EA').toString()).toBe('12 EA');
    expect(Quantity.of('2.500', KG).toString()).toBe('2.5 KG');
    expect(Quantity.of('-0', 'EA').toString()).toBe('0 EA');
    expect(Quantity.of('1e-35', 'KG').toJSON()).toEqual({
      value: '0.00000000000000000000000000000000001',
      unit: 'KG',
    });
    expect(Quantity.of('12.0', 'EA').isIntegral()).toBe(true);
    expect(Quantity.of('12.5', 'EA').isIntegral()).toBe(false);
    expect(Quantity.of('-3', 'EA').isNegative()).toBe(true);
    expect(Quantity.of('3', 'EA').isPositive()).toBe(true);
    expect(Quantity.of('0.00', 'EA').isZero()).toBe(true);
    expect(Quantity.of('1.2345', 'KG').round(3).toString()).toBe('1.235 KG');
    expect(Quantity.of('1.2345', 'KG').round(3, 'down').toString()).toBe('1.234 KG');
    expect(Quantity.of('5', 'EA').compare(Quantity.of('5.0', 'EA'))).toBe(0);
    expect(Quantity.of('5', 'EA').equals(Quantity.of('5', 'KG'))).toBe(false);
  });

  it('predefined units', () => {
    expect(EA.integral).toBe(true);
    expect(BOX.integral).toBe(true);
    expect(KG.integral).toBe(false);
    expect(UNITS.get('L')?.integral).toBe(false);
    expect(UNITS.get('M')?.integral).toBe(false);
  });

  it('unit mismatch is a bug', () => {
    const e = expectBug(() => Quantity.of(1, 'EA').add(Quantity.of(1, 'KG')), 'UNIT_MISMATCH');
    expect(e.details).toEqual({ expected: 'EA', actual: 'KG' });
    expectBug(() => Quantity.of(1, 'EA').subtract(Quantity.of(1, 'BOX')), 'UNIT_MISMATCH');
    expectBug(() => Quantity.of(1, 'EA').compare(Quantity.of(1, 'BOX')), 'UNIT_MISMATCH');
    expectBug(() => Quantity.of(1, ''), 'INVALID_UNIT');
    expectBug(() => Quantity.of(0.5, 'KG'), 'INVALID_DECIMAL');
  });
});

describe('convertQuantity', () => {
  const conversions: UomConversion[] = [
    { from: 'BOX', to: 'EA', factor: dec(12) },
    { from: 'BOX', to: 'EA', factor: dec(24), productId: 'P-BIG' },
    { from: 'KG', to: 'G', factor: dec(1000) },
    { from: 'EA', to: 'KG', factor: dec('0.25'), productId: 'P-BOLT' },
  ];

  it('converts directly and through the inverse', () => {
    const direct = convertQuantity(Quantity.of(2, 'BOX'), 'EA', conversions);
    expect(direct.ok && direct.value.toString()).toBe('24 EA');
    const inverse = convertQuantity(Quantity.of(6, 'EA'), 'BOX', conversions);
    expect(inverse.ok && inverse.value.toString()).toBe('0.5 BOX');
    const grams = convertQuantity(Quantity.of('1500', 'G'), 'KG', conversions);
    expect(grams.ok && grams.value.toString()).toBe('1.5 KG');
    const same = Quantity.of(3, 'EA');
    const identity = convertQuantity(same, 'EA', []);
    expect(identity.ok && identity.value).toBe(same);
  });

  it('round-trips through a conversion and its inverse', () => {
    fc.assert(
      fc.property(decimalString(10n ** 12n, 4), (v) => {
        const q = Quantity.of(v, 'BOX');
        const ea = convertQuantity(q, 'EA', conversions);
        expect(ea.ok).toBe(true);
        if (!ea.ok) return;
        expect(ea.value.value.equals(q.value.times(12))).toBe(true);
        const back = convertQuantity(ea.value, 'BOX', conversions);
        expect(back.ok && back.value.equals(q)).toBe(true);
      }),
      runs,
    );
  });

  it('prefers a product-specific conversion, falling back to the global one', () => {
    const big = convertQuantity(Quantity.of(2, 'BOX'), 'EA', conversions, 'P-BIG');
    expect(big.ok && big.value.toString()).toBe('48 EA');
    const bigInverse = convertQuantity(Quantity.of(12, 'EA'), 'BOX', conversions, 'P-BIG');
    expect(bigInverse.ok && bigInverse.value.toString()).toBe('0.5 BOX');
    const other = convertQuantity(Quantity.of(2, 'BOX'), 'EA', conversions, 'P-OTHER');
    expect(other.ok && other.value.toString()).toBe('24 EA');
    const bolt = convertQuantity(Quantity.of(8, 'EA'), 'KG', conversions, 'P-BOLT');
    expect(bolt.ok && bolt.value.toString()).toBe('2 KG');
  });

  it('returns a typed error when no conversion applies', () => {
    // Product-specific conversions never apply to other products or to no product.
    expect(convertQuantity(Quantity.of(8, 'EA'), 'KG', conversions)).toEqual({
      ok: false,
      error: {
        code: 'UOM_CONVERSION_MISSING',
        message: 'no conversion from EA to KG',
        from: 'EA',
        to: 'KG',
      },
    });
    expect(convertQuantity(Quantity.of(8, 'EA'), 'KG', conversions, 'P-NUT')).toEqual({
      ok: false,
      error: {
        code: 'UOM_CONVERSION_MISSING',
        message: 'no conversion from EA to KG for product P-NUT',
        from: 'EA',
        to: 'KG',
        productId: 'P-NUT',
      },
    });
    // No multi-hop: BOX → EA and EA → KG do not give BOX → KG.
    const hop = convertQuantity(Quantity.of(1, 'BOX'), 'KG', conversions, 'P-BOLT');
    expect(hop.ok).toBe(false);
  });

  it('rejects a non-positive factor', () => {
    expectBug(
      () => convertQuantity(Quantity.of(1, 'A'), 'B', [{ from: 'A', to: 'B', factor: dec(0) }]),
      'INVALID_UOM_FACTOR',
    );
  });
});
