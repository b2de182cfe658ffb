/**
 * Does a candidate apply to a line — scope, date, currency, unit, cost, break — and what price
 * does its effect give. Each failed check is a typed rejection reason.
 *
 * @module
 */
import type { Dec } from '../money/decimal';
import type { CompiledRule } from './compiled';
import type { PricingContext, PricingLine } from './context';
import { type LineEval, listPrice, type PriceInputFailure, type Qualified } from './line-eval';
import { describeScope } from './scope';
import { compareDec, ONE, quantityIn, toTaxBasis, unitsPer } from './units';

/** True when every scope dimension of the rule matches the context and the line. */
export function inScope(r: CompiledRule, ctx: PricingContext, line: PricingLine): boolean {
  return (
    (r.customerId === undefined || r.customerId === ctx.customerId) &&
    (r.headOfficeId === undefined || r.headOfficeId === ctx.headOfficeId) &&
    (r.customerGroup === undefined || r.customerGroup === ctx.customerGroup) &&
    (r.region === undefined || r.region === ctx.region) &&
    (r.channel === undefined || r.channel === ctx.channel) &&
    (r.departmentId === undefined || r.departmentId === ctx.departmentId) &&
    (r.productId === undefined || r.productId === line.productId) &&
    (r.productGroup === undefined || r.productGroup === line.productGroup) &&
    (r.brand === undefined || r.brand === line.brand)
  );
}

/**
 * What the rule's breaks are measured on for this line: the quantity in the rule's unit (or the
 * stock unit), or the amount `quantity × list price`. `undefined` when it cannot be measured.
 */
export function lineBasis(ev: LineEval, r: CompiledRule): Dec | undefined {
  if (r.breakBasis === 'amount') {
    return ev.base === undefined ? undefined : ev.base.times(ev.line.quantity);
  }
  return quantityIn(ev.line, r.unit ?? ev.line.stockUnit);
}

function describeBasis(r: CompiledRule, ev: LineEval, v: Dec): string {
  return r.breakBasis === 'amount'
    ? `${ev.ctx.currency} ${v.toString()}`
    : `${v.toString()} ${r.unit ?? ev.line.stockUnit}`;
}

/**
 * Checks a candidate against the line: scope, validity, currency, unit, cost, list price of a
 * formula, and the break table (per line, or on `agg` for order-wide breaks). Records the
 * rejection reason when explaining and returns `undefined`, or the qualified candidate.
 */
export function qualify(
  ev: LineEval,
  r: CompiledRule,
  agg: ReadonlyMap<string, Dec> | undefined,
): Qualified | undefined {
  const { ctx, line } = ev;
  // Gathering matched the rule on the two keys it is filed under (or, in a naive scan, on its
  // whole scope); only a rule naming more dimensions needs the full check.
  if (r.extraDimensions && !inScope(r, ctx, line)) {
    ev.explaining && ev.reject(r, 'scope', `scope ${describeScope(r)} does not match`);
    return undefined;
  }
  if (r.dated && (ctx.date < r.validFrom || ctx.date > r.validTo)) {
    ev.explaining &&
      ev.reject(r, 'date', `valid ${r.validFrom} to ${r.validTo}, priced on ${ctx.date}`);
    return undefined;
  }
  if (r.moneyAmounts && r.currency !== ctx.currency) {
    ev.explaining && ev.reject(r, 'currency', `amounts in ${r.currency}, order in ${ctx.currency}`);
    return undefined;
  }
  let k = ONE;
  if (r.unit !== undefined && r.unit !== line.unit) {
    const f = unitsPer(line, line.unit, r.unit);
    if (f === undefined) {
      ev.explaining &&
        ev.reject(r, 'unit', `per ${r.unit}; ${line.productId} has no ${line.unit}→${r.unit}`);
      return undefined;
    }
    k = f;
  }
  if (r.effect === 'markup-on-cost' && ev.costPerLineUnit() === undefined) {
    ev.explaining && ev.reject(r, 'cost', `markup on cost, but ${line.productId} has no cost`);
    return undefined;
  }
  let formulaPrice: Dec | undefined;
  const formula = r.extra?.formula;
  if (formula !== undefined) {
    const failure: PriceInputFailure = { error: undefined };
    const p = listPrice(ev.book, ctx, line, formula.priceListId, undefined, false, failure);
    if (p === undefined) {
      const e = failure.error;
      ev.explaining &&
        ev.reject(
          r,
          e === undefined ? 'base' : 'currency',
          e === undefined
            ? `list ${formula.priceListId} has no price for ${line.productId} on ${ctx.date}`
            : e.message,
        );
      return undefined;
    }
    formulaPrice = p;
  }
  let tierIndex = 0;
  let basis: Dec | undefined;
  if (r.thresholds) {
    basis = r.breakScope === 'group' ? (agg?.get(r.id) ?? lineBasis(ev, r)) : lineBasis(ev, r);
    if (basis === undefined) {
      ev.explaining &&
        ev.reject(
          r,
          'quantity',
          r.breakBasis === 'amount'
            ? 'amount breaks need a list price, and there is none'
            : `quantity breaks in ${r.unit ?? line.stockUnit}, no conversion from ${line.unit}`,
        );
      return undefined;
    }
    tierIndex = -1;
    for (let i = r.tiers.length - 1; i >= 0; i--) {
      if (compareDec((r.tiers[i] as { from: Dec }).from, basis) <= 0) {
        tierIndex = i;
        break;
      }
    }
    if (ev.tracer !== undefined) traceBreak(ev, r, basis, tierIndex);
    if (tierIndex < 0) {
      const need = (r.tiers[0] as { from: Dec }).from;
      const b = basis;
      ev.explaining &&
        ev.reject(
          r,
          'quantity',
          `needs ${describeBasis(r, ev, need)}, has ${describeBasis(r, ev, b)}`,
        );
      return undefined;
    }
  }
  return { rule: r, tierIndex, k, basis, listPrice: formulaPrice };
}

function traceBreak(ev: LineEval, r: CompiledRule, basis: Dec, tierIndex: number): void {
  const tracer = ev.tracer;
  if (tracer === undefined) return;
  const unitOrCurrency =
    r.breakBasis === 'amount'
      ? { currency: ev.ctx.currency }
      : { unit: r.unit ?? ev.line.stockUnit };
  if (r.effect === 'free-goods') {
    const t = r.tiers[0];
    if (t === undefined) return;
    const rest = basis.mod(t.from);
    tracer.nextBreaks.push({
      ruleId: r.id,
      basis: r.breakBasis,
      more: t.from.minus(rest),
      at: basis.minus(rest).plus(t.from),
      value: basis.dividedToIntegerBy(t.from).plus(1).times(t.value),
      ...unitOrCurrency,
    });
    return;
  }
  const next = r.tiers[tierIndex + 1];
  if (next === undefined) return;
  tracer.nextBreaks.push({
    ruleId: r.id,
    basis: r.breakBasis,
    more: next.from.minus(basis),
    at: next.from,
    value: next.value,
    ...unitOrCurrency,
  });
}

function onBasis(ev: LineEval, r: CompiledRule, v: Dec): Dec {
  return r.includesTax === ev.ctx.priceIncludesTax
    ? v
    : toTaxBasis(v, r.includesTax, ev.ctx.priceIncludesTax, ev.line.taxRate);
}

/**
 * The price the qualified rule's effect gives from `input` (the current price), per line unit
 * in the order currency and tax basis; `undefined` when the effect needs an input price and
 * there is none. Free goods do not change the price (they return `input`).
 */
export function effectValue(ev: LineEval, q: Qualified, input: Dec | undefined): Dec | undefined {
  const r = q.rule;
  const t = r.tiers[q.tierIndex] as { value: Dec; factor: Dec };
  switch (r.effect) {
    case 'fixed-price':
      return onBasis(ev, r, q.k === ONE ? t.value : t.value.times(q.k));
    case 'discount-percent':
      return input === undefined ? undefined : input.times(t.factor);
    case 'discount-amount':
      return input === undefined
        ? undefined
        : input.minus(onBasis(ev, r, q.k === ONE ? t.value : t.value.times(q.k)));
    case 'markup-on-cost': {
      const cost = ev.costPerLineUnit() as Dec;
      return toTaxBasis(cost.times(t.factor), false, ev.ctx.priceIncludesTax, ev.line.taxRate);
    }
    case 'formula': {
      const f = r.extra?.formula;
      const base = (q.listPrice as Dec).times(t.value);
      if (f === undefined || f.addend.isZero()) return base;
      return base.plus(onBasis(ev, r, q.k === ONE ? f.addend : f.addend.times(q.k)));
    }
    case 'free-goods':
      return input;
  }
}
