import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, decode, encode } from '../../src/kernel/codec';
import { Dec } from '../../src/money/decimal';
import { Money } from '../../src/money/money';
import { Quantity } from '../../src/money/quantity';

describe('codec', () => {
  it('round-trips money, quantities and decimals exactly, as strings', () => {
    const v = {
      a: Money.of('12.30', 'CNY'),
      q: Quantity.of('1.5', 'KG'),
      d: new Dec('0.1234567890123456789'),
      l: [Money.of('-1', 'JPY')],
      n: null,
    };
    const j = encode(v);
    expect(j).toMatchObject({
      a: { $type: 'money', amount: '12.30', currency: 'CNY' },
      q: { $type: 'qty', value: '1.5', unit: 'KG' },
    });
    const back = decode<typeof v>(JSON.parse(JSON.stringify(j)));
    expect(back.a.equals(v.a)).toBe(true);
    expect(back.q.equals(v.q)).toBe(true);
    expect(back.d.equals(v.d)).toBe(true);
    expect(back.l[0]!.equals(v.l[0]!)).toBe(true);
  });

  it('round-trips any amount (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.constantFrom('CNY', 'JPY', 'KWD'),
        (units, cur) => {
          const m = Money.of(new Dec(units.toString()).dividedBy(1000), cur);
          expect(decode<Money>(encode(m)).equals(m)).toBe(true);
        },
      ),
    );
  });

  it('gives the same canonical text whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: Money.of('1', 'USD'), c: 2 } })).toBe(
      canonicalJson({ a: { c: 2, d: Money.of('1.00', 'USD') }, b: 1 }),
    );
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: 2 }));
  });

  it('refuses non-finite numbers', () => {
    expect(() => encode({ x: Number.NaN })).toThrow(/ENCODE_NON_FINITE/);
  });
});
