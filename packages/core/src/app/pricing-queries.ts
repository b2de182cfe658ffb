/**
 * Read-only pricing queries for the salesperson at quote time: a price preview with cost and
 * margin, the full explanation of one line, the lint of the tenant's pricing data, and price
 * history over stored documents.
 *
 * @module
 */
import type { z } from 'zod';
import { decode } from '../kernel/codec';
import type { ValidationError } from '../kernel/errors';
import { err, ok, type Result } from '../kernel/result';
import { type Customer, MASTERDATA_KINDS } from '../masterdata/types';
import type { Money } from '../money/money';
import type { Quantity } from '../money/quantity';
import type { RoundingMode } from '../money/rounding';
import type { Transaction } from '../ports/store';
import { explain, type LintFinding, lint, type PriceExplanation } from '../pricing';
import type { PriceList } from '../pricing/price-list';
import { type PricedOrder, type PriceOrderError, prepareOrder, priceOrder } from './pricing-order';
import type { PricingRuntime } from './pricing-runtime';
import type { priceHistoryInput, pricingQueryInput } from './pricing-schemas';
import { loadPricingData, PRICING_KINDS } from './pricing-store';
import type { UnitOfWork } from './unit-of-work';

type QueryInput = z.output<typeof pricingQueryInput>;

async function request(uow: UnitOfWork, input: QueryInput, rounding: RoundingMode) {
  const c = await uow.require<Customer>(MASTERDATA_KINDS.customer, input.customerId, 'customerId');
  if (!c.ok) return c;
  const pl = await uow.require<PriceList>(
    PRICING_KINDS.priceList,
    input.priceListId,
    'priceListId',
  );
  if (!pl.ok) return pl;
  return ok({
    customer: c.value,
    priceList: pl.value,
    currency: input.currency,
    channel: input.channel,
    departmentId: input.departmentId,
    taxRounding: 'line' as const,
    rounding,
    lines: input.lines,
    date: input.date,
  });
}

/**
 * Prices an order as `draftSalesOrder` would, without storing anything: lines with locked-price
 * traces (cost, margin, floor), free goods and totals.
 */
export async function previewPrices(
  uow: UnitOfWork,
  input: QueryInput,
  runtime: PricingRuntime,
  rounding: RoundingMode,
): Promise<Result<PricedOrder, PriceOrderError>> {
  const req = await request(uow, input, rounding);
  if (!req.ok) return req;
  return priceOrder(uow, runtime, req.value);
}

/** Explains line `lineIndex` of an order as it would be drafted (see `explain`). */
export async function explainPrice(
  uow: UnitOfWork,
  input: QueryInput,
  runtime: PricingRuntime,
  rounding: RoundingMode,
): Promise<Result<PriceExplanation, PriceOrderError>> {
  const req = await request(uow, input, rounding);
  if (!req.ok) return req;
  const prep = await prepareOrder(uow, runtime, req.value);
  if (!prep.ok) return prep;
  const k = prep.value.singles.findIndex((s) => s.i === input.lineIndex);
  if (k < 0) {
    const why = input.lineIndex < input.lines.length ? 'is a bundle line' : 'is not a line';
    return err<ValidationError>({
      code: 'VALIDATION_FAILED',
      message: `lineIndex: ${input.lineIndex} ${why} [line_index]`,
      issues: [{ path: 'lineIndex', rule: 'line_index', message: `lineIndex: ${why}` }],
    });
  }
  const p = prep.value;
  return ok(explain(p.book, p.ctx, p.lines, k));
}

/** Lints the tenant's stored pricing data (overlaps, dangling references, expired rules). */
export async function lintPricing(tx: Transaction, date: string): Promise<LintFinding[]> {
  return lint(await loadPricingData(tx), { date });
}

/** Where price history comes from. */
export type PriceHistorySource = 'sales' | 'quotes' | 'purchases';

/**
 * The documents each history source reads, and the party field. Quotes and purchase orders
 * belong to later issues; any document of these kinds with this shape is read:
 * `{ id, number, status, createdAt, customerId | supplierId, lines: [{ lineNo?, productId,
 * unitPrice: Money, quantity: Quantity }] }`.
 */
export const PRICE_HISTORY_SOURCES: Readonly<
  Record<PriceHistorySource, { kind: string; party: string; skip: readonly string[] }>
> = {
  sales: { kind: 'sales-order', party: 'customerId', skip: ['draft', 'cancelled'] },
  quotes: { kind: 'sales-quote', party: 'customerId', skip: ['cancelled'] },
  purchases: { kind: 'purchase-order', party: 'supplierId', skip: ['draft', 'cancelled'] },
};

/** One price paid or quoted. */
export interface PriceHistoryEntry {
  /** Document kind. */
  readonly documentKind: string;
  /** Document id. */
  readonly documentId: string;
  /** Document number. */
  readonly number: string | null;
  /** Customer or supplier. */
  readonly partyId: string;
  /** When the document was created (ISO-8601). */
  readonly date: string;
  /** Its status. */
  readonly status: string;
  /** The line. */
  readonly lineNo: number;
  /** Unit price on the line. */
  readonly unitPrice: Money;
  /** Quantity on the line. */
  readonly quantity: Quantity;
}

interface HistoryDoc {
  readonly id: string;
  readonly number?: string | null;
  readonly status?: string;
  /** Its workflow state (sales orders). */
  readonly state?: string;
  readonly createdAt?: string;
  readonly lines?: readonly {
    readonly lineNo?: number;
    readonly productId: string;
    readonly unitPrice: Money;
    readonly quantity: Quantity;
  }[];
  readonly [party: string]: unknown;
}

/**
 * The last prices of a product from one source, newest first: "last price this customer paid"
 * (`sales`, confirmed orders and later), "last quotes" (`quotes`), "last purchase prices from
 * suppliers" (`purchases`). `partyId` narrows to one customer or supplier.
 */
export async function priceHistory(
  tx: Transaction,
  source: PriceHistorySource,
  input: z.output<typeof priceHistoryInput>,
): Promise<PriceHistoryEntry[]> {
  const s = PRICE_HISTORY_SOURCES[source];
  const where = input.partyId === undefined ? {} : { [s.party]: input.partyId };
  const docs = (await tx.records.find({ kind: s.kind, where })).map((r) => ({
    number: r.number,
    doc: decode<HistoryDoc>(r.data),
  }));
  const out: PriceHistoryEntry[] = [];
  for (const { number, doc } of docs) {
    const status = doc.status ?? doc.state ?? '';
    if (s.skip.includes(status)) continue;
    for (const [k, l] of (doc.lines ?? []).entries()) {
      if (l.productId !== input.productId) continue;
      out.push({
        documentKind: s.kind,
        documentId: doc.id,
        number,
        partyId: String(doc[s.party] ?? ''),
        date: doc.createdAt ?? '',
        status,
        lineNo: l.lineNo ?? k + 1,
        unitPrice: l.unitPrice,
        quantity: l.quantity,
      });
    }
  }
  out.sort((a, b) =>
    a.date !== b.date ? (a.date < b.date ? 1 : -1) : (a.number ?? '') < (b.number ?? '') ? 1 : -1,
  );
  return out.slice(0, input.limit);
}
