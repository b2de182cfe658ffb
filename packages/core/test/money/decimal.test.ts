import Decimal from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, dec } from '../../src/money';
import { decimalString, expectBug } from './arbitraries';

describe('dec()', () => {
  it('parses decimal strings exactly', () => {
    expect(dec('12.30').toString()).toBe('12.3');
    expect(dec('-0.000000000000000000000000000000000000000000001').toFixed()).toBe(
      '-0.000000000000000000000000000000000000000000001',
    );
    expect(dec('123456789012345678901234567890123456789012345.67').toFixed()).toBe(
      '123456789012345678901234567890123456789012345.67',
    );
    expect(dec('+3').toString()).toBe('3');
    expect(dec('1.5e3').toString()).toBe('1500');
    expect(dec('.5').toString()).toBe('0.5');
  });

  it('accepts safe integers and decimal.js values', () => {
    expect(dec(3).toString()).toBe('3');
    expect(dec(-42).toString()).toBe('-42');
    const plain = new Decimal('1.25');
    const d = dec(plain);
    expect(d.constructor).toBe(Dec);
    expect(d.toString()).toBe('1.25');
    const own = new Dec('2.5');
    expect(dec(own)).toBe(own);
  });

  it('normalizes negative zero', () => {
    expect(dec('-0').isNegative()).toBe(false);
    expect(dec('-0.00').toFixed(2)).toBe('0.00');
  });

  it.each([
    ['NaN number', Number.NaN],
    ['Infinity number', Number.POSITIVE_INFINITY],
    ['-Infinity number', Number.NEGATIVE_INFINITY],
    ['fractional number', 0.1],
    ['unsafe integer', 2 ** 60],
    ["'abc'", 'abc'],
    ["'NaN'", 'NaN'],
    ["'Infinity'", 'Infinity'],
    ['empty string', ''],
    ['hex string', '0x1f'],
    ['whitespace', ' 1'],
    ['comma decimal', '1,5'],
    ['huge exponent', '1e9000000000000000'],
    ['overflowing exponent', '1e90000000000000000000'],
    ['tiny exponent', '1e-1001'],
  ])('rejects %s with INVALID_DECIMAL', (_label, v) => {
    expectBug(() => dec(v), 'INVALID_DECIMAL');
  });

  it('rejects non-finite Decimal instances', () => {
    expectBug(() => dec(new Decimal(Number.NaN)), 'INVALID_DECIMAL');
    expectBug(() => dec(new Dec(Number.POSITIVE_INFINITY)), 'INVALID_DECIMAL');
  });

  it('round-trips plain strings', () => {
    fc.assert(
      fc.property(decimalString(10n ** 30n, 20), (s) => {
        expect(dec(s).equals(new Dec(s))).toBe(true);
        expect(dec(dec(s).toFixed()).equals(dec(s))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
