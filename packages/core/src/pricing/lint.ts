/**
 * Author-time checks of pricing data. Resolution never throws a "conflict": two rules of an
 * exclusive group always resolve by the documented order. `lint` reports the overlaps that make
 * that order matter — same group, same scope, same priority, overlapping dates — before they
 * go live, plus references that cannot work.
 *
 * @module
 */
import type { PriceBook } from './book';
import { bundleCycle, compileRule } from './compile';
import type { CompiledRule } from './compiled';
import { findDerivationCycle } from './derive';
import type { PricingOverlapError } from './errors';
import {
  AGREEMENT_GROUP,
  type EffectType,
  type GroupPolicy,
  type IsoDate,
  type PriceRule,
  type PricingData,
} from './model';
import type { PriceList } from './price-list';
import { OPEN_END, scopeKey, validityOverlaps } from './scope';

/** Stable codes of lint findings. */
export type LintCode =
  | 'OVERLAP'
  | 'UNKNOWN_GROUP'
  | 'UNKNOWN_PRICE_LIST'
  | 'DERIVATION_CYCLE'
  | 'BUNDLE_CYCLE'
  | 'EXPIRED';

/** One finding. `error`s would be rejected on save; `warning`s are allowed. */
export interface LintFinding {
  /** Stable code. */
  readonly code: LintCode;
  /** `error` or `warning`. */
  readonly severity: 'error' | 'warning';
  /** Message naming the records and the figures. */
  readonly message: string;
  /** The records concerned. */
  readonly ids: readonly string[];
  /** The group concerned. */
  readonly groupId?: string;
}

function effectClass(effect: EffectType): string {
  return effect === 'free-goods' ? 'free' : 'price';
}

/** Options of {@link lint}. */
export interface LintOptions {
  /** Report rules that ended before this day (`EXPIRED`). */
  readonly date?: IsoDate;
}

/**
 * Lints pricing data: overlapping rules (`OVERLAP`: same group, scope, priority and effect
 * class on overlapping dates — an error in an exclusive group, a warning elsewhere, since
 * additive and compound groups would stack them), rules naming an unknown group or formula
 * list, derivation cycles, bundles containing themselves, and (with `date`) expired rules.
 * Inactive records are ignored. The findings are sorted by code, then ids.
 */
export function lint(data: PricingData, options: LintOptions = {}): LintFinding[] {
  const out: LintFinding[] = [];
  const policies = new Map<string, GroupPolicy>([[AGREEMENT_GROUP.id, AGREEMENT_GROUP.policy]]);
  for (const g of data.groups) policies.set(g.id, g.policy);
  const lists = new Map<string, PriceList>(data.priceLists.map((l) => [l.id, l]));
  const buckets = new Map<string, PriceRule[]>();
  for (const r of data.rules) {
    if (!r.active) continue;
    if (!policies.has(r.groupId)) {
      out.push({
        code: 'UNKNOWN_GROUP',
        severity: 'error',
        message: `rule ${r.id} names group ${r.groupId}, which does not exist`,
        ids: [r.id],
        groupId: r.groupId,
      });
    }
    if (r.effect.type === 'formula' && !lists.has(r.effect.priceListId)) {
      out.push({
        code: 'UNKNOWN_PRICE_LIST',
        severity: 'error',
        message: `rule ${r.id} computes from price list ${r.effect.priceListId}, which does not exist`,
        ids: [r.id],
      });
    }
    if (options.date !== undefined && (r.validTo ?? OPEN_END) < options.date) {
      out.push({
        code: 'EXPIRED',
        severity: 'warning',
        message: `rule ${r.id} ended on ${r.validTo}`,
        ids: [r.id],
      });
    }
    const key = [r.groupId, scopeKey(r.scope), r.priority, effectClass(r.effect.type)].join(
      '\u0000',
    );
    const b = buckets.get(key);
    if (b === undefined) buckets.set(key, [r]);
    else b.push(r);
  }
  for (const rules of buckets.values()) {
    if (rules.length < 2) continue;
    const sorted = [...rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        const a = sorted[i] as PriceRule;
        const b = sorted[j] as PriceRule;
        if (!validityOverlaps(a, b)) continue;
        const exclusive = policies.get(a.groupId) === 'exclusive';
        out.push({
          code: 'OVERLAP',
          severity: exclusive ? 'error' : 'warning',
          message: `rules ${a.id} and ${b.id} of ${exclusive ? 'exclusive ' : ''}group ${a.groupId} have the same scope (${scopeKey(a.scope) || 'everyone'}) and priority ${a.priority} on overlapping dates`,
          ids: [a.id, b.id],
          groupId: a.groupId,
        });
      }
    }
  }
  for (const l of data.priceLists) {
    const cycle = findDerivationCycle(lists, l.id);
    if (cycle !== undefined && cycle[0] === [...cycle].sort()[0]) {
      out.push({
        code: 'DERIVATION_CYCLE',
        severity: 'error',
        message: `price lists derive in a cycle: ${[...cycle, l.id].join(' → ')}`,
        ids: cycle,
      });
    }
  }
  for (const b of data.bundles) {
    const c = bundleCycle(b);
    if (c !== undefined) {
      out.push({ code: 'BUNDLE_CYCLE', severity: 'error', message: c.message, ids: [b.id] });
    }
  }
  return out.sort((a, b) =>
    a.code !== b.code ? (a.code < b.code ? -1 : 1) : a.ids.join() < b.ids.join() ? -1 : 1,
  );
}

function sameScope(a: CompiledRule, b: CompiledRule): boolean {
  return (
    a.customerId === b.customerId &&
    a.headOfficeId === b.headOfficeId &&
    a.customerGroup === b.customerGroup &&
    a.region === b.region &&
    a.channel === b.channel &&
    a.departmentId === b.departmentId &&
    a.productId === b.productId &&
    a.productGroup === b.productGroup &&
    a.brand === b.brand
  );
}

/**
 * The overlap a rule about to be saved would create in an exclusive group of the book (same
 * scope, priority and effect class on overlapping dates, another id), as the typed error the
 * save returns; `undefined` when there is none or the group is not exclusive.
 */
export function exclusiveOverlap(
  book: PriceBook,
  rule: PriceRule,
): PricingOverlapError | undefined {
  const g = book.groups.get(rule.groupId);
  if (g === undefined || g.policy !== 'exclusive' || !rule.active) return undefined;
  const c = compileRule(book, rule, g);
  for (const o of book.index.filedWith(c)) {
    if (o.id === rule.id || o.group !== g || o.priority !== c.priority) continue;
    if (effectClass(o.effect) !== effectClass(c.effect) || !sameScope(o, c)) continue;
    if (o.validFrom > c.validTo || c.validFrom > o.validTo) continue;
    return {
      code: 'PRICING_OVERLAP',
      message: `validFrom: rule ${rule.id} would overlap ${o.id} in exclusive group ${g.id} (same scope, priority ${c.priority}, dates ${o.validFrom} to ${o.validTo})`,
      ruleId: rule.id,
      otherRuleId: o.id,
      groupId: g.id,
      field: 'validFrom',
    };
  }
  return undefined;
}
