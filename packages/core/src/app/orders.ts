/**
 * Order use cases of the first slice: draft, confirm (credit + stock, atomically or neither),
 * cancel, deliver, invoice.
 *
 * @module
 */
import type { z } from 'zod';
import type { CreditPolicy } from '../credit/policy';
import type {
  DeliveryId,
  InvoiceId,
  PriceListId,
  SalesOrderId,
  ShipToId,
  WarehouseId,
} from '../kernel/brand';
import { type NotFoundError, TradecoreBug } from '../kernel/errors';
import { transition } from '../kernel/machine';
import { err, ok, type Result } from '../kernel/result';
import { type Customer, MASTERDATA_KINDS, type Product, type Warehouse } from '../masterdata/types';
import { allocate } from '../money/allocate';
import { Dec } from '../money/decimal';
import { Money } from '../money/money';
import { Quantity } from '../money/quantity';
import type { RoundingMode } from '../money/rounding';
import type { RatePort } from '../ports/rates';
import { type CreditBucket, isStockShortfall, type StockLevel } from '../ports/store';
import type { PriceList } from '../pricing/price-list';
import { type Delivery, type Invoice, SALES_KINDS, type SalesOrder } from '../sales/documents';
import type { InsufficientStockError } from '../sales/errors';
import { deliveryMachine, invoiceMachine } from '../sales/machines';
import { transitionOrder } from '../sales/order';
import {
  accountPath,
  applyCreditStep,
  checkApprover,
  dateOf,
  heldOrderIds,
  loadCreditPolicy,
  markHeld,
  toAccountCurrency,
} from './credit';
import { checkFloorPrices } from './pricing';
import { priceOrder } from './pricing-order';
import { PricingRuntime } from './pricing-runtime';
import type {
  draftSalesOrderInput,
  invoiceOrderInput,
  orderRefInput,
  releaseCreditHoldInput,
} from './schemas';
import type { UnitOfWork } from './unit-of-work';

/** Settings of the order use cases. */
export interface OrderSettings {
  /** Rounding mode of every amount (default half-up). */
  readonly rounding: RoundingMode;
  /** The pricing runtime (book cache, cost port); default: a fresh one without a cache. */
  readonly pricing?: PricingRuntime;
}

/** Drafts a sales order: prices every line from the price list and numbers the order. */
export async function draftSalesOrder(
  uow: UnitOfWork,
  input: z.output<typeof draftSalesOrderInput>,
  settings: OrderSettings,
) {
  const c = await uow.require<Customer>(MASTERDATA_KINDS.customer, input.customerId, 'customerId');
  if (!c.ok) return c;
  const customer = c.value;
  const shipTo =
    input.shipToId === undefined
      ? customer.shipTo[0]
      : customer.shipTo.find((s) => s.id === input.shipToId);
  if (!shipTo) {
    return err<NotFoundError>({
      code: 'NOT_FOUND',
      message: `shipToId: customer ${customer.id} has no ship-to party ${input.shipToId}`,
      entity: 'ship-to',
      id: input.shipToId ?? '',
      field: 'shipToId',
    });
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
  const { currency, priceIncludesTax, lines, net, tax, gross } = priced.value;
  const id = uow.newId(SALES_KINDS.order) as SalesOrderId;
  const order: SalesOrder = {
    id,
    tenantId: uow.tenantId,
    number: await uow.nextNumber('SO'),
    status: 'draft',
    customerId: customer.id,
    billToId: customer.billToId,
    shipToId: shipTo.id as ShipToId,
    warehouseId: input.warehouseId as WarehouseId,
    priceListId: input.priceListId as PriceListId,
    currency,
    priceIncludesTax,
    taxRounding: input.taxRounding,
    lines,
    net,
    tax,
    gross,
    creditAccountId: null,
    creditAmount: null,
    creditBucket: null,
    creditOutstanding: null,
    creditDecision: null,
    creditHolds: [],
    createdAt: uow.now,
    deliveryIds: [],
    invoiceIds: [],
  };
  const created = await uow.create(SALES_KINDS.order, order);
  if (!created.ok) return created;
  uow.transitioned(SALES_KINDS.order, order, { from: null, event: 'draft', to: 'draft' });
  return ok(order);
}

/** Emits `stock.changed` for one order line. */
function emitStock(
  uow: UnitOfWork,
  change: 'reserved' | 'released' | 'issued',
  order: SalesOrder,
  line: SalesOrder['lines'][number],
  sourceKind: string,
  sourceId: string,
) {
  uow.emit('stock.changed', {
    productId: line.productId,
    warehouseId: order.warehouseId,
    change,
    quantity: line.stockQuantity,
    sourceKind,
    sourceId,
  });
}

async function loadOrder(uow: UnitOfWork, orderId: string) {
  return uow.require<SalesOrder>(SALES_KINDS.order, orderId, 'orderId');
}

/** Everything the order use cases need besides the unit of work. */
export interface OrderDeps {
  /** Exchange rates, for orders in another currency than their credit account. */
  readonly rates?: RatePort | undefined;
}

/** The typed error for a line whose stock is short. */
function shortfall(
  order: SalesOrder,
  line: SalesOrder['lines'][number],
  level: StockLevel,
): InsufficientStockError {
  const available = Quantity.of(level.onHand.minus(level.reserved), line.stockQuantity.unit);
  return {
    code: 'INSUFFICIENT_STOCK',
    message: `line ${line.lineNo}: ${line.stockQuantity} of ${line.productId} requested, ${available} available in ${order.warehouseId}`,
    lineNo: line.lineNo,
    productId: line.productId,
    warehouseId: order.warehouseId,
    requested: line.stockQuantity,
    available,
  };
}

/** The order's lines as one batch stock operation (one round trip, however many lines). */
function stockLines(order: SalesOrder) {
  return order.lines.map((l) => ({
    productId: l.productId,
    warehouseId: order.warehouseId,
    qty: l.stockQuantity.value,
  }));
}

/** Reserves stock for every line, all or nothing; on a shortfall returns the typed error for a short line. */
async function reserveStock(
  uow: UnitOfWork,
  order: SalesOrder,
  emit = true,
): Promise<Result<true, InsufficientStockError>> {
  const r = await uow.tx.stock.reserveAll(stockLines(order));
  if (isStockShortfall(r)) {
    const line =
      order.lines.find((l) => l.productId === r.level.productId) ??
      (order.lines[0] as SalesOrder['lines'][number]);
    const asked = order.lines
      .filter((l) => l.productId === line.productId)
      .reduce((q, l) => q.add(l.stockQuantity), Quantity.of(0, line.stockQuantity.unit));
    return err(shortfall(order, { ...line, stockQuantity: asked }, r.level));
  }
  if (emit) {
    for (const line of order.lines)
      emitStock(uow, 'reserved', order, line, SALES_KINDS.order, order.id);
  }
  return ok(true);
}

/** Emits `credit.changed` for a step of an order's exposure. */
function emitCredit(
  uow: UnitOfWork,
  order: SalesOrder,
  amount: Money,
  from: CreditBucket | null,
  to: CreditBucket | null,
  sourceKind: string,
  sourceId: string,
) {
  if (order.creditAccountId === null || amount.isZero()) return;
  uow.emit('credit.changed', {
    accountId: order.creditAccountId,
    from,
    to,
    amount,
    sourceKind,
    sourceId,
  });
}

/**
 * Confirms a draft: checks credit and reserves the order's exposure on the bill-to party's
 * account and its groups, and reserves stock — all in one transaction through the store's
 * atomic operations, so concurrent confirmations never overrun a limit or oversell; if anything
 * fails, nothing is reserved. A blocked order is rejected or, if the policy says so, put on
 * credit hold (nothing reserved) for an approver.
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
 * exposure (closing and reopening can never slip an order past a limit) and its stock is
 * reserved again; a blocked order is rejected or held, as on confirmation.
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
 * Closes a confirmed order that will not be delivered: its reserved stock and its credit
 * exposure are given back; `reopenSalesOrder` checks both again.
 */
export async function closeSalesOrder(uow: UnitOfWork, input: z.output<typeof orderRefInput>) {
  const o = await loadOrder(uow, input.orderId);
  if (!o.ok) return o;
  const order = o.value;
  const t = transitionOrder(order, 'close', { creditBucket: null, creditOutstanding: null });
  if (!t.ok) return t;
  await giveBackReservations(uow, order);
  const saved = await uow.save(SALES_KINDS.order, t.value.doc);
  if (!saved.ok) return saved;
  uow.emit('document.transitioned', t.value.event);
  return ok(t.value.doc);
}

/** Releases a confirmed order's stock and its credit exposure in the `orders` bucket. */
async function giveBackReservations(uow: UnitOfWork, order: SalesOrder) {
  // Credit before stock, the order confirmation takes them in, so concurrent confirmations and
  // cancellations lock rows in one order.
  const released = await moveCredit(uow, order, 'orders', null);
  if (!released.ok)
    throw new TradecoreBug('CREDIT_STATE', `${order.id}: ${released.error.message}`);
  emitCredit(
    uow,
    order,
    order.creditOutstanding as Money,
    'orders',
    null,
    SALES_KINDS.order,
    order.id,
  );
  const r = await uow.tx.stock.releaseAll(stockLines(order));
  if (isStockShortfall(r)) {
    throw new TradecoreBug(
      'RESERVATION_MISSING',
      `${order.id}: reserved stock of ${r.level.productId} is missing`,
    );
  }
  for (const line of order.lines)
    emitStock(uow, 'released', order, line, SALES_KINDS.order, order.id);
}

/** Confirm or reopen: check credit and reserve it with the stock, or hold, or reject. */
async function checkAndReserve(
  uow: UnitOfWork,
  order: SalesOrder,
  event: 'confirm' | 'reopen',
  deps: OrderDeps,
) {
  const t = transitionOrder(order, event);
  if (!t.ok) return t;
  const floors = await checkFloorPrices(uow, order);
  if (!floors.ok) return floors;
  const policy = await loadCreditPolicy(uow);
  const attempt = (amount: Money) =>
    applyCreditStep(
      uow,
      { accountId: order.billToId, amount, from: null, to: 'orders', checkpoint: 'confirm' },
      policy,
    );
  // Most orders are in their credit account's currency: try that first; otherwise convert once,
  // here, through the rate port, and store the converted amount on the order.
  let amount = order.gross;
  let step = await attempt(amount);
  if (!step.ok && step.error.code === 'CURRENCY_MISMATCH') {
    const converted = toAccountCurrency(order.gross, step.error.expected, uow.now, deps.rates);
    if (!converted.ok) return err({ ...converted.error, field: 'orderId' });
    amount = converted.value;
    step = await attempt(amount);
  }
  const credit = { creditAccountId: order.billToId, creditAmount: amount };
  if (!step.ok) {
    if (!('decision' in step.error) || policy.onBlockedConfirm === 'reject') return step;
    const held = transitionOrder(order, 'hold', {
      ...credit,
      creditDecision: step.error.decision,
      creditHolds: [
        ...order.creditHolds,
        {
          heldAt: uow.now,
          decision: step.error.decision,
          releasedAt: null,
          releasedBy: null,
          reason: null,
        },
      ],
    });
    if (!held.ok) return held;
    const saved = await uow.save(SALES_KINDS.order, held.value.doc);
    if (!saved.ok) return saved;
    const listed = await markHeld(uow, order.id, true);
    if (!listed.ok) return listed;
    uow.emit('document.transitioned', held.value.event);
    return ok(held.value.doc);
  }
  const stock = await reserveStock(uow, order);
  if (!stock.ok) return stock;
  const doc: SalesOrder = {
    ...t.value.doc,
    ...credit,
    creditBucket: 'orders',
    creditOutstanding: amount,
    creditDecision: step.value,
  };
  emitCredit(uow, doc, amount, null, 'orders', SALES_KINDS.order, order.id);
  const saved = await uow.save(SALES_KINDS.order, doc);
  if (!saved.ok) return saved;
  uow.emit('document.transitioned', t.value.event);
  return ok(doc);
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
  return releaseHeld(uow, o.value, input.approverId, input.reason, null, policy);
}

/**
 * Moves a held order to confirmed: reserves its stock, then its exposure — checked at the
 * confirm checkpoint for an automatic release (`checkpoint: 'confirm'`), unchecked for an
 * approver (the approval is the override). If either fails, what this function reserved is
 * given back before it returns, so a caller may go on in the same transaction.
 */
async function releaseHeld(
  uow: UnitOfWork,
  order: SalesOrder,
  by: string,
  reason: string,
  checkpoint: 'confirm' | null,
  policy: CreditPolicy,
) {
  const t = transitionOrder(order, 'release');
  if (!t.ok) return t;
  const stock = await reserveStock(uow, order, false);
  if (!stock.ok) return stock;
  const giveBack = async () => {
    const r = await uow.tx.stock.releaseAll(stockLines(order));
    if (isStockShortfall(r))
      throw new TradecoreBug('RESERVATION_MISSING', `release for ${order.id} failed`);
  };
  const accountId = order.creditAccountId ?? order.billToId;
  const amount = order.creditAmount ?? order.gross;
  const step = await applyCreditStep(
    uow,
    { accountId, amount, from: null, to: 'orders', checkpoint },
    policy,
  );
  if (!step.ok) {
    await giveBack();
    return step;
  }
  for (const line of order.lines)
    emitStock(uow, 'reserved', order, line, SALES_KINDS.order, order.id);
  const holds = order.creditHolds.map((h, i) =>
    i === order.creditHolds.length - 1 ? { ...h, releasedAt: uow.now, releasedBy: by, reason } : h,
  );
  const doc: SalesOrder = {
    ...t.value.doc,
    creditAccountId: accountId,
    creditAmount: amount,
    creditBucket: 'orders',
    creditOutstanding: amount,
    creditDecision: step.value ?? order.creditDecision,
    creditHolds: holds,
  };
  emitCredit(uow, doc, amount, null, 'orders', SALES_KINDS.order, order.id);
  const saved = await uow.save(SALES_KINDS.order, doc);
  if (!saved.ok) return saved;
  const listed = await markHeld(uow, order.id, false);
  if (!listed.ok) return listed;
  uow.emit('document.transitioned', t.value.event);
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
  const path = await accountPath(uow, accountId);
  if (!path) return [];
  const rootOf = (p: readonly { accountId: string }[]) =>
    (p[p.length - 1] as { accountId: string }).accountId;
  const root = rootOf(path);
  const ids = (await heldOrderIds(uow)).slice(0, limit);
  if (ids.length === 0) return [];
  const held: SalesOrder[] = [];
  for (const id of ids) {
    const o = await uow.load<SalesOrder>(SALES_KINDS.order, id);
    if (o?.status === 'credit_hold') held.push(o);
  }
  const policy = await loadCreditPolicy(uow);
  const released: SalesOrder[] = [];
  for (const order of held) {
    const orderPath = await accountPath(uow, order.creditAccountId ?? order.billToId);
    if (!orderPath || rootOf(orderPath) !== root) continue;
    const r = await releaseHeld(
      uow,
      order,
      'system',
      'credit freed by a receipt',
      'confirm',
      policy,
    );
    if (r.ok) released.push(r.value);
    else if (r.error.code === 'VERSION_CONFLICT') {
      throw new TradecoreBug(
        'AUTO_RELEASE_RACE',
        `held order ${order.id} changed under an automatic release`,
      );
    }
  }
  return released;
}

/** Cancels a draft, held or confirmed order, releasing any credit and stock it reserved. */
export async function cancelSalesOrder(uow: UnitOfWork, input: z.output<typeof orderRefInput>) {
  const o = await loadOrder(uow, input.orderId);
  if (!o.ok) return o;
  const order = o.value;
  const t = transitionOrder(order, 'cancel', { creditBucket: null, creditOutstanding: null });
  if (!t.ok) return t;
  if (order.status === 'confirmed') await giveBackReservations(uow, order);
  if (order.status === 'credit_hold') {
    const listed = await markHeld(uow, order.id, false);
    if (!listed.ok) return listed;
  }
  const saved = await uow.save(SALES_KINDS.order, t.value.doc);
  if (!saved.ok) return saved;
  uow.emit('document.transitioned', t.value.event);
  return ok(t.value.doc);
}

/**
 * Moves an order's outstanding exposure from one bucket to the next, checked at `checkpoint`
 * per the policy (deliveries and invoices), or unchecked.
 */
async function moveCredit(
  uow: UnitOfWork,
  order: SalesOrder,
  from: CreditBucket,
  to: CreditBucket | null,
  checkpoint: 'delivery' | 'invoice' | null = null,
) {
  if (
    order.creditAccountId === null ||
    order.creditOutstanding === null ||
    order.creditBucket !== from
  ) {
    throw new TradecoreBug('CREDIT_STATE', `order ${order.id} has no exposure in ${from}`);
  }
  const policy = await loadCreditPolicy(uow);
  return applyCreditStep(
    uow,
    { accountId: order.creditAccountId, amount: order.creditOutstanding, from, to, checkpoint },
    policy,
  );
}

/**
 * Delivers a confirmed order in full to its ship-to party: issues the reserved stock, costs it
 * at the product's standard cost and posts Dr COGS / Cr inventory.
 */
export async function deliverSalesOrder(uow: UnitOfWork, input: z.output<typeof orderRefInput>) {
  const o = await loadOrder(uow, input.orderId);
  if (!o.ok) return o;
  const order = o.value;
  const id = uow.newId(SALES_KINDS.delivery) as DeliveryId;
  const t = transitionOrder(order, 'deliver', {
    deliveryIds: [...order.deliveryIds, id],
    creditBucket: 'uninvoiced',
  });
  if (!t.ok) return t;
  const posted = transition(deliveryMachine, 'draft', 'post');
  if (!posted.ok) return posted;
  const moved = await moveCredit(uow, order, 'orders', 'uninvoiced', 'delivery');
  if (!moved.ok) return moved;
  emitCredit(
    uow,
    order,
    order.creditOutstanding as Money,
    'orders',
    'uninvoiced',
    SALES_KINDS.delivery,
    id,
  );
  const issued = await uow.tx.stock.issueReservedAll(stockLines(order));
  if (isStockShortfall(issued)) {
    throw new TradecoreBug(
      'RESERVATION_MISSING',
      `deliver ${order.id}: reserved stock of ${issued.level.productId} is missing`,
    );
  }
  const lines = [];
  for (const line of order.lines) {
    const p = await uow.require<Product>(
      MASTERDATA_KINDS.product,
      line.productId,
      `lines.${line.lineNo - 1}.productId`,
    );
    if (!p.ok) return p;
    const unitCost = p.value.standardCost;
    lines.push({
      lineNo: line.lineNo,
      productId: line.productId,
      quantity: line.stockQuantity,
      unitCost,
      cost: unitCost.multiply(line.stockQuantity.value).round('half-up'),
    });
    emitStock(uow, 'issued', order, line, SALES_KINDS.delivery, id);
  }
  const costCurrency = lines[0]?.cost.currency.code ?? order.currency;
  const totalCost = Money.sum(
    lines.map((l) => l.cost),
    costCurrency,
  );
  const delivery: Delivery = {
    id,
    tenantId: uow.tenantId,
    number: await uow.nextNumber('DN'),
    status: posted.value.to,
    orderId: order.id,
    customerId: order.customerId,
    shipToId: order.shipToId,
    warehouseId: order.warehouseId,
    lines,
    totalCost,
    postedAt: uow.now,
  };
  const created = await uow.create(SALES_KINDS.delivery, delivery);
  if (!created.ok) return created;
  if (!totalCost.isZero()) {
    await uow.postVoucher(
      SALES_KINDS.delivery,
      id,
      `delivery ${delivery.number} for ${order.number}`,
      [
        { account: uow.accounts.cogs, debit: totalCost },
        { account: uow.accounts.inventory, credit: totalCost },
      ],
    );
  }
  const saved = await uow.save(SALES_KINDS.order, t.value.doc);
  if (!saved.ok) return saved;
  uow.transitioned(SALES_KINDS.delivery, delivery, {
    from: 'draft',
    event: 'post',
    to: delivery.status,
  });
  uow.emit('document.transitioned', t.value.event);
  return ok(delivery);
}

/**
 * Invoices a delivered order to its bill-to party: Dr receivable (bill-to) / Cr revenue /
 * Cr output VAT. The order's credit exposure moves from "delivered, not invoiced" to
 * receivables, split into dated open items — one per installment (分期), or one due after the
 * policy's payment terms — that age independently until receipts are written off.
 */
export async function invoiceSalesOrder(
  uow: UnitOfWork,
  input: z.output<typeof invoiceOrderInput>,
) {
  const o = await loadOrder(uow, input.orderId);
  if (!o.ok) return o;
  const order = o.value;
  const id = uow.newId(SALES_KINDS.invoice) as InvoiceId;
  const t = transitionOrder(order, 'invoice', {
    invoiceIds: [...order.invoiceIds, id],
    creditBucket: 'receivables',
  });
  if (!t.ok) return t;
  const issued = transition(invoiceMachine, 'draft', 'issue');
  if (!issued.ok) return issued;
  const moved = await moveCredit(uow, order, 'uninvoiced', 'receivables', 'invoice');
  if (!moved.ok) return moved;
  emitCredit(
    uow,
    order,
    order.creditOutstanding as Money,
    'uninvoiced',
    'receivables',
    SALES_KINDS.invoice,
    id,
  );
  const policy = await loadCreditPolicy(uow);
  const plan = input.installments ?? [
    { dueDate: input.dueDate ?? dateOf(uow.now, policy.paymentTermsDays), share: new Dec(1) },
  ];
  const parts = allocate(
    order.gross,
    plan.map((p) => p.share),
  );
  const creditParts = allocate(
    order.creditOutstanding as Money,
    plan.map((p) => p.share),
  );
  const schedule = plan.map((p, i) => ({ dueDate: p.dueDate, amount: parts[i] as Money }));
  for (const [i, p] of plan.entries()) {
    const amount = creditParts[i] as Money;
    if (amount.isZero()) continue;
    await uow.tx.credit.addOpenItem({
      itemId: `${id}#${i + 1}`,
      accountId: order.creditAccountId as string,
      sourceKind: SALES_KINDS.invoice,
      sourceId: id,
      dueDate: p.dueDate,
      amount: amount.amount,
    });
  }
  const invoice: Invoice = {
    id,
    tenantId: uow.tenantId,
    number: await uow.nextNumber('INV'),
    status: issued.value.to,
    orderId: order.id,
    deliveryIds: order.deliveryIds,
    customerId: order.customerId,
    billToId: order.billToId,
    currency: order.currency,
    lines: order.lines.map((l) => ({
      lineNo: l.lineNo,
      productId: l.productId,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      net: l.net,
      tax: l.tax,
      gross: l.gross,
    })),
    net: order.net,
    tax: order.tax,
    gross: order.gross,
    settled: Money.zero(order.currency),
    residual: order.gross,
    issuedAt: uow.now,
    schedule,
  };
  const created = await uow.create(SALES_KINDS.invoice, invoice);
  if (!created.ok) return created;
  for (const deliveryId of order.deliveryIds) {
    const d = await uow.require<Delivery>(SALES_KINDS.delivery, deliveryId, 'orderId');
    if (!d.ok) return d;
    const dt = transition(deliveryMachine, d.value.status, 'invoice');
    if (!dt.ok) return dt;
    const ds = await uow.save(SALES_KINDS.delivery, { ...d.value, status: dt.value.to });
    if (!ds.ok) return ds;
    uow.transitioned(SALES_KINDS.delivery, d.value, dt.value);
  }
  await uow.postVoucher(SALES_KINDS.invoice, id, `invoice ${invoice.number} for ${order.number}`, [
    { account: uow.accounts.receivable, debit: invoice.gross, partyId: invoice.billToId },
    { account: uow.accounts.revenue, credit: invoice.net },
    { account: uow.accounts.vatOutput, credit: invoice.tax },
  ]);
  const saved = await uow.save(SALES_KINDS.order, t.value.doc);
  if (!saved.ok) return saved;
  uow.transitioned(SALES_KINDS.invoice, invoice, {
    from: 'draft',
    event: 'issue',
    to: invoice.status,
  });
  uow.emit('document.transitioned', t.value.event);
  return ok(invoice);
}
