/**
 * Quotes on the memory store: create (priced like an order), the approval workflow, versions
 * kept as history, copy, conversion to a sales order at the quoted prices, expiry, the
 * print-ready view, the record shape price history reads — and bad input that changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../../adapters-memory/src';
import { fingerprint, peek, seedSlice, tradecoreFor } from '../../../testkit/src';
import type { DomainEvent } from '../../src/events';
import type { TenantId } from '../../src/kernel/brand';
import { FixedClock } from '../../src/kernel/clock';
import { unwrap } from '../../src/kernel/result';
import type { StorePort } from '../../src/ports/store';
import type { SalesQuote } from '../../src/sales/quote';

const T = 't1';
const NOW = '2026-11-22T08:00:00.000Z';

async function setup() {
  const store = await createMemoryStore();
  const clock = new FixedClock(NOW);
  const tc = tradecoreFor(store, T, { clock });
  await seedSlice(tc, T, { limit: '100000.00', stock: { P1: 100, P2: 100 } });
  const events: DomainEvent[] = [];
  tc.events.on('*', (_type, e) => events.push(e as DomainEvent));
  return { store, tc, clock, events };
}

/** Everything the tenant holds, quotes, settlement plans and the QT series included. */
async function snapshot(store: StorePort) {
  const base = await fingerprint(store, T as TenantId);
  const extra = await peek<string>(store, T as TenantId, async (tx) => {
    const out: Record<string, unknown> = {};
    for (const k of ['sales-quote', 'settlement-plan']) {
      out[k] = (await tx.records.find({ kind: k })).map((r) => [r.id, r.version, r.number, r.data]);
    }
    out.qt = await tx.sequences.next('QT:202611');
    out.so = await tx.sequences.next('SO:202611');
    return JSON.stringify(out);
  });
  return `${base}|${extra}`;
}

const basic = {
  customerId: 'HQ',
  priceListId: 'PL',
  validUntil: '2026-12-31',
  terms: 'Delivery within 10 days. Prices ex works.',
  lines: [
    { productId: 'P1', quantity: '3' },
    { productId: 'P2', quantity: '4' },
  ],
};

const prices = (q: { lines: readonly SalesQuote['lines'][number][] }) =>
  q.lines.map((l) => `${l.productId} ${l.quantity} @ ${l.unitPrice.toFixed()}`);

async function approved(tc: Awaited<ReturnType<typeof setup>>['tc'], input = basic) {
  const q = unwrap(await tc.createQuote(T, input));
  unwrap(await tc.submitQuote(T, { quoteId: q.id }));
  return unwrap(await tc.approveQuote(T, { quoteId: q.id, approverId: 'boss' }));
}

describe('quotes', () => {
  it('creates a numbered draft priced by the engine, readable by lastQuotedPrices', async () => {
    const { tc, events } = await setup();
    const q = unwrap(await tc.createQuote(T, basic));
    expect(q).toMatchObject({
      number: 'QT202611-00001',
      status: 'draft',
      version: 1,
      customerId: 'HQ',
      currency: 'CNY',
      validUntil: '2026-12-31',
      createdAt: NOW,
      history: [],
      orderId: null,
    });
    // P1 3 × 10.00 + 13 %, P2 4 × 2.50 + 6 %
    expect(prices(q)).toEqual(['P1 3 EA @ 10.00', 'P2 4 EA @ 2.50']);
    expect([q.net.toFixed(), q.tax.toFixed(), q.gross.toFixed()]).toEqual([
      '40.00',
      '4.50',
      '44.50',
    ]);
    expect(q.lines[0]?.priceSource.kind).toBe('price-list');
    expect(events.map((e) => e.payload)).toContainEqual({
      kind: 'sales-quote',
      id: q.id,
      number: q.number,
      from: null,
      event: 'create',
      to: 'draft',
    });
    const stored = unwrap(await tc.getQuote(T, q.id));
    expect(stored?.gross.toFixed()).toBe('44.50');
    const quoted = unwrap(await tc.lastQuotedPrices(T, { partyId: 'HQ', productId: 'P1' }));
    expect(quoted).toHaveLength(1);
    expect(quoted[0]).toMatchObject({
      documentKind: 'sales-quote',
      documentId: q.id,
      number: q.number,
      status: 'draft',
      date: NOW,
      lineNo: 1,
    });
    expect(quoted[0]?.unitPrice.toFixed()).toBe('10.00');
    expect(quoted[0]?.quantity.toString()).toBe('3 EA');
  });

  it('prices a quote exactly as an order drafted the same day', async () => {
    const { tc } = await setup();
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
        id: 'OFF',
        name: '5% off P1',
        groupId: 'promo',
        scope: { productId: 'P1' },
        effect: { type: 'discount-percent', value: '5' },
      }),
    );
    const q = unwrap(await tc.createQuote(T, basic));
    const o = unwrap(
      await tc.draftSalesOrder(T, {
        customerId: 'HQ',
        warehouseId: 'W',
        priceListId: 'PL',
        lines: basic.lines,
      }),
    );
    expect(prices(q)).toEqual(prices(o));
    expect(prices(q)[0]).toBe('P1 3 EA @ 9.50');
    expect(q.gross.equals(o.gross)).toBe(true);
    expect(q.lines[0]?.priceSource.applied).toEqual(['OFF']);
  });

  it('goes draft → submitted → approved, recording who approved and when', async () => {
    const { tc, clock, events } = await setup();
    const q = unwrap(await tc.createQuote(T, basic));
    clock.advance(60_000);
    const s = unwrap(await tc.submitQuote(T, { quoteId: q.id, version: 1 }));
    expect(s).toMatchObject({ status: 'submitted', submittedAt: '2026-11-22T08:01:00.000Z' });
    clock.advance(60_000);
    const a = unwrap(
      await tc.approveQuote(T, { quoteId: q.id, approverId: 'boss', note: 'margin ok' }),
    );
    expect(a.status).toBe('approved');
    expect(a.approval).toEqual({
      decision: 'approved',
      by: 'boss',
      at: '2026-11-22T08:02:00.000Z',
      note: 'margin ok',
    });
    expect(
      events
        .filter((e) => e.type === 'document.transitioned')
        .map((e) => {
          const p = e.payload as { from: string | null; event: string; to: string };
          return `${p.from}-${p.event}->${p.to}`;
        }),
    ).toEqual(['null-create->draft', 'draft-submit->submitted', 'submitted-approve->approved']);
  });

  it('rejects with a reason; a rejected quote can be revised and resubmitted', async () => {
    const { tc } = await setup();
    const q = unwrap(await tc.createQuote(T, basic));
    unwrap(await tc.submitQuote(T, { quoteId: q.id }));
    const r = unwrap(
      await tc.rejectQuote(T, { quoteId: q.id, approverId: 'boss', reason: 'price too low' }),
    );
    expect(r.status).toBe('rejected');
    expect(r.approval).toMatchObject({ decision: 'rejected', by: 'boss', note: 'price too low' });
    const again = await tc.submitQuote(T, { quoteId: q.id });
    expect(!again.ok && again.error).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      from: 'rejected',
      event: 'submit',
      allowed: ['revise'],
    });
    const v2 = unwrap(
      await tc.reviseQuote(T, {
        quoteId: q.id,
        lines: [
          { productId: 'P1', quantity: '3', unitPrice: { amount: '11.00', currency: 'CNY' } },
        ],
      }),
    );
    expect(v2).toMatchObject({ version: 2, status: 'draft', approval: null, submittedAt: null });
    expect(prices(v2)).toEqual(['P1 3 EA @ 11.00']);
    expect(v2.history.map((h) => [h.version, h.status, h.approval?.decision])).toEqual([
      [1, 'rejected', 'rejected'],
    ]);
    unwrap(await tc.submitQuote(T, { quoteId: q.id, version: 2 }));
  });

  it('keeps every earlier version as history; only the latest version can be acted on', async () => {
    const { tc, clock } = await setup();
    const q = await approved(tc);
    unwrap(
      await tc.savePriceList(T, {
        id: 'PL',
        name: 'List',
        currency: 'CNY',
        priceIncludesTax: false,
        entries: [
          { productId: 'P1', unit: 'EA', unitPrice: { amount: '12.00', currency: 'CNY' } },
          { productId: 'P2', unit: 'EA', unitPrice: { amount: '2.50', currency: 'CNY' } },
        ],
      }),
    );
    clock.advance(3_600_000);
    // terms only: the prices of version 1 are kept
    const v2 = unwrap(await tc.reviseQuote(T, { quoteId: q.id, version: 1, terms: 'Net 30' }));
    expect(v2).toMatchObject({ version: 2, status: 'draft', terms: 'Net 30', number: q.number });
    expect(prices(v2)).toEqual(prices(q));
    // re-priced with today's list
    const v3 = unwrap(await tc.reviseQuote(T, { quoteId: q.id, reprice: true }));
    expect(prices(v3)).toEqual(['P1 3 EA @ 12.00', 'P2 4 EA @ 2.50']);
    expect(v3.gross.toFixed()).toBe('51.28'); // 36.00 + 4.68 + 10.00 + 0.60
    expect(v3.terms).toBe('Net 30');
    expect(v3.history.map((h) => [h.version, h.status, h.terms, h.gross.toFixed()])).toEqual([
      [1, 'approved', basic.terms, '44.50'],
      [2, 'draft', 'Net 30', '44.50'],
    ]);
    expect(v3.history[0]?.approval?.by).toBe('boss');
    expect(v3.history[0]?.supersededAt).toBe('2026-11-22T09:00:00.000Z');
    expect(v3.firstCreatedAt).toBe(NOW);

    const stale = await tc.submitQuote(T, { quoteId: q.id, version: 2 });
    expect(!stale.ok && stale.error).toMatchObject({
      code: 'QUOTE_NOT_LATEST',
      field: 'version',
      requested: 2,
      latest: 3,
    });
    const staleConvert = await tc.convertQuote(T, { quoteId: q.id, version: 1, warehouseId: 'W' });
    expect(!staleConvert.ok && staleConvert.error.code).toBe('QUOTE_NOT_LATEST');
    // the record holds the latest prices only: price history shows 12.00, once
    const quoted = unwrap(await tc.lastQuotedPrices(T, { productId: 'P1' }));
    expect(quoted.map((e) => e.unitPrice.toFixed())).toEqual(['12.00']);
  });

  it('converts an approved quote to a draft order at the quoted prices, once', async () => {
    const { tc, store, events } = await setup();
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
    const q = await approved(tc, {
      ...basic,
      lines: [
        { productId: 'KIT', quantity: '1' },
        { productId: 'P2', quantity: '5' },
      ],
    });
    expect(prices(q)).toEqual([
      'P1 1 EA @ 8.00',
      'P2 2 EA @ 2.00',
      'P2 5 EA @ 2.50',
      'P2 1 EA @ 0.00',
    ]);
    // prices go up after the quote was approved; the order keeps the quoted ones
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
    unwrap(
      await tc.savePriceList(T, {
        id: 'PL',
        name: 'List',
        currency: 'CNY',
        priceIncludesTax: false,
        entries: [
          { productId: 'P1', unit: 'EA', unitPrice: { amount: '13.00', currency: 'CNY' } },
          { productId: 'P2', unit: 'EA', unitPrice: { amount: '3.00', currency: 'CNY' } },
        ],
      }),
    );
    const before = events.length;
    const c = unwrap(await tc.convertQuote(T, { quoteId: q.id, warehouseId: 'W' }));
    expect(c.quote).toMatchObject({ status: 'converted', orderId: c.order.id, convertedAt: NOW });
    expect(prices(c.order)).toEqual(prices(q));
    expect(c.order.gross.equals(q.gross)).toBe(true);
    expect(c.order.customerId).toBe('HQ');
    expect(c.order.number).toBe('SO202611-00001');
    const kinds = events.slice(before).map((e) => {
      const p = e.payload as { kind: string; event: string };
      return `${p.kind}:${p.event}`;
    });
    expect(kinds).toContain('sales-quote:convert');
    expect(unwrap(await tc.getSalesOrder(T, c.order.id))?.gross.equals(q.gross)).toBe(true);
    expect(unwrap(await tc.getQuote(T, q.id))?.orderId).toBe(c.order.id);

    const fp = await snapshot(store);
    const twice = await tc.convertQuote(T, { quoteId: q.id, warehouseId: 'W' });
    expect(!twice.ok && twice.error).toMatchObject({
      code: 'QUOTE_ALREADY_CONVERTED',
      quoteId: q.id,
      orderId: c.order.id,
    });
    const revise = await tc.reviseQuote(T, { quoteId: q.id, terms: 'x' });
    expect(!revise.ok && revise.error).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      machine: 'sales-quote',
      from: 'converted',
    });
    expect(await snapshot(store)).toBe(fp);
  });

  it('converts once under concurrent conversions: one order, the others QUOTE_ALREADY_CONVERTED', async () => {
    const { tc, store } = await setup();
    const q = await approved(tc);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => tc.convertQuote(T, { quoteId: q.id, warehouseId: 'W' })),
    );
    const codes = results.map((r) => (r.ok ? 'OK' : r.error.code));
    expect(codes.filter((c) => c === 'OK')).toHaveLength(1);
    expect(codes.filter((c) => c !== 'OK').every((c) => c === 'QUOTE_ALREADY_CONVERTED')).toBe(
      true,
    );
    const orders = await peek<number>(
      store,
      T as TenantId,
      async (tx) => (await tx.records.find({ kind: 'sales-order' })).length,
    );
    expect(orders).toBe(1);
    const winner = results.find((r) => r.ok);
    expect(unwrap(await tc.getQuote(T, q.id))?.orderId).toBe(winner?.ok && winner.value.order.id);
  });

  it('refuses to convert a quote that is not approved or has lapsed, changing nothing', async () => {
    const { tc, store, clock } = await setup();
    const draft = unwrap(await tc.createQuote(T, basic));
    const fp0 = await snapshot(store);
    const notApproved = await tc.convertQuote(T, { quoteId: draft.id, warehouseId: 'W' });
    expect(!notApproved.ok && notApproved.error).toMatchObject({
      code: 'QUOTE_NOT_APPROVED',
      status: 'draft',
    });
    expect(await snapshot(store)).toBe(fp0);

    const q = await approved(tc, { ...basic, validUntil: '2026-11-30' });
    clock.set('2026-11-30T23:59:59.000Z'); // the last valid day still counts
    const fp1 = await snapshot(store);
    clock.set('2026-12-01T00:00:00.000Z');
    const lapsed = await tc.convertQuote(T, { quoteId: q.id, warehouseId: 'W' });
    expect(!lapsed.ok && lapsed.error).toMatchObject({
      code: 'QUOTE_EXPIRED',
      validUntil: '2026-11-30',
      today: '2026-12-01',
    });
    // nothing drafted, the SO number not consumed, the quote unchanged
    expect(await snapshot(store)).toBe(fp1);
    clock.set('2026-11-30T23:59:59.000Z');
    const inTime = unwrap(await tc.convertQuote(T, { quoteId: q.id, warehouseId: 'W' }));
    expect(inTime.quote.status).toBe('converted');
  });

  it('cannot submit or approve a lapsed quote; a revision with a new validity revives it', async () => {
    const { tc, clock } = await setup();
    const q = unwrap(await tc.createQuote(T, { ...basic, validUntil: '2026-11-25' }));
    clock.set('2026-11-26T08:00:00.000Z');
    const s = await tc.submitQuote(T, { quoteId: q.id });
    expect(!s.ok && s.error.code).toBe('QUOTE_EXPIRED');
    const stillLapsed = await tc.reviseQuote(T, { quoteId: q.id, terms: 'new terms' });
    expect(!stillLapsed.ok && stillLapsed.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ path: 'validUntil', rule: 'not_past' }],
    });
    unwrap(await tc.reviseQuote(T, { quoteId: q.id, validUntil: '2026-12-10' }));
    unwrap(await tc.submitQuote(T, { quoteId: q.id }));
    clock.set('2026-12-11T08:00:00.000Z');
    const a = await tc.approveQuote(T, { quoteId: q.id, approverId: 'boss' });
    expect(!a.ok && a.error.code).toBe('QUOTE_EXPIRED');
  });

  it('copies a historical version into a new quote, keeping or re-pricing its prices', async () => {
    const { tc, clock } = await setup();
    const q = unwrap(await tc.createQuote(T, basic)); // valid 2026-11-22 … 2026-12-31 (39 days)
    unwrap(
      await tc.reviseQuote(T, {
        quoteId: q.id,
        lines: [{ productId: 'P2', quantity: '1' }],
      }),
    );
    unwrap(
      await tc.savePriceList(T, {
        id: 'PL',
        name: 'List',
        currency: 'CNY',
        priceIncludesTax: false,
        entries: [
          { productId: 'P1', unit: 'EA', unitPrice: { amount: '12.00', currency: 'CNY' } },
          { productId: 'P2', unit: 'EA', unitPrice: { amount: '3.00', currency: 'CNY' } },
        ],
      }),
    );
    clock.set('2027-01-10T08:00:00.000Z');
    const kept = unwrap(
      await tc.copyQuote(T, { quoteId: q.id, version: 1, prices: 'keep', customerId: 'SUB' }),
    );
    expect(kept).toMatchObject({
      number: 'QT202701-00001',
      customerId: 'SUB',
      version: 1,
      status: 'draft',
      validUntil: '2027-02-18', // 39 days, like the source
      terms: basic.terms,
      copiedFrom: { quoteId: q.id, number: q.number, version: 1 },
      createdAt: '2027-01-10T08:00:00.000Z',
      history: [],
    });
    expect(kept.id).not.toBe(q.id);
    expect(prices(kept)).toEqual(['P1 3 EA @ 10.00', 'P2 4 EA @ 2.50']);
    expect(kept.gross.toFixed()).toBe('44.50');
    const repriced = unwrap(
      await tc.copyQuote(T, { quoteId: q.id, version: 1, validUntil: '2027-01-31' }),
    );
    expect(prices(repriced)).toEqual(['P1 3 EA @ 12.00', 'P2 4 EA @ 3.00']);
    expect(repriced).toMatchObject({ customerId: 'HQ', validUntil: '2027-01-31' });
    const latest = unwrap(await tc.copyQuote(T, { quoteId: q.id, prices: 'keep' }));
    expect(prices(latest)).toEqual(['P2 1 EA @ 2.50']);
    const missing = await tc.copyQuote(T, { quoteId: q.id, version: 7 });
    expect(!missing.ok && missing.error).toMatchObject({ code: 'NOT_FOUND', field: 'version' });
  });

  it('renders a print-ready view: numbered lines, totals by tax rate, terms, validity', async () => {
    const { tc } = await setup();
    const q = await approved(tc);
    const v = unwrap(await tc.quoteView(T, q.id));
    expect(v).toEqual({
      header: {
        number: 'QT202611-00001',
        version: 1,
        status: 'approved',
        customerId: 'HQ',
        currency: 'CNY',
        priceIncludesTax: false,
        date: '2026-11-22',
        approvedBy: 'boss',
        approvedAt: NOW,
        orderId: null,
      },
      lines: [
        {
          no: 1,
          productId: 'P1',
          quantity: '3',
          unit: 'EA',
          unitPrice: '10.00',
          taxRate: '13%',
          net: '30.00',
          tax: '3.90',
          gross: '33.90',
          free: false,
          bundleId: null,
        },
        {
          no: 2,
          productId: 'P2',
          quantity: '4',
          unit: 'EA',
          unitPrice: '2.50',
          taxRate: '6%',
          net: '10.00',
          tax: '0.60',
          gross: '10.60',
          free: false,
          bundleId: null,
        },
      ],
      totalsByTaxRate: [
        { taxRate: '13%', net: '30.00', tax: '3.90', gross: '33.90' },
        { taxRate: '6%', net: '10.00', tax: '0.60', gross: '10.60' },
      ],
      totals: { net: '40.00', tax: '4.50', gross: '44.50' },
      terms: basic.terms,
      validity: { from: '2026-11-22', until: '2026-12-31', days: 39 },
    });
    expect(unwrap(await tc.quoteView(T, 'nope'))).toBeUndefined();
    const bad = await tc.quoteView(T, '');
    expect(!bad.ok && bad.error.issues[0]?.path).toBe('quoteId');
  });

  it('rejects bad input naming the field, and a rejected command changes nothing', async () => {
    const { tc, store, events } = await setup();
    const q = unwrap(await tc.createQuote(T, basic));
    const fp = await snapshot(store);
    const n = events.length;
    const cases: [unknown, string, string][] = [
      [{ ...basic, validUntil: '2026-02-30' }, 'validUntil', 'date'],
      [{ ...basic, validUntil: '2026-11-21' }, 'validUntil', 'not_past'],
      [{ ...basic, lines: [] }, 'lines', 'too_small'],
      [{ ...basic, lines: [{ productId: 'P1', quantity: 'abc' }] }, 'lines.0.quantity', 'decimal'],
      [{ ...basic, lines: [{ productId: 'P1', quantity: '-1' }] }, 'lines.0.quantity', 'positive'],
      [{ ...basic, customerId: '' }, 'customerId', 'too_small'],
      [{ ...basic, currency: 'XXQ' }, 'currency', 'unknown_currency'],
    ];
    for (const [input, path, rule] of cases) {
      const r = await tc.createQuote(T, input);
      expect(r.ok, path).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe('VALIDATION_FAILED');
      if (r.error.code !== 'VALIDATION_FAILED') continue;
      expect(r.error.issues[0], path).toMatchObject({ path, rule });
    }
    const unknown = await tc.createQuote(T, {
      ...basic,
      lines: [{ productId: 'NOPE', quantity: '1' }],
    });
    expect(!unknown.ok && unknown.error).toMatchObject({
      code: 'NOT_FOUND',
      field: 'lines.0.productId',
    });
    const noCustomer = await tc.createQuote(T, { ...basic, customerId: 'ZZ' });
    expect(!noCustomer.ok && noCustomer.error).toMatchObject({
      code: 'NOT_FOUND',
      field: 'customerId',
    });
    const nothing = await tc.reviseQuote(T, { quoteId: q.id });
    expect(!nothing.ok && nothing.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ path: '', rule: 'no_change' }],
    });
    const noReason = await tc.rejectQuote(T, { quoteId: q.id, approverId: 'boss', reason: ' ' });
    expect(!noReason.ok && noReason.error).toMatchObject({
      issues: [{ path: 'reason', rule: 'too_small' }],
    });
    const badVersion = await tc.submitQuote(T, { quoteId: q.id, version: 0 });
    expect(!badVersion.ok && badVersion.error).toMatchObject({
      issues: [{ path: 'version', rule: 'too_small' }],
    });
    const approveDraft = await tc.approveQuote(T, { quoteId: q.id, approverId: 'boss' });
    expect(!approveDraft.ok && approveDraft.error).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      from: 'draft',
      event: 'approve',
      allowed: ['submit', 'revise'],
    });
    const noWarehouse = await tc.convertQuote(T, { quoteId: q.id });
    expect(!noWarehouse.ok && noWarehouse.error).toMatchObject({
      issues: [{ path: 'warehouseId' }],
    });
    const missing = await tc.submitQuote(T, { quoteId: 'QQ' });
    expect(!missing.ok && missing.error).toMatchObject({ code: 'NOT_FOUND', field: 'quoteId' });
    expect(await snapshot(store)).toBe(fp);
    expect(events.length).toBe(n);
  });
});
