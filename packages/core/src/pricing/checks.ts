/**
 * Checks on a final price that never change it: the binding floor, contract bounds, cost and
 * gross margin.
 *
 * @module
 */
import type { Currency } from '../money/currency';
import { Dec } from '../money/decimal';
import { Money } from '../money/money';
import { roundDecimal } from '../money/rounding';
import type { CompiledFloor } from './compiled';
import type { RateMissingError } from './errors';
import { type LineEval, type Qualified, rateMissing } from './line-eval';
import type { FloorCheck } from './outcome';
import { compareDec, HUNDRED, perLineUnit, toOrderCurrency, toTaxBasis } from './units';

function floorApplies(f: CompiledFloor, ev: LineEval): boolean {
  const { ctx, line } = ev;
  return (
    (f.productId === undefined || f.productId === line.productId) &&
    (f.productGroup === undefined || f.productGroup === line.productGroup) &&
    (f.customerGroup === undefined || f.customerGroup === ctx.customerGroup) &&
    f.validFrom <= ctx.date &&
    ctx.date <= f.validTo
  );
}

/** The floor price per line unit in the order currency and basis; `undefined` = cannot apply. */
function floorValue(f: CompiledFloor, ev: LineEval): Dec | undefined | RateMissingError {
  const { ctx, line } = ev;
  if (f.price !== undefined) {
    const per = perLineUnit(line, f.price, f.unit ?? line.stockUnit);
    if (per === undefined) return undefined;
    const c = toOrderCurrency(ctx, per, f.currency ?? ctx.currency);
    if (c === undefined) return rateMissing(ctx, f.currency ?? ctx.currency, `floor ${f.id}`);
    return toTaxBasis(c, f.includesTax, ctx.priceIncludesTax, line.taxRate);
  }
  const cost = ev.costPerLineUnit();
  if (cost === undefined || f.marginDivisor === undefined) {
    ev.warn({
      code: 'FLOOR_COST_MISSING',
      message: `margin floor ${f.id} needs the cost of ${line.productId}, which is unknown`,
      sourceId: f.id,
    });
    return undefined;
  }
  return toTaxBasis(cost.dividedBy(f.marginDivisor), false, ctx.priceIncludesTax, line.taxRate);
}

const ZEROS = new Map<string, Money>();

/** Zero in `currency` (one shared immutable value per currency). */
function zeroIn(currency: Currency): Money {
  let z = ZEROS.get(currency.code);
  if (z === undefined) {
    z = Money.zero(currency);
    ZEROS.set(currency.code, z);
  }
  return z;
}

interface Binding {
  floor: CompiledFloor | undefined;
  value: Dec | undefined;
}

function consider(
  fs: readonly CompiledFloor[] | undefined,
  ev: LineEval,
  b: Binding,
): RateMissingError | undefined {
  if (fs === undefined) return undefined;
  for (const f of fs) {
    if (!floorApplies(f, ev)) continue;
    const v = floorValue(f, ev);
    if (v === undefined) continue;
    if (!Dec.isDecimal(v)) return v as RateMissingError;
    const cmp = b.value === undefined ? 1 : compareDec(v, b.value);
    if (cmp > 0 || (cmp === 0 && f.id < (b.floor as CompiledFloor).id)) {
      b.floor = f;
      b.value = v;
    }
  }
  return undefined;
}

/**
 * The binding floor of the line — the highest applicable one (ties: smallest id) — compared
 * with `price`; `undefined` when no floor applies.
 */
export function checkFloor(ev: LineEval, price: Money): FloorCheck | undefined | RateMissingError {
  const idx = ev.book.floorIndex;
  const b: Binding = { floor: undefined, value: undefined };
  const group = ev.line.productGroup;
  const e =
    consider(idx.byProduct.get(ev.line.productId), ev, b) ??
    consider(group === undefined ? undefined : idx.byGroup.get(group), ev, b) ??
    consider(idx.rest, ev, b);
  if (e !== undefined) return e;
  if (b.floor === undefined || b.value === undefined) return undefined;
  const c = ev.currency;
  const below = compareDec(price.amount, b.value) < 0;
  return {
    floorId: b.floor.id,
    floor:
      b.floor.money !== undefined && b.floor.price === b.value && b.floor.currency === c.code
        ? b.floor.money
        : Money.of(b.value, c),
    price,
    gap: below ? Money.of(b.value.minus(price.amount), c) : zeroIn(c),
    below,
  };
}

function bound(ev: LineEval, q: Qualified, v: Dec): Dec {
  const r = q.rule;
  return toTaxBasis(v.times(q.k), r.includesTax, ev.ctx.priceIncludesTax, ev.line.taxRate);
}

/** Warns when the price is outside the bounds of an applicable agreement. */
export function checkBounds(ev: LineEval, price: Dec): void {
  for (const q of ev.bounded ?? []) {
    const r = q.rule;
    const b = r.extra?.bounds;
    if (b === undefined) continue;
    if (b.lower !== undefined) {
      const lower = bound(ev, q, b.lower);
      if (price.lessThan(lower)) {
        ev.warn({
          code: 'BELOW_CONTRACT_BOUND',
          message: `price ${price} is below the lower bound ${lower} of agreement ${r.id}`,
          sourceId: r.id,
        });
      }
    }
    if (b.upper !== undefined) {
      const upper = bound(ev, q, b.upper);
      if (price.greaterThan(upper)) {
        ev.warn({
          code: 'ABOVE_CONTRACT_BOUND',
          message: `price ${price} is above the upper bound ${upper} of agreement ${r.id}`,
          sourceId: r.id,
        });
      }
    }
  }
}

/** The margin per line unit: net unit price − cost (both in the order currency). */
export function marginOf(ev: LineEval, price: Dec, cost: Dec): Money {
  const { ctx, line } = ev;
  const net = ctx.priceIncludesTax ? toTaxBasis(price, true, false, line.taxRate) : price;
  return Money.of(net.minus(cost), ev.currency);
}

/**
 * The gross margin of a resolved line in percent of its net unit price, to 2 places (half-up);
 * `undefined` without a cost or at a zero price. Computed on demand (a division is the most
 * expensive operation of a resolution, and most callers only need the amounts).
 */
export function marginPercent(p: {
  readonly margin?: Money | undefined;
  readonly cost?: Money | undefined;
}): Dec | undefined {
  if (p.margin === undefined || p.cost === undefined) return undefined;
  const net = p.margin.amount.plus(p.cost.amount);
  if (net.isZero()) return undefined;
  return roundDecimal(p.margin.amount.times(HUNDRED).dividedBy(net), 2, 'half-up');
}
