/**
 * Receivable views: AR aging per customer or rolled up to the head office, and the list of what
 * is due and overdue. Read-only queries: they read the store's open items in one aggregate
 * (`credit.aging`) or one ordered, limited read (`credit.dueItems`) and shape them with the pure
 * functions of `views/aging`.
 *
 * @module
 */
import { z } from 'zod';
import { TradecoreBug } from '../kernel/errors';
import { MASTERDATA_KINDS } from '../masterdata/types';
import { Money } from '../money/money';
import type { Transaction } from '../ports/store';
import { daysAheadSchema, idSchema, listLimitSchema } from '../validation';
import {
  type AgingBucket,
  agingBounds,
  agingBucketsSchema,
  agingDateSchema,
  agingTotals,
  bucketAmounts,
  DEFAULT_AGING_BUCKETS,
  daysOverdue,
  MAX_AGING_DAYS,
  type RolledAgingRow,
  resolveHeadOffice,
  rollUpAging,
} from '../views/aging';
import { dateOf } from './credit';

/** The most account ids one receivable view may name. */
export const MAX_VIEW_ACCOUNTS = 10_000;

const accountIdsSchema = z
  .array(idSchema)
  .max(MAX_VIEW_ACCOUNTS, `must name at most ${MAX_VIEW_ACCOUNTS} accounts`);

/** Input of `arAging`. Unknown fields are rejected. */
export const arAgingInput = z
  .object({
    /** The day the ages are taken at, `YYYY-MM-DD`; default: today (UTC) by the clock port. */
    asOf: agingDateSchema.optional(),
    /** Bucket definitions; default {@link DEFAULT_AGING_BUCKETS} (not due, 1-30, 31-60, 61-90, 90+). */
    buckets: agingBucketsSchema.optional(),
    /** One line per customer (default), or per head office with its subsidiaries added in. */
    rollUp: z
      .union([z.literal('customer'), z.literal('head-office')], {
        error: 'must be "customer" or "head-office"',
      })
      .optional(),
    /**
     * Only these customers (with `rollUp: 'head-office'`: these head offices, each with all its
     * subsidiaries); every customer with open items when omitted.
     */
    accountIds: accountIdsSchema.optional(),
  })
  .strict();

/** What an integrator passes to `arAging`. */
export type ArAgingInput = z.input<typeof arAgingInput>;

/** One line of an AR aging: a customer, or a head office with its subsidiaries. */
export interface ArAgingLine {
  /** The customer, or the head office the line rolls up to. */
  readonly accountId: string;
  /** ISO 4217 code of every amount of the line (the customer's credit account currency). */
  readonly currency: string;
  /** Open residuals per bucket, one per bucket definition of the report, in order. */
  readonly amounts: readonly Money[];
  /** Σ amounts: everything still open. */
  readonly total: Money;
  /** How many open items (invoices or installments). */
  readonly count: number;
  /** The earliest due date among them. */
  readonly oldestDueDate: string;
  /** The customers whose items the line adds up (just `accountId` per customer), by id. */
  readonly members: readonly string[];
}

/** The totals of an AR aging in one currency. */
export interface ArAgingTotal {
  /** ISO 4217 code. */
  readonly currency: string;
  /** Σ of each bucket over the lines, one per bucket definition. */
  readonly amounts: readonly Money[];
  /** Σ totals. */
  readonly total: Money;
  /** Σ open items. */
  readonly count: number;
  /** How many lines. */
  readonly lines: number;
}

/** An AR aging report (应收账龄). */
export interface ArAgingReport {
  /** The day the ages were taken at. */
  readonly asOf: string;
  /** How lines were formed. */
  readonly rollUp: 'customer' | 'head-office';
  /** The bucket definitions, in the order of every `amounts` list. */
  readonly buckets: readonly AgingBucket[];
  /** Ordered by account id, then currency. */
  readonly lines: readonly ArAgingLine[];
  /** One per currency, ordered by currency. */
  readonly totals: readonly ArAgingTotal[];
}

/** The currency of an account's open items; open items exist only on credit accounts. */
function currencyOf(currency: string | null, accountId: string): string {
  if (currency === null) {
    throw new TradecoreBug(
      'OPEN_ITEMS_WITHOUT_CREDIT_ACCOUNT',
      `account ${accountId} has open items but no credit account (so no currency)`,
      { accountId },
    );
  }
  return currency;
}

/** The head office of every customer of the tenant that names one. */
async function headOffices(tx: Transaction): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const r of await tx.records.find({ kind: MASTERDATA_KINDS.customer })) {
    const ho = r.data.headOfficeId;
    if (typeof ho === 'string') out.set(r.id, ho);
  }
  return out;
}

/**
 * The AR aging: open residuals per customer (or head office) in the given buckets, as of a day,
 * with totals per currency. Reads the open items in one store aggregate.
 *
 * With `rollUp: 'head-office'`, a subsidiary's items count under its head office (followed to
 * the top of the chain), and `accountIds` names head offices: each is reported with all its
 * subsidiaries.
 *
 * @param now - the current instant from the clock port; `asOf` defaults to its UTC date.
 */
export async function arAging(
  tx: Transaction,
  input: z.output<typeof arAgingInput>,
  now: string,
): Promise<ArAgingReport> {
  const asOf = input.asOf ?? dateOf(now);
  const buckets = input.buckets ?? DEFAULT_AGING_BUCKETS;
  const rollUp = input.rollUp ?? 'customer';
  const bounds = agingBounds(buckets);
  let rows: readonly RolledAgingRow[];
  if (rollUp === 'customer') {
    const aged = await tx.credit.aging({
      asOf,
      bounds,
      ...(input.accountIds === undefined ? {} : { accountIds: input.accountIds }),
    });
    rows = aged.map((r) => ({ ...r, members: [r.accountId] }));
  } else {
    const heads = await headOffices(tx);
    const parentOf = (id: string) => heads.get(id);
    let accountIds: string[] | undefined;
    if (input.accountIds !== undefined) {
      const wanted = new Set(input.accountIds);
      accountIds = [...input.accountIds];
      for (const id of heads.keys()) {
        if (wanted.has(resolveHeadOffice(id, parentOf))) accountIds.push(id);
      }
    }
    const aged = await tx.credit.aging({
      asOf,
      bounds,
      ...(accountIds === undefined ? {} : { accountIds }),
    });
    rows = rollUpAging(aged, parentOf);
  }
  const lines = rows.map((r): ArAgingLine => {
    const currency = currencyOf(r.currency, r.accountId);
    return {
      accountId: r.accountId,
      currency,
      amounts: bucketAmounts(r, buckets).map((a) => Money.of(a, currency)),
      total: Money.of(r.total, currency),
      count: r.count,
      oldestDueDate: r.oldestDueDate,
      members: r.members,
    };
  });
  const totals = agingTotals(rows).map((t): ArAgingTotal => {
    const currency = currencyOf(t.currency, '(totals)');
    return {
      currency,
      amounts: bucketAmounts(t, buckets).map((a) => Money.of(a, currency)),
      total: Money.of(t.total, currency),
      count: t.count,
      lines: t.rows,
    };
  });
  return { asOf, rollUp, buckets, lines, totals };
}

/** Input of `dueReceivables`. Unknown fields are rejected. */
export const dueReceivablesInput = z
  .object({
    /** The day, `YYYY-MM-DD`; default: today (UTC) by the clock port. */
    asOf: agingDateSchema.optional(),
    /** Also list what falls due within this many days after `asOf` (default 0: due and overdue). */
    withinDays: daysAheadSchema(MAX_AGING_DAYS).optional(),
    /** At most this many items (default 100, at most 10,000). */
    limit: listLimitSchema(10_000).optional(),
    /** Only these customers; every customer when omitted. */
    accountIds: accountIdsSchema.optional(),
  })
  .strict();

/** What an integrator passes to `dueReceivables`. */
export type DueReceivablesInput = z.input<typeof dueReceivablesInput>;

/** One open receivable (an invoice or one of its installments) that is due. */
export interface DueReceivable {
  /** Open item id (e.g. `<invoiceId>#1`). */
  readonly itemId: string;
  /** The customer that owes it (the bill-to party). */
  readonly accountId: string;
  /** Document kind, e.g. `invoice`. */
  readonly sourceKind: string;
  /** Document id. */
  readonly sourceId: string;
  /** Due date. */
  readonly dueDate: string;
  /** Days overdue on `asOf` (0: due that day; negative: due in that many days). */
  readonly daysOverdue: number;
  /** Original amount. */
  readonly amount: Money;
  /** Still open. */
  readonly residual: Money;
}

/** What is due and overdue. */
export interface DueReceivablesReport {
  /** The day the list was taken at. */
  readonly asOf: string;
  /** Items due on or before this day are listed (`asOf` + `withinDays`). */
  readonly through: string;
  /** Oldest due date first (then by item id), at most `limit`. */
  readonly items: readonly DueReceivable[];
  /** Whether more items matched than `limit`. */
  readonly truncated: boolean;
}

/**
 * What is due and overdue: open receivables due on or before `asOf + withinDays`, oldest first,
 * in one ordered and limited store read.
 *
 * @param now - the current instant from the clock port; `asOf` defaults to its UTC date.
 */
export async function dueReceivables(
  tx: Transaction,
  input: z.output<typeof dueReceivablesInput>,
  now: string,
): Promise<DueReceivablesReport> {
  const asOf = input.asOf ?? dateOf(now);
  const through = dateOf(`${asOf}T00:00:00.000Z`, input.withinDays ?? 0);
  const limit = input.limit ?? 100;
  const found = await tx.credit.dueItems({
    through,
    limit: limit + 1,
    ...(input.accountIds === undefined ? {} : { accountIds: input.accountIds }),
  });
  const items = found.slice(0, limit).map((i): DueReceivable => {
    const currency = currencyOf(i.currency, i.accountId);
    return {
      itemId: i.itemId,
      accountId: i.accountId,
      sourceKind: i.sourceKind,
      sourceId: i.sourceId,
      dueDate: i.dueDate,
      daysOverdue: daysOverdue(i.dueDate, asOf),
      amount: Money.of(i.amount, currency),
      residual: Money.of(i.residual, currency),
    };
  });
  return { asOf, through, items, truncated: found.length > limit };
}
