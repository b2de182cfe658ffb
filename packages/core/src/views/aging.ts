/**
 * Receivable aging (账龄): the pure law behind the store's `credit.aging` operation, the bucket
 * definitions integrators configure, and the roll-up of customers to their head office.
 *
 * Ages are whole calendar days between `YYYY-MM-DD` dates; nothing here reads a clock — the
 * day the ages are taken at (`asOf`) is always passed in.
 *
 * @module
 */
import { z } from 'zod';
import { TradecoreBug } from '../kernel/errors';
import { Dec } from '../money/decimal';
import type { AgingQuery, AgingRow, OpenItem } from '../ports/store';

/** The largest day limit a bucket may have (100 years). */
export const MAX_AGING_DAYS = 36_500;

/** The most bucket definitions one aging may have. */
export const MAX_AGING_BUCKETS = 24;

/** The most bounds one store aging query may have. */
export const MAX_AGING_BOUNDS = 64;

const DAY_MS = 86_400_000;
const ZERO = new Dec(0);

/**
 * One aging bucket: the items overdue by at most `toDays` days (and by more than the bucket
 * before it allows). `toDays: 0` is "not due yet"; `null` is open-ended ("90+").
 */
export interface AgingBucket {
  /** Shown as the column heading, e.g. `31-60`. */
  readonly label: string;
  /** Inclusive upper limit of days overdue, or `null` for the open-ended last bucket. */
  readonly toDays: number | null;
}

/** The usual buckets: not due, 1–30, 31–60, 61–90 and over 90 days overdue. */
export const DEFAULT_AGING_BUCKETS: readonly AgingBucket[] = Object.freeze([
  Object.freeze({ label: 'not due', toDays: 0 }),
  Object.freeze({ label: '1-30', toDays: 30 }),
  Object.freeze({ label: '31-60', toDays: 60 }),
  Object.freeze({ label: '61-90', toDays: 90 }),
  Object.freeze({ label: '90+', toDays: null }),
]);

/**
 * Bucket definitions: 1‥{@link MAX_AGING_BUCKETS} buckets with distinct non-empty labels whose
 * `toDays` are integers in 0‥{@link MAX_AGING_DAYS}, strictly ascending, and only the last one
 * `null` (so every item falls in exactly one bucket). A rejection names the bucket's field, e.g.
 * `buckets.2.toDays` with rule `ascending`.
 */
export const agingBucketsSchema = z
  .array(
    z.object({
      label: z
        .string({ error: 'must be a string' })
        .trim()
        .min(1, 'must not be empty')
        .max(40, 'must be at most 40 characters'),
      toDays: z
        .number({ error: 'must be a whole number of days or null' })
        .int('must be a whole number of days')
        .min(0, 'must not be negative')
        .max(MAX_AGING_DAYS, `must be at most ${MAX_AGING_DAYS} days`)
        .nullable(),
    }),
  )
  .min(1, 'needs at least one bucket')
  .max(MAX_AGING_BUCKETS, `must have at most ${MAX_AGING_BUCKETS} buckets`)
  .superRefine((buckets, ctx) => {
    const last = buckets.length - 1;
    const seen = new Set<string>();
    let prev: number | undefined;
    for (const [i, b] of buckets.entries()) {
      if (seen.has(b.label)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'label'],
          message: `must be unique, "${b.label}" is used twice`,
          params: { rule: 'unique' },
        });
      }
      seen.add(b.label);
      if (b.toDays === null) {
        if (i !== last) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'toDays'],
            message: 'only the last bucket may be open-ended (null)',
            params: { rule: 'open_ended_last' },
          });
        }
        continue;
      }
      if (i === last) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'toDays'],
          message: 'the last bucket must be open-ended (null), so every item falls in a bucket',
          params: { rule: 'open_ended_last' },
        });
      }
      if (prev !== undefined && b.toDays <= prev) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'toDays'],
          message: `must be greater than the bucket before it (${prev}): buckets go in ascending order`,
          params: { rule: 'ascending' },
        });
      }
      prev = b.toDays;
    }
  });

/** The UTC epoch day of a real `YYYY-MM-DD` calendar date, or `undefined`. */
function epochDay(date: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) return undefined;
  return ms / DAY_MS;
}

function dayOf(date: string, what: string): number {
  const d = epochDay(date);
  if (d === undefined)
    throw new TradecoreBug('INVALID_DATE', `${what} is not a YYYY-MM-DD date: ${date}`, { date });
  return d;
}

/**
 * A day of the aging: a real `YYYY-MM-DD` calendar date in the year 1000 or later (so every
 * cut-off {@link MAX_AGING_DAYS} before it is still a four-digit year).
 */
export const agingDateSchema = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => epochDay(s) !== undefined, {
    message: 'must be a real calendar date',
    params: { rule: 'date' },
  })
  .refine((s) => s >= '1000-01-01', {
    message: 'must be in the year 1000 or later',
    params: { rule: 'date_range' },
  });

/**
 * Calendar days from `dueDate` to `asOf`: positive when the item is overdue (due yesterday: 1),
 * 0 on the due date, negative before it.
 *
 * @throws TradecoreBug `INVALID_DATE` when either is not a real `YYYY-MM-DD` date.
 */
export function daysOverdue(dueDate: string, asOf: string): number {
  return dayOf(asOf, 'asOf') - dayOf(dueDate, 'dueDate');
}

/**
 * The bounds of the store's {@link AgingQuery} for bucket definitions: their positive
 * `toDays`, in order (`0` is the store's separate "not due" sum; `null` its open-ended sum).
 */
export function agingBounds(buckets: readonly AgingBucket[]): number[] {
  return buckets.flatMap((b) => (b.toDays !== null && b.toDays > 0 ? [b.toDays] : []));
}

/**
 * The due-date thresholds an adapter compares with: `[asOf, asOf − bounds[0] days, …]`, each a
 * `YYYY-MM-DD`, descending. An item due on `d` is not due when `d ≥ cutoffs[0]`; it is in
 * bucket `i` when `cutoffs[i + 1] ≤ d < cutoffs[i]`; and in the open-ended bucket when `d` is
 * before the last cut-off. (`YYYY-MM-DD` texts order like the dates they name.)
 *
 * @throws TradecoreBug `INVALID_AGING_QUERY` when `asOf` is not a date in the year 1000 or
 *   later, or the bounds are more than {@link MAX_AGING_BOUNDS} or not strictly ascending
 *   integers in 1‥{@link MAX_AGING_DAYS}.
 */
export function agingCutoffs(asOf: string, bounds: readonly number[]): string[] {
  const day = epochDay(asOf);
  const bad = (why: string) =>
    new TradecoreBug('INVALID_AGING_QUERY', `aging query: ${why}`, { asOf, bounds: [...bounds] });
  if (day === undefined || asOf < '1000-01-01')
    throw bad(`asOf must be a YYYY-MM-DD date in the year 1000 or later, got ${asOf}`);
  if (bounds.length > MAX_AGING_BOUNDS) throw bad(`at most ${MAX_AGING_BOUNDS} bounds`);
  let prev = 0;
  for (const b of bounds) {
    if (!Number.isSafeInteger(b) || b <= prev || b > MAX_AGING_DAYS)
      throw bad(`bounds must be strictly ascending integers in 1..${MAX_AGING_DAYS}`);
    prev = b;
  }
  return [asOf, ...bounds.map((b) => new Date((day - b) * DAY_MS).toISOString().slice(0, 10))];
}

/** The part of an open item aging reads. */
export type AgeableItem = Pick<OpenItem, 'accountId' | 'dueDate' | 'residual'>;

interface MutableRow {
  accountId: string;
  currency: string | null;
  notDue: Dec;
  buckets: Dec[];
  total: Dec;
  count: number;
  oldestDueDate: string;
}

/**
 * The law of the store's `credit.aging`: adds up the items with residual > 0 per account by
 * days overdue on `query.asOf` (see {@link AgingQuery} and {@link AgingRow}), keeping only
 * `query.accountIds` when given. Rows are ordered by account id; `currencyOf` supplies each
 * row's currency (default: `null`).
 *
 * @example
 * ```ts
 * const rows = ageOpenItems(
 *   [{ accountId: 'C1', dueDate: '2026-10-01', residual: new Dec('50') }],
 *   { asOf: '2026-11-22', bounds: [30, 60, 90] },
 * );
 * rows[0]?.buckets.map(String); // ['0', '50', '0', '0']  — 52 days overdue
 * ```
 *
 * @throws TradecoreBug `INVALID_AGING_QUERY` for a malformed query, `INVALID_DATE` for an item
 *   whose due date is not a real date.
 */
export function ageOpenItems(
  items: readonly AgeableItem[],
  query: AgingQuery,
  currencyOf: (accountId: string) => string | null = () => null,
): AgingRow[] {
  agingCutoffs(query.asOf, query.bounds);
  const only = query.accountIds === undefined ? undefined : new Set(query.accountIds);
  const rows = new Map<string, MutableRow>();
  for (const item of items) {
    if (!item.residual.greaterThan(0)) continue;
    if (only !== undefined && !only.has(item.accountId)) continue;
    let row = rows.get(item.accountId);
    if (row === undefined) {
      row = {
        accountId: item.accountId,
        currency: currencyOf(item.accountId),
        notDue: ZERO,
        buckets: Array.from({ length: query.bounds.length + 1 }, () => ZERO),
        total: ZERO,
        count: 0,
        oldestDueDate: item.dueDate,
      };
      rows.set(item.accountId, row);
    }
    const days = daysOverdue(item.dueDate, query.asOf);
    if (days <= 0) row.notDue = row.notDue.plus(item.residual);
    else {
      let i = query.bounds.findIndex((b) => days <= b);
      if (i < 0) i = query.bounds.length;
      row.buckets[i] = (row.buckets[i] as Dec).plus(item.residual);
    }
    row.total = row.total.plus(item.residual);
    row.count += 1;
    if (item.dueDate < row.oldestDueDate) row.oldestDueDate = item.dueDate;
  }
  return [...rows.values()].sort(byAccount);
}

function byAccount(a: { accountId: string }, b: { accountId: string }): number {
  return a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0;
}

/**
 * The amounts of a row per bucket definition (one per bucket, in order): the row's "not due"
 * sum goes to the first bucket (whose `toDays` is 0 or more), each bounded sum to the bucket
 * whose `toDays` is that bound, the open-ended sum to the last. `row` must come from an aging
 * with `bounds = agingBounds(buckets)`.
 *
 * @throws TradecoreBug `AGING_SHAPE_MISMATCH` when the row has another number of sums.
 */
export function bucketAmounts(
  row: Pick<AgingRow, 'notDue' | 'buckets'>,
  buckets: readonly AgingBucket[],
): Dec[] {
  const bounds = agingBounds(buckets);
  if (row.buckets.length !== bounds.length + 1 || buckets.length === 0) {
    throw new TradecoreBug(
      'AGING_SHAPE_MISMATCH',
      `an aging row with ${row.buckets.length} sums does not fit ${buckets.length} bucket definitions`,
    );
  }
  // Each store sum belongs to exactly one definition: "not due" to the first, bounded sum k to
  // the definition whose toDays is bounds[k], the open-ended sum to the last.
  const out: (Dec | undefined)[] = buckets.map(() => undefined);
  out[0] = row.notDue;
  let part = 0;
  for (const [i, b] of buckets.entries()) {
    if (b.toDays !== null && b.toDays <= 0) continue;
    const upTo = b.toDays === null ? bounds.length : bounds.indexOf(b.toDays);
    for (; part <= upTo; part++) {
      const x = row.buckets[part] as Dec;
      const cur = out[i];
      out[i] = cur === undefined ? x : cur.plus(x);
    }
  }
  return out.map((x) => x ?? ZERO);
}

/** An aging row that may stand for several accounts: a head office and its subsidiaries. */
export interface RolledAgingRow extends AgingRow {
  /** The accounts whose items the row adds up, ordered by id. */
  readonly members: readonly string[];
}

/**
 * The head office an account rolls up to: follows `headOfficeOf` (`undefined`, or the account
 * itself, means "is its own head office") to the top. Should the data hold a cycle, the
 * smallest id on the cycle is taken as the head, so the answer is the same from every member.
 */
export function resolveHeadOffice(
  accountId: string,
  headOfficeOf: (accountId: string) => string | undefined,
): string {
  const path: string[] = [];
  const seen = new Set<string>();
  let cur = accountId;
  for (;;) {
    if (seen.has(cur)) {
      return path.slice(path.indexOf(cur)).sort()[0] as string;
    }
    seen.add(cur);
    path.push(cur);
    const next = headOfficeOf(cur);
    if (next === undefined || next === cur) return cur;
    cur = next;
  }
}

/**
 * Rolls aging rows up to head offices: the rows of a subsidiary count under its head office
 * (found with {@link resolveHeadOffice}), and the head office's row lists its `members` (the
 * accounts whose open items it sums, itself included if it has any). Rows of
 * different currencies are never added together: a head office whose members hold items in
 * two currencies gets one row per currency. Ordered by head office id, then currency.
 *
 * @throws TradecoreBug `AGING_SHAPE_MISMATCH` when the rows come from different bounds.
 */
export function rollUpAging(
  rows: readonly AgingRow[],
  headOfficeOf: (accountId: string) => string | undefined,
): RolledAgingRow[] {
  const out = new Map<string, MutableRow & { members: string[] }>();
  for (const r of rows) {
    const head = resolveHeadOffice(r.accountId, headOfficeOf);
    const k = `${head}\u0000${r.currency ?? ''}`;
    const acc = out.get(k);
    if (acc === undefined) {
      out.set(k, {
        ...r,
        accountId: head,
        buckets: [...r.buckets],
        members: [r.accountId],
      });
      continue;
    }
    if (acc.buckets.length !== r.buckets.length) {
      throw new TradecoreBug('AGING_SHAPE_MISMATCH', 'aging rows of different bounds');
    }
    acc.notDue = acc.notDue.plus(r.notDue);
    acc.buckets = acc.buckets.map((b, i) => b.plus(r.buckets[i] as Dec));
    acc.total = acc.total.plus(r.total);
    acc.count += r.count;
    if (r.oldestDueDate < acc.oldestDueDate) acc.oldestDueDate = r.oldestDueDate;
    acc.members.push(r.accountId);
  }
  return [...out.values()]
    .map((r) => ({ ...r, members: [...r.members].sort() }))
    .sort((a, b) => byAccount(a, b) || ((a.currency ?? '') < (b.currency ?? '') ? -1 : 1));
}

/** Totals of aging rows in one currency. */
export interface AgingTotal {
  /** The currency (`null` for rows of accounts without a credit account). */
  readonly currency: string | null;
  /** Σ not-due sums. */
  readonly notDue: Dec;
  /** Σ of each bucket sum, position by position. */
  readonly buckets: readonly Dec[];
  /** Σ totals. */
  readonly total: Dec;
  /** Σ item counts. */
  readonly count: number;
  /** How many rows were added up. */
  readonly rows: number;
}

/**
 * Adds aging rows up per currency (ordered by currency; amounts in different currencies are
 * never added together).
 *
 * @throws TradecoreBug `AGING_SHAPE_MISMATCH` when the rows come from different bounds.
 */
export function agingTotals(rows: readonly AgingRow[]): AgingTotal[] {
  const out = new Map<string, { -readonly [K in keyof AgingTotal]: AgingTotal[K] }>();
  for (const r of rows) {
    const k = r.currency ?? '';
    const acc = out.get(k);
    if (acc === undefined) {
      out.set(k, {
        currency: r.currency,
        notDue: r.notDue,
        buckets: [...r.buckets],
        total: r.total,
        count: r.count,
        rows: 1,
      });
      continue;
    }
    if (acc.buckets.length !== r.buckets.length) {
      throw new TradecoreBug('AGING_SHAPE_MISMATCH', 'aging rows of different bounds');
    }
    acc.notDue = acc.notDue.plus(r.notDue);
    acc.buckets = acc.buckets.map((b, i) => b.plus(r.buckets[i] as Dec));
    acc.total = acc.total.plus(r.total);
    acc.count += r.count;
    acc.rows += 1;
  }
  return [...out.values()].sort((a, b) => ((a.currency ?? '') < (b.currency ?? '') ? -1 : 1));
}
