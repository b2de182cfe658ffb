/**
 * Derived price lists: "dealer = retail − 15 %", chains allowed, cycles rejected. A derived
 * list is flattened into plain entries when the book is compiled, keeping the chain each price
 * came through for explanations.
 *
 * @module
 */
import type { Dec } from '../money/decimal';
import { roundDecimal } from '../money/rounding';
import type { DerivationMismatchError, PriceListCycleError } from './errors';
import type { PriceList } from './price-list';
import { OPEN_END, OPEN_START } from './scope';
import { HUNDRED, ONE, ZERO } from './units';

/** One link of a derivation chain: the base list and its price before the derivation. */
export interface DerivationLink {
  /** The base list. */
  readonly priceListId: string;
  /** Its price, before this derivation. */
  readonly price: Dec;
}

/** A flattened price of a compiled list. */
export interface CompiledEntry {
  /** Unit the price is per. */
  readonly unit: string;
  /** Price per unit in the list's currency and tax basis. */
  readonly price: Dec;
  /** First valid day. */
  readonly validFrom: string;
  /** Last valid day. */
  readonly validTo: string;
  /** The derivation chain, base-most first (empty for the list's own prices). */
  readonly via: readonly DerivationLink[];
}

/** A price list flattened for lookup: entries by product. */
export interface CompiledList {
  /** Id. */
  readonly id: string;
  /** Currency. */
  readonly currency: string;
  /** Tax basis. */
  readonly priceIncludesTax: boolean;
  /** First valid day of the list. */
  readonly validFrom: string;
  /** Last valid day of the list. */
  readonly validTo: string;
  /** Entries by product id. */
  readonly entries: ReadonlyMap<string, readonly CompiledEntry[]>;
  /** Whether a price converts to other units of the product. */
  readonly convertUnits: boolean;
}

/**
 * The derivation cycle `start` is part of, as the list of ids from `start` back to it, or
 * `undefined`. Lists missing from `lists` end a chain.
 */
export function findDerivationCycle(
  lists: ReadonlyMap<string, PriceList>,
  start: string,
): string[] | undefined {
  const path: string[] = [];
  const seen = new Set<string>();
  let cur: string | undefined = start;
  while (cur !== undefined) {
    if (seen.has(cur)) return cur === start ? path : undefined;
    seen.add(cur);
    path.push(cur);
    cur = lists.get(cur)?.basedOn?.priceListId;
  }
  return undefined;
}

/** Checks a list's derivation against the other lists: a cycle, another currency or tax basis. */
export function checkDerivation(
  list: PriceList,
  lists: ReadonlyMap<string, PriceList>,
): PriceListCycleError | DerivationMismatchError | 'missing-base' | undefined {
  if (list.basedOn === undefined) return undefined;
  const all = new Map(lists);
  all.set(list.id, list);
  const base = all.get(list.basedOn.priceListId);
  if (base === undefined) return 'missing-base';
  const cycle = findDerivationCycle(all, list.id);
  if (cycle !== undefined) {
    return {
      code: 'PRICE_LIST_CYCLE',
      message: `basedOn.priceListId: deriving ${list.id} from ${base.id} makes a cycle ${[...cycle, list.id].join(' → ')}`,
      cycle,
      field: 'basedOn.priceListId',
    };
  }
  if (base.currency !== list.currency || base.priceIncludesTax !== list.priceIncludesTax) {
    return {
      code: 'DERIVATION_MISMATCH',
      message: `basedOn.priceListId: ${list.id} (${list.currency}, ${list.priceIncludesTax ? 'gross' : 'net'}) cannot derive from ${base.id} (${base.currency}, ${base.priceIncludesTax ? 'gross' : 'net'})`,
      field: 'basedOn.priceListId',
    };
  }
  return undefined;
}

function ownEntries(list: PriceList): Map<string, CompiledEntry[]> {
  const out = new Map<string, CompiledEntry[]>();
  for (const e of list.entries) {
    const arr = out.get(e.productId) ?? [];
    arr.push({
      unit: e.unit,
      price: e.unitPrice.amount,
      validFrom: e.validFrom ?? OPEN_START,
      validTo: e.validTo ?? OPEN_END,
      via: [],
    });
    out.set(e.productId, arr);
  }
  return out;
}

/**
 * Flattens every list (derived ones through their chain) into {@link CompiledList}s. A derived
 * price is `round(base × (1 + percent/100) + amount)`; the list's own price for a product and
 * unit replaces the derived ones for that product and unit. Lists in a cycle or deriving from a
 * missing list are returned in `broken` and left out.
 */
export function flattenLists(lists: readonly PriceList[]): {
  lists: Map<string, CompiledList>;
  broken: string[];
} {
  const byId = new Map<string, PriceList>(lists.map((l) => [l.id, l]));
  const done = new Map<string, CompiledList>();
  const broken: string[] = [];
  const visit = (id: string, stack: Set<string>): CompiledList | undefined => {
    const hit = done.get(id);
    if (hit !== undefined) return hit;
    const list = byId.get(id);
    if (list === undefined || stack.has(id)) return undefined;
    let entries = ownEntries(list);
    if (list.basedOn !== undefined) {
      stack.add(id);
      const base = visit(list.basedOn.priceListId, stack);
      stack.delete(id);
      if (base === undefined) {
        broken.push(id);
        return undefined;
      }
      entries = derive(base, list, entries);
    }
    const compiled: CompiledList = {
      id,
      currency: list.currency,
      priceIncludesTax: list.priceIncludesTax,
      validFrom: list.validFrom ?? OPEN_START,
      validTo: list.validTo ?? OPEN_END,
      entries,
      convertUnits: list.convertUnits ?? false,
    };
    done.set(id, compiled);
    return compiled;
  };
  for (const l of lists) visit(l.id, new Set());
  return { lists: done, broken };
}

function derive(
  base: CompiledList,
  list: PriceList,
  own: Map<string, CompiledEntry[]>,
): Map<string, CompiledEntry[]> {
  const d = list.basedOn;
  if (d === undefined) return own;
  const factor = ONE.plus(d.percent.dividedBy(HUNDRED));
  const out = new Map<string, CompiledEntry[]>();
  for (const [productId, entries] of base.entries) {
    const mine = own.get(productId);
    const derived: CompiledEntry[] = [];
    for (const e of entries) {
      if (mine?.some((m) => m.unit === e.unit)) continue;
      let price = e.price.times(factor);
      if (d.amount !== undefined) price = price.plus(d.amount);
      if (d.round !== undefined) price = roundDecimal(price, d.round.scale, d.round.mode);
      if (price.isNegative()) price = ZERO;
      derived.push({
        unit: e.unit,
        price,
        validFrom: e.validFrom,
        validTo: e.validTo,
        via: [...e.via, { priceListId: base.id, price: e.price }],
      });
    }
    out.set(productId, [...derived, ...(mine ?? [])]);
  }
  for (const [productId, mine] of own) if (!out.has(productId)) out.set(productId, mine);
  return out;
}
