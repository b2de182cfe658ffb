/**
 * The PostgreSQL store: {@link StorePort} over a {@link SqlDriver} (node-postgres or PGlite).
 *
 * Concurrency comes from the database, not from a Node lock: every atomic contract of the port
 * is one conditional statement (a guarded `UPDATE … RETURNING`, or an `INSERT … ON CONFLICT`),
 * so it holds across processes at READ COMMITTED.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type AccountBalance,
  type AgingRow,
  AsyncMutex,
  agingCutoffs,
  type CreditAccount,
  type CreditBucket,
  type CreditChange,
  type CreditShortfall,
  checkSequenceRequests,
  Dec,
  type DueOpenItem,
  type IdempotencyClaim,
  type InsertOutcome,
  isQueuedWriteError,
  isValueRange,
  type Json,
  type JsonObject,
  type LedgerLine,
  type LedgerVoucher,
  type NewRecord,
  type OpenItem,
  type OutboxEntry,
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
import type { IsolationLevel, SqlDriver, SqlExecutor } from './driver';
import { migrate, quoteSchema } from './migrations';
import { buildStatements, type Statements, TABLES } from './statements';

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions {
  /** The database, from {@link fromPgPool} or {@link fromPGlite}. */
  readonly driver: SqlDriver;
  /** Schema holding the adapter's tables; must match `/^[a-z_][a-z0-9_]{0,62}$/`. Default `tradecore`. */
  readonly schema?: string;
  /** Run {@link migrate} before returning the store. Default `false` (migrate at deploy time). */
  readonly migrate?: boolean;
  /**
   * Isolation level of every transaction. Default `read committed`: the adapter's atomic
   * statements need nothing stronger. With `serializable`, a serialization failure (SQLSTATE
   * 40001) runs the work again, like a deadlock, up to five times; then it surfaces.
   */
  readonly isolation?: IsolationLevel;
  /**
   * Run {@link PostgresStore.maintain} after every this many committed transactions (relays
   * included). Default 5,000 on PGlite (which has no autovacuum) and 0 (off) on a server.
   */
  readonly maintenanceEvery?: number;
  /**
   * Receives errors of automatic maintenance (which runs after a commit, in the background, so
   * it cannot fail the transaction). Default: `console.warn`.
   */
  readonly onMaintenanceError?: (error: unknown) => void;
}

/**
 * Creates the PostgreSQL store on a driver.
 *
 * @example
 * ```ts
 * const driver = fromPgPool(new pg.Pool({ connectionString: process.env.DATABASE_URL }));
 * await migrate(driver, { schema: 'tradecore' });
 * const store = await createPostgresStore({ driver });
 * const app = createTradecore({ store });
 * ```
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const store = new PostgresStore(options);
  if (options.migrate) await migrate(options.driver, { schema: store.schema });
  return store;
}

const ZERO = new Dec(0);

/** How often a transaction aborted by a deadlock or a serialization failure is tried. */
const MAX_TRANSIENT_ATTEMPTS = 5;

/** A deadlock (40P01) or serialization failure (40001), directly or as a swallowed statement's cause. */
function isTransient(e: unknown): boolean {
  const code = (x: unknown) =>
    typeof x === 'object' && x !== null ? (x as { code?: unknown }).code : undefined;
  const c = code(e);
  if (c === '40P01' || c === '40001') return true;
  const cause =
    typeof e === 'object' && e !== null
      ? (e as { details?: { cause?: unknown } }).details?.cause
      : undefined;
  const cc = code(cause);
  return cc === '40P01' || cc === '40001';
}

function toDec(v: unknown): Dec {
  return new Dec(String(v));
}

interface StockRow {
  on_hand: string;
  reserved: string;
}

interface CreditRow {
  account_id: string;
  parent_id: string | null;
  currency: string;
  credit_limit: string | null;
  temporary: string;
  temporary_until: string | null;
  deposit: string;
  frozen: boolean;
  orders: string;
  uninvoiced: string;
  receivables: string;
}

interface OpenItemRow {
  item_id: string;
  account_id: string;
  source_kind: string;
  source_id: string;
  due_date: string;
  amount: string;
  residual: string;
}

interface RecordRow {
  id?: string;
  version: number | string;
  number: string | null;
  data: string;
}

interface VoucherRow {
  seq: string;
  id: string;
  number: string;
  posted_at: string;
  source_kind: string;
  source_id: string;
  memo: string;
  line_no: number | null;
  account: string | null;
  debit: string | null;
  credit: string | null;
  currency: string | null;
  party_id: string | null;
}

interface OutboxRow {
  seq: string;
  tenant_id: string;
  id: string;
  type: string;
  payload: string;
  occurred_at: string;
}

/**
 * The PostgreSQL adapter's {@link StorePort}. Create it with {@link createPostgresStore}; its
 * `name` is the driver's (`postgres` or `pglite`).
 */
export class PostgresStore implements StorePort {
  /** Adapter name: `postgres` on a server, `pglite` on PGlite. */
  readonly name: string;
  /** Several processes may relay the outbox, so commands relay it only while they have subscribers. */
  readonly sharedOutbox = true;
  /** The schema holding the adapter's tables. */
  readonly schema: string;
  private readonly relays = new AsyncMutex();
  private readonly driver: SqlDriver;
  private readonly sql: Statements;
  private readonly isolation: IsolationLevel;
  private readonly maintenanceEvery: number;
  private readonly onMaintenanceError: (error: unknown) => void;
  private readonly inside = new AsyncLocalStorage<boolean>();
  private readonly running = new Set<Promise<unknown>>();
  private commits = 0;
  private maintenance: Promise<void> | undefined;
  private closed = false;

  /** Prefer {@link createPostgresStore}; the constructor does not migrate. */
  constructor(options: PostgresStoreOptions) {
    this.schema = options.schema ?? 'tradecore';
    this.sql = buildStatements(quoteSchema(this.schema));
    this.driver = options.driver;
    this.name = options.driver.name;
    this.isolation = options.isolation ?? 'read committed';
    const every = options.maintenanceEvery ?? (options.driver.name === 'pglite' ? 5000 : 0);
    if (!Number.isSafeInteger(every) || every < 0) {
      throw new TradecoreBug(
        'INVALID_OPTION',
        `maintenanceEvery must be an integer ≥ 0, got ${every}`,
      );
    }
    this.maintenanceEvery = every;
    this.onMaintenanceError =
      options.onMaintenanceError ??
      ((e) => console.warn('[@tradecore/adapters-postgres] automatic maintenance failed:', e));
  }

  /** Runs `work` in one database transaction; see `StorePort.transaction` in `@tradecore/core`. */
  transaction<T>(tenantId: TenantId, work: (tx: Transaction) => Promise<T>): Promise<T> {
    this.assertUsable();
    return this.track(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.attempt(tenantId, work);
        } catch (e) {
          // PostgreSQL aborted the transaction to break a deadlock or a serialization conflict:
          // nothing was committed, so the work runs again (the port allows it).
          if (!isTransient(e) || attempt >= MAX_TRANSIENT_ATTEMPTS) throw e;
          await new Promise((r) => setTimeout(r, attempt * 3));
        }
      }
    });
  }

  private async attempt<T>(tenantId: TenantId, work: (tx: Transaction) => Promise<T>): Promise<T> {
    {
      const value = await this.driver.transaction(
        async (ex) => {
          const tx = new PostgresTransaction(this.sql, ex, tenantId);
          try {
            const v = await this.inside.run(true, () => work(tx));
            // The collected void writes go out last; an aborted transaction has nothing to send.
            if (tx.failure === undefined) await tx.flush();
            tx.finish();
            // A queued write that did not apply (and was swallowed): the same error as unswallowed.
            if (isQueuedWriteError(tx.failure)) throw tx.failure;
            if (tx.failure !== undefined) {
              throw new TradecoreBug(
                'TRANSACTION_ABORTED',
                'a statement of this transaction failed, so PostgreSQL aborted it; it was rolled back although the work resolved',
                { cause: tx.failure },
              );
            }
            return v;
          } catch (e) {
            tx.finish();
            // A deadlock or serialization failure met while the work was failing (e.g. when a
            // failing command sends its queued writes to see whether it worked from stale
            // records) decides: the work runs again, as after any transient failure.
            if (isTransient(tx.failure) && !isTransient(e)) throw tx.failure;
            throw e;
          }
        },
        { isolation: this.isolation },
      );
      this.committed();
      return value;
    }
  }

  /**
   * Relays committed outbox entries (see `StorePort.relayOutbox` in `@tradecore/core`).
   *
   * One statement takes the relay's advisory lock (so relays of this schema run one at a time,
   * in every process), claims up to `batchSize` unpublished entries and marks them published;
   * they are then delivered in `seq` order. If `deliver` throws, that entry and the ones after
   * it are marked unpublished again and the error propagates. A process that dies between the
   * mark and the delivery loses those deliveries with its own in-process subscribers.
   *
   * `seq` is taken at insert time, so under concurrency a transaction that inserted later may
   * commit (and be relayed) before one that inserted earlier: delivery follows `seq` among the
   * entries visible at relay time, which can differ slightly from commit order.
   */
  relayOutbox(deliver: (message: OutboxMessage) => void, batchSize = 100): Promise<number> {
    this.assertUsable();
    const limit = Math.max(0, Math.floor(batchSize));
    // Relays of one store take turns in this process so its subscribers see seq order; across
    // processes the advisory lock in the statement keeps each entry to one relay.
    return this.relays.run(() =>
      this.track(async () => {
        const { rows } = await this.driver.query<OutboxRow>(
          this.sql.outboxTake,
          [`${this.schema}.outbox`, limit],
          { prepare: true },
        );
        rows.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
        for (const [i, r] of rows.entries()) {
          try {
            deliver({
              id: r.id,
              type: r.type,
              payload: JSON.parse(r.payload) as JsonObject,
              occurredAt: r.occurred_at,
              tenantId: r.tenant_id as TenantId,
            });
          } catch (e) {
            // Entries from the failing one on were not delivered: hand them back to the next relay.
            await this.driver.query(this.sql.outboxUnmark, [rows.slice(i).map((x) => x.seq)]);
            throw e;
          }
        }
        if (rows.length > 0) this.committed();
        return rows.length;
      }),
    );
  }

  /**
   * Deletes outbox entries published before `publishedBefore` (published entries are kept,
   * with their `published_at`, until pruned). Returns the number deleted.
   */
  async pruneOutbox(publishedBefore: Date): Promise<number> {
    this.assertUsable();
    return this.track(async () => {
      const { rows } = await this.driver.query(this.sql.outboxPrune, [
        publishedBefore.toISOString(),
      ]);
      return rows.length;
    });
  }

  /**
   * Runs `VACUUM (ANALYZE)` on every non-empty table of the adapter (empty tables are skipped:
   * statistics taken at zero rows mislead the planner once they fill). PGlite has no
   * autovacuum, so the store calls this itself every `maintenanceEvery` commits there; call it
   * after a bulk load too. On a server, autovacuum normally makes it unnecessary.
   */
  maintain(): Promise<void> {
    this.assertUsable();
    return this.runMaintenance();
  }

  /** Waits for running transactions, then closes the driver. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.running.size > 0 || this.maintenance) {
      await Promise.allSettled([...this.running, this.maintenance]);
    }
    await this.driver.close();
  }

  private runMaintenance(): Promise<void> {
    if (this.maintenance) return this.maintenance;
    const job = (async () => {
      const { rows } = await this.driver.query<Record<string, boolean>>(this.sql.nonEmptyTables);
      const present = rows[0] ?? {};
      for (const t of TABLES) {
        if (present[t] === true) await this.driver.exec(this.sql.vacuum[t]);
      }
    })();
    this.maintenance = job.finally(() => {
      this.maintenance = undefined;
    });
    return this.maintenance;
  }

  private committed(): void {
    if (this.maintenanceEvery === 0) return;
    this.commits++;
    if (this.commits % this.maintenanceEvery === 0 && !this.maintenance && !this.closed) {
      this.runMaintenance().catch((e: unknown) => this.onMaintenanceError(e));
    }
  }

  private track<T>(fn: () => Promise<T>): Promise<T> {
    const p = fn();
    this.running.add(p);
    const done = () => {
      this.running.delete(p);
    };
    p.then(done, done);
    return p;
  }

  private assertUsable(): void {
    if (this.closed) throw new TradecoreBug('STORE_CLOSED', `the ${this.name} store was closed`);
    if (this.inside.getStore()) {
      throw new TradecoreBug(
        'NESTED_TRANSACTION',
        `a transaction was opened inside another transaction of the same ${this.name} store; pass the outer transaction instead`,
      );
    }
  }
}

function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';
}

class PostgresTransaction implements Transaction {
  private done = false;
  /** The first statement error seen: PostgreSQL has aborted the transaction. */
  failure: unknown;
  readonly records: Transaction['records'];
  readonly stock: Transaction['stock'];
  readonly credit: Transaction['credit'];
  readonly sequences: Transaction['sequences'];
  readonly ledger: Transaction['ledger'];
  readonly outbox: Transaction['outbox'];
  readonly idempotency: Transaction['idempotency'];

  /** The void writes collected since the last flush (see {@link PostgresTransaction.flush}). */
  private pending = emptyPending();
  /**
   * Credit accounts this transaction holds — locked by a change it made, until it ends — as they
   * stand with its own changes, by id; and the chain (the account, then its groups upwards) of
   * each held account. An unchecked change of a held chain is decided on these rows, which
   * nobody else can change meanwhile, and its net effect written with the write-behind.
   */
  /** Sources (`kind\0id`) of open items this transaction added and has sent already. */
  private readonly sentOpenItemSources = new Set<string>();
  private readonly held = {
    accounts: new Map<string, CreditAccount>(),
    chains: new Map<string, readonly string[]>(),
  };
  private readonly sql: Statements;
  private readonly ex: SqlExecutor;

  constructor(
    sql: Statements,
    ex: SqlExecutor,
    readonly tenantId: TenantId,
  ) {
    this.sql = sql;
    this.ex = ex;
    const t = tenantId as string;
    const live = () => {
      if (this.done) {
        throw new TradecoreBug(
          'TRANSACTION_FINISHED',
          'this transaction has already committed or rolled back',
        );
      }
    };
    // Point reads and writes run prepared (parsed and planned once per connection); reports
    // over a whole tenant (find, aging, due and overdue items, balances) are planned per call,
    // for their values.
    const q = async <R>(
      text: string,
      params: unknown[],
      prepare = true,
      reads: 'deferred' | undefined = undefined,
    ): Promise<R[]> => {
      live();
      // Queued record writes are not in the tables these reads cover: they may wait.
      if (reads === 'deferred' && this.hasDeferredOtherThanRecords()) await this.flush();
      try {
        return (await ex.query<R>(text, params, { prepare })).rows;
      } catch (e) {
        this.failure ??= e;
        throw e;
      }
    };

    const toRecord = (kind: string, id: string, r: RecordRow): StoredRecord => ({
      kind,
      id,
      tenantId,
      version: Number(r.version),
      number: r.number,
      data: JSON.parse(r.data) as JsonObject,
    });
    // Reads see the queued record writes: what is queued is sent first when a read could see it
    // (a read of a queued record, or a query over its kind). Reads of other records do not wait.
    const sendIf = async (queued: boolean) => {
      live();
      if (queued) await this.flush('records');
    };
    this.records = {
      get: async (kind, id) => {
        await sendIf(this.hasQueued(kind, [id]));
        const [r] = await q<RecordRow>(sql.recordGet, [t, kind, id]);
        return r ? toRecord(kind, id, r) : undefined;
      },
      getMany: async (kind, ids) => {
        const unique = [...new Set(ids)];
        if (unique.length === 0) return [];
        await sendIf(this.hasQueued(kind, unique));
        const rows = await q<RecordRow>(sql.recordGetMany, [t, kind, unique]);
        return rows.map((r) => toRecord(kind, String(r.id), r));
      },
      getRefs: async (refs) => {
        const seen = new Set<string>();
        const kinds: string[] = [];
        const ids: string[] = [];
        for (const ref of refs) {
          const k = `${ref.kind}\u0000${ref.id}`;
          if (seen.has(k)) continue;
          seen.add(k);
          kinds.push(ref.kind);
          ids.push(ref.id);
        }
        if (ids.length === 0) return [];
        await sendIf(refs.some((x) => this.hasQueued(x.kind, [x.id])));
        const rows = await q<RecordRow & { kind: string }>(sql.recordGetRefs, [t, kinds, ids]);
        return rows.map((r) => toRecord(r.kind, String(r.id), r));
      },
      getByNumber: async (kind, number) => {
        await sendIf(this.hasQueued(kind));
        const [r] = await q<RecordRow>(sql.recordGetByNumber, [t, kind, number]);
        return r ? toRecord(kind, String(r.id), r) : undefined;
      },
      insert: async (r: NewRecord): Promise<InsertOutcome> => {
        await sendIf(this.hasQueued(r.kind));
        const data = JSON.stringify(r.data);
        const ins = await q(sql.recordInsert, [
          t,
          r.kind,
          r.id,
          r.number ?? null,
          data,
          r.key ?? null,
        ]);
        if (ins.length > 0) return 'inserted';
        const exists = await q(sql.recordExists, [t, r.kind, r.id]);
        return exists.length > 0 ? 'duplicate-id' : 'duplicate-number';
      },
      update: async (
        kind,
        id,
        expectedVersion,
        data: JsonObject,
        number?: string | null,
        rangeKey?: string | null,
      ): Promise<UpdateOutcome> => {
        await sendIf(this.hasQueued(kind, [id]) || (number !== undefined && this.hasQueued(kind)));
        const json = JSON.stringify(data);
        const setKey = rangeKey !== undefined;
        const keyValue = rangeKey ?? null;
        let rows: { version: number | string }[];
        try {
          rows =
            number === undefined
              ? await q(sql.recordUpdateKeepNumber, [
                  t,
                  kind,
                  id,
                  expectedVersion,
                  json,
                  setKey,
                  keyValue,
                ])
              : await q(sql.recordUpdateSetNumber, [
                  t,
                  kind,
                  id,
                  expectedVersion,
                  json,
                  number,
                  setKey,
                  keyValue,
                ]);
        } catch (e) {
          // A concurrent insert took the number between the guard and the write.
          if (isUniqueViolation(e)) throw duplicateNumber(kind, number ?? null);
          throw e;
        }
        const [row] = rows;
        if (row) return { status: 'updated', version: Number(row.version) };
        if (number !== undefined && number !== null) {
          const [cur] = await q<{ version: number | string }>(sql.recordVersion, [t, kind, id]);
          if (cur && Number(cur.version) === expectedVersion) throw duplicateNumber(kind, number);
        }
        return { status: 'conflict' };
      },
      find: async (query: RecordQuery) => {
        await sendIf(this.hasQueued(query.kind));
        const limit = query.limit === undefined ? null : Math.max(0, Math.floor(query.limit));
        const where = JSON.stringify(query.where ?? {});
        const rows = await q<RecordRow>(
          query.keyAtMost === undefined ? sql.recordFind : sql.recordFindKeyAtMost,
          query.keyAtMost === undefined
            ? [t, query.kind, where, limit]
            : [t, query.kind, where, limit, query.keyAtMost],
          false,
        );
        return rows.map((r) => toRecord(query.kind, String(r.id), r));
      },
      queueInsert: (r: NewRecord) => {
        live();
        this.queueRecord('insert', r.kind, r.id, 0, r.data, r.number ?? null, r.key ?? null);
      },
      queueUpdate: (kind, id, expectedVersion, data, rangeKey) => {
        live();
        this.queueRecord('update', kind, id, expectedVersion, data, null, rangeKey);
      },
      sendQueued: async () => {
        live();
        // A queued write that failed, or a statement that failed (PostgreSQL then runs nothing
        // more): the transaction can only roll back.
        if (this.failure !== undefined) throw this.failure;
        await this.flush('records');
      },
    };

    const level = (p: string, w: string, r: StockRow | undefined): StockLevel => ({
      productId: p,
      warehouseId: w,
      onHand: r ? toDec(r.on_hand) : ZERO,
      reserved: r ? toDec(r.reserved) : ZERO,
    });
    const checked = async (
      text: string,
      p: string,
      w: string,
      qty: Dec,
    ): Promise<StockLevel | StockShortfall> => {
      const [r] = await q<StockRow>(text, [t, p, w, qty.toFixed()]);
      if (r) return level(p, w, r);
      const [cur] = await q<StockRow>(sql.stockLevel, [t, p, w]);
      return { level: level(p, w, cur), requested: qty };
    };
    const checkedAll = async (
      text: string,
      lines: readonly StockLine[],
      fits: (l: StockLevel, q: Dec) => boolean,
    ): Promise<StockLevel[] | StockShortfall> => {
      const summed = sumStockLines(lines);
      const args = [
        t,
        summed.map((l) => l.productId),
        summed.map((l) => l.warehouseId),
        summed.map((l) => l.qty.toFixed()),
      ];
      const rows = await q<StockRow & { product_id: string; warehouse_id: string }>(text, args);
      if (rows.length === summed.length) {
        const byKey = new Map(rows.map((r) => [`${r.product_id}\u0000${r.warehouse_id}`, r]));
        return summed.map((l) =>
          level(l.productId, l.warehouseId, byKey.get(`${l.productId}\u0000${l.warehouseId}`)),
        );
      }
      // Refused: report a line that does not fit (against the current committed levels).
      const now = await q<StockRow & { product_id: string; warehouse_id: string }>(
        sql.stockMany,
        args.slice(0, 3),
      );
      const byKey = new Map(now.map((r) => [`${r.product_id}\u0000${r.warehouse_id}`, r]));
      for (const l of summed) {
        const cur = level(
          l.productId,
          l.warehouseId,
          byKey.get(`${l.productId}\u0000${l.warehouseId}`),
        );
        if (!fits(cur, l.qty)) return { level: cur, requested: l.qty };
      }
      const first = summed[0] as StockLine;
      return {
        level: level(
          first.productId,
          first.warehouseId,
          byKey.get(`${first.productId}\u0000${first.warehouseId}`),
        ),
        requested: first.qty,
      };
    };
    this.stock = {
      level: async (p, w) => {
        const [r] = await q<StockRow>(sql.stockLevel, [t, p, w]);
        return level(p, w, r);
      },
      adjust: async (p, w, delta) => {
        const [r] = await q<StockRow>(sql.stockAdjust, [t, p, w, delta.toFixed()]);
        return level(p, w, r);
      },
      reserveAll: (lines) =>
        checkedAll(sql.stockReserveAll, lines, (l, q) => !l.onHand.minus(l.reserved).lessThan(q)),
      releaseAll: (lines) =>
        checkedAll(sql.stockReleaseAll, lines, (l, q) => !l.reserved.lessThan(q)),
      issueReservedAll: (lines) =>
        checkedAll(sql.stockIssueAll, lines, (l, q) => !l.reserved.lessThan(q)),
      reserve: (p, w, qty) => checked(sql.stockReserve, p, w, qty),
      release: (p, w, qty) => checked(sql.stockRelease, p, w, qty),
      issueReserved: (p, w, qty) => checked(sql.stockIssue, p, w, qty),
    };

    const account = (r: CreditRow): CreditAccount => ({
      accountId: r.account_id,
      parentId: r.parent_id,
      currency: r.currency,
      limit: r.credit_limit === null ? null : toDec(r.credit_limit),
      temporary: toDec(r.temporary),
      temporaryUntil: r.temporary_until,
      deposit: toDec(r.deposit),
      frozen: r.frozen === true || String(r.frozen) === 't' || String(r.frozen) === 'true',
      orders: toDec(r.orders),
      uninvoiced: toDec(r.uninvoiced),
      receivables: toDec(r.receivables),
    });
    const openItem = (r: OpenItemRow): OpenItem => ({
      itemId: r.item_id,
      accountId: r.account_id,
      sourceKind: r.source_kind,
      sourceId: r.source_id,
      dueDate: r.due_date,
      amount: toDec(r.amount),
      residual: toDec(r.residual),
    });
    // Reads of credit accounts see this transaction's held changes: written first.
    // Only them: the other collected writes keep waiting (no lock on balance rows yet).
    const sendCredit = async () => {
      if (this.pending.credit.size > 0) await this.flush('credit');
    };
    this.credit = {
      account: async (id) => {
        await sendCredit();
        const [r] = await q<CreditRow>(sql.creditGet, [t, id]);
        return r ? account(r) : undefined;
      },
      children: async (parentId) => {
        await sendCredit();
        return (await q<CreditRow>(sql.creditChildren, [t, parentId])).map(account);
      },
      save: async (a) => {
        await sendCredit();
        // Its settings (the parent among them) may change: chains are taken again.
        this.held.accounts.clear();
        this.held.chains.clear();
        const [r] = await q<CreditRow>(sql.creditSave, [
          t,
          a.accountId,
          a.parentId,
          a.currency,
          a.limit === null ? null : a.limit.toFixed(),
          a.temporary.toFixed(),
          a.temporaryUntil,
          a.deposit.toFixed(),
          a.frozen,
        ]);
        return r ? account(r) : 'open-exposure';
      },
      change: async (c: CreditChange): Promise<CreditAccount[] | CreditShortfall> => {
        const chain = c.check === null ? this.held.chains.get(c.accountId) : undefined;
        if (chain !== undefined) {
          live();
          return this.changeHeld(chain, c);
        }
        await sendCredit();
        const counted = c.check?.counted ?? [];
        const delta = (c.to !== null && counted.includes(c.to) ? c.amount : ZERO).minus(
          c.from !== null && counted.includes(c.from) ? c.amount : ZERO,
        );
        const rows = await q<CreditRow & { depth: number | string }>(sql.creditChange, [
          t,
          c.accountId,
          c.amount.toFixed(),
          c.from,
          c.to,
          c.check !== null,
          counted,
          delta.toFixed(),
          c.check?.asOf ?? '',
          c.currency,
        ]);
        if (rows.length > 0) {
          const after = rows.sort((x, y) => Number(x.depth) - Number(y.depth)).map(account);
          this.hold(after);
          return after;
        }
        const now = await q<CreditRow>(sql.creditPath, [t, c.accountId]);
        return { accounts: now.map(account), requested: c.amount };
      },
      addOpenItem: async (item) => {
        live();
        if (this.pending.openItems.some((o) => o.itemId === item.itemId)) {
          throw new TradecoreBug('DUPLICATE_OPEN_ITEM', `open item ${item.itemId} already exists`);
        }
        this.pending.openItems.push({ ...item, residual: item.amount });
      },
      settleOpenItem: async (itemId, amount) => {
        // An item added in this transaction and not sent yet is settled where it waits.
        const i = this.pending.openItems.findIndex((o) => o.itemId === itemId);
        if (i >= 0) {
          live();
          // PostgreSQL aborted the transaction: nothing more is decided in it.
          if (this.failure !== undefined) throw this.failure;
          const item = this.pending.openItems[i] as OpenItem;
          if (item.residual.lessThan(amount)) return undefined;
          const after = { ...item, residual: item.residual.minus(amount) };
          this.pending.openItems[i] = after;
          return { ...after };
        }
        const [r] = await q<OpenItemRow>(sql.openItemSettle, [t, itemId, amount.toFixed()]);
        return r ? openItem(r) : undefined;
      },
      openItemsOf: async (kind, id, options) => {
        // With the items added in this transaction and not sent yet, in the same order. Taken
        // before the query: a write-behind sent meanwhile (a concurrent call of this
        // transaction) runs after it, so the query would not see them.
        const waiting = this.pending.openItems
          .filter((o) => o.sourceKind === kind && o.sourceId === id && o.residual.greaterThan(0))
          .map((o) => ({ ...o }));
        // All of the source's items were added here and none has been sent: no query.
        if (options?.addedHere === true && !this.sentOpenItemSources.has(`${kind}\u0000${id}`)) {
          live();
          return waiting.sort(byDueDate);
        }
        const stored = (await q<OpenItemRow>(sql.openItemsOf, [t, kind, id])).map(openItem);
        if (waiting.length === 0) return stored;
        const sent = new Set(stored.map((o) => o.itemId));
        return [...stored, ...waiting.filter((o) => !sent.has(o.itemId))].sort(byDueDate);
      },
      overdue: async (accountIds, beforeDate) => {
        const [r] = await q<{ amount: string; oldest: string | null; n: number | string }>(
          sql.overdue,
          [t, [...accountIds], beforeDate],
          true,
          'deferred',
        );
        return {
          amount: toDec(r?.amount ?? '0'),
          oldestDueDate: r?.oldest ?? null,
          count: Number(r?.n ?? 0),
        };
      },
      aging: async (query) => {
        // $2 … are the due-date cut-offs: asOf, then asOf − each bound (see agingCutoffs).
        const cutoffs = agingCutoffs(query.asOf, query.bounds);
        const n = query.bounds.length;
        const filtered = query.accountIds !== undefined;
        const params: unknown[] = [t, ...cutoffs];
        if (filtered) params.push([...new Set(query.accountIds)]);
        const rows = await q<Record<string, string | number | null>>(
          sql.aging(n, filtered),
          params,
          false,
          'deferred',
        );
        return rows.map(
          (r): AgingRow => ({
            accountId: String(r.account_id),
            currency: r.currency === null || r.currency === undefined ? null : String(r.currency),
            notDue: toDec(r.not_due),
            buckets: Array.from({ length: n + 1 }, (_, i) => toDec(r[`b${i}`])),
            total: toDec(r.total),
            count: Number(r.n),
            oldestDueDate: String(r.oldest),
          }),
        );
      },
      dueItems: async (query) => {
        const limit = Math.max(0, Math.floor(query.limit));
        const rows =
          query.accountIds === undefined
            ? await q<OpenItemRow & { currency: string | null }>(
                sql.dueItemsAll,
                [t, query.through, limit],
                false,
                'deferred',
              )
            : await q<OpenItemRow & { currency: string | null }>(
                sql.dueItemsOf,
                [t, query.through, limit, [...new Set(query.accountIds)]],
                false,
                'deferred',
              );
        return rows.map((r): DueOpenItem => ({ ...openItem(r), currency: r.currency ?? null }));
      },
    };

    this.sequences = {
      next: async (series) => {
        const [r] = await q<{ value: string }>(sql.sequenceNext, [t, series]);
        if (!r) throw new TradecoreBug('NO_ROW_RETURNED', 'sequence upsert returned no row');
        return Number(r.value);
      },
      nextMany: async (requests) => {
        live();
        checkSequenceRequests(requests);
        if (requests.length === 0) return [];
        const rows = await q<{ series: string; value: string }>(sql.sequenceNextMany, [
          t,
          requests.map((r) => r.series),
          requests.map((r) => r.count),
        ]);
        const last = new Map(rows.map((r) => [r.series, Number(r.value)]));
        return requests.map(({ series, count }) => {
          const l = last.get(series);
          if (l === undefined)
            throw new TradecoreBug(
              'NO_ROW_RETURNED',
              `sequence upsert returned no row for ${series}`,
            );
          return l - count + 1;
        });
      },
      giveBack: async (series, first, last) => {
        live();
        const refuse = () =>
          new TradecoreBug(
            'SEQUENCE_GIVE_BACK',
            `cannot give back ${first}…${last} of series ${series}: ${last} is not its last value`,
          );
        if (!isValueRange(first, last)) throw refuse();
        const rows = await q(sql.sequenceGiveBack, [t, series, first, last]);
        if (rows.length !== 1) throw refuse();
      },
    };

    this.ledger = {
      post: async (v: LedgerVoucher) => {
        live();
        this.pending.vouchers.push(v);
      },
      vouchersFor: async (kind, id) => {
        const rows = await q<VoucherRow>(sql.ledgerVouchersFor, [t, kind, id], true, 'deferred');
        const out: LedgerVoucher[] = [];
        let seq: string | undefined;
        let lines: LedgerLine[] = [];
        for (const r of rows) {
          if (r.seq !== seq) {
            seq = r.seq;
            lines = [];
            out.push({
              id: r.id,
              number: r.number,
              postedAt: r.posted_at,
              sourceKind: r.source_kind,
              sourceId: r.source_id,
              memo: r.memo,
              lines,
            });
          }
          if (r.line_no === null || r.account === null) continue;
          lines.push({
            account: r.account,
            debit: toDec(r.debit),
            credit: toDec(r.credit),
            currency: String(r.currency),
            partyId: r.party_id,
          });
        }
        return out;
      },
      balances: async (partyId) => {
        const rows = await q<{ account: string; currency: string; debit: string; credit: string }>(
          partyId === undefined ? sql.ledgerBalances : sql.ledgerBalancesParty,
          partyId === undefined ? [t] : [t, partyId],
          false,
          'deferred',
        );
        return rows.map(
          (r): AccountBalance => ({
            account: r.account,
            currency: r.currency,
            debit: toDec(r.debit),
            credit: toDec(r.credit),
          }),
        );
      },
    };

    this.outbox = {
      add: async (entries: readonly OutboxEntry[]) => {
        live();
        this.pending.outbox.push(...entries);
      },
    };

    this.idempotency = {
      claim: async (key, request): Promise<IdempotencyClaim> => {
        const claimed = await q(sql.idemClaim, [t, key, request], true, 'deferred');
        if (claimed.length > 0) return { status: 'new' };
        const [r] = await q<{ request: string; response: string | null; completed: boolean }>(
          sql.idemGet,
          [t, key],
        );
        if (!r) throw new TradecoreBug('NO_ROW_RETURNED', `idempotency key ${key} vanished`);
        return {
          status: 'done',
          request: r.request,
          response: (r.response === null ? null : JSON.parse(r.response)) as Json,
        };
      },
      complete: async (key, response) => {
        live();
        this.pending.completions.push({ key, response: JSON.stringify(response) });
      },
    };
  }

  /**
   * Sends the collected void writes — `ledger.post`, `credit.addOpenItem`, `outbox.add`,
   * `idempotency.complete` — as one statement. The store calls it before COMMIT, and the
   * transaction calls it before any statement that reads those tables, so the transaction
   * always reads its own writes. Nothing else reads them, and no statement of this transaction
   * depends on their outcome; their errors (a duplicate voucher number, an unclaimed
   * idempotency key) therefore surface here and fail the transaction as they would have at the
   * call. The queued record writes and the held credit accounts' net changes go with them;
   * `only` sends just the one or the other (before a read of records, or of credit accounts).
   */
  async flush(only?: 'records' | 'credit'): Promise<void> {
    let p = this.pending;
    if (only === 'records') {
      if (p.records.size === 0) return;
      // The other collected writes stay for later (no lock on shared balance rows yet).
      this.pending = { ...p, records: new Map() };
      p = { ...emptyPending(), records: p.records };
    } else if (only === 'credit') {
      if (p.credit.size === 0) return;
      this.pending = { ...p, credit: new Map() };
      p = { ...emptyPending(), credit: p.credit };
    } else {
      if (
        p.vouchers.length === 0 &&
        p.openItems.length === 0 &&
        p.outbox.length === 0 &&
        p.completions.length === 0 &&
        p.records.size === 0 &&
        p.credit.size === 0
      ) {
        return;
      }
      this.pending = emptyPending();
    }
    const inserts: PendingRecord[] = [];
    const updates: PendingRecord[] = [];
    for (const r of p.records.values()) (r.op === 'insert' ? inserts : updates).push(r);
    // Updates lock their rows in key order, like every other multi-row write of this adapter.
    updates.sort((a, b) => cmp(a.kind, b.kind) || cmp(a.id, b.id));
    const parts = {
      vouchers: p.vouchers.length > 0,
      openItems: p.openItems.length > 0,
      outbox: p.outbox.length > 0,
      completions: p.completions.length > 0,
      recordInserts: inserts.length > 0,
      recordUpdates: updates.length > 0,
      credit: p.credit.size > 0,
    };
    const params: unknown[] = [this.tenantId];
    if (parts.vouchers) {
      const lines = p.vouchers.flatMap((v) =>
        v.lines.map((l, i) => ({ voucherId: v.id, lineNo: i + 1, line: l })),
      );
      params.push(
        p.vouchers.map((v) => v.id),
        p.vouchers.map((v) => v.number),
        p.vouchers.map((v) => v.postedAt),
        p.vouchers.map((v) => v.sourceKind),
        p.vouchers.map((v) => v.sourceId),
        p.vouchers.map((v) => v.memo),
        lines.map((l) => l.voucherId),
        lines.map((l) => l.lineNo),
        lines.map((l) => l.line.account),
        lines.map((l) => l.line.debit.toFixed()),
        lines.map((l) => l.line.credit.toFixed()),
        lines.map((l) => l.line.currency),
        lines.map((l) => l.line.partyId ?? null),
      );
    }
    if (parts.openItems) {
      for (const o of p.openItems)
        this.sentOpenItemSources.add(`${o.sourceKind}\u0000${o.sourceId}`);
      params.push(
        p.openItems.map((o) => o.itemId),
        p.openItems.map((o) => o.accountId),
        p.openItems.map((o) => o.sourceKind),
        p.openItems.map((o) => o.sourceId),
        p.openItems.map((o) => o.dueDate),
        p.openItems.map((o) => o.amount.toFixed()),
        p.openItems.map((o) => o.residual.toFixed()),
      );
    }
    if (parts.outbox) {
      params.push(
        JSON.stringify(
          p.outbox.map((e) => ({
            id: e.id,
            type: e.type,
            payload: e.payload,
            occurredAt: e.occurredAt,
          })),
        ),
      );
    }
    if (parts.completions) {
      params.push(
        p.completions.map((c) => c.key),
        p.completions.map((c) => c.response),
      );
    }
    if (parts.recordInserts) {
      params.push(
        inserts.map((r) => r.kind),
        inserts.map((r) => r.id),
        inserts.map((r) => r.number),
        inserts.map((r) => r.version),
        inserts.map((r) => JSON.stringify(r.data)),
        inserts.map((r) => r.key ?? null),
      );
    }
    if (parts.recordUpdates) {
      params.push(
        updates.map((r) => r.kind),
        updates.map((r) => r.id),
        updates.map((r) => r.expected),
        updates.map((r) => r.version),
        updates.map((r) => JSON.stringify(r.data)),
        updates.map((r) => r.key !== undefined),
        updates.map((r) => r.key ?? null),
      );
    }
    if (parts.credit) {
      const deltas = [...p.credit];
      params.push(
        deltas.map(([id]) => id),
        deltas.map(([, d]) => d.orders.toFixed()),
        deltas.map(([, d]) => d.uninvoiced.toFixed()),
        deltas.map(([, d]) => d.receivables.toFixed()),
      );
    }
    let completed: number;
    let credited: number;
    let written: { inserted: string[][]; updated: string[][] };
    try {
      const { rows } = await this.ex.query<{
        completed: number | string;
        credited: number | string;
        inserted: string | null;
        updated: string | null;
      }>(this.sql.writeBehind(parts), params, { prepare: true });
      completed = Number(rows[0]?.completed ?? 0);
      credited = Number(rows[0]?.credited ?? 0);
      written = {
        inserted: JSON.parse(rows[0]?.inserted ?? '[]') as string[][],
        updated: JSON.parse(rows[0]?.updated ?? '[]') as string[][],
      };
    } catch (e) {
      this.failure ??= e;
      throw e;
    }
    if (written.inserted.length !== inserts.length || written.updated.length !== updates.length) {
      const e = await this.queuedFailure(inserts, updates, written);
      this.failure ??= e;
      throw e;
    }
    if (credited !== p.credit.size) {
      const e = new TradecoreBug(
        'CREDIT_WRITE_BEHIND',
        `${p.credit.size - credited} held credit account(s) were not found to change`,
      );
      this.failure ??= e;
      throw e;
    }
    if (completed !== new Set(p.completions.map((c) => c.key)).size) {
      const claimed = p.completions.map((c) => c.key).join(', ');
      const e = new TradecoreBug(
        'IDEMPOTENCY_NOT_CLAIMED',
        `an idempotency key among ${claimed} was completed without being claimed in this transaction`,
      );
      this.failure ??= e;
      throw e;
    }
  }

  /**
   * Which queued record write was not applied, and why (a follow-up read on failure only). A
   * lost update is reported first: the command worked from a stale record and is retried,
   * whatever else failed with it.
   */
  private async queuedFailure(
    inserts: readonly PendingRecord[],
    updates: readonly PendingRecord[],
    written: { inserted: string[][]; updated: string[][] },
  ): Promise<QueuedWriteError> {
    const done = (list: string[][]) => new Set(list.map(([k, i]) => `${k}\u0000${i}`));
    const upd = done(written.updated);
    const lost = updates.find((r) => !upd.has(`${r.kind}\u0000${r.id}`));
    if (lost) {
      return new QueuedWriteError({
        kind: lost.kind,
        id: lost.id,
        outcome: 'conflict',
        expectedVersion: lost.expected,
      });
    }
    const ins = done(written.inserted);
    const r = inserts.find((x) => !ins.has(`${x.kind}\u0000${x.id}`)) as PendingRecord;
    let exists: boolean;
    try {
      exists =
        (await this.ex.query(this.sql.recordExists, [this.tenantId, r.kind, r.id])).rows.length > 0;
    } catch (e) {
      this.failure ??= e;
      throw e;
    }
    return new QueuedWriteError({
      kind: r.kind,
      id: r.id,
      outcome: exists ? 'duplicate-id' : 'duplicate-number',
      number: r.number,
    });
  }

  /** Whether collected writes other than queued records (vouchers, open items…) wait. */
  hasDeferredOtherThanRecords(): boolean {
    const p = this.pending;
    return (
      p.vouchers.length > 0 ||
      p.openItems.length > 0 ||
      p.outbox.length > 0 ||
      p.completions.length > 0 ||
      p.credit.size > 0
    );
  }

  /** Whether a queued record write of `kind` (and, given, `ids`) waits to be sent. */
  hasQueued(kind: string, ids?: readonly string[]): boolean {
    const r = this.pending.records;
    if (r.size === 0) return false;
    if (ids !== undefined) return ids.some((id) => r.has(`${kind}\u0000${id}`));
    for (const x of r.values()) if (x.kind === kind) return true;
    return false;
  }

  /** Queues a record write, merging it with one already queued for the record. */
  queueRecord(
    op: 'insert' | 'update',
    kind: string,
    id: string,
    expected: number,
    data: JsonObject,
    number: string | null,
    key: string | null | undefined,
  ): void {
    const k = `${kind}\u0000${id}`;
    const cur = this.pending.records.get(k);
    if (cur === undefined) {
      if (op === 'insert') {
        for (const x of this.pending.records.values()) {
          if (number !== null && x.op === 'insert' && x.kind === kind && x.number === number)
            throw this.fail(
              new QueuedWriteError({ kind, id, outcome: 'duplicate-number', number }),
            );
        }
      }
      this.pending.records.set(k, {
        op,
        kind,
        id,
        number,
        expected,
        version: op === 'insert' ? 1 : expected + 1,
        data,
        key,
      });
      return;
    }
    // Sent one by one, a second insert would find the id taken, and an update expecting another
    // version than the queued writes reach would conflict.
    if (op === 'insert')
      throw this.fail(new QueuedWriteError({ kind, id, outcome: 'duplicate-id', number }));
    if (expected !== cur.version) {
      throw this.fail(
        new QueuedWriteError({ kind, id, outcome: 'conflict', expectedVersion: expected }),
      );
    }
    cur.version += 1;
    cur.data = data;
    if (key !== undefined) cur.key = key;
  }

  private fail(e: QueuedWriteError): QueuedWriteError {
    this.failure ??= e;
    return e;
  }

  /**
   * Remembers the chain a change returned (the account first, then its groups upwards): its
   * rows are locked until this transaction ends. Each tail of the chain is the chain of its
   * first account.
   */
  private hold(chain: readonly CreditAccount[]): void {
    // The path is found in the statement's snapshot, the rows returned as they are now: kept
    // only if they still form one chain (an account re-parented meanwhile is looked up again).
    const linked = chain.every((a, i) => a.parentId === (chain[i + 1]?.accountId ?? null));
    if (!linked) {
      // Rows held from other chains may be among these: hold nothing rather than stale rows.
      this.held.accounts.clear();
      this.held.chains.clear();
      return;
    }
    const ids = chain.map((a) => a.accountId);
    for (const a of chain) this.held.accounts.set(a.accountId, a);
    for (let i = 0; i < ids.length; i++) this.held.chains.set(ids[i] as string, ids.slice(i));
  }

  /**
   * An unchecked change of a chain this transaction holds, decided as the change statement
   * would on the rows it locked (same currency, enough in the `from` bucket, on every account)
   * and written with the write-behind.
   */
  private changeHeld(chain: readonly string[], c: CreditChange): CreditAccount[] | CreditShortfall {
    // PostgreSQL aborted the transaction: nothing more is decided in it.
    if (this.failure !== undefined) throw this.failure;
    const accounts = chain.map((id) => this.held.accounts.get(id) as CreditAccount);
    const applies = accounts.every(
      (a) => a.currency === c.currency && (c.from === null || !a[c.from].lessThan(c.amount)),
    );
    if (!applies) return { accounts, requested: c.amount };
    const by = (b: CreditBucket) =>
      (c.to === b ? c.amount : ZERO).minus(c.from === b ? c.amount : ZERO);
    const d: BucketDelta = {
      orders: by('orders'),
      uninvoiced: by('uninvoiced'),
      receivables: by('receivables'),
    };
    return accounts.map((a) => {
      const after: CreditAccount = {
        ...a,
        orders: a.orders.plus(d.orders),
        uninvoiced: a.uninvoiced.plus(d.uninvoiced),
        receivables: a.receivables.plus(d.receivables),
      };
      this.held.accounts.set(a.accountId, after);
      const sum = this.pending.credit.get(a.accountId);
      this.pending.credit.set(
        a.accountId,
        sum === undefined
          ? d
          : {
              orders: sum.orders.plus(d.orders),
              uninvoiced: sum.uninvoiced.plus(d.uninvoiced),
              receivables: sum.receivables.plus(d.receivables),
            },
      );
      return after;
    });
  }

  finish(): void {
    this.done = true;
    this.pending = emptyPending();
    this.held.accounts.clear();
    this.held.chains.clear();
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Open items in `openItemsOf` order: by due date, then id (as the `COLLATE "C"` columns sort). */
function byDueDate(a: OpenItem, b: OpenItem): number {
  return cmp(a.dueDate, b.dueDate) || cmp(a.itemId, b.itemId);
}

/**
 * A queued record write (`queueInsert` / `queueUpdate`), merged with the later queued writes of
 * the same record: an insert followed by updates is inserted once, with the last data, at the
 * version the updates reached; consecutive updates are sent once, from the first one's expected
 * version to the last one's.
 */
interface PendingRecord {
  readonly op: 'insert' | 'update';
  readonly kind: string;
  readonly id: string;
  /** Insert: the number. */
  readonly number: string | null;
  /** Update: the version the first queued update expected. */
  readonly expected: number;
  /** The version the record has once this is written. */
  version: number;
  data: JsonObject;
  /** The range key; for an update, `undefined` keeps the stored one. */
  key: string | null | undefined;
}

interface Pending {
  vouchers: LedgerVoucher[];
  /** Open items added, with what is left of each after settlements made before it was sent. */
  openItems: OpenItem[];
  outbox: OutboxEntry[];
  completions: { key: string; response: string }[];
  /** Queued record writes by `kind\0id`, in the order first queued. */
  records: Map<string, PendingRecord>;
  /** Net bucket changes of held credit accounts (see `PostgresTransaction.held`), by id. */
  credit: Map<string, BucketDelta>;
}

/** A net change of an account's exposure buckets. */
type BucketDelta = Record<CreditBucket, Dec>;

function emptyPending(): Pending {
  return {
    vouchers: [],
    openItems: [],
    outbox: [],
    completions: [],
    records: new Map(),
    credit: new Map(),
  };
}

function duplicateNumber(kind: string, number: string | null): TradecoreBug {
  return new TradecoreBug('DUPLICATE_NUMBER', `number ${number} of ${kind} is already used`, {
    kind,
    number,
  });
}
