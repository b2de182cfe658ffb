/**
 * Pricing an order's lines through the engine — for a draft and for an explicit re-price:
 * quantities to the stock unit, bundles expanded into component lines, agreements and rules
 * applied, free goods added as zero-priced lines, amounts computed with the declared rounding,
 * and each line's price locked with its compact trace.
 *
 * @module
 */
import type { NotFoundError, ValidationError } from '../kernel/errors';
import { TradecoreBug } from '../kernel/errors';
import { err, ok, type Result } from '../kernel/result';
import { type Customer, MASTERDATA_KINDS, type Product } from '../masterdata/types';
import type { Dec } from '../money/decimal';
import { Money } from '../money/money';
import { Quantity } from '../money/quantity';
import type { RoundingMode } from '../money/rounding';
import { documentAmounts } from '../money/tax';
import { convertQuantity, type UomConversionMissingError } from '../money/uom';
import {
  type IsoDate,
  type LinePrice,
  type PriceBook,
  type PriceBundle,
  type PriceTrace,
  type PricingContext,
  type PricingError,
  type PricingLine,
  priceBundle,
  resolveOrder,
  traceOf,
} from '../pricing';
import type { PriceList } from '../pricing/price-list';
import type { PricedLine, TaxRounding } from '../sales/documents';
import { contextFor, lineFor, pricingDate } from './pricing-context';
import type { PricingRuntime } from './pricing-runtime';
import type { UnitOfWork } from './unit-of-work';

/** One requested line: a product or a bundle id, a quantity, optionally a unit and a typed price. */
export interface OrderLineRequest {
  /** Product id, or the id of a bundle (then `quantity` is the number of sets). */
  readonly productId: string;
  /** Quantity, > 0. */
  readonly quantity: Dec;
  /** Unit (default: the product's stock unit). */
  readonly unit?: string | undefined;
  /** A price typed by hand, in the order currency. */
  readonly unitPrice?: Money | undefined;
}

/** What {@link priceOrder} prices. */
export interface PriceOrderRequest {
  /** Sold-to customer. */
  readonly customer: Customer;
  /** Base price list. */
  readonly priceList: PriceList;
  /** Order currency (default: the list's). */
  readonly currency?: string | undefined;
  /** Sales channel (default: the customer's). */
  readonly channel?: string | undefined;
  /** Selling department or store. */
  readonly departmentId?: string | undefined;
  /** Tax rounding of the order. */
  readonly taxRounding: TaxRounding;
  /** Rounding mode of amounts. */
  readonly rounding: RoundingMode;
  /** The lines. */
  readonly lines: readonly OrderLineRequest[];
  /** Pricing date (default: the unit of work's date). */
  readonly date?: IsoDate | undefined;
}

/** Priced lines and totals. */
export interface PricedOrder {
  /** Order currency. */
  readonly currency: string;
  /** Whether prices include VAT. */
  readonly priceIncludesTax: boolean;
  /** Lines: requested lines (bundles expanded), then free goods. */
  readonly lines: PricedLine[];
  /** Σ net. */
  readonly net: Money;
  /** Σ VAT. */
  readonly tax: Money;
  /** Σ gross. */
  readonly gross: Money;
}

/** Errors of {@link priceOrder}. */
export type PriceOrderError =
  | NotFoundError
  | ValidationError
  | UomConversionMissingError
  | PricingError;

/** A product and its quantity in the line unit and the stock unit. */
export interface Part {
  /** The product. */
  readonly product: Product;
  /** Quantity in the line unit. */
  readonly qty: Quantity;
  /** The same in the stock unit. */
  readonly stock: Quantity;
}

/** A requested bundle line and its component parts. */
export interface BundleItem {
  /** Discriminator. */
  readonly kind: 'bundle';
  /** Index of the requested line. */
  readonly i: number;
  /** The bundle. */
  readonly bundle: PriceBundle;
  /** Sets ordered. */
  readonly sets: Dec;
  /** Component parts for all sets. */
  readonly parts: Part[];
}

/** A requested line, resolved to a product or a bundle. */
export type Item = ProductItem | BundleItem;

function invalid(path: string, rule: string, message: string): ValidationError {
  return {
    code: 'VALIDATION_FAILED',
    message: `${path}: ${message} [${rule}]`,
    issues: [{ path, rule, message: `${path}: ${message}` }],
  };
}

function part(
  product: Product,
  quantity: Dec,
  unit: string,
  path: string,
): Result<Part, ValidationError | UomConversionMissingError> {
  const qty = Quantity.of(quantity, unit);
  const stock = convertQuantity(qty, product.stockUnit, product.conversions);
  if (!stock.ok) return err({ ...stock.error, message: `${path}.unit: ${stock.error.message}` });
  if (product.integral && !stock.value.isIntegral()) {
    return err(
      invalid(
        `${path}.quantity`,
        'integral',
        `${product.id} is counted in whole ${product.stockUnit}, got ${stock.value.toString()}`,
      ),
    );
  }
  return ok({ product, qty, stock: stock.value });
}

/** A requested product line. */
export interface ProductItem extends Part {
  /** Discriminator. */
  readonly kind: 'product';
  /** Index of the requested line. */
  readonly i: number;
  /** A price typed by hand. */
  readonly manual?: Dec;
}

/** An order prepared for the engine: book, context, items, and the product lines to resolve. */
export interface PreparedOrder {
  /** The tenant's price book. */
  readonly book: PriceBook;
  /** The pricing context. */
  readonly ctx: PricingContext;
  /** Every requested line (bundles with their parts). */
  readonly items: readonly Item[];
  /** The product items, in order. */
  readonly singles: readonly ProductItem[];
  /** Their pricing lines (same order). */
  readonly lines: readonly PricingLine[];
  /** Costs by product. */
  readonly costs: ReadonlyMap<string, Money>;
  /** Products loaded. */
  readonly products: Map<string, Product>;
}

/**
 * Loads what pricing an order needs — book, products (or bundles), costs, rates — converts
 * quantities to stock units and checks them, and builds the engine's context and lines.
 */
export async function prepareOrder(
  uow: UnitOfWork,
  runtime: PricingRuntime,
  req: PriceOrderRequest,
): Promise<Result<PreparedOrder, PriceOrderError>> {
  const book = await runtime.book(uow.tx);
  const currency = req.currency ?? req.priceList.currency;
  // One store call for every line's product, so the cost does not grow in round trips with
  // the number of lines; bundle components (rarer) are loaded on demand.
  const products = await uow.loadMany<Product>(
    MASTERDATA_KINDS.product,
    req.lines.map((l) => l.productId),
  );
  const product = async (id: string, field: string) => {
    const hit = products.get(id);
    if (hit !== undefined) return ok(hit);
    const p = await uow.require<Product>(MASTERDATA_KINDS.product, id, field);
    if (p.ok) products.set(id, p.value);
    return p;
  };
  const items: Item[] = [];
  for (const [i, l] of req.lines.entries()) {
    const path = `lines.${i}`;
    const known = products.get(l.productId);
    const bundle = known === undefined ? book.bundles.get(l.productId) : undefined;
    if (bundle === undefined) {
      const p = await product(l.productId, `${path}.productId`);
      if (!p.ok) return p;
      const r = part(p.value, l.quantity, l.unit ?? p.value.stockUnit, path);
      if (!r.ok) return r;
      if (l.unitPrice !== undefined && l.unitPrice.currency.code !== currency) {
        return err(
          invalid(`${path}.unitPrice.currency`, 'currency_mismatch', `must be ${currency}`),
        );
      }
      items.push({
        kind: 'product',
        i,
        ...r.value,
        ...(l.unitPrice ? { manual: l.unitPrice.amount } : {}),
      });
      continue;
    }
    if (!l.quantity.isInteger()) {
      return err(
        invalid(`${path}.quantity`, 'whole_sets', `bundle ${bundle.id} is sold in whole sets`),
      );
    }
    if (l.unitPrice !== undefined) {
      return err(
        invalid(`${path}.unitPrice`, 'bundle_price', `bundle ${bundle.id} has its set price`),
      );
    }
    const parts: Part[] = [];
    for (const c of bundle.components) {
      const p = await product(c.productId, `${path}.productId`);
      if (!p.ok) return p;
      const r = part(p.value, c.quantity.times(l.quantity), c.unit, path);
      if (!r.ok) return r;
      parts.push(r.value);
    }
    items.push({ kind: 'bundle', i, bundle, sets: l.quantity, parts });
  }
  const date = req.date ?? pricingDate(uow.now);
  const costs = await runtime.costs.costs(uow.tx, [...products.values()], date);
  const costCurrencies = [...costs.values()].map((m) => m.currency.code);
  const asOf = req.date === undefined ? uow.now : `${req.date}T00:00:00.000Z`;
  const rates = runtime.ratesFor([...book.currencies, ...costCurrencies], currency, asOf);
  const ctx = contextFor(
    req.customer,
    {
      date,
      currency,
      priceListId: req.priceList.id,
      priceIncludesTax: req.priceList.priceIncludesTax,
      channel: req.channel,
      departmentId: req.departmentId,
    },
    rates,
  );
  const singles = items.filter((x): x is ProductItem => x.kind === 'product');
  const lines = singles.map((x) =>
    lineFor(x.product, x.qty.value, x.qty.unit, costs.get(x.product.id), x.manual),
  );
  return ok({ book, ctx, items, singles, lines, costs, products });
}

/**
 * Prices an order's lines with the tenant's current price book. The first problem found is
 * returned, naming the line's field (`lines.2.productId`, `lines.0.quantity`…).
 */
export async function priceOrder(
  uow: UnitOfWork,
  runtime: PricingRuntime,
  req: PriceOrderRequest,
): Promise<Result<PricedOrder, PriceOrderError>> {
  const prep = await prepareOrder(uow, runtime, req);
  if (!prep.ok) return prep;
  const { book, ctx, items, singles, costs, products } = prep.value;
  const currency = ctx.currency;
  const product = async (id: string, field: string) => {
    const hit = products.get(id);
    if (hit !== undefined) return ok(hit);
    const p = await uow.require<Product>(MASTERDATA_KINDS.product, id, field);
    if (p.ok) products.set(id, p.value);
    return p;
  };
  const resolved = resolveOrder(book, ctx, prep.value.lines);
  if (!resolved.ok) {
    const { lineIndex, ...e } = resolved.error;
    return err({ ...e, field: `lines.${singles[lineIndex]?.i}.productId` } as PricingError);
  }
  const out: { part: Part; price: LinePrice | undefined; trace: PriceTrace }[] = [];
  const version = book.version;
  let s = 0;
  for (const item of items) {
    if (item.kind === 'product') {
      const price = resolved.value.lines[s++] as LinePrice;
      out.push({ part: item, price, trace: traceOf(price, req.priceList.id, version, currency) });
      continue;
    }
    const lines = item.parts.map((p) =>
      lineFor(p.product, p.qty.value, p.qty.unit, costs.get(p.product.id)),
    );
    const b = priceBundle(book, ctx, item.bundle.id, item.sets, lines);
    if (!b.ok) return err({ ...b.error, field: `lines.${item.i}.productId` });
    item.parts.forEach((p, k) => {
      const price = b.value[k] as LinePrice;
      const trace = traceOf(price, req.priceList.id, version, currency);
      out.push({
        part: p,
        price,
        trace: { ...trace, bundle: { bundleId: item.bundle.id, sets: item.sets, component: k } },
      });
    });
  }
  for (const g of resolved.value.freeGoods) {
    const field = `lines.${singles[g.lineIndex]?.i}.productId`;
    const p = await product(g.productId, field);
    if (!p.ok) return p;
    const r = part(p.value, g.quantity, g.unit, `lines.${singles[g.lineIndex]?.i}`);
    if (!r.ok) return r;
    out.push({
      part: r.value,
      price: undefined,
      trace: {
        kind: 'free-goods',
        priceListId: req.priceList.id,
        bookVersion: version,
        freeGoodsRuleId: g.ruleId,
      },
    });
  }
  const zero = Money.zero(currency);
  const amounts = documentAmounts({
    currency,
    priceIncludesTax: req.priceList.priceIncludesTax,
    rounding: req.rounding,
    taxRounding: req.taxRounding,
    lines: out.map((o) => ({
      quantity: o.part.qty.value,
      unitPrice: o.price?.unitPrice ?? zero,
      taxRate: o.part.product.taxRate,
    })),
  });
  const lines: PricedLine[] = out.map((o, k) => {
    const a = amounts.lines[k];
    if (a === undefined)
      throw new TradecoreBug('AMOUNTS_LINES', 'documentAmounts returned fewer lines');
    return {
      lineNo: k + 1,
      productId: o.part.product.id,
      quantity: o.part.qty,
      stockQuantity: o.part.stock,
      unitPrice: o.price?.unitPrice ?? zero,
      taxRate: o.part.product.taxRate,
      net: a.net,
      tax: a.tax,
      gross: a.gross,
      priceSource: {
        ...o.trace,
        ...(req.channel === undefined ? {} : { channel: req.channel }),
        ...(req.departmentId === undefined ? {} : { departmentId: req.departmentId }),
      },
    };
  });
  return ok({
    currency,
    priceIncludesTax: req.priceList.priceIncludesTax,
    lines,
    net: amounts.net,
    tax: amounts.tax,
    gross: amounts.gross,
  });
}
