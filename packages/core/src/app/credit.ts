/**
 * Credit use cases: accounts (per customer and pooled per group), temporary limits, deposits,
 * freezing, the policy, the checked steps the order flow calls, holds and their release, and
 * the status a manager on the road asks for.
 *
 * @module
 */
import type { z } from 'zod';
import { type CreditDecision, capacityOf, decideCredit, describeCredit } from '../credit/decision';
import type {
  CreditAccountMissingError,
  CreditBlockedError,
  CreditGroupError,
  NotAnApproverError,
} from '../credit/errors';
import { type CreditCheckpoint, type CreditPolicy, DEFAULT_CREDIT_POLICY } from '../credit/policy';
import type { CurrencyMismatchError, NotFoundError, ValidationError } from '../kernel/errors';
import { TradecoreBug } from '../kernel/errors';
import { err, ok, type Result } from '../kernel/result';
import { type Customer, MASTERDATA_KINDS } from '../masterdata/types';
import { Dec } from '../money/decimal';
import { Money } from '../money/money';
import type { RatePort } from '../ports/rates';
import {
  CREDIT_BUCKETS,
  type CreditAccount,
  type CreditAccountSettings,
  type CreditBucket,
  isCreditShortfall,
  type OverdueSummary,
} from '../ports/store';
import type {
  assignCreditGroupInput,
  creditDepositInput,
  defineCreditGroupInput,
  freezeCreditInput,
  grantTemporaryCreditInput,
  setCreditLimitInput,
  setCreditPolicyInput,
} from './schemas';
import type { UnitOfWork } from './unit-of-work';

/** Store kind and id of the tenant's credit policy record. */
export const CREDIT_POLICY_KIND = 'credit-policy';
const POLICY_ID = 'default';

/** The tenant's credit policy (the default if none was set). */
export function loadCreditPolicy(uow: UnitOfWork): Promise<CreditPolicy> {
  return uow.memo(
    CREDIT_POLICY_KIND,
    async () =>
      (await uow.load<CreditPolicy>(CREDIT_POLICY_KIND, POLICY_ID)) ?? DEFAULT_CREDIT_POLICY,
  );
}

/** Store kind of the per-tenant list of orders on credit hold (so nothing scans all orders for them). */
export const CREDIT_HOLDS_KIND = 'credit-holds';

/** Where the tenant's credit policy and its list of held orders are stored (for read-ahead). */
export const CREDIT_REFS = {
  policy: { kind: CREDIT_POLICY_KIND, id: POLICY_ID },
  holds: { kind: CREDIT_HOLDS_KIND, id: POLICY_ID },
} as const;

/** The ids of the orders on credit hold, oldest first. */
export async function heldOrderIds(uow: UnitOfWork): Promise<string[]> {
  return (await uow.load<{ orderIds: string[] }>(CREDIT_HOLDS_KIND, POLICY_ID))?.orderIds ?? [];
}

/** Adds or removes an order in the list of held orders (saved with its version). */
export async function markHeld(uow: UnitOfWork, orderId: string, held: boolean) {
  const current = await uow.load<{ id: string; orderIds: string[] }>(CREDIT_HOLDS_KIND, POLICY_ID);
  const ids = (current?.orderIds ?? []).filter((id) => id !== orderId);
  if (held) ids.push(orderId);
  const doc = { id: POLICY_ID, orderIds: ids };
  if (current) await uow.save(CREDIT_HOLDS_KIND, doc);
  else await uow.create(CREDIT_HOLDS_KIND, doc);
}

/** The account and its ancestors, the account first. Throws on a cycle (a store corrupted by hand). */
export async function accountPath(
  uow: UnitOfWork,
  accountId: string,
): Promise<CreditAccount[] | undefined> {
  const first = await uow.tx.credit.account(accountId);
  if (!first) return undefined;
  const path = [first];
  let cur = first;
  while (cur.parentId !== null) {
    const parent = await uow.tx.credit.account(cur.parentId);
    if (!parent)
      throw new TradecoreBug(
        'CREDIT_PARENT_MISSING',
        `credit account ${cur.parentId} (parent of ${cur.accountId}) is missing`,
      );
    if (path.some((a) => a.accountId === parent.accountId)) {
      throw new TradecoreBug('CREDIT_CYCLE', `credit accounts form a cycle at ${parent.accountId}`);
    }
    path.push(parent);
    cur = parent;
  }
  return path;
}

/** Every customer (leaf) account at or below `accountId`. */
async function leavesOf(uow: UnitOfWork, accountId: string): Promise<string[]> {
  const out: string[] = [];
  const stack = [accountId];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    const kids = await uow.tx.credit.children(id);
    if (kids.length === 0) out.push(id);
    else stack.push(...kids.map((k) => k.accountId));
  }
  return out.sort();
}

/** `YYYY-MM-DD` of an instant, moved by `days`. */
export function dateOf(instant: string, days = 0): string {
  const t = Date.parse(instant);
  if (Number.isNaN(t)) throw new TradecoreBug('INVALID_INSTANT', `not an instant: ${instant}`);
  return new Date(t + days * 86_400_000).toISOString().slice(0, 10);
}

/** Converts `amount` to `currency` at `asOf` through the rate port (the one stated conversion point). */
export function toAccountCurrency(
  amount: Money,
  currency: string,
  asOf: string,
  rates: RatePort | undefined,
): Result<Money, CurrencyMismatchError> {
  if (amount.currency.code === currency) return ok(amount);
  const rate = rates?.rate(amount.currency.code, currency, asOf);
  if (rate === undefined) {
    return err({
      code: 'CURRENCY_MISMATCH',
      message: `no exchange rate from ${amount.currency.code} to the credit currency ${currency} at ${asOf}`,
      expected: currency,
      actual: amount.currency.code,
    });
  }
  return ok(Money.of(amount.amount.times(rate), currency).round('half-up'));
}

/** One step of an order's exposure through the buckets. */
export interface CreditStep {
  /** The customer account. */
  readonly accountId: string;
  /** Amount in the account currency. */
  readonly amount: Money;
  /** Bucket it leaves. */
  readonly from: CreditBucket | null;
  /** Bucket it enters. */
  readonly to: CreditBucket | null;
  /** The checkpoint whose policy applies (`null`: an unchecked move, e.g. a release). */
  readonly checkpoint: CreditCheckpoint | null;
}

/**
 * Applies a step in one atomic store operation on the account and every group above it —
 * checked against the limits when the checkpoint's policy blocks, so no concurrent step can
 * slip past a limit — and explains it with the pure `decideCredit` on the figures the store
 * returns (no separate read). Overdue items are looked up first when the policy blocks on them.
 * A credit account in another currency than the step's amount is a `CURRENCY_MISMATCH` naming
 * the account's currency (the caller converts and tries again).
 */
export async function applyCreditStep(
  uow: UnitOfWork,
  step: CreditStep,
  policy: CreditPolicy,
): Promise<
  Result<
    CreditDecision | null,
    CreditBlockedError | CreditAccountMissingError | CurrencyMismatchError
  >
> {
  const missing = (): CreditAccountMissingError => ({
    code: 'CREDIT_ACCOUNT_MISSING',
    message: `customer ${step.accountId} has no credit account; set a credit limit first`,
    customerId: step.accountId,
  });
  const mismatch = (currency: string): CurrencyMismatchError => ({
    code: 'CURRENCY_MISMATCH',
    message: `the credit account of ${step.accountId} is in ${currency}, the amount in ${step.amount.currency.code}`,
    expected: currency,
    actual: step.amount.currency.code,
  });
  const change = (checked: boolean) =>
    uow.tx.credit.change({
      accountId: step.accountId,
      currency: step.amount.currency.code,
      amount: step.amount.amount,
      from: step.from,
      to: step.to,
      check:
        checked && step.checkpoint !== null
          ? { counted: policy[step.checkpoint].counted, asOf: uow.now }
          : null,
    });
  const refused = (accounts: readonly CreditAccount[]) => {
    const first = accounts[0];
    if (!first) return missing();
    const other = accounts.find((a) => a.currency !== step.amount.currency.code);
    return other ? mismatch(other.currency) : undefined;
  };
  if (step.checkpoint === null) {
    if (step.amount.isZero()) return ok(null);
    const r = await change(false);
    if (isCreditShortfall(r)) {
      const why = refused(r.accounts);
      if (why) return err(why);
      throw new TradecoreBug(
        'CREDIT_BUCKET_SHORT',
        `${step.from} of ${step.accountId} holds less than ${step.amount}`,
      );
    }
    return ok(null);
  }
  const cp = policy[step.checkpoint];
  const { overdue, decide } = await creditDecider(uow, step, policy);
  if (overdue && overdue.summary.count > 0 && cp.mode !== 'off') {
    const path = await accountPath(uow, step.accountId);
    if (!path) return err(missing());
    // An account (or group) in another currency is refused as the change would refuse it.
    const why = refused(path);
    if (why) return err(why);
    const d = decide(path);
    if (d.outcome === 'block') return err(blocked(d));
  }
  const r = await change(cp.mode === 'block');
  if (isCreditShortfall(r)) {
    const why = refused(r.accounts);
    if (why) return err(why);
    const again = decide(r.accounts);
    if (again.outcome !== 'block') {
      throw new TradecoreBug(
        'CREDIT_CHANGE_REFUSED',
        `the store refused a change that fits: ${describeCredit(again)}`,
      );
    }
    return err(blocked(again));
  }
  return ok(decide(r.map((a) => before(a, step))));
}

/** An account as it was before `step` moved its amount (to explain the step from its result). */
function before(a: CreditAccount, step: CreditStep): CreditAccount {
  const out = { ...a };
  if (step.to !== null) out[step.to] = out[step.to].minus(step.amount.amount);
  if (step.from !== null) out[step.from] = out[step.from].plus(step.amount.amount);
  return out;
}

/**
 * How a checked step is decided: the overdue summary the policy asks for (read once) and the
 * pure decision for any state of the accounts. `applyCreditStep` and `explainCredit` share it.
 */
export async function creditDecider(uow: UnitOfWork, step: CreditStep, policy: CreditPolicy) {
  const checkpoint = step.checkpoint ?? 'confirm';
  const overdue = await overdueFor(uow, step, policy);
  const decide = (accounts: readonly CreditAccount[]) =>
    decideCredit({
      accounts,
      amount: step.amount,
      from: step.from,
      to: step.to,
      checkpoint,
      policy: policy[checkpoint],
      asOf: uow.now,
      overdue,
      warnAtUtilization: policy.warnAtUtilization,
    });
  return { overdue, decide };
}

async function overdueFor(uow: UnitOfWork, step: CreditStep, policy: CreditPolicy) {
  if (step.checkpoint !== 'confirm' || policy.overdueDays === null) return undefined;
  const summary: OverdueSummary = await uow.tx.credit.overdue(
    [step.accountId],
    dateOf(uow.now, -policy.overdueDays),
  );
  return { days: policy.overdueDays, summary };
}

/** The error for a blocking decision, coded by its first blocking reason. */
export function blocked(decision: CreditDecision): CreditBlockedError {
  const codes = decision.reasons.map((r) => r.code);
  const code = codes.includes('ACCOUNT_FROZEN')
    ? 'CREDIT_ACCOUNT_FROZEN'
    : codes.includes('OVERDUE')
      ? 'CREDIT_OVERDUE'
      : 'CREDIT_LIMIT_EXCEEDED';
  return {
    code,
    message: `credit blocked at ${decision.checkpoint}: ${describeCredit(decision)}`,
    decision,
  };
}

// ---------------------------------------------------------------------------------------------
// Commands on accounts and policy

const ZERO = new Dec(0);

function fresh(
  accountId: string,
  currency: string,
  limit: Dec | null,
  parentId: string | null,
): CreditAccountSettings {
  return {
    accountId,
    parentId,
    currency,
    limit,
    temporary: ZERO,
    temporaryUntil: null,
    deposit: ZERO,
    frozen: false,
  };
}

function settingsOf(a: CreditAccount): CreditAccountSettings {
  const { orders: _o, uninvoiced: _u, receivables: _r, ...settings } = a;
  return settings;
}

function exposureOf(a: CreditAccount): Dec {
  return CREDIT_BUCKETS.reduce((s, b) => s.plus(a[b]), ZERO);
}

/**
 * Saves account settings and announces it; a parent or currency change under open exposure is
 * a typed conflict.
 */
async function saveAccount(
  uow: UnitOfWork,
  settings: CreditAccountSettings,
  existed: boolean,
  kind = 'credit-account',
): Promise<Result<CreditAccount, CreditGroupError>> {
  const r = await uow.tx.credit.save(settings);
  if (r === 'open-exposure') {
    return err(
      groupConflict(
        'accountId',
        'open_exposure',
        `${settings.accountId} has open exposure; its group or currency cannot change now`,
      ),
    );
  }
  uow.emit('masterdata.saved', {
    kind,
    id: settings.accountId,
    change: existed ? 'updated' : 'created',
  });
  return ok(r);
}

function groupConflict(
  field: string,
  rule: CreditGroupError['rule'],
  message: string,
): CreditGroupError {
  return { code: 'CREDIT_GROUP_CONFLICT', message: `${field}: ${message}`, field, rule };
}

async function requireCustomer(uow: UnitOfWork, id: string, field: string) {
  return uow.require<Customer>(MASTERDATA_KINDS.customer, id, field);
}

async function requireAccount(
  uow: UnitOfWork,
  id: string,
  field: string,
): Promise<Result<CreditAccount, NotFoundError | CreditGroupError>> {
  const a = await uow.tx.credit.account(id);
  return a
    ? ok(a)
    : err({
        code: 'NOT_FOUND',
        message: `${field}: no credit account ${id}`,
        entity: 'credit-account',
        id,
        field,
      });
}

/** Sets a customer's own limit (creating its account); group membership and exposure are kept. */
export async function setCreditLimit(
  uow: UnitOfWork,
  input: z.output<typeof setCreditLimitInput>,
): Promise<Result<CreditAccount, NotFoundError | ValidationError | CreditGroupError>> {
  const c = await requireCustomer(uow, input.customerId, 'customerId');
  if (!c.ok) return c;
  const current = await uow.tx.credit.account(input.customerId);
  const currency = input.limit.currency.code;
  if (
    current &&
    current.currency !== currency &&
    (!exposureOf(current).isZero() || current.parentId !== null)
  ) {
    return err<ValidationError>({
      code: 'VALIDATION_FAILED',
      message: `limit.currency: the account is in ${current.currency} and has open exposure or a group [currency_change]`,
      issues: [
        {
          path: 'limit.currency',
          rule: 'currency_change',
          message: `limit.currency: must stay ${current.currency}`,
        },
      ],
    });
  }
  const settings = current
    ? { ...settingsOf(current), currency, limit: input.limit.amount }
    : fresh(input.customerId, currency, input.limit.amount, null);
  return saveAccount(uow, settings, current !== undefined);
}

/** Creates or updates a group account (a pooled limit), optionally inside a parent group. */
export async function defineCreditGroup(
  uow: UnitOfWork,
  input: z.output<typeof defineCreditGroupInput>,
): Promise<Result<CreditAccount, CreditGroupError | NotFoundError>> {
  const asCustomer = await uow.load<Customer>(MASTERDATA_KINDS.customer, input.groupId);
  if (asCustomer)
    return err(
      groupConflict('groupId', 'not_a_group', `${input.groupId} is a customer, not a group id`),
    );
  const current = await uow.tx.credit.account(input.groupId);
  const currency = input.limit.currency.code;
  if (current && current.currency !== currency && !exposureOf(current).isZero()) {
    return err(
      groupConflict(
        'limit.currency',
        'currency',
        `the group is in ${current.currency} and has open exposure`,
      ),
    );
  }
  const parentId = input.parentGroupId ?? null;
  if (parentId !== null) {
    const check = await checkParent(
      uow,
      input.groupId,
      parentId,
      currency,
      current,
      'parentGroupId',
    );
    if (!check.ok) return check;
  }
  const settings = current
    ? { ...settingsOf(current), currency, limit: input.limit.amount, parentId }
    : fresh(input.groupId, currency, input.limit.amount, parentId);
  return saveAccount(uow, settings, current !== undefined, 'credit-group');
}

async function checkParent(
  uow: UnitOfWork,
  accountId: string,
  parentId: string,
  currency: string,
  current: CreditAccount | undefined,
  field: string,
): Promise<Result<true, CreditGroupError | NotFoundError>> {
  const parentPath = await accountPath(uow, parentId);
  if (!parentPath)
    return err({
      code: 'NOT_FOUND',
      message: `${field}: no credit group ${parentId}`,
      entity: 'credit-group',
      id: parentId,
      field,
    });
  const parent = parentPath[0] as CreditAccount;
  if (await uow.load<Customer>(MASTERDATA_KINDS.customer, parentId)) {
    return err(
      groupConflict(field, 'not_a_group', `${parentId} is a customer account, not a group`),
    );
  }
  if (parentPath.some((a) => a.accountId === accountId)) {
    return err(
      groupConflict(field, 'cycle', `putting ${accountId} under ${parentId} would make a cycle`),
    );
  }
  if (parent.currency !== currency) {
    return err(
      groupConflict(
        field,
        'currency',
        `group ${parentId} is in ${parent.currency}, not ${currency}`,
      ),
    );
  }
  if (current && current.parentId !== null && current.parentId !== parentId) {
    return err(
      groupConflict(
        field,
        'already_in_group',
        `${accountId} already belongs to group ${current.parentId}; take it out first`,
      ),
    );
  }
  if (current && current.parentId !== parentId && !exposureOf(current).isZero()) {
    return err(
      groupConflict(
        field,
        'open_exposure',
        `${accountId} has open exposure; it cannot change group`,
      ),
    );
  }
  return ok(true);
}

/** Puts a customer into a group (with an optional sub-limit) or takes it out (`groupId: null`). */
export async function assignCreditGroup(
  uow: UnitOfWork,
  input: z.output<typeof assignCreditGroupInput>,
): Promise<Result<CreditAccount, CreditGroupError | NotFoundError>> {
  const c = await requireCustomer(uow, input.customerId, 'customerId');
  if (!c.ok) return c;
  const current = await uow.tx.credit.account(input.customerId);
  if (input.groupId === null) {
    if (!current)
      return err({
        code: 'NOT_FOUND',
        message: `customerId: no credit account ${input.customerId}`,
        entity: 'credit-account',
        id: input.customerId,
        field: 'customerId',
      });
    if (current.parentId !== null && !exposureOf(current).isZero()) {
      return err(
        groupConflict(
          'groupId',
          'open_exposure',
          `${input.customerId} has open exposure; it cannot leave its group`,
        ),
      );
    }
    return saveAccount(
      uow,
      {
        ...settingsOf(current),
        parentId: null,
        limit: input.subLimit === undefined ? current.limit : (input.subLimit?.amount ?? null),
      },
      true,
    );
  }
  const group = await uow.tx.credit.account(input.groupId);
  if (!group)
    return err({
      code: 'NOT_FOUND',
      message: `groupId: no credit group ${input.groupId}`,
      entity: 'credit-group',
      id: input.groupId,
      field: 'groupId',
    });
  const check = await checkParent(
    uow,
    input.customerId,
    input.groupId,
    current?.currency ?? group.currency,
    current,
    'groupId',
  );
  if (!check.ok) return check;
  const subLimit =
    input.subLimit === undefined ? (current?.limit ?? null) : (input.subLimit?.amount ?? null);
  if (input.subLimit && input.subLimit.currency.code !== group.currency) {
    return err(groupConflict('subLimit.currency', 'currency', `the group is in ${group.currency}`));
  }
  const settings = current
    ? { ...settingsOf(current), parentId: input.groupId, limit: subLimit }
    : fresh(input.customerId, group.currency, subLimit, input.groupId);
  return saveAccount(uow, settings, current !== undefined);
}

/** Grants a temporary increase (临时额度) until an instant that must lie in the future. */
export async function grantTemporaryCredit(
  uow: UnitOfWork,
  input: z.output<typeof grantTemporaryCreditInput>,
): Promise<
  Result<CreditAccount, NotFoundError | ValidationError | CurrencyMismatchError | CreditGroupError>
> {
  const a = await requireAccount(uow, input.accountId, 'accountId');
  if (!a.ok) return a;
  if (input.until <= uow.now) {
    return err<ValidationError>({
      code: 'VALIDATION_FAILED',
      message: `until: ${input.until} is not after now (${uow.now}); an expired temporary limit cannot be granted [future]`,
      issues: [{ path: 'until', rule: 'future', message: `until: must be after ${uow.now}` }],
    });
  }
  if (input.amount.currency.code !== a.value.currency) {
    return err<CurrencyMismatchError>({
      code: 'CURRENCY_MISMATCH',
      message: `amount.currency: the account is in ${a.value.currency}`,
      expected: a.value.currency,
      actual: input.amount.currency.code,
      field: 'amount.currency',
    });
  }
  return saveAccount(
    uow,
    {
      ...settingsOf(a.value),
      temporary: input.amount.amount,
      temporaryUntil: input.until,
    },
    true,
  );
}

/** Adds a deposit or guarantee (保证金) to the capacity, or takes one back (negative `amount`, never below zero). */
export async function recordCreditDeposit(
  uow: UnitOfWork,
  input: z.output<typeof creditDepositInput>,
): Promise<
  Result<CreditAccount, NotFoundError | ValidationError | CurrencyMismatchError | CreditGroupError>
> {
  const a = await requireAccount(uow, input.accountId, 'accountId');
  if (!a.ok) return a;
  if (input.amount.currency.code !== a.value.currency) {
    return err<CurrencyMismatchError>({
      code: 'CURRENCY_MISMATCH',
      message: `amount.currency: the account is in ${a.value.currency}`,
      expected: a.value.currency,
      actual: input.amount.currency.code,
      field: 'amount.currency',
    });
  }
  const deposit = a.value.deposit.plus(input.amount.amount);
  if (deposit.isNegative()) {
    return err<ValidationError>({
      code: 'VALIDATION_FAILED',
      message: `amount: takes back more than the ${a.value.deposit} deposited [deposit_balance]`,
      issues: [
        {
          path: 'amount',
          rule: 'deposit_balance',
          message: `amount: at most ${a.value.deposit} can be taken back`,
        },
      ],
    });
  }
  return saveAccount(uow, { ...settingsOf(a.value), deposit }, true);
}

/** Freezes or unfreezes an account. */
export async function freezeCredit(
  uow: UnitOfWork,
  input: z.output<typeof freezeCreditInput>,
): Promise<Result<CreditAccount, NotFoundError | CreditGroupError>> {
  const a = await requireAccount(uow, input.accountId, 'accountId');
  if (!a.ok) return a;
  return saveAccount(uow, { ...settingsOf(a.value), frozen: input.frozen }, true);
}

/** Replaces the tenant's credit policy. */
export async function setCreditPolicy(
  uow: UnitOfWork,
  input: z.output<typeof setCreditPolicyInput>,
) {
  const policy: CreditPolicy & { id: string } = {
    id: POLICY_ID,
    ...DEFAULT_CREDIT_POLICY,
    ...input,
  };
  const existing = await uow.load(CREDIT_POLICY_KIND, POLICY_ID);
  if (existing) await uow.save(CREDIT_POLICY_KIND, policy);
  else await uow.create(CREDIT_POLICY_KIND, policy);
  uow.emit('masterdata.saved', {
    kind: CREDIT_POLICY_KIND,
    id: POLICY_ID,
    change: existing ? 'updated' : 'created',
  });
  return ok(policy as CreditPolicy);
}

/** Checks that `approverId` may release holds. */
export function checkApprover(
  policy: CreditPolicy,
  approverId: string,
): Result<true, NotAnApproverError> {
  if (policy.approvers.includes(approverId)) return ok(true);
  return err({
    code: 'NOT_AN_APPROVER',
    message: `approverId: ${approverId} is not a credit approver`,
    field: 'approverId',
    approverId,
  });
}

// ---------------------------------------------------------------------------------------------
// Status

/** What a manager on the road asks for, for one customer or a whole group. */
export interface CreditStatus {
  /** The account asked about. */
  readonly accountId: string;
  /** ISO 4217 code. */
  readonly currency: string;
  /** Its own limit, or `null`. */
  readonly limit: Money | null;
  /** Temporary increase that counts now. */
  readonly temporary: Money;
  /** Deposits. */
  readonly deposit: Money;
  /** limit + temporary + deposit. */
  readonly capacity: Money | null;
  /** Exposure per bucket. */
  readonly buckets: Readonly<Record<CreditBucket, Money>>;
  /** Σ buckets. */
  readonly exposure: Money;
  /** capacity − exposure (of this account; a group's limit may bind first). */
  readonly available: Money | null;
  /** The tightest available amount along the account and its groups. */
  readonly availableIncludingGroups: Money | null;
  /** Open items past due now. */
  readonly overdue: {
    readonly amount: Money;
    readonly oldestDueDate: string | null;
    readonly count: number;
  };
  /** Frozen? */
  readonly frozen: boolean;
  /** The group it belongs to. */
  readonly parentId: string | null;
  /** For a group: each direct member's status. */
  readonly members: readonly CreditStatus[];
  /** Orders waiting on a credit hold, for this account and (for a group) its members. */
  readonly holds: readonly {
    readonly orderId: string;
    readonly number: string;
    readonly customerId: string;
    readonly amount: Money;
  }[];
}

/** Builds the status of an account (and, for a group, of its members). */
export async function creditStatus(
  uow: UnitOfWork,
  accountId: string,
  heldOrders: readonly {
    id: string;
    number: string;
    creditAccountId: string | null;
    creditAmount: Money | null;
  }[],
): Promise<CreditStatus | undefined> {
  const path = await accountPath(uow, accountId);
  if (!path) return undefined;
  const a = path[0] as CreditAccount;
  const m = (d: Dec) => Money.of(d, a.currency);
  const exposure = exposureOf(a);
  const capacity = capacityOf(a, uow.now);
  let tightest: Dec | null = null;
  for (const p of path) {
    const cap = capacityOf(p, uow.now);
    if (cap === null) continue;
    const avail = cap.minus(exposureOf(p));
    if (tightest === null || avail.lessThan(tightest)) tightest = avail;
  }
  const leaves = await leavesOf(uow, accountId);
  const od = await uow.tx.credit.overdue(leaves, dateOf(uow.now));
  const kids = await uow.tx.credit.children(accountId);
  const members: CreditStatus[] = [];
  for (const k of kids) {
    const s = await creditStatus(uow, k.accountId, heldOrders);
    if (s) members.push(s);
  }
  const leafSet = new Set(leaves);
  return {
    accountId,
    currency: a.currency,
    limit: a.limit === null ? null : m(a.limit),
    temporary: m(
      capacity === null || a.limit === null ? ZERO : capacity.minus(a.limit).minus(a.deposit),
    ),
    deposit: m(a.deposit),
    capacity: capacity === null ? null : m(capacity),
    buckets: { orders: m(a.orders), uninvoiced: m(a.uninvoiced), receivables: m(a.receivables) },
    exposure: m(exposure),
    available: capacity === null ? null : m(capacity.minus(exposure)),
    availableIncludingGroups: tightest === null ? null : m(tightest),
    overdue: { amount: m(od.amount), oldestDueDate: od.oldestDueDate, count: od.count },
    frozen: a.frozen,
    parentId: a.parentId,
    members,
    holds: heldOrders
      .filter((o) => o.creditAccountId !== null && leafSet.has(o.creditAccountId))
      .map((o) => ({
        orderId: o.id,
        number: o.number,
        customerId: o.creditAccountId as string,
        amount: o.creditAmount ?? m(ZERO),
      })),
  };
}
