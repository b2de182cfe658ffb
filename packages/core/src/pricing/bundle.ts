/**
 * Bundles (套餐): N sets at the set price, spread over the component lines in proportion to
 * their list value, so the component lines add up to the set price.
 *
 * @module
 */
import { err, ok, type Result } from '../kernel/result';
import { allocate } from '../money/allocate';
import type { Dec } from '../money/decimal';
import { Money } from '../money/money';
import { roundDecimal } from '../money/rounding';
import type { PriceBook } from './book';
import { marginOf } from './checks';
import type { PricingContext, PricingLine } from './context';
import type { BundleUnavailableError, PricingError } from './errors';
import { LineEval, listPrice, makeStep, type PriceInputFailure } from './line-eval';
import type { LinePrice } from './outcome';
import { isValidOn } from './scope';
import { toTaxBasis } from './units';

/** Decimal places of a bundle component's unit price (fine enough that lines add up). */
export const BUNDLE_PRICE_SCALE = 6;

function unavailable(bundleId: string, why: string): BundleUnavailableError {
  return { code: 'BUNDLE_UNAVAILABLE', message: `bundle ${bundleId} ${why}`, bundleId };
}

/**
 * Prices `sets` sets of bundle `bundleId`. `components` are its component lines (one per
 * component, in the bundle's order, each with quantity = component quantity × sets).
 *
 * The total `price × sets` is allocated (largest remainder, at the currency's minor units or
 * finer when the price is finer) in proportion to each component's list value
 * `list price × quantity` — or to the quantities when a component has no list price — and each
 * component's unit price is its share ÷ its quantity at {@link BUNDLE_PRICE_SCALE} places,
 * moved to the order's tax basis with its own VAT rate. Component lines are not subject to
 * rules or floors: the set price is the agreed price.
 *
 * @returns the component prices, or `BUNDLE_UNAVAILABLE` (unknown, inactive, out of validity,
 *   other currency, component lines that do not match) or a list lookup error.
 */
export function priceBundle(
  book: PriceBook,
  ctx: PricingContext,
  bundleId: string,
  sets: Dec,
  components: readonly PricingLine[],
): Result<LinePrice[], PricingError> {
  const b = book.bundles.get(bundleId);
  if (b === undefined) return err(unavailable(bundleId, 'does not exist'));
  if (!b.active) return err(unavailable(bundleId, 'is inactive'));
  if (!isValidOn(b, ctx.date)) return err(unavailable(bundleId, `is not valid on ${ctx.date}`));
  if (b.currency !== ctx.currency) {
    return err(unavailable(bundleId, `is priced in ${b.currency}, the order in ${ctx.currency}`));
  }
  if (
    components.length !== b.components.length ||
    components.some((c, i) => c.productId !== b.components[i]?.productId)
  ) {
    return err(unavailable(bundleId, 'was given component lines that do not match it'));
  }
  const values: Dec[] = [];
  for (const c of components) {
    const failure: PriceInputFailure = { error: undefined };
    const p = listPrice(book, ctx, c, ctx.priceListId, undefined, false, failure);
    if (failure.error !== undefined) return err(failure.error);
    if (p?.isPositive() && !p.isZero()) values.push(p.times(c.quantity));
  }
  const ratios = values.length === components.length ? values : components.map((c) => c.quantity);
  const total = Money.of(b.price.times(sets), ctx.currency);
  const scale = Math.max(total.currency.minorUnits, total.decimalPlaces());
  const shares = allocate(total, ratios, scale);
  return ok(
    components.map((c, i) => {
      const share = shares[i] as Money;
      const unit = roundDecimal(share.amount.dividedBy(c.quantity), BUNDLE_PRICE_SCALE, 'half-up');
      const price = toTaxBasis(unit, b.priceIncludesTax, ctx.priceIncludesTax, c.taxRate);
      const ev = new LineEval(book, ctx, c, i, undefined);
      const cost = ev.costPerLineUnit();
      return {
        unitPrice: Money.of(price, ctx.currency),
        priceIncludesTax: ctx.priceIncludesTax,
        steps: [
          makeStep(
            'bundle',
            price,
            ctx.currency,
            undefined,
            undefined,
            `bundle ${b.id}: ${share.toString()} of ${total.toString()} for ${sets} set(s)`,
          ),
        ],
        applied: [],
        origin: 'bundle' as const,
        cost: cost === undefined ? undefined : Money.of(cost, ctx.currency),
        margin: cost === undefined ? undefined : marginOf(ev, price, cost),
        warnings: ev.warnings ?? [],
        freeGoods: [],
      };
    }),
  );
}
