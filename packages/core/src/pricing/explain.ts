/**
 * `explain()`: the full waterfall of one line as data — every candidate with the reason it
 * was applied or rejected, every step and rounding, the breaks within reach. It runs the same
 * evaluation as `resolveOrder` with a tracer attached, so its result *is* the applied price.
 *
 * @module
 */
import type { Result } from '../kernel/result';
import type { Dec } from '../money/decimal';
import type { PriceBook } from './book';
import type { PricingContext, PricingLine } from './context';
import type { PricingError } from './errors';
import type { Tracer } from './line-eval';
import type { CandidateReport, FreeGoodsGrant, LinePrice, NextBreak, PriceStep } from './outcome';
import { inScope } from './qualify';
import { evaluateOrder } from './resolve';
import { describeScope } from './scope';

/** The explanation of one line's price. */
export interface PriceExplanation {
  /** The line explained. */
  readonly lineIndex: number;
  /** Its product. */
  readonly productId: string;
  /** Its quantity. */
  readonly quantity: Dec;
  /** Its unit. */
  readonly unit: string;
  /** The pricing date. */
  readonly date: string;
  /** The order currency. */
  readonly currency: string;
  /** The base list. */
  readonly priceListId: string;
  /** The price exactly as `resolveOrder` gives it (or the error). */
  readonly result: Result<LinePrice, PricingError>;
  /** The waterfall: list price, conversions, each rule, each rounding. */
  readonly steps: readonly PriceStep[];
  /** Ids of the winning rules, in the order they applied. */
  readonly winners: readonly string[];
  /**
   * Every candidate: the rules gathered for the line in evaluation order (group, specificity,
   * priority, id), each applied or rejected with a typed reason, then the rules that name this
   * product, its group or its brand for other customers (rejected for `scope`).
   */
  readonly candidates: readonly CandidateReport[];
  /** "Buy N more to reach the next break", per rule with a break table. */
  readonly nextBreaks: readonly NextBreak[];
  /** Free goods this line earns (alone or as the first line of an order-wide rule). */
  readonly freeGoods: readonly FreeGoodsGrant[];
}

/**
 * Explains line `index` of an order (`lines` may be just that line). The other lines matter
 * only for order-wide breaks.
 *
 * @throws RangeError when `index` is not a line of `lines` (a bug in the caller).
 */
export function explain(
  book: PriceBook,
  ctx: PricingContext,
  lines: readonly PricingLine[],
  index = 0,
): PriceExplanation {
  const line = lines[index];
  if (line === undefined) throw new RangeError(`explain: no line ${index}`);
  const tracer: Tracer = { candidates: [], nextBreaks: [] };
  const e = evaluateOrder(book, ctx, lines, 'index', index, tracer);
  const ev = e.evals[index];
  const result = e.results[index] as Result<LinePrice, PricingError>;
  const gathered = new Set(ev?.candidates.map((r) => r.id));
  for (const r of book.index.forProduct(line)) {
    if (gathered.has(r.id) || inScope(r, ctx, line)) continue;
    gathered.add(r.id);
    tracer.candidates.push({
      ruleId: r.id,
      name: r.name,
      kind: r.kind,
      groupId: r.group.id,
      policy: r.group.policy,
      effect: r.effect,
      specificity: r.specificity,
      priority: r.priority,
      status: 'rejected',
      reason: { code: 'scope', message: `scope ${describeScope(r)} does not match` },
    });
  }
  return {
    lineIndex: index,
    productId: line.productId,
    quantity: line.quantity,
    unit: line.unit,
    date: ctx.date,
    currency: ctx.currency,
    priceListId: ctx.priceListId,
    result,
    steps: ev?.steps ?? [],
    winners: result.ok ? result.value.applied : (ev?.applied ?? []),
    candidates: tracer.candidates,
    nextBreaks: tracer.nextBreaks,
    freeGoods: [
      ...(result.ok ? result.value.freeGoods : []),
      ...e.orderFreeGoods.filter((g) => g.lineIndex === index),
    ],
  };
}
