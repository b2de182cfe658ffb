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
import { addDays, daysBetween } from '../../src/sales/dates';
import type { SalesOrder, SalesOrderLine } from '../../src/sales/documents';
import { orderStatus, shareOf } from '../../src/sales/ledger';
import {
  type ContractExecution,
  contractExecution,
  expiringContracts,
  isOpenContract,
} from '../../src/views/contracts';

const CNY = (x: string | Dec) => Money.of(x, 'CNY');
const ZERO = new Dec(0);
const BASE = '2026-11-22';

/** What happened to a line, as the ledger records it (line unit). */
interface LineSpec {
  readonly ordered: string;
  readonly unitPrice: string;
  readonly taxRate: string;
  readonly delivered?: string;
  readonly returned?: string;
  readonly invoiced?: string;
  readonly credited?: string;
}

function line(no: number, s: LineSpec): SalesOrderLine {
  const q = new Dec(s.ordered);
  const net = CNY(new Dec(s.unitPrice).times(q)).round('half-up');
  const tax = net.multiply(s.taxRate).round('half-up');
  return {
    lineNo: no,
    productId: `P${no}` as ProductId,
    quantity: Quantity.of(q, 'EA'),
    stockQuantity: Quantity.of(q, 'EA'),
    unitPrice: CNY(s.unitPrice),
    taxRate: new Dec(s.taxRate),
    net,
    tax,
    gross: net.add(tax),
    priceSource: { kind: 'price-list', priceListId: 'PL' },
    warehouseId: 'W' as WarehouseId,
    shipToId: 'S1' as ShipToId,
    delivered: new Dec(s.delivered ?? 0),
    returned: new Dec(s.returned ?? 0),
    invoiced: new Dec(s.invoiced ?? 0),
    credited: new Dec(s.credited ?? 0),
  };
}

/** The gross invoice lines billing `qty` units of a line in one go carry (net and VAT rounded apart). */
const billedOf = (l: SalesOrderLine, qty: Dec) =>
  shareOf(l.net, l.quantity.value, ZERO, qty).add(shareOf(l.tax, l.quantity.value, ZERO, qty));

interface OrderSpec {
  readonly id?: string;
  readonly number?: string;
  readonly state?: string;
  readonly lines: readonly SalesOrderLine[];
  /** Paid; default 0. */
  readonly paid?: string;
  readonly validUntil?: string | null;
  readonly customerId?: string;
}

function order(s: OrderSpec): SalesOrder {
  const sum = (f: (l: SalesOrderLine) => Money) => Money.sum(s.lines.map(f), 'CNY');
  const id = s.id ?? 'O1';
  return {
    id: id as SalesOrderId,
    tenantId: 'T' as TenantId,
    number: s.number ?? `SO-${id}`,
    state: s.state ?? 'confirmed',
    revision: 1,
    customerId: (s.customerId ?? 'C') as CustomerId,
    billToId: 'HQ' as CustomerId,
    shipToId: 'S1' as ShipToId,
    warehouseId: 'W' as WarehouseId,
    priceListId: 'PL' as PriceListId,
    currency: 'CNY',
    priceIncludesTax: false,
    taxRounding: 'line',
    lines: s.lines,
    net: sum((l) => l.net),
    tax: sum((l) => l.tax),
    gross: sum((l) => l.gross),
    billedGross: sum((l) => billedOf(l, l.invoiced)),
    creditedGross: sum((l) => billedOf(l, l.credited)),
    paid: CNY(s.paid ?? '0'),
    credit: null,
    creditDecision: null,
    creditHolds: [],
    reviews: [],
    approvals: [],
    customFields: {},
    validUntil: s.validUntil ?? null,
    createdAt: '2026-01-01T00:00:00.000Z',
    deliveryIds: [],
    invoiceIds: [],
  };
}

const fx = (m: Money) => m.toFixed();
const pct = (x: Dec | null) => (x === null ? null : x.toFixed());

// ---- arbitraries ----

/** A fraction p/100 of x, to two decimals rounded down (so never more than x). */
const part = (x: Dec, p: number) => x.times(p).dividedBy(100).toDecimalPlaces(2, Dec.ROUND_DOWN);

const lineArb = fc
  .record({
    ordered: fc.oneof(
      fc.integer({ min: 1, max: 60 }).map(String),
      fc.integer({ min: 1, max: 6000 }).map((c) => new Dec(c).dividedBy(100).toFixed()),
    ),
    priceCents: fc.integer({ min: 0, max: 500_000 }),
    taxRate: fc.constantFrom('0', '0.06', '0.13'),
    deliveredPct: fc.integer({ min: 0, max: 100 }),
    over: fc.boolean(), // over-delivery within a tolerance (up to 10 % more)
    returnedPct: fc.integer({ min: 0, max: 100 }),
    byOrder: fc.boolean(), // invoice policy `order`: may bill ahead of delivery
    invoicedPct: fc.integer({ min: 0, max: 100 }),
    creditedPct: fc.integer({ min: 0, max: 100 }),
  })
  .map((g) => {
    const ordered = new Dec(g.ordered);
    const delivered =
      g.over && g.deliveredPct === 100
        ? ordered.plus(part(ordered, 10))
        : part(ordered, g.deliveredPct);
    const returned = part(delivered, g.returnedPct);
    const billable = g.byOrder
      ? Dec.max(ordered, delivered.minus(returned))
      : delivered.minus(returned);
    const netInvoiced = part(billable, g.invoicedPct);
    const credited = part(netInvoiced, g.creditedPct);
    return {
      ordered: g.ordered,
      unitPrice: new Dec(g.priceCents).dividedBy(100).toFixed(),
      taxRate: g.taxRate,
      delivered: delivered.toFixed(),
      returned: returned.toFixed(),
      invoiced: netInvoiced.plus(credited).toFixed(),
      credited: credited.toFixed(),
    } satisfies LineSpec;
  });

/** Delivered, billed and paid in full (confirmed: `completed`). */
const doneLine = (s: LineSpec): LineSpec => ({
  ...s,
  delivered: s.ordered,
  returned: '0',
  invoiced: s.ordered,
  credited: '0',
});

const STATES = ['draft', 'credit_hold', 'confirmed', 'closed', 'cancelled', 'in_review'] as const;

const orderArb = fc
  .record({
    lines: fc.array(lineArb, { minLength: 1, maxLength: 5 }),
    state: fc.constantFrom(...STATES),
    done: fc.boolean(),
    paidPct: fc.integer({ min: 0, max: 110 }),
    // money billed by settlement-plan installments (a share of the contract), in some runs
    installmentPct: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  })
  .map((g) => {
    const byPlan = g.installmentPct !== undefined && !g.done;
    // an order billed by its settlement plan bills money only: no line quantity is invoiced
    const spec = (s: LineSpec) =>
      g.done ? doneLine(s) : byPlan ? { ...s, invoiced: '0', credited: '0' } : s;
    const lines = g.lines.map((s, i) => line(i + 1, spec(s)));
    const plain = order({ state: g.state, lines });
    const installments = byPlan
      ? plain.gross
          .multiply(g.installmentPct ?? 0)
          .divide(100)
          .round('down')
      : undefined;
    const o: SalesOrder =
      installments === undefined
        ? plain
        : {
            ...plain,
            installmentsBilled: installments,
            billedGross: plain.billedGross.add(installments),
          };
    const billed = o.billedGross.subtract(o.creditedGross);
    const paid = g.done ? billed : billed.multiply(g.paidPct).divide(100).round('down');
    return { ...o, paid: Money.max(Money.zero('CNY'), paid) };
  });

describe('contractExecution', () => {
  it('works a contract out: partial delivery with a return, partial invoice with a credit note, part paid', () => {
    const o = order({
      lines: [
        // 10 × 10.00 + 13 %: 11.30 a unit; 6 delivered, 1 returned; 4 invoiced, 1 credited
        line(1, {
          ordered: '10',
          unitPrice: '10.00',
          taxRate: '0.13',
          delivered: '6',
          returned: '1',
          invoiced: '4',
          credited: '1',
        }),
        // 3 × 2.50 + 6 %: 2.65 a unit; nothing done yet
        line(2, { ordered: '3', unitPrice: '2.50', taxRate: '0.06' }),
      ],
      paid: '20.00',
      validUntil: '2026-12-31',
    });
    const x = contractExecution(o);
    const lineOf = (l: ContractExecution['lines'][number]) => [
      l.lineNo,
      [l.ordered, l.delivered, l.returned, l.invoiced, l.credited, l.toDeliver, l.uninvoiced].map(
        (q) => q.toFixed(),
      ),
      [l.value, l.deliveredValue, l.invoicedValue, l.toInvoiceValue, l.uninvoicedValue].map(fx),
      [pct(l.deliveredPercent), pct(l.invoicedPercent)],
    ];
    expect(x.lines.map(lineOf)).toEqual([
      [
        1,
        ['10', '5', '1', '3', '1', '4', '2'],
        ['113.00', '56.50', '33.90', '79.10', '22.60'],
        ['50', '30'],
      ],
      [
        2,
        ['3', '0', '0', '0', '0', '3', '0'],
        ['7.95', '0.00', '0.00', '7.95', '0.00'],
        ['0', '0'],
      ],
    ]);
    const t = x.totals;
    expect([
      t.currency,
      fx(t.value),
      fx(t.deliveredValue),
      fx(t.invoicedValue),
      fx(t.toInvoiceValue),
      fx(t.uninvoicedValue),
      fx(t.billed),
      fx(t.collected),
      fx(t.toCollect),
      pct(t.deliveredPercent),
      pct(t.invoicedPercent),
      pct(t.collectedPercent),
    ]).toEqual([
      'CNY',
      '120.95',
      '56.50',
      '33.90',
      '87.05',
      '22.60',
      '33.90', // 45.20 billed − 11.30 credited
      '20.00',
      '13.90',
      '46.71', // 56.50 / 120.95 = 46.713…%, rounded down
      '28.02', // 33.90 / 120.95 = 28.028…%
      '58.99', // 20.00 / 33.90 = 58.997…%: not 59.00, rounded down
    ]);
    expect([x.orderId, x.number, x.status, x.validUntil, x.customerId, x.billToId]).toEqual([
      'O1',
      'SO-O1',
      'partially_delivered',
      '2026-12-31',
      'C',
      'HQ',
    ]);
  });

  it('collects 100 % only when paid in full; an overpayment after a credit note leaves nothing to collect', () => {
    const l = line(1, {
      ordered: '3',
      unitPrice: '1.00',
      taxRate: '0',
      delivered: '3',
      invoiced: '3',
    });
    const almost = contractExecution(order({ lines: [l], paid: '2.99' })).totals;
    expect([fx(almost.toCollect), pct(almost.collectedPercent)]).toEqual(['0.01', '99.66']);
    const all = contractExecution(order({ lines: [l], paid: '3.00' }));
    expect([fx(all.totals.toCollect), pct(all.totals.collectedPercent), all.status]).toEqual([
      '0.00',
      '100',
      'completed',
    ]);
    const credited = line(1, {
      ordered: '3',
      unitPrice: '1.00',
      taxRate: '0',
      delivered: '3',
      returned: '1',
      invoiced: '3',
      credited: '1',
    });
    const over = contractExecution(order({ lines: [credited], paid: '3.00' })).totals;
    expect([
      fx(over.billed),
      fx(over.collected),
      fx(over.toCollect),
      pct(over.collectedPercent),
    ]).toEqual(['2.00', '3.00', '0.00', '150']);
    // nothing billed yet: no collection percentage; a free line: no value percentages
    const free = contractExecution(
      order({
        lines: [line(1, { ordered: '2', unitPrice: '0', taxRate: '0.13', delivered: '2' })],
      }),
    ).totals;
    expect([
      pct(free.deliveredPercent),
      pct(free.invoicedPercent),
      pct(free.collectedPercent),
    ]).toEqual([null, null, null]);
  });

  it('counts money billed by settlement-plan installments as invoiced, though no quantity moved', () => {
    const plain = order({
      lines: [line(1, { ordered: '10', unitPrice: '10.00', taxRate: '0.13', delivered: '2' })],
    });
    // a 30 % advance invoice: 33.90 billed by the plan, 20.00 of it paid
    const advance = CNY('33.90');
    const x = contractExecution({
      ...plain,
      installmentsBilled: advance,
      billedGross: advance,
      paid: CNY('20.00'),
    }).totals;
    expect([
      fx(x.installmentsBilled),
      fx(x.invoicedValue),
      fx(x.toInvoiceValue),
      fx(x.billed),
      fx(x.toCollect),
      pct(x.invoicedPercent),
    ]).toEqual(['33.90', '33.90', '79.10', '33.90', '13.90', '30']);
    expect(contractExecution(plain).totals.installmentsBilled.isZero()).toBe(true);
  });

  it('laws: totals = Σ lines, outstanding = value − invoiced, 0 ≤ invoiced ≤ value, quantities from the ledger', () => {
    fc.assert(
      fc.property(orderArb, (o) => {
        const x = contractExecution(o);
        const t = x.totals;
        const sum = (f: (l: ContractExecution['lines'][number]) => Money) =>
          fx(Money.sum(x.lines.map(f), 'CNY'));
        // totals = Σ lines (invoiced: plus what installments billed, which moves no quantity)
        const byPlan = o.installmentsBilled ?? Money.zero('CNY');
        expect(fx(t.installmentsBilled)).toBe(fx(byPlan));
        expect(fx(t.value)).toBe(sum((l) => l.value));
        expect(fx(t.value)).toBe(fx(o.gross));
        expect(fx(t.deliveredValue)).toBe(sum((l) => l.deliveredValue));
        expect(fx(t.invoicedValue)).toBe(fx(CNY(sum((l) => l.invoicedValue)).add(byPlan)));
        expect(fx(t.toInvoiceValue)).toBe(fx(CNY(sum((l) => l.toInvoiceValue)).subtract(byPlan)));
        const unbilled = CNY(sum((l) => l.uninvoicedValue)).subtract(byPlan);
        expect(fx(t.uninvoicedValue)).toBe(
          fx(unbilled.isNegative() ? Money.zero('CNY') : unbilled),
        );
        // outstanding to invoice = value − invoiced, per line and in total
        expect(fx(t.toInvoiceValue)).toBe(fx(t.value.subtract(t.invoicedValue)));
        for (const [i, l] of x.lines.entries()) {
          const src = o.lines[i] as SalesOrderLine;
          expect(fx(l.toInvoiceValue)).toBe(fx(l.value.subtract(l.invoicedValue)));
          // the ledger's figures
          expect(l.delivered.toFixed()).toBe(src.delivered.minus(src.returned).toFixed());
          expect(l.invoiced.toFixed()).toBe(src.invoiced.minus(src.credited).toFixed());
          expect(l.uninvoiced.toFixed()).toBe(
            Dec.max(ZERO, l.delivered.minus(l.invoiced)).toFixed(),
          );
          // 0 ≤ invoiced; 0 ≤ values; within the contract unless over-delivered
          expect(l.invoiced.isNegative()).toBe(false);
          for (const m of [l.deliveredValue, l.invoicedValue, l.uninvoicedValue])
            expect(m.isNegative()).toBe(false);
          expect(l.uninvoicedValue.lessThanOrEqual(l.deliveredValue)).toBe(true);
          if (l.invoiced.lessThanOrEqualTo(l.ordered)) {
            expect(l.invoicedValue.lessThanOrEqual(l.value)).toBe(true);
            expect(l.toInvoiceValue.isNegative()).toBe(false);
            // 100 % exactly when all of it is invoiced
            expect(l.invoicedPercent?.equals(100)).toBe(l.invoiced.equals(l.ordered));
            expect(l.invoicedPercent?.lessThanOrEqualTo(100)).toBe(true);
          }
          if (l.invoiced.equals(l.ordered)) expect(fx(l.invoicedValue)).toBe(fx(l.value));
          if (l.invoiced.isZero()) expect(fx(l.invoicedValue)).toBe('0.00');
        }
        // collection against what the documents billed
        expect(fx(t.billed)).toBe(fx(o.billedGross.subtract(o.creditedGross)));
        expect(fx(t.collected)).toBe(fx(o.paid));
        expect(fx(t.toCollect)).toBe(
          fx(Money.max(Money.zero('CNY'), t.billed.subtract(t.collected))),
        );
        expect(t.toCollect.isNegative()).toBe(false);
        expect(t.collected.add(t.toCollect).greaterThanOrEqual(t.billed)).toBe(true);
        if (t.billed.isPositive())
          expect(t.collectedPercent?.equals(100) ?? false).toBe(t.collected.equals(t.billed));
        // a completed contract has nothing outstanding
        if (orderStatus(o) === 'completed') {
          expect(fx(t.toInvoiceValue)).toBe('0.00');
          expect(fx(t.toCollect)).toBe('0.00');
        }
        // billed is the documents' figure: equal to the contract valuation when every line is
        // invoiced in full or not at all, and no credit notes were issued
        const allOrNothing =
          byPlan.isZero() &&
          o.lines.every(
            (l) =>
              l.credited.isZero() && (l.invoiced.isZero() || l.invoiced.equals(l.quantity.value)),
          );
        if (allOrNothing) expect(fx(t.billed)).toBe(fx(t.invoicedValue));
      }),
      { numRuns: 400 },
    );
  });
});

describe('expiringContracts', () => {
  const c = (id: string, validUntil: string | null, extra: Partial<OrderSpec> = {}) =>
    order({
      id,
      number: `SO-${id}`,
      validUntil,
      lines: [line(1, { ordered: '2', unitPrice: '10.00', taxRate: '0.13', delivered: '1' })],
      ...extra,
    });

  it('lists open contracts ending within the window, and those already expired, flagged; closed, cancelled and completed ones never', () => {
    const done = line(1, {
      ordered: '1',
      unitPrice: '1.00',
      taxRate: '0',
      delivered: '1',
      invoiced: '1',
    });
    const orders = [
      c('A', '2026-12-22'), // last day of the window: 30 days left
      c('B', '2026-12-23'), // one day beyond
      c('C', BASE), // ends today: 0 days left, still in force
      c('D', '2026-11-21'), // ended yesterday
      c('E', '2026-01-01', { state: 'draft' }), // a stale draft: open, expired
      c('F', '2026-11-30', { state: 'closed' }),
      c('G', '2026-11-30', { state: 'cancelled' }),
      c('H', '2026-11-30', { lines: [done], paid: '1.00' }), // completed
      c('I', null), // no term
      c('J', '2026-11-30', { state: 'credit_hold', number: 'SO-A0' }), // same day as K: by number
      c('K', '2026-11-30', { lines: [done] }), // delivered and billed, not paid: open
    ];
    expect(isOpenContract(orders[7] as SalesOrder)).toBe(false);
    const r = expiringContracts(orders, BASE, 30);
    expect(r.through).toBe('2026-12-22');
    expect(r.asOf).toBe(BASE);
    expect(
      r.contracts.map((x) => [x.orderId, x.validUntil, x.daysLeft, x.expired, x.status]),
    ).toEqual([
      ['E', '2026-01-01', -325, true, 'draft'],
      ['D', '2026-11-21', -1, true, 'partially_delivered'],
      ['C', '2026-11-22', 0, false, 'partially_delivered'],
      ['J', '2026-11-30', 8, false, 'credit_hold'],
      ['K', '2026-11-30', 8, false, 'to_collect'],
      ['A', '2026-12-22', 30, false, 'partially_delivered'],
    ]);
    const k = r.contracts.find((x) => x.orderId === 'K');
    expect([k && fx(k.execution.toInvoiceValue), k && fx(k.execution.toCollect)]).toEqual([
      '0.00',
      '1.00',
    ]);
    // a zero-day window: ending today, and the expired ones
    expect(expiringContracts(orders, BASE, 0).contracts.map((x) => x.orderId)).toEqual([
      'E',
      'D',
      'C',
    ]);
    expect(expiringContracts([], BASE, 30).contracts).toEqual([]);
  });

  it('refuses a bad day or window (programmer errors)', () => {
    expect(() => expiringContracts([], '2026-02-30', 1)).toThrow(/INVALID_DATE|not a YYYY-MM-DD/);
    expect(() => expiringContracts([], BASE, -1)).toThrow(/withinDays/);
    expect(() => expiringContracts([], BASE, 1.5)).toThrow(/withinDays/);
    expect(() => expiringContracts([c('X', '2026-13-01')], BASE, 1)).toThrow(/not a YYYY-MM-DD/);
  });

  const contractArb = fc.record({
    end: fc.option(fc.integer({ min: -60, max: 60 }), { nil: null }),
    state: fc.constantFrom(...STATES),
    done: fc.boolean(),
    number: fc.integer({ min: 1, max: 20 }), // duplicates: ties broken by number then id
  });
  const contractsArb = fc.array(contractArb, { maxLength: 25 }).map((xs) =>
    xs.map((x, i) => {
      const l = line(1, {
        ordered: '2',
        unitPrice: '1.00',
        taxRate: '0',
        ...(x.done ? { delivered: '2', invoiced: '2' } : { delivered: '1' }),
      });
      return order({
        id: `O${String(i).padStart(2, '0')}`,
        number: `SO-${String(x.number).padStart(2, '0')}`,
        state: x.state,
        validUntil: x.end === null ? null : addDays(BASE, x.end),
        lines: [l],
        paid: x.done ? '2.00' : '0',
      });
    }),
  );

  it('laws: ⊆ input, exactly the open ones ending by asOf + withinDays, sorted, days left, expired iff past', () => {
    fc.assert(
      fc.property(
        contractsArb,
        fc.integer({ min: -30, max: 30 }),
        fc.integer({ min: 0, max: 40 }),
        (orders, shift, within) => {
          const asOf = addDays(BASE, shift);
          const r = expiringContracts(orders, asOf, within);
          const through = addDays(asOf, within);
          expect(r.through).toBe(through);
          const ids = r.contracts.map((x) => x.orderId);
          expect(new Set(ids).size).toBe(ids.length);
          const byId = new Map(orders.map((o) => [o.id as string, o]));
          for (const x of r.contracts) {
            const o = byId.get(x.orderId);
            expect(o).toBeDefined(); // ⊆ input
            expect(x.validUntil).toBe(o?.validUntil);
            expect(x.validUntil <= through).toBe(true); // within the window (or before it)
            expect(x.daysLeft).toBe(daysBetween(asOf, x.validUntil));
            expect(x.expired).toBe(x.validUntil < asOf);
            expect(x.daysLeft <= within).toBe(true);
            expect(['closed', 'cancelled'].includes(x.state)).toBe(false);
            expect(x.status).not.toBe('completed');
          }
          // complete: every open contract ending by `through` is listed
          const expected = orders
            .filter(
              (o) =>
                o.validUntil !== null &&
                o.validUntil <= through &&
                !['closed', 'cancelled'].includes(o.state) &&
                orderStatus(o) !== 'completed',
            )
            .map((o) => o.id as string)
            .sort();
          expect([...ids].sort()).toEqual(expected);
          // sorted by validUntil, then number, then id
          for (let i = 1; i < r.contracts.length; i++) {
            const a = r.contracts[i - 1] as (typeof r.contracts)[number];
            const b = r.contracts[i] as (typeof r.contracts)[number];
            const ka = `${a.validUntil}|${a.number}|${a.orderId}`;
            const kb = `${b.validUntil}|${b.number}|${b.orderId}`;
            expect(ka < kb).toBe(true);
          }
          // a wider window lists a superset
          const wider = expiringContracts(orders, asOf, within + 5).contracts.map((x) => x.orderId);
          for (const id of ids) expect(wider).toContain(id);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a contract moves from expiring to expired exactly when asOf passes validUntil', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -400, max: 400 }),
        fc.integer({ min: -5, max: 5 }),
        fc.integer({ min: 0, max: 10 }),
        (end, shift, within) => {
          const validUntil = addDays(BASE, end);
          const o = c('X', validUntil);
          const asOf = addDays(validUntil, shift);
          const [x] = expiringContracts([o], asOf, within).contracts;
          if (shift > 0) expect([x?.expired, x?.daysLeft]).toEqual([true, -shift]);
          else if (-shift <= within) expect([x?.expired, x?.daysLeft]).toEqual([false, 0 - shift]);
          else expect(x).toBeUndefined();
          // the day it flips: the last day it is expiring is validUntil itself
          const onLastDay = expiringContracts([o], validUntil, within).contracts[0];
          const dayAfter = expiringContracts([o], addDays(validUntil, 1), within).contracts[0];
          expect([onLastDay?.expired, onLastDay?.daysLeft]).toEqual([false, 0]);
          expect([dayAfter?.expired, dayAfter?.daysLeft]).toEqual([true, -1]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
