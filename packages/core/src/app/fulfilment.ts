/**
 * Deliveries (partial, per ship-to party, from several warehouses, at the cost port's cost) and
 * returns (goods back into stock, ready to be credited).
 *
 * @module
 */
import type { z } from 'zod';
import type { DeliveryId, ShipToId, WarehouseId } from '../kernel/brand';
import type { NotFoundError } from '../kernel/errors';
import { err, ok } from '../kernel/result';
import { MASTERDATA_KINDS, type Product, type Warehouse } from '../masterdata/types';
import { Dec } from '../money/decimal';
import { Money } from '../money/money';
import { Quantity } from '../money/quantity';

import {
  type Delivery,
  type DeliveryLine,
  type ReturnLine,
  SALES_KINDS,
  type SalesOrder,
  type SalesOrderLine,
  type SalesReturn,
} from '../sales/documents';
import type {
  OverDeliveryError,
  ReturnExceedsDeliveredError,
  ShipToMismatchError,
} from '../sales/errors';
import {
  billsPerLine,
  lineBilledForKept,
  lineLedger,
  orderBuckets,
  orderLineValue,
  shareOf,
  toStockUnits,
} from '../sales/ledger';
import { cutPlanForReturn, SETTLEMENT_KIND } from '../sales/settlement';
import {
  loadSalesPolicy,
  notAllowedIn,
  type StockIssue,
  syncExposure,
  syncExposureUnchecked,
  syncStock,
} from './order-flow';
import { loadOrder } from './orders';
import { pricingDate } from './pricing-context';
import type { PricingRuntime } from './pricing-runtime';
import type { deliverInput, returnGoodsInput } from './schemas';
import { onOrderFlow, planOf } from './settlement';
import type { UnitOfWork } from './unit-of-work';

const ZERO = new Dec(0);

/** Unit costs per product from the cost port, for a set of products (one call). */
async function costsOf(
  uow: UnitOfWork,
  pricing: PricingRuntime,
  productIds: readonly string[],
  field: string,
) {
  const found = await uow.requireMany<Product>(MASTERDATA_KINDS.product, productIds, field);
  if (!found.ok) return found;
  const products = [...found.value.values()];
  const costs = await pricing.costs.costs(uow.tx, products, pricingDate(uow.now));
  const out = new Map<string, Money>();
  for (const p of products) out.set(p.id, costs.get(p.id) ?? p.standardCost);
  return ok(out);
}

/**
 * Delivers (part of) a confirmed order to one ship-to party: by default everything still to
 * deliver on the lines of that party; or the given lines and quantities, each from its line's
 * warehouse or another. More than is left to deliver is refused unless the sales policy
 * tolerates over-delivery. Stock leaves at the cost the cost port gives (Dr COGS / Cr
 * inventory); the delivered value moves from the `orders` to the `uninvoiced` credit bucket
 * (checked at the delivery checkpoint).
 */
export async function deliverSalesOrder(
  uow: UnitOfWork,
  input: z.output<typeof deliverInput>,
  pricing: PricingRuntime,
) {
  const o = await loadOrder(uow, input.orderId);
  if (!o.ok) return o;
  const order = o.value;
  if (order.state !== 'confirmed') return err(notAllowedIn(uow, order, 'deliver'));
  const policy = await loadSalesPolicy(uow);
  type Pick = { line: SalesOrderLine; qty: Dec; warehouseId: string; field: string };
  const picks: Pick[] = [];
  if (input.lines === undefined) {
    const shipTo =
      input.shipToId ??
      order.lines.find((l) => lineLedger(l, order.state).toDeliver.greaterThan(0))?.shipToId;
    for (const line of order.lines) {
      const left = lineLedger(line, order.state).toDeliver;
      if (left.greaterThan(0) && line.shipToId === shipTo)
        picks.push({ line, qty: left, warehouseId: line.warehouseId, field: 'orderId' });
    }
  } else {
    for (const [i, l] of input.lines.entries()) {
      const line = order.lines.find((x) => x.lineNo === l.lineNo);
      if (!line) {
        return err<NotFoundError>({
          code: 'NOT_FOUND',
          message: `lines.${i}.lineNo: order ${order.number} has no line ${l.lineNo}`,
          entity: 'order-line',
          id: String(l.lineNo),
          field: `lines.${i}.lineNo`,
        });
      }
      if (l.warehouseId !== undefined && l.warehouseId !== line.warehouseId) {
        const w = await uow.require<Warehouse>(
          MASTERDATA_KINDS.warehouse,
          l.warehouseId,
          `lines.${i}.warehouseId`,
        );
        if (!w.ok) return w;
      }
      picks.push({
        line,
        qty: l.quantity,
        warehouseId: l.warehouseId ?? line.warehouseId,
        field: `lines.${i}.quantity`,
      });
    }
  }
  if (picks.length === 0) return err(notAllowedIn(uow, order, 'deliver (nothing left to deliver)'));
  const shipToId = (input.shipToId ?? picks[0]?.line.shipToId) as ShipToId;
  // Quantities per order line (a line may appear twice, from two warehouses).
  const asked = new Map<number, Dec>();
  for (const p of picks) {
    if (p.line.shipToId !== shipToId) {
      return err<ShipToMismatchError>({
        code: 'SHIP_TO_MISMATCH',
        message: `${p.field}: line ${p.line.lineNo} ships to ${p.line.shipToId}, this delivery to ${shipToId}`,
        field: p.field,
        expected: shipToId,
        actual: p.line.shipToId,
      });
    }
    const total = (asked.get(p.line.lineNo) ?? ZERO).plus(p.qty);
    asked.set(p.line.lineNo, total);
    const left = lineLedger(p.line, order.state).toDeliver;
    const allowed = left.plus(
      p.line.quantity.value.times(policy.overDeliveryTolerance).toDecimalPlaces(6, Dec.ROUND_DOWN),
    );
    if (total.greaterThan(allowed)) {
      const unit = p.line.quantity.unit;
      return err<OverDeliveryError>({
        code: 'OVER_DELIVERY',
        message: `${p.field}: ${total} ${unit} of line ${p.line.lineNo} exceeds the ${left} ${unit} left to deliver${allowed.greaterThan(left) ? ` (${allowed} with the tolerance)` : ''}`,
        field: p.field,
        lineNo: p.line.lineNo,
        requested: Quantity.of(total, unit),
        remaining: Quantity.of(left, unit),
        allowed: Quantity.of(allowed, unit),
      });
    }
  }
  const costs = await costsOf(
    uow,
    pricing,
    picks.map((p) => p.line.productId),
    'orderId',
  );
  if (!costs.ok) return costs;
  const id = uow.newId(SALES_KINDS.delivery) as DeliveryId;
  const after: SalesOrder = {
    ...order,
    lines: order.lines.map((l) => {
      const q = asked.get(l.lineNo);
      return q === undefined ? l : { ...l, delivered: l.delivered.plus(q) };
    }),
    deliveryIds: [...order.deliveryIds, id],
  };
  const source = { kind: SALES_KINDS.delivery, id };
  // A concurrent command on the same order makes this save conflict, so the exposure and stock
  // moved below are rolled back with it (and a check failed on stale state is retried).
  await uow.save(SALES_KINDS.order, after);
  if (order.credit !== null) {
    const moved = await syncExposure(
      uow,
      order.credit,
      orderBuckets(order),
      orderBuckets(after),
      'delivery',
      source,
    );
    if (!moved.ok) return moved;
  }
  const issues: StockIssue[] = picks.map((p) => ({
    line: p.line,
    warehouseId: p.warehouseId,
    qty: toStockUnits(p.line, p.qty),
  }));
  const stock = await syncStock(uow, order, after, issues);
  if (!stock.ok) return stock;
  const lines: DeliveryLine[] = picks.map((p, k) => {
    const unitCost = costs.value.get(p.line.productId) as Money;
    const stockQty = toStockUnits(p.line, p.qty);
    return {
      lineNo: k + 1,
      orderLineNo: p.line.lineNo,
      productId: p.line.productId,
      warehouseId: p.warehouseId as WarehouseId,
      quantity: Quantity.of(p.qty, p.line.quantity.unit),
      stockQuantity: Quantity.of(stockQty, p.line.stockQuantity.unit),
      unitCost,
      cost: unitCost.multiply(stockQty).round('half-up'),
      returned: ZERO,
    };
  });
  const costCurrency = lines[0]?.cost.currency.code ?? order.currency;
  const totalCost = Money.sum(
    lines.map((l) => l.cost),
    costCurrency,
  );
  // Its number and its voucher's in one round trip (a delivery that cost nothing posts none).
  await uow.reserveNumbers(totalCost.isZero() ? ['DN'] : ['DN', 'V']);
  const delivery: Delivery = {
    id,
    tenantId: uow.tenantId,
    number: await uow.nextNumber('DN'),
    orderId: order.id,
    customerId: order.customerId,
    shipToId,
    lines,
    totalCost,
    postedAt: uow.now,
  };
  await uow.create(SALES_KINDS.delivery, delivery);
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
  uow.transitioned(SALES_KINDS.delivery, delivery, { from: null, event: 'post', to: 'posted' });
  // Full delivery: a settlement plan's `delivery` installment falls due.
  await onOrderFlow(uow, after);
  return ok(delivery);
}

/**
 * Per returned line of a plan order: the returned goods' gross value (cumulative over the line's
 * returns, so returning it all takes exactly its gross) and the part of it installments already
 * billed — what the line billed for kept goods beyond what it keeps after the return, at most
 * the value. Orders billed before lines kept `planBilled` have no per-line figure: 0 (the cut
 * then finds what was billed).
 */
function returnedPlanValues(
  order: SalesOrder,
  perOrderLine: ReadonlyMap<number, Dec>,
): { lineNo: number; value: Money; credit: Money }[] {
  const known = billsPerLine(order);
  const zero = Money.zero(order.currency);
  const out: { lineNo: number; value: Money; credit: Money }[] = [];
  for (const l of order.lines) {
    const q = perOrderLine.get(l.lineNo);
    if (q === undefined) continue;
    const value = shareOf(l.gross, l.quantity.value, l.returned, q);
    let credit = zero;
    if (known) {
      const keptAfter = l.gross.subtract(orderLineValue(l, l.returned.plus(q)));
      const over = lineBilledForKept(l).subtract(Money.max(keptAfter, zero));
      credit = Money.min(Money.max(over, zero), value);
    }
    out.push({ lineNo: l.lineNo, value, credit });
  }
  return out;
}

/**
 * Takes goods of a delivery back (a return delivery): with a reason and who is responsible,
 * into the delivery line's warehouse or another, at the cost they left at (Dr inventory / Cr
 * COGS). The order lines' `returned` grows; a credit note bills the return off.
 *
 * On an order billed by a settlement plan, per returned line, what installments had billed on
 * it beyond the goods it keeps is recorded as `planCredit` (on the line, the order and the
 * return), to credit by amount on those invoices' lines of it (`issueCreditNote` with the
 * return's id); the rest of the goods' value is taken off the installments not billed yet (open
 * ones, then due ones; see `cutPlanForReturn`) and added to the order's `planReduction`.
 */
export async function returnGoods(uow: UnitOfWork, input: z.output<typeof returnGoodsInput>) {
  const d = await uow.require<Delivery>(SALES_KINDS.delivery, input.deliveryId, 'deliveryId');
  if (!d.ok) return d;
  const delivery = d.value;
  const o = await loadOrder(uow, delivery.orderId, 'deliveryId');
  if (!o.ok) return o;
  const order = o.value;
  if (input.warehouseId !== undefined) {
    const w = await uow.require<Warehouse>(
      MASTERDATA_KINDS.warehouse,
      input.warehouseId,
      'warehouseId',
    );
    if (!w.ok) return w;
  }
  const back = new Map<number, Dec>();
  const lines: ReturnLine[] = [];
  for (const [i, l] of input.lines.entries()) {
    const dl = delivery.lines.find((x) => x.lineNo === l.deliveryLineNo);
    if (!dl) {
      return err<NotFoundError>({
        code: 'NOT_FOUND',
        message: `lines.${i}.deliveryLineNo: delivery ${delivery.number} has no line ${l.deliveryLineNo}`,
        entity: 'delivery-line',
        id: String(l.deliveryLineNo),
        field: `lines.${i}.deliveryLineNo`,
      });
    }
    const total = (back.get(dl.lineNo) ?? ZERO).plus(l.quantity);
    const returnable = dl.quantity.value.minus(dl.returned);
    if (total.greaterThan(returnable)) {
      return err<ReturnExceedsDeliveredError>({
        code: 'RETURN_EXCEEDS_DELIVERED',
        message: `lines.${i}.quantity: ${total} ${dl.quantity.unit} exceeds the ${returnable} ${dl.quantity.unit} delivered and not yet returned on line ${dl.lineNo}`,
        field: `lines.${i}.quantity`,
        deliveryLineNo: dl.lineNo,
        requested: Quantity.of(total, dl.quantity.unit),
        returnable: Quantity.of(returnable, dl.quantity.unit),
      });
    }
    back.set(dl.lineNo, total);
    const stockQty = dl.quantity.value.isZero()
      ? ZERO
      : l.quantity.times(dl.stockQuantity.value).dividedBy(dl.quantity.value);
    lines.push({
      deliveryLineNo: dl.lineNo,
      orderLineNo: dl.orderLineNo,
      productId: dl.productId,
      quantity: Quantity.of(l.quantity, dl.quantity.unit),
      stockQuantity: Quantity.of(stockQty, dl.stockQuantity.unit),
      unitCost: dl.unitCost,
      cost: dl.unitCost.multiply(stockQty).round('half-up'),
    });
  }
  const id = uow.newId(SALES_KINDS.salesReturn);
  const perOrderLine = new Map<number, Dec>();
  for (const l of lines)
    perOrderLine.set(
      l.orderLineNo,
      (perOrderLine.get(l.orderLineNo) ?? ZERO).plus(l.quantity.value),
    );
  let after: SalesOrder = {
    ...order,
    lines: order.lines.map((l) => {
      const q = perOrderLine.get(l.lineNo);
      return q === undefined ? l : { ...l, returned: l.returned.plus(q) };
    }),
  };
  // An order billed by a settlement plan: per returned line, what installments had billed
  // beyond the goods the line keeps is left to credit by amount; the rest of the goods' value
  // comes off the installments not billed yet.
  let planCredits: Map<number, Money> | undefined;
  const plan = await planOf(uow, order);
  if (plan !== undefined) {
    const zero = Money.zero(order.currency);
    const perLine = returnedPlanValues(order, perOrderLine);
    const cut = cutPlanForReturn(
      plan,
      Money.sum(
        perLine.map((x) => x.value.subtract(x.credit)),
        order.currency,
      ),
      uow.now,
    );
    if (cut.plan !== plan) {
      await uow.save(SETTLEMENT_KIND, cut.plan);
    }
    // What the open and due installments could not take was billed too (rounding, or an order
    // billed before lines kept what was billed on them): credit it on the returned lines.
    let overflow = cut.toCredit;
    const credits = new Map<number, Money>();
    for (const x of perLine) {
      const add = Money.min(overflow, x.value.subtract(x.credit));
      overflow = overflow.subtract(add);
      credits.set(x.lineNo, x.credit.add(add));
    }
    planCredits = credits;
    after = {
      ...after,
      lines: after.lines.map((l) => {
        const c = credits.get(l.lineNo);
        return c === undefined || c.isZero()
          ? l
          : { ...l, planCredit: (l.planCredit ?? zero).add(c) };
      }),
      ...(cut.reduced.isZero()
        ? {}
        : { planReduction: (order.planReduction ?? zero).add(cut.reduced) }),
    };
  }
  await uow.save(SALES_KINDS.delivery, {
    ...delivery,
    lines: delivery.lines.map((l) => {
      const q = back.get(l.lineNo);
      return q === undefined ? l : { ...l, returned: l.returned.plus(q) };
    }),
  });
  await uow.save(SALES_KINDS.order, after);
  if (order.credit !== null) {
    await syncExposureUnchecked(uow, order.credit, orderBuckets(order), orderBuckets(after), {
      kind: SALES_KINDS.salesReturn,
      id,
    });
  }
  for (const l of lines) {
    const dl = delivery.lines.find((x) => x.lineNo === l.deliveryLineNo) as DeliveryLine;
    const warehouseId = input.warehouseId ?? dl.warehouseId;
    await uow.tx.stock.adjust(l.productId, warehouseId, l.stockQuantity.value);
    uow.emit('stock.changed', {
      productId: l.productId,
      warehouseId,
      change: 'received',
      quantity: l.stockQuantity,
      sourceKind: SALES_KINDS.salesReturn,
      sourceId: id,
    });
  }
  const totalCost = Money.sum(
    lines.map((l) => l.cost),
    delivery.totalCost.currency.code,
  );
  const ret: SalesReturn = {
    id,
    tenantId: uow.tenantId,
    number: await uow.nextNumber('RT'),
    deliveryId: delivery.id,
    orderId: order.id,
    warehouseId: (input.warehouseId ??
      delivery.lines[0]?.warehouseId ??
      order.warehouseId) as WarehouseId,
    reason: input.reason,
    responsibility: input.responsibility,
    lines,
    totalCost,
    creditNoteIds: [],
    ...(planCredits === undefined
      ? {}
      : {
          planCredit: Money.sum([...planCredits.values()], order.currency),
          planCreditLines: [...planCredits]
            .filter(([, amount]) => amount.isPositive())
            .map(([orderLineNo, amount]) => ({
              orderLineNo,
              amount,
              credited: Money.zero(order.currency),
            })),
        }),
    postedAt: uow.now,
  };
  await uow.create(SALES_KINDS.salesReturn, ret);
  if (!totalCost.isZero()) {
    await uow.postVoucher(
      SALES_KINDS.salesReturn,
      id,
      `return ${ret.number} of ${delivery.number}: ${input.reason}`,
      [
        { account: uow.accounts.inventory, debit: totalCost },
        { account: uow.accounts.cogs, credit: totalCost },
      ],
    );
  }
  uow.transitioned(SALES_KINDS.salesReturn, ret, { from: null, event: 'post', to: 'posted' });
  return ok(ret);
}
