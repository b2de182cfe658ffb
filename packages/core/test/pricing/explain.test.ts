/**
 * Worked examples: `explain()` lists every candidate with a typed reason, the waterfall, and
 * "buy N more to reach the next break"; `lint()` reports overlaps before they go live.
 */
import { describe, expect, it } from 'vitest';
import { unwrap } from '../../src/kernel/result';
import { Money } from '../../src/money/money';
import { exclusiveOverlap, explain, lint, marginPercent, resolveLine } from '../../src/pricing';
import { book, ctx, D, data, line, list, rule } from './fixtures';

const retail = list('retail', [['p1', 'EA', '100.00']]);
const g = { id: 'g', name: 'g', policy: 'exclusive' as const, sequence: 10 };
const fixed = (v: number) => ({ type: 'fixed-price' as const, value: D(v) });

describe('explain()', () => {
  const rules = [
    rule({
      id: 'winner',
      groupId: 'g',
      scope: { customerId: 'c1' },
      priority: 5,
      effect: fixed(90),
    }),
    rule({
      id: 'lower-priority',
      groupId: 'g',
      scope: { customerId: 'c1' },
      priority: 1,
      effect: fixed(80),
    }),
    rule({ id: 'less-specific', groupId: 'g', effect: fixed(70) }),
    rule({ id: 'expired', groupId: 'g', validTo: '2026-01-01', effect: fixed(60) }),
    rule({ id: 'usd', groupId: 'g', currency: 'USD', effect: fixed(10) }),
    rule({ id: 'per-kg', groupId: 'g', unit: 'KG', effect: fixed(10) }),
    rule({ id: 'markup', groupId: 'g', effect: { type: 'markup-on-cost', value: D(10) } }),
    rule({
      id: 'other-customer',
      groupId: 'g',
      scope: { customerId: 'c2', productId: 'p1' },
      effect: fixed(50),
    }),
    rule({
      id: 'volume',
      groupId: 'g',
      effect: { type: 'discount-percent', tiers: [{ from: D(10), value: D(5) }] },
    }),
    rule({
      id: 'west-only',
      groupId: 'g',
      scope: { customerId: 'c1', region: 'west' },
      effect: fixed(40),
    }),
  ];
  const b = book({ priceLists: [retail], groups: [g], rules });

  it('gives every candidate a typed reason, and its winner is the applied price', () => {
    const e = explain(b, ctx({ region: 'east' }), [line({ quantity: D(6) })]);
    const reasons = Object.fromEntries(
      e.candidates.map((c) => [c.ruleId, c.status === 'applied' ? 'applied' : c.reason?.code]),
    );
    expect(reasons).toEqual({
      winner: 'applied',
      'lower-priority': 'priority',
      'less-specific': 'policy',
      expired: 'date',
      usd: 'currency',
      'per-kg': 'unit',
      markup: 'cost',
      volume: 'quantity',
      'west-only': 'scope',
      'other-customer': 'scope',
    });
    expect(e.winners).toEqual(['winner']);
    const resolved = unwrap(resolveLine(b, ctx({ region: 'east' }), line({ quantity: D(6) })));
    expect(unwrap(e.result).unitPrice.equals(resolved.unitPrice)).toBe(true);
    expect(e.steps.at(-1)?.price.toString()).toBe('90');
    expect(e.steps.every((s) => s.note !== undefined)).toBe(true);
    expect(e.candidates.find((c) => c.ruleId === 'volume')?.reason?.message).toBe(
      'needs 10 EA, has 6 EA',
    );
  });

  it('says how many more to order to reach the next break', () => {
    const tiered = rule({
      id: 'tiers',
      groupId: 'g',
      effect: {
        type: 'fixed-price',
        tiers: [
          { from: D(1), value: D(95) },
          { from: D(10), value: D(90) },
        ],
      },
    });
    const free = rule({
      id: 'b3g1',
      groupId: 'promo',
      effect: { type: 'free-goods', buy: D(3), get: D(1) },
    });
    const promo = { id: 'promo', name: 'promo', policy: 'additive' as const, sequence: 20 };
    const e = explain(
      book({ priceLists: [retail], groups: [g, promo], rules: [tiered, free] }),
      ctx(),
      [line({ quantity: D(7) })],
    );
    expect(
      e.nextBreaks.map((n) => [n.ruleId, n.more.toString(), n.at.toString(), n.value.toString()]),
    ).toEqual([
      ['tiers', '3', '10', '90'],
      ['b3g1', '2', '9', '3'],
    ]);
    expect(e.freeGoods.map((f) => f.quantity.toString())).toEqual(['2']);
  });

  it('explains a failure too', () => {
    const e = explain(book({ priceLists: [list('retail', [])] }), ctx(), [line()]);
    expect(!e.result.ok && e.result.error.code).toBe('PRICE_NOT_FOUND');
    expect(e.winners).toEqual([]);
  });

  it('shows margin and cost in the result', () => {
    const e = explain(b, ctx(), [line({ cost: Money.of('60.00', 'CNY') })]);
    expect(marginPercent(unwrap(e.result))?.toString()).toBe('33.33');
  });
});

describe('lint()', () => {
  it('reports overlaps: an error in an exclusive group, a warning in an additive one', () => {
    const add = { id: 'add', name: 'add', policy: 'additive' as const, sequence: 20 };
    const findings = lint(
      data({
        groups: [g, add],
        rules: [
          rule({
            id: 'a',
            groupId: 'g',
            scope: { customerId: 'c1' },
            validTo: '2026-06-30',
            effect: fixed(1),
          }),
          rule({
            id: 'b',
            groupId: 'g',
            scope: { customerId: 'c1' },
            validFrom: '2026-06-30',
            effect: fixed(2),
          }),
          rule({
            id: 'c',
            groupId: 'g',
            scope: { customerId: 'c1' },
            validFrom: '2026-07-01',
            priority: 0,
            effect: fixed(3),
          }),
          rule({
            id: 'd',
            groupId: 'g',
            scope: { customerId: 'c1' },
            priority: 1,
            effect: fixed(3),
          }),
          rule({ id: 'x', groupId: 'add', effect: fixed(1) }),
          rule({ id: 'y', groupId: 'add', effect: fixed(1) }),
          rule({ id: 'z', groupId: 'nope', effect: fixed(1) }),
        ],
      }),
      { date: '2026-11-22' },
    );
    expect(findings.map((f) => [f.code, f.severity, f.ids.join('+')])).toEqual([
      ['EXPIRED', 'warning', 'a'],
      ['OVERLAP', 'error', 'a+b'],
      ['OVERLAP', 'error', 'b+c'],
      ['OVERLAP', 'warning', 'x+y'],
      ['UNKNOWN_GROUP', 'error', 'z'],
    ]);
  });

  it('reports derivation cycles and self-containing bundles once', () => {
    const a = { ...list('a', []), basedOn: { priceListId: 'b', percent: D(0) } };
    const b2 = { ...list('b', []), basedOn: { priceListId: 'a', percent: D(0) } };
    const findings = lint(
      data({
        priceLists: [a, b2],
        bundles: [
          {
            id: 'kit',
            name: 'kit',
            currency: 'CNY',
            priceIncludesTax: false,
            price: D(1),
            components: [{ productId: 'kit', quantity: D(1), unit: 'EA' }],
            active: true,
          },
        ],
      }),
    );
    expect(findings.map((f) => [f.code, f.ids.join('+')])).toEqual([
      ['BUNDLE_CYCLE', 'kit'],
      ['DERIVATION_CYCLE', 'a+b'],
    ]);
  });

  it('exclusiveOverlap finds the rule a save would overlap, in a book of any size', () => {
    const bk = book({
      groups: [g],
      rules: [
        rule({
          id: 'a',
          groupId: 'g',
          scope: { customerId: 'c1', productId: 'p1' },
          effect: fixed(1),
        }),
      ],
    });
    const clash = rule({
      id: 'b',
      groupId: 'g',
      scope: { productId: 'p1', customerId: 'c1' },
      effect: fixed(2),
    });
    expect(exclusiveOverlap(bk, clash)).toMatchObject({
      code: 'PRICING_OVERLAP',
      otherRuleId: 'a',
      field: 'validFrom',
    });
    expect(exclusiveOverlap(bk, { ...clash, priority: 1 })).toBeUndefined();
    expect(exclusiveOverlap(bk, { ...clash, id: 'a' })).toBeUndefined();
    expect(exclusiveOverlap(bk, { ...clash, scope: { customerId: 'c1' } })).toBeUndefined();
  });
});
