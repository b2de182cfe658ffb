/**
 * Conformance of the order-to-cash slice on an adapter: the model-based test, concurrent
 * confirmations against one credit limit and one stock level, idempotent commands, and bad
 * input that must leave the store unchanged.
 */
import {
  Dec,
  type DocumentTransitioned,
  type DomainEvent,
  invoiceResidual,
  type Result,
  type StorePort,
  unwrap,
} from '@tradecore/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../fingerprint';
import { cents, GROSS_CENTS, seedSlice, tradecoreFor } from '../fixtures';
import { all, freshTenant, prng, type StoreHarness } from '../harness';
import { allocationViolations } from '../invariants';
import { runSliceModel } from './model';

/** Registers the slice conformance tests for one adapter. */
export function sliceSuite(h: StoreHarness): void {
  describe(`order-to-cash slice conformance — ${h.name}`, () => {
    let store: StorePort;
    beforeAll(async () => {
      store = await h.open();
    });
    afterAll(async () => {
      await (h.close ? h.close(store) : store.close());
    });
    const scale = h.scale ?? 1;

    it('agrees with a plain model after every command (fc.commands)', async () => {
      await runSliceModel(store, Math.max(4, Math.round(60 * scale)), 40);
    });

    it(`${Math.round(100 * scale)} concurrent confirmations never overrun the credit limit or on-hand stock`, async () => {
      const t = freshTenant('conf');
      const tc = tradecoreFor(store, t);
      await seedSlice(tc, t, { limit: '1500.00', stock: { P1: 120, P2: 0 } });
      const rnd = prng(99);
      const n = Math.round(100 * scale);
      const qtys = Array.from({ length: n }, () => 1 + Math.floor(rnd() * 4));
      const orders = [];
      for (const q of qtys) {
        orders.push(
          unwrap(
            await tc.draftSalesOrder(t, {
              customerId: 'SUB',
              warehouseId: 'W',
              priceListId: 'PL',
              lines: [{ productId: 'P1', quantity: String(q) }],
            }),
          ),
        );
      }
      const results = await all(orders, (o) => tc.confirmSalesOrder(t, { orderId: o.id }));
      const codes = new Set(results.map((r) => (r.ok ? 'OK' : r.error.code)));
      for (const c of codes)
        expect(['OK', 'CREDIT_LIMIT_EXCEEDED', 'INSUFFICIENT_STOCK']).toContain(c);
      expect(codes.has('CREDIT_LIMIT_EXCEEDED') || codes.has('INSUFFICIENT_STOCK')).toBe(true);
      const okIdx = results.flatMap((r, i) => (r.ok ? [i] : []));
      const credit = unwrap(await tc.creditAccount(t, 'HQ'))!;
      const stock = unwrap(await tc.stockLevel(t, 'P1', 'W'))!;
      expect(
        allocationViolations({
          capacity: new Dec('1500.00'),
          granted: okIdx.map((i) => new Dec(cents(BigInt(qtys[i]!) * GROSS_CENTS.P1))),
          allocated: credit.exposure.amount,
        }),
      ).toEqual([]);
      expect(
        allocationViolations({
          capacity: new Dec(120),
          granted: okIdx.map((i) => new Dec(qtys[i]!)),
          allocated: stock.reserved.value,
        }),
      ).toEqual([]);
      for (const [i, o] of orders.entries()) {
        const s = unwrap(await tc.getSalesOrder(t, o.id))!;
        expect(s.state).toBe(results[i]!.ok ? 'confirmed' : 'draft');
      }
    });

    /** A draft order of 3 × P1 for SUB (33.90 gross); its id. */
    const draftThreeP1 = async (tc: ReturnType<typeof tradecoreFor>, t: string) =>
      unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'SUB',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P1', quantity: '3' }],
        }),
      ).id;

    /** Eight concurrent confirmations of one such order, on a tenant with credit limit `limit`. */
    const confirmRace = async (prefix: string, limit: string) => {
      const t = freshTenant(prefix);
      const tc = tradecoreFor(store, t);
      await seedSlice(tc, t, { limit, stock: { P1: 100, P2: 0 } });
      const id = await draftThreeP1(tc, t);
      const results = await all(Array.from({ length: 8 }), () =>
        tc.confirmSalesOrder(t, { orderId: id }),
      );
      return { t, tc, results };
    };

    it('lets only one of several concurrent confirmations of the same order through', async () => {
      const { t, tc, results } = await confirmRace('dbl', '10000.00');
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      for (const r of results) if (!r.ok) expect(r.error.code).toBe('ILLEGAL_TRANSITION');
      expect(unwrap(await tc.creditAccount(t, 'HQ'))!.exposure.toFixed()).toBe('33.90');
      expect(unwrap(await tc.stockLevel(t, 'P1', 'W'))!.reserved.toString()).toBe('3 EA');
    });

    it('lets one of several concurrent cancellations, and one of several concurrent deliveries, of an order through', async () => {
      // Each command checks stock and credit before its save reaches the store; a command that
      // worked from an order somebody changed meanwhile must be retried, never give back or take
      // twice (nor fail a check or throw because it did).
      const t = freshTenant('dbl2');
      const tc = tradecoreFor(store, t);
      await seedSlice(tc, t, { limit: '10000.00', stock: { P1: 6, P2: 0 } });
      const confirmed = async () => {
        const id = await draftThreeP1(tc, t);
        unwrap(await tc.confirmSalesOrder(t, { orderId: id }));
        return id;
      };
      const cancelled = await confirmed();
      const delivered = await confirmed();
      const results = await all(
        Array.from({ length: 16 }),
        (_, i): Promise<Result<unknown, { code: string }>> =>
          i % 2 === 0
            ? tc.cancelSalesOrder(t, { orderId: cancelled })
            : tc.deliverSalesOrder(t, { orderId: delivered }),
      );
      const cancels = results.filter((_, i) => i % 2 === 0);
      const deliveries = results.filter((_, i) => i % 2 === 1);
      expect(cancels.filter((r) => r.ok)).toHaveLength(1);
      expect(deliveries.filter((r) => r.ok)).toHaveLength(1);
      // The losers' retries read the cancelled order, and the delivered one with nothing left to
      // deliver: ILLEGAL_TRANSITION, never a failed check.
      const codes = results.flatMap((r) => (r.ok ? [] : [r.error.code]));
      expect(codes).toEqual(Array(14).fill('ILLEGAL_TRANSITION'));
      const level = unwrap(await tc.stockLevel(t, 'P1', 'W'))!;
      expect([level.onHand.toString(), level.reserved.toString()]).toEqual(['3 EA', '0 EA']);
      // The delivered order's goods wait to be invoiced (3 × 11.30); the cancelled one holds nothing.
      expect(unwrap(await tc.creditAccount(t, 'HQ'))!.exposure.toFixed()).toBe('33.90');
    });

    it('tells the losers of concurrent confirmations of one order that it is confirmed, even when the credit it took leaves no room', async () => {
      // A loser that read the order before the winner committed fails the credit check (the
      // winner's reservation fills the limit) before its own save could conflict; that failure
      // came from a stale order, so it must be retried, not reported.
      const { t, tc, results } = await confirmRace('dbl3', '50.00');
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      // A loser's retry reads the confirmed order: nothing else changes it meanwhile.
      const codes = results.flatMap((r) => (r.ok ? [] : [r.error.code]));
      expect(codes).toEqual(Array(7).fill('ILLEGAL_TRANSITION'));
      expect(unwrap(await tc.creditAccount(t, 'HQ'))!.exposure.toFixed()).toBe('33.90');
    });

    it('never over-allocates concurrent write-offs against one invoice', async () => {
      const t = freshTenant('wo');
      const tc = tradecoreFor(store, t);
      await seedSlice(tc, t, { limit: '10000.00', stock: { P1: 100, P2: 0 } });
      const o = unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'SUB',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P1', quantity: '10' }],
        }),
      );
      unwrap(await tc.confirmSalesOrder(t, { orderId: o.id }));
      unwrap(await tc.deliverSalesOrder(t, { orderId: o.id }));
      const inv = unwrap(await tc.invoiceSalesOrder(t, { orderId: o.id }));
      const rc = unwrap(
        await tc.recordReceipt(t, { payerId: 'HQ', amount: { amount: '500.00', currency: 'CNY' } }),
      );
      const n = Math.round(20 * scale) + 5;
      const results = await all(Array.from({ length: n }), () =>
        tc.writeOff(t, {
          receiptId: rc.id,
          invoiceId: inv.id,
          amount: { amount: '10.00', currency: 'CNY' },
        }),
      );
      for (const r of results)
        if (!r.ok) expect(['OVER_ALLOCATION', 'VERSION_CONFLICT']).toContain(r.error.code);
      const applied = results.filter((r) => r.ok).length;
      const after = unwrap(await tc.getInvoice(t, inv.id))!;
      expect(invoiceResidual(after).toFixed()).toBe(cents(11300n - BigInt(applied) * 1000n));
      expect(invoiceResidual(after).isNegative()).toBe(false);
      expect(applied).toBeLessThanOrEqual(11);
    });

    it('relays only from an instance that subscribes, so a worker beside a web node gets every event', async () => {
      const t = freshTenant('rly');
      // Two instances over one store stand for two processes over one database.
      const web = tradecoreFor(store, t, { relay: 'when-subscribed' });
      const worker = tradecoreFor(store, t, { relay: 'manual' });
      const seen: string[] = [];
      const mine = (e: DomainEvent) => e.tenantId === t;
      const describeEvent = (e: DomainEvent) =>
        e.type === 'document.transitioned'
          ? `${(e.payload as DocumentTransitioned).kind}:${(e.payload as DocumentTransitioned).to}`
          : e.type;
      worker.events.on('*', (_type, e) => {
        if (mine(e as DomainEvent)) seen.push(describeEvent(e as DomainEvent));
      });
      await seedSlice(web, t, { limit: '1000.00', stock: { P1: 10, P2: 0 } });
      const draft = (qty: string) =>
        web.draftSalesOrder(t, {
          customerId: 'SUB',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P1', quantity: qty }],
        });
      const o = unwrap(await draft('2'));
      unwrap(await web.confirmSalesOrder(t, { orderId: o.id }));
      // Neither relayed: the web node has no subscriber, the worker relays only when asked.
      expect(seen).toEqual([]);
      expect(await worker.relayOutbox()).toBeGreaterThan(0);
      expect(seen).toContain('sales-order:draft');
      expect(seen).toContain('sales-order:confirmed');
      expect(seen.filter((x) => x === 'masterdata.saved').length).toBeGreaterThanOrEqual(5);
      const relayed = seen.length;

      // Once the web node subscribes, its commands relay (and the worker sees those no more).
      const webSeen: string[] = [];
      const onWeb = (_type: unknown, e: unknown) => {
        if (mine(e as DomainEvent)) webSeen.push(describeEvent(e as DomainEvent));
      };
      web.events.on('*', onWeb);
      unwrap(await web.cancelSalesOrder(t, { orderId: o.id }));
      expect(webSeen).toContain('sales-order:cancelled');
      expect(seen).toHaveLength(relayed);
      // Unsubscribed again (mitt keeps an empty handler list): it leaves entries alone again.
      web.events.off('*', onWeb);
      const o2 = unwrap(await draft('1'));
      expect(webSeen).not.toContain('sales-order:draft');
      await worker.relayOutbox();
      expect(seen.slice(relayed)).toEqual(['sales-order:draft']);
      expect(o2.number).not.toBe(o.number);

      // The default follows the store: a shared outbox waits for a subscriber, a private one
      // (the memory store) is relayed after every command and, with nobody listening, dropped.
      const plain = tradecoreFor(store, t);
      unwrap(await plain.cancelSalesOrder(t, { orderId: o2.id }));
      await worker.relayOutbox();
      expect(seen.slice(relayed + 1)).toEqual(
        store.sharedOutbox === false ? [] : ['sales-order:cancelled'],
      );
    });

    it('replays an idempotent command and rejects the same key with a different input', async () => {
      const t = freshTenant('idm');
      const tc = tradecoreFor(store, t);
      await seedSlice(tc, t, { limit: '100.00', stock: { P1: 0, P2: 0 } });
      const input = {
        payerId: 'HQ',
        amount: { amount: '50.00', currency: 'CNY' },
        reference: 'wire 1',
      };
      const first = await all(Array.from({ length: 6 }), () =>
        tc.recordReceipt(t, input, { idempotencyKey: 'pay-1' }),
      );
      const ids = new Set(first.map((r) => unwrap(r).id));
      expect(ids.size).toBe(1);
      const replay = unwrap(await tc.recordReceipt(t, { ...input }, { idempotencyKey: 'pay-1' }));
      expect(replay.id).toBe([...ids][0]);
      expect(replay.amount.toFixed()).toBe('50.00');
      const before = await fingerprint(store, t);
      const conflict = await tc.recordReceipt(
        t,
        { ...input, amount: { amount: '60.00', currency: 'CNY' } },
        { idempotencyKey: 'pay-1' },
      );
      expect(!conflict.ok && conflict.error.code).toBe('IDEMPOTENCY_CONFLICT');
      expect(await fingerprint(store, t)).toBe(before);
      const hq = unwrap(await tc.trialBalance(t, 'HQ'));
      expect(hq.find((b) => b.account === '2203')?.credit.toFixed(2)).toBe('50.00');
    });

    it('rejects bad input with a typed error naming the problem, and changes nothing', async () => {
      const t = freshTenant('bad');
      const tc = tradecoreFor(store, t);
      await seedSlice(tc, t, { limit: '100.00', stock: { P1: 5, P2: 5 } });
      const draft = unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'SUB',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P1', quantity: '2' }],
        }),
      );
      const big = unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'SUB',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P2', quantity: '6' }],
        }),
      );
      const rc = unwrap(
        await tc.recordReceipt(t, { payerId: 'HQ', amount: { amount: '10.00', currency: 'CNY' } }),
      );
      const one = unwrap(
        await tc.draftSalesOrder(t, {
          customerId: 'SUB',
          warehouseId: 'W',
          priceListId: 'PL',
          lines: [{ productId: 'P1', quantity: '1' }],
        }),
      );
      unwrap(await tc.confirmSalesOrder(t, { orderId: one.id }));
      unwrap(await tc.deliverSalesOrder(t, { orderId: one.id }));
      const inv = unwrap(await tc.invoiceSalesOrder(t, { orderId: one.id }));
      const before = await fingerprint(store, t);
      const base = { customerId: 'SUB', warehouseId: 'W', priceListId: 'PL' };
      const cases: [string, () => Promise<{ ok: boolean; error?: unknown }>, string, string?][] = [
        [
          'unknown customer',
          () =>
            tc.draftSalesOrder(t, {
              ...base,
              customerId: 'NOPE',
              lines: [{ productId: 'P1', quantity: '1' }],
            }),
          'NOT_FOUND',
          'customerId',
        ],
        [
          'unknown product',
          () => tc.draftSalesOrder(t, { ...base, lines: [{ productId: 'NOPE', quantity: '1' }] }),
          'NOT_FOUND',
          'lines.0.productId',
        ],
        [
          'negative quantity',
          () => tc.draftSalesOrder(t, { ...base, lines: [{ productId: 'P1', quantity: '-1' }] }),
          'VALIDATION_FAILED',
          'lines.0.quantity',
        ],
        [
          'fractional quantity of an integral unit',
          () => tc.draftSalesOrder(t, { ...base, lines: [{ productId: 'P1', quantity: '1.5' }] }),
          'VALIDATION_FAILED',
          'lines.0.quantity',
        ],
        [
          'NaN',
          () =>
            tc.draftSalesOrder(t, { ...base, lines: [{ productId: 'P1', quantity: Number.NaN }] }),
          'VALIDATION_FAILED',
          'lines.0.quantity',
        ],
        [
          'Infinity',
          () =>
            tc.draftSalesOrder(t, { ...base, lines: [{ productId: 'P1', quantity: 'Infinity' }] }),
          'VALIDATION_FAILED',
          'lines.0.quantity',
        ],
        [
          'empty order',
          () => tc.draftSalesOrder(t, { ...base, lines: [] }),
          'VALIDATION_FAILED',
          'lines',
        ],
        [
          'unit without conversion',
          () =>
            tc.draftSalesOrder(t, {
              ...base,
              lines: [{ productId: 'P2', quantity: '1', unit: 'BOX' }],
            }),
          'UOM_CONVERSION_MISSING',
        ],
        [
          'no price for the unit',
          () =>
            tc.draftSalesOrder(t, {
              ...base,
              lines: [{ productId: 'P1', quantity: '1', unit: 'BOX' }],
            }),
          'PRICE_NOT_FOUND',
          'lines.0.productId',
        ],
        [
          'too many decimals for CNY',
          () =>
            tc.recordReceipt(t, { payerId: 'HQ', amount: { amount: '1.001', currency: 'CNY' } }),
          'VALIDATION_FAILED',
          'amount.amount',
        ],
        [
          'fraction of a yen',
          () => tc.recordReceipt(t, { payerId: 'HQ', amount: { amount: '1.5', currency: 'JPY' } }),
          'VALIDATION_FAILED',
          'amount.amount',
        ],
        [
          'unknown currency',
          () => tc.recordReceipt(t, { payerId: 'HQ', amount: { amount: '1.00', currency: 'XXQ' } }),
          'VALIDATION_FAILED',
          'amount.currency',
        ],
        [
          'unknown invoice',
          () =>
            tc.writeOff(t, {
              receiptId: rc.id,
              invoiceId: 'none',
              amount: { amount: '1.00', currency: 'CNY' },
            }),
          'NOT_FOUND',
          'invoiceId',
        ],
        [
          'mixed currencies',
          () =>
            tc.writeOff(t, {
              receiptId: rc.id,
              invoiceId: inv.id,
              amount: { amount: '1.00', currency: 'USD' },
            }),
          'CURRENCY_MISMATCH',
          'amount.currency',
        ],
        [
          'write-off above the receipt',
          () =>
            tc.writeOff(t, {
              receiptId: rc.id,
              invoiceId: inv.id,
              amount: { amount: '10.01', currency: 'CNY' },
            }),
          'OVER_ALLOCATION',
          'amount',
        ],
        [
          'price list entry in another currency',
          () =>
            tc.savePriceList(t, {
              id: 'PL2',
              name: 'x',
              currency: 'CNY',
              priceIncludesTax: false,
              entries: [
                { productId: 'P1', unit: 'EA', unitPrice: { amount: '1', currency: 'USD' } },
              ],
            }),
          'VALIDATION_FAILED',
          'entries.0.unitPrice.currency',
        ],
        [
          'credit limit in another currency while exposure is open',
          () =>
            tc.setCreditLimit(t, {
              customerId: 'HQ',
              limit: { amount: '100.00', currency: 'USD' },
            }),
          'VALIDATION_FAILED',
          'limit.currency',
        ],
        [
          'confirming twice',
          () => tc.confirmSalesOrder(t, { orderId: one.id }),
          'ILLEGAL_TRANSITION',
        ],
        [
          'transition from the wrong state',
          () => tc.deliverSalesOrder(t, { orderId: draft.id }),
          'ILLEGAL_TRANSITION',
        ],
        [
          'invoice before delivery',
          () => tc.invoiceSalesOrder(t, { orderId: draft.id }),
          'ILLEGAL_TRANSITION',
        ],
        [
          'stock short after credit passed (neither is reserved)',
          () => tc.confirmSalesOrder(t, { orderId: big.id }),
          'INSUFFICIENT_STOCK',
        ],
        [
          'bad tenant id',
          () => tc.confirmSalesOrder('bad tenant!', { orderId: draft.id }),
          'VALIDATION_FAILED',
          'tenantId',
        ],
        ['missing field', () => tc.confirmSalesOrder(t, {}), 'VALIDATION_FAILED', 'orderId'],
        [
          'negative credit limit',
          () =>
            tc.setCreditLimit(t, { customerId: 'HQ', limit: { amount: '-1', currency: 'CNY' } }),
          'VALIDATION_FAILED',
          'limit.amount',
        ],
      ];
      for (const [label, run, code, field] of cases) {
        const r = await run();
        expect(r.ok, label).toBe(false);
        const e = r.error as {
          code: string;
          field?: string;
          issues?: { path: string }[];
          message: string;
        };
        expect(e.code, label).toBe(code);
        expect(e.message.length, label).toBeGreaterThan(0);
        if (field !== undefined) {
          const fields = [e.field, ...(e.issues ?? []).map((i) => i.path)];
          expect(fields, label).toContain(field);
        }
        expect(await fingerprint(store, t), `${label} changed the store`).toBe(before);
      }
    });
  });
}
