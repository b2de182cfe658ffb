/**
 * Credit policy: which exposure buckets count at each checkpoint, whether a failed check
 * blocks, warns or is skipped, and what a block does to an order (reject it, or hold it).
 *
 * @module
 */
import type { Dec } from '../money/decimal';
import type { CreditBucket } from '../ports/store';

/** The points of the order-to-cash flow where credit is checked. */
export type CreditCheckpoint = 'confirm' | 'delivery' | 'invoice';

/** What a checkpoint does. */
export interface CheckpointPolicy {
  /** `block`: a failed check stops the step; `warn`: the step goes on with a warning; `off`: no check. */
  readonly mode: 'block' | 'warn' | 'off';
  /** Buckets that count as exposure here. */
  readonly counted: readonly CreditBucket[];
}

/** A tenant's credit policy. */
export interface CreditPolicy {
  /** Order confirmation ("hold the order"). */
  readonly confirm: CheckpointPolicy;
  /** Delivery ("hold the shipment"). */
  readonly delivery: CheckpointPolicy;
  /** Invoicing. */
  readonly invoice: CheckpointPolicy;
  /** On a blocked confirmation: `reject` the command, or put the order on `hold` for an approver. */
  readonly onBlockedConfirm: 'reject' | 'hold';
  /** Block confirmations while any open item is overdue by more than this many days; `null`: never. */
  readonly overdueDays: number | null;
  /** Warn when exposure after the step exceeds this share of the capacity (e.g. 0.9); `null`: never. */
  readonly warnAtUtilization: Dec | null;
  /** Who may release a credit hold. */
  readonly approvers: readonly string[];
  /** Payment terms in days when an invoice gives no due date. */
  readonly paymentTermsDays: number;
}

/** All three buckets. */
const ALL: readonly CreditBucket[] = ['orders', 'uninvoiced', 'receivables'];

/** Hold the order: check everything at confirmation and reject what does not fit. */
export const DEFAULT_CREDIT_POLICY: CreditPolicy = {
  confirm: { mode: 'block', counted: ALL },
  delivery: { mode: 'off', counted: ALL },
  invoice: { mode: 'off', counted: ALL },
  onBlockedConfirm: 'reject',
  overdueDays: null,
  warnAtUtilization: null,
  approvers: [],
  paymentTermsDays: 30,
};
