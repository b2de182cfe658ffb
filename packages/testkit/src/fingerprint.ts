/**
 * A fingerprint of everything a tenant has in a store, read through the port in a
 * rolled-back transaction — used to prove that a rejected command changed nothing.
 */
import type { StorePort, TenantId } from '@tradecore/core';
import { peek } from './harness';

const KINDS = [
  'customer',
  'product',
  'warehouse',
  'price-list',
  'sales-order',
  'delivery',
  'invoice',
  'receipt',
  'write-off',
];
const SERIES = ['SO', 'DN', 'INV', 'RC', 'WO', 'V'].map((p) => `${p}:202611`);

/** Everything the tenant holds, as comparable JSON text. */
export function fingerprint(
  store: StorePort,
  tenant: TenantId,
  pairs: readonly [string, string][] = [
    ['P1', 'W'],
    ['P2', 'W'],
  ],
  parties: readonly string[] = ['HQ', 'SUB'],
): Promise<string> {
  return peek<string>(store, tenant, async (tx) => {
    const out: Record<string, unknown> = {};
    for (const k of KINDS) {
      out[k] = (await tx.records.find({ kind: k })).map((r) => [r.id, r.version, r.number, r.data]);
    }
    for (const [p, w] of pairs) {
      const l = await tx.stock.level(p, w);
      out[`stock:${p}:${w}`] = [l.onHand.toFixed(), l.reserved.toFixed()];
    }
    for (const c of parties) {
      const a = await tx.credit.account(c);
      out[`credit:${c}`] = a
        ? [
            a.currency,
            a.limit?.toFixed() ?? null,
            a.orders.toFixed(),
            a.uninvoiced.toFixed(),
            a.receivables.toFixed(),
            a.deposit.toFixed(),
            a.frozen,
          ]
        : null;
    }
    out.balances = (await tx.ledger.balances()).map((b) => [
      b.account,
      b.currency,
      b.debit.toFixed(),
      b.credit.toFixed(),
    ]);
    for (const s of SERIES) out[`seq:${s}`] = await tx.sequences.next(s);
    return JSON.stringify(out);
  });
}
