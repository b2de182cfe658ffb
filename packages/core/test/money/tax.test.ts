import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  DocumentAmounts,
  DocumentLineInput,
  LineAmounts,
  RoundingMode,
} from '../../src/money';
import {
  CN_VAT_0,
  CN_VAT_6,
  CN_VAT_9,
  CN_VAT_13,
  dec,
  documentAmounts,
  lineAmounts,
  Money,
} from '../../src/money';
import { currencyCode, expectBug, roundingMode, unitsToString } from './arbitraries';

const runs = { numRuns: 250 };

function amounts(l: LineAmounts): [string, string, string] {
  return [l.net.toString(), l.tax.toString(), l.gross.toString()];
}

function totals(d: DocumentAmounts): [string, string, string] {
  return [d.net.toString(), d.tax.toString(), d.gross.toString()];
}

const quantity = fc
  .tuple(fc.bigInt({ min: -1000n, max: 1000n }), fc.integer({ min: 0, max: 3 }))
  .map(([u, s]) => unitsToString(u, s));
const taxRate = fc.constantFrom('0', '0.06', '0.09', '0.13', '0.2', '0.175');
const discountRate = fc.option(fc.constantFrom('0', '0.05', '0.1', '0.125', '1'), {
  nil: undefined,
});

function lineArb(code: string): fc.Arbitrary<DocumentLineInput> {
  const minor = Money.zero(code).currency.minorUnits;
  return fc
    .record({
      quantity,
      price: fc.bigInt({ min: 0n, max: 10n ** 7n }),
      taxRate,
      discountRate,
    })
    .map(({ quantity: q, price, taxRate: r, discountRate: d }) => ({
      quantity: q,
      unitPrice: Money.of(unitsToString(price, minor), code),
      taxRate: r,
      ...(d === undefined ? {} : { discountRate: d }),
    }));
}

const documentArb = currencyCode.chain((code) =>
  fc.record({
    lines: fc.array(lineArb(code), { maxLength: 6 }),
    currency: fc.constant(code),
    priceIncludesTax: fc.boolean(),
    rounding: roundingMode,
    taxRounding: fc.constantFrom<'line' | 'document'>('line', 'document'),
  }),
);

function negateQuantities(lines: readonly DocumentLineInput[]): DocumentLineInput[] {
  return lines.map((l) => ({ ...l, quantity: dec(l.quantity).negated() }));
}

describe('lineAmounts', () => {
  it('net + tax = gross at minor units, and negating the quantity negates every amount', () => {
    fc.assert(
      fc.property(
        currencyCode.chain(lineArb),
        fc.boolean(),
        roundingMode,
        (l, priceIncludesTax, rounding) => {
          const input = { ...l, priceIncludesTax, rounding };
          const a = lineAmounts(input);
          expect(a.net.add(a.tax).equals(a.gross)).toBe(true);
          for (const m of [a.net, a.tax, a.gross]) expect(m.fitsMinorUnits()).toBe(true);
          const n = lineAmounts({ ...input, quantity: dec(l.quantity).negated() });
          expect(amounts(n)).toEqual(
            [a.net.negate(), a.tax.negate(), a.gross.negate()].map(String),
          );
        },
      ),
      runs,
    );
  });

  it('China VAT 13 %', () => {
    const base = { taxRate: CN_VAT_13.rate, rounding: 'half-up' as const };
    // 3 × 33.33 = 99.99; 99.99 × 0.13 = 12.9987 → 13.00; 99.99 + 13.00 = 112.99
    expect(
      amounts(
        lineAmounts({
          ...base,
          quantity: 3,
          unitPrice: Money.of('33.33', 'CNY'),
          priceIncludesTax: false,
        }),
      ),
    ).toEqual(['CNY 99.99', 'CNY 13.00', 'CNY 112.99']);
    // 113.00 ÷ 1.13 = 100.00; tax 13.00
    expect(
      amounts(
        lineAmounts({
          ...base,
          quantity: 1,
          unitPrice: Money.of('113.00', 'CNY'),
          priceIncludesTax: true,
        }),
      ),
    ).toEqual(['CNY 100.00', 'CNY 13.00', 'CNY 113.00']);
    // 3 × 37.66 = 112.98; 112.98 ÷ 1.13 = 99.9823… → 99.98; tax 13.00
    expect(
      amounts(
        lineAmounts({
          ...base,
          quantity: 3,
          unitPrice: Money.of('37.66', 'CNY'),
          priceIncludesTax: true,
        }),
      ),
    ).toEqual(['CNY 99.98', 'CNY 13.00', 'CNY 112.98']);
    // 10 × 9.99 × 0.95 = 94.905 → 94.91; 94.91 × 0.13 = 12.3383 → 12.34
    expect(
      amounts(
        lineAmounts({
          ...base,
          quantity: '10',
          unitPrice: Money.of('9.99', 'CNY'),
          discountRate: '0.05',
          priceIncludesTax: false,
        }),
      ),
    ).toEqual(['CNY 94.91', 'CNY 12.34', 'CNY 107.25']);
  });

  it('China VAT 9 % and 6 %', () => {
    const cases: [string, string, string, boolean, [string, string, string]][] = [
      // 7 × 12.35 = 86.45; × 0.09 = 7.7805 → 7.78
      ['7', '12.35', CN_VAT_9.rate.toString(), false, ['CNY 86.45', 'CNY 7.78', 'CNY 94.23']],
      // 50.00 ÷ 1.09 = 45.8715… → 45.87; tax 4.13
      ['1', '50.00', CN_VAT_9.rate.toString(), true, ['CNY 45.87', 'CNY 4.13', 'CNY 50.00']],
      // 2 × 49.99 = 99.98; × 0.06 = 5.9988 → 6.00
      ['2', '49.99', CN_VAT_6.rate.toString(), false, ['CNY 99.98', 'CNY 6.00', 'CNY 105.98']],
      // 10.00 ÷ 1.06 = 9.4339… → 9.43; tax 0.57
      ['1', '10.00', CN_VAT_6.rate.toString(), true, ['CNY 9.43', 'CNY 0.57', 'CNY 10.00']],
      ['4', '2.50', CN_VAT_0.rate.toString(), true, ['CNY 10.00', 'CNY 0.00', 'CNY 10.00']],
    ];
    for (const [q, price, rate, priceIncludesTax, expected] of cases) {
      const a = lineAmounts({
        quantity: q,
        unitPrice: Money.of(price, 'CNY'),
        taxRate: rate,
        priceIncludesTax,
        rounding: 'half-up',
      });
      expect(amounts(a)).toEqual(expected);
    }
  });

  it('applies the rounding mode to every amount', () => {
    // 12.50 × 0.13 = 1.625: a tie.
    const tie = (rounding: RoundingMode) =>
      lineAmounts({
        quantity: 1,
        unitPrice: Money.of('12.50', 'CNY'),
        taxRate: '0.13',
        priceIncludesTax: false,
        rounding,
      }).tax.toString();
    expect(tie('half-up')).toBe('CNY 1.63');
    expect(tie('half-even')).toBe('CNY 1.62');
    expect(tie('up')).toBe('CNY 1.63');
    expect(tie('down')).toBe('CNY 1.62');
    // 10 × 9.99 × 0.95 = 94.905 → 94.90 half-even; × 0.13 = 12.337 → 12.34
    expect(
      amounts(
        lineAmounts({
          quantity: 10,
          unitPrice: Money.of('9.99', 'CNY'),
          taxRate: '0.13',
          discountRate: '0.05',
          priceIncludesTax: false,
          rounding: 'half-even',
        }),
      ),
    ).toEqual(['CNY 94.90', 'CNY 12.34', 'CNY 107.24']);
    // JPY: 3 × 333 = 999; × 0.1 = 99.9 → 100
    expect(
      amounts(
        lineAmounts({
          quantity: 3,
          unitPrice: Money.of('333', 'JPY'),
          taxRate: '0.1',
          priceIncludesTax: false,
          rounding: 'half-up',
        }),
      ),
    ).toEqual(['JPY 999', 'JPY 100', 'JPY 1099']);
    // KWD: 2 × 0.125 = 0.250; × 0.13 = 0.0325 → 0.032 half-even
    expect(
      lineAmounts({
        quantity: 2,
        unitPrice: Money.of('0.125', 'KWD'),
        taxRate: '0.13',
        priceIncludesTax: false,
        rounding: 'half-even',
      }).tax.toString(),
    ).toBe('KWD 0.032');
  });

  it('rejects negative tax rates and discounts outside 0…1', () => {
    const base = {
      quantity: 1,
      unitPrice: Money.of('1', 'CNY'),
      taxRate: '0.13',
      priceIncludesTax: false,
      rounding: 'half-up' as const,
    };
    expectBug(() => lineAmounts({ ...base, taxRate: '-0.13' }), 'INVALID_TAX_RATE');
    expectBug(() => lineAmounts({ ...base, discountRate: '1.01' }), 'INVALID_DISCOUNT_RATE');
    expectBug(() => lineAmounts({ ...base, discountRate: '-0.1' }), 'INVALID_DISCOUNT_RATE');
  });
});

describe('documentAmounts', () => {
  it('every line balances, lines sum to totals, and groups sum to totals', () => {
    fc.assert(
      fc.property(documentArb, (input) => {
        const d = documentAmounts(input);
        const c = input.currency;
        expect(d.lines).toHaveLength(input.lines.length);
        for (const l of d.lines) {
          expect(l.net.add(l.tax).equals(l.gross)).toBe(true);
          for (const m of [l.net, l.tax, l.gross]) {
            expect(m.fitsMinorUnits()).toBe(true);
            expect(m.currency.code).toBe(c);
          }
        }
        expect(d.net.add(d.tax).equals(d.gross)).toBe(true);
        expect(
          Money.sum(
            d.lines.map((l) => l.net),
            c,
          ).equals(d.net),
        ).toBe(true);
        expect(
          Money.sum(
            d.lines.map((l) => l.tax),
            c,
          ).equals(d.tax),
        ).toBe(true);
        expect(
          Money.sum(
            d.lines.map((l) => l.gross),
            c,
          ).equals(d.gross),
        ).toBe(true);
        expect(
          Money.sum(
            d.taxByRate.map((g) => g.net),
            c,
          ).equals(d.net),
        ).toBe(true);
        expect(
          Money.sum(
            d.taxByRate.map((g) => g.tax),
            c,
          ).equals(d.tax),
        ).toBe(true);
        const distinct = new Set(input.lines.map((l) => dec(l.taxRate).toString()));
        expect(d.taxByRate).toHaveLength(distinct.size);
      }),
      runs,
    );
  });

  it('line rounding is lineAmounts per line; document rounding rounds once per rate', () => {
    fc.assert(
      fc.property(documentArb, (input) => {
        const d = documentAmounts(input);
        const { priceIncludesTax, rounding } = input;
        input.lines.forEach((l, i) => {
          const single = lineAmounts({ ...l, priceIncludesTax, rounding });
          const got = d.lines[i]!;
          if (input.taxRounding === 'line') expect(amounts(got)).toEqual(amounts(single));
          // The extended amount is the same in both modes.
          const base = priceIncludesTax ? 'gross' : 'net';
          expect(got[base].equals(single[base])).toBe(true);
        });
        if (input.taxRounding === 'document') {
          for (const g of d.taxByRate) {
            if (priceIncludesTax) {
              const gross = g.net.add(g.tax);
              expect(g.net.equals(gross.divide(g.rate.plus(1)).round(rounding))).toBe(true);
            } else {
              expect(g.tax.equals(g.net.multiply(g.rate).round(rounding))).toBe(true);
            }
          }
        }
      }),
      runs,
    );
  });

  it('negating every quantity negates every amount exactly (credit note = −invoice)', () => {
    fc.assert(
      fc.property(documentArb, (input) => {
        const invoice = documentAmounts(input);
        const credit = documentAmounts({ ...input, lines: negateQuantities(input.lines) });
        const neg = (ms: readonly string[]) =>
          ms.map((s) => Money.of(s.split(' ')[1]!, input.currency).negate().toString());
        expect(totals(credit)).toEqual(neg(totals(invoice)));
        credit.lines.forEach((l, i) => {
          expect(amounts(l)).toEqual(neg(amounts(invoice.lines[i]!)));
        });
        credit.taxByRate.forEach((g, i) => {
          const inv = invoice.taxByRate[i]!;
          expect(g.rate.equals(inv.rate)).toBe(true);
          expect(g.net.equals(inv.net.negate())).toBe(true);
          expect(g.tax.equals(inv.tax.negate())).toBe(true);
        });
      }),
      runs,
    );
  });

  it('line and document rounding differ (net prices)', () => {
    // Three lines of 1 × 33.33 at 13 %.
    // line:     33.33 × 0.13 = 4.3329 → 4.33 per line; tax 3 × 4.33 = 12.99, gross 112.98.
    // document: Σ net 99.99 × 0.13 = 12.9987 → 13.00, allocated by equal nets → 4.34, 4.33,
    //           4.33; gross 112.99.
    const lines = [1, 2, 3].map(() => ({
      quantity: 1,
      unitPrice: Money.of('33.33', 'CNY'),
      taxRate: CN_VAT_13.rate,
    }));
    const base = { lines, currency: 'CNY', priceIncludesTax: false, rounding: 'half-up' as const };
    const byLine = documentAmounts({ ...base, taxRounding: 'line' });
    const byDoc = documentAmounts({ ...base, taxRounding: 'document' });
    expect(totals(byLine)).toEqual(['CNY 99.99', 'CNY 12.99', 'CNY 112.98']);
    expect(totals(byDoc)).toEqual(['CNY 99.99', 'CNY 13.00', 'CNY 112.99']);
    expect(byDoc.lines.map(amounts)).toEqual([
      ['CNY 33.33', 'CNY 4.34', 'CNY 37.67'],
      ['CNY 33.33', 'CNY 4.33', 'CNY 37.66'],
      ['CNY 33.33', 'CNY 4.33', 'CNY 37.66'],
    ]);
  });

  it('line and document rounding differ (gross prices)', () => {
    // Three lines of 1 × 37.66 gross at 13 %.
    // line:     37.66 ÷ 1.13 = 33.3274 → net 33.33, tax 4.33; totals 99.99 + 12.99 = 112.98.
    // document: Σ gross 112.98 ÷ 1.13 = 99.9823 → net 99.98, tax 13.00, allocated by equal
    //           grosses → 4.34, 4.33, 4.33; nets 33.32, 33.33, 33.33.
    const lines = [1, 2, 3].map(() => ({
      quantity: 1,
      unitPrice: Money.of('37.66', 'CNY'),
      taxRate: CN_VAT_13.rate,
    }));
    const base = { lines, currency: 'CNY', priceIncludesTax: true, rounding: 'half-up' as const };
    expect(totals(documentAmounts({ ...base, taxRounding: 'line' }))).toEqual([
      'CNY 99.99',
      'CNY 12.99',
      'CNY 112.98',
    ]);
    const byDoc = documentAmounts({ ...base, taxRounding: 'document' });
    expect(totals(byDoc)).toEqual(['CNY 99.98', 'CNY 13.00', 'CNY 112.98']);
    expect(byDoc.lines.map(amounts)).toEqual([
      ['CNY 33.32', 'CNY 4.34', 'CNY 37.66'],
      ['CNY 33.33', 'CNY 4.33', 'CNY 37.66'],
      ['CNY 33.33', 'CNY 4.33', 'CNY 37.66'],
    ]);
  });

  it('groups tax by rate', () => {
    // 13 %: nets 99.99 and 0.10 → Σ 100.09 × 0.13 = 13.0117 → 13.01, allocated 1301 cents
    //       by 9999 : 10 → 1299.70 and 1.30 cents → floors 1299 + 1, spare cent to the first.
    // 6 %:  10.00 × 0.06 = 0.60.
    const d = documentAmounts({
      lines: [
        { quantity: 3, unitPrice: Money.of('33.33', 'CNY'), taxRate: CN_VAT_13.rate },
        { quantity: 1, unitPrice: Money.of('10.00', 'CNY'), taxRate: CN_VAT_6.rate },
        { quantity: 2, unitPrice: Money.of('0.05', 'CNY'), taxRate: '0.130' },
      ],
      currency: 'CNY',
      priceIncludesTax: false,
      rounding: 'half-up',
      taxRounding: 'document',
    });
    expect(d.lines.map((l) => l.tax.toString())).toEqual(['CNY 13.00', 'CNY 0.60', 'CNY 0.01']);
    expect(totals(d)).toEqual(['CNY 110.09', 'CNY 13.61', 'CNY 123.70']);
    expect(d.taxByRate.map((g) => [g.rate.toString(), g.net.toString(), g.tax.toString()])).toEqual(
      [
        ['0.13', 'CNY 100.09', 'CNY 13.01'],
        ['0.06', 'CNY 10.00', 'CNY 0.60'],
      ],
    );
  });

  it('handles a rate group mixing sold and returned lines', () => {
    // Nets 0.05, 0.05, −0.01 at 13 %: exact taxes 0.0065, 0.0065, −0.0013.
    // line:     0.01 + 0.01 + 0.00 = 0.02.
    // document: Σ net 0.09 × 0.13 = 0.0117 → 0.01; truncated shares 0, 0, 0; the missing cent
    //           goes to the largest fraction (0.65 cent, tie → first line).
    const lines = [
      { quantity: 1, unitPrice: Money.of('0.05', 'CNY'), taxRate: '0.13' },
      { quantity: 1, unitPrice: Money.of('0.05', 'CNY'), taxRate: '0.13' },
      { quantity: -1, unitPrice: Money.of('0.01', 'CNY'), taxRate: '0.13' },
    ];
    const base = { lines, currency: 'CNY', priceIncludesTax: false, rounding: 'half-up' as const };
    expect(documentAmounts({ ...base, taxRounding: 'line' }).tax.toString()).toBe('CNY 0.02');
    const byDoc = documentAmounts({ ...base, taxRounding: 'document' });
    expect(byDoc.lines.map((l) => l.tax.toString())).toEqual(['CNY 0.01', 'CNY 0.00', 'CNY 0.00']);
    expect(totals(byDoc)).toEqual(['CNY 0.09', 'CNY 0.01', 'CNY 0.10']);
  });

  it('returns zeros for an empty document and rejects foreign currencies', () => {
    const empty = documentAmounts({
      lines: [],
      currency: 'JPY',
      priceIncludesTax: false,
      rounding: 'half-up',
      taxRounding: 'document',
    });
    expect(totals(empty)).toEqual(['JPY 0', 'JPY 0', 'JPY 0']);
    expect(empty.lines).toEqual([]);
    expect(empty.taxByRate).toEqual([]);
    const e = expectBug(
      () =>
        documentAmounts({
          lines: [{ quantity: 1, unitPrice: Money.of('1', 'USD'), taxRate: '0.13' }],
          currency: 'CNY',
          priceIncludesTax: false,
          rounding: 'half-up',
          taxRounding: 'line',
        }),
      'CURRENCY_MISMATCH',
    );
    expect(e.details).toEqual({ expected: 'CNY', actual: 'USD' });
  });
});
