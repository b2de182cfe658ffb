/**
 * The memory adapter's state: plain maps keyed by tenant, plus a snapshot codec for the
 * optional JSON file.
 *
 * @module
 */
import {
  Dec,
  type JsonObject,
  type LedgerVoucher,
  type OutboxMessage,
  type StoredRecord,
} from '@tradecore/core';

/** Mutable stock row. */
export interface StockRow {
  productId: string;
  warehouseId: string;
  onHand: Dec;
  reserved: Dec;
}

/** Mutable credit account (settings and buckets). */
export interface CreditRow {
  accountId: string;
  parentId: string | null;
  currency: string;
  limit: Dec | null;
  temporary: Dec;
  temporaryUntil: string | null;
  deposit: Dec;
  frozen: boolean;
  orders: Dec;
  uninvoiced: Dec;
  receivables: Dec;
}

/** Mutable open item. */
export interface OpenItemRow {
  itemId: string;
  accountId: string;
  sourceKind: string;
  sourceId: string;
  dueDate: string;
  amount: Dec;
  residual: Dec;
}

/** Running totals of one (tenant, account, currency, party). */
export interface BalanceRow {
  tenantId: string;
  account: string;
  currency: string;
  partyId: string;
  debit: Dec;
  credit: Dec;
}

/** Idempotency row. */
export interface IdempotencyRow {
  request: string;
  response: JsonObject | null | string | number | boolean | unknown[];
  completed: boolean;
}

/** Outbox row with its commit-order sequence. */
export interface OutboxRow {
  seq: number;
  message: OutboxMessage;
  published: boolean;
}

/** Everything the memory store holds. Keys embed the tenant id first. */
export class MemoryState {
  records = new Map<string, StoredRecord>();
  /** Derived: the keys in `records` of each (tenant, kind), so `find` reads one kind only. */
  recordsOfKind = new Map<string, Set<string>>();
  numbers = new Map<string, string>();
  stock = new Map<string, StockRow>();
  credit = new Map<string, CreditRow>();
  /** Open items by (tenant, item id). */
  openItems = new Map<string, OpenItemRow>();
  /** Derived: open items by (tenant, account id) and by (tenant, source kind, source id). */
  openItemsByAccount = new Map<string, OpenItemRow[]>();
  /** Derived: open items by (tenant, source kind, source id). */
  openItemsBySource = new Map<string, OpenItemRow[]>();
  sequences = new Map<string, number>();
  /** Vouchers per tenant, in posting order (the source of truth). */
  vouchers = new Map<string, LedgerVoucher[]>();
  /** Derived: vouchers per (tenant, source kind, source id). */
  vouchersBySource = new Map<string, LedgerVoucher[]>();
  /** Derived: running totals per (tenant, account, currency, party). */
  balances = new Map<string, BalanceRow>();
  outbox: OutboxRow[] = [];
  outboxSeq = 0;
  idempotency = new Map<string, IdempotencyRow>();
}

/**
 * Adds the record at `recordKey` to its (tenant, kind) index; `true` if it was not there (an
 * insert), so a rolled-back insert can take it out again.
 */
export function indexRecord(s: MemoryState, tenantId: string, kind: string, recordKey: string) {
  const k = key(tenantId, kind);
  let keys = s.recordsOfKind.get(k);
  if (keys === undefined) {
    keys = new Set();
    s.recordsOfKind.set(k, keys);
  }
  if (keys.has(recordKey)) return false;
  keys.add(recordKey);
  return true;
}

/** Joins key parts with a separator that cannot occur in ids. */
export function key(...parts: string[]): string {
  return parts.join('\u0000');
}

interface Snapshot {
  format: 'tradecore-memory';
  version: 1;
  records: StoredRecord[];
  stock: [string, { productId: string; warehouseId: string; onHand: string; reserved: string }][];
  credit: [string, Record<keyof CreditRow, string | boolean | null>][];
  openItems: [string, Record<keyof OpenItemRow, string>][];
  sequences: [string, number][];
  vouchers: [string, SnapshotVoucher[]][];
  outbox: OutboxRow[];
  outboxSeq: number;
  idempotency: [string, IdempotencyRow][];
}

type SnapshotVoucher = Omit<LedgerVoucher, 'lines'> & {
  lines: {
    account: string;
    debit: string;
    credit: string;
    currency: string;
    partyId: string | null;
  }[];
};

/** Serialises the whole state to JSON text. Decimals become exact strings. */
export function toSnapshot(s: MemoryState): string {
  const snap: Snapshot = {
    format: 'tradecore-memory',
    version: 1,
    records: [...s.records.values()],
    stock: [...s.stock].map(([k, r]) => [
      k,
      {
        productId: r.productId,
        warehouseId: r.warehouseId,
        onHand: r.onHand.toFixed(),
        reserved: r.reserved.toFixed(),
      },
    ]),
    credit: [...s.credit].map(([k, r]) => [
      k,
      mapValues(r, (v) =>
        Dec.isDecimal(v) ? (v as Dec).toFixed() : (v as string | boolean | null),
      ),
    ]),
    openItems: [...s.openItems].map(([k, r]) => [
      k,
      mapValues(r, (v) => (Dec.isDecimal(v) ? (v as Dec).toFixed() : (v as string))),
    ]),
    sequences: [...s.sequences],
    vouchers: [...s.vouchers].map(([k, vs]) => [
      k,
      vs.map((v) => ({
        ...v,
        lines: v.lines.map((l) => ({
          account: l.account,
          debit: l.debit.toFixed(),
          credit: l.credit.toFixed(),
          currency: l.currency,
          partyId: l.partyId ?? null,
        })),
      })),
    ]),
    outbox: s.outbox.filter((r) => !r.published),
    outboxSeq: s.outboxSeq,
    idempotency: [...s.idempotency].filter(([, r]) => r.completed),
  };
  return JSON.stringify(snap);
}

/** Rebuilds state from {@link toSnapshot}'s text; throws if the text is not a snapshot. */
export function fromSnapshot(text: string): MemoryState {
  const snap = JSON.parse(text) as Snapshot;
  if (snap.format !== 'tradecore-memory' || snap.version !== 1) {
    throw new Error(
      'adapters-memory: the file is not a Tradecore memory snapshot (format/version)',
    );
  }
  const s = new MemoryState();
  for (const r of snap.records) {
    s.records.set(key(r.tenantId, r.kind, r.id), r);
    indexRecord(s, r.tenantId, r.kind, key(r.tenantId, r.kind, r.id));
    if (r.number !== null) s.numbers.set(key(r.tenantId, r.kind, r.number), r.id);
  }
  for (const [k, r] of snap.stock) {
    s.stock.set(k, {
      productId: r.productId,
      warehouseId: r.warehouseId,
      onHand: new Dec(r.onHand),
      reserved: new Dec(r.reserved),
    });
  }
  const dec = (v: unknown) => new Dec(v as string);
  for (const [k, r] of snap.credit) {
    s.credit.set(k, {
      accountId: r.accountId as string,
      parentId: r.parentId as string | null,
      currency: r.currency as string,
      limit: r.limit === null ? null : dec(r.limit),
      temporary: dec(r.temporary),
      temporaryUntil: r.temporaryUntil as string | null,
      deposit: dec(r.deposit),
      frozen: r.frozen as boolean,
      orders: dec(r.orders),
      uninvoiced: dec(r.uninvoiced),
      receivables: dec(r.receivables),
    });
  }
  for (const [k, r] of snap.openItems) {
    const tenantId = k.slice(0, k.indexOf('\u0000'));
    indexOpenItem(s, tenantId, k, { ...r, amount: dec(r.amount), residual: dec(r.residual) });
  }
  s.sequences = new Map(snap.sequences);
  for (const [tenantId, vs] of snap.vouchers) {
    for (const v of vs) {
      indexVoucher(s, tenantId, {
        ...v,
        lines: v.lines.map((l) => ({ ...l, debit: new Dec(l.debit), credit: new Dec(l.credit) })),
      });
    }
  }
  s.outbox = snap.outbox;
  s.outboxSeq = snap.outboxSeq;
  s.idempotency = new Map(snap.idempotency);
  return s;
}

/** Appends a voucher to the tenant's journal and updates the derived indexes; returns an undo. */
export function indexVoucher(s: MemoryState, tenantId: string, v: LedgerVoucher): () => void {
  const list = s.vouchers.get(tenantId) ?? [];
  list.push(v);
  s.vouchers.set(tenantId, list);
  const sk = key(tenantId, v.sourceKind, v.sourceId);
  const bySource = s.vouchersBySource.get(sk) ?? [];
  bySource.push(v);
  s.vouchersBySource.set(sk, bySource);
  const touched: [BalanceRow, Dec, Dec][] = [];
  for (const l of v.lines) {
    const bk = key(tenantId, l.account, l.currency, l.partyId ?? '');
    let row = s.balances.get(bk);
    if (!row) {
      row = {
        tenantId,
        account: l.account,
        currency: l.currency,
        partyId: l.partyId ?? '',
        debit: new Dec(0),
        credit: new Dec(0),
      };
      s.balances.set(bk, row);
    }
    touched.push([row, row.debit, row.credit]);
    row.debit = row.debit.plus(l.debit);
    row.credit = row.credit.plus(l.credit);
  }
  return () => {
    for (let i = touched.length - 1; i >= 0; i--) {
      const [row, d, c] = touched[i]!;
      row.debit = d;
      row.credit = c;
    }
    bySource.pop();
    list.pop();
  };
}

function mapValues<T extends object, V>(o: T, f: (v: T[keyof T]) => V): Record<keyof T, V> {
  const out = {} as Record<keyof T, V>;
  for (const k of Object.keys(o) as (keyof T)[]) out[k] = f(o[k]);
  return out;
}

/** Adds an open item and its derived indexes; returns an undo. */
export function indexOpenItem(
  s: MemoryState,
  tenantId: string,
  k: string,
  row: OpenItemRow,
): () => void {
  s.openItems.set(k, row);
  const byAccount = key(tenantId, row.accountId);
  const bySource = key(tenantId, row.sourceKind, row.sourceId);
  const a = s.openItemsByAccount.get(byAccount) ?? [];
  a.push(row);
  s.openItemsByAccount.set(byAccount, a);
  const b = s.openItemsBySource.get(bySource) ?? [];
  b.push(row);
  s.openItemsBySource.set(bySource, b);
  return () => {
    s.openItems.delete(k);
    a.splice(a.indexOf(row), 1);
    b.splice(b.indexOf(row), 1);
  };
}
