/**
 * Contract views: the execution of one contract (ordered, delivered, invoiced, collected) and
 * the contracts about to expire. Read-only queries: they read sales orders through the store
 * and shape them with the pure functions of `views/contracts`.
 *
 * @module
 */
import { z } from 'zod';
import { decode } from '../kernel/codec';
import type { NotFoundError } from '../kernel/errors';
import { err, ok, type Result } from '../kernel/result';
import type { JsonPrimitive, Transaction } from '../ports/store';
import { addDays } from '../sales/dates';
import { SALES_KINDS, type SalesOrder } from '../sales/documents';
import { daysAheadSchema, idSchema, listLimitSchema } from '../validation';
import { agingDateSchema, MAX_AGING_DAYS } from '../views/aging';
import {
  type ContractExecution,
  contractExecution,
  ENDED_CONTRACT_STATES,
  type ExpiringContract,
  expiringContracts,
} from '../views/contracts';
import { dateOf } from './credit';

/** The most contracts one `expiringContracts` answer may list. */
export const MAX_EXPIRING_CONTRACTS = 10_000;

/** Input of `contractExecution`. Unknown fields are rejected. */
export const contractExecutionInput = z
  .object({
    /** The sales order (contract). */
    orderId: idSchema,
  })
  .strict();

/** What an integrator passes to `contractExecution`. */
export type ContractExecutionInput = z.input<typeof contractExecutionInput>;

/**
 * The execution of one contract: per line and in total (see `contractExecution` in
 * `views/contracts`), or `NOT_FOUND` (field `orderId`) when the tenant has no such order.
 */
export async function readContractExecution(
  tx: Transaction,
  input: z.output<typeof contractExecutionInput>,
): Promise<Result<ContractExecution, NotFoundError>> {
  const r = await tx.records.get(SALES_KINDS.order, input.orderId);
  if (r === undefined) {
    return err({
      code: 'NOT_FOUND',
      message: `orderId: no ${SALES_KINDS.order} with id ${input.orderId}`,
      entity: SALES_KINDS.order,
      id: input.orderId,
      field: 'orderId',
    });
  }
  return ok(contractExecution(decode<SalesOrder>(r.data)));
}

/** Input of `expiringContracts`. Unknown fields are rejected. */
export const expiringContractsInput = z
  .object({
    /** The day terms are measured from, `YYYY-MM-DD`; default: today (UTC) by the clock port. */
    asOf: agingDateSchema.optional(),
    /** List contracts ending within this many days after `asOf` (0: ending on `asOf`). */
    withinDays: daysAheadSchema(MAX_AGING_DAYS),
    /** Only this sold-to customer's contracts; every customer's when omitted. */
    customerId: idSchema.optional(),
    /** At most this many contracts (default 100, at most {@link MAX_EXPIRING_CONTRACTS}). */
    limit: listLimitSchema(MAX_EXPIRING_CONTRACTS).optional(),
  })
  .strict();

/** What an integrator passes to `expiringContracts`. */
export type ExpiringContractsInput = z.input<typeof expiringContractsInput>;

/** Contracts about to expire (合同到期预警), and those expired while still open. */
export interface ExpiringContractsReport {
  /** The day the terms were measured from. */
  readonly asOf: string;
  /** `asOf + withinDays`: contracts ending on or before this day are listed. */
  readonly through: string;
  /**
   * Expired-but-open contracts first, then those ending in [`asOf`, `through`]: by
   * `validUntil`, then number; at most `limit`.
   */
  readonly contracts: readonly ExpiringContract[];
  /** How many matched, before `limit`: expired while open, and ending within the window. */
  readonly counts: { readonly expired: number; readonly expiring: number };
  /** Whether more contracts matched than `limit`. */
  readonly truncated: boolean;
}

/**
 * Contracts about to expire: open contracts of the tenant (or of one customer) whose
 * `validUntil` is on or before `asOf + withinDays`, each flagged `expired` once `asOf` is after
 * it, with days left and what is left to do (see `expiringContracts` in `views/contracts`).
 *
 * Reads, in one `find` through the orders' range key (an open contract's end date, see
 * `contractKey`), only the open contracts ending on or before the window's last day — not every
 * order of the tenant; anything else that comes back (records stored before keys existed) is
 * skipped before it is decoded.
 *
 * @param now - the current instant from the clock port; `asOf` defaults to its UTC date.
 */
export async function readExpiringContracts(
  tx: Transaction,
  input: z.output<typeof expiringContractsInput>,
  now: string,
): Promise<ExpiringContractsReport> {
  const asOf = input.asOf ?? dateOf(now);
  const limit = input.limit ?? 100;
  const where: Record<string, JsonPrimitive> =
    input.customerId === undefined ? {} : { customerId: input.customerId };
  const through = addDays(asOf, input.withinDays);
  // Open contracts are stored with their end date as range key (`contractKey`): only those
  // ending on or before the window's last day are read, through an index.
  const found = await tx.records.find({ kind: SALES_KINDS.order, where, keyAtMost: through });
  // The key narrows; the same test on the data decides (records stored before keys existed
  // may come back whatever their end date). ISO dates compare as strings.
  const candidates = found
    .filter((r) => {
      const { validUntil, state } = r.data;
      return (
        typeof validUntil === 'string' &&
        validUntil <= through &&
        !(typeof state === 'string' && ENDED_CONTRACT_STATES.includes(state))
      );
    })
    .map((r) => decode<SalesOrder>(r.data));
  const all = expiringContracts(candidates, asOf, input.withinDays);
  const expired = all.contracts.filter((c) => c.expired).length;
  return {
    asOf,
    through: all.through,
    contracts: all.contracts.slice(0, limit),
    counts: { expired, expiring: all.contracts.length - expired },
    truncated: all.contracts.length > limit,
  };
}
