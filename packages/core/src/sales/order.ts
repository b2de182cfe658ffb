/**
 * Pure functions over sales orders: pricing the lines of a draft and applying transitions.
 *
 * @module
 */
import type { TradecoreEventMap } from '../events';
import type { ValidationError } from '../kernel/errors';
import { type IllegalTransitionError, TradecoreBug } from '../kernel/errors';
import { transition } from '../kernel/machine';
import { err, ok, type Result } from '../kernel/result';
import type { Product } from '../masterdata/types';
import type { Dec } from '../money/decimal';
import { Quantity } from '../money/quantity';
import type { RoundingMode } from '../money/rounding';
import { documentAmounts } from '../money/tax';
import { convertQuantity, type UomConversionMissingError } from '../money/uom';
import type { PriceNotFoundError, PriceResolver } from '../pricing/price-list';
import type { SalesOrder, SalesOrderLine, TaxRounding } from './documents';
import { type OrderEvent, salesOrderMachine } from './machines';

/** A line as requested by the caller (already validated). */
export interface RequestedLine {
  /** Product (must be in `products`). */
  readonly productId: string;
  /** Quantity, > 0. */
  readonly quantity: Dec;
  /** Unit; defaults to the product's stock unit. */
  readonly unit?: string | undefined;
}

/** Everything {@link priceLines} needs. */
export interface PriceLinesInput {
  /** Requested lines. */
  readonly lines: readonly RequestedLine[];
  /** Products by id. */
  readonly products: ReadonlyMap<string, Product>;
  /** The price resolver (pricing seam). */
  readonly resolver: PriceResolver;
  /** Order currency. */
  readonly currency: string;
  /** Whether prices include tax. */
  readonly priceIncludesTax: boolean;
  /** Tax rounding policy. */
  readonly taxRounding: TaxRounding;
  /** Rounding mode of amounts. */
  readonly rounding: RoundingMode;
}

/** Priced lines and totals. */
export interface PricedLines {
  /** Lines. */
  readonly lines: SalesOrderLine[];
  /** Totals. */
  readonly net: SalesOrder['net'];
  /** Totals. */
  readonly tax: SalesOrder['tax'];
  /** Totals. */
  readonly gross: SalesOrder['gross'];
}

/**
 * Prices requested lines: converts each quantity to the stock unit (checking whole numbers for
 * integral units), resolves the unit price, and computes net / tax / gross with the declared
 * tax rounding. The first problem found is returned, naming the line's field.
 */
export function priceLines(
  input: PriceLinesInput,
): Result<PricedLines, ValidationError | PriceNotFoundError | UomConversionMissingError> {
  const resolved = [];
  for (const [i, l] of input.lines.entries()) {
    const product = input.products.get(l.productId);
    if (!product)
      throw new TradecoreBug('PRODUCT_NOT_LOADED', `product ${l.productId} was not loaded`);
    const unit = l.unit ?? product.stockUnit;
    const qty = Quantity.of(l.quantity, unit);
    const stock = convertQuantity(qty, product.stockUnit, product.conversions);
    if (!stock.ok)
      return err({ ...stock.error, message: `lines.${i}.unit: ${stock.error.message}` });
    if (product.integral && !stock.value.isIntegral()) {
      const path = `lines.${i}.quantity`;
      return err({
        code: 'VALIDATION_FAILED',
        message: `${path}: ${product.id} is counted in whole ${product.stockUnit}, got ${stock.value.toString()} [integral]`,
        issues: [
          {
            path,
            rule: 'integral',
            message: `${path}: must be a whole number of ${product.stockUnit}`,
          },
        ],
      });
    }
    const price = input.resolver.resolve({ productId: product.id, unit });
    if (!price.ok) return err({ ...price.error, field: `lines.${i}.productId` });
    if (price.value.unitPrice.currency.code !== input.currency) {
      throw new TradecoreBug(
        'RESOLVER_CURRENCY',
        `resolver returned ${price.value.unitPrice.currency.code} for a ${input.currency} order`,
      );
    }
    resolved.push({ i, product, qty, stock: stock.value, price: price.value });
  }
  const amounts = documentAmounts({
    currency: input.currency,
    priceIncludesTax: input.priceIncludesTax,
    rounding: input.rounding,
    taxRounding: input.taxRounding,
    lines: resolved.map((r) => ({
      quantity: r.qty.value,
      unitPrice: r.price.unitPrice,
      taxRate: r.product.taxRate,
    })),
  });
  const lines: SalesOrderLine[] = resolved.map((r, idx) => {
    const a = amounts.lines[idx];
    if (!a) throw new TradecoreBug('AMOUNTS_LINES', 'documentAmounts returned fewer lines');
    return {
      lineNo: r.i + 1,
      productId: r.product.id,
      quantity: r.qty,
      stockQuantity: r.stock,
      unitPrice: r.price.unitPrice,
      taxRate: r.product.taxRate,
      net: a.net,
      tax: a.tax,
      gross: a.gross,
      priceSource: r.price.source,
    };
  });
  return ok({ lines, net: amounts.net, tax: amounts.tax, gross: amounts.gross });
}

/** The result of a transition: the new document and the event to publish. */
export interface DocumentTransition<D> {
  /** The document in its new state. */
  readonly doc: D;
  /** The `document.transitioned` payload. */
  readonly event: TradecoreEventMap['document.transitioned'];
}

/** Applies an order event through {@link salesOrderMachine}. */
export function transitionOrder(
  order: SalesOrder,
  event: OrderEvent,
  patch: Partial<SalesOrder> = {},
): Result<DocumentTransition<SalesOrder>, IllegalTransitionError> {
  const t = transition(salesOrderMachine, order.status, event);
  if (!t.ok) return t;
  return ok({
    doc: { ...order, ...patch, status: t.value.to },
    event: {
      kind: 'sales-order',
      id: order.id,
      number: order.number,
      from: t.value.from,
      event,
      to: t.value.to,
    },
  });
}
