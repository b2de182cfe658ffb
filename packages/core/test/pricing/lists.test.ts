/**
 * Worked examples: base prices from lists — units, tax basis, currency (the one conversion
 * point), validity, derived lists, unit rounding.
 */
import { describe, expect, it } from 'vitest';
import { unwrap } from '../../src/kernel/result';
import { Money } from '../../src/money/money';
import { checkDerivation, compilePriceBook, resolveLine } from '../../src/pricing';
import type { PriceList } from '../../src/pricing/price-list';
import { book, ctx, D, data, line, list, priceOf } from './fixtures';

const retail = list('retail', [
  ['p1', 'EA', '100.00'],
  ['p1', 'BOX', '1100.00'],
  ['p2', 'EA', '9.99'],
]);

describe('base price from a list', () => {
  it('takes the entry of the line unit; a rounding that changes nothing is not a step', () => {
    const r = unwrap(resolveLine(book({ priceLists: [retail] }), ctx(), line()));
    expect(r.unitPrice.toString()).toBe('CNY 100.00');
    expect(r.steps.map((s) => s.stage)).toEqual(['base']);
    expect(r.origin).toBe('engine');
    expect(r.applied).toEqual([]);
  });

  it('prefers the BOX entry for a BOX line (1100, not 12 × 100)', () => {
    const r = resolveLine(book({ priceLists: [retail] }), ctx(), line({ unit: 'BOX' }));
    expect(priceOf(r)).toBe('1100');
  });

  it('converts through the stock unit only when the list declares convertUnits', () => {
    // p2 per EA 9.99; 1 BOX = 12 EA → 9.99 × 12 = 119.88 per BOX
    const converting = { ...retail, convertUnits: true };
    const boxOfP2 = line({ productId: 'p2', unit: 'BOX' });
    const r = unwrap(resolveLine(book({ priceLists: [converting] }), ctx(), boxOfP2));
    expect(r.unitPrice.amount.toString()).toBe('119.88');
    expect(r.steps.map((s) => s.stage)).toEqual(['base', 'unit']);
    expect(priceOf(resolveLine(book({ priceLists: [retail] }), ctx(), boxOfP2))).toBe(
      'PRICE_NOT_FOUND',
    );
  });

  it('is PRICE_NOT_FOUND for a unit without conversion, or a product without a price', () => {
    const b = book({ priceLists: [{ ...retail, convertUnits: true }] });
    expect(priceOf(resolveLine(b, ctx(), line({ unit: 'KG' })))).toBe('PRICE_NOT_FOUND');
    expect(priceOf(resolveLine(b, ctx(), line({ productId: 'p9' })))).toBe('PRICE_NOT_FOUND');
  });

  it('moves gross list prices to a net order: 113.00 ÷ 1.13 = 100.00', () => {
    const gross = list('retail', [['p1', 'EA', '113.00']], { priceIncludesTax: true });
    const r = unwrap(resolveLine(book({ priceLists: [gross] }), ctx(), line()));
    expect(r.unitPrice.amount.toString()).toBe('100');
    expect(r.steps.map((s) => s.stage)).toEqual(['base', 'tax-basis']);
  });

  it('converts a USD list to a CNY order once, at entry: 10.00 × 7.1 = 71.00', () => {
    const usd = list('retail', [['p1', 'EA', '10.00']], { currency: 'USD' });
    const b = book({ priceLists: [usd] });
    const r = unwrap(resolveLine(b, ctx({ rates: new Map([['USD', D('7.1')]]) }), line()));
    expect(r.unitPrice.toString()).toBe('CNY 71.00');
    expect(r.steps.map((s) => [s.stage, s.currency])).toEqual([
      ['base', 'USD'],
      ['currency', 'CNY'],
    ]);
    const missing = resolveLine(b, ctx(), line());
    expect(!missing.ok && missing.error).toMatchObject({
      code: 'RATE_MISSING',
      from: 'USD',
      to: 'CNY',
    });
  });

  it('honours list and entry validity', () => {
    const l: PriceList = {
      ...list('retail', []),
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
      entries: [
        { ...list('x', [['p1', 'EA', '100.00']]).entries[0]!, validTo: '2026-11-30' },
        { ...list('x', [['p1', 'EA', '105.00']]).entries[0]!, validFrom: '2026-12-01' },
      ],
    };
    const b = book({ priceLists: [l] });
    expect(priceOf(resolveLine(b, ctx({ date: '2026-11-30' }), line()))).toBe('100');
    expect(priceOf(resolveLine(b, ctx({ date: '2026-12-01' }), line()))).toBe('105');
    expect(priceOf(resolveLine(b, ctx({ date: '2027-01-01' }), line()))).toBe('PRICE_NOT_FOUND');
  });

  it('rounds the final unit price at the declared stage: 9.99 × 0.85 = 8.4915 → 8.49 at 2 places', () => {
    const dealer: PriceList = {
      ...list('dealer', []),
      basedOn: { priceListId: 'retail', percent: D(-15) },
    };
    const two = book(
      { priceLists: [retail, dealer] },
      { unitRounding: { scale: 2, mode: 'half-up' } },
    );
    const six = book({ priceLists: [retail, dealer] });
    const c = ctx({ priceListId: 'dealer' });
    const rounded = unwrap(resolveLine(two, c, line({ productId: 'p2' })));
    expect(rounded.steps.map((s) => [s.stage, s.price.toString()])).toEqual([
      ['base', '8.4915'],
      ['unit-round', '8.49'],
    ]);
    expect(priceOf(resolveLine(six, c, line({ productId: 'p2' })))).toBe('8.4915');
  });
});

describe('derived lists', () => {
  const dealer: PriceList = {
    ...list('dealer', [['p2', 'EA', '8.00']]),
    basedOn: { priceListId: 'retail', percent: D(-15) },
  };
  const vip: PriceList = {
    ...list('vip', []),
    basedOn: { priceListId: 'dealer', percent: D(-10), round: { scale: 2, mode: 'half-up' } },
  };

  it('dealer = retail − 15 %: 100 × 0.85 = 85; its own p2 price 8.00 replaces the derived one', () => {
    const b = book({ priceLists: [retail, dealer] });
    expect(priceOf(resolveLine(b, ctx({ priceListId: 'dealer' }), line()))).toBe('85');
    expect(priceOf(resolveLine(b, ctx({ priceListId: 'dealer' }), line({ productId: 'p2' })))).toBe(
      '8',
    );
  });

  it('chains: vip = dealer − 10 % = 100 × 0.85 × 0.9 = 76.50; p2: 8.00 × 0.9 = 7.20', () => {
    const b = book({ priceLists: [vip, dealer, retail] });
    const r = unwrap(resolveLine(b, ctx({ priceListId: 'vip' }), line()));
    expect(r.unitPrice.amount.toString()).toBe('76.5');
    expect(priceOf(resolveLine(b, ctx({ priceListId: 'vip' }), line({ productId: 'p2' })))).toBe(
      '7.2',
    );
  });

  it('rejects a cycle (typed, naming the field) and a currency or basis mismatch', () => {
    const loop: PriceList = { ...retail, basedOn: { priceListId: 'vip', percent: D(0) } };
    const lists = new Map<string, PriceList>([
      ['dealer', dealer],
      ['vip', vip],
    ]);
    expect(checkDerivation(loop, lists)).toMatchObject({
      code: 'PRICE_LIST_CYCLE',
      field: 'basedOn.priceListId',
      cycle: ['retail', 'vip', 'dealer'],
    });
    const compiled = compilePriceBook(data({ priceLists: [loop, dealer, vip] }));
    expect(!compiled.ok && compiled.error.code).toBe('PRICE_LIST_CYCLE');
    const usd: PriceList = { ...dealer, currency: 'USD', entries: [] };
    expect(checkDerivation(usd, new Map([['retail', retail]]))).toMatchObject({
      code: 'DERIVATION_MISMATCH',
      field: 'basedOn.priceListId',
    });
    expect(
      checkDerivation({ ...dealer, basedOn: { priceListId: 'nope', percent: D(1) } }, new Map()),
    ).toBe('missing-base');
  });

  it('keeps the chain for explanations', () => {
    const b = book({ priceLists: [vip, dealer, retail] });
    const entry = b.lists.get('vip')?.entries.get('p1')?.[0];
    expect(entry?.via.map((v) => [v.priceListId, v.price.toString()])).toEqual([
      ['retail', '100'],
      ['dealer', '85'],
    ]);
    expect(Money.of(entry!.price, 'CNY').toString()).toBe('CNY 76.50');
  });
});
