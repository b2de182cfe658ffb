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
import { decode, encodeObject } from '../kernel/codec';
import type { DuplicateError, NotFoundError, VersionConflictError } from '../kernel/errors';
import { TradecoreBug } from '../kernel/errors';
import { err, ok, type Result } from '../kernel/result';
import type { JsonPrimitive, LedgerVoucher, OutboxEntry, Transaction } from '../ports/store';
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

/** One use case's view of a transaction. */
export class UnitOfWork {
  private readonly versions = new Map<string, number>();
  private readonly events: OutboxEntry[] = [];
  private readonly memos = new Map<string, Promise<unknown>>();
  /** The instant of this unit of work (read once from the clock). */
  readonly now: string;

  /** Wraps a store transaction. */
  constructor(
    /** The underlying transaction (for atomic operations). */
    readonly tx: Transaction,
    private readonly deps: UnitOfWorkDeps,
  ) {
    this.now = deps.clock.now();
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
    if (!rec) return undefined;
    this.versions.set(`${kind}/${id}`, rec.version);
    return decode<T>(rec.data);
  }

  /**
   * Loads and decodes the aggregates of `kind` with the given ids in one store call, remembering
   * their versions; unknown ids are absent from the map.
   */
  async loadMany<T>(kind: string, ids: Iterable<string>): Promise<Map<string, T>> {
    const recs = await this.tx.records.getMany(kind, [...new Set(ids)]);
    const out = new Map<string, T>();
    for (const rec of recs) {
      this.versions.set(`${kind}/${rec.id}`, rec.version);
      out.set(rec.id, decode<T>(rec.data));
    }
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
      this.versions.set(`${kind}/${r.id}`, r.version);
      return decode<T>(r.data);
    });
  }

  /** Inserts a new aggregate (version 1). */
  async create<A extends { id: string; number?: string }>(
    kind: string,
    aggregate: A,
  ): Promise<Result<void, DuplicateError>> {
    const outcome = await this.tx.records.insert({
      kind,
      id: aggregate.id,
      number: aggregate.number ?? null,
      data: encodeObject(aggregate),
    });
    if (outcome !== 'inserted') {
      const what = outcome === 'duplicate-id' ? `id ${aggregate.id}` : `number ${aggregate.number}`;
      return err({
        code: 'DUPLICATE',
        message: `a ${kind} with ${what} already exists`,
        kind,
        id: aggregate.id,
      });
    }
    this.versions.set(`${kind}/${aggregate.id}`, 1);
    return ok(undefined);
  }

  /** Saves an aggregate loaded in this unit of work, if nobody changed it meanwhile. */
  async save<A extends { id: string }>(
    kind: string,
    aggregate: A,
  ): Promise<Result<void, VersionConflictError>> {
    const k = `${kind}/${aggregate.id}`;
    const expected = this.versions.get(k);
    if (expected === undefined) {
      throw new TradecoreBug(
        'SAVE_WITHOUT_LOAD',
        `${k} was saved without being loaded or created in this unit of work`,
      );
    }
    const r = await this.tx.records.update(kind, aggregate.id, expected, encodeObject(aggregate));
    if (r.status === 'conflict') {
      return err({
        code: 'VERSION_CONFLICT',
        message: `${kind} ${aggregate.id} was changed by someone else (expected version ${expected})`,
        kind,
        id: aggregate.id,
        expectedVersion: expected,
      });
    }
    this.versions.set(k, r.version);
    return ok(undefined);
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
    const n = await this.tx.sequences.next(`${prefix}:${period}`);
    return `${prefix}${period}-${String(n).padStart(5, '0')}`;
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
        number: await this.nextNumber('V'),
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

function missing(kind: string, id: string, field: string): NotFoundError {
  return {
    code: 'NOT_FOUND',
    message: `${field}: no ${kind} with id ${id}`,
    entity: kind,
    id,
    field,
  };
}
