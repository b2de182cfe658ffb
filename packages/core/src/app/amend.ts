/**
 * Amendments (改补单): an order's quantities, lines and fields change as a new revision; the
 * old revision is kept. Each amendment is re-priced and — for a confirmed order — credit-checked
 * and stock-reserved for the difference, explicitly: a blocked increase is rejected or holds the
 * order again, per the credit policy.
 *
 * @module
 */
import type { z } from 'zod';
import type { ShipToId, WarehouseId } from '../kernel/brand';
import type { NotFoundError, ValidationError } from '../kernel/errors';
import { err, ok, type Result } from '../kernel/result';
import { type Customer, MASTERDATA_KINDS } from '../masterdata/types';
import { Dec } from '../money/decimal';
import { Quantity } from '../money/quantity';
import { documentAmounts } from '../money/tax';
import type { PriceList } from '../pricing/price-list';
import {
  type PricedLine,
  SALES_KINDS,
  type SalesOrder,
  type SalesOrderLine,
  type SalesOrderRevision,
} from '../sales/documents';
import type { QuantityBelowFulfilledError } from '../sales/errors';
import { lineLedger } from '../sales/ledger';
import { notAllowedIn } from './order-flow';
import { checkAndReserve, loadOrder, type OrderDeps, type OrderSettings } from './orders';
import { priceOrder } from './pricing-order';
import { PricingRuntime } from './pricing-runtime';
import type { amendSalesOrderInput } from './schemas';
import type { UnitOfWork } from './unit-of-work';

const ZERO = new Dec(0);

/**
 * Called in the amendment's transaction with the amended order (e.g. to rescale its settlement
 * plan); an error fails the amendment and nothing is stored.
 */
export type AmendmentListener = (
  uow: UnitOfWork,
  order: SalesOrder,
) => Promise<Result<unknown, { readonly code: string; readonly message: string }>>;

/**
 * Amends a draft, held or confirmed order. A line can't go below what was delivered or invoiced
 * (net of credit notes); a line with anything delivered or invoiced can't be removed; a line can
 * be re-priced only before it is invoiced. New and re-priced lines are priced from today's book,
 * kept lines keep their locked price; amounts are recomputed over the whole order.
 */
export async function amendSalesOrder(
  uow: UnitOfWork,
  input: z.output<typeof amendSalesOrderInput>,
  settings: OrderSettings,
  deps: OrderDeps,
  listeners: readonly AmendmentListener[] = [],
) {
  const o = await loadOrder(uow, input.orderId);
  if (!o.ok) return o;
  const order = o.value;
  if (!['draft', 'credit_hold', 'confirmed'].includes(order.state))
    return err(notAllowedIn(uow, order, 'amend'));
  // A line of a plan order keeps at least what installments billed on it for kept goods (at
  // its price), above what came back: else its VAT would be billed on goods it no longer has.
  const planMinimum = (l: SalesOrderLine) => {
    const billed = (l.planBilled?.amount ?? ZERO).minus(l.planCredit?.amount ?? ZERO);
    if (!billed.greaterThan(0) || !l.gross.isPositive()) return ZERO;
    return l.returned.plus(billed.times(l.quantity.value).dividedBy(l.gross.amount));
  };
  const minimum = (l: SalesOrderLine) => {
    const g = lineLedger(l, order.state);
    return Dec.max(g.delivered, g.netInvoiced, planMinimum(l));
  };
  const below = (l: SalesOrderLine, qty: Dec, field: string) =>
    err<QuantityBelowFulfilledError>({
      code: 'QUANTITY_BELOW_FULFILLED',
      message: `${field}: line ${l.lineNo} can't go below ${minimum(l)} ${l.quantity.unit} (delivered, invoiced, or billed by installments)`,
      field,
      lineNo: l.lineNo,
      requested: Quantity.of(qty, l.quantity.unit),
      minimum: Quantity.of(minimum(l), l.quantity.unit),
    });
  const missing = (lineNo: number, field: string) =>
    err<NotFoundError>({
      code: 'NOT_FOUND',
      message: `${field}: order ${order.number} has no line ${lineNo}`,
      entity: 'order-line',
      id: String(lineNo),
      field,
    });
  const changes = new Map<number, { qty: Dec; reprice: boolean }>();
  for (const [i, c] of input.changes.entries()) {
    const l = order.lines.find((x) => x.lineNo === c.lineNo);
    if (!l) return missing(c.lineNo, `changes.${i}.lineNo`);
    if (c.quantity.lessThan(minimum(l))) return below(l, c.quantity, `changes.${i}.quantity`);
    if (c.reprice && (l.invoiced.greaterThan(0) || l.planBilled?.isPositive() === true)) {
      return err<ValidationError>({
        code: 'VALIDATION_FAILED',
        message: `changes.${i}.reprice: line ${l.lineNo} was invoiced; its price is final`,
        issues: [
          {
            path: `changes.${i}.reprice`,
            rule: 'invoiced_price',
            message: 'line was invoiced; its price is final',
          },
        ],
      });
    }
    changes.set(c.lineNo, { qty: c.quantity, reprice: c.reprice });
  }
  for (const [i, lineNo] of input.remove.entries()) {
    const l = order.lines.find((x) => x.lineNo === lineNo);
    if (!l) return missing(lineNo, `remove.${i}`);
    if (minimum(l).greaterThan(0)) return below(l, ZERO, `remove.${i}`);
  }
  // Price new lines and re-priced lines from today's book.
  const toPrice: {
    productId: string;
    quantity: Dec;
    unit?: string;
    unitPrice?: import('../money/money').Money;
  }[] = [];
  const repriced: number[] = [];
  for (const l of order.lines) {
    const c = changes.get(l.lineNo);
    if (c?.reprice) {
      repriced.push(l.lineNo);
      toPrice.push({ productId: l.productId, quantity: c.qty, unit: l.quantity.unit });
    }
  }
  for (const a of input.add) toPrice.push(a);
  let priced: PricedLine[] = [];
  if (toPrice.length > 0) {
    const c = await uow.require<Customer>(MASTERDATA_KINDS.customer, order.customerId, 'orderId');
    if (!c.ok) return c;
    const pl = await uow.require<PriceList>('price-list', order.priceListId, 'orderId');
    if (!pl.ok) return pl;
    const p = await priceOrder(uow, settings.pricing ?? new PricingRuntime(), {
      customer: c.value,
      priceList: pl.value,
      currency: order.currency,
      taxRounding: order.taxRounding,
      rounding: settings.rounding,
      lines: toPrice,
    });
    if (!p.ok) {
      // Name the amendment's field: priced lines are re-priced changes first, then additions.
      const e = p.error as { field?: string };
      if (typeof e.field === 'string') {
        const m = /^lines\.(\d+)(.*)$/.exec(e.field);
        if (m) {
          const k = Number(m[1]);
          const field =
            k < repriced.length ? `changes.${k}${m[2]}` : `add.${k - repriced.length}${m[2]}`;
          return err({ ...p.error, field } as typeof p.error);
        }
      }
      return p;
    }
    priced = p.value.lines;
  }
  const customer = await uow.load<Customer>(MASTERDATA_KINDS.customer, order.customerId);
  let maxNo = order.lines.reduce((m, l) => Math.max(m, l.lineNo), 0);
  const lines: Omit<SalesOrderLine, 'net' | 'tax' | 'gross'>[] = [];
  let k = 0;
  for (const l of order.lines) {
    if (input.remove.includes(l.lineNo)) continue;
    const c = changes.get(l.lineNo);
    if (!c) {
      lines.push(l);
      continue;
    }
    const factor = l.quantity.value.isZero()
      ? new Dec(1)
      : l.stockQuantity.value.dividedBy(l.quantity.value);
    const base = {
      ...l,
      quantity: Quantity.of(c.qty, l.quantity.unit),
      stockQuantity: Quantity.of(c.qty.times(factor), l.stockQuantity.unit),
    };
    if (c.reprice) {
      const p = priced[k++] as PricedLine;
      lines.push({ ...base, unitPrice: p.unitPrice, priceSource: p.priceSource });
    } else lines.push(base);
  }
  for (const [j, p] of priced.slice(k).entries()) {
    const a = input.add[j];
    const shipToId = (a?.shipToId ?? order.shipToId) as ShipToId;
    if (a?.shipToId !== undefined && !customer?.shipTo.some((s) => s.id === a.shipToId)) {
      return err<NotFoundError>({
        code: 'NOT_FOUND',
        message: `add.${j}.shipToId: customer ${order.customerId} has no ship-to party ${a.shipToId}`,
        entity: 'ship-to',
        id: a.shipToId,
        field: `add.${j}.shipToId`,
      });
    }
    lines.push({
      ...p,
      lineNo: ++maxNo,
      warehouseId: (a?.warehouseId ?? order.warehouseId) as WarehouseId,
      shipToId,
      delivered: ZERO,
      returned: ZERO,
      invoiced: ZERO,
      credited: ZERO,
    });
  }
  if (lines.length === 0) {
    return err<ValidationError>({
      code: 'VALIDATION_FAILED',
      message: 'remove: an order needs at least one line',
      issues: [{ path: 'remove', rule: 'min_lines', message: 'an order needs at least one line' }],
    });
  }
  const amounts = documentAmounts({
    currency: order.currency,
    priceIncludesTax: order.priceIncludesTax,
    rounding: settings.rounding,
    taxRounding: order.taxRounding,
    lines: lines.map((l) => ({
      quantity: l.quantity.value,
      unitPrice: l.unitPrice,
      taxRate: l.taxRate,
    })),
  });
  const amended: SalesOrder = {
    ...order,
    revision: order.revision + 1,
    lines: lines.map((l, i) => {
      const a = amounts.lines[i] as (typeof amounts.lines)[number];
      return { ...l, net: a.net, tax: a.tax, gross: a.gross };
    }),
    net: amounts.net,
    tax: amounts.tax,
    gross: amounts.gross,
    customFields: input.customFields ?? order.customFields,
    validUntil: input.validUntil ?? order.validUntil,
  };
  const revision: SalesOrderRevision = {
    id: `${order.id}@${order.revision}`,
    orderId: order.id,
    revision: order.revision,
    lines: order.lines,
    gross: order.gross,
    customFields: order.customFields,
    reason: input.reason,
    amendedBy: input.amendedBy,
    supersededAt: uow.now,
  };
  await uow.create(SALES_KINDS.revision, revision);
  let result: SalesOrder;
  if (order.state === 'confirmed') {
    const r = await checkAndReserve(uow, amended, 'amend', deps, order);
    if (!r.ok) return r;
    result = r.value;
  } else {
    await uow.save(SALES_KINDS.order, amended);
    result = amended;
  }
  for (const listen of listeners) {
    const r = await listen(uow, result);
    if (!r.ok) return r;
  }
  uow.transitioned(SALES_KINDS.order, result, {
    from: order.state,
    event: 'amend',
    to: result.state,
  });
  return ok(result);
}

/** An order's kept revisions, oldest first (the current one is the order itself). */
export async function orderRevisions(
  uow: UnitOfWork,
  order: SalesOrder,
): Promise<SalesOrderRevision[]> {
  const out: SalesOrderRevision[] = [];
  for (let r = 1; r < order.revision; r++) {
    const rev = await uow.load<SalesOrderRevision>(SALES_KINDS.revision, `${order.id}@${r}`);
    if (rev) out.push(rev);
  }
  return out;
}
