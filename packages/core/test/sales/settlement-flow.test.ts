/**
 * Settlement plans in the order-to-cash flow, pure: milestone triggers (`installmentTrigger`,
 * `flowFacts`, `achieveByFlow` — idempotent, never touching achieved or command milestones),
 * the spread of an installment over order lines (`spreadOverLines` — Σ parts = the amount,
 * exactly), and the exposure an order keeps once installments billed money
 * (`orderBuckets`, `deliveredUnbilled`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  CustomerId,
  PriceListId,
  ProductId,
  SalesOrderId,
  ShipToId,
  TenantId,
  WarehouseId,
} from '../../src/kernel/brand';
import { Dec } from '../../src/money/decimal';
import { Money } from '../../src/money/money';
import { Quantity } from '../../src/money/quantity';
import type { SalesOrder, SalesOrderLine } from '../../src/sales/documents';
import {
  deliveredUnbilled,
  type NO_BUCKETS,
  orderBuckets,
  orderProgress,
} from '../../src/sales/ledger';
import {
  achieveByFlow,
  achieveInstallment,
  flowFacts,
  generateSettlementPlan,
  installmentsTotal,
  installmentTrigger,
  invoiceInstallment,
  type SettlementPlan,
  type SettlementRule,
  type SettlementTrigger,
  spreadOverLines,
} from '../../src/sales/settlement';
import { unitsToString } from '../money/arbitraries';

const AT = '2026-11-22T08:00:00.000Z';
const cny = (a: string | Dec) => Money.of(a, 'CNY');
const ZERO = new Dec(0);

function rule(milestone: string, share: string, trigger?: SettlementTrigger): SettlementRule {
  return {
    milestone,
    ...(trigger ? { trigger } : {}),
    share: new Dec(share),
    dueDays: milestone === 'acceptance' ? 30 : 0,
    minShare: null,
    maxShare: null,
  };
}

function plan(total: Money, rules: SettlementRule[]): SettlementPlan {
  const p = generateSettlementPlan(
    {
      id: 'SO-1',
      tenantId: 't1' as TenantId,
      orderId: 'SO-1',
      orderNumber: 'SO202611-00001',
      customerId: 'HQ',
      at: AT,
    },
    total,
    rules,
  );
  if (!p.ok) throw new Error(p.error.message);
  return p.value;
}

const contract = [rule('signing', '0.3'), rule('delivery', '0.6'), rule('acceptance', '0.1')];
const states = (p: SettlementPlan) => p.installments.map((i) => `${i.milestone} ${i.status}`);

/** An order line: `ordered` units at `price` net with VAT `rate`, and its ledger. */
function line(
  no: number,
  ordered: string,
  price: string,
  rate: string,
  delivered = '0',
): SalesOrderLine {
  const q = new Dec(ordered);
  const net = cny(new Dec(price).times(q)).round('half-up');
  const tax = net.multiply(rate).round('half-up');
  return {
    lineNo: no,
    productId: `P${no}` as ProductId,
    quantity: Quantity.of(q, 'EA'),
    stockQuantity: Quantity.of(q, 'EA'),
    unitPrice: cny(price),
    taxRate: new Dec(rate),
    net,
    tax,
    gross: net.add(tax),
    priceSource: { kind: 'price-list', priceListId: 'PL' },
    warehouseId: 'W' as WarehouseId,
    shipToId: 'S1' as ShipToId,
    delivered: new Dec(delivered),
    returned: ZERO,
    invoiced: ZERO,
    credited: ZERO,
  };
}

function order(
  lines: SalesOrderLine[],
  state = 'confirmed',
  installmentsBilled?: Money,
): SalesOrder {
  const sum = (f: (l: SalesOrderLine) => Money) => Money.sum(lines.map(f), 'CNY');
  return {
    id: 'SO-1' as SalesOrderId,
    tenantId: 't1' as TenantId,
    number: 'SO202611-00001',
    state,
    revision: 1,
    customerId: 'HQ' as CustomerId,
    billToId: 'HQ' as CustomerId,
    shipToId: 'S1' as ShipToId,
    warehouseId: 'W' as WarehouseId,
    priceListId: 'PL' as PriceListId,
    currency: 'CNY',
    priceIncludesTax: false,
    taxRounding: 'line',
    lines,
    net: sum((l) => l.net),
    tax: sum((l) => l.tax),
    gross: sum((l) => l.gross),
    billedGross: installmentsBilled ?? cny('0'),
    creditedGross: cny('0'),
    ...(installmentsBilled ? { installmentsBilled } : {}),
    paid: cny('0'),
    credit: { accountId: 'HQ', currency: 'CNY', minorUnits: 2, rate: new Dec(1) },
    creditDecision: null,
    creditHolds: [],
    reviews: [],
    approvals: [],
    customFields: {},
    validUntil: null,
    createdAt: AT,
    deliveryIds: [],
    invoiceIds: [],
  };
}

describe('settlement triggers — worked examples', () => {
  it('names a trigger by the milestone unless the rule gives one', () => {
    expect(installmentTrigger({ milestone: 'signing' })).toBe('signing');
    expect(installmentTrigger({ milestone: 'delivery' })).toBe('delivery');
    expect(installmentTrigger({ milestone: 'acceptance' })).toBe('command');
    expect(installmentTrigger({ milestone: 'handover', trigger: 'delivery' })).toBe('delivery');
    expect(installmentTrigger({ milestone: 'signing', trigger: 'command' })).toBe('command');
    expect(plan(cny('100.00'), contract).installments.map((i) => i.trigger)).toEqual([
      'signing',
      'delivery',
      'command',
    ]);
  });

  it('signs a confirmed or closed order; delivers when every line is delivered in full', () => {
    const part = [line(1, '10', '10.00', '0.13', '10'), line(2, '4', '2.50', '0.06', '3')];
    const full = [line(1, '10', '10.00', '0.13', '10'), line(2, '4', '2.50', '0.06', '4')];
    expect(flowFacts(order(part, 'draft'))).toEqual({ signed: false, delivered: false });
    expect(flowFacts(order(part, 'credit_hold'))).toEqual({ signed: false, delivered: false });
    expect(flowFacts(order(part))).toEqual({ signed: true, delivered: false });
    expect(flowFacts(order(full))).toEqual({ signed: true, delivered: true });
    expect(flowFacts(order(full, 'closed'))).toEqual({ signed: true, delivered: true });
  });

  it('achieves the reached milestones once, due after their days; command ones never', () => {
    const p = plan(cny('1130.00'), contract);
    const signed = achieveByFlow(p, { signed: true, delivered: false }, '2026-11-22', AT);
    expect(states(signed.plan)).toEqual(['signing due', 'delivery open', 'acceptance open']);
    expect(signed.plan.installments[0]).toMatchObject({
      achievedOn: '2026-11-22',
      dueDate: '2026-11-22',
    });
    expect(signed.events).toEqual([
      {
        kind: 'settlement-installment',
        id: 'SO-1/signing',
        number: 'SO202611-00001',
        from: 'open',
        event: 'achieve',
        to: 'due',
      },
    ]);
    // Again: nothing changes, not an error.
    const again = achieveByFlow(signed.plan, { signed: true, delivered: false }, '2026-11-23', AT);
    expect(again.plan).toBe(signed.plan);
    expect(again.events).toEqual([]);
    const invoiced = invoiceInstallment(signed.plan, 'signing', 'INV-1', AT);
    if (!invoiced.ok) throw new Error(invoiced.error.message);
    const all = achieveByFlow(
      invoiced.value.plan,
      { signed: true, delivered: true },
      '2026-12-01',
      AT,
    );
    expect(states(all.plan)).toEqual(['signing invoiced', 'delivery due', 'acceptance open']);
    expect(all.plan.installments[0]?.invoiceId).toBe('INV-1');
    expect(all.events.map((e) => e.id)).toEqual(['SO-1/delivery']);
  });

  it('spreads an installment over the lines by gross, VAT at each line’s ratio', () => {
    // 10 × 10.00 + 13 % = 113.00; 4 × 2.50 + 6 % = 10.60; 30 % of 123.60 = 37.08
    const lines = [line(1, '10', '10.00', '0.13'), line(2, '4', '2.50', '0.06')];
    const parts = spreadOverLines(cny('37.08'), lines);
    expect(
      parts.map((x) => [x.lineNo, x.net.toFixed(), x.tax.toFixed(), x.gross.toFixed()]),
    ).toEqual([
      [1, '30.00', '3.90', '33.90'],
      [2, '3.00', '0.18', '3.18'],
    ]);
    // One cent over three equal lines: cumulative rounding gives it to exactly one line.
    const three = [1, 2, 3].map((n) => line(n, '1', '1.00', '0'));
    expect(spreadOverLines(cny('0.01'), three).map((x) => x.gross.toFixed())).toEqual([
      '0.00',
      '0.01',
      '0.00',
    ]);
    expect(() => spreadOverLines(cny('1.00'), [line(1, '1', '0', '0')])).toThrow(
      /SPREAD_NO_WEIGHT|worth nothing/,
    );
  });

  it('takes installment money off the uninvoiced bucket first, then off open orders', () => {
    // 113.00 + 10.60 = 123.60; line 1 delivered in full (113.00 uninvoiced), line 2 open (10.60).
    const lines = [line(1, '10', '10.00', '0.13', '10'), line(2, '4', '2.50', '0.06')];
    const b = (billed?: string) => {
      const x = orderBuckets(order(lines, 'confirmed', billed ? cny(billed) : undefined));
      return [x.orders.toFixed(), x.uninvoiced.toFixed(), x.receivables.toFixed()];
    };
    expect(b()).toEqual(['10.6', '113', '0']);
    expect(b('37.08')).toEqual(['10.6', '75.92', '0']);
    expect(b('120.00')).toEqual(['3.6', '0', '0']);
    expect(b('123.60')).toEqual(['0', '0', '0']);
    // Held: open orders hold nothing; only delivered value is left to bill without new exposure.
    expect(orderBuckets(order(lines, 'credit_hold', cny('37.08'))).orders.toFixed()).toBe('0');
    expect(deliveredUnbilled(order(lines, 'credit_hold', cny('37.08'))).toFixed()).toBe('75.92');
    expect(deliveredUnbilled(order(lines, 'credit_hold', cny('120.00'))).toFixed()).toBe('0.00');
    expect(orderProgress(order(lines, 'confirmed', cny('37.08'))).billing).toBe('partial');
    expect(orderProgress(order(lines, 'confirmed', cny('123.60'))).billing).toBe('full');
  });
});

// ---- properties ----

/** Order lines with integral quantities, prices in cents and VAT rates from a fixed list. */
const linesArb: fc.Arbitrary<SalesOrderLine[]> = fc
  .array(
    fc.record({
      qty: fc.integer({ min: 1, max: 500 }),
      cents: fc.integer({ min: 0, max: 1_000_000 }),
      rate: fc.constantFrom('0', '0.06', '0.09', '0.13'),
      delivered: fc.integer({ min: 0, max: 100 }),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .map((ls) =>
    ls.map((l, i) =>
      line(
        i + 1,
        String(l.qty),
        unitsToString(BigInt(l.cents), 2),
        l.rate,
        String(Math.min(l.qty, Math.round((l.qty * l.delivered) / 100))),
      ),
    ),
  );

const grossOf = (ls: readonly SalesOrderLine[]) =>
  Money.sum(
    ls.map((l) => l.gross),
    'CNY',
  );

/** Lines and an amount from 0 to their gross, in cents. */
const spreadArb = linesArb.chain((ls) => {
  const whole = BigInt(grossOf(ls).amount.times(100).toFixed(0));
  return fc.tuple(
    fc.constant(ls),
    fc.bigInt({ min: 0n, max: whole }).map((u) => cny(unitsToString(u, 2))),
  );
});

describe('settlement flow — properties', () => {
  it('a spread adds up to the amount exactly; parts ≥ 0, net + VAT = gross, VAT ≤ gross', () => {
    fc.assert(
      fc.property(spreadArb, ([ls, amount]) => {
        if (grossOf(ls).isZero() && !amount.isZero()) return;
        const parts = spreadOverLines(amount, ls);
        expect(parts.map((x) => x.lineNo)).toEqual(ls.map((l) => l.lineNo));
        expect(
          Money.sum(
            parts.map((x) => x.gross),
            'CNY',
          ).equals(amount),
        ).toBe(true);
        for (const [k, x] of parts.entries()) {
          const l = ls[k] as SalesOrderLine;
          expect(x.gross.isNegative()).toBe(false);
          expect(x.tax.isNegative()).toBe(false);
          expect(x.net.add(x.tax).equals(x.gross)).toBe(true);
          expect(x.tax.lessThanOrEqual(x.gross)).toBe(true);
          if (l.gross.isZero()) expect(x.gross.isZero()).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('spreading the whole contract gives each line exactly its gross', () => {
    fc.assert(
      fc.property(linesArb, (ls) => {
        const parts = spreadOverLines(grossOf(ls), ls);
        for (const [k, x] of parts.entries())
          expect(x.gross.equals((ls[k] as SalesOrderLine).gross)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('a whole plan billed installment by installment bills each line exactly its gross and VAT', () => {
    // Cut points in cents split the contract into 1..5 installments, billed in turn.
    const arb = linesArb.chain((ls) => {
      const whole = BigInt(grossOf(ls).amount.times(100).toFixed(0));
      return fc.tuple(
        fc.constant(ls),
        fc.array(fc.bigInt({ min: 0n, max: whole }), { maxLength: 4 }).map((cuts) => {
          const points = [...cuts, whole].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          return points.map((p, i) => cny(unitsToString(p - (i === 0 ? 0n : points[i - 1]!), 2)));
        }),
      );
    });
    fc.assert(
      fc.property(arb, ([ls, installments]) => {
        let billed = cny('0');
        const gross = ls.map(() => cny('0'));
        const tax = ls.map(() => cny('0'));
        for (const amount of installments) {
          const parts = spreadOverLines(amount, ls, billed);
          expect(
            Money.sum(
              parts.map((x) => x.gross),
              'CNY',
            ).equals(amount),
          ).toBe(true);
          for (const [k, x] of parts.entries()) {
            expect(x.net.add(x.tax).equals(x.gross)).toBe(true);
            gross[k] = (gross[k] as Money).add(x.gross);
            tax[k] = (tax[k] as Money).add(x.tax);
          }
          billed = billed.add(amount);
        }
        for (const [k, l] of ls.entries()) {
          expect((gross[k] as Money).equals(l.gross)).toBe(true);
          expect((tax[k] as Money).equals(l.tax)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('achieveByFlow is idempotent and moves only open installments the flow reached', () => {
    const triggers = fc.constantFrom<SettlementTrigger>('signing', 'delivery', 'command');
    const arb = fc.record({
      triggers: fc.array(triggers, { minLength: 1, maxLength: 5 }),
      achieved: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
      facts: fc.record({ signed: fc.boolean(), delivered: fc.boolean() }),
    });
    fc.assert(
      fc.property(arb, ({ triggers: ts, achieved, facts }) => {
        const n = ts.length;
        const shares = ts.map((_, i) =>
          i < n - 1 ? new Dec(1).dividedBy(n).toDecimalPlaces(6, Dec.ROUND_DOWN) : ZERO,
        );
        const last = new Dec(1).minus(shares.reduce((a, x) => a.plus(x), ZERO));
        shares[n - 1] = last;
        let p = plan(
          cny('999.99'),
          ts.map((t, i) => ({
            milestone: `m${i}`,
            trigger: t,
            share: shares[i] as Dec,
            dueDays: i,
            minShare: null,
            maxShare: null,
          })),
        );
        // Some installments achieved by command beforehand.
        for (const [i] of ts.entries()) {
          if (!achieved[i]) continue;
          const r = achieveInstallment(p, `m${i}`, '2026-11-01', AT);
          if (!r.ok) throw new Error(r.error.message);
          p = r.value.plan;
        }
        const once = achieveByFlow(p, facts, '2026-11-22', AT);
        const twice = achieveByFlow(once.plan, facts, '2026-11-23', AT);
        expect(twice.plan).toBe(once.plan);
        expect(twice.events).toEqual([]);
        expect(installmentsTotal(once.plan).equals(p.total)).toBe(true);
        const moved: string[] = [];
        for (const [i, before] of p.installments.entries()) {
          const after = once.plan.installments[i];
          const reached =
            (before.trigger === 'signing' && facts.signed) ||
            (before.trigger === 'delivery' && facts.delivered);
          if (before.status === 'open' && reached) {
            expect(after).toMatchObject({ status: 'due', achievedOn: '2026-11-22' });
            moved.push(`${p.id}/${before.milestone}`);
          } else {
            expect(after).toBe(before);
          }
        }
        expect(once.events.map((e) => e.id)).toEqual(moved);
        if (moved.length === 0) expect(once.plan).toBe(p);
      }),
      { numRuns: 300 },
    );
  });

  it('installment money lowers the exposure by itself, never below zero, uninvoiced first', () => {
    const arb = linesArb.chain((ls) => {
      const whole = BigInt(grossOf(ls).amount.times(100).toFixed(0));
      return fc.tuple(
        fc.constant(ls),
        fc.bigInt({ min: 0n, max: whole }).map((u) => cny(unitsToString(u, 2))),
        fc.constantFrom('confirmed', 'credit_hold', 'closed'),
      );
    });
    fc.assert(
      fc.property(arb, ([ls, billed, state]) => {
        const plain = orderBuckets(order(ls, state));
        const zero = orderBuckets(order(ls, state, cny('0.00')));
        expect(zero).toEqual(plain);
        const b = orderBuckets(order(ls, state, billed));
        const total = (x: typeof NO_BUCKETS) => x.orders.plus(x.uninvoiced).plus(x.receivables);
        const expected = Dec.max(ZERO, total(plain).minus(billed.amount));
        expect(total(b).equals(expected)).toBe(true);
        expect(b.orders.isNegative() || b.uninvoiced.isNegative()).toBe(false);
        expect(b.receivables.isZero()).toBe(true);
        // Orders are only touched once the uninvoiced bucket is used up.
        if (b.orders.lessThan(plain.orders)) expect(b.uninvoiced.isZero()).toBe(true);
        expect(deliveredUnbilled(order(ls, state, billed)).amount.equals(b.uninvoiced)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
