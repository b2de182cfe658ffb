/**
 * Worked examples of settlement plans (结算计划) in the order-to-cash flow on every adapter: a
 * 30/60/10 project contract whose `signing` and `delivery` installments fall due with the
 * order's confirmation and full delivery, `acceptance` by command, each installment invoiced
 * (spread over the lines exactly, voucher and open item posted) until the plan is fully
 * invoiced; installments not due refused with nothing stored; quantity invoicing of a plan order
 * refused; and an order back on credit hold whose delivered goods are still invoiced — by
 * quantities, or by an installment up to the delivered value.
 */
import {
  Dec,
  type DomainEvent,
  type Invoice,
  invoiceStatus,
  type SettlementPlan,
  type StorePort,
  type TenantId,
  unwrap,
} from '@tradecore/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../fingerprint';
import { seedSlice, tradecoreFor } from '../fixtures';
import { all, freshTenant, peek, type StoreHarness } from '../harness';

const CNY = (amount: string) => ({ amount, currency: 'CNY' });

const RULES = [
  { milestone: 'signing', share: '0.3' },
  { milestone: 'delivery', share: '0.6' },
  { milestone: 'acceptance', share: '0.1', dueDays: 30 },
];

/** Registers the settlement-plan worked examples for one adapter. */
export function settlementSuite(h: StoreHarness): void {
  describe(`settlement plans in the flow — ${h.name}`, () => {
    let store: StorePort;
    beforeAll(async () => {
      store = await h.open();
    });
    afterAll(async () => {
      await (h.close ? h.close(store) : store.close());
    });

    async function setup(prefix: string, limit = '10000.00') {
      const t = freshTenant(prefix) as TenantId;
      const tc = tradecoreFor(store, t);
      await seedSlice(tc, t, { limit, stock: { P1: 50, P2: 50 } });
      const events: DomainEvent[] = [];
      // This tenant's events only: the relay hands out every tenant's committed entries, and
      // earlier tests' instances (without subscribers) leave theirs in a shared outbox.
      tc.events.on('*', (_type, e) => {
        if ((e as DomainEvent).tenantId === t) events.push(e as DomainEvent);
      });
      return { t, tc, events };
    }

    /** The store's fingerprint plus every settlement plan as stored. */
    async function snapshot(t: TenantId) {
      const plans = await peek<string>(store, t, async (tx) =>
        JSON.stringify(
          (await tx.records.find({ kind: 'settlement-plan' })).map((r) => [
            r.id,
            r.version,
            r.data,
          ]),
        ),
      );
      return `${await fingerprint(store, t)}|${plans}`;
    }

    const states = (p: SettlementPlan | undefined) =>
      p?.installments.map((i) => `${i.milestone} ${i.amount.toFixed()} ${i.status}`);

    async function openItems(t: TenantId, invoiceId: string) {
      return peek<string[]>(store, t, async (tx) =>
        (await tx.credit.openItemsOf('invoice', invoiceId)).map(
          (i) => `${i.dueDate} ${i.amount.toFixed(2)}`,
        ),
      );
    }

    const lineParts = (inv: Invoice) =>
      inv.lines.map((l) => [
        l.orderLineNo,
        l.quantity.value.toFixed(),
        l.net.toFixed(),
        l.tax.toFixed(),
        l.gross.toFixed(),
      ]);

    it('bills a 30/60/10 contract: signing on confirm, delivery on full delivery, acceptance by command', async () => {
      const { t, tc, events } = await setup('stl-flow');
      // 10 × P1 (113.00) + 4 × P2 (10.60) = 123.60
      const o = unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'HQ',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [
            { productId: 'P1', quantity: '10' },
            { productId: 'P2', quantity: '4' },
          ],
        }),
      );
      expect(o.gross.toFixed()).toBe('123.60');
      const p0 = unwrap(await tc.createSettlementPlan(t, { orderId: o.id, rules: RULES }));
      expect(states(p0)).toEqual([
        'signing 37.08 open',
        'delivery 74.16 open',
        'acceptance 12.36 open',
      ]);

      // Not due yet: a typed refusal naming the installment, nothing stored.
      const before = await snapshot(t);
      const early = await tc.invoiceInstallment(t, { planId: o.id, milestone: 'signing' });
      expect(!early.ok && early.error).toMatchObject({
        code: 'SETTLEMENT_INSTALLMENT_NOT_DUE',
        field: 'milestone',
        milestone: 'signing',
        status: 'open',
      });
      expect(await snapshot(t)).toBe(before);

      // Confirming signs the contract: the signing installment falls due in the same command.
      const n = events.length;
      unwrap(await tc.confirmSalesOrder(t, { orderId: o.id }));
      expect(states(unwrap(await tc.getSettlementPlan(t, o.id)))).toEqual([
        'signing 37.08 due',
        'delivery 74.16 open',
        'acceptance 12.36 open',
      ]);
      expect(
        events
          .slice(n)
          .filter((e) => e.type === 'document.transitioned')
          .map((e) => {
            const x = e.payload as { kind: string; id: string; to: string };
            return `${x.kind} ${x.id} ${x.to}`;
          }),
      ).toEqual([`sales-order ${o.id} confirmed`, `settlement-installment ${o.id}/signing due`]);

      // A plan order is billed by installments only.
      const fp1 = await snapshot(t);
      const byQty = await tc.invoice(t, { orderIds: [o.id] });
      expect(!byQty.ok && byQty.error).toMatchObject({
        code: 'SETTLEMENT_PLAN_BILLING',
        field: 'orderIds.0',
        orderId: o.id,
      });
      expect(await snapshot(t)).toBe(fp1);

      // Signing invoice: 37.08 over 113.00 : 10.60, VAT at each line's ratio.
      const inv1 = unwrap(await tc.invoiceInstallment(t, { planId: o.id, milestone: 'signing' }));
      expect([inv1.gross.toFixed(), inv1.net.toFixed(), inv1.tax.toFixed()]).toEqual([
        '37.08',
        '33.00',
        '4.08',
      ]);
      expect(lineParts(inv1)).toEqual([
        [1, '0', '30.00', '3.90', '33.90'],
        [2, '0', '3.00', '0.18', '3.18'],
      ]);
      expect(inv1.installment).toEqual({ planId: o.id, milestone: 'signing' });
      expect(await openItems(t, inv1.id)).toEqual(['2026-11-22 37.08']);
      const v1 = unwrap(await tc.vouchersFor(t, 'invoice', inv1.id));
      expect(v1[0]?.lines.map((l) => [l.account, l.debit.toFixed(2), l.credit.toFixed(2)])).toEqual(
        [
          ['1122', '37.08', '0.00'],
          ['6001', '0.00', '33.00'],
          ['222101', '0.00', '4.08'],
        ],
      );
      const credit = async () => {
        const s = unwrap(await tc.creditStatus(t, 'HQ'))!;
        return [s.buckets.orders, s.buckets.uninvoiced, s.buckets.receivables].map((m) =>
          m.toFixed(),
        );
      };
      // Billed ahead of delivery: exposure moved from open orders into receivables.
      expect(await credit()).toEqual(['86.52', '0.00', '37.08']);
      const twice = await tc.invoiceInstallment(t, { planId: o.id, milestone: 'signing' });
      expect(!twice.ok && twice.error).toMatchObject({
        code: 'SETTLEMENT_INSTALLMENT_INVOICED',
        field: 'milestone',
        invoiceId: inv1.id,
      });

      // A partial delivery achieves nothing; the rest does.
      unwrap(
        await tc.deliverSalesOrder(t, {
          orderId: o.id,
          lines: [
            { lineNo: 1, quantity: '10' },
            { lineNo: 2, quantity: '3' },
          ],
        }),
      );
      expect(states(unwrap(await tc.getSettlementPlan(t, o.id)))?.[1]).toBe('delivery 74.16 open');
      // 113.00 + 7.95 delivered, 37.08 of it billed; 2.65 still open.
      expect(await credit()).toEqual(['2.65', '83.87', '37.08']);
      const fp2 = await snapshot(t);
      const notYet = await tc.invoiceInstallment(t, { planId: o.id, milestone: 'delivery' });
      expect(!notYet.ok && notYet.error).toMatchObject({
        code: 'SETTLEMENT_INSTALLMENT_NOT_DUE',
        milestone: 'delivery',
      });
      expect(await snapshot(t)).toBe(fp2);
      unwrap(await tc.deliverSalesOrder(t, { orderId: o.id }));
      const p2 = unwrap(await tc.getSettlementPlan(t, o.id))!;
      expect(states(p2)?.[1]).toBe('delivery 74.16 due');
      expect(p2.installments[1]).toMatchObject({ achievedOn: '2026-11-22', dueDate: '2026-11-22' });

      const inv2 = unwrap(await tc.invoiceInstallment(t, { planId: o.id, milestone: 'delivery' }));
      expect(lineParts(inv2)).toEqual([
        [1, '0', '60.00', '7.80', '67.80'],
        [2, '0', '6.00', '0.36', '6.36'],
      ]);
      expect(await credit()).toEqual(['0.00', '12.36', '111.24']);

      // Acceptance is command-driven.
      const notAccepted = await tc.invoiceInstallment(t, {
        planId: o.id,
        milestone: 'acceptance',
      });
      expect(!notAccepted.ok && notAccepted.error.code).toBe('SETTLEMENT_INSTALLMENT_NOT_DUE');
      unwrap(
        await tc.achieveMilestone(t, {
          planId: o.id,
          milestone: 'acceptance',
          achievedOn: '2026-11-22',
        }),
      );
      const inv3 = unwrap(
        await tc.invoiceInstallment(t, { planId: o.id, milestone: 'acceptance' }),
      );
      expect(inv3.gross.toFixed()).toBe('12.36');
      expect(await openItems(t, inv3.id)).toEqual(['2026-12-22 12.36']);

      const done = unwrap(await tc.getSettlementPlan(t, o.id))!;
      expect(done.installments.map((i) => [i.status, i.invoiceId])).toEqual([
        ['invoiced', inv1.id],
        ['invoiced', inv2.id],
        ['invoiced', inv3.id],
      ]);
      const sum = [inv1, inv2, inv3].reduce(
        (a, i) => a.add(i.gross),
        inv1.gross.subtract(inv1.gross),
      );
      expect(sum.toFixed()).toBe('123.60');
      expect(
        [inv1, inv2, inv3].reduce((a, i) => a.add(i.net), o.net.subtract(o.net)).toFixed(),
      ).toBe(o.net.toFixed());
      const order = unwrap(await tc.getSalesOrder(t, o.id))!;
      expect([
        order.billedGross.toFixed(),
        order.installmentsBilled?.toFixed(),
        order.invoiceIds.length,
        order.lines.map((l) => l.invoiced.toFixed()).join(','),
        order.status,
      ]).toEqual(['123.60', '123.60', 3, '0,0', 'to_collect']);
      expect(await credit()).toEqual(['0.00', '0.00', '123.60']);
      const ar = unwrap(await tc.trialBalance(t, 'HQ')).find((b) => b.account === '1122');
      expect(ar?.debit.toFixed(2)).toBe('123.60');
    });

    it('invoices the delivered goods of an order back on credit hold, never more', async () => {
      const { t, tc } = await setup('stl-held', '150.00');
      unwrap(
        await tc.setCreditPolicy(t, {
          confirm: { mode: 'block', counted: ['orders', 'uninvoiced', 'receivables'] },
          delivery: { mode: 'off', counted: ['orders', 'uninvoiced', 'receivables'] },
          invoice: { mode: 'off', counted: ['orders', 'uninvoiced', 'receivables'] },
          onBlockedConfirm: 'hold',
          approvers: ['boss'],
          paymentTermsDays: 30,
        }),
      );
      // By order: a confirmed order could be billed ahead; a held one only for what it delivered.
      unwrap(
        await tc.setSalesPolicy(t, {
          invoicePolicy: 'order',
          overDeliveryTolerance: '0',
          smallDifferenceLimit: '0',
        }),
      );
      const o = unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'HQ',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P1', quantity: '10' }],
        }),
      );
      unwrap(await tc.confirmSalesOrder(t, { orderId: o.id }));
      unwrap(
        await tc.deliverSalesOrder(t, { orderId: o.id, lines: [{ lineNo: 1, quantity: '3' }] }),
      );
      const held = unwrap(
        await tc.amendSalesOrder(t, {
          orderId: o.id,
          reason: 'more',
          amendedBy: 'u1',
          changes: [{ lineNo: 1, quantity: '14' }],
        }),
      );
      expect(held.state).toBe('credit_hold');
      const buckets = async () => {
        const s = unwrap(await tc.creditStatus(t, 'HQ'))!;
        return [s.buckets.orders, s.buckets.uninvoiced, s.buckets.receivables].map((m) =>
          m.toFixed(),
        );
      };
      expect(await buckets()).toEqual(['0.00', '33.90', '0.00']);
      const fp = await snapshot(t);
      const deliver = await tc.deliverSalesOrder(t, { orderId: o.id });
      expect(!deliver.ok && deliver.error).toMatchObject({
        code: 'ILLEGAL_TRANSITION',
        from: 'credit_hold',
      });
      const tooMuch = await tc.invoice(t, {
        lines: [{ orderId: o.id, lineNo: 1, quantity: '4' }],
      });
      expect(!tooMuch.ok && tooMuch.error).toMatchObject({
        code: 'INVOICE_EXCEEDS_BILLABLE',
        field: 'lines.0.quantity',
      });
      expect(await snapshot(t)).toBe(fp);
      const inv = unwrap(await tc.invoice(t, { orderIds: [o.id] }));
      expect([inv.gross.toFixed(), inv.lines.map((l) => l.quantity.value.toFixed())]).toEqual([
        '33.90',
        ['3'],
      ]);
      // Exposure moved from uninvoiced to receivables; nothing added.
      expect(await buckets()).toEqual(['0.00', '0.00', '33.90']);
      const again = await tc.invoice(t, { orderIds: [o.id] });
      expect(!again.ok && again.error.code).toBe('NOTHING_TO_INVOICE');
      const after = unwrap(await tc.getSalesOrder(t, o.id))!;
      expect([after.state, after.lines[0]?.invoiced.toFixed()]).toEqual(['credit_hold', '3']);
    });

    it('bills an installment of a held plan order up to its delivered value; release signs again idempotently', async () => {
      const { t, tc } = await setup('stl-hplan', '150.00');
      unwrap(
        await tc.setCreditPolicy(t, {
          confirm: { mode: 'block', counted: ['orders', 'uninvoiced', 'receivables'] },
          delivery: { mode: 'off', counted: ['orders', 'uninvoiced', 'receivables'] },
          invoice: { mode: 'off', counted: ['orders', 'uninvoiced', 'receivables'] },
          onBlockedConfirm: 'hold',
          approvers: ['boss'],
          paymentTermsDays: 30,
        }),
      );
      const o = unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'HQ',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P1', quantity: '10' }],
        }),
      );
      unwrap(await tc.createSettlementPlan(t, { orderId: o.id, rules: RULES }));
      unwrap(await tc.confirmSalesOrder(t, { orderId: o.id }));
      unwrap(
        await tc.deliverSalesOrder(t, { orderId: o.id, lines: [{ lineNo: 1, quantity: '3' }] }),
      );
      // 14 × 11.30 = 158.20 > 150: held again; the plan follows the new total.
      const held = unwrap(
        await tc.amendSalesOrder(t, {
          orderId: o.id,
          reason: 'more',
          amendedBy: 'u1',
          changes: [{ lineNo: 1, quantity: '14' }],
        }),
      );
      expect(held.state).toBe('credit_hold');
      const plan = unwrap(await tc.getSettlementPlan(t, o.id))!;
      expect([plan.total.toFixed(), ...(states(plan) ?? [])]).toEqual([
        '158.20',
        'signing 33.90 due',
        // 158.20 − 33.90 = 124.30 over 67.80 : 11.30
        'delivery 106.54 open',
        'acceptance 17.76 open',
      ]);
      // The delivered 3 × 11.30 = 33.90 covers the signing installment.
      const inv = unwrap(await tc.invoiceInstallment(t, { planId: o.id, milestone: 'signing' }));
      expect(inv.gross.toFixed()).toBe('33.90');
      expect(unwrap(await tc.creditAccount(t, 'HQ'))?.exposure.toFixed()).toBe('33.90');
      unwrap(
        await tc.achieveMilestone(t, {
          planId: o.id,
          milestone: 'acceptance',
          achievedOn: '2026-11-22',
        }),
      );
      const fp = await snapshot(t);
      const ahead = await tc.invoiceInstallment(t, { planId: o.id, milestone: 'acceptance' });
      expect(!ahead.ok && ahead.error).toMatchObject({
        code: 'SETTLEMENT_INSTALLMENT_EXCEEDS_DELIVERED',
        field: 'milestone',
        milestone: 'acceptance',
      });
      expect(!ahead.ok && 'billable' in ahead.error && ahead.error.billable.toFixed()).toBe('0.00');
      expect(await snapshot(t)).toBe(fp);
      // Released: confirmed again — signing is already invoiced, which is fine.
      const released = unwrap(
        await tc.releaseCreditHold(t, { orderId: o.id, approverId: 'boss', reason: 'ok' }),
      );
      expect(released.state).toBe('confirmed');
      expect(states(unwrap(await tc.getSettlementPlan(t, o.id)))?.[0]).toBe(
        'signing 33.90 invoiced',
      );
      const inv3 = unwrap(
        await tc.invoiceInstallment(t, { planId: o.id, milestone: 'acceptance' }),
      );
      expect(inv3.gross.toFixed()).toBe('17.76');
      // 158.20 in all: 51.66 billed, the rest open orders (11 units to deliver).
      expect(unwrap(await tc.creditAccount(t, 'HQ'))?.exposure.toFixed()).toBe('158.20');
    });

    it('signs on release from a credit hold at confirmation', async () => {
      const { t, tc } = await setup('stl-rel', '100.00');
      unwrap(
        await tc.setCreditPolicy(t, {
          confirm: { mode: 'block', counted: ['orders', 'uninvoiced', 'receivables'] },
          delivery: { mode: 'off', counted: ['orders', 'uninvoiced', 'receivables'] },
          invoice: { mode: 'off', counted: ['orders', 'uninvoiced', 'receivables'] },
          onBlockedConfirm: 'hold',
          approvers: ['boss'],
          paymentTermsDays: 30,
        }),
      );
      const o = unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'HQ',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P1', quantity: '10' }],
        }),
      );
      unwrap(await tc.createSettlementPlan(t, { orderId: o.id, rules: RULES }));
      // 113.00 > 100: held — not signed.
      expect(unwrap(await tc.confirmSalesOrder(t, { orderId: o.id })).state).toBe('credit_hold');
      expect(states(unwrap(await tc.getSettlementPlan(t, o.id)))?.[0]).toBe('signing 33.90 open');
      unwrap(await tc.releaseCreditHold(t, { orderId: o.id, approverId: 'boss', reason: 'ok' }));
      expect(states(unwrap(await tc.getSettlementPlan(t, o.id)))?.[0]).toBe('signing 33.90 due');
      // A plan made for an order already confirmed and delivered catches up at once.
      unwrap(await tc.setCreditLimit(t, { customerId: 'HQ', limit: CNY('1000.00') }));
      const o2 = unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'HQ',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P2', quantity: '2' }],
        }),
      );
      unwrap(await tc.confirmSalesOrder(t, { orderId: o2.id }));
      unwrap(await tc.deliverSalesOrder(t, { orderId: o2.id }));
      const p2 = unwrap(await tc.createSettlementPlan(t, { orderId: o2.id, rules: RULES }));
      expect(states(p2)).toEqual(['signing 1.59 due', 'delivery 3.18 due', 'acceptance 0.53 open']);
      // …and an order invoiced by quantities gets no plan.
      const o3 = unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'HQ',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P2', quantity: '1' }],
        }),
      );
      unwrap(await tc.confirmSalesOrder(t, { orderId: o3.id }));
      unwrap(await tc.deliverSalesOrder(t, { orderId: o3.id }));
      unwrap(await tc.invoice(t, { orderIds: [o3.id] }));
      const fp = await snapshot(t);
      const late = await tc.createSettlementPlan(t, { orderId: o3.id, rules: RULES });
      expect(!late.ok && late.error).toMatchObject({
        code: 'SETTLEMENT_ORDER_INVOICED',
        field: 'orderId',
      });
      expect(await snapshot(t)).toBe(fp);
    });

    it('takes returned goods off the installments not billed yet and credits the billed rest by amount', async () => {
      const { t, tc } = await setup('stl-return');
      // 10 × P1 = 113.00: signing 33.90, delivery 67.80, acceptance 11.30.
      const o = unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'HQ',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P1', quantity: '10' }],
        }),
      );
      unwrap(await tc.createSettlementPlan(t, { orderId: o.id, rules: RULES }));
      unwrap(await tc.confirmSalesOrder(t, { orderId: o.id }));
      const inv1 = unwrap(await tc.invoiceInstallment(t, { planId: o.id, milestone: 'signing' }));
      const d = unwrap(await tc.deliverSalesOrder(t, { orderId: o.id }));
      const credit = async () => {
        const s = unwrap(await tc.creditStatus(t, 'HQ'))!;
        return [s.buckets.orders, s.buckets.uninvoiced, s.buckets.receivables].map((m) =>
          m.toFixed(),
        );
      };
      const balanced = async () => {
        const tb = unwrap(await tc.trialBalance(t));
        const dr = tb.reduce((a, b) => a.plus(b.debit), new Dec(0));
        const cr = tb.reduce((a, b) => a.plus(b.credit), new Dec(0));
        expect(dr.toFixed(2)).toBe(cr.toFixed(2));
        const ar = unwrap(await tc.trialBalance(t, 'HQ')).find((b) => b.account === '1122');
        return ar ? ar.debit.minus(ar.credit).toFixed(2) : '0.00';
      };
      expect(await credit()).toEqual(['0.00', '79.10', '33.90']);
      const onHand = async () => unwrap(await tc.stockLevel(t, 'P1', 'W'))!.onHand.value.toFixed();
      const stock0 = await onHand();

      // 2 back (22.60): the open acceptance (11.30) goes, then 11.30 off the due delivery.
      const r1 = unwrap(
        await tc.returnGoods(t, {
          deliveryId: d.id,
          lines: [{ deliveryLineNo: 1, quantity: '2' }],
          reason: 'damaged',
          responsibility: 'carrier',
        }),
      );
      expect(r1.planCredit?.toFixed()).toBe('0.00');
      expect(states(unwrap(await tc.getSettlementPlan(t, o.id)))).toEqual([
        'signing 33.90 invoiced',
        'delivery 56.50 due',
        'acceptance 0.00 open',
      ]);
      expect(unwrap(await tc.getSettlementPlan(t, o.id))?.total.toFixed()).toBe('90.40');
      let order = unwrap(await tc.getSalesOrder(t, o.id))!;
      expect(order.planReduction?.toFixed()).toBe('22.60');
      expect(Number(await onHand()) - Number(stock0)).toBe(2);
      // 8 kept (90.40), 33.90 billed: 56.50 left to bill — what the plan still holds.
      expect(await credit()).toEqual(['0.00', '56.50', '33.90']);

      const inv2 = unwrap(await tc.invoiceInstallment(t, { planId: o.id, milestone: 'delivery' }));
      expect(inv2.gross.toFixed()).toBe('56.50');
      expect(await credit()).toEqual(['0.00', '0.00', '90.40']);
      order = unwrap(await tc.getSalesOrder(t, o.id))!;
      expect([order.progress.billing, order.status]).toEqual(['full', 'to_collect']);
      // The contract view: the returned 22.60 is not to invoice, so nothing is left.
      const x = unwrap(await tc.contractExecution(t, { orderId: o.id }));
      expect(
        [x.totals.value, x.totals.invoicedValue, x.totals.toInvoiceValue].map((m) => m.toFixed()),
      ).toEqual(['113.00', '90.40', '0.00']);

      // 3 more back (33.90): nothing is left unbilled, so all of it is to credit.
      const planBefore = unwrap(await tc.getSettlementPlan(t, o.id));
      const r2 = unwrap(
        await tc.returnGoods(t, {
          deliveryId: d.id,
          lines: [{ deliveryLineNo: 1, quantity: '3' }],
          reason: 'wrong size',
          responsibility: 'customer',
        }),
      );
      expect(r2.planCredit?.toFixed()).toBe('33.90');
      expect(unwrap(await tc.getSettlementPlan(t, o.id))).toEqual(planBefore);
      expect(await credit()).toEqual(['0.00', '0.00', '90.40']);

      // Quantities cannot credit an installment invoice; neither can more than the return left.
      const fp = await snapshot(t);
      const byLines = await tc.issueCreditNote(t, {
        invoiceId: inv2.id,
        lines: [{ invoiceLineNo: 1, quantity: '1' }],
        reason: 'x',
      });
      expect(
        !byLines.ok && byLines.error.code === 'VALIDATION_FAILED' && byLines.error.issues[0],
      ).toMatchObject({ path: 'lines', rule: 'by_amount' });
      const tooMuch = await tc.issueCreditNote(t, {
        invoiceId: inv2.id,
        returnId: r2.id,
        amount: CNY('40.00'),
        reason: 'x',
      });
      expect(!tooMuch.ok && tooMuch.error).toMatchObject({
        code: 'CREDIT_EXCEEDS_AMOUNT',
        field: 'amount',
        basis: 'return',
      });
      expect(!tooMuch.ok && 'creditable' in tooMuch.error && String(tooMuch.error.creditable)).toBe(
        'CNY 33.90',
      );
      expect(await snapshot(t)).toBe(fp);

      // The return's credit note: 33.90 by default, Dr sales returns 30.00 / VAT 3.90, Cr AR.
      const cn = unwrap(
        await tc.issueCreditNote(t, { invoiceId: inv2.id, returnId: r2.id, reason: 'return' }),
      );
      expect([
        cn.gross.toFixed(),
        cn.net.toFixed(),
        cn.tax.toFixed(),
        cn.toInvoice.toFixed(),
      ]).toEqual(['33.90', '30.00', '3.90', '33.90']);
      expect(cn.lines.map((l) => [l.orderLineNo, l.quantity.value.toFixed()])).toEqual([[1, '0']]);
      const v = unwrap(await tc.vouchersFor(t, 'credit-note', cn.id));
      expect(v[0]?.lines.map((l) => [l.account, l.debit.toFixed(2), l.credit.toFixed(2)])).toEqual(
        [
          ['6001', '30.00', '0.00'],
          ['222101', '3.90', '0.00'],
          ['1122', '0.00', '33.90'],
        ].map((x) => x),
      );
      expect(await credit()).toEqual(['0.00', '0.00', '56.50']);
      expect(await balanced()).toBe('56.50');
      const again = await tc.issueCreditNote(t, {
        invoiceId: inv2.id,
        returnId: r2.id,
        reason: 'x',
      });
      expect(!again.ok && again.error).toMatchObject({
        code: 'CREDIT_EXCEEDS_AMOUNT',
        field: 'returnId',
        basis: 'return',
      });

      // A concession by amount on the signing invoice, never more than it has left.
      const over = await tc.issueCreditNote(t, {
        invoiceId: inv1.id,
        amount: CNY('33.91'),
        reason: 'goodwill',
      });
      expect(!over.ok && over.error).toMatchObject({
        code: 'CREDIT_EXCEEDS_AMOUNT',
        basis: 'invoice',
      });
      unwrap(
        await tc.issueCreditNote(t, {
          invoiceId: inv1.id,
          amount: CNY('3.39'),
          reason: 'goodwill',
        }),
      );
      expect(await credit()).toEqual(['0.00', '0.00', '53.11']);
      expect(await balanced()).toBe('53.11');
      // 5 kept (56.50) less the 3.39 concession is what the customer owes.
      order = unwrap(await tc.getSalesOrder(t, o.id))!;
      expect(order.billedGross.subtract(order.creditedGross).toFixed()).toBe('53.11');
      // The rest of the signing invoice can be credited in parts, exactly to its gross.
      const rest = unwrap(await tc.issueCreditNote(t, { invoiceId: inv1.id, reason: 'cancelled' }));
      expect(rest.gross.toFixed()).toBe('30.51');
      const i1 = unwrap(await tc.getInvoice(t, inv1.id))!;
      expect([i1.amountCredited?.toFixed(), invoiceStatus(i1)]).toEqual(['33.90', 'credited']);
    });

    /** 10 × P1 (113.00, 13 % VAT) + 40 × P2 (106.00, 6 %) = 219.00, planned 30/60/10. */
    async function twoRateContract(prefix: string) {
      const ctx = await setup(prefix);
      const o = unwrap(
        await ctx.tc.draftSalesOrder(ctx.t, {
          customerId: 'HQ',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [
            { productId: 'P1', quantity: '10' },
            { productId: 'P2', quantity: '40' },
          ],
        }),
      );
      unwrap(await ctx.tc.createSettlementPlan(ctx.t, { orderId: o.id, rules: RULES }));
      unwrap(await ctx.tc.confirmSalesOrder(ctx.t, { orderId: o.id }));
      return { ...ctx, o };
    }
    const vatOf = (
      invs: readonly {
        lines: readonly { orderLineNo: number; net: unknown; tax: unknown }[];
      }[],
    ) => invs.flatMap((i) => i.lines.map((l) => `${l.orderLineNo}:${l.net}+${l.tax}`));

    it('bills returned goods never and credits them at their own VAT on a two-rate contract', async () => {
      const { t, tc, o } = await twoRateContract('stl-2rate');
      const inv1 = unwrap(await tc.invoiceInstallment(t, { planId: o.id, milestone: 'signing' }));
      const d = unwrap(await tc.deliverSalesOrder(t, { orderId: o.id }));
      const inv2 = unwrap(await tc.invoiceInstallment(t, { planId: o.id, milestone: 'delivery' }));
      expect(vatOf([inv1, inv2])).toEqual([
        '1:CNY 30.00+CNY 3.90',
        '2:CNY 30.00+CNY 1.80',
        '1:CNY 60.00+CNY 7.80',
        '2:CNY 60.00+CNY 3.60',
      ]);
      // All of P1 back: 101.70 of it was billed (to credit), 11.30 comes off acceptance.
      const r = unwrap(
        await tc.returnGoods(t, {
          deliveryId: d.id,
          lines: [{ deliveryLineNo: 1, quantity: '10' }],
          reason: 'recalled',
          responsibility: 'supplier',
        }),
      );
      expect(r.planCredit?.toFixed()).toBe('101.70');
      expect(states(unwrap(await tc.getSettlementPlan(t, o.id)))).toEqual([
        'signing 65.70 invoiced',
        'delivery 131.40 invoiced',
        'acceptance 10.60 open',
      ]);
      // Credited on P1's lines only, at 13 %: on each invoice what its P1 line billed.
      const cn2 = unwrap(
        await tc.issueCreditNote(t, { invoiceId: inv2.id, returnId: r.id, reason: 'recall' }),
      );
      const cn1 = unwrap(
        await tc.issueCreditNote(t, { invoiceId: inv1.id, returnId: r.id, reason: 'recall' }),
      );
      expect(vatOf([cn2, cn1])).toEqual(['1:CNY 60.00+CNY 7.80', '1:CNY 30.00+CNY 3.90']);
      const more = await tc.issueCreditNote(t, { invoiceId: inv1.id, returnId: r.id, reason: 'x' });
      expect(!more.ok && more.error.code).toBe('CREDIT_EXCEEDS_AMOUNT');
      // Acceptance bills only what P2 has left: 10.00 + 0.60.
      unwrap(
        await tc.achieveMilestone(t, {
          planId: o.id,
          milestone: 'acceptance',
          achievedOn: '2026-11-22',
        }),
      );
      const inv3 = unwrap(
        await tc.invoiceInstallment(t, { planId: o.id, milestone: 'acceptance' }),
      );
      expect(vatOf([inv3])).toEqual(['2:CNY 10.00+CNY 0.60']);
      const tb = unwrap(await tc.trialBalance(t));
      const net = (acc: string) => {
        const b = tb.find((x) => x.account === acc);
        return b ? b.credit.minus(b.debit).toFixed(2) : '0.00';
      };
      // Revenue and VAT are P2's alone: 100.00 at 6 %.
      expect([net('6001'), net('222101'), net('1122')]).toEqual(['100.00', '6.00', '-106.00']);
      const s = unwrap(await tc.creditStatus(t, 'HQ'))!;
      expect([s.buckets.orders, s.buckets.uninvoiced, s.buckets.receivables].map(String)).toEqual([
        'CNY 0.00',
        'CNY 0.00',
        'CNY 106.00',
      ]);
      const order = unwrap(await tc.getSalesOrder(t, o.id))!;
      expect([order.progress.billing, order.status]).toEqual(['full', 'to_collect']);
    });

    it('credits a return over several lines on each line by its own share, and keeps lines from being cut below what was billed', async () => {
      const { t, tc, o } = await twoRateContract('stl-2rate-mix');
      const inv1 = unwrap(await tc.invoiceInstallment(t, { planId: o.id, milestone: 'signing' }));
      // Nothing delivered yet: P1 cannot go below the 3 units its 33.90 billed, nor be repriced.
      const fp = await snapshot(t);
      const cut = await tc.amendSalesOrder(t, {
        orderId: o.id,
        reason: 'less',
        amendedBy: 'u1',
        changes: [{ lineNo: 1, quantity: '2' }],
      });
      expect(!cut.ok && cut.error).toMatchObject({
        code: 'QUANTITY_BELOW_FULFILLED',
        field: 'changes.0.quantity',
      });
      expect(!cut.ok && String((cut.error as { minimum?: unknown }).minimum)).toBe('3 EA');
      const reprice = await tc.amendSalesOrder(t, {
        orderId: o.id,
        reason: 'price',
        amendedBy: 'u1',
        changes: [{ lineNo: 1, quantity: '10', reprice: true }],
      });
      expect(!reprice.ok && reprice.error.code).toBe('VALIDATION_FAILED');
      expect(await snapshot(t)).toBe(fp);

      const d = unwrap(await tc.deliverSalesOrder(t, { orderId: o.id }));
      // 8 of P1 back (keeps 22.60, billed 33.90: 11.30 to credit) and 5 of P2 (keeps 92.75,
      // billed 31.80: nothing to credit).
      const r = unwrap(
        await tc.returnGoods(t, {
          deliveryId: d.id,
          lines: [
            { deliveryLineNo: 1, quantity: '8' },
            { deliveryLineNo: 2, quantity: '5' },
          ],
          reason: 'overstock',
          responsibility: 'customer',
        }),
      );
      expect(r.planCredit?.toFixed()).toBe('11.30');
      expect(r.planCreditLines?.map((l) => [l.orderLineNo, l.amount.toFixed()])).toEqual([
        [1, '11.30'],
      ]);
      const cn = unwrap(
        await tc.issueCreditNote(t, { invoiceId: inv1.id, returnId: r.id, reason: 'return' }),
      );
      expect(vatOf([cn])).toEqual(['1:CNY 10.00+CNY 1.30']);
      const inv2 = unwrap(await tc.invoiceInstallment(t, { planId: o.id, milestone: 'delivery' }));
      expect(vatOf([inv2])).toEqual(['2:CNY 57.50+CNY 3.45']);
    });

    it('never credits an installment invoice beyond its gross under concurrent credit notes by amount', async () => {
      const { t, tc } = await setup('stl-cn-race');
      const o = unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'HQ',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P1', quantity: '10' }],
        }),
      );
      unwrap(await tc.createSettlementPlan(t, { orderId: o.id, rules: RULES }));
      unwrap(await tc.confirmSalesOrder(t, { orderId: o.id }));
      const inv = unwrap(await tc.invoiceInstallment(t, { planId: o.id, milestone: 'signing' }));
      // 33.90 billed; twelve concurrent notes of 5.00 each: at most six fit. The rest are
      // refused — for lack of room, or after losing the optimistic race `maxAttempts` times.
      const results = await all(Array.from({ length: 12 }), () =>
        tc.issueCreditNote(t, { invoiceId: inv.id, amount: CNY('5.00'), reason: 'race' }),
      );
      const ok = results.filter((r) => r.ok).length;
      expect(ok).toBeGreaterThan(0);
      expect(ok).toBeLessThanOrEqual(6);
      for (const r of results)
        if (!r.ok) expect(['CREDIT_EXCEEDS_AMOUNT', 'VERSION_CONFLICT']).toContain(r.error.code);
      const credited = new Dec(5).times(ok);
      const left = new Dec('33.90').minus(credited).toFixed(2);
      const after = unwrap(await tc.getInvoice(t, inv.id))!;
      expect(after.amountCredited?.toFixed()).toBe(credited.toFixed(2));
      const s = unwrap(await tc.creditStatus(t, 'HQ'))!;
      expect(s.buckets.receivables.toFixed()).toBe(left);
      const ar = unwrap(await tc.trialBalance(t, 'HQ')).find((b) => b.account === '1122');
      expect(ar?.debit.minus(ar.credit).toFixed(2)).toBe(left);
    });

    it('bills only kept goods when they came back before the installments were invoiced', async () => {
      const { t, tc, o } = await twoRateContract('stl-2rate-early');
      const d = unwrap(await tc.deliverSalesOrder(t, { orderId: o.id }));
      unwrap(
        await tc.returnGoods(t, {
          deliveryId: d.id,
          lines: [{ deliveryLineNo: 1, quantity: '10' }],
          reason: 'recalled',
          responsibility: 'supplier',
        }),
      );
      // 113.00 off: acceptance (21.90) first, then 91.10 off the due delivery installment.
      expect(states(unwrap(await tc.getSettlementPlan(t, o.id)))).toEqual([
        'signing 65.70 due',
        'delivery 40.30 due',
        'acceptance 0.00 open',
      ]);
      const inv1 = unwrap(await tc.invoiceInstallment(t, { planId: o.id, milestone: 'signing' }));
      const inv2 = unwrap(await tc.invoiceInstallment(t, { planId: o.id, milestone: 'delivery' }));
      expect(vatOf([inv1, inv2])).toEqual(['2:CNY 61.98+CNY 3.72', '2:CNY 38.02+CNY 2.28']);
      const s = unwrap(await tc.creditStatus(t, 'HQ'))!;
      expect([s.buckets.orders, s.buckets.uninvoiced, s.buckets.receivables].map(String)).toEqual([
        'CNY 0.00',
        'CNY 0.00',
        'CNY 106.00',
      ]);
    });

    it('plans a contract without the goods returned before it, and keeps that through amendments', async () => {
      const { t, tc } = await setup('stl-preret');
      const o = unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'HQ',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P1', quantity: '10' }],
        }),
      );
      unwrap(await tc.confirmSalesOrder(t, { orderId: o.id }));
      const d = unwrap(
        await tc.deliverSalesOrder(t, { orderId: o.id, lines: [{ lineNo: 1, quantity: '4' }] }),
      );
      unwrap(
        await tc.returnGoods(t, {
          deliveryId: d.id,
          lines: [{ deliveryLineNo: 1, quantity: '1' }],
          reason: 'damaged',
          responsibility: 'carrier',
        }),
      );
      const p = unwrap(await tc.createSettlementPlan(t, { orderId: o.id, rules: RULES }));
      expect(p.total.toFixed()).toBe('101.70');
      expect(unwrap(await tc.getSalesOrder(t, o.id))?.planReduction?.toFixed()).toBe('11.30');
      // Amended to 12: the plan follows the new gross (135.60) less the return.
      unwrap(
        await tc.amendSalesOrder(t, {
          orderId: o.id,
          reason: 'more',
          amendedBy: 'u1',
          changes: [{ lineNo: 1, quantity: '12' }],
        }),
      );
      const p2 = unwrap(await tc.getSettlementPlan(t, o.id))!;
      expect(p2.total.toFixed()).toBe('124.30');
      expect(
        p2.installments.reduce((a, i) => a.add(i.amount), p2.total.subtract(p2.total)).toFixed(),
      ).toBe('124.30');
    });

    it('credits invoices of quantities by lines only, never by amount', async () => {
      const { t, tc } = await setup('stl-qtyamt');
      const o = unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'HQ',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P1', quantity: '2' }],
        }),
      );
      unwrap(await tc.confirmSalesOrder(t, { orderId: o.id }));
      unwrap(await tc.deliverSalesOrder(t, { orderId: o.id }));
      const inv = unwrap(await tc.invoice(t, { orderIds: [o.id] }));
      const fp = await snapshot(t);
      const r = await tc.issueCreditNote(t, {
        invoiceId: inv.id,
        amount: CNY('1.00'),
        reason: 'x',
      });
      expect(!r.ok && r.error.code === 'VALIDATION_FAILED' && r.error.issues[0]).toMatchObject({
        path: 'amount',
        rule: 'installment_only',
      });
      const both = await tc.issueCreditNote(t, {
        invoiceId: inv.id,
        amount: CNY('1.00'),
        lines: [{ invoiceLineNo: 1, quantity: '1' }],
        reason: 'x',
      });
      expect(
        !both.ok && both.error.code === 'VALIDATION_FAILED' && both.error.issues[0],
      ).toMatchObject({
        path: 'amount',
        rule: 'exclusive',
      });
      expect(await snapshot(t)).toBe(fp);
    });
  });
}
