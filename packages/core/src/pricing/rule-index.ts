/**
 * The in-memory index of a price book: rules filed under their most specific customer-side
 * key and their most specific product-side key, so the candidates of a line are a handful of
 * map lookups whatever the number of rules.
 *
 * @module
 */

import { type CompiledRule, Slot } from './compiled';
import type { PricingContext, PricingLine } from './context';
import { CUSTOMER_DIMENSIONS, type CustomerDimension } from './model';

function pushTo<K>(map: Map<K, CompiledRule[]>, key: K, rule: CompiledRule): void {
  const arr = map.get(key);
  if (arr === undefined) map.set(key, [rule]);
  else arr.push(rule);
}

function removeFrom<K>(map: Map<K, CompiledRule[]> | undefined, key: K, rule: CompiledRule) {
  const arr = map?.get(key);
  if (arr === undefined) return;
  const i = arr.indexOf(rule);
  if (i >= 0) arr.splice(i, 1);
  if (arr.length === 0) map?.delete(key);
}

/** Rules by customer-side key, then product-side key. */
export class RuleIndex {
  private readonly byDimension = new Map<CustomerDimension, Map<string, Slot>>(
    CUSTOMER_DIMENSIONS.map((d) => [d, new Map<string, Slot>()]),
  );
  private readonly anyCustomer = new Slot();
  /** Rules naming a product, group or brand, by `p:`/`g:`/`b:` key — for explanations. */
  private readonly byProductKey = new Map<string, CompiledRule[]>();

  private slotOf(rule: CompiledRule, create: boolean): Slot | undefined {
    for (const d of CUSTOMER_DIMENSIONS) {
      const v = rule[d];
      if (v === undefined) continue;
      const m = this.byDimension.get(d) as Map<string, Slot>;
      let s = m.get(v);
      if (s === undefined && create) {
        s = new Slot();
        m.set(v, s);
      }
      return s;
    }
    return this.anyCustomer;
  }

  /** Files a rule. */
  add(rule: CompiledRule): void {
    const s = this.slotOf(rule, true) as Slot;
    if (rule.productId !== undefined) {
      s.byProduct ??= new Map();
      pushTo(s.byProduct, rule.productId, rule);
      pushTo(this.byProductKey, `p:${rule.productId}`, rule);
    } else if (rule.productGroup !== undefined) {
      s.byGroup ??= new Map();
      pushTo(s.byGroup, rule.productGroup, rule);
      pushTo(this.byProductKey, `g:${rule.productGroup}`, rule);
    } else if (rule.brand !== undefined) {
      s.byBrand ??= new Map();
      pushTo(s.byBrand, rule.brand, rule);
      pushTo(this.byProductKey, `b:${rule.brand}`, rule);
    } else {
      s.any ??= [];
      s.any.push(rule);
    }
  }

  /** Removes a rule filed earlier (the same object). */
  remove(rule: CompiledRule): void {
    const s = this.slotOf(rule, false);
    if (s === undefined) return;
    if (rule.productId !== undefined) {
      removeFrom(s.byProduct, rule.productId, rule);
      removeFrom(this.byProductKey, `p:${rule.productId}`, rule);
    } else if (rule.productGroup !== undefined) {
      removeFrom(s.byGroup, rule.productGroup, rule);
      removeFrom(this.byProductKey, `g:${rule.productGroup}`, rule);
    } else if (rule.brand !== undefined) {
      removeFrom(s.byBrand, rule.brand, rule);
      removeFrom(this.byProductKey, `b:${rule.brand}`, rule);
    } else if (s.any !== undefined) {
      const i = s.any.indexOf(rule);
      if (i >= 0) s.any.splice(i, 1);
    }
  }

  /**
   * The rules filed under the same two keys as `rule` (it need not be filed itself): the only
   * rules that can have exactly its scope.
   */
  filedWith(rule: CompiledRule): readonly CompiledRule[] {
    const s = this.slotOf(rule, false);
    if (s === undefined) return [];
    if (rule.productId !== undefined) return s.byProduct?.get(rule.productId) ?? [];
    if (rule.productGroup !== undefined) return s.byGroup?.get(rule.productGroup) ?? [];
    if (rule.brand !== undefined) return s.byBrand?.get(rule.brand) ?? [];
    return s.any ?? [];
  }

  /** The slots a context can draw candidates from (computed once per order). */
  slotsFor(ctx: PricingContext): Slot[] {
    const out: Slot[] = [];
    for (const d of CUSTOMER_DIMENSIONS) {
      const v = ctx[d];
      if (v === undefined) continue;
      const s = (this.byDimension.get(d) as Map<string, Slot>).get(v);
      if (s !== undefined) out.push(s);
    }
    out.push(this.anyCustomer);
    return out;
  }

  /**
   * Appends to `out` every rule filed under one of `slots` and the line's product, product
   * group, brand or "every product". They match the line on their two filing keys; the other
   * scope dimensions are checked when the candidate is evaluated.
   */
  gather(slots: readonly Slot[], line: PricingLine, out: CompiledRule[]): void {
    for (const s of slots) {
      if (s.byProduct !== undefined) {
        const a = s.byProduct.get(line.productId);
        if (a !== undefined) for (const r of a) out.push(r);
      }
      if (s.byGroup !== undefined && line.productGroup !== undefined) {
        const a = s.byGroup.get(line.productGroup);
        if (a !== undefined) for (const r of a) out.push(r);
      }
      if (s.byBrand !== undefined && line.brand !== undefined) {
        const a = s.byBrand.get(line.brand);
        if (a !== undefined) for (const r of a) out.push(r);
      }
      if (s.any !== undefined) for (const r of s.any) out.push(r);
    }
  }

  /** Every rule naming the line's product, product group or brand, for any customer. */
  forProduct(line: PricingLine): CompiledRule[] {
    const out: CompiledRule[] = [];
    const keys = [`p:${line.productId}`];
    if (line.productGroup !== undefined) keys.push(`g:${line.productGroup}`);
    if (line.brand !== undefined) keys.push(`b:${line.brand}`);
    for (const k of keys) {
      const a = this.byProductKey.get(k);
      if (a !== undefined) out.push(...a);
    }
    return out;
  }
}
