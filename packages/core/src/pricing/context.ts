/**
 * What the engine is asked: the order's context (who, when, which list, which currency) and
 * its lines (what, how many, which unit). The app layer builds both from master data and
 * ports; the engine itself reads no clock and no store.
 *
 * @module
 */
import type { Dec } from '../money/decimal';
import type { Money } from '../money/money';
import type { UomConversion } from '../money/uom';
import type { IsoDate } from './model';

/** The order-level context of a price resolution. */
export interface PricingContext {
  /** The pricing date (validity dates are compared with it). */
  readonly date: IsoDate;
  /** The order currency: every resolved price is in it. */
  readonly currency: string;
  /** The base price list. */
  readonly priceListId: string;
  /** Whether the order's prices include VAT. */
  readonly priceIncludesTax: boolean;
  /** Sold-to customer. */
  readonly customerId?: string;
  /** Its head office (the customer itself when it has none). */
  readonly headOfficeId?: string;
  /** Its customer group. */
  readonly customerGroup?: string;
  /** Its region. */
  readonly region?: string;
  /** The sales channel. */
  readonly channel?: string;
  /** The selling department or store. */
  readonly departmentId?: string;
  /**
   * Exchange rates into the order currency on the pricing date: 1 unit of the key currency =
   * `rate` units of the order currency. Needed only when a list, floor or cost is in another
   * currency.
   */
  readonly rates?: ReadonlyMap<string, Dec>;
}

/** One line to price. */
export interface PricingLine {
  /** Product. */
  readonly productId: string;
  /** Its product group. */
  readonly productGroup?: string;
  /** Its brand. */
  readonly brand?: string;
  /** Quantity ordered, > 0, in `unit`. */
  readonly quantity: Dec;
  /** Unit of the line. */
  readonly unit: string;
  /** The product's stock unit. */
  readonly stockUnit: string;
  /** The product's conversions to its stock unit (1 `from` = factor × `to`). */
  readonly conversions: readonly UomConversion[];
  /** VAT rate (a fraction), used to move prices between net and gross. */
  readonly taxRate: Dec;
  /** Cost per stock unit (from the cost port), for margin, markup and margin floors. */
  readonly cost?: Money;
  /** A price typed by the salesperson (per line unit, order currency and tax basis). */
  readonly manualPrice?: Dec;
}
