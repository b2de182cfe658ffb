/**
 * Pricing on orders: the floor-price check when an order is confirmed, approved overrides of
 * it, and the explicit re-price of a draft. A confirmed order's prices are locked: nothing in
 * pricing data changes them; only an amendment re-prices.
 *
 * @module
 */
import type { z } from 'zod';
import type { NotFoundError, ValidationError } from '../kernel/errors';
import { err, ok, type Result } from '../kernel/result';
import { type Customer, MASTERDATA_KINDS } from '../masterdata/types';
import type { Money } from '../money/money';
import type { RoundingMode } from '../money/rounding';
import type { BelowFloorPriceError, FloorViolation, PriceLockedError } from '../pricing';
import type { PriceList } from '../pricing/price-list';
import { SALES_KINDS, type SalesOrder } from '../sales/documents';
import { type OrderLineRequest, priceOrder } from './pricing-order';
import type { PricingRuntime } from './pricing-runtime';
import type { approvePriceOverrideInput } from './pricing-schemas';
import { PRICING_KINDS } from './pricing-store';
import type { UnitOfWork } from './unit-of-work';

export * from './pricing-data';

/** An approved permission to confirm one order line below its floor price. */
export interface PriceOverride {
  /** `<orderId>:<lineNo>`. */
  readonly id: string;
  /** The order. */
  readonly orderId: string;
  /** The line. */
  readonly lineNo: number;
  /** Its product. */
  readonly productId: string;
  /** The lowest unit price approved (the line's price when approved). */
  readonly approvedUnitPrice: Money;
  /** The floor at the time. */
  readonly floor: Money;
  /** Who approved. */
  readonly approvedBy: string;
  /** Why. */
  readonly reason: string;
  /** When. */
  readonly approvedAt: string;
  /** Always `approved` (a rejected request is never stored). */
  readonly status: 'approved';
}

/** The id of the override of one order line. */
export function overrideId(orderId: string, lineNo: number): string {
  return `${orderId}:${lineNo}`;
}

function locked(order: SalesOrder): PriceLockedError {
  return {
    code: 'PRICE_LOCKED',
    message: `orderId: order ${order.number} is ${order.state}; its prices are locked (only a draft is re-priced or overridden)`,
    orderId: order.id,
    status: order.state,
  };
}

/**
 * Checks every line of an order against the floor locked in its price trace: a line priced
 * below its floor needs an approved override whose price is not above the line's.
 *
 * @returns `ok`, or `BELOW_FLOOR_PRICE` listing each offending line with its floor, price and gap.
 */
export async function checkFloorPrices(
  uow: UnitOfWork,
  order: SalesOrder,
): Promise<Result<void, BelowFloorPriceError>> {
  const violations: FloorViolation[] = [];
  for (const l of order.lines) {
    const f = l.priceSource.floor;
    if (f === undefined || !l.unitPrice.lessThan(f.price)) continue;
    const o = await uow.load<PriceOverride>(PRICING_KINDS.override, overrideId(order.id, l.lineNo));
    if (o?.status === 'approved' && l.unitPrice.greaterThanOrEqual(o.approvedUnitPrice)) continue;
    violations.push({
      lineNo: l.lineNo,
      productId: l.productId,
      floorId: f.floorId,
      floor: f.price,
      price: l.unitPrice,
      gap: f.price.subtract(l.unitPrice),
    });
  }
  if (violations.length === 0) return ok(undefined);
  return err({
    code: 'BELOW_FLOOR_PRICE',
    message: `order ${order.number}: ${violations
      .map((v) => `line ${v.lineNo} at ${v.price} is ${v.gap} below floor ${v.floor}`)
      .join('; ')}; an approved price override is needed`,
    lines: violations,
  });
}

/** Approves confirming one draft line below its floor, at its current price or above. */
export async function approvePriceOverride(
  uow: UnitOfWork,
  input: z.output<typeof approvePriceOverrideInput>,
) {
  const o = await uow.require<SalesOrder>(SALES_KINDS.order, input.orderId, 'orderId');
  if (!o.ok) return o;
  const order = o.value;
  if (order.state !== 'draft') return err(locked(order));
  const line = order.lines.find((l) => l.lineNo === input.lineNo);
  if (line === undefined) {
    return err<NotFoundError>({
      code: 'NOT_FOUND',
      message: `lineNo: order ${order.number} has no line ${input.lineNo}`,
      entity: 'sales-order-line',
      id: String(input.lineNo),
      field: 'lineNo',
    });
  }
  const f = line.priceSource.floor;
  if (f === undefined || !line.unitPrice.lessThan(f.price)) {
    return err<ValidationError>({
      code: 'VALIDATION_FAILED',
      message: `lineNo: line ${line.lineNo} is not below a floor price [not_below_floor]`,
      issues: [
        { path: 'lineNo', rule: 'not_below_floor', message: 'lineNo: is not below a floor price' },
      ],
    });
  }
  const override: PriceOverride = {
    id: overrideId(order.id, line.lineNo),
    orderId: order.id,
    lineNo: line.lineNo,
    productId: line.productId,
    approvedUnitPrice: line.unitPrice,
    floor: f.price,
    approvedBy: input.approvedBy,
    reason: input.reason,
    approvedAt: uow.now,
    status: 'approved',
  };
  const existing = await uow.load(PRICING_KINDS.override, override.id);
  if (existing === undefined) await uow.create(PRICING_KINDS.override, override);
  else await uow.save(PRICING_KINDS.override, override);
  uow.emit('masterdata.saved', {
    kind: PRICING_KINDS.override,
    id: override.id,
    change: existing === undefined ? 'created' : 'updated',
  });
  return ok(override);
}

/** The requested lines a priced order was drafted from (free goods are granted again). */
export function requestedLines(order: SalesOrder): OrderLineRequest[] {
  const out: OrderLineRequest[] = [];
  for (const l of order.lines) {
    const t = l.priceSource;
    if (t.kind === 'free-goods') continue;
    if (t.bundle !== undefined) {
      if (t.bundle.component === 0)
        out.push({ productId: t.bundle.bundleId, quantity: t.bundle.sets });
      continue;
    }
    out.push({
      productId: l.productId,
      quantity: l.quantity.value,
      unit: l.quantity.unit,
      ...(t.kind === 'manual' ? { unitPrice: l.unitPrice } : {}),
    });
  }
  return out;
}

/**
 * Re-prices a draft explicitly with today's pricing data: the same lines (typed prices kept,
 * bundles re-expanded, free goods granted again), new prices, traces and totals. A confirmed
 * (or later) order is `PRICE_LOCKED`.
 */
export async function repriceSalesOrder(
  uow: UnitOfWork,
  input: { readonly orderId: string },
  runtime: PricingRuntime,
  rounding: RoundingMode,
) {
  const o = await uow.require<SalesOrder>(SALES_KINDS.order, input.orderId, 'orderId');
  if (!o.ok) return o;
  const order = o.value;
  if (order.state !== 'draft') return err(locked(order));
  const c = await uow.require<Customer>(MASTERDATA_KINDS.customer, order.customerId, 'orderId');
  if (!c.ok) return c;
  const pl = await uow.require<PriceList>(PRICING_KINDS.priceList, order.priceListId, 'orderId');
  if (!pl.ok) return pl;
  const first = order.lines[0]?.priceSource;
  const priced = await priceOrder(uow, runtime, {
    customer: c.value,
    priceList: pl.value,
    currency: order.currency,
    channel: first?.channel,
    departmentId: first?.departmentId,
    taxRounding: order.taxRounding,
    rounding,
    lines: requestedLines(order),
  });
  if (!priced.ok) return priced;
  const same = priced.value.lines.length === order.lines.length;
  const next: SalesOrder = {
    ...order,
    lines: priced.value.lines.map((l, i) => {
      const was = same ? order.lines[i] : undefined;
      return {
        ...l,
        warehouseId: was?.warehouseId ?? order.warehouseId,
        shipToId: was?.shipToId ?? order.shipToId,
        delivered: l.quantity.value.minus(l.quantity.value),
        returned: l.quantity.value.minus(l.quantity.value),
        invoiced: l.quantity.value.minus(l.quantity.value),
        credited: l.quantity.value.minus(l.quantity.value),
      };
    }),
    net: priced.value.net,
    tax: priced.value.tax,
    gross: priced.value.gross,
  };
  await uow.save(SALES_KINDS.order, next);
  return ok(next);
}
