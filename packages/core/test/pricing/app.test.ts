/**
 * The pricing use cases on the memory store, beyond the shared conformance suite: the book
 * cache (patch, rebuild, change-log overflow), currencies and rates, typed prices, re-pricing
 * bundles, the cost port, price history from stored documents, and more bad input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../../adapters-memory/src';
import { createTradecore } from '../../src/app/tradecore';
import type { TenantId } from '../../src/kernel/brand';
import { FixedClock, SequentialIds } from '../../src/kernel/clock';
import { encodeObject } from '../../src/kernel/codec';
import { unwrap } from '../../src/kernel/result';
import { Dec } from '../../src/money/decimal';
import { Money } from '../../src/money/money';
import { Quantity } from '../../src/money/quantity';
import type { StorePort } from '../../src/ports/store';
import type { SalesOrder } from '../../src/sales/documents';

const T = 't1';

async function setup(extra: Partial<Parameters<typeof createTradecore>[0]> = {}) {
  const store = await createMemoryStore();
  const tc = make(store, extra);
  unwrap(
    await tc.registerCustomer(T, {
      id: 'HQ',
      name: 'HQ',
      shipTo: [{ id: 'H', name: 'H', address: 'a' }],
    }),
  );
  unwrap(
    await tc.registerCustomer(T, {
      id: 'SUB',
      name: 'Sub',
      billToId: 'HQ',
      headOfficeId: 'HQ',
      customerGroup: 'dealer',
      shipTo: [{ id: 'S', name: 'S', address: 'b' }],
    }),
  );
  unwrap(await tc.registerWarehouse(T, { id: 'W', name: 'W' }));
  for (const [id, cost, group] of [
    ['P1', '6.00', 'pumps'],
    ['P2', '1.00', 'valves'],
  ] as const) {
    unwrap(
      await tc.registerProduct(T, {
        id,
        sku: id,
        name: id,
        stockUnit: 'EA',
        taxRate: '0.13',
        standardCost: { amount: cost, currency: 'CNY' },
        conversions: [{ from: 'BOX', to: 'EA', factor: '10' }],
        productGroup: group,
      }),
    );
  }
  unwrap(
    await tc.savePriceList(T, {
      id: 'PL',
      name: 'List',
      currency: 'CNY',
      priceIncludesTax: false,
      entries: [
        { productId: 'P1', unit: 'EA', unitPrice: { amount: '10.00', currency: 'CNY' } },
        { productId: 'P2', unit: 'EA', unitPrice: { amount: '2.50', currency: 'CNY' } },
      ],
    }),
  );
  return { store, tc };
}

function make(store: StorePort, extra: Partial<Parameters<typeof createTradecore>[0]> = {}) {
  return createTradecore({
    store,
    clock: new FixedClock('2026-11-22T08:00:00.000Z'),
    ids: new SequentialIds(),
    onSubscriberError: (e) => {
      throw e;
    },
    ...extra,
  });
}

const draft = (lines: object[], extra: object = {}) => ({
  customerId: 'SUB',
  warehouseId: 'W',
  priceListId: 'PL',
  lines,
  ...extra,
});
const prices = (o: SalesOrder) =>
  o.lines.map((l) => `${l.productId} ${l.quantity} @ ${l.unitPrice.toFixed()}`);

describe('pricing use cases', () => {
  it('a head-office agreement applies to its subsidiaries; the master data must exist', async () => {
    const { tc } = await setup();
    const bad = await tc.registerCustomer(T, {
      id: 'X',
      name: 'x',
      headOfficeId: 'NOPE',
      shipTo: [{ id: 'x', name: 'x', address: 'x' }],
    });
    expect(!bad.ok && bad.error).toMatchObject({ code: 'NOT_FOUND', field: 'headOfficeId' });
    unwrap(
      await tc.saveAgreement(T, {
        id: 'HQ-PUMPS',
        name: 'HQ pumps',
        scope: { headOfficeId: 'HQ', productGroup: 'pumps' },
        effect: { type: 'discount-percent', value: '20' },
      }),
    );
    const o = unwrap(
      await tc.draftSalesOrder(
        T,
        draft([
          { productId: 'P1', quantity: '1' },
          { productId: 'P2', quantity: '1' },
        ]),
      ),
    );
    expect(prices(o)).toEqual(['P1 1 EA @ 8.00', 'P2 1 EA @ 2.50']);
  });

  it('patches the cached book from the change log, and rebuilds when the log no longer reaches back', async () => {
    const { store, tc } = await setup();
    const other = make(store);
    unwrap(await tc.draftSalesOrder(T, draft([{ productId: 'P1', quantity: '1' }])));
    const s = { ...tc.pricing.stats };
    for (let i = 0; i < 3; i++) {
      unwrap(
        await other.saveAgreement(T, {
          id: 'A',
          name: 'a',
          scope: { customerId: 'SUB', productId: 'P1' },
          currency: 'CNY',
          effect: { type: 'fixed-price', value: `${9 - i}.00` },
        }),
      );
    }
    expect(
      prices(unwrap(await tc.draftSalesOrder(T, draft([{ productId: 'P1', quantity: '1' }])))),
    ).toEqual(['P1 1 EA @ 7.00']);
    expect(tc.pricing.stats.patches).toBe(s.patches + 1);
    for (let i = 0; i < 201; i++) {
      unwrap(
        await other.saveAgreement(T, {
          id: `B${i}`,
          name: 'b',
          scope: { customerId: 'SUB', productId: 'P2' },
          priority: i,
          currency: 'CNY',
          effect: { type: 'fixed-price', value: '1.00' },
        }),
      );
    }
    const rebuilds = tc.pricing.stats.rebuilds;
    expect(
      prices(unwrap(await tc.draftSalesOrder(T, draft([{ productId: 'P2', quantity: '1' }])))),
    ).toEqual(['P2 1 EA @ 1.00']);
    expect(tc.pricing.stats.rebuilds).toBe(rebuilds + 1);
    const hits = tc.pricing.stats.hits;
    unwrap(await tc.draftSalesOrder(T, draft([{ productId: 'P2', quantity: '1' }])));
    expect(tc.pricing.stats.hits).toBe(hits + 1);
  });

  it('prices a USD order from a CNY list at the rate, and needs the rate', async () => {
    const rates = {
      rate: (from: string, to: string) =>
        from === 'CNY' && to === 'USD' ? new Dec('0.14') : undefined,
    };
    const { tc } = await setup({ rates });
    const usd = unwrap(
      await tc.draftSalesOrder(T, draft([{ productId: 'P1', quantity: '1' }], { currency: 'USD' })),
    );
    // 10.00 CNY × 0.14 = 1.40 USD
    expect([usd.currency, prices(usd)]).toEqual(['USD', ['P1 1 EA @ 1.40']]);
    const { tc: noRates } = await setup();
    const missing = await noRates.draftSalesOrder(
      T,
      draft([{ productId: 'P1', quantity: '1' }], { currency: 'USD' }),
    );
    expect(!missing.ok && missing.error).toMatchObject({
      code: 'RATE_MISSING',
      from: 'CNY',
      to: 'USD',
      field: 'lines.0.productId',
    });
  });

  it('takes typed prices in the order currency only, and re-prices bundles and free goods', async () => {
    const { tc } = await setup();
    const wrong = await tc.draftSalesOrder(
      T,
      draft([{ productId: 'P1', quantity: '1', unitPrice: { amount: '1', currency: 'USD' } }]),
    );
    expect(!wrong.ok && wrong.error.code).toBe('VALIDATION_FAILED');
    unwrap(
      await tc.savePriceBundle(T, {
        id: 'KIT',
        name: 'kit',
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
      await tc.savePriceRuleGroup(T, {
        id: 'promo',
        name: 'promo',
        policy: 'additive',
        sequence: 5,
      }),
    );
    unwrap(
      await tc.savePriceRule(T, {
        id: 'FREE',
        name: 'free',
        groupId: 'promo',
        scope: { productId: 'P2' },
        effect: { type: 'free-goods', buy: '5', get: '1' },
      }),
    );
    const o = unwrap(
      await tc.draftSalesOrder(
        T,
        draft([
          { productId: 'KIT', quantity: '1' },
          { productId: 'P2', quantity: '5', unitPrice: { amount: '2.40', currency: 'CNY' } },
        ]),
      ),
    );
    // kit: 12.00 over list values 10 and 5 → 8.00 and 4.00 (2.00 each); 5 × P2 → 1 free
    expect(prices(o)).toEqual([
      'P1 1 EA @ 8.00',
      'P2 2 EA @ 2.00',
      'P2 5 EA @ 2.40',
      'P2 1 EA @ 0.00',
    ]);
    unwrap(
      await tc.savePriceBundle(T, {
        id: 'KIT',
        name: 'kit',
        currency: 'CNY',
        priceIncludesTax: false,
        price: '15.00',
        components: [
          { productId: 'P1', quantity: '1', unit: 'EA' },
          { productId: 'P2', quantity: '2', unit: 'EA' },
        ],
      }),
    );
    const again = unwrap(await tc.repriceSalesOrder(T, { orderId: o.id }));
    expect(prices(again)).toEqual([
      'P1 1 EA @ 10.00',
      'P2 2 EA @ 2.50',
      'P2 5 EA @ 2.40',
      'P2 1 EA @ 0.00',
    ]);
    expect(again.number).toBe(o.number);
  });

  it('uses the cost port for margins and margin floors', async () => {
    const costs = {
      async costs() {
        return new Map([['P1', Money.of('9.00', 'CNY')]]);
      },
    };
    const { tc } = await setup({ pricing: { costs } });
    unwrap(
      await tc.savePriceFloor(T, {
        id: 'M',
        scope: { productGroup: 'pumps' },
        rule: { type: 'margin', minMarginPercent: '25' },
      }),
    );
    const o = unwrap(await tc.draftSalesOrder(T, draft([{ productId: 'P1', quantity: '1' }])));
    // floor = 9.00 ÷ 0.75 = 12.00 > 10.00
    expect(o.lines[0]?.priceSource).toMatchObject({
      cost: Money.of('9.00', 'CNY'),
      floor: { below: true },
    });
    expect(o.lines[0]?.priceSource.floor?.price.toFixed()).toBe('12.00');
    const confirm = await tc.confirmSalesOrder(T, { orderId: o.id });
    expect(!confirm.ok && confirm.error.code).toBe('BELOW_FLOOR_PRICE');
    const preview = unwrap(
      await tc.previewPrices(T, {
        customerId: 'SUB',
        priceListId: 'PL',
        lines: [{ productId: 'P1', quantity: '1' }],
      }),
    );
    expect(preview.lines[0]?.priceSource.marginPercent?.toString()).toBe('10');
  });

  it('answers price history from stored sales orders, quotes and purchase orders', async () => {
    const { store, tc } = await setup();
    unwrap(
      await tc.setCreditLimit(T, {
        customerId: 'HQ',
        limit: { amount: '1000.00', currency: 'CNY' },
      }),
    );
    unwrap(await tc.receiveStock(T, { productId: 'P1', warehouseId: 'W', quantity: '10' }));
    const o = unwrap(await tc.draftSalesOrder(T, draft([{ productId: 'P1', quantity: '2' }])));
    unwrap(await tc.draftSalesOrder(T, draft([{ productId: 'P1', quantity: '3' }])));
    unwrap(await tc.confirmSalesOrder(T, { orderId: o.id }));
    await store.transaction(T as TenantId, async (tx) => {
      const line = {
        productId: 'P1',
        unitPrice: Money.of('7.50', 'CNY'),
        quantity: Quantity.of(5, 'EA'),
      };
      await tx.records.insert({
        kind: 'sales-quote',
        id: 'Q1',
        number: 'QT-1',
        data: encodeObject({
          id: 'Q1',
          customerId: 'SUB',
          status: 'sent',
          createdAt: '2026-11-20T00:00:00Z',
          lines: [line],
        }),
      });
      await tx.records.insert({
        kind: 'purchase-order',
        id: 'PO1',
        number: 'PO-1',
        data: encodeObject({
          id: 'PO1',
          supplierId: 'S9',
          status: 'received',
          createdAt: '2026-11-19T00:00:00Z',
          lines: [{ ...line, unitPrice: Money.of('5.80', 'CNY') }],
        }),
      });
    });
    const paid = unwrap(await tc.lastPricesPaid(T, { partyId: 'SUB', productId: 'P1' }));
    expect(paid.map((p) => [p.documentId, p.unitPrice.toFixed(), p.quantity.toString()])).toEqual([
      [o.id, '10.00', '2 EA'],
    ]);
    const quoted = unwrap(await tc.lastQuotedPrices(T, { partyId: 'SUB', productId: 'P1' }));
    expect(quoted.map((p) => [p.number, p.unitPrice.toFixed()])).toEqual([['QT-1', '7.50']]);
    const bought = unwrap(await tc.lastPurchasePrices(T, { productId: 'P1' }));
    expect(bought.map((p) => [p.partyId, p.unitPrice.toFixed()])).toEqual([['S9', '5.80']]);
  });

  it('rejects more bad input: list units without conversion, unknown lists, a group turned exclusive over overlaps', async () => {
    const { tc } = await setup();
    const unit = await tc.savePriceList(T, {
      id: 'L2',
      name: 'l2',
      currency: 'CNY',
      priceIncludesTax: false,
      entries: [{ productId: 'P2', unit: 'KG', unitPrice: { amount: '1', currency: 'CNY' } }],
    });
    expect(!unit.ok && unit.error).toMatchObject({
      code: 'UOM_CONVERSION_MISSING',
      field: 'entries.0.unit',
    });
    const base = await tc.savePriceList(T, {
      id: 'L3',
      name: 'l3',
      currency: 'CNY',
      priceIncludesTax: false,
      entries: [],
      basedOn: { priceListId: 'NOPE', percent: '-5' },
    });
    expect(!base.ok && base.error).toMatchObject({
      code: 'NOT_FOUND',
      field: 'basedOn.priceListId',
    });
    unwrap(await tc.savePriceRuleGroup(T, { id: 'g', name: 'g', policy: 'additive', sequence: 1 }));
    for (const id of ['r1', 'r2']) {
      unwrap(
        await tc.savePriceRule(T, {
          id,
          name: id,
          groupId: 'g',
          effect: { type: 'discount-percent', value: '1' },
        }),
      );
    }
    const lints = unwrap(await tc.lintPricing(T));
    expect(lints.map((f) => [f.code, f.severity, f.ids.join('+')])).toEqual([
      ['OVERLAP', 'warning', 'r1+r2'],
    ]);
    const excl = await tc.savePriceRuleGroup(T, {
      id: 'g',
      name: 'g',
      policy: 'exclusive',
      sequence: 1,
    });
    expect(!excl.ok && excl.error).toMatchObject({ code: 'PRICING_OVERLAP', field: 'policy' });
    const e = unwrap(
      await tc.explainPrice(T, {
        customerId: 'SUB',
        priceListId: 'PL',
        lines: [{ productId: 'P1', quantity: '1' }],
      }),
    );
    expect(e.winners).toEqual(['r1', 'r2']);
    expect(unwrap(e.result).unitPrice.toFixed()).toBe('9.80');
  });

  it('law: an order is never confirmed with a line below its floor unless an override was approved', async () => {
    const { store, tc } = await setup();
    unwrap(
      await tc.setCreditLimit(T, {
        customerId: 'HQ',
        limit: { amount: '1000000.00', currency: 'CNY' },
      }),
    );
    unwrap(await tc.receiveStock(T, { productId: 'P1', warehouseId: 'W', quantity: '100000' }));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 700, max: 1300 }),
        fc.integer({ min: 800, max: 1200 }),
        fc.boolean(),
        async (priceCents, floorCents, approve) => {
          n += 1;
          const floor = (floorCents / 100).toFixed(2);
          const price = (priceCents / 100).toFixed(2);
          unwrap(
            await tc.savePriceFloor(T, {
              id: 'F',
              scope: { productId: 'P1' },
              rule: { type: 'price', value: floor, currency: 'CNY' },
            }),
          );
          const o = unwrap(
            await tc.draftSalesOrder(
              T,
              draft([
                { productId: 'P1', quantity: '1', unitPrice: { amount: price, currency: 'CNY' } },
              ]),
            ),
          );
          const below = priceCents < floorCents;
          const approval = approve
            ? await tc.approvePriceOverride(T, {
                orderId: o.id,
                lineNo: 1,
                approvedBy: 'm',
                reason: `r${n}`,
              })
            : undefined;
          expect(approval === undefined || approval.ok === below).toBe(true);
          const confirmed = await tc.confirmSalesOrder(T, { orderId: o.id });
          expect(confirmed.ok).toBe(!below || approve);
          if (!confirmed.ok) expect(confirmed.error.code).toBe('BELOW_FLOOR_PRICE');
          const stored = unwrap(await tc.getSalesOrder(T, o.id))!;
          expect(stored.state).toBe(!below || approve ? 'confirmed' : 'draft');
        },
      ),
      { numRuns: 40 },
    );
    expect(store.name).toBe('memory');
  });
});
