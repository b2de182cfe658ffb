/**
 * The unit of work a use case runs in: loads and saves aggregates with their versions,
 * collects domain events for the outbox, numbers documents and posts vouchers — all inside one
 * store transaction.
 *
 * @module
 */
import {
  type AccountMap,
  buildVoucher,
  type PostingLine,
  voucherTotal,
} from '../accounting/voucher';
import type { TradecoreEventMap, TradecoreEventType } from '../events';
import type { TenantId } from '../kernel/brand';
import type { Clock, IdGenerator } from '../kernel/clock';
import { decode, encode, encodeObject } from '../kernel/codec';
import type {
  DuplicateError,
  NotFoundError,
  QueuedWriteFailure,
  VersionConflictError,
} from '../kernel/errors';
import { QueuedWriteError, TradecoreBug } from '../kernel/errors';
import { err, ok, type Result } from '../kernel/result';
import type {
  Json,
  JsonObject,
  JsonPrimitive,
  LedgerVoucher,
  OutboxEntry,
  RecordOps,
  RecordRef,
  SequenceRequest,
  StoredRecord,
  Transaction,
} from '../ports/store';
import { SALES_KINDS, type SalesOrder } from '../sales/documents';
import { contractKey } from '../views/contracts';
import { type ResolvedHooks, resolveHooks, type TransitionContext } from './hooks';

/** Services a use case needs besides the transaction. */
export interface UnitOfWorkDeps {
  /** Clock port. */
  readonly clock: Clock;
  /** Id port. */
  readonly ids: IdGenerator;
  /** Account mapping for vouchers. */
  readonly accounts: AccountMap;
  /** Extension hooks (order machine, guards, approval policy). */
  readonly hooks?: ResolvedHooks;
}

const NO_HOOKS = resolveHooks();

/**
 * The range key an aggregate is stored with (see `NewRecord.key`), for the kinds that have one:
 * a sales order's end date while it is an open contract (`contractKey`). `undefined` for other
 * kinds (no key; an update leaves the stored one alone).
 */
function rangeKeyOf(kind: string, aggregate: unknown): string | null | undefined {
  return kind === SALES_KINDS.order ? contractKey(aggregate as SalesOrder) : undefined;
}

/** The number prefix of vouchers (`V202611-00001`). */
const VOUCHER_PREFIX = 'V';

/**
 * Decoded aggregates by the stored JSON they came from (or were encoded to). A store that hands
 * out the same `data` object for an unchanged record (the memory adapter does) is then decoded
 * once per version instead of once per load; other stores simply miss. Every value here is
 * deeply frozen, so sharing it between units of work — and with callers — is safe.
 */
const decoded = new WeakMap<object, unknown>();

/** Freezes plain objects and arrays, depth first; stops at what is already frozen. */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return value;
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}

/** Decodes a stored record's data, or returns the frozen aggregate already decoded from it. */
function decodeStored<T>(data: JsonObject): T {
  const hit = decoded.get(data);
  if (hit !== undefined) return hit as T;
  const value = deepFreeze(decode<T>(data));
  decoded.set(data, value);
  return value;
}

/** The JSON of frozen parts of aggregates, reused when a later version shares them. */
const encoded = new WeakMap<object, Json>();

/**
 * Encodes an aggregate for the store: freezes it first (so its unchanged parts are encoded once
 * across versions) and remembers which aggregate the JSON stands for.
 */
function encodeStored(aggregate: object): JsonObject {
  const frozen = deepFreeze(aggregate);
  const data = encode(frozen, encoded) as JsonObject;
  decoded.set(data, frozen);
  return data;
}

/**
 * The records a unit of work read ahead ({@link UnitOfWork.prefetch}), by `kind\0id`: the stored
 * record, or `null` when there was none. An entry answers reads until this unit of work writes
 * that record; then reads go to the store again.
 */
type ReadAhead = Map<string, StoredRecord | null>;

const refKey = (kind: string, id: string) => `${kind}\u0000${id}`;

/** Told of every record write made through a unit of work's `tx`: the version it gives. */
type OnWrite = (kind: string, id: string, version: number, number?: string | null) => void;

/**
 * `tx` with reads of records answered from `ahead` where it can, and its record writes reported
 * to `onWrite` (so the unit of work knows the version of a record written by any path).
 */
function readingAhead(tx: Transaction, ahead: ReadAhead, onWrite: OnWrite): Transaction {
  const r = tx.records;
  const known = (keys: readonly string[]) => keys.every((k) => ahead.has(k));
  const fromAhead = (keys: readonly string[]) =>
    [...new Set(keys)].flatMap((k) => {
      const rec = ahead.get(k);
      return rec ? [rec] : [];
    });
  const records: RecordOps = {
    get: async (kind, id) => {
      const k = refKey(kind, id);
      return ahead.has(k) ? (ahead.get(k) ?? undefined) : r.get(kind, id);
    },
    getMany: async (kind, ids) => {
      const keys = ids.map((id) => refKey(kind, id));
      return known(keys) ? fromAhead(keys) : r.getMany(kind, ids);
    },
    getRefs: async (refs) => {
      const keys = refs.map((x) => refKey(x.kind, x.id));
      return known(keys) ? fromAhead(keys) : r.getRefs(refs);
    },
    getByNumber: (kind, number) => r.getByNumber(kind, number),
    find: (query) => r.find(query),
    insert: async (record) => {
      ahead.delete(refKey(record.kind, record.id));
      const outcome = await r.insert(record);
      if (outcome === 'inserted') onWrite(record.kind, record.id, 1, record.number ?? null);
      return outcome;
    },
    update: async (kind, id, expectedVersion, data, number, key) => {
      ahead.delete(refKey(kind, id));
      const outcome = await r.update(kind, id, expectedVersion, data, number, key);
      if (outcome.status === 'updated') onWrite(kind, id, outcome.version, number);
      return outcome;
    },
    queueInsert: (record) => {
      ahead.delete(refKey(record.kind, record.id));
      r.queueInsert(record);
      onWrite(record.kind, record.id, 1, record.number ?? null);
    },
    queueUpdate: (kind, id, expectedVersion, data, key) => {
      ahead.delete(refKey(kind, id));
      r.queueUpdate(kind, id, expectedVersion, data, key);
      onWrite(kind, id, expectedVersion + 1);
    },
    sendQueued: () => r.sendQueued(),
  };
  return {
    tenantId: tx.tenantId,
    records,
    stock: tx.stock,
    credit: tx.credit,
    sequences: tx.sequences,
    ledger: tx.ledger,
    outbox: tx.outbox,
    idempotency: tx.idempotency,
  };
}

/** One use case's view of a transaction. */
export class UnitOfWork {
  /**
   * Each record this unit of work read or wrote, by `kind/id`: its version (0 for one looked up
   * and not found) and number, for saves and {@link checkStale}; `wrote` once it wrote it;
   * `absent` if it once found it missing.
   */
  private readonly known = new Map<
    string,
    {
      kind: string;
      id: string;
      version: number;
      number: string | null;
      wrote: boolean;
      absent: boolean;
      /** Inserted by this unit of work. */
      created?: boolean;
    }
  >();
  private readonly ahead: ReadAhead = new Map();
  private readonly events: OutboxEntry[] = [];
  /** What the next {@link prefetch} reads too ({@link readAheadWithNext}). */
  private readonly withNext: RecordRef[] = [];
  /** Numbers reserved ({@link reserveNumbers}) and not yet drawn: `next … last`, by series. */
  private readonly reserved = new Map<string, { next: number; last: number }>();
  private readonly memos = new Map<string, Promise<unknown>>();
  /** The instant of this unit of work (read once from the clock). */
  readonly now: string;
  /**
   * The underlying transaction (for atomic operations). Reads of records go through what
   * {@link prefetch} read ahead.
   */
  readonly tx: Transaction;
  private readonly raw: Transaction;

  /** Wraps a store transaction. */
  constructor(
    tx: Transaction,
    private readonly deps: UnitOfWorkDeps,
  ) {
    this.raw = tx;
    this.tx = readingAhead(tx, this.ahead, (kind, id, version, number) => {
      const prev = this.known.get(`${kind}/${id}`);
      this.known.set(`${kind}/${id}`, {
        kind,
        id,
        version,
        number: number === undefined ? (prev?.number ?? null) : number,
        wrote: true,
        absent: prev?.absent ?? false,
        // Inserts give version 1, updates a later one.
        created: prev?.created === true || version === 1,
      });
    });
    this.now = deps.clock.now();
  }

  /**
   * Reads the records at `refs` in one store call (those not read ahead already), so the loads
   * that follow are answered without a round trip each. A hint only: what is read ahead is what
   * a load at this moment would have returned, and a record this unit of work writes is read
   * from the store again.
   */
  async prefetch(refs: readonly RecordRef[]): Promise<void> {
    const all = this.withNext.length === 0 ? refs : [...refs, ...this.withNext.splice(0)];
    const wanted = all.filter((x) => !this.ahead.has(refKey(x.kind, x.id)));
    if (wanted.length === 0) return;
    const found = await this.raw.records.getRefs(wanted);
    for (const x of wanted) this.ahead.set(refKey(x.kind, x.id), null);
    for (const rec of found) this.ahead.set(refKey(rec.kind, rec.id), rec);
  }

  /**
   * Adds `refs` to the next {@link prefetch}: a command made of several steps (the quick sale)
   * reads what its later steps need with its first step's read-ahead, in one store call.
   */
  readAheadWithNext(refs: readonly RecordRef[]): void {
    this.withNext.push(...refs);
  }

  /** Whether this unit of work created (inserted) the record. */
  createdHere(kind: string, id: string): boolean {
    return this.known.get(`${kind}/${id}`)?.created === true;
  }

  /** The tenant. */
  get tenantId(): TenantId {
    return this.tx.tenantId;
  }

  /** The account mapping. */
  get accounts(): AccountMap {
    return this.deps.accounts;
  }

  /** Extension hooks. */
  get hooks(): ResolvedHooks {
    return this.deps.hooks ?? NO_HOOKS;
  }

  /** Runs the guards for a transition; the first veto's reason, or `null`. */
  async veto(t: Omit<TransitionContext, 'tenantId' | 'now'>): Promise<string | null> {
    for (const g of this.hooks.guards) {
      const reason = await g({ ...t, tenantId: this.tenantId, now: this.now });
      if (reason) return reason;
    }
    return null;
  }

  /**
   * Computes a value once per unit of work (e.g. the tenant's credit policy). Only for data this
   * unit of work does not change after reading it.
   */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let p = this.memos.get(key) as Promise<T> | undefined;
    if (!p) {
      p = compute();
      this.memos.set(key, p);
    }
    return p;
  }

  /** A new id for a record of `kind`. */
  newId(kind: string): string {
    return this.deps.ids.next(kind);
  }

  /** Loads and decodes an aggregate, remembering its version for {@link save}. */
  async load<T>(kind: string, id: string): Promise<T | undefined> {
    const rec = await this.tx.records.get(kind, id);
    if (!rec) {
      this.missing(kind, id);
      return undefined;
    }
    this.read(kind, rec);
    return decodeStored<T>(rec.data);
  }

  /**
   * Loads and decodes the aggregates of `kind` with the given ids in one store call, remembering
   * their versions; unknown ids are absent from the map.
   */
  async loadMany<T>(kind: string, ids: Iterable<string>): Promise<Map<string, T>> {
    const wanted = [...new Set(ids)];
    const recs = await this.tx.records.getMany(kind, wanted);
    const out = new Map<string, T>();
    for (const rec of recs) {
      this.read(kind, rec);
      out.set(rec.id, decodeStored<T>(rec.data));
    }
    for (const id of wanted) if (!out.has(id)) this.missing(kind, id);
    return out;
  }

  /** Like {@link load} but a missing aggregate is a {@link NotFoundError} naming `field`. */
  async require<T>(kind: string, id: string, field: string): Promise<Result<T, NotFoundError>> {
    const v = await this.load<T>(kind, id);
    return v === undefined ? err(missing(kind, id, field)) : ok(v);
  }

  /**
   * Like {@link loadMany} (one store call) but every id must exist: the first missing one, in
   * `ids` order, is a {@link NotFoundError} naming `field`.
   */
  async requireMany<T>(
    kind: string,
    ids: Iterable<string>,
    field: string,
  ): Promise<Result<Map<string, T>, NotFoundError>> {
    const wanted = [...new Set(ids)];
    const found = await this.loadMany<T>(kind, wanted);
    const gone = wanted.find((id) => !found.has(id));
    return gone === undefined ? ok(found) : err(missing(kind, gone, field));
  }

  /** Loads aggregates of `kind` matching top-level field equalities. */
  async find<T>(kind: string, where: Record<string, JsonPrimitive> = {}): Promise<T[]> {
    const recs = await this.tx.records.find({ kind, where });
    return recs.map((r) => {
      this.read(kind, r);
      return decodeStored<T>(r.data);
    });
  }

  /**
   * Inserts a new aggregate (version 1), with its range key if its kind has one. The write is
   * queued (`RecordOps.queueInsert`): a store may send it with this unit of work's other
   * writes. A taken id or number fails the command with `DUPLICATE` (see
   * {@link queuedWriteResult}); use {@link tryCreate} where a duplicate is an expected outcome
   * to act on.
   */
  async create<A extends { id: string; number?: string }>(
    kind: string,
    aggregate: A,
  ): Promise<void> {
    this.assertNotWritten(kind, aggregate.id);
    const key = rangeKeyOf(kind, aggregate);
    const data = encodeStored(aggregate);
    const number = aggregate.number ?? null;
    this.tx.records.queueInsert({
      kind,
      id: aggregate.id,
      number,
      data,
      ...(key === undefined ? {} : { key }),
    });
    this.keepWritten(kind, aggregate.id, data);
  }

  /**
   * Remembers the version and number of a record read (for a save, and {@link checkStale}).
   * Reading another version of a record read before (or found missing before) means somebody
   * changed it meanwhile: a `QueuedWriteError` (`conflict`), and the command is retried.
   */
  private read(kind: string, rec: StoredRecord): void {
    const k = `${kind}/${rec.id}`;
    const prev = this.known.get(k);
    if (prev?.wrote === true) return; // what it wrote is what counts
    if (prev !== undefined && prev.version !== rec.version) {
      throw new QueuedWriteError({
        kind,
        id: rec.id,
        outcome: 'conflict',
        expectedVersion: prev.version,
      });
    }
    this.known.set(k, {
      kind,
      id: rec.id,
      version: rec.version,
      number: rec.number,
      wrote: false,
      absent: prev?.absent ?? false,
    });
  }

  /**
   * Remembers a record looked up and not found (version 0), for {@link checkStale}. Missing now
   * after it was read before: somebody changed it meanwhile (a conflict, as in {@link read}).
   */
  private missing(kind: string, id: string): void {
    const k = `${kind}/${id}`;
    const prev = this.known.get(k);
    if (prev?.wrote === true) return;
    if (prev !== undefined && prev.version > 0) {
      throw new QueuedWriteError({ kind, id, outcome: 'conflict', expectedVersion: prev.version });
    }
    this.known.set(k, { kind, id, version: 0, number: null, wrote: false, absent: true });
  }

  /** Creating a record this unit of work already wrote is a bug (not a race to retry). */
  private assertNotWritten(kind: string, id: string): void {
    if (this.known.get(`${kind}/${id}`)?.wrote === true) {
      throw new TradecoreBug(
        'CREATE_AFTER_WRITE',
        `${kind}/${id} was created after this unit of work had written it`,
      );
    }
  }

  /**
   * Keeps a record this unit of work just wrote — at the version and number `onWrite` recorded
   * for it — as the store will hold it once the write applies, so that loading it again reads
   * nothing (if the write does not apply, the whole transaction fails).
   */
  private keepWritten(kind: string, id: string, data: JsonObject): void {
    const { version, number } = this.known.get(`${kind}/${id}`) as {
      version: number;
      number: string | null;
    };
    this.ahead.set(refKey(kind, id), { kind, id, tenantId: this.tenantId, version, number, data });
  }

  /** Like {@link create}, but sent at once, and a taken id or number is a typed result. */
  async tryCreate<A extends { id: string; number?: string }>(
    kind: string,
    aggregate: A,
  ): Promise<Result<void, DuplicateError>> {
    this.assertNotWritten(kind, aggregate.id);
    const key = rangeKeyOf(kind, aggregate);
    const data = encodeStored(aggregate);
    const number = aggregate.number ?? null;
    const outcome = await this.tx.records.insert({
      kind,
      id: aggregate.id,
      number,
      data,
      ...(key === undefined ? {} : { key }),
    });
    if (outcome !== 'inserted')
      return err(queuedWriteResult({ kind, id: aggregate.id, outcome, number }));
    this.keepWritten(kind, aggregate.id, data);
    return ok(undefined);
  }

  /**
   * Saves an aggregate loaded (or created) in this unit of work, if nobody changed it
   * meanwhile. The write is queued (`RecordOps.queueUpdate`); if somebody did change it, the
   * command fails with `VERSION_CONFLICT` and is retried (see {@link queuedWriteResult}).
   */
  async save<A extends { id: string }>(kind: string, aggregate: A): Promise<void> {
    const k = `${kind}/${aggregate.id}`;
    const known = this.known.get(k);
    if (known === undefined || (known.absent && !known.wrote)) {
      throw new TradecoreBug(
        'SAVE_WITHOUT_LOAD',
        `${k} was saved without being loaded or created in this unit of work`,
      );
    }
    const data = encodeStored(aggregate);
    const v = known.version;
    this.tx.records.queueUpdate(kind, aggregate.id, v, data, rangeKeyOf(kind, aggregate));
    this.keepWritten(kind, aggregate.id, data);
  }

  /**
   * Before a command gives up (a business failure or a thrown error): was its outcome computed
   * from stale records? Sends the queued writes (one that does not apply throws its
   * `QueuedWriteError`), then reads again the versions of the records it only read through
   * {@link load}, {@link loadMany} or {@link find} (including those it found missing): if one
   * changed (or appeared) since, throws a `QueuedWriteError` (`conflict`) for it. Reads made
   * directly through {@link tx} are not checked. The runner turns either into
   * `VERSION_CONFLICT` and retries, so a failure such as `CREDIT_LIMIT_EXCEEDED` caused by a
   * concurrent command that already did the same work (and filled the limit) is never reported
   * in its place. One read more, on failure paths only.
   */
  async checkStale(): Promise<void> {
    await this.raw.records.sendQueued();
    const read = [...this.known.values()].filter((x) => !x.wrote);
    if (read.length === 0) return;
    const now = new Map(
      (await this.raw.records.getRefs(read)).map((r) => [`${r.kind}/${r.id}`, r.version]),
    );
    const changed = read.find((x) => (now.get(`${x.kind}/${x.id}`) ?? 0) !== x.version);
    if (changed) {
      throw new QueuedWriteError({
        kind: changed.kind,
        id: changed.id,
        outcome: 'conflict',
        expectedVersion: changed.version,
      });
    }
  }

  /**
   * The typed error a failed queued write stands for in this unit of work: as
   * {@link queuedWriteResult}, except that a taken id of a record it found missing is a
   * `VERSION_CONFLICT` — somebody created it meanwhile, and the command is retried (a
   * get-or-create of a singleton such as a policy, raced by another first use).
   */
  resultOf(failure: QueuedWriteFailure): VersionConflictError | DuplicateError {
    if (
      failure.outcome === 'duplicate-id' &&
      this.known.get(`${failure.kind}/${failure.id}`)?.absent === true
    ) {
      return queuedWriteResult({ ...failure, outcome: 'conflict', expectedVersion: 0 });
    }
    return queuedWriteResult(failure);
  }

  /** Records a domain event; it reaches the outbox with this unit of work's commit. */
  emit<K extends TradecoreEventType>(type: K, payload: TradecoreEventMap[K]): void {
    this.events.push({
      id: this.newId('event'),
      type,
      payload: encodeObject(payload),
      occurredAt: this.now,
    });
  }

  /**
   * The next number of a document series, per tenant, prefix and month: `SO202611-00001`.
   * Gapless within a series for committed work (see `SequenceOps.next`).
   */
  async nextNumber(prefix: string): Promise<string> {
    const period = this.now.slice(0, 7).replace('-', '');
    const series = `${prefix}:${period}`;
    const r = this.reserved.get(series);
    let n: number;
    if (r !== undefined && r.next <= r.last) n = r.next++;
    else n = await this.tx.sequences.next(series);
    return `${prefix}${period}-${String(n).padStart(5, '0')}`;
  }

  /**
   * Takes, in one call to the store (`SequenceOps.nextMany`), the numbers this unit of work is
   * about to draw with {@link nextNumber}: one per entry of `prefixes` (repeat a prefix to take
   * several), less what is already reserved and unused. {@link nextNumber} draws from them
   * first, in order. Numbers left unused when the command commits are given back
   * ({@link returnUnusedNumbers}), so reserving one too many leaves no gap. Series are taken
   * in one order — document series by name, then the voucher series — the order in which a
   * single command takes its document's number before its voucher's.
   */
  async reserveNumbers(prefixes: readonly string[]): Promise<void> {
    const period = this.now.slice(0, 7).replace('-', '');
    const wanted = new Map<string, number>();
    for (const p of prefixes) wanted.set(p, (wanted.get(p) ?? 0) + 1);
    const requests: SequenceRequest[] = [];
    for (const [prefix, want] of wanted) {
      const series = `${prefix}:${period}`;
      const r = this.reserved.get(series);
      const count = want - (r === undefined ? 0 : r.last - r.next + 1);
      if (count > 0) requests.push({ series, count });
    }
    if (requests.length === 0) return;
    const last = (s: SequenceRequest) => (s.series.startsWith(`${VOUCHER_PREFIX}:`) ? 1 : 0);
    requests.sort((a, b) => last(a) - last(b) || (a.series < b.series ? -1 : 1));
    const firsts = await this.tx.sequences.nextMany(requests);
    requests.forEach(({ series, count }, i) => {
      const first = firsts[i] as number;
      const r = this.reserved.get(series);
      // Values already reserved and unused are the series' last but these: keep one range.
      if (r !== undefined && r.next <= r.last) {
        if (first !== r.last + 1) {
          throw new TradecoreBug(
            'SEQUENCE_NOT_CONTIGUOUS',
            `series ${series} moved while this unit of work held reserved numbers of it`,
          );
        }
        r.last = first + count - 1;
      } else this.reserved.set(series, { next: first, last: first + count - 1 });
    });
  }

  /**
   * Gives back the numbers {@link reserveNumbers} took and {@link nextNumber} did not draw
   * (`SequenceOps.giveBack`), so committed numbers have no gaps. Called once, just before
   * commit.
   */
  async returnUnusedNumbers(): Promise<void> {
    for (const [series, r] of this.reserved) {
      if (r.next <= r.last) await this.tx.sequences.giveBack(series, r.next, r.last);
    }
    this.reserved.clear();
  }

  /** Builds, numbers and posts a balanced voucher, and emits `voucher.posted`. */
  async postVoucher(
    sourceKind: string,
    sourceId: string,
    memo: string,
    postings: readonly PostingLine[],
  ): Promise<LedgerVoucher> {
    const voucher = buildVoucher(
      {
        id: this.newId('voucher'),
        number: await this.nextNumber(VOUCHER_PREFIX),
        postedAt: this.now,
        sourceKind,
        sourceId,
        memo,
      },
      postings,
    );
    await this.tx.ledger.post(voucher);
    this.emit('voucher.posted', {
      voucherId: voucher.id,
      number: voucher.number,
      sourceKind,
      sourceId,
      total: voucherTotal(voucher),
    });
    return voucher;
  }

  /** Emits `document.transitioned` for a document of `kind` (from `null` when it was created). */
  transitioned(
    kind: string,
    doc: { readonly id: string; readonly number: string | null },
    t: { readonly from: string | null; readonly event: string; readonly to: string },
  ): void {
    this.emit('document.transitioned', {
      kind,
      id: doc.id,
      number: doc.number,
      from: t.from,
      event: t.event,
      to: t.to,
    });
  }

  /** Writes the collected events to the outbox. Called once, just before commit. */
  async flushEvents(): Promise<void> {
    if (this.events.length > 0) await this.tx.outbox.add(this.events.splice(0));
  }
}

/**
 * The typed error a failed queued write stands for: `VERSION_CONFLICT` for a stale update (the
 * command is retried), `DUPLICATE` for a taken id or number.
 */
export function queuedWriteResult(
  failure: QueuedWriteFailure & { outcome: 'duplicate-id' | 'duplicate-number' },
): DuplicateError;
export function queuedWriteResult(
  failure: QueuedWriteFailure,
): VersionConflictError | DuplicateError;
export function queuedWriteResult(
  failure: QueuedWriteFailure,
): VersionConflictError | DuplicateError {
  const { kind, id } = failure;
  if (failure.outcome === 'conflict') {
    const expectedVersion = failure.expectedVersion ?? 0;
    return {
      code: 'VERSION_CONFLICT',
      message: `${kind} ${id} was changed by someone else (expected version ${expectedVersion})`,
      kind,
      id,
      expectedVersion,
    };
  }
  const what = failure.outcome === 'duplicate-id' ? `id ${id}` : `number ${failure.number}`;
  return { code: 'DUPLICATE', message: `a ${kind} with ${what} already exists`, kind, id };
}

function missing(kind: string, id: string, field: string): NotFoundError {
  return {
    code: 'NOT_FOUND',
    message: `${field}: no ${kind} with id ${id}`,
    entity: kind,
    id,
    field,
  };
}
