/**
 * Compiling pricing data into a {@link PriceBook}, and patching a book when some records
 * change — a patched book resolves exactly like one compiled from scratch.
 *
 * @module
 */
import type { NotFoundError } from '../kernel/errors';
import { err, ok, type Result } from '../kernel/result';
import { Dec } from '../money/decimal';
import { Money } from '../money/money';
import { DEFAULT_UNIT_ROUNDING, type FloorIndex, PriceBook, type PriceBookOptions } from './book';
import {
  type CompiledFloor,
  type CompiledGroup,
  CompiledRule,
  type CompiledTier,
  compileGroup,
} from './compiled';
import { flattenLists } from './derive';
import type { BundleCycleError, PriceListCycleError, PricingDataError } from './errors';
import {
  AGREEMENT_GROUP,
  type PriceBundle,
  type PriceFloor,
  type PriceRule,
  type PriceRuleGroup,
  type PricingData,
} from './model';
import type { PriceList } from './price-list';
import { OPEN_END, OPEN_START, specificity } from './scope';
import { HUNDRED, ONE, ZERO } from './units';

const MAX_INTERNED = 200_000;
const PERCENT = new Dec('0.01');

function intern(book: PriceBook, d: Dec): Dec {
  return book.decimals.size < MAX_INTERNED || book.decimals.has(d.toString()) ? book.intern(d) : d;
}

/** The shared string equal to `s` (scope values repeat across many rules). */
function str<T extends string | undefined>(book: PriceBook, s: T): T {
  if (s === undefined) return s;
  const hit = book.strings.get(s);
  if (hit !== undefined) return hit as T;
  book.strings.set(s, s);
  return s;
}

function tier(book: PriceBook, from: Dec, value: Dec, factor: Dec): CompiledTier {
  return { from: intern(book, from), value: intern(book, value), factor: intern(book, factor) };
}

function steps(rule: PriceRule): { from: Dec; value: Dec }[] {
  const e = rule.effect;
  switch (e.type) {
    case 'free-goods':
      return [{ from: e.buy, value: e.get }];
    case 'formula':
      return [{ from: ZERO, value: e.multiplier }];
    default:
      return [...(e.tiers ?? [{ from: ZERO, value: e.value ?? ZERO }])];
  }
}

function factorOf(type: string, value: Dec): Dec {
  if (type === 'discount-percent') return ONE.minus(value.times(PERCENT));
  if (type === 'markup-on-cost') return ONE.plus(value.times(PERCENT));
  return ONE;
}

/** The rule's break table; equal tables are shared (they repeat across many agreements). */
function tiersOf(book: PriceBook, rule: PriceRule): readonly CompiledTier[] {
  const type = rule.effect.type;
  const raw = steps(rule);
  const key = `${type}|${raw.map((t) => `${t.from.toString()}:${t.value.toString()}`).join('|')}`;
  const hit = book.tierTables.get(key);
  if (hit !== undefined) return hit;
  const tiers = Object.freeze(raw.map((t) => tier(book, t.from, t.value, factorOf(type, t.value))));
  if (book.tierTables.size < MAX_INTERNED) book.tierTables.set(key, tiers);
  return tiers;
}

/** Compiles one rule against its group. */
export function compileRule(book: PriceBook, rule: PriceRule, group: CompiledGroup): CompiledRule {
  const s = rule.scope;
  const e = rule.effect;
  const extra =
    e.type === 'formula' ||
    (e.type === 'free-goods' && e.productId !== undefined) ||
    rule.bounds !== undefined ||
    rule.contractNo !== undefined
      ? {
          ...(e.type === 'formula' ? { formula: e } : {}),
          ...(e.type === 'free-goods' && e.productId !== undefined
            ? { freeProductId: e.productId }
            : {}),
          ...(rule.bounds === undefined ? {} : { bounds: rule.bounds }),
          ...(rule.contractNo === undefined ? {} : { contractNo: rule.contractNo }),
        }
      : undefined;
  return new CompiledRule(
    rule.id,
    rule.kind,
    rule.name === rule.id ? rule.id : rule.name,
    group,
    rule.priority,
    specificity(s),
    str(book, s.customerId),
    str(book, s.headOfficeId),
    str(book, s.customerGroup),
    str(book, s.region),
    str(book, s.channel),
    str(book, s.departmentId),
    str(book, s.productId),
    str(book, s.productGroup),
    str(book, s.brand),
    rule.validFrom ?? OPEN_START,
    rule.validTo ?? OPEN_END,
    e.type,
    tiersOf(book, rule),
    str(book, rule.currency),
    str(book, rule.unit),
    rule.priceIncludesTax ?? false,
    rule.breakBasis ?? 'quantity',
    rule.breakScope ?? 'line',
    extra,
  );
}

function compileFloor(book: PriceBook, f: PriceFloor): CompiledFloor {
  const r = f.rule;
  return {
    id: f.id,
    productId: f.scope.productId,
    productGroup: f.scope.productGroup,
    customerGroup: f.scope.customerGroup,
    validFrom: f.validFrom ?? OPEN_START,
    validTo: f.validTo ?? OPEN_END,
    price: r.type === 'price' ? intern(book, r.value) : undefined,
    money: r.type === 'price' ? Money.of(r.value, r.currency) : undefined,
    currency: r.type === 'price' ? r.currency : undefined,
    unit: r.type === 'price' ? r.unit : undefined,
    includesTax: r.type === 'price' ? r.priceIncludesTax : false,
    marginDivisor:
      r.type === 'margin' ? ONE.minus(r.minMarginPercent.dividedBy(HUNDRED)) : undefined,
    minMarginPercent: r.type === 'margin' ? r.minMarginPercent : undefined,
  };
}

function indexFloors(floors: Iterable<CompiledFloor>): FloorIndex {
  const idx: FloorIndex = { byProduct: new Map(), byGroup: new Map(), rest: [] };
  const push = (m: Map<string, CompiledFloor[]>, k: string, f: CompiledFloor) => {
    const a = m.get(k);
    if (a === undefined) m.set(k, [f]);
    else a.push(f);
  };
  for (const f of floors) {
    if (f.productId !== undefined) push(idx.byProduct, f.productId, f);
    else if (f.productGroup !== undefined) push(idx.byGroup, f.productGroup, f);
    else idx.rest.push(f);
  }
  // By id, so warnings and ties never depend on the order floors were stored in.
  const byId = (a: CompiledFloor, b: CompiledFloor) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  for (const a of idx.byProduct.values()) a.sort(byId);
  for (const a of idx.byGroup.values()) a.sort(byId);
  idx.rest.sort(byId);
  return idx;
}

function rankGroups(book: PriceBook): void {
  const sorted = [...book.groups.values()].sort((a, b) =>
    a.sequence !== b.sequence ? a.sequence - b.sequence : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  sorted.forEach((g, i) => {
    g.rank = i;
  });
}

function relist(book: PriceBook): PriceListCycleError | undefined {
  const { lists, broken } = flattenLists([...book.sourceLists.values()]);
  book.lists.clear();
  for (const [id, l] of lists) book.lists.set(id, l);
  recurrencies(book);
  if (broken.length === 0) return undefined;
  return {
    code: 'PRICE_LIST_CYCLE',
    message: `price lists ${broken.join(', ')} derive from a missing list or through a cycle`,
    cycle: broken,
    field: 'basedOn.priceListId',
  };
}

function recurrencies(book: PriceBook): void {
  const c = new Set<string>();
  for (const l of book.lists.values()) c.add(l.currency);
  for (const f of book.floors.values()) if (f.currency !== undefined) c.add(f.currency);
  book.currencies = c;
}

function missingGroup(rule: PriceRule): NotFoundError {
  return {
    code: 'NOT_FOUND',
    message: `groupId: rule ${rule.id} names no known group ${rule.groupId}`,
    entity: 'price-rule-group',
    id: rule.groupId,
    field: 'groupId',
  };
}

/** The bundle-cycle error of a bundle containing itself, or `undefined`. */
export function bundleCycle(b: PriceBundle): BundleCycleError | undefined {
  const i = b.components.findIndex((c) => c.productId === b.id);
  if (i < 0) return undefined;
  return {
    code: 'BUNDLE_CYCLE',
    message: `components.${i}.productId: bundle ${b.id} cannot contain itself`,
    bundleId: b.id,
    field: `components.${i}.productId`,
  };
}

function removeRule(book: PriceBook, id: string): void {
  const old = book.rules.get(id);
  if (old === undefined) return;
  book.index.remove(old);
  book.rules.delete(id);
}

function setRule(book: PriceBook, rule: PriceRule): Result<void, NotFoundError> {
  removeRule(book, rule.id);
  if (!rule.active) return ok(undefined);
  const g = book.groups.get(rule.groupId);
  if (g === undefined) return err(missingGroup(rule));
  const c = compileRule(book, rule, g);
  book.rules.set(rule.id, c);
  book.index.add(c);
  return ok(undefined);
}

/**
 * Compiles pricing data into a price book. Rules and agreements are indexed by scope; derived
 * lists are flattened; inactive records are left out.
 *
 * @returns the book, or the first problem: a rule naming an unknown group (`NOT_FOUND`), a
 *   derivation cycle or missing base list (`PRICE_LIST_CYCLE`), a bundle containing itself
 *   (`BUNDLE_CYCLE`).
 */
export function compilePriceBook(
  data: PricingData,
  options: Partial<PriceBookOptions> = {},
): Result<PriceBook, PricingDataError> {
  const book = new PriceBook({ unitRounding: options.unitRounding ?? DEFAULT_UNIT_ROUNDING });
  for (const g of [AGREEMENT_GROUP, ...data.groups]) {
    book.sourceGroups.set(g.id, g);
    book.groups.set(g.id, compileGroup(g));
  }
  rankGroups(book);
  for (const l of data.priceLists) book.sourceLists.set(l.id, l);
  for (const f of data.floors) if (f.active) book.floors.set(f.id, compileFloor(book, f));
  book.floorIndex = indexFloors(book.floors.values());
  const listProblem = relist(book);
  if (listProblem !== undefined) return err(listProblem);
  for (const r of data.rules) {
    const s = setRule(book, r);
    if (!s.ok) return s;
  }
  for (const b of data.bundles) {
    const cycle = bundleCycle(b);
    if (cycle !== undefined) return err(cycle);
    book.bundles.set(b.id, b);
  }
  return ok(book);
}

/** One changed pricing record: its new state, or `undefined` when it no longer exists. */
export type PricingChange =
  | { readonly kind: 'price-list'; readonly id: string; readonly value: PriceList | undefined }
  | {
      readonly kind: 'price-rule-group';
      readonly id: string;
      readonly value: PriceRuleGroup | undefined;
    }
  | { readonly kind: 'price-rule'; readonly id: string; readonly value: PriceRule | undefined }
  | { readonly kind: 'price-floor'; readonly id: string; readonly value: PriceFloor | undefined }
  | { readonly kind: 'price-bundle'; readonly id: string; readonly value: PriceBundle | undefined };

/**
 * Applies changed records to a book **in place** and returns it: a rule is re-filed in the
 * index (a few array operations), a list change re-flattens the lists, a group change re-ranks
 * the groups, a floor change re-indexes the floors. Applying the same change twice is harmless.
 * The result resolves exactly like `compilePriceBook` over the changed data.
 */
export function patchPriceBook(
  book: PriceBook,
  changes: readonly PricingChange[],
): Result<PriceBook, PricingDataError> {
  let lists = false;
  let groups = false;
  let floors = false;
  // Groups first, so a rule may name a group changed in the same batch.
  const ordered = [...changes].sort(
    (a, b) => Number(b.kind === 'price-rule-group') - Number(a.kind === 'price-rule-group'),
  );
  for (const c of ordered) {
    switch (c.kind) {
      case 'price-list':
        if (c.value === undefined) book.sourceLists.delete(c.id);
        else book.sourceLists.set(c.id, c.value);
        lists = true;
        break;
      case 'price-rule-group': {
        const g = c.value ?? (c.id === AGREEMENT_GROUP.id ? AGREEMENT_GROUP : undefined);
        if (g === undefined) break;
        book.sourceGroups.set(g.id, g);
        const cur = book.groups.get(g.id);
        if (cur === undefined) book.groups.set(g.id, compileGroup(g));
        else Object.assign(cur, compileGroup(g), { rank: cur.rank });
        groups = true;
        break;
      }
      case 'price-rule': {
        if (c.value === undefined) {
          removeRule(book, c.id);
          break;
        }
        const r = setRule(book, c.value);
        if (!r.ok) return r;
        break;
      }
      case 'price-floor':
        book.floors.delete(c.id);
        if (c.value?.active) book.floors.set(c.id, compileFloor(book, c.value));
        floors = true;
        break;
      case 'price-bundle': {
        if (c.value === undefined) {
          book.bundles.delete(c.id);
          break;
        }
        const cycle = bundleCycle(c.value);
        if (cycle !== undefined) return err(cycle);
        book.bundles.set(c.id, c.value);
        break;
      }
    }
  }
  if (groups) rankGroups(book);
  if (floors) {
    book.floorIndex = indexFloors(book.floors.values());
    recurrencies(book);
  }
  if (lists) {
    const p = relist(book);
    if (p !== undefined) return err(p);
  }
  return ok(book);
}
