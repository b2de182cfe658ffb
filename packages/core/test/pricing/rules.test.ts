/**
 * Worked examples: agreements, rule effects, scopes, breaks, and the composition policies.
 * Every list price is 100.00 CNY net per EA unless said otherwise.
 */
import { describe, expect, it } from 'vitest';
import { unwrap } from '../../src/kernel/result';
import { Money } from '../../src/money/money';
import { marginPercent, type PriceRuleGroup, resolveLine, resolveOrder } from '../../src/pricing';
import { book, ctx, D, line, list, priceOf, rule } from './fixtures';

const retail = list('retail', [
  ['p1', 'EA', '100.00'],
  ['p2', 'EA', '40.00'],
]);
const group = (id: string, policy: PriceRuleGroup['policy'], sequence = 10): PriceRuleGroup => ({
  id,
  name: id,
  policy,
  sequence,
});

describe('agreements (协议价)', () => {
  const agreement = rule({
    id: 'a-c1-p1',
    kind: 'agreement',
    groupId: 'agreements',
    scope: { customerId: 'c1', productId: 'p1' },
    unit: 'EA',
    effect: { type: 'fixed-price', value: D('90.00') },
  });

  it('fills the contract price for its customer only', () => {
    const b = book({ priceLists: [retail], rules: [agreement] });
    const r = unwrap(resolveLine(b, ctx(), line()));
    expect(r.unitPrice.toString()).toBe('CNY 90.00');
    expect(r.applied).toEqual(['a-c1-p1']);
    expect(r.steps.map((s) => [s.stage, s.price.toString()])).toEqual([
      ['base', '100'],
      ['rule', '90'],
    ]);
    expect(priceOf(resolveLine(b, ctx({ customerId: 'c2' }), line()))).toBe('100');
  });

  it('prices without any list price (the agreement is the price)', () => {
    const b = book({ priceLists: [list('retail', [])], rules: [agreement] });
    expect(priceOf(resolveLine(b, ctx(), line()))).toBe('90');
  });

  it('applies per BOX: 90 per EA × 12 = 1080 per BOX', () => {
    const b = book({ priceLists: [retail], rules: [agreement] });
    expect(priceOf(resolveLine(b, ctx(), line({ unit: 'BOX' })))).toBe('1080');
  });

  it('has quantity breaks: 1–9 at 90, 10–49 at 85, 50+ at 80', () => {
    const tiered = rule({
      ...agreement,
      effect: {
        type: 'fixed-price',
        tiers: [
          { from: D(1), value: D(90) },
          { from: D(10), value: D(85) },
          { from: D(50), value: D(80) },
        ],
      },
    });
    const b = book({ priceLists: [retail], rules: [tiered] });
    const at = (q: number) => priceOf(resolveLine(b, ctx(), line({ quantity: D(q) })));
    expect([at(1), at(9), at(10), at(49), at(50)]).toEqual(['90', '90', '85', '85', '80']);
    // 1 BOX = 12 EA reaches the 10 EA break: 85 × 12 = 1020 per BOX
    expect(priceOf(resolveLine(b, ctx(), line({ unit: 'BOX' })))).toBe('1020');
  });

  it('only in its currency and validity', () => {
    const usd = rule({ ...agreement, currency: 'USD' });
    const old = rule({ ...agreement, validTo: '2026-06-30' });
    expect(priceOf(resolveLine(book({ priceLists: [retail], rules: [usd] }), ctx(), line()))).toBe(
      '100',
    );
    expect(priceOf(resolveLine(book({ priceLists: [retail], rules: [old] }), ctx(), line()))).toBe(
      '100',
    );
  });

  it('covers a product group, and a head office covers its subsidiaries', () => {
    const forGroup = rule({
      id: 'a-hq-pumps',
      kind: 'agreement',
      groupId: 'agreements',
      scope: { headOfficeId: 'hq', productGroup: 'pumps' },
      effect: { type: 'discount-percent', value: D(12) },
    });
    const b = book({ priceLists: [retail], rules: [forGroup] });
    const sub = ctx({ customerId: 'sub', headOfficeId: 'hq' });
    expect(priceOf(resolveLine(b, sub, line({ productGroup: 'pumps' })))).toBe('88');
    expect(priceOf(resolveLine(b, sub, line({ productGroup: 'valves' })))).toBe('100');
    expect(priceOf(resolveLine(b, ctx(), line({ productGroup: 'pumps' })))).toBe('100');
  });
});

describe('effects', () => {
  const g = group('promo', 'exclusive');
  const at = (effect: Parameters<typeof rule>[0]['effect'], extra = {}) =>
    resolveLine(
      book({
        priceLists: [retail],
        groups: [g],
        rules: [rule({ id: 'r', groupId: 'promo', effect, ...extra })],
      }),
      ctx(),
      line({ cost: Money.of('60.00', 'CNY') }),
    );

  it('fixed price, discount %, discount amount, markup on cost, formula', () => {
    expect(priceOf(at({ type: 'fixed-price', value: D(95) }))).toBe('95');
    expect(priceOf(at({ type: 'discount-percent', value: D('12.5') }))).toBe('87.5');
    expect(priceOf(at({ type: 'discount-amount', value: D(7) }))).toBe('93');
    // cost 60 × (1 + 50 %) = 90
    expect(priceOf(at({ type: 'markup-on-cost', value: D(50) }))).toBe('90');
    // retail 100 × 0.9 + 2 = 92
    expect(
      priceOf(at({ type: 'formula', priceListId: 'retail', multiplier: D('0.9'), addend: D(2) })),
    ).toBe('92');
  });

  it('a gross fixed price on a net order: 113 ÷ 1.13 = 100; a discount amount below zero clamps at 0', () => {
    expect(priceOf(at({ type: 'fixed-price', value: D(113) }, { priceIncludesTax: true }))).toBe(
      '100',
    );
    const r = unwrap(at({ type: 'discount-amount', value: D(150) }));
    expect(r.unitPrice.amount.toString()).toBe('0');
    expect(r.warnings.map((w) => w.code)).toEqual(['NEGATIVE_PRICE_CLAMPED']);
  });

  it('cost and margin: price 100, cost 60 → margin 40 = 40 %', () => {
    const r = unwrap(at({ type: 'discount-percent', value: D(0) }));
    expect(r.cost?.toString()).toBe('CNY 60.00');
    expect(r.margin?.toString()).toBe('CNY 40.00');
    expect(marginPercent(r)?.toString()).toBe('40');
  });
});

describe('precedence in an exclusive group', () => {
  const g = group('prices', 'exclusive');
  const r = (id: string, scope: object, value: number, priority = 0) =>
    rule({
      id,
      groupId: 'prices',
      scope,
      priority,
      effect: { type: 'fixed-price', value: D(value) },
    });

  it('the most specific scope wins: customer > customer group; customer+product > customer', () => {
    const b = book({
      priceLists: [retail],
      groups: [g],
      rules: [
        r('group-p1', { customerGroup: 'dealer', productId: 'p1' }, 80),
        r('cust', { customerId: 'c1' }, 85),
        r('cust-p1', { customerId: 'c1', productId: 'p1' }, 90),
      ],
    });
    const c = ctx({ customerGroup: 'dealer' });
    expect(unwrap(resolveLine(b, c, line())).applied).toEqual(['cust-p1']);
  });

  it('then the highest priority, then the smallest id', () => {
    const b = book({
      priceLists: [retail],
      groups: [g],
      rules: [
        r('b', { customerId: 'c1' }, 81, 5),
        r('a', { customerId: 'c1' }, 82, 5),
        r('c', { customerId: 'c1' }, 70, 1),
      ],
    });
    expect(priceOf(resolveLine(b, ctx(), line()))).toBe('82');
  });
});

describe('composition policies', () => {
  const rules = (groupId: string) => [
    rule({ id: 'ten', groupId, effect: { type: 'discount-percent', value: D(10) } }),
    rule({
      id: 'five',
      groupId,
      scope: { productId: 'p1' },
      effect: { type: 'discount-percent', value: D(5) },
    }),
    rule({
      id: 'fixed88',
      groupId,
      scope: { region: 'east' },
      effect: { type: 'fixed-price', value: D(88) },
    }),
  ];
  const priced = (policy: PriceRuleGroup['policy']) =>
    unwrap(
      resolveLine(
        book({ priceLists: [retail], groups: [group('g', policy)], rules: rules('g') }),
        ctx({ region: 'east' }),
        line(),
      ),
    );

  it('exclusive: one rule — region+… fixed88 (specificity 301) beats p1 (011): 88', () => {
    const r = priced('exclusive');
    expect([r.unitPrice.amount.toString(), r.applied]).toEqual(['88', ['fixed88']]);
  });
  it('best for customer: min(90, 95, 88) = 88', () => {
    expect(priced('best-for-customer').unitPrice.amount.toString()).toBe('88');
  });
  it('additive: 100 − 12 (fixed88) − 5 − 10 = 73, each on the group input 100', () => {
    const r = priced('additive');
    expect(r.unitPrice.amount.toString()).toBe('73');
    expect(r.steps.filter((s) => s.stage === 'rule').map((s) => s.price.toString())).toEqual([
      '88',
      '83',
      '73',
    ]);
  });
  it('compound: 88 × 0.95 × 0.90 = 75.24', () => {
    expect(priced('compound').unitPrice.amount.toString()).toBe('75.24');
  });

  it('groups apply in sequence; a group may round after itself', () => {
    const b = book({
      priceLists: [list('retail', [['p1', 'EA', '99.99']])],
      groups: [
        { ...group('late', 'exclusive', 20) },
        { ...group('early', 'exclusive', 10), round: { scale: 1, mode: 'down' } },
      ],
      rules: [
        rule({
          id: 'r-late',
          groupId: 'late',
          effect: { type: 'discount-amount', value: D('0.05') },
        }),
        rule({
          id: 'r-early',
          groupId: 'early',
          effect: { type: 'discount-percent', value: D(15) },
        }),
      ],
    });
    // 99.99 × 0.85 = 84.9915 → round down to 1 place 84.9 → − 0.05 = 84.85
    const r = unwrap(resolveLine(b, ctx(), line()));
    expect(r.steps.map((s) => [s.stage, s.price.toString()])).toEqual([
      ['base', '99.99'],
      ['rule', '84.9915'],
      ['group-round', '84.9'],
      ['rule', '84.85'],
    ]);
  });
});

describe('breaks across lines and by amount', () => {
  const g = group('volume', 'exclusive');
  const byGroup = rule({
    id: 'pumps-volume',
    groupId: 'volume',
    scope: { productGroup: 'pumps' },
    unit: 'EA',
    breakScope: 'group',
    effect: { type: 'discount-percent', tiers: [{ from: D(10), value: D(10) }] },
  });

  it('counts every line of the group: 6 + 5 pumps reach the 10-piece break', () => {
    const b = book({ priceLists: [retail], groups: [g], rules: [byGroup] });
    const lines = [
      line({ quantity: D(6), productGroup: 'pumps' }),
      line({ productId: 'p2', quantity: D(5), productGroup: 'pumps' }),
    ];
    const r = unwrap(resolveOrder(b, ctx(), lines));
    expect(r.lines.map((l) => l.unitPrice.amount.toString())).toEqual(['90', '36']);
    // each line alone stays below the break
    expect(priceOf(resolveLine(b, ctx(), lines[0]!))).toBe('100');
  });

  it('amount breaks measure quantity × list price: 3 × 100 = 300 ≥ 250 → 5 % off', () => {
    const amount = rule({
      id: 'big-order',
      groupId: 'volume',
      breakBasis: 'amount',
      effect: { type: 'discount-percent', tiers: [{ from: D(250), value: D(5) }] },
    });
    const b = book({ priceLists: [retail], groups: [g], rules: [amount] });
    expect(priceOf(resolveLine(b, ctx(), line({ quantity: D(3) })))).toBe('95');
    expect(priceOf(resolveLine(b, ctx(), line({ quantity: D(2) })))).toBe('100');
  });
});
