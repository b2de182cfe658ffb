/**
 * Quote use cases: create (priced by the engine exactly as an order draft is), revise (a new
 * version, the old one kept in the quote's history), submit, approve or reject, copy, and
 * convert an approved, unexpired quote to a sales order at the quoted prices.
 *
 * @module
 */
import type { z } from 'zod';
import type { CustomerId, PriceListId } from '../kernel/brand';
import type { NotFoundError } from '../kernel/errors';
import { transition } from '../kernel/machine';
import { err, ok, type Result } from '../kernel/result';
import { type Customer, MASTERDATA_KINDS } from '../masterdata/types';
import type { RoundingMode } from '../money/rounding';
import type { PriceList } from '../pricing/price-list';
import { addDays, dateOfInstant } from '../sales/dates';
import type { TaxRounding } from '../sales/documents';
import {
  checkConvertible,
  checkLatestVersion,
  checkNotExpired,
  convertSalesQuote,
  decideSalesQuote,
  latestQuoteVersion,
  newSalesQuote,
  QUOTE_KIND,
  QUOTE_NUMBER_PREFIX,
  type QuoteContent,
  type QuoteLineRequest,
  type QuoteTransition,
  quotedOrderLines,
  quoteMachine,
  quoteVersionOf,
  reviseSalesQuote,
  type SalesQuote,
  submitSalesQuote,
  validityDays,
} from '../sales/quote';
import { draftSalesOrder } from './orders';
import { type PriceOrderError, priceOrder } from './pricing-order';
import { PricingRuntime } from './pricing-runtime';
import {
  type approveQuoteInput,
  type convertQuoteInput,
  type copyQuoteInput,
  type createQuoteInput,
  fieldInvalid,
  type quoteRefInput,
  type rejectQuoteInput,
  type reviseQuoteInput,
} from './quote-schemas';
import type { UnitOfWork } from './unit-of-work';

/** Settings of the quote use cases: those of the order use cases (a quote is priced like one). */
export interface QuoteSettings {
  /** Rounding mode of every amount. */
  readonly rounding: RoundingMode;
  /** The pricing runtime (book cache, cost port); default: a fresh one without a cache. */
  readonly pricing?: PricingRuntime;
}

type RequestedLine = z.output<typeof createQuoteInput>['lines'][number];

function toRequest(l: RequestedLine): QuoteLineRequest {
  return {
    productId: l.productId,
    quantity: l.quantity,
    unit: l.unit ?? null,
    unitPrice: l.unitPrice ?? null,
  };
}

/** Everything but the lines and amounts of a version's content. */
interface QuoteTerms {
  readonly priceListId: string;
  readonly currency: string | null;
  readonly channel: string | null;
  readonly departmentId: string | null;
  readonly taxRounding: TaxRounding;
  readonly validUntil: string;
  readonly terms: string;
}

/** A `validUntil` before today is rejected: the offer would be born lapsed. */
function checkValidUntil(validUntil: string, today: string) {
  if (validUntil >= today) return ok(true as const);
  return err(
    fieldInvalid(
      'validUntil',
      'not_past',
      `must not be before today (${today}), got ${validUntil}`,
    ),
  );
}

/**
 * Prices requested lines for a customer through the engine — the same call `draftSalesOrder`
 * makes, so a quote and an order drafted the same day get the same prices.
 */
async function priceContent(
  uow: UnitOfWork,
  settings: QuoteSettings,
  customer: Customer,
  head: QuoteTerms,
  requested: readonly QuoteLineRequest[],
): Promise<Result<QuoteContent, NotFoundError | PriceOrderError>> {
  const pl = await uow.require<PriceList>('price-list', head.priceListId, 'priceListId');
  if (!pl.ok) return pl;
  const priced = await priceOrder(uow, settings.pricing ?? new PricingRuntime(), {
    customer,
    priceList: pl.value,
    currency: head.currency ?? undefined,
    channel: head.channel ?? undefined,
    departmentId: head.departmentId ?? undefined,
    taxRounding: head.taxRounding,
    rounding: settings.rounding,
    lines: requested.map((r) => ({
      productId: r.productId,
      quantity: r.quantity,
      unit: r.unit ?? undefined,
      unitPrice: r.unitPrice ?? undefined,
    })),
  });
  if (!priced.ok) return priced;
  const { currency, priceIncludesTax, lines, net, tax, gross } = priced.value;
  return ok({
    priceListId: pl.value.id,
    currency,
    priceIncludesTax,
    taxRounding: head.taxRounding,
    channel: head.channel,
    departmentId: head.departmentId,
    validUntil: head.validUntil,
    terms: head.terms,
    requested,
    lines,
    net,
    tax,
    gross,
  });
}

async function loadQuote(uow: UnitOfWork, quoteId: string) {
  return uow.require<SalesQuote>(QUOTE_KIND, quoteId, 'quoteId');
}

async function loadCustomer(uow: UnitOfWork, id: string, field: string) {
  return uow.require<Customer>(MASTERDATA_KINDS.customer, id, field);
}

/** Saves a transitioned quote and announces the transition. */
async function commit(uow: UnitOfWork, t: QuoteTransition) {
  await uow.save(QUOTE_KIND, t.doc);
  uow.emit('document.transitioned', t.event);
  return t.doc;
}

/** Numbers, stores and announces a new quote (version 1, draft). */
async function insertQuote(
  uow: UnitOfWork,
  customerId: CustomerId,
  content: QuoteContent,
  copiedFrom: SalesQuote['copiedFrom'] = null,
) {
  const quote = newSalesQuote(
    {
      id: uow.newId(QUOTE_KIND),
      tenantId: uow.tenantId,
      number: await uow.nextNumber(QUOTE_NUMBER_PREFIX),
      customerId,
      at: uow.now,
      copiedFrom,
    },
    content,
  );
  await uow.create(QUOTE_KIND, quote);
  uow.transitioned(QUOTE_KIND, quote, { from: null, event: 'create', to: quote.status });
  return ok(quote);
}

/** Creates a quote for a customer: lines priced by the engine, validity, terms; a draft. */
export async function createQuote(
  uow: UnitOfWork,
  input: z.output<typeof createQuoteInput>,
  settings: QuoteSettings,
) {
  const valid = checkValidUntil(input.validUntil, dateOfInstant(uow.now));
  if (!valid.ok) return valid;
  const c = await loadCustomer(uow, input.customerId, 'customerId');
  if (!c.ok) return c;
  const content = await priceContent(
    uow,
    settings,
    c.value,
    {
      priceListId: input.priceListId,
      currency: input.currency ?? null,
      channel: input.channel ?? null,
      departmentId: input.departmentId ?? null,
      taxRounding: input.taxRounding,
      validUntil: input.validUntil,
      terms: input.terms,
    },
    input.lines.map(toRequest),
  );
  if (!content.ok) return content;
  return insertQuote(uow, c.value.id, content.value);
}

/**
 * Revises a quote: its latest version goes to the history and a new version (a draft) takes
 * its place, with new lines (priced), re-priced lines, or the same prices, and any new validity
 * or terms. A converted quote cannot be revised (`ILLEGAL_TRANSITION`).
 */
export async function reviseQuote(
  uow: UnitOfWork,
  input: z.output<typeof reviseQuoteInput>,
  settings: QuoteSettings,
) {
  const q = await loadQuote(uow, input.quoteId);
  if (!q.ok) return q;
  const prev = q.value;
  const latest = checkLatestVersion(prev, input.version);
  if (!latest.ok) return latest;
  const allowed = transition(quoteMachine, prev.status, 'revise');
  if (!allowed.ok) return allowed;
  const validUntil = input.validUntil ?? prev.validUntil;
  const valid = checkValidUntil(validUntil, dateOfInstant(uow.now));
  if (!valid.ok) return valid;
  const terms = input.terms ?? prev.terms;
  let content: QuoteContent = { ...latestQuoteVersion(prev), validUntil, terms };
  if (input.lines !== undefined || input.reprice) {
    const c = await loadCustomer(uow, prev.customerId, 'quoteId');
    if (!c.ok) return c;
    const priced = await priceContent(
      uow,
      settings,
      c.value,
      { ...prev, validUntil, terms },
      input.lines === undefined ? prev.requested : input.lines.map(toRequest),
    );
    if (!priced.ok) return priced;
    content = priced.value;
  }
  const t = reviseSalesQuote(prev, content, uow.now);
  if (!t.ok) return t;
  return ok(await commit(uow, t.value));
}

/** Submits the latest version of a draft quote for approval; a lapsed quote cannot be submitted. */
export async function submitQuote(uow: UnitOfWork, input: z.output<typeof quoteRefInput>) {
  const q = await loadQuote(uow, input.quoteId);
  if (!q.ok) return q;
  const latest = checkLatestVersion(q.value, input.version);
  if (!latest.ok) return latest;
  const t = submitSalesQuote(q.value, uow.now);
  if (!t.ok) return t;
  const fresh = checkNotExpired(q.value, dateOfInstant(uow.now));
  if (!fresh.ok) return fresh;
  return ok(await commit(uow, t.value));
}

/** Approves the submitted latest version, recording the approver and the instant. */
export async function approveQuote(uow: UnitOfWork, input: z.output<typeof approveQuoteInput>) {
  const q = await loadQuote(uow, input.quoteId);
  if (!q.ok) return q;
  const latest = checkLatestVersion(q.value, input.version);
  if (!latest.ok) return latest;
  const t = decideSalesQuote(q.value, {
    decision: 'approved',
    by: input.approverId,
    at: uow.now,
    note: input.note ?? null,
  });
  if (!t.ok) return t;
  const fresh = checkNotExpired(q.value, dateOfInstant(uow.now));
  if (!fresh.ok) return fresh;
  return ok(await commit(uow, t.value));
}

/** Rejects the submitted latest version, recording the approver, the instant and the reason. */
export async function rejectQuote(uow: UnitOfWork, input: z.output<typeof rejectQuoteInput>) {
  const q = await loadQuote(uow, input.quoteId);
  if (!q.ok) return q;
  const latest = checkLatestVersion(q.value, input.version);
  if (!latest.ok) return latest;
  const t = decideSalesQuote(q.value, {
    decision: 'rejected',
    by: input.approverId,
    at: uow.now,
    note: input.reason,
  });
  if (!t.ok) return t;
  return ok(await commit(uow, t.value));
}

/**
 * Copies a version of an earlier quote (any state, any version) into a new quote with a fresh
 * number, for the same or another customer, re-priced today or at the copied prices.
 */
export async function copyQuote(
  uow: UnitOfWork,
  input: z.output<typeof copyQuoteInput>,
  settings: QuoteSettings,
) {
  const q = await loadQuote(uow, input.quoteId);
  if (!q.ok) return q;
  const src = q.value;
  const v =
    input.version === undefined ? latestQuoteVersion(src) : quoteVersionOf(src, input.version);
  if (v === undefined) {
    return err<NotFoundError>({
      code: 'NOT_FOUND',
      message: `version: quote ${src.number} has no version ${input.version} (latest: ${src.version})`,
      entity: 'sales-quote-version',
      id: `${src.id}@${input.version}`,
      field: 'version',
    });
  }
  const today = dateOfInstant(uow.now);
  const validUntil = input.validUntil ?? addDays(today, validityDays(v));
  const valid = checkValidUntil(validUntil, today);
  if (!valid.ok) return valid;
  const c = await loadCustomer(
    uow,
    input.customerId ?? src.customerId,
    input.customerId === undefined ? 'quoteId' : 'customerId',
  );
  if (!c.ok) return c;
  const terms = input.terms ?? v.terms;
  let content: QuoteContent = { ...v, validUntil, terms };
  if (input.prices === 'reprice') {
    const priced = await priceContent(
      uow,
      settings,
      c.value,
      { ...v, validUntil, terms },
      v.requested,
    );
    if (!priced.ok) return priced;
    content = priced.value;
  }
  return insertQuote(uow, c.value.id, content, {
    quoteId: src.id,
    number: src.number,
    version: v.version,
  });
}

/** What `convertQuote` returns: the converted quote and the drafted order. */
export interface QuoteConversion<O> {
  /** The quote, now `converted`, with the order's id. */
  readonly quote: SalesQuote;
  /** The drafted sales order. */
  readonly order: O;
}

/**
 * Converts an approved, unexpired quote to a draft sales order through `draftSalesOrder`,
 * every priced line at its quoted unit price (see {@link quotedOrderLines}), and marks the quote
 * converted with the order's id. A second conversion is `QUOTE_ALREADY_CONVERTED`.
 */
export async function convertQuote(
  uow: UnitOfWork,
  input: z.output<typeof convertQuoteInput>,
  settings: QuoteSettings,
) {
  const q = await loadQuote(uow, input.quoteId);
  if (!q.ok) return q;
  const quote = q.value;
  const latest = checkLatestVersion(quote, input.version);
  if (!latest.ok) return latest;
  const can = checkConvertible(quote, dateOfInstant(uow.now));
  if (!can.ok) return can;
  const order = await draftSalesOrder(
    uow,
    {
      customerId: quote.customerId,
      shipToId: input.shipToId,
      warehouseId: input.warehouseId,
      priceListId: quote.priceListId as PriceListId,
      taxRounding: quote.taxRounding,
      currency: quote.currency,
      channel: quote.channel ?? undefined,
      departmentId: quote.departmentId ?? undefined,
      lines: quotedOrderLines(quote),
    },
    settings,
  );
  if (!order.ok) return order;
  const t = convertSalesQuote(quote, order.value.id, uow.now);
  if (!t.ok) return t;
  const saved = await commit(uow, t.value);
  const conversion: QuoteConversion<typeof order.value> = {
    quote: saved,
    order: order.value,
  };
  return ok(conversion);
}
