/**
 * Settlement plans (结算计划): how a contract's (a sales order's) gross amount is billed by
 * milestone — e.g. 30 % at signing, 60 % on delivery, 10 % 30 days after acceptance. Pure
 * functions over immutable values:
 *
 * - {@link generateSettlementPlan} splits the total by the rules' shares with `allocate`, so
 *   Σ installments = total exactly;
 * - {@link adjustInstallments} moves amounts between installments not yet achieved, each
 *   changed one staying within its bounds, the total unchanged;
 * - {@link achieveInstallment} marks a milestone achieved and its installment due
 *   (due date = achieved on + `dueDays`);
 * - {@link rescalePlan} follows an amended contract total, leaving achieved installments as they
 *   are and spreading the new remainder over the open ones in proportion;
 * - {@link achieveByFlow} achieves the milestones the order-to-cash flow reached (`signing` when
 *   the order is confirmed, `delivery` when it is fully delivered), idempotently;
 * - {@link cutPlanForReturn} takes returned goods off the installments not yet billed and
 *   says what is left to credit on installment invoices;
 * - {@link spreadInstallment} spreads an installment's amount over the order's lines by what each
 *   still has to bill for the goods it keeps, so invoices never bill returned goods and each line
 *   ends billed exactly its kept gross and VAT;
 * - {@link spreadOverLines} (orders billed before lines kept what was billed on them) spreads an installment's amount over the order's lines for its
 *   invoice, so that the invoice lines add up to the installment exactly.
 *
 * An `invoiced` installment never changes again; an achieved (`due`) one changes only when a
 * return lowers it (see {@link cutPlanForReturn}).
 *
 * @module
 */
import type { DocumentTransitioned } from '../events';
import type { TenantId } from '../kernel/brand';
import {
  type CurrencyMismatchError,
  type FieldIssue,
  type IllegalTransitionError,
  type NotFoundError,
  TradecoreBug,
  type ValidationError,
} from '../kernel/errors';
import { defineMachine, transition } from '../kernel/machine';
import { err, ok, type Result } from '../kernel/result';
import { allocate } from '../money/allocate';
import { Dec } from '../money/decimal';
import { Money, sameCurrency } from '../money/money';
import { addDays } from './dates';
import type { SalesOrder, SalesOrderLine } from './documents';
import { orderProgress, type PlanLineBasis, shareOf } from './ledger';

/** Store kind of settlement plans. A plan's id is the id of its sales order. */
export const SETTLEMENT_KIND = 'settlement-plan';

/** Kind named in the `document.transitioned` events of installments. */
export const INSTALLMENT_KIND = 'settlement-installment';

/** Installment states: `open` (milestone not reached), `due` (achieved), `invoiced`. */
export type InstallmentStatus = 'open' | 'due' | 'invoiced';

/** Installment events. */
export type InstallmentEvent = 'achieve' | 'invoice';

/** open → due (milestone achieved) → invoiced. */
export const installmentMachine = defineMachine<InstallmentStatus, InstallmentEvent>({
  name: 'settlement-installment',
  initial: 'open',
  states: ['open', 'due', 'invoiced'],
  final: ['invoiced'],
  transitions: [
    { from: 'open', event: 'achieve', to: 'due' },
    { from: 'due', event: 'invoice', to: 'invoiced' },
  ],
});

/**
 * What achieves a milestone: `signing` — the order is confirmed (confirm, reopen, release from
 * credit hold); `delivery` — the order is fully delivered (every line's delivered quantity
 * reaches its ordered quantity); `command` — only `achieveMilestone` (acceptance, custom
 * milestones).
 */
export type SettlementTrigger = 'signing' | 'delivery' | 'command';

/** One contract rule: a milestone, its share of the total, and the bounds adjustments keep. */
export interface SettlementRule {
  /** Milestone name, unique in the plan, e.g. `signing`, `delivery`, `acceptance`. */
  readonly milestone: string;
  /**
   * What achieves it (absent: by its name — a milestone named `signing` or `delivery` has that
   * trigger, any other `command`; see {@link installmentTrigger}).
   */
  readonly trigger?: SettlementTrigger;
  /** Share of the total, > 0; the shares of a plan sum to 1. */
  readonly share: Dec;
  /** Days from achievement to the due date. */
  readonly dueDays: number;
  /** The least share an adjustment may leave (`null`: 0). */
  readonly minShare: Dec | null;
  /** The largest share an adjustment may give (`null`: 1). */
  readonly maxShare: Dec | null;
}

/** One installment of a plan. */
export interface Installment extends SettlementRule {
  /** Amount billed at this milestone. */
  readonly amount: Money;
  /** State. */
  readonly status: InstallmentStatus;
  /** The day the milestone was achieved. */
  readonly achievedOn: string | null;
  /** achievedOn + dueDays. */
  readonly dueDate: string | null;
  /** The invoice that billed it. */
  readonly invoiceId: string | null;
}

/** A settlement plan of one sales order (contract). */
export interface SettlementPlan {
  /** Id (= the order's id: one plan per order). */
  readonly id: string;
  /** Owning tenant. */
  readonly tenantId: TenantId;
  /** The sales order. */
  readonly orderId: string;
  /** Its number. */
  readonly orderNumber: string;
  /** The order's bill-to party. */
  readonly customerId: string;
  /** The contract total (the order's gross less `planReduction`, see `planTotalOf`); Σ installments = total. */
  readonly total: Money;
  /** Installments, in the rules' order. */
  readonly installments: readonly Installment[];
  /** When it was made. */
  readonly createdAt: string;
  /** When it last changed. */
  readonly updatedAt: string;
}

/** A move of `amount` from one open installment to another. */
export interface InstallmentMove {
  /** Milestone giving the amount. */
  readonly from: string;
  /** Milestone receiving it. */
  readonly to: string;
  /** Amount, > 0, in the plan's currency. */
  readonly amount: Money;
}

/** An achieved or invoiced installment cannot change. */
export interface InstallmentLockedError {
  /** Stable code. */
  readonly code: 'SETTLEMENT_INSTALLMENT_LOCKED';
  /** What happened. */
  readonly message: string;
  /** The input field naming the installment. */
  readonly field: string;
  /** The milestone. */
  readonly milestone: string;
  /** Its state. */
  readonly status: InstallmentStatus;
}

/** An adjustment would take an installment outside its bounds (or below zero). */
export interface InstallmentOutOfBoundsError {
  /** Stable code. */
  readonly code: 'SETTLEMENT_OUT_OF_BOUNDS';
  /** What happened. */
  readonly message: string;
  /** The input field naming the installment. */
  readonly field: string;
  /** The milestone. */
  readonly milestone: string;
  /** The amount it would have. */
  readonly amount: Money;
  /** Its least amount. */
  readonly min: Money;
  /** Its largest amount. */
  readonly max: Money;
}

/** A new total below what achieved and invoiced installments already hold. */
export interface SettlementBelowAchievedError {
  /** Stable code. */
  readonly code: 'SETTLEMENT_BELOW_ACHIEVED';
  /** What happened. */
  readonly message: string;
  /** The new total. */
  readonly newTotal: Money;
  /** Σ achieved and invoiced installments. */
  readonly achieved: Money;
}

/** A new total differs from the achieved sum but no open installment is left to take it. */
export interface SettlementNothingOpenError {
  /** Stable code. */
  readonly code: 'SETTLEMENT_NOTHING_OPEN';
  /** What happened. */
  readonly message: string;
  /** The new total. */
  readonly newTotal: Money;
  /** Σ achieved and invoiced installments. */
  readonly achieved: Money;
}

/** A cancelled order gets no settlement plan. */
export interface SettlementOrderCancelledError {
  /** Stable code. */
  readonly code: 'SETTLEMENT_ORDER_CANCELLED';
  /** What happened. */
  readonly message: string;
  /** The input field: `orderId`. */
  readonly field: 'orderId';
  /** The order. */
  readonly orderId: string;
}

/** Invoicing an installment whose milestone is not achieved yet. */
export interface InstallmentNotDueError {
  /** Stable code. */
  readonly code: 'SETTLEMENT_INSTALLMENT_NOT_DUE';
  /** What happened. */
  readonly message: string;
  /** The input field naming the installment: `milestone`. */
  readonly field: 'milestone';
  /** The plan. */
  readonly planId: string;
  /** The milestone. */
  readonly milestone: string;
  /** Its state (`open`). */
  readonly status: InstallmentStatus;
}

/** Invoicing an installment a second time. */
export interface InstallmentAlreadyInvoicedError {
  /** Stable code. */
  readonly code: 'SETTLEMENT_INSTALLMENT_INVOICED';
  /** What happened. */
  readonly message: string;
  /** The input field naming the installment: `milestone`. */
  readonly field: 'milestone';
  /** The plan. */
  readonly planId: string;
  /** The milestone. */
  readonly milestone: string;
  /** The invoice that billed it. */
  readonly invoiceId: string | null;
}

/**
 * An installment of an order that reserves nothing (closed, or back on credit hold) would bill
 * more than the delivered value not yet billed — it would add exposure instead of moving it.
 */
export interface InstallmentExceedsDeliveredError {
  /** Stable code. */
  readonly code: 'SETTLEMENT_INSTALLMENT_EXCEEDS_DELIVERED';
  /** What happened. */
  readonly message: string;
  /** The input field naming the installment: `milestone`. */
  readonly field: 'milestone';
  /** The milestone. */
  readonly milestone: string;
  /** The installment's amount. */
  readonly amount: Money;
  /** The delivered value not yet billed. */
  readonly billable: Money;
}

/**
 * An order with a settlement plan is billed by its installments (money), never by quantities
 * (orders, deliveries or line quantities), so nothing is billed twice.
 */
export interface BilledByPlanError {
  /** Stable code. */
  readonly code: 'SETTLEMENT_PLAN_BILLING';
  /** What happened. */
  readonly message: string;
  /** The input field naming the order. */
  readonly field: string;
  /** The order. */
  readonly orderId: string;
}

/** A settlement plan for an order that was already invoiced by quantities. */
export interface SettlementOrderInvoicedError {
  /** Stable code. */
  readonly code: 'SETTLEMENT_ORDER_INVOICED';
  /** What happened. */
  readonly message: string;
  /** The input field: `orderId`. */
  readonly field: 'orderId';
  /** The order. */
  readonly orderId: string;
}

/** The business errors of settlement plans besides the common ones. */
export type SettlementError =
  | SettlementOrderCancelledError
  | SettlementOrderInvoicedError
  | InstallmentLockedError
  | InstallmentOutOfBoundsError
  | SettlementBelowAchievedError
  | SettlementNothingOpenError
  | InstallmentNotDueError
  | InstallmentAlreadyInvoicedError
  | InstallmentExceedsDeliveredError
  | BilledByPlanError;

/** One problem in a rule set, with its path inside the rules (`[1, 'share']`). */
export interface RuleIssue {
  /** Path inside the rule list. */
  readonly path: readonly (string | number)[];
  /** The rule broken, e.g. `shares_sum`. */
  readonly rule: string;
  /** Message. */
  readonly message: string;
}

/**
 * The problems of a rule set: at least one rule, distinct milestones, shares summing to 1,
 * bounds within [0, 1] and `minShare ≤ share ≤ maxShare`. Empty when the rules are sound.
 */
export function settlementRuleIssues(
  rules: readonly Pick<SettlementRule, 'milestone' | 'share' | 'minShare' | 'maxShare'>[],
): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (rules.length === 0) {
    issues.push({ path: [], rule: 'too_small', message: 'needs at least one rule' });
    return issues;
  }
  const seen = new Set<string>();
  let sum = new Dec(0);
  rules.forEach((r, i) => {
    if (seen.has(r.milestone)) {
      issues.push({
        path: [i, 'milestone'],
        rule: 'unique',
        message: `milestone ${r.milestone} appears twice`,
      });
    }
    seen.add(r.milestone);
    sum = sum.plus(r.share);
    if (!r.share.greaterThan(0)) {
      issues.push({ path: [i, 'share'], rule: 'positive', message: 'must be greater than 0' });
    }
    const min = r.minShare ?? new Dec(0);
    const max = r.maxShare ?? new Dec(1);
    if (min.isNegative()) {
      issues.push({ path: [i, 'minShare'], rule: 'nonnegative', message: 'must not be negative' });
    }
    if (max.greaterThan(1)) {
      issues.push({ path: [i, 'maxShare'], rule: 'share_range', message: 'must be at most 1' });
    }
    if (r.share.lessThan(min)) {
      issues.push({
        path: [i, 'minShare'],
        rule: 'bounds',
        message: `must not exceed the share ${r.share.toFixed()}`,
      });
    }
    if (r.share.greaterThan(max)) {
      issues.push({
        path: [i, 'maxShare'],
        rule: 'bounds',
        message: `must not be below the share ${r.share.toFixed()}`,
      });
    }
  });
  if (!sum.equals(1)) {
    issues.push({
      path: [],
      rule: 'shares_sum',
      message: `shares must sum to 1, got ${sum.toFixed()}`,
    });
  }
  return issues;
}

/**
 * The trigger of a rule or installment: its own, or by its milestone's name for a rule without
 * one (and plans stored before triggers existed) — `signing` and `delivery` are achieved by the
 * flow, any other milestone by command.
 */
export function installmentTrigger(
  rule: Pick<SettlementRule, 'milestone' | 'trigger'>,
): SettlementTrigger {
  if (rule.trigger !== undefined) return rule.trigger;
  return rule.milestone === 'signing' || rule.milestone === 'delivery' ? rule.milestone : 'command';
}

/** The plan's currency. */
export function planCurrency(plan: Pick<SettlementPlan, 'total'>): string {
  return plan.total.currency.code;
}

/** The least and the largest amount an installment may hold. */
export interface InstallmentBounds {
  /** Least amount. */
  readonly min: Money;
  /** Largest amount. */
  readonly max: Money;
}

/**
 * The amounts an installment may hold in a plan of `total`: from `minShare × total` rounded
 * down to the currency's minor units to `maxShare × total` rounded up — so an amount allocated
 * from a share within the bounds is within them too.
 */
export function installmentBounds(
  inst: Pick<SettlementRule, 'minShare' | 'maxShare'>,
  total: Money,
): InstallmentBounds {
  return {
    min: total.multiply(inst.minShare ?? 0).round('down'),
    max: total.multiply(inst.maxShare ?? 1).round('up'),
  };
}

/** Whether an installment's amount is within its bounds in a plan of `total`. */
export function withinBounds(inst: Installment, total: Money): boolean {
  const b = installmentBounds(inst, total);
  return inst.amount.greaterThanOrEqual(b.min) && inst.amount.lessThanOrEqual(b.max);
}

/** Σ installments. */
export function installmentsTotal(plan: Pick<SettlementPlan, 'total' | 'installments'>): Money {
  return Money.sum(
    plan.installments.map((i) => i.amount),
    plan.total.currency,
  );
}

/** Σ of the installments that can no longer change (achieved or invoiced). */
export function lockedTotal(plan: Pick<SettlementPlan, 'total' | 'installments'>): Money {
  return Money.sum(
    plan.installments.filter((i) => i.status !== 'open').map((i) => i.amount),
    plan.total.currency,
  );
}

/** Identity of a new plan. */
export interface NewPlanHeader {
  /** Id (the order's id). */
  readonly id: string;
  /** Tenant. */
  readonly tenantId: TenantId;
  /** Sales order. */
  readonly orderId: string;
  /** Its number. */
  readonly orderNumber: string;
  /** Bill-to party. */
  readonly customerId: string;
  /** When (ISO-8601). */
  readonly at: string;
}

/**
 * A plan for a contract of `total` from `rules`: one open installment per rule, the amounts
 * allocated by share so that they sum exactly to `total`. Unsound rules (see
 * {@link settlementRuleIssues}) are a `VALIDATION_FAILED` naming `rules.…`.
 */
export function generateSettlementPlan(
  head: NewPlanHeader,
  total: Money,
  rules: readonly SettlementRule[],
): Result<SettlementPlan, ValidationError> {
  const issues = settlementRuleIssues(rules);
  if (issues.length > 0) return err(rulesInvalid(issues));
  const amounts = allocate(
    total,
    rules.map((r) => r.share),
  );
  return ok({
    id: head.id,
    tenantId: head.tenantId,
    orderId: head.orderId,
    orderNumber: head.orderNumber,
    customerId: head.customerId,
    total,
    installments: rules.map((r, i) => ({
      milestone: r.milestone,
      trigger: installmentTrigger(r),
      share: r.share,
      dueDays: r.dueDays,
      minShare: r.minShare,
      maxShare: r.maxShare,
      amount: amounts[i] as Money,
      status: installmentMachine.initial,
      achievedOn: null,
      dueDate: null,
      invoiceId: null,
    })),
    createdAt: head.at,
    updatedAt: head.at,
  });
}

function rulesInvalid(issues: readonly RuleIssue[]): ValidationError {
  const fields: FieldIssue[] = issues.map((i) => {
    const path = ['rules', ...i.path.map(String)].join('.');
    return { path, rule: i.rule, message: `${path}: ${i.message} [${i.rule}]` };
  });
  return {
    code: 'VALIDATION_FAILED',
    message: `invalid input: ${fields.map((f) => f.message).join('; ')}`,
    issues: fields,
  };
}

function findInstallment(
  plan: SettlementPlan,
  milestone: string,
  field: string,
): Result<number, NotFoundError> {
  const i = plan.installments.findIndex((x) => x.milestone === milestone);
  if (i >= 0) return ok(i);
  return err({
    code: 'NOT_FOUND',
    message: `${field}: plan ${plan.id} has no milestone ${milestone}`,
    entity: INSTALLMENT_KIND,
    id: milestone,
    field,
  });
}

/**
 * Moves amounts between open installments, in order. Every installment a move touches must be
 * open and end within its bounds; the total is unchanged by construction. The first problem is
 * returned and nothing changes.
 */
export function adjustInstallments(
  plan: SettlementPlan,
  moves: readonly InstallmentMove[],
  at: string,
): Result<
  SettlementPlan,
  NotFoundError | CurrencyMismatchError | InstallmentLockedError | InstallmentOutOfBoundsError
> {
  const amounts = plan.installments.map((i) => i.amount);
  const touched = new Map<number, string>();
  for (const [k, m] of moves.entries()) {
    const cur = sameCurrency(plan.total, m.amount, `moves.${k}.amount`);
    if (!cur.ok) return cur;
    const from = findInstallment(plan, m.from, `moves.${k}.from`);
    if (!from.ok) return from;
    const to = findInstallment(plan, m.to, `moves.${k}.to`);
    if (!to.ok) return to;
    for (const [idx, field] of [
      [from.value, `moves.${k}.from`],
      [to.value, `moves.${k}.to`],
    ] as const) {
      const inst = plan.installments[idx] as Installment;
      if (inst.status !== 'open') {
        return err({
          code: 'SETTLEMENT_INSTALLMENT_LOCKED',
          message: `${field}: installment ${inst.milestone} is ${inst.status} and cannot change`,
          field,
          milestone: inst.milestone,
          status: inst.status,
        });
      }
      touched.set(idx, field);
    }
    amounts[from.value] = (amounts[from.value] as Money).subtract(m.amount);
    amounts[to.value] = (amounts[to.value] as Money).add(m.amount);
  }
  const installments = plan.installments.map((inst, i) => ({
    ...inst,
    amount: amounts[i] as Money,
  }));
  for (const [idx, field] of touched) {
    const inst = installments[idx] as Installment;
    const b = installmentBounds(inst, plan.total);
    const min = Money.max(b.min, Money.zero(plan.total.currency));
    if (inst.amount.lessThan(min) || inst.amount.greaterThan(b.max)) {
      return err({
        code: 'SETTLEMENT_OUT_OF_BOUNDS',
        message: `${field}: installment ${inst.milestone} would be ${inst.amount}, outside ${min} … ${b.max}`,
        field,
        milestone: inst.milestone,
        amount: inst.amount,
        min,
        max: b.max,
      });
    }
  }
  return ok({ ...plan, installments, updatedAt: at });
}

/** An installment transition: the plan after it and the event payload. */
export interface InstallmentTransition {
  /** The plan in its new state. */
  readonly plan: SettlementPlan;
  /** The `document.transitioned` payload (kind `settlement-installment`, id `planId/milestone`). */
  readonly event: DocumentTransitioned;
}

function transitionInstallment(
  plan: SettlementPlan,
  idx: number,
  event: InstallmentEvent,
  patch: Partial<Installment>,
  at: string,
): Result<InstallmentTransition, IllegalTransitionError> {
  const inst = plan.installments[idx] as Installment;
  const t = transition(installmentMachine, inst.status, event);
  if (!t.ok) return t;
  const installments = plan.installments.map((x, i) =>
    i === idx ? { ...x, ...patch, status: t.value.to } : x,
  );
  return ok({
    plan: { ...plan, installments, updatedAt: at },
    event: {
      kind: INSTALLMENT_KIND,
      id: `${plan.id}/${inst.milestone}`,
      number: plan.orderNumber,
      from: t.value.from,
      event,
      to: t.value.to,
    },
  });
}

/**
 * Marks a milestone achieved on `achievedOn` (`YYYY-MM-DD`): its installment becomes due on
 * achievedOn + dueDays. Achieving it twice is an `ILLEGAL_TRANSITION`.
 */
export function achieveInstallment(
  plan: SettlementPlan,
  milestone: string,
  achievedOn: string,
  at: string,
): Result<InstallmentTransition, NotFoundError | IllegalTransitionError> {
  const i = findInstallment(plan, milestone, 'milestone');
  if (!i.ok) return i;
  const inst = plan.installments[i.value] as Installment;
  return transitionInstallment(
    plan,
    i.value,
    'achieve',
    { achievedOn, dueDate: addDays(achievedOn, inst.dueDays) },
    at,
  );
}

/**
 * The installment `milestone` of `plan` if it may be invoiced now: it exists, is due (achieved,
 * not yet invoiced) and — when `room` is given (an order that reserves nothing: closed or on
 * credit hold) — does not exceed that delivered, not yet billed value. Pure; the first problem
 * is returned as a typed error naming the milestone.
 */
export function billableInstallment(
  plan: SettlementPlan,
  milestone: string,
  room: Money | null,
): Result<
  Installment,
  | NotFoundError
  | InstallmentNotDueError
  | InstallmentAlreadyInvoicedError
  | InstallmentExceedsDeliveredError
> {
  const i = findInstallment(plan, milestone, 'milestone');
  if (!i.ok) return i;
  const inst = plan.installments[i.value] as Installment;
  if (inst.status === 'open') {
    return err({
      code: 'SETTLEMENT_INSTALLMENT_NOT_DUE',
      message: `milestone: installment ${inst.milestone} of ${plan.orderNumber} is not due (its milestone is not achieved)`,
      field: 'milestone',
      planId: plan.id,
      milestone: inst.milestone,
      status: inst.status,
    });
  }
  if (inst.status === 'invoiced') {
    return err({
      code: 'SETTLEMENT_INSTALLMENT_INVOICED',
      message: `milestone: installment ${inst.milestone} of ${plan.orderNumber} is already invoiced`,
      field: 'milestone',
      planId: plan.id,
      milestone: inst.milestone,
      invoiceId: inst.invoiceId,
    });
  }
  if (room !== null && inst.amount.greaterThan(room)) {
    return err({
      code: 'SETTLEMENT_INSTALLMENT_EXCEEDS_DELIVERED',
      message: `milestone: installment ${inst.milestone} (${inst.amount}) exceeds the ${room} delivered and not billed on ${plan.orderNumber}, which reserves nothing`,
      field: 'milestone',
      milestone: inst.milestone,
      amount: inst.amount,
      billable: room,
    });
  }
  return ok(inst);
}

/** Records that a due installment was billed by `invoiceId`. */
export function invoiceInstallment(
  plan: SettlementPlan,
  milestone: string,
  invoiceId: string,
  at: string,
): Result<InstallmentTransition, NotFoundError | IllegalTransitionError> {
  const i = findInstallment(plan, milestone, 'milestone');
  if (!i.ok) return i;
  return transitionInstallment(plan, i.value, 'invoice', { invoiceId }, at);
}

/**
 * Follows an amended contract total: achieved and invoiced installments keep their amounts;
 * the rest of `newTotal` is spread over the open installments in proportion to their current
 * amounts (by their shares when those are all zero), with `allocate`, so Σ = `newTotal`
 * exactly. A total below the achieved sum is `SETTLEMENT_BELOW_ACHIEVED`; a different total with
 * nothing open is `SETTLEMENT_NOTHING_OPEN`.
 *
 * @throws TradecoreBug `ALLOCATE_UNROUNDED_TOTAL` when `newTotal` has more decimals than its
 *   currency (a contract total always fits).
 */
export function rescalePlan(
  plan: SettlementPlan,
  newTotal: Money,
  at: string,
): Result<
  SettlementPlan,
  CurrencyMismatchError | SettlementBelowAchievedError | SettlementNothingOpenError
> {
  const cur = sameCurrency(plan.total, newTotal, 'newTotal');
  if (!cur.ok) return cur;
  if (newTotal.equals(plan.total)) return ok(plan);
  const locked = lockedTotal(plan);
  if (newTotal.lessThan(locked)) {
    return err({
      code: 'SETTLEMENT_BELOW_ACHIEVED',
      message: `plan ${plan.id}: the new total ${newTotal} is below the ${locked} already achieved`,
      newTotal,
      achieved: locked,
    });
  }
  const open = plan.installments.flatMap((inst, i) => (inst.status === 'open' ? [i] : []));
  const rest = newTotal.subtract(locked);
  if (open.length === 0) {
    return err({
      code: 'SETTLEMENT_NOTHING_OPEN',
      message: `plan ${plan.id}: every installment is achieved; ${rest} has no open installment to go to`,
      newTotal,
      achieved: locked,
    });
  }
  const byAmount = open.map((i) => (plan.installments[i] as Installment).amount.amount);
  const weights = byAmount.some((w) => w.greaterThan(0))
    ? byAmount
    : open.map((i) => (plan.installments[i] as Installment).share);
  const parts = allocate(rest, weights);
  const installments = plan.installments.map((inst) => inst);
  open.forEach((i, k) => {
    installments[i] = { ...(plan.installments[i] as Installment), amount: parts[k] as Money };
  });
  return ok({ ...plan, total: newTotal, installments, updatedAt: at });
}

/** What a return took off a settlement plan. */
export interface PlanReturnCut {
  /** The plan after the cut (the same object when nothing changed). */
  readonly plan: SettlementPlan;
  /** Taken off installments not yet billed (open, then due); the plan's total fell by this. */
  readonly reduced: Money;
  /**
   * The rest of the returned value: already billed by installment invoices, so it must be
   * credited on them (an amount credit note with the return's id).
   */
  readonly toCredit: Money;
}

/**
 * Takes the gross value of returned goods off a plan, so returned goods are never billed:
 * first off the open installments, spread in proportion to their amounts (`allocate`, so the
 * open ones keep their proportions), then off due installments not yet invoiced, the latest
 * milestone first. What is left was already billed and is returned as `toCredit`. Invoiced
 * installments never change; no installment grows; `reduced + toCredit = value`; the new total
 * is the old one less `reduced`, and Σ installments stays equal to it.
 *
 * A due installment is the one exception to "achieved installments never change": a return
 * may lower it (never raise it) until it is invoiced, because billing returned goods only to
 * credit them again would move exposure for nothing.
 */
export function cutPlanForReturn(plan: SettlementPlan, value: Money, at: string): PlanReturnCut {
  const currency = plan.total.currency;
  const zero = Money.zero(currency);
  if (value.currency.code !== currency.code) {
    throw new TradecoreBug(
      'PLAN_CURRENCY',
      `a return in ${value.currency.code} cannot cut plan ${plan.id} in ${currency.code}`,
    );
  }
  if (!value.isPositive()) return { plan, reduced: zero, toCredit: zero };
  const amounts = plan.installments.map((i) => i.amount);
  const open = plan.installments.flatMap((inst, i) =>
    inst.status === 'open' && inst.amount.isPositive() ? [i] : [],
  );
  const openSum = Money.sum(
    open.map((i) => amounts[i] as Money),
    currency,
  );
  let left = value;
  if (open.length > 0) {
    const take = Money.min(left, openSum);
    const parts = allocate(
      openSum.subtract(take),
      open.map((i) => (amounts[i] as Money).amount),
    );
    open.forEach((i, k) => {
      amounts[i] = parts[k] as Money;
    });
    left = left.subtract(take);
  }
  for (let i = plan.installments.length - 1; i >= 0 && left.isPositive(); i--) {
    if ((plan.installments[i] as Installment).status !== 'due') continue;
    const a = amounts[i] as Money;
    const take = Money.min(left, a);
    amounts[i] = a.subtract(take);
    left = left.subtract(take);
  }
  const reduced = value.subtract(left);
  if (reduced.isZero()) return { plan, reduced, toCredit: left };
  const installments = plan.installments.map((inst, i) =>
    (amounts[i] as Money).equals(inst.amount) ? inst : { ...inst, amount: amounts[i] as Money },
  );
  return {
    plan: { ...plan, total: plan.total.subtract(reduced), installments, updatedAt: at },
    reduced,
    toCredit: left,
  };
}

/** What the order-to-cash flow has reached on an order, as the flow triggers see it. */
export interface FlowFacts {
  /** The contract is signed: the order is `confirmed` (or `closed` after being confirmed). */
  readonly signed: boolean;
  /** Every line is delivered in full (before returns). */
  readonly delivered: boolean;
}

/**
 * The flow facts of an order: signed while `confirmed` or `closed` (a draft or held order is
 * not), delivered when its delivery progress is full.
 */
export function flowFacts(order: SalesOrder): FlowFacts {
  return {
    signed: order.state === 'confirmed' || order.state === 'closed',
    delivered: orderProgress(order).delivery === 'full',
  };
}

/** Installment transitions made by the flow: the plan after them and one event each. */
export interface FlowAchievement {
  /** The plan (the same object when nothing was achieved). */
  readonly plan: SettlementPlan;
  /** One `document.transitioned` payload per achieved installment, in plan order. */
  readonly events: readonly DocumentTransitioned[];
}

/**
 * Achieves, on `achievedOn`, every **open** installment whose trigger the flow has reached
 * (`signing` when signed, `delivery` when delivered); `command` installments are left alone.
 * Idempotent: a due or invoiced installment is not touched, and a second call with the same
 * facts changes nothing (returns the same plan object).
 */
export function achieveByFlow(
  plan: SettlementPlan,
  facts: FlowFacts,
  achievedOn: string,
  at: string,
): FlowAchievement {
  let current = plan;
  const events: DocumentTransitioned[] = [];
  plan.installments.forEach((inst, idx) => {
    if (inst.status !== 'open') return;
    const trigger = installmentTrigger(inst);
    const reached =
      (trigger === 'signing' && facts.signed) || (trigger === 'delivery' && facts.delivered);
    if (!reached) return;
    const t = transitionInstallment(
      current,
      idx,
      'achieve',
      { achievedOn, dueDate: addDays(achievedOn, inst.dueDays) },
      at,
    );
    // open → due is always legal.
    if (!t.ok) return;
    current = t.value.plan;
    events.push(t.value.event);
  });
  return { plan: current, events };
}

/**
 * Spreads an installment's gross `amount` over order lines in proportion to what each still
 * has to bill (`keptGross − billed`, with `allocate`, so the parts add up to `amount` exactly),
 * each part's VAT at its line's own ratio, cumulative over what the line billed
 * (`shareOf(keptTax, keptGross, billed, part)`). When the last installment bills all that is
 * left, every line has been billed its kept gross — and exactly its kept VAT when its kept value
 * did not change between installments (a return mid-plan may move a cent) — so returned goods
 * are never billed, and a two-rate contract's invoices carry each rate's own VAT. Lines with
 * nothing left get zero parts (returned in the given order). When no line has anything left
 * (rounding after returns) the amount goes by kept gross.
 *
 * @throws TradecoreBug `SPREAD_NO_WEIGHT` when `amount` is not zero but no line keeps any gross.
 */
export function spreadInstallment(
  amount: Money,
  lines: readonly PlanLineBasis[],
): InstallmentLinePart[] {
  const zero = Money.zero(amount.currency.code);
  const rest = lines.map((l) => {
    const r = l.keptGross.subtract(l.billed);
    return r.isPositive() ? r.amount : new Dec(0);
  });
  const kept = lines.map((l) => (l.keptGross.isPositive() ? l.keptGross.amount : new Dec(0)));
  const positive = (ws: Dec[]) => ws.some((w) => w.greaterThan(0));
  const weights = positive(rest) ? rest : positive(kept) ? kept : undefined;
  if (weights === undefined) {
    if (amount.isZero()) {
      return lines.map((l) => ({ lineNo: l.lineNo, net: zero, tax: zero, gross: zero }));
    }
    throw new TradecoreBug('SPREAD_NO_WEIGHT', `cannot spread ${amount} over lines worth nothing`);
  }
  const parts = allocate(amount, weights);
  return lines.map((l, i) => {
    const gross = parts[i] as Money;
    const tax = l.keptGross.isPositive()
      ? shareOf(l.keptTax, l.keptGross.amount, l.billed.amount, gross.amount)
      : zero;
    return { lineNo: l.lineNo, net: gross.subtract(tax), tax, gross };
  });
}

/** One order line's part of an installment invoice. */
export interface InstallmentLinePart {
  /** The order line. */
  readonly lineNo: number;
  /** Net (the part's gross less its VAT). */
  readonly net: Money;
  /** VAT: the part's gross at the line's own VAT-to-gross ratio, rounded. */
  readonly tax: Money;
  /** Gross part of the installment. */
  readonly gross: Money;
}

/**
 * Spreads an installment's (gross) `amount` over order lines in proportion to their gross, as
 * the difference of two cumulative spreads: of everything billed by installments up to and
 * including this one (`billedBefore + amount`) and of what was billed before (`billedBefore`).
 * Each cumulative spread gives line `i` `round(X × G≤i / G) − round(X × G<i / G)` (`shareOf`)
 * of gross and that gross's VAT at the line's own ratio (`round(g × line.tax / line.gross)`).
 * So the parts add up to `amount` exactly, and across a whole plan (Σ installments = the
 * order's gross) each line is billed exactly its gross and its VAT — the invoices' VAT and
 * revenue equal the order's. Lines are returned in the given order, zero parts included. A
 * line's part can be a cent below zero when rounding of two cumulative shares meets (the sum
 * stays exact); after an amendment changed the lines, the per-line telescoping restarts from
 * the new weights (the sum is still exact).
 *
 * @throws TradecoreBug `SPREAD_NO_WEIGHT` when `amount` is not zero but the lines' gross is.
 */
export function spreadOverLines(
  amount: Money,
  lines: readonly Pick<SalesOrderLine, 'lineNo' | 'gross' | 'tax'>[],
  billedBefore: Money = Money.zero(amount.currency.code),
): InstallmentLinePart[] {
  const whole = lines.reduce((a, l) => a.plus(l.gross.amount), new Dec(0));
  if (whole.isZero() && !amount.isZero()) {
    throw new TradecoreBug('SPREAD_NO_WEIGHT', `cannot spread ${amount} over lines worth nothing`);
  }
  const cumulative = (x: Money) => {
    let before = new Dec(0);
    return lines.map((l) => {
      const gross = shareOf(x, whole, before, l.gross.amount);
      before = before.plus(l.gross.amount);
      const tax = shareOf(l.tax, l.gross.amount, new Dec(0), gross.amount);
      return { gross, tax };
    });
  };
  const upTo = cumulative(billedBefore.add(amount));
  const prior = cumulative(billedBefore);
  return lines.map((l, i) => {
    const a = upTo[i] as { gross: Money; tax: Money };
    const b = prior[i] as { gross: Money; tax: Money };
    const gross = a.gross.subtract(b.gross);
    const tax = a.tax.subtract(b.tax);
    return { lineNo: l.lineNo, net: gross.subtract(tax), tax, gross };
  });
}
