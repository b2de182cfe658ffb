/**
 * Worked examples: floor prices (最低限价 / 红线价), minimum-margin floors, contract bounds,
 * manual prices, and the stored trace.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson, decode, encode } from '../../src/kernel/codec';
import { unwrap } from '../../src/kernel/result';
import { Money } from '../../src/money/money';
import { type PriceFloor, resolveLine, traceOf } from '../../src/pricing';
import { book, ctx, D, line, list, rule } from './fixtures';

const retail = list('retail', [['p1', 'EA', '100.00']]);
const floor = (id: string, p: Partial<PriceFloor>): PriceFloor => ({
  id,
  scope: { productId: 'p1' },
  rule: { type: 'price', value: D(80), currency: 'CNY', priceIncludesTax: false },
  active: true,
  ...p,
});
const agreement = (value: number, extra = {}) =>
  rule({
    id: 'a1',
    kind: 'agreement',
    groupId: 'agreements',
    scope: { customerId: 'c1', productId: 'p1' },
    effect: { type: 'fixed-price', value: D(value) },
    ...extra,
  });

describe('floors', () => {
  it('an agreement at 75 below the floor 80: below, gap 5 — the price itself is not changed', () => {
    const b = book({ priceLists: [retail], rules: [agreement(75)], floors: [floor('f1', {})] });
    const r = unwrap(resolveLine(b, ctx(), line()));
    expect(r.unitPrice.amount.toString()).toBe('75');
    expect(r.floor).toMatchObject({ floorId: 'f1', below: true });
    expect([r.floor?.floor.toString(), r.floor?.gap.toString()]).toEqual(['CNY 80.00', 'CNY 5.00']);
  });

  it('the highest applicable floor binds: product 80, product group 82, customer group 78 → 82', () => {
    const b = book({
      priceLists: [retail],
      floors: [
        floor('f-product', {}),
        floor('f-group', {
          scope: { productGroup: 'pumps' },
          rule: { type: 'price', value: D(82), currency: 'CNY', priceIncludesTax: false },
        }),
        floor('f-dealer', {
          scope: { customerGroup: 'dealer' },
          rule: { type: 'price', value: D(78), currency: 'CNY', priceIncludesTax: false },
        }),
      ],
    });
    const r = unwrap(
      resolveLine(b, ctx({ customerGroup: 'dealer' }), line({ productGroup: 'pumps' })),
    );
    expect([r.floor?.floorId, r.floor?.below]).toEqual(['f-group', false]);
  });

  it('a minimum margin acts as a floor: cost 60, 25 % → 60 ÷ 0.75 = 80; per BOX 960', () => {
    const margin = floor('f-margin', { rule: { type: 'margin', minMarginPercent: D(25) } });
    const b = book({ priceLists: [retail], rules: [agreement(79)], floors: [margin] });
    const r = unwrap(resolveLine(b, ctx(), line({ cost: Money.of('60.00', 'CNY') })));
    expect([r.floor?.floor.amount.toString(), r.floor?.gap.amount.toString()]).toEqual(['80', '1']);
    const box = unwrap(
      resolveLine(b, ctx(), line({ unit: 'BOX', cost: Money.of('60.00', 'CNY') })),
    );
    expect(box.floor?.floor.amount.toString()).toBe('960');
    const noCost = unwrap(resolveLine(b, ctx(), line()));
    expect([noCost.floor, noCost.warnings.map((w) => w.code)]).toEqual([
      undefined,
      ['FLOOR_COST_MISSING'],
    ]);
  });

  it('a gross floor on a net order and a floor in USD need conversion', () => {
    const gross = floor('f-gross', {
      rule: { type: 'price', value: D('90.40'), currency: 'CNY', priceIncludesTax: true },
    });
    // 90.40 ÷ 1.13 = 80
    const r = unwrap(resolveLine(book({ priceLists: [retail], floors: [gross] }), ctx(), line()));
    expect(r.floor?.floor.amount.toString()).toBe('80');
    const usd = floor('f-usd', {
      rule: { type: 'price', value: D(12), currency: 'USD', priceIncludesTax: false },
    });
    const b = book({ priceLists: [retail], floors: [usd] });
    const missing = resolveLine(b, ctx(), line());
    expect(!missing.ok && missing.error.code).toBe('RATE_MISSING');
    const withRate = unwrap(resolveLine(b, ctx({ rates: new Map([['USD', D(7)]]) }), line()));
    expect(withRate.floor?.floor.amount.toString()).toBe('84');
  });

  it('floors outside their validity or inactive do not apply', () => {
    const b = book({
      priceLists: [retail],
      floors: [floor('old', { validTo: '2026-01-31' }), floor('off', { active: false })],
    });
    expect(unwrap(resolveLine(b, ctx(), line())).floor).toBeUndefined();
  });
});

describe('contract bounds and manual prices', () => {
  it('a manual price replaces the engine price as typed and is checked against bounds and floor', () => {
    const a = agreement(90, { bounds: { lower: D(85), upper: D(95) } });
    const b = book({ priceLists: [retail], rules: [a], floors: [floor('f1', {})] });
    const low = unwrap(resolveLine(b, ctx(), line({ manualPrice: D('78.125') })));
    expect(low.unitPrice.amount.toString()).toBe('78.125');
    expect(low.origin).toBe('manual');
    expect(low.steps.map((s) => s.stage)).toEqual(['base', 'rule', 'manual']);
    expect(low.warnings.map((w) => w.code)).toEqual(['BELOW_CONTRACT_BOUND']);
    expect(low.floor?.below).toBe(true);
    const high = unwrap(resolveLine(b, ctx(), line({ manualPrice: D(96) })));
    expect(high.warnings.map((w) => w.code)).toEqual(['ABOVE_CONTRACT_BOUND']);
    expect(unwrap(resolveLine(b, ctx(), line())).warnings).toEqual([]);
  });

  it('a manual price needs no list price', () => {
    const r = resolveLine(
      book({ priceLists: [list('retail', [])] }),
      ctx(),
      line({ manualPrice: D(5) }),
    );
    expect(r.ok && r.value.unitPrice.amount.toString()).toBe('5');
  });
});

describe('the stored trace', () => {
  it('is compact, JSON-encodable, and keeps price, rules, floor and margin', () => {
    const b = book({ priceLists: [retail], rules: [agreement(75)], floors: [floor('f1', {})] });
    const r = unwrap(resolveLine(b, ctx(), line({ cost: Money.of('60.00', 'CNY') })));
    const t = traceOf(r, 'retail', 7, 'CNY');
    expect(t).toMatchObject({
      kind: 'pricing-rules',
      priceListId: 'retail',
      bookVersion: 7,
      applied: ['a1'],
    });
    expect(t.floor?.below).toBe(true);
    const back = decode(encode(t));
    expect(canonicalJson(back)).toBe(canonicalJson(t));
    expect(JSON.stringify(encode(t)).length).toBeLessThan(900);
  });
});
