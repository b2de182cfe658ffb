/**
 * Worked examples: free goods (buy N get M) and bundles (套餐) priced as a set.
 */
import { describe, expect, it } from 'vitest';
import { unwrap } from '../../src/kernel/result';
import { Money } from '../../src/money/money';
import { type PriceBundle, priceBundle, resolveOrder } from '../../src/pricing';
import { book, ctx, D, line, list, rule } from './fixtures';

const retail = list('retail', [
  ['p1', 'EA', '100.00'],
  ['p2', 'EA', '40.00'],
]);
const promo = { id: 'promo', name: 'promo', policy: 'compound' as const, sequence: 50 };

describe('free goods', () => {
  const buy3get1 = rule({
    id: 'b3g1',
    groupId: 'promo',
    scope: { productId: 'p1' },
    effect: { type: 'free-goods', buy: D(3), get: D(1) },
  });

  it('buy 3 get 1: 7 bought → ⌊7 ÷ 3⌋ × 1 = 2 free p1; the price is unchanged', () => {
    const b = book({ priceLists: [retail], groups: [promo], rules: [buy3get1] });
    const r = unwrap(resolveOrder(b, ctx(), [line({ quantity: D(7) })]));
    expect(r.lines[0]?.unitPrice.amount.toString()).toBe('100');
    expect(r.freeGoods.map((g) => [g.ruleId, g.productId, g.quantity.toString(), g.unit])).toEqual([
      ['b3g1', 'p1', '2', 'EA'],
    ]);
    expect(unwrap(resolveOrder(b, ctx(), [line({ quantity: D(2) })])).freeGoods).toEqual([]);
  });

  it('another product: buy 2 BOX of p1, get 5 EA of p2 (in the rule unit BOX for buying)', () => {
    const other = rule({
      id: 'box-gift',
      groupId: 'promo',
      scope: { productId: 'p1' },
      unit: 'BOX',
      effect: { type: 'free-goods', buy: D(2), get: D(5), productId: 'p2' },
    });
    const b = book({ priceLists: [retail], groups: [promo], rules: [other] });
    // 36 EA = 3 BOX → ⌊3 ÷ 2⌋ × 5 = 5
    const r = unwrap(resolveOrder(b, ctx(), [line({ quantity: D(36) })]));
    expect(r.freeGoods.map((g) => [g.productId, g.quantity.toString(), g.unit])).toEqual([
      ['p2', '5', 'BOX'],
    ]);
  });

  it('across the lines of a group: 4 + 5 pumps with buy 3 get 1 → 3 free, granted once', () => {
    const acrossGroup = rule({
      id: 'pumps-b3g1',
      groupId: 'promo',
      scope: { productGroup: 'pumps' },
      unit: 'EA',
      breakScope: 'group',
      effect: { type: 'free-goods', buy: D(3), get: D(1), productId: 'p2' },
    });
    const b = book({ priceLists: [retail], groups: [promo], rules: [acrossGroup] });
    const r = unwrap(
      resolveOrder(b, ctx(), [
        line({ quantity: D(4), productGroup: 'pumps' }),
        line({ productId: 'p2', quantity: D(5), productGroup: 'pumps' }),
      ]),
    );
    expect(r.freeGoods.map((g) => [g.ruleId, g.quantity.toString(), g.lineIndex])).toEqual([
      ['pumps-b3g1', '3', 0],
    ]);
  });
});

describe('bundles (套餐)', () => {
  const set: PriceBundle = {
    id: 'starter-kit',
    name: 'Starter kit',
    currency: 'CNY',
    priceIncludesTax: false,
    price: D('150.00'),
    components: [
      { productId: 'p1', quantity: D(1), unit: 'EA' },
      { productId: 'p2', quantity: D(2), unit: 'EA' },
    ],
    active: true,
  };

  it('spreads the set price by list value and the lines add up to it exactly', () => {
    // list value per set: p1 100, p2 2 × 40 = 80 → 150 × 100/180 = 83.333… and 66.666…
    // largest remainder at fen: 83.33 and 66.67; per unit p1 83.33, p2 66.67 ÷ 2 = 33.335
    const b = book({ priceLists: [retail], bundles: [set] });
    const lines = unwrap(
      priceBundle(b, ctx(), 'starter-kit', D(1), [
        line({ quantity: D(1) }),
        line({ productId: 'p2', quantity: D(2), cost: Money.of('25.00', 'CNY') }),
      ]),
    );
    expect(lines.map((l) => [l.unitPrice.amount.toString(), l.origin])).toEqual([
      ['83.33', 'bundle'],
      ['33.335', 'bundle'],
    ]);
    const total = lines[0]!.unitPrice.amount.plus(lines[1]!.unitPrice.amount.times(2));
    expect(total.toString()).toBe('150');
    expect(lines[1]?.margin?.amount.toString()).toBe('8.335');
  });

  it('three sets: 450 over 300 and 240 → shares 250.00 and 200.00, unit prices at 6 places', () => {
    const b = book({ priceLists: [retail], bundles: [set] });
    const lines = unwrap(
      priceBundle(b, ctx(), 'starter-kit', D(3), [
        line({ quantity: D(3) }),
        line({ productId: 'p2', quantity: D(6) }),
      ]),
    );
    expect(lines.map((l) => l.unitPrice.amount.toString())).toEqual(['83.333333', '33.333333']);
  });

  it('is unavailable when inactive, out of date, in another currency, or unknown', () => {
    const comps = [line(), line({ productId: 'p2', quantity: D(2) })];
    const code = (b: PriceBundle, c = ctx()) => {
      const r = priceBundle(book({ priceLists: [retail], bundles: [b] }), c, b.id, D(1), comps);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code({ ...set, active: false })).toBe('BUNDLE_UNAVAILABLE');
    expect(code({ ...set, validTo: '2026-01-01' })).toBe('BUNDLE_UNAVAILABLE');
    expect(code({ ...set, currency: 'USD' })).toBe('BUNDLE_UNAVAILABLE');
    expect(code(set, ctx({ currency: 'USD', rates: new Map([['CNY', D('0.14')]]) }))).toBe(
      'BUNDLE_UNAVAILABLE',
    );
    const none = priceBundle(book({}), ctx(), 'nope', D(1), comps);
    expect(!none.ok && none.error.code).toBe('BUNDLE_UNAVAILABLE');
  });
});
