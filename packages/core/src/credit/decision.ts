/**
 * Credit decisions as pure functions: given the accounts an order's exposure lands on (the
 * customer's account and its groups), the amount, the checkpoint policy and the overdue
 * summary, say pass, warn or block — with typed reasons and the figures behind them.
 * `explain()` is this same function; the store's atomic `change` enforces the same inequality.
 *
 * @module
 */
import { Dec } from '../money/decimal';
import { Money } from '../money/money';
import type { CreditAccount, CreditBucket, OverdueSummary } from '../ports/store';
import type { CheckpointPolicy, CreditCheckpoint } from './policy';

/** The figures of one account at a decision. */
export interface CreditFigures {
  /** Account id. */
  readonly accountId: string;
  /** The group it rolls up into. */
  readonly parentId: string | null;
  /** Its own limit, or `null` if it has none. */
  readonly limit: Money | null;
  /** Temporary increase that counts at this instant (zero if expired or none). */
  readonly temporary: Money;
  /** Deposits and guarantees. */
  readonly deposit: Money;
  /** limit + deposit + temporary, or `null` without a limit. */
  readonly capacity: Money | null;
  /** Exposure per bucket. */
  readonly buckets: Readonly<Record<CreditBucket, Money>>;
  /** Σ counted buckets before the step. */
  readonly exposure: Money;
  /** Σ counted buckets after the step. */
  readonly exposureAfter: Money;
  /** capacity − exposureAfter, or `null` without a limit. */
  readonly availableAfter: Money | null;
  /** Whether the account is frozen. */
  readonly frozen: boolean;
}

/** Why a decision is not a plain pass. */
export type CreditReason =
  | {
      readonly code: 'LIMIT_EXCEEDED';
      readonly accountId: string;
      readonly capacity: Money;
      readonly exposureAfter: Money;
      readonly exceededBy: Money;
    }
  | { readonly code: 'ACCOUNT_FROZEN'; readonly accountId: string }
  | {
      readonly code: 'OVERDUE';
      readonly days: number;
      readonly amount: Money;
      readonly oldestDueDate: string;
    }
  | {
      readonly code: 'TEMPORARY_LIMIT_EXPIRED';
      readonly accountId: string;
      readonly expiredAt: string;
      readonly amount: Money;
    }
  | { readonly code: 'HIGH_UTILIZATION'; readonly accountId: string; readonly utilization: Dec };

/** A credit decision. */
export interface CreditDecision {
  /** pass, warn or block. */
  readonly outcome: 'pass' | 'warn' | 'block';
  /** Where it was taken. */
  readonly checkpoint: CreditCheckpoint;
  /** The amount the step adds to the counted exposure. */
  readonly requested: Money;
  /** Reasons; empty on a plain pass. */
  readonly reasons: readonly CreditReason[];
  /** The figures of every account involved, the customer's first. */
  readonly figures: readonly CreditFigures[];
  /** When. */
  readonly asOf: string;
}

/** What {@link decideCredit} needs. */
export interface CreditDecisionInput {
  /** The accounts the amount lands on: the customer's account, then its groups. */
  readonly accounts: readonly CreditAccount[];
  /** Amount of the step, in the accounts' currency. */
  readonly amount: Money;
  /** Bucket the amount leaves. */
  readonly from: CreditBucket | null;
  /** Bucket it enters. */
  readonly to: CreditBucket | null;
  /** The checkpoint and its policy. */
  readonly checkpoint: CreditCheckpoint;
  /** The checkpoint's policy. */
  readonly policy: CheckpointPolicy;
  /** The instant. */
  readonly asOf: string;
  /** Overdue items beyond the policy's days, when the policy blocks on them. */
  readonly overdue?: { readonly days: number; readonly summary: OverdueSummary } | undefined;
  /** Warn above this utilization. */
  readonly warnAtUtilization?: Dec | null | undefined;
}

/** Capacity of an account at `asOf`: limit + deposit + temporary (if not expired); `null` without a limit. */
export function capacityOf(a: CreditAccount, asOf: string): Dec | null {
  if (a.limit === null) return null;
  return a.limit.plus(a.deposit).plus(temporaryOf(a, asOf));
}

function temporaryOf(a: CreditAccount, asOf: string): Dec {
  return a.temporaryUntil !== null && asOf < a.temporaryUntil ? a.temporary : new Dec(0);
}

/** Figures of one account for a step. */
export function creditFigures(
  a: CreditAccount,
  counted: readonly CreditBucket[],
  amount: Dec,
  from: CreditBucket | null,
  to: CreditBucket | null,
  asOf: string,
): CreditFigures {
  const m = (d: Dec) => Money.of(d, a.currency);
  const exposure = counted.reduce((s, b) => s.plus(a[b]), new Dec(0));
  const delta = (to !== null && counted.includes(to) ? amount : new Dec(0)).minus(
    from !== null && counted.includes(from) ? amount : new Dec(0),
  );
  const after = exposure.plus(delta);
  const capacity = capacityOf(a, asOf);
  return {
    accountId: a.accountId,
    parentId: a.parentId,
    limit: a.limit === null ? null : m(a.limit),
    temporary: m(temporaryOf(a, asOf)),
    deposit: m(a.deposit),
    capacity: capacity === null ? null : m(capacity),
    buckets: { orders: m(a.orders), uninvoiced: m(a.uninvoiced), receivables: m(a.receivables) },
    exposure: m(exposure),
    exposureAfter: m(after),
    availableAfter: capacity === null ? null : m(capacity.minus(after)),
    frozen: a.frozen,
  };
}

/**
 * Decides a credit step. Blocks (or warns, per policy) when an account is frozen, when any
 * account with a limit would end above its capacity, or when items are overdue beyond the
 * policy's days; never when everything fits. A policy in `off` mode always passes.
 */
export function decideCredit(input: CreditDecisionInput): CreditDecision {
  const { accounts, amount, from, to, policy, asOf } = input;
  const figures = accounts.map((a) =>
    creditFigures(a, policy.counted, amount.amount, from, to, asOf),
  );
  const reasons: CreditReason[] = [];
  if (policy.mode !== 'off') {
    for (const [i, f] of figures.entries()) {
      const a = accounts[i] as CreditAccount;
      if (f.frozen) reasons.push({ code: 'ACCOUNT_FROZEN', accountId: f.accountId });
      if (f.capacity !== null && f.exposureAfter.greaterThan(f.capacity)) {
        reasons.push({
          code: 'LIMIT_EXCEEDED',
          accountId: f.accountId,
          capacity: f.capacity,
          exposureAfter: f.exposureAfter,
          exceededBy: f.exposureAfter.subtract(f.capacity),
        });
        if (a.temporaryUntil !== null && asOf >= a.temporaryUntil && a.temporary.greaterThan(0)) {
          reasons.push({
            code: 'TEMPORARY_LIMIT_EXPIRED',
            accountId: f.accountId,
            expiredAt: a.temporaryUntil,
            amount: Money.of(a.temporary, a.currency),
          });
        }
      }
    }
    const o = input.overdue;
    if (o && o.summary.count > 0 && o.summary.oldestDueDate !== null) {
      const currency = accounts[0]?.currency ?? amount.currency.code;
      reasons.push({
        code: 'OVERDUE',
        days: o.days,
        amount: Money.of(o.summary.amount, currency),
        oldestDueDate: o.summary.oldestDueDate,
      });
    }
  }
  const blocking = reasons.length > 0;
  if (!blocking && policy.mode !== 'off' && input.warnAtUtilization) {
    for (const f of figures) {
      if (f.capacity === null || f.capacity.isZero()) continue;
      const u = f.exposureAfter.amount.dividedBy(f.capacity.amount);
      if (u.greaterThan(input.warnAtUtilization))
        reasons.push({ code: 'HIGH_UTILIZATION', accountId: f.accountId, utilization: u });
    }
  }
  const outcome = blocking
    ? policy.mode === 'block'
      ? 'block'
      : 'warn'
    : reasons.length > 0
      ? 'warn'
      : 'pass';
  return { outcome, checkpoint: input.checkpoint, requested: amount, reasons, figures, asOf };
}

/** One reason as a short sentence. */
export function describeReason(r: CreditReason): string {
  switch (r.code) {
    case 'LIMIT_EXCEEDED':
      return `${r.accountId}: exposure after ${r.exposureAfter} exceeds capacity ${r.capacity} by ${r.exceededBy}`;
    case 'ACCOUNT_FROZEN':
      return `${r.accountId}: account frozen`;
    case 'OVERDUE':
      return `${r.amount} overdue by more than ${r.days} days (oldest due ${r.oldestDueDate})`;
    case 'TEMPORARY_LIMIT_EXPIRED':
      return `${r.accountId}: temporary limit of ${r.amount} expired at ${r.expiredAt}`;
    case 'HIGH_UTILIZATION':
      return `${r.accountId}: utilization ${r.utilization.times(100).toFixed(1)}%`;
  }
}

/** A one-line summary of a decision's reasons, for messages. */
export function describeCredit(d: CreditDecision): string {
  if (d.reasons.length === 0) return `credit ${d.outcome} at ${d.checkpoint}`;
  return d.reasons.map(describeReason).join('; ');
}
