/**
 * Building the engine's inputs from master data: the order context from the customer and the
 * order header, a pricing line from a product.
 *
 * @module
 */
import type { Customer, Product } from '../masterdata/types';
import type { Dec } from '../money/decimal';
import type { Money } from '../money/money';
import type { IsoDate, PricingContext, PricingLine } from '../pricing';

/** The order header fields pricing depends on. */
export interface PricingHeader {
  /** Pricing date. */
  readonly date: IsoDate;
  /** Order currency. */
  readonly currency: string;
  /** Base price list. */
  readonly priceListId: string;
  /** Whether the order's prices include VAT. */
  readonly priceIncludesTax: boolean;
  /** Sales channel of the order (default: the customer's). */
  readonly channel?: string | undefined;
  /** Selling department or store. */
  readonly departmentId?: string | undefined;
}

/** The pricing context of an order for `customer`. Its head office defaults to itself. */
export function contextFor(
  customer: Customer,
  h: PricingHeader,
  rates: ReadonlyMap<string, Dec>,
): PricingContext {
  const channel = h.channel ?? customer.channel;
  return {
    date: h.date,
    currency: h.currency,
    priceListId: h.priceListId,
    priceIncludesTax: h.priceIncludesTax,
    customerId: customer.id,
    headOfficeId: customer.headOfficeId ?? customer.id,
    ...(customer.customerGroup === undefined ? {} : { customerGroup: customer.customerGroup }),
    ...(customer.region === undefined ? {} : { region: customer.region }),
    ...(channel === undefined ? {} : { channel }),
    ...(h.departmentId === undefined ? {} : { departmentId: h.departmentId }),
    rates,
  };
}

/** A pricing line for `quantity` of `product` in `unit`. */
export function lineFor(
  product: Product,
  quantity: Dec,
  unit: string,
  cost: Money | undefined,
  manualPrice?: Dec,
): PricingLine {
  return {
    productId: product.id,
    ...(product.productGroup === undefined ? {} : { productGroup: product.productGroup }),
    ...(product.brand === undefined ? {} : { brand: product.brand }),
    quantity,
    unit,
    stockUnit: product.stockUnit,
    conversions: product.conversions,
    taxRate: product.taxRate,
    ...(cost === undefined ? {} : { cost }),
    ...(manualPrice === undefined ? {} : { manualPrice }),
  };
}

/** The pricing date of an instant: its UTC calendar date. */
export function pricingDate(instant: string): IsoDate {
  return instant.slice(0, 10);
}
