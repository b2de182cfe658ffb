/**
 * fast-check arbitraries of pricing data over small domains, so random rules, contexts and
 * lines overlap often and every policy, effect and rejection reason is exercised.
 */
import fc from 'fast-check';
import { Money } from '../../src/money/money';
import type {
  GroupPolicy,
  PriceFloor,
  PriceRule,
  PriceRuleGroup,
  PricingContext,
  PricingData,
  PricingLine,
  PricingScope,
  RuleEffect,
  Tier,
} from '../../src/pricing';
import type { PriceList } from '../../src/pricing/price-list';
import { D, list } from './fixtures';

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });

/** Products with fixed group and brand, so lines are consistent. */
export const PRODUCTS = {
  p1: { productGroup: 'g1', brand: 'b1' },
  p2: { productGroup: 'g1', brand: 'b2' },
  p3: { productGroup: 'g2', brand: 'b1' },
} as const;

const money = (max: number) =>
  fc.integer({ min: 0, max: max * 100 }).map((c) => D(c).dividedBy(100));
const percent = fc.integer({ min: 0, max: 60 }).map((v) => D(v));
const dayIn = (min: number, max: number) =>
  fc.integer({ min, max }).map((d) => `2026-11-${String(d).padStart(2, '0')}`);
const day = dayIn(1, 28);

const SCOPE_VALUES: Record<keyof PricingScope, readonly string[]> = {
  customerId: ['c1', 'c2'],
  headOfficeId: ['h1', 'h2'],
  customerGroup: ['dealer', 'retail'],
  region: ['east', 'west'],
  channel: ['online', 'shop'],
  departmentId: ['d1'],
  productId: ['p1', 'p2', 'p3'],
  productGroup: ['g1', 'g2'],
  brand: ['b1', 'b2'],
};

/** A scope naming 0–3 dimensions (so rules often match). */
const scope: fc.Arbitrary<PricingScope> = fc
  .subarray(Object.keys(SCOPE_VALUES) as (keyof PricingScope)[], { maxLength: 3 })
  .chain((dims) =>
    fc.tuple(...dims.map((d) => fc.constantFrom(...SCOPE_VALUES[d]).map((v) => [d, v] as const))),
  )
  .map((pairs) => Object.fromEntries(pairs) as PricingScope);

const tiers = (value: fc.Arbitrary<ReturnType<typeof D>>): fc.Arbitrary<Tier[]> =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 3 })
    .chain((froms) =>
      fc.tuple(
        ...[...froms]
          .sort((a, b) => a - b)
          .map((f) => value.map((v) => ({ from: D(f), value: v }))),
      ),
    );

const valued = (
  type: 'fixed-price' | 'discount-percent' | 'discount-amount' | 'markup-on-cost',
) => {
  const v = type === 'fixed-price' ? money(150) : type === 'discount-amount' ? money(30) : percent;
  return fc.oneof(
    v.map((value): RuleEffect => ({ type, value })),
    tiers(v).map((t): RuleEffect => ({ type, tiers: t })),
  );
};

const effect: fc.Arbitrary<RuleEffect> = fc.oneof(
  valued('fixed-price'),
  valued('discount-percent'),
  valued('discount-amount'),
  valued('markup-on-cost'),
  fc.record({
    type: fc.constant('formula' as const),
    priceListId: pick('retail', 'dealer', 'missing'),
    multiplier: pick(D('0.9'), D(1), D('1.2')),
    addend: pick(D(0), D(2)),
  }),
  fc.record({
    type: fc.constant('free-goods' as const),
    buy: pick(D(2), D(3), D(5)),
    get: pick(D(1), D(2)),
    productId: opt(pick('p1', 'p2')),
  }),
);

/** A rule in one of `groups`. */
export const ruleArb = (
  ids: fc.Arbitrary<string>,
  groups: readonly string[],
): fc.Arbitrary<PriceRule> =>
  fc.record({
    id: ids,
    kind: pick('rule' as const, 'agreement' as const),
    name: fc.constant('r'),
    groupId: fc.constantFrom(...groups),
    priority: fc.integer({ min: 0, max: 2 }),
    scope,
    effect,
    currency: fc.constantFrom('CNY', 'CNY', 'CNY', 'USD'),
    unit: opt(pick('EA', 'BOX', 'KG')),
    priceIncludesTax: fc.boolean(),
    breakBasis: pick('quantity' as const, 'amount' as const),
    breakScope: pick('line' as const, 'group' as const),
    bounds: opt(fc.record({ lower: opt(money(100)), upper: opt(money(200)) })),
    validFrom: fc.option(dayIn(1, 12), { nil: undefined, freq: 4 }),
    validTo: fc.option(dayIn(16, 28), { nil: undefined, freq: 4 }),
    active: fc.integer({ min: 0, max: 4 }).map((i) => i > 0),
  });

const groupArb = (id: string): fc.Arbitrary<PriceRuleGroup> =>
  fc.record({
    id: fc.constant(id),
    name: fc.constant(id),
    policy: pick<GroupPolicy>('exclusive', 'best-for-customer', 'additive', 'compound'),
    sequence: fc.integer({ min: -1, max: 3 }),
    round: opt(
      fc.record({
        scale: fc.integer({ min: 0, max: 2 }),
        mode: pick('half-up' as const, 'down' as const),
      }),
    ),
  });

const floorArb: fc.Arbitrary<PriceFloor> = fc.record({
  id: pick('f1', 'f2', 'f3'),
  scope: fc.record(
    {
      productId: opt(pick('p1', 'p2')),
      productGroup: opt(pick('g1', 'g2')),
      customerGroup: opt(pick('dealer')),
    },
    { requiredKeys: [] },
  ),
  rule: fc.oneof(
    fc.record({
      type: fc.constant('price' as const),
      value: money(120),
      currency: fc.constant('CNY'),
      unit: opt(pick('EA', 'BOX')),
      priceIncludesTax: fc.boolean(),
    }),
    fc.record({ type: fc.constant('margin' as const), minMarginPercent: percent }),
  ),
  validFrom: opt(day),
  active: fc.constant(true),
});

const listsArb: fc.Arbitrary<PriceList[]> = fc
  .tuple(money(200), money(200), money(200), fc.boolean(), fc.boolean(), percent, fc.boolean())
  .map(([a, b, c, gross, derive, pct, convertUnits]) => {
    const rows: [string, string, string][] = [
      ['p1', 'EA', a.toFixed(2)],
      ['p2', 'EA', b.toFixed(2)],
    ];
    if (!c.isZero()) rows.push(['p3', 'BOX', c.toFixed(2)]);
    const retail = list('retail', rows, { priceIncludesTax: gross, convertUnits });
    const dealer: PriceList = {
      ...list('dealer', [['p2', 'EA', '12.34']], { priceIncludesTax: gross }),
      ...(derive ? { basedOn: { priceListId: 'retail', percent: pct.negated() } } : {}),
    };
    return [retail, dealer];
  });

/** Pricing data: two lists, 1–3 groups, up to `maxRules` rules with unique ids, floors. */
export function dataArb(maxRules = 20): fc.Arbitrary<PricingData> {
  return fc.tuple(listsArb, fc.integer({ min: 1, max: 3 })).chain(([priceLists, n]) => {
    const ids = ['g0', 'g1', 'g2'].slice(0, n);
    return fc.record({
      priceLists: fc.constant(priceLists),
      groups: fc.tuple(...ids.map(groupArb)),
      rules: fc.uniqueArray(
        ruleArb(
          fc.integer({ min: 0, max: 999 }).map((i) => `r${i}`),
          [...ids, 'agreements'],
        ),
        {
          maxLength: maxRules,
          selector: (r) => r.id,
        },
      ),
      floors: fc.uniqueArray(floorArb, { maxLength: 3, selector: (f) => f.id }),
      bundles: fc.constant([]),
    });
  });
}

/** A context over the same domains. */
export const contextArb: fc.Arbitrary<PricingContext> = fc.record(
  {
    date: day,
    currency: fc.constantFrom('CNY', 'CNY', 'CNY', 'USD'),
    priceListId: pick('retail', 'dealer'),
    priceIncludesTax: fc.boolean(),
    customerId: pick('c1', 'c2', 'c3'),
    headOfficeId: opt(pick('h1', 'h2')),
    customerGroup: opt(pick('dealer', 'retail')),
    region: opt(pick('east', 'west')),
    channel: opt(pick('online', 'shop')),
    departmentId: opt(pick('d1')),
    rates: fc.constant(new Map([['CNY', D('0.14')]])),
  },
  { requiredKeys: ['date', 'currency', 'priceListId', 'priceIncludesTax', 'rates'] },
);

/** A line of one of the products. */
export const lineArb: fc.Arbitrary<PricingLine> = fc
  .record({
    productId: pick('p1', 'p2', 'p3'),
    quantity: fc.integer({ min: 1, max: 30 }).map((q) => D(q)),
    unit: pick('EA', 'EA', 'BOX'),
    cost: opt(money(80).map((m) => Money.of(m, 'CNY'))),
    manualPrice: fc.option(money(150), { nil: undefined, freq: 6 }),
  })
  .map(({ productId, ...rest }) => {
    const p = PRODUCTS[productId as keyof typeof PRODUCTS];
    return {
      productId,
      productGroup: p.productGroup,
      brand: p.brand,
      stockUnit: 'EA',
      conversions: [{ from: 'BOX', to: 'EA', factor: D(12) }],
      taxRate: D('0.13'),
      ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
      quantity: rest.quantity,
      unit: rest.unit,
    } as PricingLine;
  });

/** 1–4 lines. */
export const linesArb = fc.array(lineArb, { minLength: 1, maxLength: 4 });
