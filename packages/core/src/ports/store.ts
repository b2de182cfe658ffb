/**
 * The storage port. Adapters implement these few primitive operations; everything else is
 * derived in core. Every operation is scoped to the tenant of its transaction, so a read in
 * tenant A can never return tenant B's rows.
 *
 * Contracts marked **atomic** must hold when many callers run them concurrently, on every
 * adapter; the shared conformance suite (`@tradecore/testkit`) proves them.
 *
 * @module
 */
import type { TenantId } from '../kernel/brand';
import type { Dec } from '../money/decimal';

/** A JSON value as stored by adapters. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A JSON object. */
export type JsonObject = { [key: string]: Json };
/** A JSON primitive usable in an equality filter. */
export type JsonPrimitive = null | boolean | number | string;

/** A versioned aggregate as the store keeps it. `data` is already encoded to plain JSON. */
export interface StoredRecord {
  /** The aggregate kind, e.g. `sales-order`. */
  readonly kind: string;
  /** Unique within (tenant, kind). */
  readonly id: string;
  /** The owning tenant. */
  readonly tenantId: TenantId;
  /** Starts at 1; every successful update adds 1. */
  readonly version: number;
  /** Optional document number, unique within (tenant, kind) — enforced by the store. */
  readonly number: string | null;
  /** The aggregate's encoded state. */
  readonly data: JsonObject;
}

/** A record to insert (its version becomes 1). */
export interface NewRecord {
  /** The aggregate kind. */
  readonly kind: string;
  /** Unique within (tenant, kind). */
  readonly id: string;
  /** Optional document number, unique within (tenant, kind). */
  readonly number?: string | null;
  /** Encoded state. */
  readonly data: JsonObject;
}

/** A query over one kind: equality on top-level `data` fields, ordered by id ascending. */
export interface RecordQuery {
  /** The aggregate kind. */
  readonly kind: string;
  /** Every entry must equal the record's top-level `data[field]`. */
  readonly where?: Readonly<Record<string, JsonPrimitive>>;
  /** Maximum number of records returned. */
  readonly limit?: number;
}

/** Outcome of an insert: `inserted`, or `duplicate` when the id or number already exists. */
export type InsertOutcome = 'inserted' | 'duplicate-id' | 'duplicate-number';

/** Outcome of a versioned update: `updated` (with the new version) or `conflict`. */
export type UpdateOutcome =
  | { readonly status: 'updated'; readonly version: number }
  | { readonly status: 'conflict' };

/** The records part of a transaction: versioned aggregates with optimistic concurrency. */
export interface RecordOps {
  /** Loads one record of this tenant, or `undefined`. */
  get(kind: string, id: string): Promise<StoredRecord | undefined>;
  /** Loads one record by its document number, or `undefined`. */
  getByNumber(kind: string, number: string): Promise<StoredRecord | undefined>;
  /**
   * Inserts with version 1. **Atomic**: of many concurrent inserts with the same id (or the
   * same number) exactly one returns `inserted`; the others return a `duplicate-*` outcome and
   * leave the transaction usable.
   */
  insert(record: NewRecord): Promise<InsertOutcome>;
  /**
   * Replaces `data` (and `number`) if the stored version equals `expectedVersion`, and adds 1 to
   * the version. **Atomic**: of concurrent updates from the same expected version exactly one
   * succeeds; the others return `conflict` and leave the transaction usable.
   */
  update(
    kind: string,
    id: string,
    expectedVersion: number,
    data: JsonObject,
    number?: string | null,
  ): Promise<UpdateOutcome>;
  /** Records of one kind matching every equality in `where`, ordered by id. */
  find(query: RecordQuery): Promise<StoredRecord[]>;
}

/** On-hand and reserved quantity of one product in one warehouse, in its stock unit. */
export interface StockLevel {
  /** Product id. */
  readonly productId: string;
  /** Warehouse id. */
  readonly warehouseId: string;
  /** Physically present. */
  readonly onHand: Dec;
  /** Promised to confirmed orders, not yet issued. Never above `onHand` when changed only through this port's checked operations. */
  readonly reserved: Dec;
}

/** Why a checked stock operation did not apply; the level is unchanged. */
export interface StockShortfall {
  /** The level at the moment of the check. */
  readonly level: StockLevel;
  /** The quantity that was asked for. */
  readonly requested: Dec;
}

/** Stock levels with checked atomic changes. Quantities are positive decimals. */
export interface StockOps {
  /** Current level; zero on-hand and zero reserved if the pair was never touched. */
  level(productId: string, warehouseId: string): Promise<StockLevel>;
  /** Unconditionally adds `delta` (may be negative: a stocktake loss) to on-hand. */
  adjust(productId: string, warehouseId: string, delta: Dec): Promise<StockLevel>;
  /**
   * **Atomic** check-and-reserve: adds `qty` to reserved if and only if
   * `onHand − reserved ≥ qty` at that instant. Concurrent callers never reserve more than
   * on-hand in total.
   */
  reserve(productId: string, warehouseId: string, qty: Dec): Promise<StockLevel | StockShortfall>;
  /** **Atomic**: subtracts `qty` from reserved if and only if `reserved ≥ qty`. */
  release(productId: string, warehouseId: string, qty: Dec): Promise<StockLevel | StockShortfall>;
  /**
   * **Atomic** issue of reserved goods: subtracts `qty` from both reserved and on-hand if and
   * only if `reserved ≥ qty`.
   */
  issueReserved(
    productId: string,
    warehouseId: string,
    qty: Dec,
  ): Promise<StockLevel | StockShortfall>;
}

/** A credit account: a limit and the exposure reserved against it, in one currency. */
export interface CreditAccount {
  /** The customer (or group head) the account belongs to. */
  readonly customerId: string;
  /** ISO 4217 code of the limit and exposure. */
  readonly currency: string;
  /** The credit limit. */
  readonly limit: Dec;
  /** Exposure currently reserved against the limit. */
  readonly exposure: Dec;
}

/** Why a checked credit operation did not apply; the account is unchanged. */
export interface CreditShortfall {
  /** The account at the moment of the check (undefined if there is none). */
  readonly account: CreditAccount | undefined;
  /** The amount that was asked for. */
  readonly requested: Dec;
}

/** Credit accounts with checked atomic reservation. Amounts are in the account's currency. */
export interface CreditOps {
  /** The account, or `undefined`. */
  account(customerId: string): Promise<CreditAccount | undefined>;
  /** Creates the account or changes its limit and currency; exposure is kept. */
  setLimit(customerId: string, currency: string, limit: Dec): Promise<CreditAccount>;
  /**
   * **Atomic** check-and-reserve: adds `amount` to exposure if and only if the account exists
   * and `exposure + amount ≤ limit` at that instant. Concurrent callers never push exposure
   * above the limit.
   */
  reserve(customerId: string, amount: Dec): Promise<CreditAccount | CreditShortfall>;
  /** **Atomic**: subtracts `amount` from exposure if and only if `exposure ≥ amount`. */
  release(customerId: string, amount: Dec): Promise<CreditAccount | CreditShortfall>;
}

/** Gapless numbering. */
export interface SequenceOps {
  /**
   * **Atomic**: the next value (1, 2, 3, …) of `series` for this tenant. Concurrent callers
   * get distinct values; a rolled-back transaction gives its value back, so committed values
   * have no gaps (callers in the same series wait for each other's commit).
   */
  next(series: string): Promise<number>;
}

/** One line of a posted voucher. Exactly one of debit/credit is non-zero. */
export interface LedgerLine {
  /** Account code from the account mapping. */
  readonly account: string;
  /** Debit amount (≥ 0). */
  readonly debit: Dec;
  /** Credit amount (≥ 0). */
  readonly credit: Dec;
  /** ISO 4217 code. */
  readonly currency: string;
  /** The party (customer) this line concerns, for subledgers. */
  readonly partyId?: string | null;
}

/** A voucher (凭证) as stored: header and balanced lines. */
export interface LedgerVoucher {
  /** Voucher id. */
  readonly id: string;
  /** Voucher number, unique per tenant. */
  readonly number: string;
  /** Posting instant (ISO-8601). */
  readonly postedAt: string;
  /** The business document that caused it, e.g. `invoice`. */
  readonly sourceKind: string;
  /** The id of that document. */
  readonly sourceId: string;
  /** Free text. */
  readonly memo: string;
  /** The lines; debits equal credits (checked in core before posting). */
  readonly lines: readonly LedgerLine[];
}

/** Per-account totals. */
export interface AccountBalance {
  /** Account code. */
  readonly account: string;
  /** ISO 4217 code. */
  readonly currency: string;
  /** Σ debits. */
  readonly debit: Dec;
  /** Σ credits. */
  readonly credit: Dec;
}

/** The journal: append-only vouchers. */
export interface LedgerOps {
  /** Appends a voucher and its lines. */
  post(voucher: LedgerVoucher): Promise<void>;
  /** Vouchers caused by one source document, in posting order. */
  vouchersFor(sourceKind: string, sourceId: string): Promise<LedgerVoucher[]>;
  /** Totals per account (and currency), ordered by account, optionally for one party only. */
  balances(partyId?: string): Promise<AccountBalance[]>;
}

/** A domain event to publish after commit. */
export interface OutboxEntry {
  /** Unique event id. */
  readonly id: string;
  /** Event type, a key of the domain event map. */
  readonly type: string;
  /** Encoded payload. */
  readonly payload: JsonObject;
  /** When it occurred (ISO-8601). */
  readonly occurredAt: string;
}

/** An outbox entry as the relay hands it out. */
export interface OutboxMessage extends OutboxEntry {
  /** The tenant whose transaction wrote it. */
  readonly tenantId: TenantId;
}

/** The transactional outbox: entries become visible to the relay only if the transaction commits. */
export interface OutboxOps {
  /** Adds entries in this transaction. */
  add(entries: readonly OutboxEntry[]): Promise<void>;
}

/** What a claim found for an idempotency key. */
export type IdempotencyClaim =
  | { readonly status: 'new' }
  | { readonly status: 'done'; readonly request: string; readonly response: Json };

/** Idempotency keys for commands. */
export interface IdempotencyOps {
  /**
   * **Atomic**: claims `key` for this transaction with the canonical `request`. Returns `new`
   * if nobody had it (the claim is released if this transaction rolls back), or the committed
   * request and response of the first use. A concurrent claim of the same key waits for or
   * loses to the first one; it never sees `new` twice for committed work.
   */
  claim(key: string, request: string): Promise<IdempotencyClaim>;
  /** Stores the response for a key claimed in this transaction. */
  complete(key: string, response: Json): Promise<void>;
}

/** One unit of work scoped to one tenant. Everything done through it commits or rolls back together. */
export interface Transaction {
  /** The tenant every operation is scoped to. */
  readonly tenantId: TenantId;
  /** Versioned aggregates. */
  readonly records: RecordOps;
  /** Stock levels. */
  readonly stock: StockOps;
  /** Credit accounts. */
  readonly credit: CreditOps;
  /** Document number series. */
  readonly sequences: SequenceOps;
  /** The journal. */
  readonly ledger: LedgerOps;
  /** The transactional outbox. */
  readonly outbox: OutboxOps;
  /** Idempotency keys. */
  readonly idempotency: IdempotencyOps;
}

/**
 * The storage port every adapter implements.
 *
 * `transaction` commits when `work` resolves and rolls back when it rejects (rethrowing the
 * same error). Transactions may run concurrently; the adapter guarantees that each sees a
 * consistent state, that the atomic operations keep their contracts, and that a commit is all
 * or nothing.
 */
export interface StorePort {
  /** A short adapter name for messages and benchmarks, e.g. `memory`, `pglite`, `postgres`. */
  readonly name: string;
  /** Runs `work` in one transaction for `tenantId`. */
  transaction<T>(tenantId: TenantId, work: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Relays committed, unpublished outbox entries (of every tenant) in commit order: calls
   * `deliver` for each, then marks them published. **Atomic**: concurrent relays never hand the
   * same entry out twice; an entry is marked only after `deliver` returned. Returns the number
   * relayed. Entries written by rolled-back transactions never appear.
   */
  relayOutbox(deliver: (message: OutboxMessage) => void, batchSize?: number): Promise<number>;
  /** Releases connections or flushes files. The store is unusable afterwards. */
  close(): Promise<void>;
}

/** True when a stock result is a shortfall. */
export function isStockShortfall(r: StockLevel | StockShortfall): r is StockShortfall {
  return 'requested' in r;
}

/** True when a credit result is a shortfall. */
export function isCreditShortfall(r: CreditAccount | CreditShortfall): r is CreditShortfall {
  return 'requested' in r;
}
