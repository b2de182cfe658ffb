/**
 * Synthetic pricing data for `pnpm bench:pricing`: a fixed catalogue, lists, general rules and
 * floors, plus N customer agreements (50 per customer), and 50-line orders whose lines are half
 * agreement products of the customer, half any product. Deterministic (seeded PRNG).
 */
import {
  dec,
  Money,
  type PriceFloor,
  type PriceList,
  type PriceListId,
  type PriceRule,
  type PriceRuleGroup,
  type PricingContext,
  type PricingData,
  type PricingLine,
  type ProductId,
  type TenantId,
} from '@tradecore/core';

/** Products in the catalogue. */
export const PRODUCTS = 5000;
/** Agreements per customer. */
export const PER_CUSTOMER = 50;
/** Lines per order. */
export const LINES = 50;

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const priceCents = (i: number) => 1000 + ((i * 7919) % 50000);
const money = (cents: number) => dec(cents).dividedBy(100);
// One string per product, group and brand, as an application's product cache would hold them.
const productIds = Array.from({ length: PRODUCTS }, (_, i) => `P${i}`);
const groupNames = Array.from({ length: 100 }, (_, i) => `G${i}`);
const brandNames = Array.from({ length: 50 }, (_, i) => `B${i}`);
const group = (i: number) => groupNames[i % 100] as string;
const brand = (i: number) => brandNames[i % 50] as string;

/**
 * The lists, groups, general rules and floors every size shares: a retail list and a dealer
 * list derived from it (− 10 %, rounded); customer-group discounts for every line and
 * region × product-group discounts for a fifth of them (exclusive group); volume breaks across
 * the lines of 10 product groups (best for customer); brand promotions on 10 brands and free
 * goods on 20 products (compound group, rounded); price floors on 1000 products and
 * minimum-margin floors on 10 product groups.
 */
export function baseData(): PricingData {
  const retail: PriceList = {
    id: 'retail' as PriceListId,
    tenantId: 'bench' as TenantId,
    name: 'Retail',
    currency: 'CNY',
    priceIncludesTax: false,
    entries: Array.from({ length: PRODUCTS }, (_, i) => ({
      productId: productIds[i] as ProductId,
      unit: 'EA',
      unitPrice: Money.of(money(priceCents(i)), 'CNY'),
    })),
    convertUnits: true,
  };
  const dealer: PriceList = {
    id: 'dealer' as PriceListId,
    tenantId: 'bench' as TenantId,
    name: 'Dealer',
    currency: 'CNY',
    priceIncludesTax: false,
    entries: [],
    basedOn: { priceListId: 'retail', percent: dec(-10), round: { scale: 2, mode: 'half-up' } },
    convertUnits: true,
  };
  const groups: PriceRuleGroup[] = [
    { id: 'channel', name: 'Channel', policy: 'exclusive', sequence: 10 },
    { id: 'volume', name: 'Volume', policy: 'best-for-customer', sequence: 20 },
    {
      id: 'promo',
      name: 'Promotions',
      policy: 'compound',
      sequence: 30,
      round: { scale: 2, mode: 'half-up' },
    },
  ];
  const rules: PriceRule[] = [];
  const rule = (r: Omit<PriceRule, 'kind' | 'name' | 'active' | 'currency'>) =>
    rules.push({ kind: 'rule', name: r.id, active: true, currency: 'CNY', ...r });
  for (let g = 0; g < 10; g++) {
    rule({
      id: `cg${g}`,
      groupId: 'channel',
      priority: 0,
      scope: { customerGroup: `CG${g}` },
      effect: { type: 'discount-percent', value: dec(2) },
    });
  }
  for (let r = 0; r < 8; r++) {
    for (let g = 0; g < 20; g++) {
      rule({
        id: `reg${r}-${g}`,
        groupId: 'channel',
        priority: 1,
        scope: { region: `R${r}`, productGroup: `G${g}` },
        effect: { type: 'discount-percent', value: dec(3) },
      });
    }
  }
  for (let g = 0; g < 10; g++) {
    rule({
      id: `vol${g}`,
      groupId: 'volume',
      priority: 0,
      scope: { productGroup: `G${g}` },
      breakScope: 'group',
      unit: 'EA',
      effect: {
        type: 'discount-percent',
        tiers: [
          { from: dec(20), value: dec(2) },
          { from: dec(100), value: dec(4) },
        ],
      },
    });
  }
  for (let b = 0; b < 10; b++) {
    rule({
      id: `brand${b}`,
      groupId: 'promo',
      priority: 0,
      scope: { brand: `B${b}` },
      effect: { type: 'discount-percent', value: dec(1) },
    });
  }
  for (let p = 0; p < 20; p++) {
    rule({
      id: `free${p}`,
      groupId: 'promo',
      priority: 0,
      scope: { productId: `P${p}` },
      effect: { type: 'free-goods', buy: dec(10), get: dec(1) },
    });
  }
  const floors: PriceFloor[] = [];
  for (let p = 0; p < 1000; p++) {
    floors.push({
      id: `floor${p}`,
      scope: { productId: `P${p}` },
      rule: {
        type: 'price',
        value: money(Math.round(priceCents(p) * 0.7)),
        currency: 'CNY',
        priceIncludesTax: false,
      },
      active: true,
    });
  }
  for (let g = 0; g < 10; g++) {
    floors.push({
      id: `margin${g}`,
      scope: { productGroup: `G${g}` },
      rule: { type: 'margin', minMarginPercent: dec(10) },
      active: true,
    });
  }
  return { priceLists: [retail, dealer], groups, rules, floors, bundles: [] };
}

/** The product index of customer `c`'s agreement `k`. */
export const agreementProduct = (c: number, k: number) => (c * 7919 + k * 104_729) % PRODUCTS;

/** `n` agreements, 50 per customer: tiered contract prices, plain contract prices, discounts. */
export function agreements(n: number): PriceRule[] {
  const out: PriceRule[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(i / PER_CUSTOMER);
    const k = i % PER_CUSTOMER;
    const p = agreementProduct(c, k);
    const base = priceCents(p);
    const kind = k % 3;
    out[i] = {
      id: `A${c}-${k}`,
      kind: 'agreement',
      name: `A${c}-${k}`,
      groupId: 'agreements',
      priority: 0,
      scope: { customerId: `C${c}`, productId: productIds[p] as string },
      currency: 'CNY',
      unit: 'EA',
      active: true,
      effect:
        kind === 0
          ? {
              type: 'fixed-price',
              tiers: [
                { from: dec(1), value: money(Math.round(base * 0.92)) },
                { from: dec(10), value: money(Math.round(base * 0.9)) },
                { from: dec(50), value: money(Math.round(base * 0.88)) },
              ],
            }
          : kind === 1
            ? { type: 'fixed-price', value: money(Math.round(base * 0.93)) }
            : { type: 'discount-percent', value: dec(5 + (k % 10)) },
    };
  }
  return out;
}

const conversions = [{ from: 'BOX', to: 'EA', factor: dec(12) }];
const quantities = Array.from({ length: 61 }, (_, q) => dec(q));
const taxRate = dec('0.13');
const costs = Array.from({ length: PRODUCTS }, (_, i) =>
  Money.of(money(Math.round(priceCents(i) * 0.6)), 'CNY'),
);

/** One pricing line. */
export function lineOf(p: number, quantity: number, box: boolean): PricingLine {
  return {
    productId: productIds[p] as string,
    productGroup: group(p),
    brand: brand(p),
    quantity: quantities[quantity] ?? dec(quantity),
    unit: box ? 'BOX' : 'EA',
    stockUnit: 'EA',
    conversions,
    taxRate,
    cost: costs[p] as Money,
  };
}

/** An order: a context for a random customer among `customers`, and 50 lines. */
export function orderOf(
  rnd: () => number,
  customers: number,
): { ctx: PricingContext; lines: PricingLine[] } {
  const c = Math.floor(rnd() * customers);
  const ctx: PricingContext = {
    date: '2026-11-22',
    currency: 'CNY',
    priceListId: rnd() < 0.5 ? 'dealer' : 'retail',
    priceIncludesTax: false,
    customerId: `C${c}`,
    headOfficeId: `C${c}`,
    customerGroup: `CG${c % 10}`,
    region: `R${c % 8}`,
    channel: 'shop',
    rates: new Map(),
  };
  const lines: PricingLine[] = [];
  for (let i = 0; i < LINES; i++) {
    const p =
      i % 2 === 0
        ? agreementProduct(c, Math.floor(rnd() * PER_CUSTOMER))
        : Math.floor(rnd() * PRODUCTS);
    lines.push(lineOf(p, 1 + Math.floor(rnd() * 60), rnd() < 0.1));
  }
  return { ctx, lines };
}
