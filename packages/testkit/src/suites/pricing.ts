/**
 * Conformance of the pricing engine on an adapter: pricing data persisted as versioned records,
 * agreements filled into orders, price lock, floors with overrides, bundles and free goods,
 * history, bad input that stores nothing, and books that stay current when several Tradecore
 * instances (processes) share one store.
 */
import {
  type Json,
  type SalesOrder,
  type StorePort,
  type TenantId,
  type Tradecore,
  unwrap,
} from '@tradecore/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../fingerprint';
import { seedSlice, tradecoreFor } from '../fixtures';
import { all, freshTenant, peek, type StoreHarness } from '../harness';

const PRICING_KINDS = [
  'price-list',
  'price-rule-group',
  'price-rule',
  'price-floor',
  'price-bundle',
  'price-override',
  'pricing-version',
];

/** Every pricing record of the tenant, as comparable text. */
function pricingPrint(store: StorePort, tenant: TenantId): Promise<string> {
  return peek<string>(store, tenant, async (tx) => {
    const out: Record<string, Json> = {};
    for (const k of PRICING_KINDS) {
      out[k] = (await tx.records.find({ kind: k })).map((r) => [r.id, r.version, r.data]);
    }
    return JSON.stringify(out);
  });
}

async function seed(tc: Tradecore, t: TenantId) {
  await seedSlice(tc, t, { limit: '100000.00', stock: { P1: 500, P2: 500 } });
  unwrap(
    await tc.registerCustomer(t, {
      id: 'SUB',
      name: 'Subsidiary',
      billToId: 'HQ',
      headOfficeId: 'HQ',
      customerGroup: 'dealer',
      region: 'east',
      shipTo: [{ id: 'S1', name: 'Terminal 1', address: 'B' }],
    }),
  );
}

const order = (
  lines: {
    productId: string;
    quantity: string;
    unit?: string;
    unitPrice?: { amount: string; currency: string };
  }[],
) => ({
  customerId: 'SUB',
  warehouseId: 'W',
  priceListId: 'PL',
  lines,
});

const agreement = (id: string, value: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `agreement ${id}`,
  scope: { customerId: 'SUB', productId: 'P1' },
  currency: 'CNY',
  unit: 'EA',
  effect: { type: 'fixed-price', value },
  ...extra,
});

const prices = (o: SalesOrder) =>
  o.lines.map((l) => [l.productId, l.quantity.toString(), l.unitPrice.toFixed()]);

/** Registers the pricing conformance tests for one adapter. */
export function pricingSuite(h: StoreHarness): void {
  describe(`pricing conformance — ${h.name}`, () => {
    let store: StorePort;
    beforeAll(async () => {
      store = await h.open();
    });
    afterAll(async () => {
      await (h.close ? h.close(store) : store.close());
    });

    it('fills agreement prices with breaks; a confirmed order keeps its price; a draft re-prices explicitly', async () => {
      const t = freshTenant('agree');
      const tc = tradecoreFor(store, t);
      await seed(tc, t);
      unwrap(
        await tc.saveAgreement(
          t,
          agreement('A1', '9.00', {
            effect: {
              type: 'fixed-price',
              tiers: [
                { from: '1', value: '9.00' },
                { from: '10', value: '8.50' },
              ],
            },
          }),
        ),
      );
      const small = unwrap(
        await tc.draftSalesOrder(t, order([{ productId: 'P1', quantity: '4' }])),
      );
      const big = unwrap(await tc.draftSalesOrder(t, order([{ productId: 'P1', quantity: '12' }])));
      expect([prices(small), prices(big)]).toEqual([
        [['P1', '4 EA', '9.00']],
        [['P1', '12 EA', '8.50']],
      ]);
      expect(small.lines[0]?.priceSource).toMatchObject({ kind: 'pricing-rules', applied: ['A1'] });
      // 4 × 9.00 = 36.00 net + 13 % = 40.68 gross
      expect(small.gross.toFixed()).toBe('40.68');
      unwrap(await tc.confirmSalesOrder(t, { orderId: small.id }));

      unwrap(await tc.saveAgreement(t, agreement('A1', '7.00')));
      const stored = unwrap(await tc.getSalesOrder(t, small.id))!;
      expect([prices(stored), stored.gross.toFixed()]).toEqual([[['P1', '4 EA', '9.00']], '40.68']);
      const locked = await tc.repriceSalesOrder(t, { orderId: small.id });
      expect(!locked.ok && locked.error.code).toBe('PRICE_LOCKED');
      const repriced = unwrap(await tc.repriceSalesOrder(t, { orderId: big.id }));
      expect(prices(repriced)).toEqual([['P1', '12 EA', '7.00']]);
      expect(prices(unwrap(await tc.getSalesOrder(t, big.id))!)).toEqual([['P1', '12 EA', '7.00']]);
    });

    it('blocks confirming a line below its floor until an override is approved', async () => {
      const t = freshTenant('floor');
      const tc = tradecoreFor(store, t);
      await seed(tc, t);
      unwrap(
        await tc.savePriceFloor(t, {
          id: 'F1',
          scope: { productId: 'P1' },
          rule: { type: 'price', value: '9.50', currency: 'CNY' },
        }),
      );
      const o = unwrap(
        await tc.draftSalesOrder(
          t,
          order([
            { productId: 'P1', quantity: '2', unitPrice: { amount: '9.00', currency: 'CNY' } },
          ]),
        ),
      );
      expect(o.lines[0]?.priceSource).toMatchObject({
        kind: 'manual',
        floor: { floorId: 'F1', below: true },
      });
      const before = await fingerprint(store, t);
      const blocked = await tc.confirmSalesOrder(t, { orderId: o.id });
      expect(blocked.ok).toBe(false);
      if (blocked.ok || blocked.error.code !== 'BELOW_FLOOR_PRICE')
        throw new Error('expected BELOW_FLOOR_PRICE');
      expect(
        blocked.error.lines.map((l) => [
          l.lineNo,
          l.floor.toString(),
          l.price.toString(),
          l.gap.toString(),
        ]),
      ).toEqual([[1, 'CNY 9.50', 'CNY 9.00', 'CNY 0.50']]);
      expect(await fingerprint(store, t)).toBe(before);

      const notBelow = unwrap(
        await tc.draftSalesOrder(t, order([{ productId: 'P1', quantity: '1' }])),
      );
      const refused = await tc.approvePriceOverride(t, {
        orderId: notBelow.id,
        lineNo: 1,
        approvedBy: 'mgr',
        reason: 'no need',
      });
      expect(!refused.ok && refused.error.code).toBe('VALIDATION_FAILED');
      unwrap(
        await tc.approvePriceOverride(t, {
          orderId: o.id,
          lineNo: 1,
          approvedBy: 'mgr',
          reason: 'key account',
        }),
      );
      expect(unwrap(await tc.confirmSalesOrder(t, { orderId: o.id })).state).toBe('confirmed');
    });

    it('expands bundles, adds free goods, and answers price history and explanations', async () => {
      const t = freshTenant('promo');
      const tc = tradecoreFor(store, t);
      await seed(tc, t);
      unwrap(
        await tc.savePriceBundle(t, {
          id: 'KIT',
          name: 'Starter kit',
          currency: 'CNY',
          priceIncludesTax: false,
          price: '12.00',
          components: [
            { productId: 'P1', quantity: '1', unit: 'EA' },
            { productId: 'P2', quantity: '2', unit: 'EA' },
          ],
        }),
      );
      unwrap(
        await tc.savePriceRuleGroup(t, {
          id: 'promo',
          name: 'Promotions',
          policy: 'additive',
          sequence: 10,
        }),
      );
      unwrap(
        await tc.savePriceRule(t, {
          id: 'B3G1',
          name: 'buy 3 P1 get 1 P2',
          groupId: 'promo',
          scope: { productId: 'P1' },
          effect: { type: 'free-goods', buy: '3', get: '1', productId: 'P2' },
        }),
      );
      // 2 kits at 12.00: list value P1 2 × 10 = 20, P2 4 × 2.50 = 10 → 16.00 and 8.00
      const kit = unwrap(await tc.draftSalesOrder(t, order([{ productId: 'KIT', quantity: '2' }])));
      expect(prices(kit)).toEqual([
        ['P1', '2 EA', '8.00'],
        ['P2', '4 EA', '2.00'],
      ]);
      expect(kit.net.toFixed()).toBe('24.00');
      // 7 P1 → ⌊7 ÷ 3⌋ = 2 free P2
      const free = unwrap(await tc.draftSalesOrder(t, order([{ productId: 'P1', quantity: '7' }])));
      expect(prices(free)).toEqual([
        ['P1', '7 EA', '10.00'],
        ['P2', '2 EA', '0.00'],
      ]);
      expect(free.lines[1]?.priceSource).toMatchObject({
        kind: 'free-goods',
        freeGoodsRuleId: 'B3G1',
      });
      unwrap(await tc.confirmSalesOrder(t, { orderId: free.id }));
      const paid = unwrap(await tc.lastPricesPaid(t, { partyId: 'SUB', productId: 'P1' }));
      expect(paid.map((p) => [p.documentId, p.unitPrice.toString()])).toEqual([
        [free.id, 'CNY 10.00'],
      ]);

      const e = unwrap(
        await tc.explainPrice(t, {
          customerId: 'SUB',
          priceListId: 'PL',
          lines: [{ productId: 'P1', quantity: '7' }],
        }),
      );
      expect(unwrap(e.result).unitPrice.toString()).toBe('CNY 10.00');
      expect(e.nextBreaks.map((n) => [n.ruleId, n.more.toString()])).toEqual([['B3G1', '2']]);
      expect(e.freeGoods.map((g) => g.quantity.toString())).toEqual(['2']);
    });

    it('rejects bad pricing input with a typed error naming the field, storing nothing', async () => {
      const t = freshTenant('bad');
      const tc = tradecoreFor(store, t);
      await seed(tc, t);
      unwrap(await tc.saveAgreement(t, agreement('A1', '9.00', { validTo: '2026-12-31' })));
      unwrap(
        await tc.savePriceList(t, {
          id: 'DEALER',
          name: 'Dealer',
          currency: 'CNY',
          priceIncludesTax: false,
          entries: [],
          basedOn: { priceListId: 'PL', percent: '-15' },
        }),
      );
      const before = [await fingerprint(store, t), await pricingPrint(store, t)];
      const cases: [string, () => Promise<{ ok: boolean; error?: unknown }>, string, string][] = [
        [
          'negative price',
          () => tc.saveAgreement(t, agreement('A2', '-1.00')),
          'VALIDATION_FAILED',
          'effect.value',
        ],
        [
          'unknown currency',
          () => tc.saveAgreement(t, agreement('A2', '1.00', { currency: 'XXQ' })),
          'VALIDATION_FAILED',
          'currency',
        ],
        [
          'unit without conversion',
          () =>
            tc.saveAgreement(
              t,
              agreement('A2', '1.00', {
                scope: { customerId: 'SUB', productId: 'P2' },
                unit: 'BOX',
              }),
            ),
          'UOM_CONVERSION_MISSING',
          'unit',
        ],
        [
          'overlapping validity in an exclusive group',
          () => tc.saveAgreement(t, agreement('A2', '8.00', { validFrom: '2026-12-01' })),
          'PRICING_OVERLAP',
          'validFrom',
        ],
        [
          'a derivation cycle',
          () =>
            tc.savePriceList(t, {
              id: 'PL',
              name: 'List',
              currency: 'CNY',
              priceIncludesTax: false,
              entries: [],
              basedOn: { priceListId: 'DEALER', percent: '0' },
            }),
          'PRICE_LIST_CYCLE',
          'basedOn.priceListId',
        ],
        [
          'a break table out of order',
          () =>
            tc.saveAgreement(
              t,
              agreement('A2', '1', {
                effect: {
                  type: 'fixed-price',
                  tiers: [
                    { from: '10', value: '8' },
                    { from: '5', value: '9' },
                  ],
                },
              }),
            ),
          'VALIDATION_FAILED',
          'effect.tiers.1.from',
        ],
        [
          'a bundle that references itself',
          () =>
            tc.savePriceBundle(t, {
              id: 'KIT',
              name: 'kit',
              currency: 'CNY',
              priceIncludesTax: false,
              price: '1',
              components: [{ productId: 'KIT', quantity: '1', unit: 'EA' }],
            }),
          'BUNDLE_CYCLE',
          'components.0.productId',
        ],
        [
          'an unknown rule group',
          () => tc.saveAgreement(t, agreement('A2', '1', { groupId: 'nope' })),
          'NOT_FOUND',
          'groupId',
        ],
        [
          'dates in the wrong order',
          () =>
            tc.saveAgreement(
              t,
              agreement('A2', '1', { validFrom: '2027-02-01', validTo: '2027-01-01' }),
            ),
          'VALIDATION_FAILED',
          'validTo',
        ],
        [
          'a floor without scope',
          () =>
            tc.savePriceFloor(t, {
              id: 'F',
              scope: {},
              rule: { type: 'margin', minMarginPercent: '10' },
            }),
          'VALIDATION_FAILED',
          'scope',
        ],
      ];
      for (const [label, run, code, field] of cases) {
        const r = await run();
        expect(r.ok, label).toBe(false);
        const e = r.error as {
          code: string;
          field?: string;
          issues?: { path: string }[];
          message: string;
        };
        expect(e.code, label).toBe(code);
        expect([e.field, ...(e.issues ?? []).map((i) => i.path)], label).toContain(field);
        expect(e.message.length, label).toBeGreaterThan(0);
        expect(
          [await fingerprint(store, t), await pricingPrint(store, t)],
          `${label} changed the store`,
        ).toEqual(before);
      }
    });

    it('never uses a stale book when several instances share the store', async () => {
      const t = freshTenant('share');
      const a = tradecoreFor(store, t);
      const b = tradecoreFor(store, `${t}-b`);
      await seed(a, t);
      unwrap(await a.saveAgreement(t, agreement('A1', '9.00')));
      expect(
        prices(unwrap(await a.draftSalesOrder(t, order([{ productId: 'P1', quantity: '1' }])))),
      ).toEqual([['P1', '1 EA', '9.00']]);
      unwrap(await b.saveAgreement(t, agreement('A1', '8.00')));
      unwrap(await b.saveAgreement(t, agreement('A1', '8.00', { active: false })));
      unwrap(await b.saveAgreement(t, agreement('A9', '7.50')));
      const patchesBefore = a.pricing.stats.patches;
      expect(
        prices(unwrap(await a.draftSalesOrder(t, order([{ productId: 'P1', quantity: '1' }])))),
      ).toEqual([['P1', '1 EA', '7.50']]);
      expect(a.pricing.stats.patches).toBe(patchesBefore + 1);
    });

    it('serialises concurrent pricing writes: every save lands and bumps the version once', async () => {
      const t = freshTenant('conc');
      const tc = tradecoreFor(store, t, { maxAttempts: 50 });
      await seed(tc, t);
      const n = 8;
      const versionNow = () =>
        peek<number>(store, t, async (tx) => {
          const r = await tx.records.get('pricing-version', 'book');
          return Number((r?.data as { version?: number } | undefined)?.version ?? 0);
        });
      const start = await versionNow();
      const results = await all(
        Array.from({ length: n }, (_, i) => i),
        (i) =>
          tc.saveAgreement(
            t,
            agreement(`C${i}`, `${5 + i}.00`, {
              scope: { customerId: 'SUB', productId: 'P1' },
              priority: i,
            }),
          ),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect(await versionNow()).toBe(start + n);
      // the highest priority (C7, 12.00) wins the exclusive agreements group
      const fresh = tradecoreFor(store, `${t}-fresh`);
      expect(
        prices(unwrap(await fresh.draftSalesOrder(t, order([{ productId: 'P1', quantity: '1' }])))),
      ).toEqual([['P1', '1 EA', '12.00']]);
    });
  });
}
