/**
 * Open contracts are stored with their end date as range key (`contractKey`), kept up to date
 * on every save, so `expiringContracts` reads only the contracts that can be listed — checked
 * here by watching what the store's `find` hands back.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../../adapters-memory/src';
import { peek, seedSlice, tradecoreFor } from '../../../testkit/src';
import type { TenantId } from '../../src/kernel/brand';
import { unwrap } from '../../src/kernel/result';
import type { StoredRecord, StorePort } from '../../src/ports/store';

const T = 't1';

/** A store whose transactions report every record `find` returns. */
function watched(store: StorePort, seen: StoredRecord[][]): StorePort {
  return {
    name: store.name,
    sharedOutbox: store.sharedOutbox,
    relayOutbox: (d, n) => store.relayOutbox(d, n),
    close: () => store.close(),
    transaction: (t, work) =>
      store.transaction(t, (tx) =>
        work({
          ...tx,
          records: {
            ...tx.records,
            find: async (q) => {
              const r = await tx.records.find(q);
              seen.push(r);
              return r;
            },
          },
        }),
      ),
  };
}

describe('contract range keys', () => {
  it('keys open contracts by end date, clears the key when a contract ends, and reads only keyed ones', async () => {
    const inner = await createMemoryStore();
    const seen: StoredRecord[][] = [];
    const store = watched(inner, seen);
    const tc = tradecoreFor(store, T);
    await seedSlice(tc, T, { limit: '100000.00', stock: { P1: 100, P2: 0 } });
    const draft = (validUntil?: string) =>
      tc.draftSalesOrder(T, {
        customerId: 'HQ',
        warehouseId: 'W',
        priceListId: 'PL',
        lines: [{ productId: 'P1', quantity: '1' }],
        ...(validUntil === undefined ? {} : { validUntil }),
      });
    const soon = unwrap(await draft('2026-11-30'));
    const later = unwrap(await draft('2027-06-30'));
    const cancelled = unwrap(await draft('2026-11-25'));
    const completed = unwrap(await draft('2026-11-26'));
    for (let i = 0; i < 20; i++) unwrap(await draft());
    const keyOf = (id: string) =>
      peek(inner, T as TenantId, async (tx) => (await tx.records.get('sales-order', id))?.key);
    expect(await keyOf(soon.id)).toBe('2026-11-30');

    unwrap(await tc.cancelSalesOrder(T, { orderId: cancelled.id }));
    expect(await keyOf(cancelled.id)).toBeNull();
    // Delivered, invoiced and paid in full: completed, so no longer an open contract.
    unwrap(await tc.confirmSalesOrder(T, { orderId: completed.id }));
    unwrap(await tc.deliverSalesOrder(T, { orderId: completed.id }));
    const inv = unwrap(await tc.invoice(T, { orderIds: [completed.id] }));
    const rc = unwrap(
      await tc.recordReceipt(T, { payerId: 'HQ', amount: { amount: '11.30', currency: 'CNY' } }),
    );
    unwrap(
      await tc.settle(T, {
        receipts: [{ receiptId: rc.id, amount: { amount: '11.30', currency: 'CNY' } }],
        invoices: [{ invoiceId: inv.id, amount: { amount: '11.30', currency: 'CNY' } }],
      }),
    );
    expect(unwrap(await tc.getSalesOrder(T, completed.id))?.status).toBe('completed');
    expect(await keyOf(completed.id)).toBeNull();

    seen.length = 0;
    const report = unwrap(await tc.expiringContracts(T, { asOf: '2026-11-22', withinDays: 30 }));
    expect(report.contracts.map((c) => c.orderId)).toEqual([soon.id]);
    // Of 24 orders, the store handed back only the one keyed within the window.
    expect(seen.map((r) => r.map((x) => x.id))).toEqual([[soon.id]]);
    // A wider window reaches the other open contract, and still nothing else.
    seen.length = 0;
    const year = unwrap(await tc.expiringContracts(T, { asOf: '2026-11-22', withinDays: 300 }));
    expect(year.contracts.map((c) => c.orderId)).toEqual([soon.id, later.id]);
    expect(
      seen
        .flat()
        .map((x) => x.id)
        .sort(),
    ).toEqual([soon.id, later.id].sort());
  });
});
