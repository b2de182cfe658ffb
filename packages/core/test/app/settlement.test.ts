/**
 * Settlement plans (结算计划) on the memory store: generated from contract rules for a sales
 * order, adjusted within bounds, milestones achieved, rescaled when the order is amended
 * (`onOrderAmended`) — and bad input that changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../../adapters-memory/src';
import { fingerprint, peek, seedSlice, tradecoreFor } from '../../../testkit/src';
import { DEFAULT_ACCOUNTS } from '../../src/accounting/voucher';
import { onOrderAmended } from '../../src/app/settlement';
import { UnitOfWork } from '../../src/app/unit-of-work';
import type { DomainEvent } from '../../src/events';
import type { TenantId } from '../../src/kernel/brand';
import { FixedClock, SequentialIds } from '../../src/kernel/clock';
import { unwrap } from '../../src/kernel/result';
import { Money } from '../../src/money/money';
import type { StorePort } from '../../src/ports/store';
import type { SettlementPlan } from '../../src/sales/settlement';

const T = 't1';
const NOW = '2026-11-22T08:00:00.000Z';

const rules = [
  { milestone: 'signing', share: '0.3' },
  { milestone: 'delivery', share: '0.6', minShare: '0.5', maxShare: '0.7' },
  { milestone: 'acceptance', share: '0.1', dueDays: 30, minShare: '0.05', maxShare: '0.15' },
];

async function setup() {
  const store = await createMemoryStore();
  const clock = new FixedClock(NOW);
  const tc = tradecoreFor(store, T, { clock });
  await seedSlice(tc, T, { limit: '100000.00', stock: { P1: 1000, P2: 1000 } });
  // 100 × P1 at 10.00 + 13 % = 1130.00
  const order = unwrap(
    await tc.draftSalesOrder(T, {
      customerId: 'SUB',
      warehouseId: 'W',
      priceListId: 'PL',
      lines: [{ productId: 'P1', quantity: '100' }],
    }),
  );
  const events: DomainEvent[] = [];
  tc.events.on('*', (_type, e) => events.push(e as DomainEvent));
  return { store, tc, clock, order, events };
}

async function snapshot(store: StorePort) {
  const base = await fingerprint(store, T as TenantId);
  const plans = await peek<string>(store, T as TenantId, async (tx) =>
    JSON.stringify(
      (await tx.records.find({ kind: 'settlement-plan' })).map((r) => [r.id, r.version, r.data]),
    ),
  );
  return `${base}|${plans}`;
}

const amounts = (p: SettlementPlan | undefined) =>
  p?.installments.map((i) => `${i.milestone} ${i.amount.toFixed()} ${i.status}`);

/** Runs `work` in a committed transaction with a unit of work, as an amendment use case would. */
async function inUnitOfWork<T>(store: StorePort, work: (uow: UnitOfWork) => Promise<T>) {
  return store.transaction(T as TenantId, (tx) =>
    work(
      new UnitOfWork(tx, {
        clock: new FixedClock('2026-11-25T08:00:00.000Z'),
        ids: new SequentialIds('amend:'),
        accounts: DEFAULT_ACCOUNTS,
      }),
    ),
  );
}

describe('settlement plans', () => {
  it("generates a plan from contract rules; total = the order's gross, split exactly", async () => {
    const { tc, order, events } = await setup();
    expect(order.gross.toFixed()).toBe('1130.00');
    const p = unwrap(await tc.createSettlementPlan(T, { orderId: order.id, rules }));
    expect(p).toMatchObject({
      id: order.id,
      orderId: order.id,
      orderNumber: order.number,
      customerId: 'HQ', // the bill-to party of SUB
      createdAt: NOW,
    });
    expect(p.total.equals(order.gross)).toBe(true);
    expect(amounts(p)).toEqual([
      'signing 339.00 open',
      'delivery 678.00 open',
      'acceptance 113.00 open',
    ]);
    expect(p.installments[2]).toMatchObject({ dueDays: 30, achievedOn: null, dueDate: null });
    expect(
      events.map((e) => {
        const x = e.payload as { kind: string; id: string; to: string };
        return `${x.kind} ${x.id} ${x.to}`;
      }),
    ).toEqual([
      `settlement-installment ${order.id}/signing open`,
      `settlement-installment ${order.id}/delivery open`,
      `settlement-installment ${order.id}/acceptance open`,
    ]);
    expect(amounts(unwrap(await tc.getSettlementPlan(T, order.id)))).toEqual(amounts(p));
    expect(unwrap(await tc.getSettlementPlan(T, 'none'))).toBeUndefined();
  });

  it('adjusts open installments within the bounds, never the total', async () => {
    const { tc, store, order, clock } = await setup();
    unwrap(await tc.createSettlementPlan(T, { orderId: order.id, rules }));
    clock.advance(1000);
    const p = unwrap(
      await tc.adjustSettlementPlan(T, {
        planId: order.id,
        moves: [
          { from: 'delivery', to: 'acceptance', amount: { amount: '50.00', currency: 'CNY' } },
          { from: 'signing', to: 'delivery', amount: { amount: '39.00', currency: 'CNY' } },
        ],
      }),
    );
    expect(amounts(p)).toEqual([
      'signing 300.00 open',
      'delivery 667.00 open',
      'acceptance 163.00 open',
    ]);
    expect(p.total.toFixed()).toBe('1130.00');
    expect(p.updatedAt).toBe('2026-11-22T08:00:01.000Z');
    const fp = await snapshot(store);
    // acceptance may hold at most 15 % of 1130.00 = 169.50
    const over = await tc.adjustSettlementPlan(T, {
      planId: order.id,
      moves: [{ from: 'delivery', to: 'acceptance', amount: { amount: '6.51', currency: 'CNY' } }],
    });
    expect(!over.ok && over.error).toMatchObject({
      code: 'SETTLEMENT_OUT_OF_BOUNDS',
      field: 'moves.0.to',
      milestone: 'acceptance',
    });
    expect(await snapshot(store)).toBe(fp);
    unwrap(
      await tc.adjustSettlementPlan(T, {
        planId: order.id,
        moves: [
          { from: 'delivery', to: 'acceptance', amount: { amount: '6.50', currency: 'CNY' } },
        ],
      }),
    );
  });

  it('achieving a milestone makes its installment due and freezes it', async () => {
    const { tc, store, order, clock, events } = await setup();
    unwrap(await tc.createSettlementPlan(T, { orderId: order.id, rules }));
    clock.set('2026-12-05T08:00:00.000Z');
    const p = unwrap(
      await tc.achieveMilestone(T, {
        planId: order.id,
        milestone: 'acceptance',
        achievedOn: '2026-12-01',
      }),
    );
    expect(p.installments[2]).toMatchObject({
      status: 'due',
      achievedOn: '2026-12-01',
      dueDate: '2026-12-31',
    });
    expect(events.at(-1)?.payload).toEqual({
      kind: 'settlement-installment',
      id: `${order.id}/acceptance`,
      number: order.number,
      from: 'open',
      event: 'achieve',
      to: 'due',
    });
    const fp = await snapshot(store);
    const n = events.length;
    const twice = await tc.achieveMilestone(T, {
      planId: order.id,
      milestone: 'acceptance',
      achievedOn: '2026-12-02',
    });
    expect(!twice.ok && twice.error).toMatchObject({ code: 'ILLEGAL_TRANSITION', from: 'due' });
    const locked = await tc.adjustSettlementPlan(T, {
      planId: order.id,
      moves: [{ from: 'acceptance', to: 'delivery', amount: { amount: '1.00', currency: 'CNY' } }],
    });
    expect(!locked.ok && locked.error).toMatchObject({
      code: 'SETTLEMENT_INSTALLMENT_LOCKED',
      field: 'moves.0.from',
      milestone: 'acceptance',
      status: 'due',
    });
    const future = await tc.achieveMilestone(T, {
      planId: order.id,
      milestone: 'delivery',
      achievedOn: '2026-12-06',
    });
    expect(!future.ok && future.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ path: 'achievedOn', rule: 'not_future' }],
    });
    const unknown = await tc.achieveMilestone(T, {
      planId: order.id,
      milestone: 'handover',
      achievedOn: '2026-12-01',
    });
    expect(!unknown.ok && unknown.error).toMatchObject({ code: 'NOT_FOUND', field: 'milestone' });
    const noPlan = await tc.achieveMilestone(T, {
      planId: 'nope',
      milestone: 'signing',
      achievedOn: '2026-12-01',
    });
    expect(!noPlan.ok && noPlan.error).toMatchObject({ code: 'NOT_FOUND', field: 'planId' });
    expect(await snapshot(store)).toBe(fp);
    expect(events.length).toBe(n);
  });

  it('follows an order amendment: achieved installments stay, the open ones absorb the change', async () => {
    const { tc, store, order } = await setup();
    unwrap(await tc.createSettlementPlan(T, { orderId: order.id, rules }));
    unwrap(
      await tc.achieveMilestone(T, {
        planId: order.id,
        milestone: 'signing',
        achievedOn: '2026-11-22',
      }),
    );
    const up = unwrap(
      await inUnitOfWork(store, (uow) => onOrderAmended(uow, order.id, Money.of('1356.00', 'CNY'))),
    );
    // 1356.00 − 339.00 = 1017.00 over 678 : 113 → 871.714… and 145.285… (odd cent: larger remainder)
    expect(amounts(up ?? undefined)).toEqual([
      'signing 339.00 due',
      'delivery 871.71 open',
      'acceptance 145.29 open',
    ]);
    const stored = unwrap(await tc.getSettlementPlan(T, order.id));
    expect(stored?.total.toFixed()).toBe('1356.00');
    expect(stored?.updatedAt).toBe('2026-11-25T08:00:00.000Z');
    expect(amounts(stored)).toEqual(amounts(up ?? undefined));

    const fp = await snapshot(store);
    const below = await inUnitOfWork(store, (uow) =>
      onOrderAmended(uow, order.id, Money.of('338.99', 'CNY')),
    );
    expect(!below.ok && below.error).toMatchObject({ code: 'SETTLEMENT_BELOW_ACHIEVED' });
    expect(await snapshot(store)).toBe(fp);
    const none = await inUnitOfWork(store, (uow) =>
      onOrderAmended(uow, 'no-plan', Money.of('1.00', 'CNY')),
    );
    expect(none).toEqual({ ok: true, value: null });
  });

  it('rejects bad input naming the field, and a rejected command changes nothing', async () => {
    const { tc, store, order, events } = await setup();
    unwrap(await tc.createSettlementPlan(T, { orderId: order.id, rules }));
    const other = unwrap(
      await tc.draftSalesOrder(T, {
        customerId: 'HQ',
        warehouseId: 'W',
        priceListId: 'PL',
        lines: [{ productId: 'P2', quantity: '4' }],
      }),
    );
    const fp = await snapshot(store);
    const n = events.length;
    const cases: [unknown, string, string][] = [
      [
        {
          orderId: other.id,
          rules: [
            { milestone: 'a', share: '0.3' },
            { milestone: 'b', share: '0.6' },
          ],
        },
        'rules',
        'shares_sum',
      ],
      [
        { orderId: other.id, rules: [{ milestone: 'a', share: '0.33333333' }] },
        'rules.0.share',
        'decimal_places',
      ],
      [
        {
          orderId: other.id,
          rules: [
            { milestone: 'a', share: '0.5' },
            { milestone: 'b', share: '0.5', minShare: '0.6' },
          ],
        },
        'rules.1.minShare',
        'bounds',
      ],
      [
        {
          orderId: other.id,
          rules: [
            { milestone: 'a', share: '0.5' },
            { milestone: 'a', share: '0.5' },
          ],
        },
        'rules.1.milestone',
        'unique',
      ],
      [{ orderId: other.id, rules: [] }, 'rules', 'too_small'],
      [
        { orderId: other.id, rules: [{ milestone: 'a', share: '1', dueDays: -1 }] },
        'rules.0.dueDays',
        'too_small',
      ],
      [{ orderId: '', rules }, 'orderId', 'too_small'],
    ];
    for (const [input, path, rule] of cases) {
      const r = await tc.createSettlementPlan(T, input);
      expect(!r.ok && r.error.code, path).toBe('VALIDATION_FAILED');
      if (r.ok || r.error.code !== 'VALIDATION_FAILED') continue;
      expect(r.error.issues[0], path).toMatchObject({ path, rule });
    }
    const moves: [unknown, string, string][] = [
      [
        [{ from: 'signing', to: 'signing', amount: { amount: '1.00', currency: 'CNY' } }],
        'moves.0.to',
        'distinct',
      ],
      [
        [{ from: 'signing', to: 'delivery', amount: { amount: '-1.00', currency: 'CNY' } }],
        'moves.0.amount.amount',
        'positive',
      ],
      [
        [{ from: 'signing', to: 'delivery', amount: { amount: '1.001', currency: 'CNY' } }],
        'moves.0.amount.amount',
        'currency_minor_units',
      ],
      [[], 'moves', 'too_small'],
    ];
    for (const [m, path, rule] of moves) {
      const r = await tc.adjustSettlementPlan(T, { planId: order.id, moves: m });
      expect(!r.ok && r.error.code, path).toBe('VALIDATION_FAILED');
      if (r.ok || r.error.code !== 'VALIDATION_FAILED') continue;
      expect(r.error.issues[0], path).toMatchObject({ path, rule });
    }
    const usd = await tc.adjustSettlementPlan(T, {
      planId: order.id,
      moves: [{ from: 'signing', to: 'delivery', amount: { amount: '1.00', currency: 'USD' } }],
    });
    expect(!usd.ok && usd.error).toMatchObject({
      code: 'CURRENCY_MISMATCH',
      field: 'moves.0.amount',
    });
    const dup = await tc.createSettlementPlan(T, { orderId: order.id, rules });
    expect(!dup.ok && dup.error.code).toBe('DUPLICATE');
    const noOrder = await tc.createSettlementPlan(T, { orderId: 'nope', rules });
    expect(!noOrder.ok && noOrder.error).toMatchObject({ code: 'NOT_FOUND', field: 'orderId' });
    const badDate = await tc.achieveMilestone(T, {
      planId: order.id,
      milestone: 'signing',
      achievedOn: '2026-13-01',
    });
    expect(!badDate.ok && badDate.error).toMatchObject({
      issues: [{ path: 'achievedOn' }],
    });
    expect(await snapshot(store)).toBe(fp);
    expect(events.length).toBe(n);
  });

  it('gives a cancelled order no plan', async () => {
    const { tc, store, order } = await setup();
    unwrap(await tc.cancelSalesOrder(T, { orderId: order.id }));
    const fp = await snapshot(store);
    const r = await tc.createSettlementPlan(T, { orderId: order.id, rules });
    expect(!r.ok && r.error).toMatchObject({
      code: 'SETTLEMENT_ORDER_CANCELLED',
      field: 'orderId',
    });
    expect(await snapshot(store)).toBe(fp);
  });
});
