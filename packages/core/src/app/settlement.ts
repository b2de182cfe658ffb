/**
 * Settlement-plan use cases: generate a plan for a sales order from contract rules, adjust it
 * within the rules, mark milestones achieved — by command, or by the flow ({@link onOrderFlow}:
 * confirmation achieves `signing`, full delivery `delivery`) — and follow order amendments
 * ({@link onOrderAmended}). Installments are invoiced by `invoiceInstallment` (`billing.ts`).
 *
 * @module
 */
import type { z } from 'zod';
import { err, ok } from '../kernel/result';
import { Money } from '../money/money';
import { dateOfInstant } from '../sales/dates';
import { SALES_KINDS, type SalesOrder } from '../sales/documents';
import { orderLineValue } from '../sales/ledger';
import {
  achieveByFlow,
  achieveInstallment,
  adjustInstallments,
  flowFacts,
  generateSettlementPlan,
  INSTALLMENT_KIND,
  rescalePlan,
  SETTLEMENT_KIND,
  type SettlementOrderCancelledError,
  type SettlementOrderInvoicedError,
  type SettlementPlan,
} from '../sales/settlement';
import {
  type achieveMilestoneInput,
  type adjustSettlementPlanInput,
  type createSettlementPlanInput,
  fieldInvalid,
} from './quote-schemas';
import type { UnitOfWork } from './unit-of-work';

async function loadPlan(uow: UnitOfWork, planId: string) {
  return uow.require<SettlementPlan>(SETTLEMENT_KIND, planId, 'planId');
}

/**
 * Generates the settlement plan of a sales order from contract rules: total = the order's
 * gross (less the value of goods already returned, kept as its `planReduction`), one open installment per milestone, amounts allocated by share (Σ = total exactly).
 * The plan's id is the order's id, so an order has at most one plan (`DUPLICATE` otherwise).
 * Milestones the flow has already reached are achieved at once (a plan made for a confirmed
 * order has its `signing` installment due today). An order already invoiced by quantities gets
 * no plan (`SETTLEMENT_ORDER_INVOICED`): a plan bills the whole contract.
 */
export async function createSettlementPlan(
  uow: UnitOfWork,
  input: z.output<typeof createSettlementPlanInput>,
) {
  const o = await uow.require<SalesOrder>(SALES_KINDS.order, input.orderId, 'orderId');
  if (!o.ok) return o;
  const order = o.value;
  if (order.state === 'cancelled') {
    return err<SettlementOrderCancelledError>({
      code: 'SETTLEMENT_ORDER_CANCELLED',
      message: `orderId: order ${order.number} is cancelled`,
      field: 'orderId',
      orderId: order.id,
    });
  }
  if (order.invoiceIds.length > 0) {
    return err<SettlementOrderInvoicedError>({
      code: 'SETTLEMENT_ORDER_INVOICED',
      message: `orderId: order ${order.number} is already invoiced by quantities; a settlement plan bills the whole contract`,
      field: 'orderId',
      orderId: order.id,
    });
  }
  // Goods already returned are not billed: the plan covers the gross less their value.
  const returned = Money.sum(
    order.lines.map((l) => orderLineValue(l, l.returned)),
    order.currency,
  );
  const plan = generateSettlementPlan(
    {
      id: order.id,
      tenantId: uow.tenantId,
      orderId: order.id,
      orderNumber: order.number,
      customerId: order.billToId,
      at: uow.now,
    },
    order.gross.subtract(returned),
    input.rules,
  );
  if (!plan.ok) return plan;
  // The order is saved with the version read: a concurrent invoice by quantities, which saves
  // it too, then conflicts and is retried against the plan — never both.
  await uow.save(SALES_KINDS.order, {
    ...order,
    settlementPlan: true,
    ...(returned.isZero() ? {} : { planReduction: returned }),
  });
  const reached = achieveByFlow(plan.value, flowFacts(order), dateOfInstant(uow.now), uow.now);
  await uow.create(SETTLEMENT_KIND, reached.plan);
  for (const i of plan.value.installments) {
    uow.transitioned(
      INSTALLMENT_KIND,
      { id: `${plan.value.id}/${i.milestone}`, number: order.number },
      { from: null, event: 'create', to: i.status },
    );
  }
  for (const e of reached.events) uow.emit('document.transitioned', e);
  return ok(reached.plan);
}

/**
 * The settlement plan of an order, or `undefined` — without a read when the order's
 * `settlementPlan` flag says it has none (orders stored before the flag are looked up). The
 * plan's version is remembered for a later save in this unit of work.
 */
export function planOf(
  uow: UnitOfWork,
  order: { readonly id: string; readonly settlementPlan?: boolean },
): Promise<SettlementPlan | undefined> {
  if (order.settlementPlan === false) return Promise.resolve(undefined);
  return uow.load<SettlementPlan>(SETTLEMENT_KIND, order.id);
}

/**
 * Achieves the milestones the order-to-cash flow has reached on `order` (as saved by the
 * calling command, in its unit of work): `signing` installments once it is confirmed,
 * `delivery` installments once it is fully delivered — due on today + their `dueDays`, with one
 * `document.transitioned` event each. Idempotent: installments already due or invoiced, and
 * `command` milestones, are left alone. Returns the plan (saved if anything changed), or `null`
 * when the order has none. Called by confirm, reopen, release from hold, deliveries,
 * amendments and plan creation.
 */
export async function onOrderFlow(uow: UnitOfWork, order: SalesOrder) {
  const plan = await planOf(uow, order);
  if (plan === undefined) return ok(null);
  const next = achieveByFlow(plan, flowFacts(order), dateOfInstant(uow.now), uow.now);
  if (next.plan === plan) return ok(plan);
  await uow.save(SETTLEMENT_KIND, next.plan);
  for (const e of next.events) uow.emit('document.transitioned', e);
  return ok(next.plan);
}

/**
 * Moves amounts between installments whose milestones are not achieved, each changed one
 * staying within its rule's bounds; the plan total does not change.
 */
export async function adjustSettlementPlan(
  uow: UnitOfWork,
  input: z.output<typeof adjustSettlementPlanInput>,
) {
  const p = await loadPlan(uow, input.planId);
  if (!p.ok) return p;
  const next = adjustInstallments(p.value, input.moves, uow.now);
  if (!next.ok) return next;
  await uow.save(SETTLEMENT_KIND, next.value);
  return ok(next.value);
}

/**
 * Marks a milestone achieved on `achievedOn` (not after today): its installment becomes due
 * on achievedOn + its `dueDays`. Achieving it twice is an `ILLEGAL_TRANSITION`.
 */
export async function achieveMilestone(
  uow: UnitOfWork,
  input: z.output<typeof achieveMilestoneInput>,
) {
  const today = dateOfInstant(uow.now);
  if (input.achievedOn > today) {
    return err(
      fieldInvalid(
        'achievedOn',
        'not_future',
        `must not be after today (${today}), got ${input.achievedOn}`,
      ),
    );
  }
  const p = await loadPlan(uow, input.planId);
  if (!p.ok) return p;
  const t = achieveInstallment(p.value, input.milestone, input.achievedOn, uow.now);
  if (!t.ok) return t;
  await uow.save(SETTLEMENT_KIND, t.value.plan);
  uow.emit('document.transitioned', t.value.event);
  return ok(t.value.plan);
}

/**
 * Keeps an order's settlement plan (if it has one) equal to its amended gross less the returned
 * goods taken off the plan (`planTotalOf`, passed as `newGross`): achieved and
 * invoiced installments stay as they are, the open ones absorb the difference in proportion
 * (see `rescalePlan`). Call it from an amendment use case, in the same unit of work. Returns
 * the saved plan, or `null` when the order has none (known without a read when the order's
 * `settlementPlan` flag, passed as `settlementPlan`, is `false`); `SETTLEMENT_BELOW_ACHIEVED`
 * when the new gross is below what is already achieved.
 */
export async function onOrderAmended(
  uow: UnitOfWork,
  orderId: string,
  newGross: Money,
  settlementPlan?: boolean,
) {
  const plan = await planOf(uow, { id: orderId, settlementPlan });
  if (plan === undefined) return ok(null);
  const next = rescalePlan(plan, newGross, uow.now);
  if (!next.ok) return next;
  if (next.value === plan) return ok(plan);
  await uow.save(SETTLEMENT_KIND, next.value);
  return ok(next.value);
}
