/**
 * Worked examples of order-to-cash on every adapter: partial deliveries to several ship-to
 * parties from several warehouses, invoicing by delivery and head-office billing, many-to-many
 * settlements with a small difference, returns → credit notes → refunds, amendments with kept
 * revisions and credit re-checks, quick sales, review steps, approvals, guards, document
 * numbers under concurrency — and bad input that changes nothing.
 */
import {
  extendMachine,
  invoiceResidual,
  orderStatus,
  receiptUnallocated,
  type SalesOrder,
  type StorePort,
  salesOrderMachine,
  type TenantId,
  unwrap,
} from '@tradecore/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../fingerprint';
import { seedSlice, tradecoreFor } from '../fixtures';
import { freshTenant, type StoreHarness } from '../harness';

const CNY = (amount: string) => ({ amount, currency: 'CNY' });

/** Registers the order-to-cash worked examples for one adapter. */
export function o2cSuite(h: StoreHarness): void {
  describe(`order-to-cash worked examples — ${h.name}`, () => {
    let store: StorePort;
    beforeAll(async () => {
      store = await h.open();
    });
    afterAll(async () => {
      await (h.close ? h.close(store) : store.close());
    });

    async function setup(prefix: string, extra: Parameters<typeof tradecoreFor>[2] = {}) {
      const t = freshTenant(prefix) as TenantId;
      const tc = tradecoreFor(store, t, extra);
      await seedSlice(tc, t, { limit: '10000.00', stock: { P1: 50, P2: 50 } });
      unwrap(await tc.registerWarehouse(t, { id: 'W2', name: 'Second' }));
      unwrap(await tc.receiveStock(t, { productId: 'P1', warehouseId: 'W2', quantity: '20' }));
      unwrap(
        await tc.registerCustomer(t, {
          id: 'SUB',
          name: 'Subsidiary',
          billToId: 'HQ',
          headOfficeId: 'HQ',
          shipTo: [
            { id: 'S1', name: 'Terminal 1', address: 'B' },
            { id: 'S2', name: 'Terminal 2', address: 'C' },
          ],
        }),
      );
      return { t, tc };
    }

    it('delivers in parts to two ship-to parties from two warehouses; status follows the quantities', async () => {
      const { t, tc } = await setup('o2c-part');
      const o = unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'SUB',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [
            { productId: 'P1', quantity: '10' },
            { productId: 'P2', quantity: '4', shipToId: 'S2' },
          ],
        }),
      );
      expect(o.lines.map((l) => l.shipToId)).toEqual(['S1', 'S2']);
      unwrap(await tc.confirmSalesOrder(t, { orderId: o.id }));
      const before = await fingerprint(store, t);
      const over = await tc.deliverSalesOrder(t, {
        orderId: o.id,
        lines: [{ lineNo: 1, quantity: '11' }],
      });
      expect(!over.ok && over.error).toMatchObject({
        code: 'OVER_DELIVERY',
        field: 'lines.0.quantity',
      });
      const mixed = await tc.deliverSalesOrder(t, {
        orderId: o.id,
        lines: [
          { lineNo: 1, quantity: '1' },
          { lineNo: 2, quantity: '1' },
        ],
      });
      expect(!mixed.ok && mixed.error.code).toBe('SHIP_TO_MISMATCH');
      expect(await fingerprint(store, t)).toEqual(before);
      // 6 from W and 2 from W2 to S1, then the rest of S1's line, then S2's line.
      const d1 = unwrap(
        await tc.deliverSalesOrder(t, {
          orderId: o.id,
          lines: [
            { lineNo: 1, quantity: '6' },
            { lineNo: 1, quantity: '2', warehouseId: 'W2' },
          ],
        }),
      );
      expect(d1.shipToId).toBe('S1');
      expect(d1.lines.map((l) => [l.warehouseId, l.quantity.value.toFixed()])).toEqual([
        ['W', '6'],
        ['W2', '2'],
      ]);
      expect(unwrap(await tc.getSalesOrder(t, o.id))?.status).toBe('partially_delivered');
      const w = unwrap(await tc.stockLevel(t, 'P1', 'W'))!;
      const w2 = unwrap(await tc.stockLevel(t, 'P1', 'W2'))!;
      // W: 50 on hand − 6 issued; 2 still reserved (10 ordered − 8 delivered).
      expect([w.onHand.value.toFixed(), w.reserved.value.toFixed()]).toEqual(['44', '2']);
      expect([w2.onHand.value.toFixed(), w2.reserved.value.toFixed()]).toEqual(['18', '0']);
      // Invoice by delivery: only what was delivered.
      const tooMuch = await tc.invoice(t, { lines: [{ orderId: o.id, lineNo: 1, quantity: '9' }] });
      expect(!tooMuch.ok && tooMuch.error).toMatchObject({
        code: 'INVOICE_EXCEEDS_BILLABLE',
        field: 'lines.0.quantity',
      });
      const inv1 = unwrap(await tc.invoice(t, { deliveryIds: [d1.id] }));
      expect([inv1.gross.toFixed(), inv1.billToId]).toEqual(['90.40', 'HQ']);
      unwrap(await tc.deliverSalesOrder(t, { orderId: o.id, shipToId: 'S1' }));
      const d3 = unwrap(await tc.deliverSalesOrder(t, { orderId: o.id, shipToId: 'S2' }));
      expect(d3.lines.map((l) => l.orderLineNo)).toEqual([2]);
      expect(unwrap(await tc.getSalesOrder(t, o.id))?.status).toBe('to_invoice');
      const inv2 = unwrap(await tc.invoiceSalesOrder(t, { orderId: o.id }));
      expect(inv2.gross.toFixed()).toBe('33.20'); // 2 × 11.30 + 4 × 2.65
      const again = await tc.invoiceSalesOrder(t, { orderId: o.id });
      expect(!again.ok && again.error.code).toBe('NOTHING_TO_INVOICE');
      const so = unwrap(await tc.getSalesOrder(t, o.id))!;
      expect([so.status, so.progress.billing]).toEqual(['to_collect', 'full']);
      // Σ partial invoices = the order's gross exactly.
      expect(inv1.gross.add(inv2.gross).equals(so.gross)).toBe(true);
    });

    it('bills two subsidiaries to their head office on one invoice, and settles many to many with a small difference', async () => {
      const { t, tc } = await setup('o2c-hq');
      unwrap(
        await tc.registerCustomer(t, {
          id: 'SUB2',
          name: 'Second subsidiary',
          billToId: 'HQ',
          headOfficeId: 'HQ',
          shipTo: [{ id: 'S9', name: 'Terminal 9', address: 'D' }],
        }),
      );
      const ids: string[] = [];
      for (const customerId of ['SUB', 'SUB2']) {
        const o = unwrap(
          await tc.draftSalesOrder(t, {
            customerId,
            warehouseId: 'W',
            priceListId: 'PL',
            lines: [{ productId: 'P1', quantity: '5' }],
          }),
        );
        unwrap(await tc.confirmSalesOrder(t, { orderId: o.id }));
        unwrap(await tc.deliverSalesOrder(t, { orderId: o.id }));
        ids.push(o.id);
      }
      const inv = unwrap(await tc.invoice(t, { orderIds: ids }));
      expect([inv.orderIds.length, inv.gross.toFixed(), inv.billToId]).toEqual([2, '113.00', 'HQ']);
      const r1 = unwrap(await tc.recordReceipt(t, { payerId: 'HQ', amount: CNY('60.00') }));
      const r2 = unwrap(await tc.recordReceipt(t, { payerId: 'HQ', amount: CNY('52.50') }));
      const before = await fingerprint(store, t);
      const unbalanced = await tc.settle(t, {
        receipts: [
          { receiptId: r1.id, amount: CNY('60.00') },
          { receiptId: r2.id, amount: CNY('52.50') },
        ],
        invoices: [{ invoiceId: inv.id, amount: CNY('113.00') }],
      });
      expect(!unbalanced.ok && unbalanced.error.code).toBe('SETTLEMENT_UNBALANCED');
      const tooLarge = await tc.settle(t, {
        receipts: [{ receiptId: r1.id, amount: CNY('60.00') }],
        invoices: [{ invoiceId: inv.id, amount: CNY('113.00') }],
        difference: { amount: CNY('53.00'), reason: 'rounding' },
      });
      expect(!tooLarge.ok && tooLarge.error).toMatchObject({
        code: 'DIFFERENCE_TOO_LARGE',
        field: 'difference.amount',
      });
      expect(await fingerprint(store, t)).toEqual(before);
      const s = unwrap(
        await tc.settle(t, {
          receipts: [
            { receiptId: r1.id, amount: CNY('60.00') },
            { receiptId: r2.id, amount: CNY('52.50') },
          ],
          invoices: [{ invoiceId: inv.id, amount: CNY('113.00') }],
          difference: { amount: CNY('0.50'), reason: 'bank charge' },
        }),
      );
      expect(s.writeOffs.map((w) => [w.kind, w.amount.toFixed()])).toEqual([
        ['allocation', '60.00'],
        ['allocation', '52.50'],
        ['difference', '0.50'],
      ]);
      expect(invoiceResidual(unwrap(await tc.getInvoice(t, inv.id))!).isZero()).toBe(true);
      for (const id of ids) expect(unwrap(await tc.getSalesOrder(t, id))?.status).toBe('completed');
      expect(unwrap(await tc.creditAccount(t, 'HQ'))?.exposure.isZero()).toBe(true);
      const diff = unwrap(await tc.trialBalance(t)).find((b) => b.account === '6603');
      expect(diff?.debit.toFixed(2)).toBe('0.50');
    });

    it('pays each order of a multi-order invoice exactly its share once the invoice is settled, however it was split', async () => {
      // P2 at 2.65 gross: orders of 1 and 3 on one 10.60 invoice, paid in two halves of 5.30.
      // Split independently, each half would give 1.325 → 1.33 to the first order (2.66 paid of
      // 2.65) and leave the second a cent short for good; cumulative splits land exactly.
      const { t, tc } = await setup('o2c-paid-split');
      const ids: string[] = [];
      for (const quantity of ['1', '3']) {
        const o = unwrap(
          await tc.draftSalesOrder(t, {
            customerId: 'SUB',
            warehouseId: 'W',
            priceListId: 'PL',
            lines: [{ productId: 'P2', quantity }],
          }),
        );
        unwrap(await tc.confirmSalesOrder(t, { orderId: o.id }));
        unwrap(await tc.deliverSalesOrder(t, { orderId: o.id }));
        ids.push(o.id);
      }
      const inv = unwrap(await tc.invoice(t, { orderIds: ids }));
      expect(inv.gross.toFixed()).toBe('10.60');
      for (let k = 0; k < 2; k++) {
        const rc = unwrap(await tc.recordReceipt(t, { payerId: 'HQ', amount: CNY('5.30') }));
        unwrap(await tc.writeOff(t, { receiptId: rc.id, invoiceId: inv.id, amount: CNY('5.30') }));
      }
      const orders = await Promise.all(
        ids.map(async (id) => unwrap(await tc.getSalesOrder(t, id))!),
      );
      expect(orders.map((o) => [o.paid.toFixed(), o.billedGross.toFixed()])).toEqual([
        ['2.65', '2.65'],
        ['7.95', '7.95'],
      ]);
      expect(orders.map((o) => orderStatus(o))).toEqual(['completed', 'completed']);
    });

    it('lets a head office pay its subsidiaries’ own invoices, and keeps an overpayment as a credit balance to refund', async () => {
      const { t, tc } = await setup('o2c-hop');
      unwrap(
        await tc.registerCustomer(t, {
          id: 'OWN',
          name: 'Self-billed subsidiary',
          headOfficeId: 'HQ',
          shipTo: [{ id: 'O1', name: 'Own dock', address: 'E' }],
        }),
      );
      unwrap(await tc.setCreditLimit(t, { customerId: 'OWN', limit: CNY('1000.00') }));
      const o = unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'OWN',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P2', quantity: '10' }],
        }),
      );
      unwrap(await tc.confirmSalesOrder(t, { orderId: o.id }));
      unwrap(await tc.deliverSalesOrder(t, { orderId: o.id }));
      const inv = unwrap(await tc.invoiceSalesOrder(t, { orderId: o.id }));
      expect(inv.billToId).toBe('OWN');
      const rc = unwrap(await tc.recordReceipt(t, { payerId: 'HQ', amount: CNY('40.00') }));
      const other = unwrap(await tc.recordReceipt(t, { payerId: 'SUB', amount: CNY('1.00') }));
      const wrong = await tc.writeOff(t, {
        receiptId: other.id,
        invoiceId: inv.id,
        amount: CNY('1.00'),
      });
      expect(!wrong.ok && wrong.error).toMatchObject({
        code: 'PARTY_MISMATCH',
        field: 'receiptId',
      });
      unwrap(await tc.writeOff(t, { receiptId: rc.id, invoiceId: inv.id, amount: CNY('26.50') }));
      const left = unwrap(await tc.getReceipt(t, rc.id))!;
      expect(receiptUnallocated(left).toFixed()).toBe('13.50');
      const over = await tc.refundReceipt(t, { receiptId: rc.id, amount: CNY('13.51') });
      expect(!over.ok && over.error).toMatchObject({ code: 'OVER_REFUND', field: 'amount' });
      const refunded = unwrap(
        await tc.refundReceipt(t, { receiptId: rc.id, amount: CNY('13.50') }),
      );
      expect(receiptUnallocated(refunded).isZero()).toBe(true);
    });

    it('returns goods, credits them (the excess over the open amount becomes a credit balance) and refunds it', async () => {
      const { t, tc } = await setup('o2c-ret');
      const o = unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'SUB',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P1', quantity: '4' }],
        }),
      );
      unwrap(await tc.confirmSalesOrder(t, { orderId: o.id }));
      const d = unwrap(await tc.deliverSalesOrder(t, { orderId: o.id }));
      const inv = unwrap(await tc.invoiceSalesOrder(t, { orderId: o.id }));
      const rc = unwrap(await tc.recordReceipt(t, { payerId: 'HQ', amount: CNY('45.20') }));
      unwrap(await tc.writeOff(t, { receiptId: rc.id, invoiceId: inv.id, amount: CNY('40.00') }));
      const before = await fingerprint(store, t);
      const tooMany = await tc.returnGoods(t, {
        deliveryId: d.id,
        lines: [{ deliveryLineNo: 1, quantity: '5' }],
        reason: 'damaged',
        responsibility: 'carrier',
      });
      expect(!tooMany.ok && tooMany.error).toMatchObject({
        code: 'RETURN_EXCEEDS_DELIVERED',
        field: 'lines.0.quantity',
      });
      const tooMuchCredit = await tc.issueCreditNote(t, {
        invoiceId: inv.id,
        lines: [{ invoiceLineNo: 1, quantity: '5' }],
        reason: 'x',
      });
      expect(!tooMuchCredit.ok && tooMuchCredit.error).toMatchObject({
        code: 'CREDIT_EXCEEDS_INVOICED',
        field: 'lines.0.quantity',
      });
      expect(await fingerprint(store, t)).toEqual(before);
      const ret = unwrap(
        await tc.returnGoods(t, {
          deliveryId: d.id,
          lines: [{ deliveryLineNo: 1, quantity: '2' }],
          reason: 'damaged',
          responsibility: 'carrier',
        }),
      );
      expect(unwrap(await tc.stockLevel(t, 'P1', 'W'))?.onHand.value.toFixed()).toBe('48');
      const cn = unwrap(
        await tc.issueCreditNote(t, { invoiceId: inv.id, returnId: ret.id, reason: 'return' }),
      );
      // 2 × 11.30 = 22.60 against 5.20 still open: 17.40 becomes a credit balance.
      expect([cn.gross.toFixed(), cn.toInvoice.toFixed(), cn.toBalance.toFixed()]).toEqual([
        '22.60',
        '5.20',
        '17.40',
      ]);
      const after = unwrap(await tc.getInvoice(t, inv.id))!;
      expect(invoiceResidual(after).isZero()).toBe(true);
      const balance = unwrap(await tc.getReceipt(t, cn.balanceId as string))!;
      expect([balance.source, receiptUnallocated(balance).toFixed()]).toEqual([
        'credit-note',
        '17.40',
      ]);
      unwrap(await tc.refundReceipt(t, { receiptId: balance.id, amount: CNY('17.40') }));
      const so = unwrap(await tc.getSalesOrder(t, o.id))!;
      expect(so.status).toBe('completed');
      expect(so.lines[0]?.returned.toFixed()).toBe('2');
      const adv = unwrap(await tc.trialBalance(t, 'HQ')).find((b) => b.account === '2203');
      // 45.20 received − 40.00 allocated + 17.40 credited − 17.40 refunded = 5.20 unallocated.
      expect(adv?.credit.minus(adv.debit).toFixed(2)).toBe('5.20');
    });

    it('keeps amendments as revisions, re-checks credit on an increase and holds a released order again', async () => {
      const { t, tc } = await setup('o2c-amd');
      unwrap(await tc.setCreditLimit(t, { customerId: 'HQ', limit: CNY('150.00') }));
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
          customerId: 'SUB',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P1', quantity: '10' }],
        }),
      );
      unwrap(await tc.confirmSalesOrder(t, { orderId: o.id }));
      unwrap(
        await tc.deliverSalesOrder(t, { orderId: o.id, lines: [{ lineNo: 1, quantity: '3' }] }),
      );
      const below = await tc.amendSalesOrder(t, {
        orderId: o.id,
        reason: 'less',
        amendedBy: 'u1',
        changes: [{ lineNo: 1, quantity: '2' }],
      });
      expect(!below.ok && below.error).toMatchObject({
        code: 'QUANTITY_BELOW_FULFILLED',
        field: 'changes.0.quantity',
      });
      unwrap(
        await tc.createSettlementPlan(t, {
          orderId: o.id,
          rules: [
            { milestone: 'signing', share: '0.3' },
            { milestone: 'delivery', share: '0.6' },
            { milestone: 'acceptance', share: '0.1' },
          ],
        }),
      );
      const smaller = unwrap(
        await tc.amendSalesOrder(t, {
          orderId: o.id,
          reason: 'customer cut the order',
          amendedBy: 'u1',
          changes: [{ lineNo: 1, quantity: '8' }],
          add: [{ productId: 'P2', quantity: '2' }],
        }),
      );
      expect([smaller.revision, smaller.gross.toFixed(), smaller.state]).toEqual([
        2,
        '95.70',
        'confirmed',
      ]);
      expect(unwrap(await tc.creditAccount(t, 'HQ'))?.exposure.toFixed()).toBe('95.70');
      const plan = unwrap(await tc.getSettlementPlan(t, o.id))!;
      expect(plan.total.toFixed()).toBe('95.70');
      expect(
        plan.installments
          .reduce((a, i) => a.add(i.amount), plan.total.subtract(plan.total))
          .toFixed(),
      ).toBe('95.70');
      // Rising to 14: 158.20 + 5.30 > 150 — held again, the open part no longer reserved.
      const bigger = unwrap(
        await tc.amendSalesOrder(t, {
          orderId: o.id,
          reason: 'customer wants more',
          amendedBy: 'u1',
          changes: [{ lineNo: 1, quantity: '14' }],
        }),
      );
      expect([bigger.state, bigger.revision]).toEqual(['credit_hold', 3]);
      expect(unwrap(await tc.creditAccount(t, 'HQ'))?.exposure.toFixed()).toBe('33.90'); // delivered 3
      expect(unwrap(await tc.stockLevel(t, 'P1', 'W'))?.reserved.value.toFixed()).toBe('0');
      const revisions = unwrap(await tc.salesOrderRevisions(t, o.id))!;
      expect(revisions.map((r) => [r.revision, r.gross.toFixed(), r.reason])).toEqual([
        [1, '113.00', 'customer cut the order'],
        [2, '95.70', 'customer wants more'],
      ]);
      const released = unwrap(
        await tc.releaseCreditHold(t, { orderId: o.id, approverId: 'boss', reason: 'ok' }),
      );
      expect(released.state).toBe('confirmed');
      expect(unwrap(await tc.stockLevel(t, 'P1', 'W'))?.reserved.value.toFixed()).toBe('11');
    });

    it('sells at the counter in one atomic command, or not at all', async () => {
      const { t, tc } = await setup('o2c-qs');
      const sale = unwrap(
        await tc.quickSale(t, {
          customerId: 'HQ',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P2', quantity: '3' }],
          payment: { amount: CNY('10.00'), reference: 'cash' },
        }),
      );
      expect(orderStatus(sale.order)).toBe('completed');
      expect(invoiceResidual(sale.invoice).isZero()).toBe(true);
      expect(receiptUnallocated(sale.receipt!).toFixed()).toBe('2.05'); // 10.00 − 7.95 kept as credit
      const before = await fingerprint(store, t);
      const short = await tc.quickSale(t, {
        customerId: 'HQ',
        warehouseId: 'W',
        priceListId: 'PL',
        lines: [{ productId: 'P2', quantity: '500' }],
      });
      expect(!short.ok && short.error.code).toBe('INSUFFICIENT_STOCK');
      expect(await fingerprint(store, t)).toEqual(before);
    });

    it('numbers a quick sale gaplessly, giving back a reserved number it did not draw', async () => {
      const { t, tc } = await setup('o2c-qsnum');
      unwrap(
        await tc.registerProduct(t, {
          id: 'FREE',
          sku: 'FREE',
          name: 'Sample',
          stockUnit: 'EA',
          taxRate: '0.13',
          standardCost: CNY('0.00'),
        }),
      );
      unwrap(await tc.receiveStock(t, { productId: 'FREE', warehouseId: 'W', quantity: '10' }));
      unwrap(
        await tc.savePriceList(t, {
          id: 'PLF',
          name: 'Samples',
          currency: 'CNY',
          priceIncludesTax: false,
          entries: [{ productId: 'FREE', unit: 'EA', unitPrice: CNY('1.00') }],
        }),
      );
      const sale = unwrap(
        await tc.quickSale(t, {
          customerId: 'HQ',
          warehouseId: 'W',
          priceListId: 'PLF',
          lines: [{ productId: 'FREE', quantity: '2' }],
          payment: { amount: CNY('2.26') },
        }),
      );
      // Nothing cost anything, so the delivery posts no voucher: its reserved number goes back.
      expect(unwrap(await tc.vouchersFor(t, 'delivery', sale.delivery.id))).toEqual([]);
      const [invoiceV] = unwrap(await tc.vouchersFor(t, 'invoice', sale.invoice.id));
      const [receiptV] = unwrap(await tc.vouchersFor(t, 'receipt', sale.receipt!.id));
      const next = unwrap(await tc.recordReceipt(t, { payerId: 'HQ', amount: CNY('1.00') }));
      const [nextV] = unwrap(await tc.vouchersFor(t, 'receipt', next.id));
      const seq = (n: string | undefined) => Number(n?.split('-')[1]);
      expect(seq(receiptV?.number)).toBe(seq(invoiceV?.number) + 1);
      expect(seq(nextV?.number)).toBe(seq(receiptV?.number) + 2); // the settlement's between
      expect(seq(next.number)).toBe(seq(sale.receipt!.number) + 1);
      expect(seq(sale.order.number)).toBe(1);
    });

    it('requires review steps and approvals before confirmation, and lets a guard veto a transition', async () => {
      const machine = extendMachine(salesOrderMachine, {
        states: ['parked'],
        transitions: [
          { from: 'draft', event: 'park', to: 'parked' },
          { from: 'parked', event: 'unpark', to: 'draft' },
        ],
      });
      const { t, tc } = await setup('o2c-rev', {
        hooks: {
          salesOrderMachine: machine,
          guards: [
            (x) =>
              x.event === 'confirm' && (x.doc as SalesOrder).customFields.blocked === true
                ? 'customer is blocked in the CRM'
                : null,
          ],
          approvals: {
            requiredFor: ({ order }) =>
              order.gross.amount.greaterThan(100)
                ? { approvers: ['cfo'], reason: 'over 100' }
                : null,
          },
        },
      });
      unwrap(
        await tc.setSalesPolicy(t, {
          invoicePolicy: 'delivery',
          overDeliveryTolerance: '0',
          smallDifferenceLimit: '1',
          reviewSteps: ['drawing', 'price'],
        }),
      );
      const draft = (quantity: string, blocked: boolean) =>
        tc.draftSalesOrder(t, {
          customerId: 'SUB',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P1', quantity }],
          customFields: { blocked },
        });
      const o = unwrap(await draft('10', false));
      const pending = await tc.confirmSalesOrder(t, { orderId: o.id });
      expect(!pending.ok && pending.error).toMatchObject({
        code: 'REVIEW_PENDING',
        pending: ['drawing', 'price'],
      });
      for (const step of ['drawing', 'price'])
        unwrap(
          await tc.reviewSalesOrder(t, { orderId: o.id, step, reviewerId: 'eng', approved: true }),
        );
      const needs = await tc.confirmSalesOrder(t, { orderId: o.id });
      expect(!needs.ok && needs.error).toMatchObject({
        code: 'APPROVAL_REQUIRED',
        approvers: ['cfo'],
      });
      const notHim = await tc.approveSalesOrder(t, { orderId: o.id, approverId: 'intern' });
      expect(!notHim.ok && notHim.error.code).toBe('NOT_AN_APPROVER');
      unwrap(await tc.approveSalesOrder(t, { orderId: o.id, approverId: 'cfo' }));
      expect(unwrap(await tc.confirmSalesOrder(t, { orderId: o.id })).state).toBe('confirmed');
      const b = unwrap(await draft('1', true));
      for (const step of ['drawing', 'price'])
        unwrap(
          await tc.reviewSalesOrder(t, { orderId: b.id, step, reviewerId: 'eng', approved: true }),
        );
      const vetoed = await tc.confirmSalesOrder(t, { orderId: b.id });
      expect(!vetoed.ok && vetoed.error).toMatchObject({
        code: 'TRANSITION_VETOED',
        reason: 'customer is blocked in the CRM',
      });
      expect(unwrap(await tc.transitionSalesOrder(t, { orderId: b.id, event: 'park' })).state).toBe(
        'parked',
      );
      expect(unwrap(await tc.getSalesOrder(t, b.id))?.status).toBe('parked');
    });

    it('numbers 500 concurrent receipts distinctly, and 50 concurrent write-offs against one invoice never over-allocate', async () => {
      const { t, tc } = await setup('o2c-num');
      const rs = await Promise.all(
        Array.from({ length: 500 }, () =>
          tc.recordReceipt(t, { payerId: 'HQ', amount: CNY('1.00') }),
        ),
      );
      const numbers = rs.map((r) => unwrap(r).number);
      expect(new Set(numbers).size).toBe(500);
      const o = unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'SUB',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P1', quantity: '2' }],
        }),
      );
      unwrap(await tc.confirmSalesOrder(t, { orderId: o.id }));
      unwrap(await tc.deliverSalesOrder(t, { orderId: o.id }));
      const inv = unwrap(await tc.invoiceSalesOrder(t, { orderId: o.id })); // 22.60
      const results = await Promise.all(
        rs
          .slice(0, 50)
          .map((r) =>
            tc.writeOff(t, { receiptId: unwrap(r).id, invoiceId: inv.id, amount: CNY('1.00') }),
          ),
      );
      for (const r of results)
        if (!r.ok) expect(['OVER_ALLOCATION', 'VERSION_CONFLICT']).toContain(r.error.code);
      const applied = results.filter((r) => r.ok).length;
      expect(applied).toBeLessThanOrEqual(22);
      const after = unwrap(await tc.getInvoice(t, inv.id))!;
      expect(invoiceResidual(after).toFixed()).toBe((22.6 - applied).toFixed(2));
      expect(invoiceResidual(after).isNegative()).toBe(false);
    });
  });
}
