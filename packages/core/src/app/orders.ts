/**
 * Order use cases of the first slice: draft, confirm (credit + stock, atomically or neither),
 * cancel, deliver, invoice.
 *
 * @module
 */
import type { z } from 'zod';
import type {
  CustomerId,
  DeliveryId,
  InvoiceId,
  PriceListId,
  SalesOrderId,
  ShipToId,
  WarehouseId,
} from '../kernel/brand';
import { type CurrencyMismatchError, type NotFoundError, TradecoreBug } from '../kernel/errors';
import { transition } from '../kernel/machine';
import { err, ok } from '../kernel/result';
import { type Customer, MASTERDATA_KINDS, type Product, type Warehouse } from '../masterdata/types';
import { Money } from '../money/money';
import { Quantity } from '../money/quantity';
import type { RoundingMode } from '../money/rounding';
import { isCreditShortfall, isStockShortfall } from '../ports/store';
import { type PriceList, priceListResolver } from '../pricing/price-list';
import { type Delivery, type Invoice, SALES_KINDS, type SalesOrder } from '../sales/documents';
import type {
  CreditAccountMissingError,
  CreditLimitExceededError,
  InsufficientStockError,
} from '../sales/errors';
import { deliveryMachine, invoiceMachine } from '../sales/machines';
import { priceLines, transitionOrder } from '../sales/order';
import type { draftSalesOrderInput, orderRefInput } from './schemas';
import type { UnitOfWork } from './unit-of-work';

/** Settings of the order use cases. */
export interface OrderSettings {
  /** Rounding mode of every amount (default half-up). */
  readonly rounding: RoundingMode;
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
  const products = new Map<string, Product>();
  for (const [i, l] of input.lines.entries()) {
    if (products.has(l.productId)) continue;
    const p = await uow.require<Product>(
      MASTERDATA_KINDS.product,
      l.productId,
      `lines.${i}.productId`,
    );
    if (!p.ok) return p;
    products.set(p.value.id, p.value);
  }
  const priced = priceLines({
    lines: input.lines,
    products,
    resolver: priceListResolver(pl.value),
    currency: pl.value.currency,
    priceIncludesTax: pl.value.priceIncludesTax,
    taxRounding: input.taxRounding,
    rounding: settings.rounding,
  });
  if (!priced.ok) return priced;
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
    currency: pl.value.currency,
    priceIncludesTax: pl.value.priceIncludesTax,
    taxRounding: input.taxRounding,
    ...priced.value,
    creditReserved: Money.zero(pl.value.currency),
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

/**
 * Confirms a draft: reserves its gross amount against the bill-to party's credit limit and its
 * stock in the warehouse — atomically through the store, so concurrent confirmations never
 * overrun the limit or oversell; if anything fails, nothing is reserved.
 */
export async function confirmSalesOrder(uow: UnitOfWork, input: z.output<typeof orderRefInput>) {
  const o = await loadOrder(uow, input.orderId);
  if (!o.ok) return o;
  const order = o.value;
  const t = transitionOrder(order, 'confirm', { creditReserved: order.gross });
  if (!t.ok) return t;

  const account = await uow.tx.credit.account(order.billToId);
  if (!account) {
    return err<CreditAccountMissingError>({
      code: 'CREDIT_ACCOUNT_MISSING',
      message: `customer ${order.billToId} has no credit account; set a credit limit first`,
      customerId: order.billToId,
    });
  }
  if (account.currency !== order.currency) {
    return err<CurrencyMismatchError>({
      code: 'CURRENCY_MISMATCH',
      message: `orderId: order is in ${order.currency} but the credit limit of ${order.billToId} is in ${account.currency}`,
      expected: account.currency,
      actual: order.currency,
      field: 'orderId',
    });
  }
  const reserved = await uow.tx.credit.reserve(order.billToId, order.gross.amount);
  if (isCreditShortfall(reserved)) {
    const a = reserved.account ?? account;
    const limit = Money.of(a.limit, a.currency);
    const exposure = Money.of(a.exposure, a.currency);
    return err<CreditLimitExceededError>({
      code: 'CREDIT_LIMIT_EXCEEDED',
      message: `credit limit of ${order.billToId} exceeded: exposure ${exposure} + order ${order.gross} > limit ${limit}`,
      customerId: order.billToId,
      limit,
      exposure,
      requested: order.gross,
      exceededBy: exposure.add(order.gross).subtract(limit),
    });
  }
  for (const line of order.lines) {
    const r = await uow.tx.stock.reserve(
      line.productId,
      order.warehouseId,
      line.stockQuantity.value,
    );
    if (isStockShortfall(r)) {
      const available = Quantity.of(
        r.level.onHand.minus(r.level.reserved),
        line.stockQuantity.unit,
      );
      return err<InsufficientStockError>({
        code: 'INSUFFICIENT_STOCK',
        message: `line ${line.lineNo}: ${line.stockQuantity} of ${line.productId} requested, ${available} available in ${order.warehouseId}`,
        lineNo: line.lineNo,
        productId: line.productId,
        warehouseId: order.warehouseId,
        requested: line.stockQuantity,
        available,
      });
    }
    emitStock(uow, 'reserved', order, line, SALES_KINDS.order, order.id);
  }
  uow.emit('credit.changed', {
    customerId: order.billToId,
    change: 'reserved',
    amount: order.gross,
    exposure: Money.of(reserved.exposure, reserved.currency),
    limit: Money.of(reserved.limit, reserved.currency),
    sourceKind: SALES_KINDS.order,
    sourceId: order.id,
  });
  const saved = await uow.save(SALES_KINDS.order, t.value.doc);
  if (!saved.ok) return saved;
  uow.emit('document.transitioned', t.value.event);
  return ok(t.value.doc);
}

/** Cancels a draft or confirmed order, releasing any credit and stock it reserved. */
export async function cancelSalesOrder(uow: UnitOfWork, input: z.output<typeof orderRefInput>) {
  const o = await loadOrder(uow, input.orderId);
  if (!o.ok) return o;
  const order = o.value;
  const t = transitionOrder(order, 'cancel', { creditReserved: Money.zero(order.currency) });
  if (!t.ok) return t;
  if (order.status === 'confirmed') {
    for (const line of order.lines) {
      const r = await uow.tx.stock.release(
        line.productId,
        order.warehouseId,
        line.stockQuantity.value,
      );
      if (isStockShortfall(r))
        throw new TradecoreBug(
          'RESERVATION_MISSING',
          `cancel ${order.id}: reserved stock of ${line.productId} is missing`,
        );
      emitStock(uow, 'released', order, line, SALES_KINDS.order, order.id);
    }
    await releaseCredit(uow, order.billToId, order.creditReserved, SALES_KINDS.order, order.id);
  }
  const saved = await uow.save(SALES_KINDS.order, t.value.doc);
  if (!saved.ok) return saved;
  uow.emit('document.transitioned', t.value.event);
  return ok(t.value.doc);
}

/** Releases credit exposure; a missing reservation is a bug (exposure is kept incrementally). */
export async function releaseCredit(
  uow: UnitOfWork,
  customerId: CustomerId,
  amount: Money,
  sourceKind: string,
  sourceId: string,
) {
  if (amount.isZero()) return;
  const r = await uow.tx.credit.release(customerId, amount.amount);
  if (isCreditShortfall(r))
    throw new TradecoreBug(
      'EXPOSURE_MISSING',
      `release of ${amount} for ${customerId} exceeds its exposure`,
    );
  uow.emit('credit.changed', {
    customerId,
    change: 'released',
    amount,
    exposure: Money.of(r.exposure, r.currency),
    limit: Money.of(r.limit, r.currency),
    sourceKind,
    sourceId,
  });
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
  const t = transitionOrder(order, 'deliver', { deliveryIds: [...order.deliveryIds, id] });
  if (!t.ok) return t;
  const posted = transition(deliveryMachine, 'draft', 'post');
  if (!posted.ok) return posted;
  const lines = [];
  for (const line of order.lines) {
    const p = await uow.require<Product>(
      MASTERDATA_KINDS.product,
      line.productId,
      `lines.${line.lineNo - 1}.productId`,
    );
    if (!p.ok) return p;
    const r = await uow.tx.stock.issueReserved(
      line.productId,
      order.warehouseId,
      line.stockQuantity.value,
    );
    if (isStockShortfall(r))
      throw new TradecoreBug(
        'RESERVATION_MISSING',
        `deliver ${order.id}: reserved stock of ${line.productId} is missing`,
      );
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
 * Cr output VAT. The credit exposure stays reserved (it now stands for the receivable) until
 * receipts are written off against the invoice.
 */
export async function invoiceSalesOrder(uow: UnitOfWork, input: z.output<typeof orderRefInput>) {
  const o = await loadOrder(uow, input.orderId);
  if (!o.ok) return o;
  const order = o.value;
  const id = uow.newId(SALES_KINDS.invoice) as InvoiceId;
  const t = transitionOrder(order, 'invoice', { invoiceIds: [...order.invoiceIds, id] });
  if (!t.ok) return t;
  const issued = transition(invoiceMachine, 'draft', 'issue');
  if (!issued.ok) return issued;
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
