/**
 * Resolving prices: `resolveOrder` / `resolveLine` through the compiled index, and the naive
 * linear scans `resolveOrderNaive` / `resolveLineNaive` that must always agree with them (used
 * by tests and the benchmark). All four run the same waterfall; only candidate gathering
 * differs.
 *
 * @module
 */
import { err, ok, type Result } from '../kernel/result';
import { resolveCurrency } from '../money/currency';
import type { Dec } from '../money/decimal';
import { Money } from '../money/money';
import type { PriceBook } from './book';
import { checkBounds, checkFloor, marginOf } from './checks';
import type { CompiledRule } from './compiled';
import type { PricingContext, PricingLine } from './context';
import type { PricingError } from './errors';
import {
  LineEval,
  listPrice,
  type PriceInputFailure,
  type Qualified,
  type Tracer,
} from './line-eval';
import type { FreeGoodsGrant, LinePrice } from './outcome';
import { compareRules, runGroup } from './policy';
import { inScope, lineBasis } from './qualify';
import { roundTo, ZERO } from './units';

/** The prices of an order's lines and the free goods they earn. */
export interface ResolvedOrder {
  /** One price per line, in input order. */
  readonly lines: readonly LinePrice[];
  /** Every free-goods grant: per line, then order-wide. */
  readonly freeGoods: readonly FreeGoodsGrant[];
}

/** A resolution error and the index of the line it concerns. */
export type LinePricingError = PricingError & { readonly lineIndex: number };

/** How candidates are gathered: through the index, or by scanning every rule. */
export type GatherMode = 'index' | 'naive';

/** Everything one evaluation produced (shared by resolution and `explain()`). */
export interface Evaluation {
  /** Per line: its price or its error. */
  readonly results: readonly Result<LinePrice, PricingError>[];
  /** The evaluated lines. */
  readonly evals: readonly LineEval[];
  /** Order-wide free goods. */
  readonly orderFreeGoods: readonly FreeGoodsGrant[];
}

const NONE: readonly never[] = Object.freeze([]);

function gather(ev: LineEval, mode: GatherMode, slots: ReturnType<PriceBook['index']['slotsFor']>) {
  if (mode === 'index') {
    ev.book.index.gather(slots, ev.line, ev.candidates);
  } else {
    for (const r of ev.book.rules.values()) {
      if (inScope(r, ev.ctx, ev.line)) ev.candidates.push(r);
    }
  }
  sortRules(ev.candidates);
}

/** Sorts candidates in {@link compareRules} order (insertion sort: lists are short). */
function sortRules(a: CompiledRule[]): void {
  for (let i = 1; i < a.length; i++) {
    const x = a[i] as CompiledRule;
    let j = i - 1;
    while (j >= 0 && compareRules(a[j] as CompiledRule, x) > 0) {
      a[j + 1] = a[j] as CompiledRule;
      j--;
    }
    a[j + 1] = x;
  }
}

function aggregate(evals: readonly LineEval[]): Map<string, Dec> {
  const agg = new Map<string, Dec>();
  for (const ev of evals) {
    for (const r of ev.candidates) {
      if (r.breakScope !== 'group' || !inScope(r, ev.ctx, ev.line)) continue;
      if (ev.ctx.date < r.validFrom || ev.ctx.date > r.validTo) continue;
      const b = lineBasis(ev, r);
      if (b !== undefined) agg.set(r.id, (agg.get(r.id) ?? ZERO).plus(b));
    }
  }
  return agg;
}

function notFound(ev: LineEval): PricingError {
  const { line, ctx } = ev;
  return {
    code: 'PRICE_NOT_FOUND',
    message: `no price for product ${line.productId} per ${line.unit}: list ${ctx.priceListId} has none on ${ctx.date} and no rule sets one`,
    productId: line.productId,
    unit: line.unit,
    priceListId: ctx.priceListId,
  };
}

function finish(ev: LineEval): Result<LinePrice, PricingError> {
  const { ctx, line, book } = ev;
  let p = ev.price;
  const manual = line.manualPrice;
  if (p === undefined && manual === undefined) return err(notFound(ev));
  if (p !== undefined) {
    const u = book.options.unitRounding;
    const rounded = roundTo(p, u.scale, u.mode);
    if (rounded !== p) {
      p = rounded;
      ev.step(
        'unit-round',
        p,
        undefined,
        undefined,
        ev.explaining ? `${u.mode} to ${u.scale} places` : undefined,
      );
    }
  }
  if (manual !== undefined) {
    p = manual;
    ev.step('manual', manual, undefined, undefined, ev.explaining ? 'typed by hand' : undefined);
  }
  const final = p as Dec;
  const unitPrice = Money.of(final, ev.currency);
  const floor = checkFloor(ev, unitPrice);
  if (floor !== undefined && 'code' in floor) return err(floor);
  if (ev.bounded !== undefined) checkBounds(ev, final);
  const cost = ev.costPerLineUnit();
  const given = line.cost;
  const value: LinePrice = {
    unitPrice,
    priceIncludesTax: ctx.priceIncludesTax,
    base: ev.base,
    basePriceListId: ev.base === undefined ? undefined : ctx.priceListId,
    steps: ev.steps,
    applied: ev.applied,
    origin: manual === undefined ? 'engine' : 'manual',
    floor,
    cost:
      cost === undefined
        ? undefined
        : given !== undefined && given.amount === cost && given.currency.code === ctx.currency
          ? given
          : Money.of(cost, ev.currency),
    margin: cost === undefined ? undefined : marginOf(ev, final, cost),
    warnings: ev.warnings ?? NONE,
    freeGoods: ev.freeGoods ?? NONE,
  };
  return ok(value);
}

function orderFree(evals: readonly LineEval[], agg: ReadonlyMap<string, Dec>): FreeGoodsGrant[] {
  const first = new Map<string, { q: Qualified; ev: LineEval }>();
  for (const ev of evals) {
    for (const q of ev.groupFree ?? []) if (!first.has(q.rule.id)) first.set(q.rule.id, { q, ev });
  }
  const sorted = [...first.values()].sort((a, b) => compareRules(a.q.rule, b.q.rule));
  const out: FreeGoodsGrant[] = [];
  const taken = new Map<string, string>();
  for (const { q, ev } of sorted) {
    const r: CompiledRule = q.rule;
    const winner = taken.get(r.group.id);
    if (r.group.policy === 'exclusive' && winner !== undefined) {
      for (const e of evals) {
        e.overrule(r.id, 'policy', `exclusive group ${r.group.id}: ${winner} comes first`);
      }
      continue;
    }
    taken.set(r.group.id, r.id);
    const t = r.tiers[0];
    const basis = agg.get(r.id);
    if (t === undefined || basis === undefined) continue;
    const quantity = basis.dividedToIntegerBy(t.from).times(t.value);
    if (quantity.isZero()) continue;
    out.push({
      ruleId: r.id,
      productId: r.extra?.freeProductId ?? ev.line.productId,
      quantity,
      unit: r.unit ?? ev.line.stockUnit,
      lineIndex: ev.index,
    });
  }
  return out;
}

/**
 * Evaluates every line of an order: gathers candidates (`mode`), looks up the base price,
 * measures order-wide breaks, runs the groups in waterfall order, rounds, applies a manual
 * price, and checks floor, bounds and margin. `tracer` is attached to line `traceIndex`.
 */
export function evaluateOrder(
  book: PriceBook,
  ctx: PricingContext,
  lines: readonly PricingLine[],
  mode: GatherMode,
  traceIndex = -1,
  tracer?: Tracer,
): Evaluation {
  const slots = mode === 'index' ? book.index.slotsFor(ctx) : [];
  const cur = resolveCurrency(ctx.currency);
  const evals: LineEval[] = [];
  const results: (Result<LinePrice, PricingError> | undefined)[] = [];
  let groupBreaks = false;
  const failure: PriceInputFailure = { error: undefined };
  for (let i = 0; i < lines.length; i++) {
    const explaining = i === traceIndex && tracer !== undefined;
    const ev = new LineEval(
      book,
      ctx,
      lines[i] as PricingLine,
      i,
      i === traceIndex ? tracer : undefined,
      cur,
    );
    evals.push(ev);
    gather(ev, mode, slots);
    for (const r of ev.candidates) if (r.breakScope === 'group') groupBreaks = true;
    const b = listPrice(book, ctx, ev.line, ctx.priceListId, ev.steps, explaining, failure);
    if (failure.error !== undefined) {
      results.push(err(failure.error));
      failure.error = undefined;
      continue;
    }
    ev.base = b;
    ev.price = b;
    results.push(undefined);
  }
  const agg = groupBreaks ? aggregate(evals) : undefined;
  for (const ev of evals) {
    if (results[ev.index] !== undefined) continue;
    const c = ev.candidates;
    let i = 0;
    while (i < c.length) {
      const g = (c[i] as CompiledRule).group;
      let j = i + 1;
      while (j < c.length && (c[j] as CompiledRule).group === g) j++;
      runGroup(ev, c, i, j, agg);
      i = j;
    }
    results[ev.index] = finish(ev);
  }
  return {
    results: results as Result<LinePrice, PricingError>[],
    evals,
    orderFreeGoods: agg === undefined ? [] : orderFree(evals, agg),
  };
}

function settle(e: Evaluation): Result<ResolvedOrder, LinePricingError> {
  const lines: LinePrice[] = [];
  const free: FreeGoodsGrant[] = [];
  for (const [i, r] of e.results.entries()) {
    if (!r.ok) return err({ ...r.error, lineIndex: i });
    lines.push(r.value);
    for (const g of r.value.freeGoods) free.push(g);
  }
  for (const g of e.orderFreeGoods) free.push(g);
  return ok({ lines, freeGoods: free });
}

/**
 * Prices every line of an order through the compiled index. Order-wide breaks
 * (`breakScope: 'group'`) are measured across the lines each rule applies to.
 *
 * @returns the line prices and free goods, or the first line's error with its index.
 */
export function resolveOrder(
  book: PriceBook,
  ctx: PricingContext,
  lines: readonly PricingLine[],
): Result<ResolvedOrder, LinePricingError> {
  return settle(evaluateOrder(book, ctx, lines, 'index'));
}

/** {@link resolveOrder} by scanning every rule instead of the index (for tests and benchmarks). */
export function resolveOrderNaive(
  book: PriceBook,
  ctx: PricingContext,
  lines: readonly PricingLine[],
): Result<ResolvedOrder, LinePricingError> {
  return settle(evaluateOrder(book, ctx, lines, 'naive'));
}

/** Prices one line on its own (order-wide breaks see only this line). */
export function resolveLine(
  book: PriceBook,
  ctx: PricingContext,
  line: PricingLine,
): Result<LinePrice, PricingError> {
  return evaluateOrder(book, ctx, [line], 'index').results[0] as Result<LinePrice, PricingError>;
}

/** {@link resolveLine} by a linear scan of every rule. */
export function resolveLineNaive(
  book: PriceBook,
  ctx: PricingContext,
  line: PricingLine,
): Result<LinePrice, PricingError> {
  return evaluateOrder(book, ctx, [line], 'naive').results[0] as Result<LinePrice, PricingError>;
}
