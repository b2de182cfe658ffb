/**
 * The embedded default store. Transactions are serialised by a FIFO async mutex, so each one
 * sees a consistent state and commits atomically however many async calls interleave; every
 * change is recorded in an undo log and reverted if the transaction's work rejects.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type AgingRow,
  AsyncMutex,
  agingCutoffs,
  type CreditAccount,
  type CreditChange,
  type CreditShortfall,
  checkSequenceRequests,
  Dec,
  type DueOpenItem,
  type IdempotencyClaim,
  type InsertOutcome,
  isValueRange,
  type Json,
  type JsonObject,
  type LedgerVoucher,
  type NewRecord,
  type OutboxMessage,
  QueuedWriteError,
  type RecordQuery,
  type StockLevel,
  type StockLine,
  type StockShortfall,
  type StoredRecord,
  type StorePort,
  sumStockLines,
  type TenantId,
  TradecoreBug,
  type Transaction,
  type UpdateOutcome,
} from '@tradecore/core';
import { type FileSink, openFileSink } from './file';
import {
  type CreditRow,
  indexOpenItem,
  indexRecord,
  indexVoucher,
  key,
  MemoryState,
  type OpenItemRow,
  type StockRow,
} from './state';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Persist to this JSON file: loaded at start if present, rewritten after every commit by
   * writing a temporary file, syncing it and renaming it over the old one, so a crash mid-write
   * leaves either the old or the new snapshot, never a torn one.
   */
  readonly file?: string;
}

const ZERO = new Dec(0);

/**
 * Creates the in-memory store (the embedded default).
 *
 * @example
 * ```ts
 * const store = await createMemoryStore();
 * const app = createTradecore({ store });
 * ```
 */
export async function createMemoryStore(options: MemoryStoreOptions = {}): Promise<MemoryStore> {
  let sink: FileSink | undefined;
  let state = new MemoryState();
  if (options.file) {
    sink = await openFileSink(options.file);
    const loaded = await sink.load();
    if (loaded) state = loaded;
  }
  return new MemoryStore(state, sink);
}

/** The memory adapter's {@link StorePort}. Create it with {@link createMemoryStore}. */
export class MemoryStore implements StorePort {
  /** Adapter name: `memory`. */
  readonly name = 'memory';
  /** Only this process reads the outbox, so commands relay it by default even without subscribers. */
  readonly sharedOutbox = false;
  private readonly mutex = new AsyncMutex();
  private readonly inside = new AsyncLocalStorage<boolean>();
  private closed = false;

  /** @internal Use {@link createMemoryStore}. */
  constructor(
    private readonly state: MemoryState,
    private readonly sink: FileSink | undefined,
  ) {}

  /** Runs `work` in one serialised transaction; see `StorePort.transaction` in `@tradecore/core`. */
  transaction<T>(tenantId: TenantId, work: (tx: Transaction) => Promise<T>): Promise<T> {
    const misuse = this.misuse();
    if (misuse) return Promise.reject(misuse);
    return this.mutex.run(async () => {
      const undo: (() => void)[] = [];
      const tx = new MemoryTransaction(this.state, tenantId, undo);
      try {
        const value = await this.inside.run(true, () => work(tx));
        // A queued write that failed fails the transaction, even if the work caught the error.
        if (tx.failure !== undefined) throw tx.failure;
        tx.finish();
        await this.sink?.save(this.state);
        return value;
      } catch (e) {
        tx.finish();
        for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
        throw e;
      }
    });
  }

  /** Relays committed outbox entries; see `StorePort.relayOutbox` in `@tradecore/core`. */
  relayOutbox(deliver: (message: OutboxMessage) => void, batchSize = 100): Promise<number> {
    const misuse = this.misuse();
    if (misuse) return Promise.reject(misuse);
    return this.mutex.run(async () => {
      let n = 0;
      for (const row of this.state.outbox) {
        if (n >= batchSize) break;
        if (row.published) continue;
        deliver(row.message);
        row.published = true;
        n++;
      }
      if (n > 0) {
        this.state.outbox = this.state.outbox.filter((r) => !r.published);
        await this.sink?.save(this.state);
      }
      return n;
    });
  }

  /** Waits for running transactions, then refuses new ones. */
  async close(): Promise<void> {
    await this.mutex.run(async () => {
      this.closed = true;
    });
  }

  private misuse(): TradecoreBug | undefined {
    if (this.closed) return new TradecoreBug('STORE_CLOSED', 'the memory store was closed');
    if (this.inside.getStore()) {
      return new TradecoreBug(
        'NESTED_TRANSACTION',
        'a transaction was opened inside another transaction of the same memory store; pass the outer transaction instead',
      );
    }
    return undefined;
  }
}

class MemoryTransaction implements Transaction {
  private done = false;
  /** A queued write that failed: the transaction must not commit. */
  failure: QueuedWriteError | undefined;
  readonly records: Transaction['records'];
  readonly stock: Transaction['stock'];
  readonly credit: Transaction['credit'];
  readonly sequences: Transaction['sequences'];
  readonly ledger: Transaction['ledger'];
  readonly outbox: Transaction['outbox'];
  readonly idempotency: Transaction['idempotency'];

  constructor(
    s: MemoryState,
    readonly tenantId: TenantId,
    undo: (() => void)[],
  ) {
    const t = tenantId as string;
    const live = () => {
      if (this.done)
        throw new TradecoreBug(
          'TRANSACTION_FINISHED',
          'this transaction has already committed or rolled back',
        );
    };
    const setMap = <K, V>(m: Map<K, V>, k: K, v: V) => {
      const had = m.has(k);
      const old = m.get(k);
      m.set(k, v);
      undo.push(() => (had ? m.set(k, old as V) : m.delete(k)));
    };
    /** The open-item lists of some accounts of this tenant (each once), or of all of them. */
    const openItemLists = (accountIds?: readonly string[]): [string, readonly OpenItemRow[]][] => {
      if (accountIds !== undefined)
        return [...new Set(accountIds)].map((id) => [
          id,
          s.openItemsByAccount.get(key(t, id)) ?? [],
        ]);
      const prefix = key(t, '');
      const out: [string, readonly OpenItemRow[]][] = [];
      for (const [k, list] of s.openItemsByAccount)
        if (k.startsWith(prefix)) out.push([k.slice(prefix.length), list]);
      return out;
    };

    const insert = (r: NewRecord): InsertOutcome => {
      live();
      const k = key(t, r.kind, r.id);
      if (s.records.has(k)) return 'duplicate-id';
      const number = r.number ?? null;
      if (number !== null && s.numbers.has(key(t, r.kind, number))) return 'duplicate-number';
      const rec: StoredRecord = {
        kind: r.kind,
        id: r.id,
        tenantId,
        version: 1,
        number,
        data: r.data,
        key: r.key ?? null,
      };
      setMap(s.records, k, rec);
      if (indexRecord(s, t, r.kind, k))
        undo.push(() => s.recordsOfKind.get(key(t, r.kind))?.delete(k));
      if (number !== null) setMap(s.numbers, key(t, r.kind, number), r.id);
      return 'inserted';
    };

    const update = (
      kind: string,
      id: string,
      expectedVersion: number,
      data: JsonObject,
      number?: string | null,
      rangeKey?: string | null,
    ): UpdateOutcome => {
      live();
      const k = key(t, kind, id);
      const cur = s.records.get(k);
      if (!cur || cur.version !== expectedVersion) return { status: 'conflict' };
      const nextNumber = number === undefined ? cur.number : number;
      if (nextNumber !== cur.number) {
        if (nextNumber !== null) {
          const owner = s.numbers.get(key(t, kind, nextNumber));
          if (owner !== undefined && owner !== id) {
            throw new TradecoreBug(
              'DUPLICATE_NUMBER',
              `number ${nextNumber} of ${kind} is already used by ${owner}`,
            );
          }
          setMap(s.numbers, key(t, kind, nextNumber), id);
        }
        if (cur.number !== null) {
          const nk = key(t, kind, cur.number);
          const old = s.numbers.get(nk);
          s.numbers.delete(nk);
          undo.push(() => s.numbers.set(nk, old as string));
        }
      }
      const rec: StoredRecord = {
        ...cur,
        version: cur.version + 1,
        data,
        number: nextNumber,
        key: rangeKey === undefined ? cur.key : rangeKey,
      };
      setMap(s.records, k, rec);
      return { status: 'updated', version: rec.version };
    };

    this.records = {
      get: async (kind, id) => {
        live();
        return s.records.get(key(t, kind, id));
      },
      getMany: async (kind, ids) => {
        live();
        const out: StoredRecord[] = [];
        for (const id of new Set(ids)) {
          const r = s.records.get(key(t, kind, id));
          if (r) out.push(r);
        }
        return out;
      },
      getRefs: async (refs) => {
        live();
        const out: StoredRecord[] = [];
        const seen = new Set<string>();
        for (const ref of refs) {
          const k = key(t, ref.kind, ref.id);
          if (seen.has(k)) continue;
          seen.add(k);
          const r = s.records.get(k);
          if (r) out.push(r);
        }
        return out;
      },
      getByNumber: async (kind, number) => {
        live();
        const id = s.numbers.get(key(t, kind, number));
        return id === undefined ? undefined : s.records.get(key(t, kind, id));
      },
      insert: async (r: NewRecord) => insert(r),
      update: async (kind, id, expectedVersion, data, number, rangeKey) =>
        update(kind, id, expectedVersion, data, number, rangeKey),
      // Queued writes apply at once here (nothing to batch in memory); a failure is thrown now.
      queueInsert: (r: NewRecord) => {
        const outcome = insert(r);
        if (outcome !== 'inserted') {
          throw this.fail(
            new QueuedWriteError({ kind: r.kind, id: r.id, outcome, number: r.number ?? null }),
          );
        }
      },
      queueUpdate: (kind, id, expectedVersion, data, rangeKey) => {
        const r = update(kind, id, expectedVersion, data, undefined, rangeKey);
        if (r.status === 'conflict')
          throw this.fail(new QueuedWriteError({ kind, id, outcome: 'conflict', expectedVersion }));
      },
      // Nothing waits here: a queued write that failed has thrown already, and throws again.
      sendQueued: async () => {
        live();
        if (this.failure !== undefined) throw this.failure;
      },
      find: async (q: RecordQuery) => {
        live();
        const out: StoredRecord[] = [];
        const where = Object.entries(q.where ?? {});
        const atMost = q.keyAtMost;
        for (const k of s.recordsOfKind.get(key(t, q.kind)) ?? []) {
          const r = s.records.get(k) as StoredRecord;
          // A record loaded from a snapshot older than keys has none recorded (undefined): it
          // is kept, since its key is unknown; `null` is a known absence.
          if (atMost !== undefined && r.key !== undefined && (r.key === null || r.key > atMost))
            continue;
          if (where.every(([f, v]) => r.data[f] === v)) out.push(r);
        }
        out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        return q.limit === undefined ? out : out.slice(0, q.limit);
      },
    };

    const stockRow = (productId: string, warehouseId: string): StockRow => {
      const k = key(t, productId, warehouseId);
      let row = s.stock.get(k);
      if (!row) {
        row = { productId, warehouseId, onHand: ZERO, reserved: ZERO };
        setMap(s.stock, k, row);
      }
      return row;
    };
    const levelOf = (r: StockRow): StockLevel => ({ ...r });
    const batch = (
      lines: readonly StockLine[],
      fits: (r: StockLevel, q: Dec) => boolean,
      next: (r: StockLevel, q: Dec) => [Dec, Dec],
    ): StockLevel[] | StockShortfall => {
      live();
      const summed = sumStockLines(lines);
      const current = summed.map((l): StockLevel => {
        const row = s.stock.get(key(t, l.productId, l.warehouseId));
        return row
          ? levelOf(row)
          : { productId: l.productId, warehouseId: l.warehouseId, onHand: ZERO, reserved: ZERO };
      });
      for (const [i, l] of summed.entries()) {
        if (!fits(current[i] as StockLevel, l.qty))
          return { level: current[i] as StockLevel, requested: l.qty };
      }
      return summed.map((l) => {
        const row = stockRow(l.productId, l.warehouseId);
        const [onHand, reserved] = next(row, l.qty);
        changeStock(row, onHand, reserved);
        return levelOf(row);
      });
    };
    const changeStock = (row: StockRow, onHand: Dec, reserved: Dec) => {
      const [o, r] = [row.onHand, row.reserved];
      row.onHand = onHand;
      row.reserved = reserved;
      undo.push(() => {
        row.onHand = o;
        row.reserved = r;
      });
    };
    this.stock = {
      level: async (p, w) => {
        live();
        const row = s.stock.get(key(t, p, w));
        return row ? levelOf(row) : { productId: p, warehouseId: w, onHand: ZERO, reserved: ZERO };
      },
      adjust: async (p, w, delta) => {
        live();
        const row = stockRow(p, w);
        changeStock(row, row.onHand.plus(delta), row.reserved);
        return levelOf(row);
      },
      reserve: async (p, w, qty): Promise<StockLevel | StockShortfall> => {
        live();
        const row = stockRow(p, w);
        if (row.onHand.minus(row.reserved).lessThan(qty))
          return { level: levelOf(row), requested: qty };
        changeStock(row, row.onHand, row.reserved.plus(qty));
        return levelOf(row);
      },
      release: async (p, w, qty) => {
        live();
        const row = stockRow(p, w);
        if (row.reserved.lessThan(qty)) return { level: levelOf(row), requested: qty };
        changeStock(row, row.onHand, row.reserved.minus(qty));
        return levelOf(row);
      },
      issueReserved: async (p, w, qty) => {
        live();
        const row = stockRow(p, w);
        if (row.reserved.lessThan(qty)) return { level: levelOf(row), requested: qty };
        changeStock(row, row.onHand.minus(qty), row.reserved.minus(qty));
        return levelOf(row);
      },
      reserveAll: async (lines) =>
        batch(
          lines,
          (r, q) => !r.onHand.minus(r.reserved).lessThan(q),
          (r, q) => [r.onHand, r.reserved.plus(q)],
        ),
      releaseAll: async (lines) =>
        batch(
          lines,
          (r, q) => !r.reserved.lessThan(q),
          (r, q) => [r.onHand, r.reserved.minus(q)],
        ),
      issueReservedAll: async (lines) =>
        batch(
          lines,
          (r, q) => !r.reserved.lessThan(q),
          (r, q) => [r.onHand.minus(q), r.reserved.minus(q)],
        ),
    };

    const accountOf = (r: CreditRow): CreditAccount => ({ ...r });
    const changeRow = <R extends object>(row: R, patch: Partial<R>) => {
      const old = { ...row };
      Object.assign(row, patch);
      undo.push(() => Object.assign(row, old));
    };
    this.credit = {
      account: async (id) => {
        live();
        const row = s.credit.get(key(t, id));
        return row ? accountOf(row) : undefined;
      },
      children: async (parentId) => {
        live();
        const out: CreditAccount[] = [];
        const prefix = key(t, '');
        for (const [k, row] of s.credit) {
          if (k.startsWith(prefix) && row.parentId === parentId) out.push(accountOf(row));
        }
        return out.sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
      },
      save: async (settings) => {
        live();
        const k = key(t, settings.accountId);
        const row = s.credit.get(k);
        if (row) {
          const moves = row.parentId !== settings.parentId || row.currency !== settings.currency;
          if (
            moves &&
            !(row.orders.isZero() && row.uninvoiced.isZero() && row.receivables.isZero())
          ) {
            return 'open-exposure';
          }
          changeRow(row, { ...settings });
          return accountOf(row);
        }
        const fresh: CreditRow = { ...settings, orders: ZERO, uninvoiced: ZERO, receivables: ZERO };
        setMap(s.credit, k, fresh);
        return accountOf(fresh);
      },
      change: async (c: CreditChange): Promise<CreditAccount[] | CreditShortfall> => {
        live();
        const present: CreditRow[] = [];
        let cur = s.credit.get(key(t, c.accountId));
        let missing = cur === undefined;
        while (cur) {
          if (present.includes(cur))
            throw new TradecoreBug(
              'CREDIT_CYCLE',
              `credit accounts form a cycle at ${cur.accountId}`,
            );
          present.push(cur);
          if (cur.parentId === null) break;
          const parent: CreditRow | undefined = s.credit.get(key(t, cur.parentId));
          if (!parent) missing = true;
          cur = parent;
        }
        const refuse = () => ({ accounts: present.map(accountOf), requested: c.amount });
        if (missing) return refuse();
        for (const r of present) {
          if (r.currency !== c.currency) return refuse();
          if (c.from !== null && r[c.from].lessThan(c.amount)) return refuse();
          if (c.check) {
            if (r.frozen) return refuse();
            if (r.limit !== null) {
              let exposure = ZERO;
              for (const b of c.check.counted) {
                exposure = exposure.plus(r[b]);
                if (b === c.to) exposure = exposure.plus(c.amount);
                if (b === c.from) exposure = exposure.minus(c.amount);
              }
              const temporary =
                r.temporaryUntil !== null && c.check.asOf < r.temporaryUntil ? r.temporary : ZERO;
              if (exposure.greaterThan(r.limit.plus(r.deposit).plus(temporary))) return refuse();
            }
          }
        }
        for (const r of present) {
          const patch: Partial<CreditRow> = {};
          if (c.from !== null) patch[c.from] = r[c.from].minus(c.amount);
          if (c.to !== null) patch[c.to] = (patch[c.to] ?? r[c.to]).plus(c.amount);
          changeRow(r, patch);
        }
        return present.map(accountOf);
      },
      addOpenItem: async (item) => {
        live();
        const k = key(t, item.itemId);
        if (s.openItems.has(k))
          throw new TradecoreBug('DUPLICATE_OPEN_ITEM', `open item ${item.itemId} exists`);
        undo.push(indexOpenItem(s, t, k, { ...item, residual: item.amount }));
      },
      settleOpenItem: async (itemId, amount) => {
        live();
        const row = s.openItems.get(key(t, itemId));
        if (!row || row.residual.lessThan(amount)) return undefined;
        changeRow(row, { residual: row.residual.minus(amount) });
        return { ...row };
      },
      openItemsOf: async (sourceKind, sourceId) => {
        live();
        return (s.openItemsBySource.get(key(t, sourceKind, sourceId)) ?? [])
          .filter((row) => row.residual.greaterThan(0))
          .map((row) => ({ ...row }))
          .sort((a, b) =>
            a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.itemId < b.itemId ? -1 : 1,
          );
      },
      overdue: async (accountIds, beforeDate) => {
        live();
        let amount = ZERO;
        let oldest: string | null = null;
        let count = 0;
        for (const id of new Set(accountIds)) {
          for (const row of s.openItemsByAccount.get(key(t, id)) ?? []) {
            if (!row.residual.greaterThan(0) || row.dueDate >= beforeDate) continue;
            amount = amount.plus(row.residual);
            count++;
            if (oldest === null || row.dueDate < oldest) oldest = row.dueDate;
          }
        }
        return { amount, oldestDueDate: oldest, count };
      },
      aging: async (query) => {
        live();
        // cut[0] = asOf; bucket i holds due dates in [cut[i + 1], cut[i]); see agingCutoffs.
        const cut = agingCutoffs(query.asOf, query.bounds);
        const n = query.bounds.length;
        const rows: AgingRow[] = [];
        for (const [accountId, list] of openItemLists(query.accountIds)) {
          let notDue = ZERO;
          const buckets = Array.from({ length: n + 1 }, () => ZERO);
          let total = ZERO;
          let count = 0;
          let oldest = '';
          for (const row of list) {
            if (!row.residual.greaterThan(0)) continue;
            const due = row.dueDate;
            if (due >= query.asOf) notDue = notDue.plus(row.residual);
            else {
              let i = 0;
              while (i < n && due < (cut[i + 1] as string)) i++;
              buckets[i] = (buckets[i] as Dec).plus(row.residual);
            }
            total = total.plus(row.residual);
            count++;
            if (oldest === '' || due < oldest) oldest = due;
          }
          if (count === 0) continue;
          const currency = s.credit.get(key(t, accountId))?.currency ?? null;
          rows.push({ accountId, currency, notDue, buckets, total, count, oldestDueDate: oldest });
        }
        return rows.sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
      },
      dueItems: async (query) => {
        live();
        const out: DueOpenItem[] = [];
        for (const [accountId, list] of openItemLists(query.accountIds)) {
          const currency = s.credit.get(key(t, accountId))?.currency ?? null;
          for (const row of list) {
            if (row.residual.greaterThan(0) && row.dueDate <= query.through)
              out.push({ ...row, currency });
          }
        }
        return out
          .sort((a, b) =>
            a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.itemId < b.itemId ? -1 : 1,
          )
          .slice(0, Math.max(0, Math.floor(query.limit)));
      },
    };

    this.sequences = {
      next: async (series) => {
        live();
        const k = key(t, series);
        const n = (s.sequences.get(k) ?? 0) + 1;
        setMap(s.sequences, k, n);
        return n;
      },
      nextMany: async (requests) => {
        live();
        checkSequenceRequests(requests);
        return requests.map(({ series, count }) => {
          const k = key(t, series);
          const first = (s.sequences.get(k) ?? 0) + 1;
          setMap(s.sequences, k, first + count - 1);
          return first;
        });
      },
      giveBack: async (series, first, last) => {
        live();
        const k = key(t, series);
        const now = s.sequences.get(k) ?? 0;
        if (!isValueRange(first, last) || now !== last) {
          throw new TradecoreBug(
            'SEQUENCE_GIVE_BACK',
            `cannot give back ${first}…${last} of series ${series}, whose last value is ${now}`,
          );
        }
        setMap(s.sequences, k, first - 1);
      },
    };

    this.ledger = {
      post: async (v: LedgerVoucher) => {
        live();
        undo.push(indexVoucher(s, t, v));
      },
      vouchersFor: async (kind, id) => {
        live();
        return [...(s.vouchersBySource.get(key(t, kind, id)) ?? [])];
      },
      balances: async (partyId) => {
        live();
        const sums = new Map<
          string,
          { account: string; currency: string; debit: Dec; credit: Dec }
        >();
        for (const row of s.balances.values()) {
          if (row.tenantId !== t) continue;
          if (partyId !== undefined && row.partyId !== partyId) continue;
          const k = key(row.account, row.currency);
          const acc = sums.get(k) ?? {
            account: row.account,
            currency: row.currency,
            debit: ZERO,
            credit: ZERO,
          };
          acc.debit = acc.debit.plus(row.debit);
          acc.credit = acc.credit.plus(row.credit);
          sums.set(k, acc);
        }
        return [...sums.values()]
          .filter((b) => !(b.debit.isZero() && b.credit.isZero()))
          .sort((a, b) =>
            a.account < b.account
              ? -1
              : a.account > b.account
                ? 1
                : a.currency < b.currency
                  ? -1
                  : 1,
          );
      },
    };

    this.outbox = {
      add: async (entries) => {
        live();
        for (const e of entries) {
          const row = { seq: ++s.outboxSeq, message: { ...e, tenantId }, published: false };
          s.outbox.push(row);
          undo.push(() => {
            const i = s.outbox.indexOf(row);
            if (i >= 0) s.outbox.splice(i, 1);
          });
        }
      },
    };

    this.idempotency = {
      claim: async (k, request): Promise<IdempotencyClaim> => {
        live();
        const ik = key(t, k);
        const row = s.idempotency.get(ik);
        if (row?.completed)
          return { status: 'done', request: row.request, response: row.response as Json };
        setMap(s.idempotency, ik, { request, response: null, completed: false });
        return { status: 'new' };
      },
      complete: async (k, response) => {
        live();
        const ik = key(t, k);
        const row = s.idempotency.get(ik);
        if (!row)
          throw new TradecoreBug(
            'IDEMPOTENCY_NOT_CLAIMED',
            `key ${k} was not claimed in this transaction`,
          );
        setMap(s.idempotency, ik, { ...row, response, completed: true });
      },
    };
  }

  private fail(e: QueuedWriteError): QueuedWriteError {
    this.failure ??= e;
    return e;
  }

  finish(): void {
    this.done = true;
  }
}
