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
import { TradecoreBug } from '../kernel/errors';
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
  /**
   * Its range key, if the adapter returns it (see {@link NewRecord.key}); adapters need not
   * read it back.
   */
  readonly key?: string | null;
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
  /**
   * A range key the domain derives from the state (e.g. the end date of a contract still open,
   * `YYYY-MM-DD`), so `find` can select by `keyAtMost` through an index instead of reading every
   * record of the kind. `null` or absent: none.
   */
  readonly key?: string | null;
}

/** Where a record lives: its kind and its id. */
export interface RecordRef {
  /** The aggregate kind. */
  readonly kind: string;
  /** The id within the kind. */
  readonly id: string;
}

/** A query over one kind: equality on top-level `data` fields, ordered by id ascending. */
export interface RecordQuery {
  /** The aggregate kind. */
  readonly kind: string;
  /** Every entry must equal the record's top-level `data[field]`. */
  readonly where?: Readonly<Record<string, JsonPrimitive>>;
  /** Maximum number of records returned. */
  readonly limit?: number;
  /**
   * Only records whose key is set and at most this, in code-point order (an index range, not a
   * scan). Records stored before keys existed, whose key an adapter cannot know, may be
   * returned too: callers filter what they get, the key only narrows it.
   */
  readonly keyAtMost?: string;
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
  /**
   * Loads the records of this tenant with the given ids, in one round trip: the found ones, in
   * the order of their first mention in `ids` (duplicates and unknown ids are skipped).
   */
  getMany(kind: string, ids: readonly string[]): Promise<StoredRecord[]>;
  /**
   * Loads the records of this tenant at the given addresses, of any kinds, in one round trip:
   * the found ones, in the order of their first mention in `refs` (duplicates and unknown
   * addresses are skipped). What a command will need — its document, the tenant's policies, the
   * products of its lines — comes back in one read instead of one per record.
   */
  getRefs(refs: readonly RecordRef[]): Promise<StoredRecord[]>;
  /** Loads one record by its document number, or `undefined`. */
  getByNumber(kind: string, number: string): Promise<StoredRecord | undefined>;
  /**
   * Inserts with version 1. **Atomic**: of many concurrent inserts with the same id (or the
   * same number) exactly one returns `inserted`; the others return a `duplicate-*` outcome and
   * leave the transaction usable.
   */
  insert(record: NewRecord): Promise<InsertOutcome>;
  /**
   * Replaces `data` (and `number`, and the range `key`, each unless `undefined`) if the stored
   * version equals `expectedVersion`, and adds 1 to the version. **Atomic**: of concurrent
   * updates from the same expected version exactly one succeeds; the others return `conflict`
   * and leave the transaction usable.
   */
  update(
    kind: string,
    id: string,
    expectedVersion: number,
    data: JsonObject,
    number?: string | null,
    key?: string | null,
  ): Promise<UpdateOutcome>;
  /** Records of one kind matching every equality in `where` (and `keyAtMost`), ordered by id. */
  find(query: RecordQuery): Promise<StoredRecord[]>;
  /**
   * {@link insert}, queued: the store may send it later in this transaction together with its
   * other writes (a network store sends them in one round trip), and no later than before
   * commit. Every read of this transaction sees it. If the id or the number is taken, the
   * transaction fails with a `QueuedWriteError` (`duplicate-id` / `duplicate-number`) — thrown
   * by this call or by a later call of the transaction, at the latest by the commit — and
   * nothing of it is committed. **Atomic** like {@link insert}.
   */
  queueInsert(record: NewRecord): void;
  /**
   * {@link update} (keeping the number), queued like {@link queueInsert}: the version becomes
   * `expectedVersion + 1` when it applies. A stale `expectedVersion` fails the transaction with
   * a `QueuedWriteError` (`conflict`). Several queued writes of one record apply in order, as if
   * sent one by one.
   */
  queueUpdate(
    kind: string,
    id: string,
    expectedVersion: number,
    data: JsonObject,
    key?: string | null,
  ): void;
  /**
   * Sends the queued record writes now, if any, and throws the `QueuedWriteError` of one that
   * does not apply (a store sending several at once may name any of them, and names a conflict
   * before a duplicate). Once the transaction has failed — a queued write, or a statement the
   * store ran — it throws that failure again. For a caller about to give up on the transaction
   * that wants to know whether it worked from stale records (a command's business failure
   * becomes a retry when one of its queued updates conflicts).
   */
  sendQueued(): Promise<void>;
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

/** One line of a batch stock operation. */
export interface StockLine {
  /** Product id. */
  readonly productId: string;
  /** Warehouse id. */
  readonly warehouseId: string;
  /** Quantity, > 0. */
  readonly qty: Dec;
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
  /**
   * **Atomic**, all or nothing: {@link StockOps.reserve} for every line at once (lines of the
   * same product and warehouse are added up first). Either every line is reserved and the
   * levels after are returned (one per distinct product and warehouse), or nothing changes and
   * the shortfall of a line that does not fit is returned. One round trip whatever the number
   * of lines.
   */
  reserveAll(lines: readonly StockLine[]): Promise<StockLevel[] | StockShortfall>;
  /** **Atomic**, all or nothing: {@link StockOps.release} for every line. */
  releaseAll(lines: readonly StockLine[]): Promise<StockLevel[] | StockShortfall>;
  /** **Atomic**, all or nothing: {@link StockOps.issueReserved} for every line. */
  issueReservedAll(lines: readonly StockLine[]): Promise<StockLevel[] | StockShortfall>;
}

/** Exposure buckets of a credit account, in the order money moves through them. */
export type CreditBucket = 'orders' | 'uninvoiced' | 'receivables';

/** Every credit bucket. */
export const CREDIT_BUCKETS: readonly CreditBucket[] = ['orders', 'uninvoiced', 'receivables'];

/** The settings of a credit account (everything but its exposure). */
export interface CreditAccountSettings {
  /** A customer id, or the id of a group account (e.g. `group:east`). */
  readonly accountId: string;
  /** The group account this one rolls up into (its exposure counts there too), or `null`. */
  readonly parentId: string | null;
  /** ISO 4217 code of the limit and of every bucket. */
  readonly currency: string;
  /** The limit; `null` means the account has no limit of its own (only its groups' limits apply). */
  readonly limit: Dec | null;
  /** A temporary increase (临时额度); counts only before `temporaryUntil`. */
  readonly temporary: Dec;
  /** Instant (ISO-8601 UTC) the temporary increase expires, or `null` if there is none. */
  readonly temporaryUntil: string | null;
  /** Deposits and guarantees (保证金) that add to the capacity. */
  readonly deposit: Dec;
  /** A frozen account passes no checked change. */
  readonly frozen: boolean;
}

/** A credit account with its exposure in buckets. */
export interface CreditAccount extends CreditAccountSettings {
  /** Confirmed, not delivered. */
  readonly orders: Dec;
  /** Delivered, not invoiced. */
  readonly uninvoiced: Dec;
  /** Invoiced, not yet paid. */
  readonly receivables: Dec;
}

/** The check a change must pass, on every account it touches. */
export interface CreditCheck {
  /** Buckets that count as exposure at this checkpoint. */
  readonly counted: readonly CreditBucket[];
  /** The instant the capacity is taken at (decides whether a temporary increase still counts). */
  readonly asOf: string;
}

/** One atomic change of exposure, applied to an account and every group above it together. */
export interface CreditChange {
  /** The account; the change applies to it and to all its ancestors (its groups). */
  readonly accountId: string;
  /** The currency every one of those accounts must be in. */
  readonly currency: string;
  /** The amount moved, > 0, in the accounts' currency. */
  readonly amount: Dec;
  /** Bucket the amount leaves (`null`: new exposure). */
  readonly from: CreditBucket | null;
  /** Bucket the amount enters (`null`: exposure ends). */
  readonly to: CreditBucket | null;
  /** The check to pass, or `null` for an unchecked move. */
  readonly check: CreditCheck | null;
}

/** A change that did not apply; nothing was changed. */
export interface CreditShortfall {
  /**
   * The account and its ancestors as they were when the change was refused, the account first
   * (empty if the account does not exist).
   */
  readonly accounts: readonly CreditAccount[];
  /** The amount that was asked for. */
  readonly requested: Dec;
}

/** A dated receivable (an invoice or one of its installments) that ages on its own. */
export interface OpenItem {
  /** Unique id (e.g. `<invoiceId>#1`). */
  readonly itemId: string;
  /** The credit account (customer) it belongs to. */
  readonly accountId: string;
  /** Document kind it comes from, e.g. `invoice`. */
  readonly sourceKind: string;
  /** Document id. */
  readonly sourceId: string;
  /** Due date, `YYYY-MM-DD`. */
  readonly dueDate: string;
  /** Original amount. */
  readonly amount: Dec;
  /** Still open. */
  readonly residual: Dec;
}

/** Overdue open items of some accounts. */
export interface OverdueSummary {
  /** Σ residual of the items due before the cut-off. */
  readonly amount: Dec;
  /** The earliest such due date, or `null`. */
  readonly oldestDueDate: string | null;
  /** How many items. */
  readonly count: number;
}

/**
 * What {@link CreditOps.aging} adds up: the open items (residual > 0) of the tenant, or of some
 * accounts, by how many days they are overdue on `asOf`.
 *
 * An item's days overdue are the calendar days from its due date to `asOf` (due 2026-11-21,
 * asOf 2026-11-22: 1 day). An item due on `asOf` or later is not due. The caller (core) checks
 * the query; adapters may assume it is well formed.
 */
export interface AgingQuery {
  /** The day the ages are taken at, `YYYY-MM-DD` (year 1000 or later). */
  readonly asOf: string;
  /**
   * Upper limits (inclusive) of days overdue: at most 64 strictly ascending integers in
   * 1‥36,500, e.g. `[30, 60, 90]`; may be empty (then every overdue item is in the one
   * open-ended bucket).
   */
  readonly bounds: readonly number[];
  /** Only these accounts (an empty list: none); every account of the tenant when omitted. */
  readonly accountIds?: readonly string[];
}

/**
 * Open residuals of one account by age (see {@link AgingQuery}). Amounts are in the account's
 * currency; every figure covers only items with residual > 0.
 */
export interface AgingRow {
  /** The account (customer) the items belong to. */
  readonly accountId: string;
  /** Currency of the account's credit account, or `null` when the account has none. */
  readonly currency: string | null;
  /** Σ residual of the items not due yet (due date ≥ `asOf`). */
  readonly notDue: Dec;
  /**
   * `bounds.length + 1` sums: entry `i < bounds.length` holds the items overdue by more than
   * `bounds[i - 1]` (0 for the first) and at most `bounds[i]` days; the last entry holds those
   * overdue by more than the last bound (by more than 0 days when `bounds` is empty).
   */
  readonly buckets: readonly Dec[];
  /** Σ residual of every open item of the account: `notDue + Σ buckets`. */
  readonly total: Dec;
  /** How many open items. */
  readonly count: number;
  /** The earliest due date among them (due or not). */
  readonly oldestDueDate: string;
}

/** What {@link CreditOps.dueItems} lists. */
export interface DueItemsQuery {
  /** Items due on or before this day, `YYYY-MM-DD`. */
  readonly through: string;
  /** Only these accounts (an empty list: none); every account of the tenant when omitted. */
  readonly accountIds?: readonly string[];
  /** At most this many items, a positive integer. */
  readonly limit: number;
}

/** An open item with the currency of its account (see {@link CreditOps.dueItems}). */
export interface DueOpenItem extends OpenItem {
  /** Currency of the account's credit account, or `null` when the account has none. */
  readonly currency: string | null;
}

/**
 * Credit accounts with exposure in buckets, and the open items that age. Amounts are in the
 * account's currency.
 */
export interface CreditOps {
  /** One account, or `undefined`. */
  account(accountId: string): Promise<CreditAccount | undefined>;
  /** The accounts whose parent is `parentId`, ordered by id. */
  children(parentId: string): Promise<CreditAccount[]>;
  /**
   * Creates an account (zero exposure) or replaces its settings, keeping its exposure.
   * **Atomic**: a save that would change the parent or the currency of an account with
   * exposure in any bucket changes nothing and returns `open-exposure` (so exposure never moves
   * between groups or currencies behind a concurrent step's back).
   */
  save(settings: CreditAccountSettings): Promise<CreditAccount | 'open-exposure'>;
  /**
   * **Atomic** change of the account and all its ancestors, or of none. It applies if and only
   * if, at that instant, the account exists, every one of them is in `currency`, the `from`
   * bucket of each holds at least `amount`, and — when `check` is given — each is not frozen
   * and, if it has a limit, `Σ counted buckets after the change ≤ limit + deposit + (temporary
   * if asOf < temporaryUntil)`. Then `amount` leaves `from` and enters `to` on each. Concurrent
   * callers can never take an account past that capacity. Returns the accounts after the
   * change, the account first, then its ancestors upwards.
   */
  change(change: CreditChange): Promise<CreditAccount[] | CreditShortfall>;
  /** Adds an open item (its residual starts at its amount). */
  addOpenItem(item: Omit<OpenItem, 'residual'>): Promise<void>;
  /** **Atomic**: subtracts `amount` from the item's residual if and only if `residual ≥ amount`; returns the item after, or `undefined`. */
  settleOpenItem(itemId: string, amount: Dec): Promise<OpenItem | undefined>;
  /**
   * Open items (residual > 0) of one source document, by due date then id. With
   * `options.addedHere`, the caller vouches that every open item of that source was added in
   * this transaction (`addOpenItem`): a store that keeps such items waiting to be sent may then
   * answer from them without a query.
   */
  openItemsOf(
    sourceKind: string,
    sourceId: string,
    options?: { readonly addedHere?: boolean },
  ): Promise<OpenItem[]>;
  /** Open items of the accounts due strictly before `beforeDate` (`YYYY-MM-DD`). */
  overdue(accountIds: readonly string[], beforeDate: string): Promise<OverdueSummary>;
  /**
   * Open items (residual > 0) added up per account by age, in one read: one {@link AgingRow}
   * per account that has at least one, ordered by account id (accounts without open items have
   * no row). The figures must equal core's `ageOpenItems` over the same items — the adapter
   * applies the given bounds and nothing else (a row's bucket `i` holds the items whose due
   * date `d` satisfies `asOf − bounds[i] days ≤ d < asOf − bounds[i − 1] days`; see core's
   * `agingCutoffs`).
   */
  aging(query: AgingQuery): Promise<AgingRow[]>;
  /**
   * Open items (residual > 0) due on or before `through`, optionally of some accounts, ordered
   * by due date, then item id; at most `limit` of them.
   */
  dueItems(query: DueItemsQuery): Promise<DueOpenItem[]>;
}

/** Gapless numbering. */
export interface SequenceOps {
  /**
   * **Atomic**: the next value (1, 2, 3, …) of `series` for this tenant. Concurrent callers
   * get distinct values; a rolled-back transaction gives its value back, so committed values
   * have no gaps (callers in the same series wait for each other's commit).
   */
  next(series: string): Promise<number>;
  /**
   * **Atomic**: takes `count` consecutive values of each requested series in one call, as that
   * many {@link next} calls would, and returns the first value taken for each request, in
   * request order (its values are `first … first + count − 1`). Series are taken in the order
   * given; a series may not be requested twice in one call. Callers that take several series in
   * several transactions should request them in one agreed order, or two such transactions may
   * each wait for a series the other holds (a deadlock the store detects and retries).
   *
   * @throws TradecoreBug `INVALID_SEQUENCE_REQUEST` for a repeated series or a count that is not
   *   a positive integer.
   */
  nextMany(requests: readonly SequenceRequest[]): Promise<number[]>;
  /**
   * **Atomic**: gives back the values `first … last` of `series`, which THIS transaction took
   * (through {@link next} or {@link nextMany}) and did not use, so that the next caller gets
   * them and committed values keep having no gaps. They must be the series' last values: the
   * store checks that its last value is still `last` (a compare-and-set), so values taken since
   * — by this transaction; nobody else can take any while it holds the series — are never
   * handed out twice.
   *
   * @throws TradecoreBug `SEQUENCE_GIVE_BACK` when `last` is not the series' last value or
   *   `first … last` is not a range of positive integers.
   */
  giveBack(series: string, first: number, last: number): Promise<void>;
}

/** One request of {@link SequenceOps.nextMany}: `count` values of `series`. */
export interface SequenceRequest {
  /** The series (per tenant). */
  readonly series: string;
  /** How many consecutive values (a positive integer). */
  readonly count: number;
}

/** Whether `first … last` is a range of sequence values (safe integers, 1 ≤ first ≤ last). */
export function isValueRange(first: number, last: number): boolean {
  return Number.isSafeInteger(first) && Number.isSafeInteger(last) && first >= 1 && first <= last;
}

/**
 * Checks the requests of {@link SequenceOps.nextMany} (for adapters): each series once, each
 * count a positive safe integer.
 *
 * @throws TradecoreBug `INVALID_SEQUENCE_REQUEST`.
 */
export function checkSequenceRequests(requests: readonly SequenceRequest[]): void {
  const seen = new Set<string>();
  for (const { series, count } of requests) {
    if (seen.has(series) || !Number.isSafeInteger(count) || count < 1) {
      throw new TradecoreBug(
        'INVALID_SEQUENCE_REQUEST',
        seen.has(series)
          ? `series ${series} requested twice in one nextMany call`
          : `cannot take ${count} values of series ${series}: a positive integer is needed`,
      );
    }
    seen.add(series);
  }
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

/**
 * One unit of work scoped to one tenant. Everything done through it commits or rolls back together.
 *
 * The void writes — `ledger.post`, `credit.addOpenItem`, `outbox.add` and
 * `idempotency.complete` — may be deferred by the adapter until the transaction reads the same
 * part (vouchers, balances, open items, idempotency keys) or commits; the transaction always
 * reads its own writes. Their failures (a duplicate voucher id or number, an unclaimed key) may
 * therefore surface at that later read or at commit, and fail the transaction there.
 */
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
 * same error). Transactions may run concurrently; the adapter guarantees that every read
 * returns committed data (or the transaction's own writes), that the atomic operations keep
 * their contracts, that a versioned update fails on a stale version, and that a commit is all
 * or nothing. Several reads in one transaction are not promised to be one snapshot (the memory
 * adapter serialises transactions, so there they are; PostgreSQL at READ COMMITTED reads each
 * statement's own snapshot): a decision that must hold under concurrency goes through an atomic
 * operation or a versioned update, never through a read followed by a write.
 */
export interface StorePort {
  /** A short adapter name for messages and benchmarks, e.g. `memory`, `pglite`, `postgres`. */
  readonly name: string;
  /**
   * Whether other processes may relay this store's outbox (`true`, the default when absent: a
   * database several processes share) or this process is its only reader (`false`: the memory
   * store). Tradecore's default relay mode follows it: a shared outbox is relayed only by a
   * process that subscribes, so a process without subscribers never takes entries another one
   * waits for; an outbox only this process reads is relayed after every command, so it does not
   * grow when nobody subscribes.
   */
  readonly sharedOutbox?: boolean;
  /**
   * Runs `work` in one transaction for `tenantId`. If the database aborts the transaction to
   * break a deadlock or a serialization conflict, the adapter may run `work` again from the
   * start (nothing of the aborted attempt is kept), so `work` must act only through `tx`.
   */
  transaction<T>(tenantId: TenantId, work: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Relays committed, unpublished outbox entries (of every tenant), each transaction's entries
   * in the order they were added: calls `deliver` for each and marks them published.
   * **Atomic**: concurrent relays never hand the same entry out twice; if `deliver` throws, that
   * entry and the rest of the batch stay unpublished for the next relay, and the error
   * propagates. Returns the number relayed. Entries written by rolled-back transactions never
   * appear.
   */
  relayOutbox(deliver: (message: OutboxMessage) => void, batchSize?: number): Promise<number>;
  /** Releases connections or flushes files. The store is unusable afterwards. */
  close(): Promise<void>;
}

/** True when a stock result is a shortfall. */
export function isStockShortfall(
  r: StockLevel | readonly StockLevel[] | StockShortfall,
): r is StockShortfall {
  return !Array.isArray(r) && 'requested' in r;
}

/** Adds up batch lines per (product, warehouse), keeping the first-seen order. */
export function sumStockLines(lines: readonly StockLine[]): StockLine[] {
  const out = new Map<string, StockLine>();
  for (const l of lines) {
    const k = `${l.productId}\u0000${l.warehouseId}`;
    const prev = out.get(k);
    out.set(k, prev ? { ...prev, qty: prev.qty.plus(l.qty) } : l);
  }
  return [...out.values()];
}

/** True when a credit change was refused. */
export function isCreditShortfall(
  r: readonly CreditAccount[] | CreditShortfall,
): r is CreditShortfall {
  return !Array.isArray(r);
}
