/**
 * Order use cases: draft, review and approve, confirm (credit + stock, atomically or neither),
 * credit holds and their release, close / reopen, cancel.
 *
 * @module
 */
import type { z } from 'zod';
import type { PriceListId, SalesOrderId, ShipToId, WarehouseId } from '../kernel/brand';
import { type NotFoundError, TradecoreBug } from '../kernel/errors';
import { err, ok } from '../kernel/result';
import { type Customer, MASTERDATA_KINDS, type Warehouse } from '../masterdata/types';
import { CURRENCIES } from '../money/currency';
import { Dec } from '../money/decimal';
import { Money } from '../money/money';
import type { RoundingMode } from '../money/rounding';
import type { RatePort } from '../ports/rates';
import type { PriceList } from '../pricing/price-list';
import {
  type CreditLink,
  SALES_KINDS,
  type SalesOrder,
  type SalesOrderLine,
} from '../sales/documents';
import type {
  ApprovalRequiredError,
  OrderHasActivityError,
  ReviewPendingError,
} from '../sales/errors';
import { creditMoves, orderBuckets } from '../sales/ledger';
import { pendingReviews } from '../sales/policy';
import {
  accountPath,
  checkApprover,
  heldOrderIds,
  loadCreditPolicy,
  markHeld,
  toAccountCurrency,
} from './credit';
import { loadSalesPolicy, moveOrder, POLICY_REFS, syncExposure, syncStock } from './order-flow';
import { checkFloorPrices } from './pricing';
import { priceOrder } from './pricing-order';
import { PricingRuntime } from './pricing-runtime';
import { BOOK_VERSION_ID, PRICING_KINDS } from './pricing-store';
import type {
  approveSalesOrderInput,
  draftSalesOrderInput,
  orderRefInput,
  releaseCreditHoldInput,
  reviewSalesOrderInput,
} from './schemas';
import { onOrderFlow } from './settlement';
import type { UnitOfWork } from './unit-of-work';

/** Settings of the order use cases. */
export interface OrderSettings {
  /** Rounding mode of every amount (default half-up). */
  readonly rounding: RoundingMode;
  /** The pricing runtime (book cache, cost port); default: a fresh one without a cache. */
  readonly pricing?: PricingRuntime;
}

/** Everything the order use cases need besides the unit of work. */
export interface OrderDeps {
  /** Exchange rates, for orders in another currency than their credit account. */
  readonly rates?: RatePort | undefined;
}

const ZERO = new Dec(0);

/** Drafts a sales order: prices every line from the price list and numbers the order. */
export async function draftSalesOrder(
  uow: UnitOfWork,
  input: z.output<typeof draftSalesOrderInput>,
  settings: OrderSettings,
) {
  // Everything a draft reads before its numbering, in one store call.
  await uow.prefetch([
    { kind: MASTERDATA_KINDS.customer, id: input.customerId },
    { kind: MASTERDATA_KINDS.warehouse, id: input.warehouseId },
    ...input.lines.flatMap((l) =>
      l.warehouseId === undefined ? [] : [{ kind: MASTERDATA_KINDS.warehouse, id: l.warehouseId }],
    ),
    { kind: 'price-list', id: input.priceListId },
    { kind: PRICING_KINDS.version, id: BOOK_VERSION_ID },
    ...input.lines.map((l) => ({ kind: MASTERDATA_KINDS.product, id: l.productId })),
  ]);
  const c = await uow.require<Customer>(MASTERDATA_KINDS.customer, input.customerId, 'customerId');
  if (!c.ok) return c;
  const customer = c.value;
  const shipToOf = (id: string | undefined, field: string) => {
    const s = id === undefined ? customer.shipTo[0] : customer.shipTo.find((x) => x.id === id);
    if (s) return ok(s.id as ShipToId);
    return err<NotFoundError>({
      code: 'NOT_FOUND',
      message: `${field}: customer ${customer.id} has no ship-to party ${id ?? ''}`.trim(),
      entity: 'ship-to',
      id: id ?? '',
      field,
    });
  };
  const shipTo = shipToOf(input.shipToId, 'shipToId');
  if (!shipTo.ok) return shipTo;
  const warehouses = new Set([input.warehouseId]);
  for (const [i, l] of input.lines.entries()) {
    if (l.warehouseId !== undefined && !warehouses.has(l.warehouseId)) {
      const w = await uow.require<Warehouse>(
        MASTERDATA_KINDS.warehouse,
        l.warehouseId,
        `lines.${i}.warehouseId`,
      );
      if (!w.ok) return w;
      warehouses.add(l.warehouseId);
    }
  }
  const w = await uow.require<Warehouse>(
    MASTERDATA_KINDS.warehouse,
    input.warehouseId,
    'warehouseId',
  );
  if (!w.ok) return w;
  const pl = await uow.require<PriceList>('price-list', input.priceListId, 'priceListId');
  if (!pl.ok) return pl;
  const priced = await priceOrder(uow, settings.pricing ?? new PricingRuntime(), {
    customer,
    priceList: pl.value,
    currency: input.currency,
    channel: input.channel,
    departmentId: input.departmentId,
    taxRounding: input.taxRounding,
    rounding: settings.rounding,
    lines: input.lines,
  });
  if (!priced.ok) return priced;
  const { currency, priceIncludesTax, net, tax, gross } = priced.value;
  // Priced lines may outnumber input lines (bundles, free goods): a line takes the warehouse and
  // ship-to of the input line it came from when the counts match, else the order's.
  const sameShape = priced.value.lines.length === input.lines.length;
  const lines: SalesOrderLine[] = [];
  for (const [k, l] of priced.value.lines.entries()) {
    const src = sameShape ? input.lines[k] : undefined;
    const st = shipToOf(src?.shipToId ?? input.shipToId, `lines.${k}.shipToId`);
    if (!st.ok) return st;
    lines.push({
      ...l,
      warehouseId: (src?.warehouseId ?? input.warehouseId) as WarehouseId,
      shipToId: st.value,
      delivered: ZERO,
      returned: ZERO,
      invoiced: ZERO,
      credited: ZERO,
    });
  }
  const id = uow.newId(SALES_KINDS.order) as SalesOrderId;
  const order: SalesOrder = {
    id,
    tenantId: uow.tenantId,
    number: await uow.nextNumber('SO'),
    state: 'draft',
    revision: 1,
    customerId: customer.id,
    billToId: customer.billToId,
    shipToId: shipTo.value,
    warehouseId: input.warehouseId as WarehouseId,
    priceListId: input.priceListId as PriceListId,
    currency,
    priceIncludesTax,
    taxRounding: input.taxRounding,
    lines,
    net,
    tax,
    gross,
    billedGross: Money.zero(currency),
    creditedGross: Money.zero(currency),
    paid: Money.zero(currency),
    settlementPlan: false,
    credit: null,
    creditDecision: null,
    creditHolds: [],
    reviews: [],
    approvals: [],
    customFields: input.customFields ?? {},
    validUntil: input.validUntil ?? null,
    createdAt: uow.now,
    deliveryIds: [],
    invoiceIds: [],
  };
  await uow.create(SALES_KINDS.order, order);
  uow.transitioned(SALES_KINDS.order, order, { from: null, event: 'draft', to: 'draft' });
  return ok(order);
}

/** Loads an order for a use case. */
export async function loadOrder(uow: UnitOfWork, orderId: string, field = 'orderId') {
  // The order and the policies every step on it reads, in one store call.
  await uow.prefetch([{ kind: SALES_KINDS.order, id: orderId }, ...POLICY_REFS]);
  return uow.require<SalesOrder>(SALES_KINDS.order, orderId, field);
}

/**
 * The credit link of an order's bill-to party: its account's currency and the rate from the
 * order's currency, converted once, here, through the rate port.
 */
export async function creditLinkFor(uow: UnitOfWork, order: SalesOrder, deps: OrderDeps) {
  if (order.credit !== null) return ok(order.credit);
  const account = await uow.tx.credit.account(order.billToId);
  if (!account) {
    return err({
      code: 'CREDIT_ACCOUNT_MISSING' as const,
      message: `customer ${order.billToId} has no credit account; set a credit limit first`,
      customerId: order.billToId,
    });
  }
  let rate = new Dec(1);
  if (account.currency !== order.currency) {
    const converted = toAccountCurrency(order.gross, account.currency, uow.now, deps.rates);
    if (!converted.ok) return err({ ...converted.error, field: 'orderId' });
    rate = order.gross.isZero() ? new Dec(1) : converted.value.amount.dividedBy(order.gross.amount);
  }
  const link: CreditLink = {
    accountId: order.billToId,
    currency: account.currency,
    minorUnits: CURRENCIES.get(account.currency)?.minorUnits ?? 2,
    rate,
  };
  return ok(link);
}

/** The credit link of an order whose bill-to party's account is in the order's currency. */
function sameCurrencyLink(order: SalesOrder): CreditLink {
  return {
    accountId: order.billToId,
    currency: order.currency,
    minorUnits: CURRENCIES.get(order.currency)?.minorUnits ?? 2,
    rate: new Dec(1),
  };
}

/** Checks the configured review steps and the approval policy before a confirmation. */
async function checkReadiness(uow: UnitOfWork, order: SalesOrder) {
  const policy = await loadSalesPolicy(uow);
  const pending = pendingReviews(policy.reviewSteps, order.reviews);
  if (pending.length > 0) {
    return err<ReviewPendingError>({
      code: 'REVIEW_PENDING',
      message: `orderId: review steps not passed: ${pending.join(', ')}`,
      field: 'orderId',
      pending,
    });
  }
  const approvals = uow.hooks.approvals;
  if (approvals) {
    const need = await approvals.requiredFor({ tenantId: uow.tenantId, order });
    if (
      need &&
      !order.approvals.some(
        (a) => a.revision === order.revision && need.approvers.includes(a.approverId),
      )
    ) {
      return err<ApprovalRequiredError>({
        code: 'APPROVAL_REQUIRED',
        message: `orderId: revision ${order.revision} needs an approval by one of ${need.approvers.join(', ')} (${need.reason})`,
        field: 'orderId',
        approvers: need.approvers,
        reason: need.reason,
      });
    }
  }
  return ok(true);
}

/**
 * Confirms a draft: checks review steps, approvals and floor prices, then checks credit and
 * reserves the order's exposure on the bill-to party's account and its groups, and reserves
 * stock — all in one transaction through the store's atomic operations, so concurrent
 * confirmations never overrun a limit or oversell; if anything fails, nothing is reserved. A
 * blocked order is rejected or, if the policy says so, put on credit hold for an approver.
 */
export async function confirmSalesOrder(
  uow: UnitOfWork,
  input: z.output<typeof orderRefInput>,
  deps: OrderDeps = {},
) {
  const o = await loadOrder(uow, input.orderId);
  if (!o.ok) return o;
  return checkAndReserve(uow, o.value, 'confirm', deps);
}

/**
 * Reopens a closed order: the credit check runs again at the confirm checkpoint with today's
 * exposure (closing and reopening can never slip an order past a limit) and its open quantities
 * are reserved again; a blocked order is rejected or held, as on confirmation.
 */
export async function reopenSalesOrder(
  uow: UnitOfWork,
  input: z.output<typeof orderRefInput>,
  deps: OrderDeps = {},
) {
  const o = await loadOrder(uow, input.orderId);
  if (!o.ok) return o;
  return checkAndReserve(uow, o.value, 'reopen', deps);
}

/**
 * Saves `after` (queued: a concurrent command on the same order makes it conflict, so the same
 * reservations are never freed twice), then gives back the credit and stock `before` held
 * beyond `after`: credit first, then stock, in the order confirmations take them, so concurrent
 * confirmations and releases lock rows in one order. For transitions that only release (hold,
 * close, cancel, an integrator's own state). A failure to give back is a bug — unless `before`
 * was stale, which the runner finds by sending the queued save before it gives up, and retries.
 */
async function saveReleasing(uow: UnitOfWork, before: SalesOrder, after: SalesOrder) {
  await uow.save(SALES_KINDS.order, after);
  if (before.credit !== null && after.credit !== null) {
    const r = await syncExposure(
      uow,
      after.credit,
      orderBuckets(before),
      orderBuckets(after),
      null,
      { kind: SALES_KINDS.order, id: before.id },
    );
    if (!r.ok) throw new TradecoreBug('CREDIT_STATE', `${before.id}: ${r.error.message}`);
  }
  const s = await syncStock(uow, before, after);
  if (!s.ok) throw new TradecoreBug('STOCK_STATE', s.error.message);
}

/**
 * Puts an order on credit hold after a blocked check: its open quantities stop holding stock and
 * credit (what was delivered or invoiced keeps its exposure), and the hold is recorded.
 */
export async function holdOrder(
  uow: UnitOfWork,
  current: SalesOrder,
  next: SalesOrder,
  decision: NonNullable<SalesOrder['creditDecision']>,
) {
  const held = await moveOrder(uow, next, 'hold', {
    creditDecision: decision,
    creditHolds: [
      ...next.creditHolds,
      { heldAt: uow.now, decision, releasedAt: null, releasedBy: null, reason: null },
    ],
  });
  if (!held.ok) return held;
  const doc = held.value.doc;
  await saveReleasing(uow, current, doc);
  await markHeld(uow, current.id, true);
  uow.emit('document.transitioned', held.value.event);
  return ok(doc);
}

/**
 * Confirm or reopen (or re-check an amended order): credit at the confirm checkpoint, then
 * stock; or hold, or reject. `current` is the order as stored, `order` the order to confirm
 * (they differ for an amendment).
 */
export async function checkAndReserve(
  uow: UnitOfWork,
  order: SalesOrder,
  event: string,
  deps: OrderDeps,
  current: SalesOrder = order,
) {
  const moved =
    event === 'amend' ? ok({ doc: order, event: null }) : await moveOrder(uow, order, event);
  if (!moved.ok) return moved;
  const floors = await checkFloorPrices(uow, order);
  if (!floors.ok) return floors;
  if (event === 'confirm') {
    const ready = await checkReadiness(uow, order);
    if (!ready.ok) return ready;
  }
  // An order without a credit link yet tries the link it has when its bill-to party's account
  // is in the order's currency (the common case): the change checks that currency on the
  // account, so the account is read (for its currency and the rate) only when it is not, or
  // when no change was made to check it.
  let link =
    order.credit === null ? ok(sameCurrencyLink(order)) : await creditLinkFor(uow, order, deps);
  if (!link.ok) return link;
  const exposureFor = async (l: CreditLink) => {
    const target: SalesOrder = { ...moved.value.doc, credit: l };
    const before =
      current.credit === null ? orderBuckets({ ...current, credit: l }) : orderBuckets(current);
    const after = orderBuckets(target);
    const step = await syncExposure(uow, l, before, after, 'confirm', {
      kind: SALES_KINDS.order,
      id: order.id,
    });
    return { target, step, changed: creditMoves(before, after).length > 0 };
  };
  const first = await exposureFor(link.value);
  let { target, step } = first;
  const guessed = order.credit === null;
  if (guessed && (step.ok ? !first.changed : step.error.code === 'CURRENCY_MISMATCH')) {
    link = await creditLinkFor(uow, order, deps);
    if (!link.ok) return link;
    ({ target, step } = await exposureFor(link.value));
  }
  if (!step.ok) {
    const policy = await loadCreditPolicy(uow);
    if (!('decision' in step.error) || policy.onBlockedConfirm === 'reject') return step;
    // Held: what this order held before (an amendment of a confirmed order) is given back by
    // the hold; nothing new is reserved.
    return holdOrder(uow, current, { ...order, credit: link.value }, step.error.decision);
  }
  const stock = await syncStock(uow, current, target);
  if (!stock.ok) return stock;
  const doc: SalesOrder = { ...target, creditDecision: step.value ?? order.creditDecision };
  await uow.save(SALES_KINDS.order, doc);
  if (moved.value.event) uow.emit('document.transitioned', moved.value.event);
  // Signing: a settlement plan's `signing` installment falls due (amendments run it after the
  // plan is rescaled, as an amendment listener).
  if (event !== 'amend') {
    await onOrderFlow(uow, doc);
  }
  return ok(doc);
}

/** Records a review step (图审, 审价…) on a draft order. */
export async function reviewSalesOrder(
  uow: UnitOfWork,
  input: z.output<typeof reviewSalesOrderInput>,
) {
  const o = await loadOrder(uow, input.orderId);
  if (!o.ok) return o;
  const order = o.value;
  const policy = await loadSalesPolicy(uow);
  if (!policy.reviewSteps.includes(input.step)) {
    return err<NotFoundError>({
      code: 'NOT_FOUND',
      message: `step: ${input.step} is not a review step of the sales policy (${policy.reviewSteps.join(', ') || 'none'})`,
      entity: 'review-step',
      id: input.step,
      field: 'step',
    });
  }
  if (order.state !== 'draft') {
    return err({
      code: 'ILLEGAL_TRANSITION' as const,
      message: `sales-order ${order.number}: reviews happen in draft, not ${order.state}`,
      machine: 'sales-order',
      from: order.state,
      event: 'review',
      allowed: [],
    });
  }
  const doc: SalesOrder = {
    ...order,
    reviews: [
      ...order.reviews,
      {
        step: input.step,
        reviewerId: input.reviewerId,
        approved: input.approved,
        note: input.note,
        at: uow.now,
      },
    ],
  };
  await uow.save(SALES_KINDS.order, doc);
  return ok(doc);
}

/** Records an approval of the order's current revision by an approver the approval policy names. */
export async function approveSalesOrder(
  uow: UnitOfWork,
  input: z.output<typeof approveSalesOrderInput>,
) {
  const o = await loadOrder(uow, input.orderId);
  if (!o.ok) return o;
  const order = o.value;
  const need = uow.hooks.approvals
    ? await uow.hooks.approvals.requiredFor({ tenantId: uow.tenantId, order })
    : null;
  if (!need?.approvers.includes(input.approverId)) {
    return err({
      code: 'NOT_AN_APPROVER' as const,
      message: `approverId: ${input.approverId} may not approve ${order.number}${need ? ` (approvers: ${need.approvers.join(', ')})` : ' (it needs no approval)'}`,
      approverId: input.approverId,
      field: 'approverId',
    });
  }
  const doc: SalesOrder = {
    ...order,
    approvals: [
      ...order.approvals,
      { approverId: input.approverId, note: input.note, revision: order.revision, at: uow.now },
    ],
  };
  await uow.save(SALES_KINDS.order, doc);
  return ok(doc);
}

/**
 * Closes a confirmed order that will not be delivered further (short close): its open
 * quantities stop holding stock and credit; what was delivered can still be invoiced and
 * returned. `reopenSalesOrder` checks both again.
 */
export async function closeSalesOrder(uow: UnitOfWork, input: z.output<typeof orderRefInput>) {
  const o = await loadOrder(uow, input.orderId);
  if (!o.ok) return o;
  return settleState(uow, o.value, 'close');
}

/** Close or cancel: a transition that only gives reservations back. */
async function settleState(uow: UnitOfWork, order: SalesOrder, event: 'close' | 'cancel') {
  const t = await moveOrder(uow, order, event);
  if (!t.ok) return t;
  const doc = t.value.doc;
  await saveReleasing(uow, order, doc);
  if (order.state === 'credit_hold') {
    await markHeld(uow, order.id, false);
  }
  uow.emit('document.transitioned', t.value.event);
  return ok(doc);
}

/**
 * Cancels an order with nothing delivered or invoiced, releasing any credit and stock it holds.
 * An order with deliveries or invoices is closed instead (and returned / credited if need be).
 */
export async function cancelSalesOrder(uow: UnitOfWork, input: z.output<typeof orderRefInput>) {
  const o = await loadOrder(uow, input.orderId);
  if (!o.ok) return o;
  const order = o.value;
  // `invoiceIds` also covers settlement-plan installments, which bill money, not quantities.
  if (
    order.invoiceIds.length > 0 ||
    order.lines.some((l) => l.delivered.greaterThan(0) || l.invoiced.greaterThan(0))
  ) {
    return err<OrderHasActivityError>({
      code: 'ORDER_HAS_ACTIVITY',
      message: `orderId: ${order.number} has deliveries or invoices; close it instead`,
      field: 'orderId',
      orderId: order.id,
    });
  }
  return settleState(uow, order, 'cancel');
}

/**
 * Releases an order from credit hold. By an approver (listed in the credit policy), with a
 * reason, recorded on the order: the exposure is then reserved without the limit check (the
 * approval is the override). Stock must still be available.
 */
export async function releaseCreditHold(
  uow: UnitOfWork,
  input: z.output<typeof releaseCreditHoldInput>,
) {
  const policy = await loadCreditPolicy(uow);
  const who = checkApprover(policy, input.approverId);
  if (!who.ok) return who;
  const o = await loadOrder(uow, input.orderId);
  if (!o.ok) return o;
  return releaseHeld(uow, o.value, input.approverId, input.reason, null);
}

/**
 * Moves a held order to confirmed: takes its exposure — checked at the confirm checkpoint for an
 * automatic release, unchecked for an approver — then its stock. If either fails, what this
 * function took is given back before it returns, so a caller may go on in the same transaction.
 */
async function releaseHeld(
  uow: UnitOfWork,
  order: SalesOrder,
  by: string,
  reason: string,
  checkpoint: 'confirm' | null,
) {
  const holds = order.creditHolds.map((h, i) =>
    i === order.creditHolds.length - 1 ? { ...h, releasedAt: uow.now, releasedBy: by, reason } : h,
  );
  const t = await moveOrder(uow, order, 'release', { creditHolds: holds });
  if (!t.ok) return t;
  const link = order.credit;
  if (link === null)
    throw new TradecoreBug('CREDIT_STATE', `held order ${order.id} has no credit link`);
  const doc0 = t.value.doc;
  const step = await syncExposure(uow, link, orderBuckets(order), orderBuckets(doc0), checkpoint, {
    kind: SALES_KINDS.order,
    id: order.id,
  });
  if (!step.ok) return step;
  const stock = await syncStock(uow, order, doc0);
  if (!stock.ok) {
    const back = await syncExposure(uow, link, orderBuckets(doc0), orderBuckets(order), null, {
      kind: SALES_KINDS.order,
      id: order.id,
    });
    if (!back.ok) throw new TradecoreBug('CREDIT_STATE', back.error.message);
    return stock;
  }
  const doc: SalesOrder = { ...doc0, creditDecision: step.value ?? order.creditDecision };
  await uow.save(SALES_KINDS.order, doc);
  await markHeld(uow, order.id, false);
  uow.emit('document.transitioned', t.value.event);
  await onOrderFlow(uow, doc);
  return ok(doc);
}

/**
 * After credit was freed on `accountId` (a receipt written off), releases held orders of the
 * same credit tree that now fit, oldest first, each checked atomically like a confirmation.
 * An order that does not fit, or whose stock is short, stays held. At most `limit` are tried.
 */
export async function autoReleaseHolds(
  uow: UnitOfWork,
  accountId: string,
  limit = 20,
): Promise<SalesOrder[]> {
  // Read now, once the caller holds the credit accounts it freed (not read ahead): an order
  // held meanwhile by a concurrent command is in the list.
  const ids = (await heldOrderIds(uow)).slice(0, limit);
  if (ids.length === 0) return [];
  const path = await accountPath(uow, accountId);
  if (!path) return [];
  const rootOf = (p: readonly { accountId: string }[]) =>
    (p[p.length - 1] as { accountId: string }).accountId;
  const root = rootOf(path);
  const held: SalesOrder[] = [];
  for (const id of ids) {
    const o = await uow.load<SalesOrder>(SALES_KINDS.order, id);
    if (o?.state === 'credit_hold') held.push(o);
  }
  const released: SalesOrder[] = [];
  for (const order of held) {
    const orderPath = await accountPath(uow, order.credit?.accountId ?? order.billToId);
    if (!orderPath || rootOf(orderPath) !== root) continue;
    const r = await releaseHeld(uow, order, 'system', 'credit freed by a receipt', 'confirm');
    // An order changed meanwhile fails the whole command at commit (VERSION_CONFLICT), and the
    // command is retried against it.
    if (r.ok) released.push(r.value);
  }
  return released;
}

/** Runs an integrator's own transition (an event of an extended order machine) through the guards. */
export async function transitionSalesOrder(
  uow: UnitOfWork,
  input: { readonly orderId: string; readonly event: string },
) {
  const o = await loadOrder(uow, input.orderId);
  if (!o.ok) return o;
  const order = o.value;
  const builtIn = ['confirm', 'hold', 'release', 'close', 'reopen', 'cancel'];
  if (builtIn.includes(input.event)) {
    return err({
      code: 'ILLEGAL_TRANSITION' as const,
      message: `event: ${input.event} has its own command (it reserves or frees stock and credit)`,
      machine: 'sales-order',
      from: order.state,
      event: input.event,
      allowed: [],
    });
  }
  const t = await moveOrder(uow, order, input.event);
  if (!t.ok) return t;
  if (t.value.doc.state === 'confirmed') {
    return err({
      code: 'ILLEGAL_TRANSITION' as const,
      message: `event: ${input.event} leads to confirmed; use confirmSalesOrder (it checks credit and reserves stock)`,
      machine: 'sales-order',
      from: order.state,
      event: input.event,
      allowed: [],
    });
  }
  // Custom states hold nothing: leaving `confirmed` for one gives reservations back, coming
  // back to `confirmed` is only possible through `confirm` or `reopen`.
  await saveReleasing(uow, order, t.value.doc);
  uow.emit('document.transitioned', t.value.event);
  return ok(t.value.doc);
}
