/**
 * Quotes, pure: the state machine, versions as append-only history (a fast-check property over
 * random workflows), the conversion checks in their order, the lines a quote converts to, and
 * the print-ready view.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CustomerId, PriceListId, ProductId, TenantId } from '../../src/kernel/brand';
import { allowedEvents } from '../../src/kernel/machine';
import { Dec } from '../../src/money/decimal';
import { Money } from '../../src/money/money';
import { Quantity } from '../../src/money/quantity';
import type { PriceTrace } from '../../src/pricing/trace';
import {
  checkConvertible,
  checkLatestVersion,
  convertSalesQuote,
  decideSalesQuote,
  isQuoteExpired,
  newSalesQuote,
  type QuoteContent,
  type QuoteLine,
  quotedOrderLines,
  quoteMachine,
  quoteVersionOf,
  quoteView,
  reviseSalesQuote,
  type SalesQuote,
  submitSalesQuote,
} from '../../src/sales/quote';

const AT = '2026-11-22T08:00:00.000Z';

function line(
  productId: string,
  qty: string,
  unit: string,
  price: string,
  rate: string,
  amounts: [string, string],
  trace: Partial<PriceTrace> = {},
): QuoteLine {
  const net = Money.of(amounts[0], 'CNY');
  const tax = Money.of(amounts[1], 'CNY');
  return {
    lineNo: 0,
    productId: productId as ProductId,
    quantity: Quantity.of(qty, unit),
    stockQuantity: Quantity.of(qty, unit),
    unitPrice: Money.of(price, 'CNY'),
    taxRate: new Dec(rate),
    net,
    tax,
    gross: net.add(tax),
    priceSource: { kind: 'price-list', priceListId: 'PL', ...trace },
  };
}

function content(lines: QuoteLine[], o: Partial<QuoteContent> = {}): QuoteContent {
  const sum = (f: (l: QuoteLine) => Money) => Money.sum(lines.map(f), 'CNY');
  return {
    priceListId: 'PL' as PriceListId,
    currency: 'CNY',
    priceIncludesTax: false,
    taxRounding: 'line',
    channel: null,
    departmentId: null,
    validUntil: '2026-12-31',
    terms: 'Net 30',
    requested: lines.map((l) => ({
      productId: l.productId,
      quantity: l.quantity.value,
      unit: null,
      unitPrice: null,
    })),
    lines: lines.map((l, i) => ({ ...l, lineNo: i + 1 })),
    net: sum((l) => l.net),
    tax: sum((l) => l.tax),
    gross: sum((l) => l.gross),
    ...o,
  };
}

const simple = content([line('P1', '3', 'EA', '10.00', '0.13', ['30.00', '3.90'])]);

function quote(c: QuoteContent = simple): SalesQuote {
  return newSalesQuote(
    {
      id: 'q1',
      tenantId: 't1' as TenantId,
      number: 'QT202611-00001',
      customerId: 'HQ' as CustomerId,
      at: AT,
    },
    c,
  );
}

function ok<T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}`);
  return r.value;
}

describe('quote machine', () => {
  it('is draft → submitted → approved | rejected → …, converted final', () => {
    expect(quoteMachine.initial).toBe('draft');
    expect(quoteMachine.final).toEqual(['converted']);
    expect(allowedEvents(quoteMachine, 'draft')).toEqual(['submit', 'revise']);
    expect(allowedEvents(quoteMachine, 'submitted')).toEqual(['approve', 'reject', 'revise']);
    expect(allowedEvents(quoteMachine, 'approved')).toEqual(['convert', 'revise']);
    expect(allowedEvents(quoteMachine, 'rejected')).toEqual(['revise']);
    expect(allowedEvents(quoteMachine, 'converted')).toEqual([]);
  });

  it('records the approval, and converts only an approved, unexpired quote', () => {
    const q = quote();
    expect(checkConvertible(q, '2026-11-22')).toMatchObject({
      ok: false,
      error: { code: 'QUOTE_NOT_APPROVED', status: 'draft' },
    });
    const s = ok(submitSalesQuote(q, AT)).doc;
    const a = ok(decideSalesQuote(s, { decision: 'approved', by: 'boss', at: AT, note: null })).doc;
    expect(a).toMatchObject({ status: 'approved', approval: { by: 'boss', at: AT } });
    expect(checkConvertible(a, '2026-12-31')).toEqual({ ok: true, value: true });
    expect(isQuoteExpired(a, '2026-12-31')).toBe(false);
    expect(isQuoteExpired(a, '2027-01-01')).toBe(true);
    expect(checkConvertible(a, '2027-01-01')).toMatchObject({
      ok: false,
      error: { code: 'QUOTE_EXPIRED', validUntil: '2026-12-31', today: '2027-01-01' },
    });
    const c = ok(convertSalesQuote(a, 'SO-1', AT));
    expect(c.doc).toMatchObject({ status: 'converted', orderId: 'SO-1', convertedAt: AT });
    expect(c.event).toEqual({
      kind: 'sales-quote',
      id: 'q1',
      number: 'QT202611-00001',
      from: 'approved',
      event: 'convert',
      to: 'converted',
    });
    // converted beats every other reason, even once lapsed
    expect(checkConvertible(c.doc, '2030-01-01')).toMatchObject({
      ok: false,
      error: { code: 'QUOTE_ALREADY_CONVERTED', orderId: 'SO-1' },
    });
    expect(reviseSalesQuote(c.doc, simple, AT)).toMatchObject({
      ok: false,
      error: { code: 'ILLEGAL_TRANSITION', from: 'converted', event: 'revise' },
    });
  });
});

type Step = 'submit' | 'approve' | 'reject' | 'revise' | 'convert';
const stepArb = fc.constantFrom<Step>('submit', 'approve', 'reject', 'revise', 'convert');

describe('quote versions', () => {
  it('revising appends the latest version to the history, never changing earlier ones', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 30 }), (steps) => {
        let q = quote();
        const seen: string[] = [];
        for (const [k, step] of steps.entries()) {
          const at = `2026-11-22T08:00:${String(k).padStart(2, '0')}.000Z`;
          const before = q;
          const r =
            step === 'submit'
              ? submitSalesQuote(q, at)
              : step === 'approve' || step === 'reject'
                ? decideSalesQuote(q, {
                    decision: step === 'approve' ? 'approved' : 'rejected',
                    by: 'boss',
                    at,
                    note: null,
                  })
                : step === 'convert'
                  ? convertSalesQuote(q, 'SO-1', at)
                  : reviseSalesQuote(q, content(simple.lines.slice(), { terms: `v${k}` }), at);
          expect(r.ok).toBe(quoteMachine.index.get(q.status)?.has(step) ?? false);
          if (!r.ok) continue;
          q = r.value.doc;
          if (step === 'revise') {
            seen.push(JSON.stringify(quoteVersionOf(before, before.version)));
            expect(q.version).toBe(before.version + 1);
            expect(q).toMatchObject({ status: 'draft', approval: null, submittedAt: null });
            expect(q.history.at(-1)?.supersededAt).toBe(at);
          }
          // the history is exactly the superseded versions, unchanged, oldest first
          expect(q.history.map((h) => h.version)).toEqual(seen.map((_, i) => i + 1));
          q.history.forEach((h, i) => {
            const { supersededAt: _, ...v } = h;
            expect(JSON.stringify(v)).toBe(seen[i]);
          });
          expect(q.version).toBe(q.history.length + 1);
          expect(q.number).toBe('QT202611-00001');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('names the latest version when an older one is acted on', () => {
    const q = ok(reviseSalesQuote(quote(), simple, AT)).doc;
    expect(checkLatestVersion(q, undefined).ok).toBe(true);
    expect(checkLatestVersion(q, 2).ok).toBe(true);
    expect(checkLatestVersion(q, 1)).toMatchObject({
      ok: false,
      error: { code: 'QUOTE_NOT_LATEST', field: 'version', requested: 1, latest: 2 },
    });
    expect(quoteVersionOf(q, 1)?.version).toBe(1);
    expect(quoteVersionOf(q, 3)).toBeUndefined();
  });
});

describe('conversion lines and the print view', () => {
  const mixed = content(
    [
      line('P1', '1', 'EA', '8.00', '0.13', ['8.00', '1.04'], {
        kind: 'bundle',
        bundle: { bundleId: 'KIT', sets: new Dec(1), component: 0 },
      }),
      line('P2', '2', 'EA', '2.00', '0.06', ['4.00', '0.24'], {
        kind: 'bundle',
        bundle: { bundleId: 'KIT', sets: new Dec(1), component: 1 },
      }),
      line('P1', '1.5', 'BOX', '99.123456', '0.13', ['148.69', '19.33']),
      line('P2', '1', 'EA', '0', '0.06', ['0.00', '0.00'], { kind: 'free-goods' }),
    ],
    { validUntil: '2026-12-06' },
  );

  it('converts every priced line at its quoted price and leaves free goods to the order', () => {
    expect(
      quotedOrderLines(mixed).map(
        (l) => `${l.productId} ${l.quantity} ${l.unit} @ ${l.unitPrice.amount}`,
      ),
    ).toEqual(['P1 1 EA @ 8', 'P2 2 EA @ 2', 'P1 1.5 BOX @ 99.123456']);
  });

  it('numbers lines, formats exactly, and totals by tax rate', () => {
    const v = quoteView(quote(mixed));
    expect(v.lines.map((l) => [l.no, l.quantity, l.unit, l.unitPrice, l.taxRate, l.free])).toEqual([
      [1, '1', 'EA', '8.00', '13%', false],
      [2, '2', 'EA', '2.00', '6%', false],
      [3, '1.5', 'BOX', '99.123456', '13%', false],
      [4, '1', 'EA', '0.00', '6%', true],
    ]);
    expect(v.lines.map((l) => l.bundleId)).toEqual(['KIT', 'KIT', null, null]);
    expect(v.totalsByTaxRate).toEqual([
      { taxRate: '13%', net: '156.69', tax: '20.37', gross: '177.06' },
      { taxRate: '6%', net: '4.00', tax: '0.24', gross: '4.24' },
    ]);
    expect(v.totals).toEqual({ net: '160.69', tax: '20.61', gross: '181.30' });
    expect(v.validity).toEqual({ from: '2026-11-22', until: '2026-12-06', days: 14 });
    expect(v.header).toMatchObject({ status: 'draft', approvedBy: null, date: '2026-11-22' });
    expect(v.terms).toBe('Net 30');
  });
});
