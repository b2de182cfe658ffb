/**
 * Composition inside one rule group — exclusive, best-for-customer, additive, compound — and
 * the deterministic order candidates are considered in.
 *
 * @module
 */
import type { Dec } from '../money/decimal';
import type { CompiledGroup, CompiledRule } from './compiled';
import { append, type LineEval, type Qualified } from './line-eval';
import { effectValue, qualify } from './qualify';
import { roundTo, ZERO } from './units';

/**
 * The order candidates are considered in, independent of how rules were stored: group rank,
 * then specificity (higher first), then priority (higher first), then id (ascending).
 */
export function compareRules(a: CompiledRule, b: CompiledRule): number {
  if (a.group.rank !== b.group.rank) return a.group.rank - b.group.rank;
  if (a.specificity !== b.specificity) return b.specificity - a.specificity;
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function describe(r: CompiledRule): string {
  return `${r.id} (specificity ${r.specificity}, priority ${r.priority})`;
}

function step(ev: LineEval, q: Qualified, price: Dec, prefix = ''): void {
  ev.step(
    'rule',
    price,
    q.rule.id,
    q.rule.group.id,
    ev.explaining ? `${note(ev, q)}${prefix}` : undefined,
  );
  ev.markApplied(q.rule.id);
  ev.accept(q);
}

function note(ev: LineEval, q: Qualified): string {
  const r = q.rule;
  const t = r.tiers[q.tierIndex];
  const v = t?.value.toString() ?? '';
  const from = q.tierIndex > 0 || !(t?.from.isZero() ?? true) ? ` (break ${t?.from})` : '';
  switch (r.effect) {
    case 'fixed-price':
      return `${r.kind} price ${v} per ${r.unit ?? ev.line.unit}${from}`;
    case 'discount-percent':
      return `− ${v} %${from}`;
    case 'discount-amount':
      return `− ${v} per ${r.unit ?? ev.line.unit}${from}`;
    case 'markup-on-cost':
      return `cost + ${v} %${from}`;
    case 'formula':
      return `list ${r.extra?.formula?.priceListId} × ${v}${r.extra?.formula?.addend.isZero() === false ? ` + ${r.extra.formula.addend}` : ''}`;
    default:
      return r.effect;
  }
}

function exclusive(ev: LineEval, qs: readonly Qualified[]): boolean {
  let winner: Qualified | undefined;
  for (const q of qs) {
    if (winner !== undefined) {
      const w = winner.rule;
      const lostOnPriority = q.rule.specificity === w.specificity && q.rule.priority < w.priority;
      ev.explaining &&
        ev.reject(
          q.rule,
          lostOnPriority ? 'priority' : 'policy',
          lostOnPriority
            ? `exclusive group ${w.group.id}: ${w.id} has a higher priority (${w.priority} > ${q.rule.priority})`
            : `exclusive group ${w.group.id}: ${describe(w)} comes first, then ${describe(q.rule)}`,
        );
      continue;
    }
    const v = effectValue(ev, q, ev.price);
    if (v === undefined) {
      ev.explaining && ev.reject(q.rule, 'base', 'needs a price to adjust and there is none yet');
      continue;
    }
    winner = q;
    ev.price = v;
    step(ev, q, v);
  }
  return winner !== undefined;
}

function best(ev: LineEval, qs: readonly Qualified[]): boolean {
  let winner: Qualified | undefined;
  let wv: Dec | undefined;
  const values: (Dec | undefined)[] = [];
  for (const q of qs) {
    const v = effectValue(ev, q, ev.price);
    values.push(v);
    if (v !== undefined && (wv === undefined || v.lessThan(wv))) {
      winner = q;
      wv = v;
    }
  }
  qs.forEach((q, i) => {
    if (q === winner) return;
    const v = values[i];
    if (v === undefined)
      ev.explaining && ev.reject(q.rule, 'base', 'needs a price to adjust and none yet');
    else
      ev.explaining &&
        ev.reject(q.rule, 'policy', `best for customer: gives ${v}, ${winner?.rule.id} ${wv}`);
  });
  if (winner === undefined || wv === undefined) return false;
  ev.price = wv;
  step(ev, winner, wv);
  return true;
}

function compound(ev: LineEval, qs: readonly Qualified[]): boolean {
  let any = false;
  for (const q of qs) {
    const v = effectValue(ev, q, ev.price);
    if (v === undefined) {
      ev.explaining && ev.reject(q.rule, 'base', 'needs a price to adjust and there is none yet');
      continue;
    }
    ev.price = v;
    step(ev, q, v);
    any = true;
  }
  return any;
}

function additive(ev: LineEval, qs: readonly Qualified[]): boolean {
  const input = ev.price;
  if (input === undefined) return compound(ev, qs);
  let sum = input;
  let any = false;
  for (const q of qs) {
    const v = effectValue(ev, q, input);
    if (v === undefined) {
      ev.explaining && ev.reject(q.rule, 'base', 'needs a price to adjust and there is none yet');
      continue;
    }
    sum = sum.plus(v.minus(input));
    step(ev, q, sum, `, on ${input}`);
    any = true;
  }
  ev.price = sum;
  return any;
}

function settleFreeGoods(ev: LineEval, g: CompiledGroup, qs: readonly Qualified[]): void {
  let first = true;
  for (const q of qs) {
    if (!first && g.policy === 'exclusive') {
      ev.explaining &&
        ev.reject(q.rule, 'policy', `exclusive group ${g.id}: ${qs[0]?.rule.id} comes first`);
      continue;
    }
    first = false;
    if (q.rule.breakScope === 'group') {
      ev.groupFree = append(ev.groupFree, q);
      ev.accept(q);
      continue;
    }
    const t = q.rule.tiers[0];
    if (t === undefined || q.basis === undefined) continue;
    ev.accept(q);
    ev.freeGoods = append(ev.freeGoods, {
      ruleId: q.rule.id,
      productId: q.rule.extra?.freeProductId ?? ev.line.productId,
      quantity: q.basis.dividedToIntegerBy(t.from).times(t.value),
      unit: q.rule.unit ?? ev.line.stockUnit,
      lineIndex: ev.index,
    });
  }
}

function composed(
  ev: LineEval,
  g: CompiledGroup,
  cands: readonly CompiledRule[],
  from: number,
  to: number,
  agg: ReadonlyMap<string, Dec> | undefined,
): boolean {
  const price: Qualified[] = [];
  let free: Qualified[] | undefined;
  for (let i = from; i < to; i++) {
    const q = qualify(ev, cands[i] as CompiledRule, agg);
    if (q === undefined) continue;
    if (q.rule.effect === 'free-goods') free = append(free, q);
    else price.push(q);
    if (q.rule.kind === 'agreement' && q.rule.extra?.bounds !== undefined) {
      ev.bounded = append(ev.bounded, q);
    }
  }
  if (free !== undefined) settleFreeGoods(ev, g, free);
  if (price.length === 0) return false;
  switch (g.policy) {
    case 'exclusive':
      return exclusive(ev, price);
    case 'best-for-customer':
      return best(ev, price);
    case 'additive':
      return additive(ev, price);
    case 'compound':
      return compound(ev, price);
  }
}

/**
 * The exclusive policy without an explanation to write: the same decision as `composed` +
 * `exclusive` (the first qualified rule that gives a price wins), but losers after the winner
 * are not qualified at all — except agreements with bounds, whose bounds still warn.
 */
function exclusiveFast(
  ev: LineEval,
  g: CompiledGroup,
  cands: readonly CompiledRule[],
  from: number,
  to: number,
  agg: ReadonlyMap<string, Dec> | undefined,
): boolean {
  let won = false;
  let free: Qualified[] | undefined;
  for (let i = from; i < to; i++) {
    const r = cands[i] as CompiledRule;
    const bounded = r.kind === 'agreement' && r.extra?.bounds !== undefined;
    if (won && r.effect !== 'free-goods' && !bounded) continue;
    const q = qualify(ev, r, agg);
    if (q === undefined) continue;
    if (bounded) ev.bounded = append(ev.bounded, q);
    if (r.effect === 'free-goods') {
      free = append(free, q);
      continue;
    }
    if (won) continue;
    const v = effectValue(ev, q, ev.price);
    if (v === undefined) continue;
    ev.price = v;
    step(ev, q, v);
    won = true;
  }
  if (free !== undefined) settleFreeGoods(ev, g, free);
  return won;
}

/**
 * Runs one group on the line: qualifies its candidates (`cands[from..to)`, already in
 * {@link compareRules} order), composes the price rules by the group's policy, settles its
 * free-goods rules (exclusive: the first; otherwise all), clamps a negative price to zero, and
 * rounds when the group declares it and one of its rules applied.
 */
export function runGroup(
  ev: LineEval,
  cands: readonly CompiledRule[],
  from: number,
  to: number,
  agg: ReadonlyMap<string, Dec> | undefined,
): void {
  const g = (cands[from] as CompiledRule).group;
  const applied =
    g.policy === 'exclusive' && !ev.explaining
      ? exclusiveFast(ev, g, cands, from, to, agg)
      : composed(ev, g, cands, from, to, agg);
  if (ev.price?.isNegative() && !ev.price.isZero()) {
    const was = ev.price;
    ev.price = ZERO;
    ev.step('clamp', ZERO, undefined, g.id, ev.explaining ? `${was} is below 0` : undefined);
    ev.warn({
      code: 'NEGATIVE_PRICE_CLAMPED',
      message: `group ${g.id} took the price to ${was}; set to 0`,
    });
  }
  const round = g.round;
  if (applied && round !== undefined && ev.price !== undefined) {
    const rounded = roundTo(ev.price, round.scale, round.mode);
    if (rounded !== ev.price) {
      ev.price = rounded;
      const note = ev.explaining ? `${round.mode} to ${round.scale} places` : undefined;
      ev.step('group-round', rounded, undefined, g.id, note);
    }
  }
}
