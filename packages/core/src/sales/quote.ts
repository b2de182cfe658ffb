/**
 * Sales quotes (报价单): versions, approval, validity, conversion to an order, and a print-ready
 * view — pure functions over immutable values and a state machine declared as data.
 *
 * **Versions are embedded.** A quote is one stored record (kind `sales-quote`, number `QT…`)
 * whose top-level fields are its *latest* version; every earlier version is kept, frozen, in
 * `history` (oldest first) with the instant it was superseded. So the record's `lines` are
 * always the prices currently offered (what `lastQuotedPrices` reads), only the latest version
 * can be submitted, approved or converted — by construction, and callers may pass the version
 * they saw to be told `QUOTE_NOT_LATEST` when someone revised it meanwhile — and the history
 * can never be edited: revising appends, nothing rewrites an entry.
 *
 * @module
 */
import type { DocumentTransitioned } from '../events';
import type { CustomerId, PriceListId, TenantId } from '../kernel/brand';
import type { IllegalTransitionError } from '../kernel/errors';
import { defineMachine, transition } from '../kernel/machine';
import { err, ok, type Result } from '../kernel/result';
import { type Dec, toPlainString } from '../money/decimal';
import { Money } from '../money/money';
import { daysBetween } from './dates';
import type { PricedLine, TaxRounding } from './documents';

/** Store kind of quotes (the kind pricing's `lastQuotedPrices` reads). */
export const QUOTE_KIND = 'sales-quote';

/** Number series prefix of quotes: `QT202611-00001`. */
export const QUOTE_NUMBER_PREFIX = 'QT';

/** Quote states. */
export type QuoteStatus = 'draft' | 'submitted' | 'approved' | 'rejected' | 'converted';

/** Quote events. */
export type QuoteEvent = 'submit' | 'approve' | 'reject' | 'revise' | 'convert';

/**
 * draft → submitted → approved | rejected; approved → converted (final). `revise` starts a new
 * version as a draft from any state but `converted`.
 */
export const quoteMachine = defineMachine<QuoteStatus, QuoteEvent>({
  name: 'sales-quote',
  initial: 'draft',
  states: ['draft', 'submitted', 'approved', 'rejected', 'converted'],
  final: ['converted'],
  transitions: [
    { from: 'draft', event: 'submit', to: 'submitted' },
    { from: 'submitted', event: 'approve', to: 'approved' },
    { from: 'submitted', event: 'reject', to: 'rejected' },
    { from: 'approved', event: 'convert', to: 'converted' },
    { from: 'draft', event: 'revise', to: 'draft' },
    { from: 'submitted', event: 'revise', to: 'draft' },
    { from: 'approved', event: 'revise', to: 'draft' },
    { from: 'rejected', event: 'revise', to: 'draft' },
  ],
});

/** A line as the customer asked for it (kept so a revision or a copy can re-price it). */
export interface QuoteLineRequest {
  /** Product id, or a bundle id (then `quantity` is the number of sets). */
  readonly productId: string;
  /** Quantity, > 0. */
  readonly quantity: Dec;
  /** Unit (`null`: the product's stock unit). */
  readonly unit: string | null;
  /** A price typed by hand (`null`: priced by the engine). */
  readonly unitPrice: Money | null;
}

/**
 * A priced quote line: exactly the priced part of an order line as the pricing engine makes it
 * (bundles expanded into component lines, free goods as zero-priced lines, each price with its
 * trace).
 */
export type QuoteLine = PricedLine;

/** What one version of a quote offers. */
export interface QuoteContent {
  /** The price list the lines were priced from. */
  readonly priceListId: PriceListId;
  /** ISO 4217 code of every amount. */
  readonly currency: string;
  /** Whether unit prices include VAT. */
  readonly priceIncludesTax: boolean;
  /** Tax rounding policy. */
  readonly taxRounding: TaxRounding;
  /** Sales channel priced for (`null`: the customer's). */
  readonly channel: string | null;
  /** Selling department priced for (`null`: none). */
  readonly departmentId: string | null;
  /** Last day (inclusive, `YYYY-MM-DD`) the offer holds. */
  readonly validUntil: string;
  /** Terms and conditions text. */
  readonly terms: string;
  /** The lines as requested. */
  readonly requested: readonly QuoteLineRequest[];
  /** The priced lines. */
  readonly lines: readonly QuoteLine[];
  /** Σ net. */
  readonly net: Money;
  /** Σ VAT. */
  readonly tax: Money;
  /** Σ gross. */
  readonly gross: Money;
}

/** An approver's decision on a submitted version. */
export interface QuoteApproval {
  /** Approved or rejected. */
  readonly decision: 'approved' | 'rejected';
  /** Who decided (the approver id given in the input). */
  readonly by: string;
  /** When (ISO-8601). */
  readonly at: string;
  /** The approver's note or the reason of a rejection. */
  readonly note: string | null;
}

/** One version of a quote: its content, state and approval. */
export interface QuoteVersion extends QuoteContent {
  /** Version number, 1 for the first. */
  readonly version: number;
  /** State of this version. */
  readonly status: QuoteStatus;
  /** When this version was made (ISO-8601). */
  readonly createdAt: string;
  /** When it was submitted for approval. */
  readonly submittedAt: string | null;
  /** The approver's decision. */
  readonly approval: QuoteApproval | null;
}

/** An earlier version, frozen when a revision replaced it. */
export interface SupersededQuoteVersion extends QuoteVersion {
  /** When the next version replaced it. */
  readonly supersededAt: string;
}

/** The quote a copy was made from. */
export interface QuoteSource {
  /** Quote id. */
  readonly quoteId: string;
  /** Its number. */
  readonly number: string;
  /** The version copied. */
  readonly version: number;
}

/**
 * A sales quote: its latest version at the top level, earlier versions in `history`. The
 * stored record has the shape price history reads: `{ id, number, status, createdAt,
 * customerId, lines: [{ productId, unitPrice, quantity }] }`.
 */
export interface SalesQuote extends QuoteVersion {
  /** Id. */
  readonly id: string;
  /** Owning tenant. */
  readonly tenantId: TenantId;
  /** Document number (the same for every version). */
  readonly number: string;
  /** The customer the offer is made to. */
  readonly customerId: CustomerId;
  /** When version 1 was made. */
  readonly firstCreatedAt: string;
  /** Earlier versions, oldest first. */
  readonly history: readonly SupersededQuoteVersion[];
  /** The quote this one was copied from, if any. */
  readonly copiedFrom: QuoteSource | null;
  /** The sales order it was converted to. */
  readonly orderId: string | null;
  /** When it was converted. */
  readonly convertedAt: string | null;
}

/** The quote is past its `validUntil` date. */
export interface QuoteExpiredError {
  /** Stable code. */
  readonly code: 'QUOTE_EXPIRED';
  /** What happened. */
  readonly message: string;
  /** The quote. */
  readonly quoteId: string;
  /** Its last valid day. */
  readonly validUntil: string;
  /** The day of the attempt. */
  readonly today: string;
}

/** Conversion needs an approved quote. */
export interface QuoteNotApprovedError {
  /** Stable code. */
  readonly code: 'QUOTE_NOT_APPROVED';
  /** What happened. */
  readonly message: string;
  /** The quote. */
  readonly quoteId: string;
  /** Its state. */
  readonly status: QuoteStatus;
}

/** The quote was converted already (to `orderId`). */
export interface QuoteAlreadyConvertedError {
  /** Stable code. */
  readonly code: 'QUOTE_ALREADY_CONVERTED';
  /** What happened. */
  readonly message: string;
  /** The quote. */
  readonly quoteId: string;
  /** The order it was converted to. */
  readonly orderId: string;
}

/** The caller acted on a version that is no longer the latest (someone revised the quote). */
export interface QuoteNotLatestError {
  /** Stable code. */
  readonly code: 'QUOTE_NOT_LATEST';
  /** What happened. */
  readonly message: string;
  /** The input field: `version`. */
  readonly field: 'version';
  /** The quote. */
  readonly quoteId: string;
  /** The version the caller named. */
  readonly requested: number;
  /** The latest version. */
  readonly latest: number;
}

/** Every business error of quotes besides the common ones. */
export type QuoteError =
  | QuoteExpiredError
  | QuoteNotApprovedError
  | QuoteAlreadyConvertedError
  | QuoteNotLatestError;

/** A quote in its new state and the `document.transitioned` payload to publish. */
export interface QuoteTransition {
  /** The quote in its new state. */
  readonly doc: SalesQuote;
  /** The event payload. */
  readonly event: DocumentTransitioned;
}

/** Identity of a new quote. */
export interface NewQuoteHeader {
  /** Id. */
  readonly id: string;
  /** Tenant. */
  readonly tenantId: TenantId;
  /** Number. */
  readonly number: string;
  /** Customer. */
  readonly customerId: CustomerId;
  /** When it is made (ISO-8601). */
  readonly at: string;
  /** The quote it is copied from. */
  readonly copiedFrom?: QuoteSource | null;
}

/** A new quote at version 1, as a draft. */
export function newSalesQuote(head: NewQuoteHeader, content: QuoteContent): SalesQuote {
  return {
    id: head.id,
    tenantId: head.tenantId,
    number: head.number,
    customerId: head.customerId,
    ...contentOf(content),
    version: 1,
    status: quoteMachine.initial,
    createdAt: head.at,
    submittedAt: null,
    approval: null,
    firstCreatedAt: head.at,
    history: [],
    copiedFrom: head.copiedFrom ?? null,
    orderId: null,
    convertedAt: null,
  };
}

/** Just the content fields of a version (nothing else is copied). */
function contentOf(c: QuoteContent): QuoteContent {
  return {
    priceListId: c.priceListId,
    currency: c.currency,
    priceIncludesTax: c.priceIncludesTax,
    taxRounding: c.taxRounding,
    channel: c.channel,
    departmentId: c.departmentId,
    validUntil: c.validUntil,
    terms: c.terms,
    requested: c.requested,
    lines: c.lines,
    net: c.net,
    tax: c.tax,
    gross: c.gross,
  };
}

/** The latest version of a quote, as a version (without the record's identity and history). */
export function latestQuoteVersion(q: SalesQuote): QuoteVersion {
  return {
    ...contentOf(q),
    version: q.version,
    status: q.status,
    createdAt: q.createdAt,
    submittedAt: q.submittedAt,
    approval: q.approval,
  };
}

/** Version `n` of a quote (the latest or one from its history), or `undefined`. */
export function quoteVersionOf(q: SalesQuote, n: number): QuoteVersion | undefined {
  if (n === q.version) return latestQuoteVersion(q);
  return q.history.find((h) => h.version === n);
}

/** Applies a quote event through {@link quoteMachine}. */
export function transitionQuote(
  q: SalesQuote,
  event: QuoteEvent,
  patch: Partial<SalesQuote> = {},
): Result<QuoteTransition, IllegalTransitionError> {
  const t = transition(quoteMachine, q.status, event);
  if (!t.ok) return t;
  return ok({
    doc: { ...q, ...patch, status: t.value.to },
    event: {
      kind: QUOTE_KIND,
      id: q.id,
      number: q.number,
      from: t.value.from,
      event,
      to: t.value.to,
    },
  });
}

/**
 * Revises a quote: the latest version is frozen into `history` and `content` becomes version
 * n + 1, a draft without submission or approval. A converted quote cannot be revised.
 */
export function reviseSalesQuote(
  q: SalesQuote,
  content: QuoteContent,
  at: string,
): Result<QuoteTransition, IllegalTransitionError> {
  return transitionQuote(q, 'revise', {
    ...contentOf(content),
    version: q.version + 1,
    createdAt: at,
    submittedAt: null,
    approval: null,
    history: [...q.history, { ...latestQuoteVersion(q), supersededAt: at }],
  });
}

/** Submits the latest version for approval. */
export function submitSalesQuote(
  q: SalesQuote,
  at: string,
): Result<QuoteTransition, IllegalTransitionError> {
  return transitionQuote(q, 'submit', { submittedAt: at });
}

/** Records an approver's decision on the submitted latest version. */
export function decideSalesQuote(
  q: SalesQuote,
  approval: QuoteApproval,
): Result<QuoteTransition, IllegalTransitionError> {
  return transitionQuote(q, approval.decision === 'approved' ? 'approve' : 'reject', { approval });
}

/** `QUOTE_NOT_LATEST` unless `version` (when given) is the quote's latest version. */
export function checkLatestVersion(
  q: SalesQuote,
  version: number | undefined,
): Result<true, QuoteNotLatestError> {
  if (version === undefined || version === q.version) return ok(true);
  return err({
    code: 'QUOTE_NOT_LATEST',
    message: `version: quote ${q.number} is at version ${q.version}, not ${version}; only the latest version can be acted on`,
    field: 'version',
    quoteId: q.id,
    requested: version,
    latest: q.version,
  });
}

/** Whether the offer has lapsed on `today` (`YYYY-MM-DD`): it holds through `validUntil`. */
export function isQuoteExpired(q: Pick<SalesQuote, 'validUntil'>, today: string): boolean {
  return today > q.validUntil;
}

/** `QUOTE_EXPIRED` when the quote has lapsed on `today`. */
export function checkNotExpired(q: SalesQuote, today: string): Result<true, QuoteExpiredError> {
  if (!isQuoteExpired(q, today)) return ok(true);
  return err({
    code: 'QUOTE_EXPIRED',
    message: `quote ${q.number} (version ${q.version}) was valid until ${q.validUntil}; today is ${today}`,
    quoteId: q.id,
    validUntil: q.validUntil,
    today,
  });
}

/**
 * Whether the quote may be converted to an order on `today`: not converted before
 * (`QUOTE_ALREADY_CONVERTED`), approved (`QUOTE_NOT_APPROVED`), not lapsed (`QUOTE_EXPIRED`).
 */
export function checkConvertible(
  q: SalesQuote,
  today: string,
): Result<true, QuoteAlreadyConvertedError | QuoteNotApprovedError | QuoteExpiredError> {
  if (q.status === 'converted') {
    return err({
      code: 'QUOTE_ALREADY_CONVERTED',
      message: `quote ${q.number} was already converted to order ${q.orderId}`,
      quoteId: q.id,
      orderId: q.orderId ?? '',
    });
  }
  if (q.status !== 'approved') {
    return err({
      code: 'QUOTE_NOT_APPROVED',
      message: `quote ${q.number} (version ${q.version}) is ${q.status}; only an approved quote can be converted`,
      quoteId: q.id,
      status: q.status,
    });
  }
  return checkNotExpired(q, today);
}

/** Marks an approved quote converted to `orderId`. */
export function convertSalesQuote(
  q: SalesQuote,
  orderId: string,
  at: string,
): Result<QuoteTransition, IllegalTransitionError> {
  return transitionQuote(q, 'convert', { orderId, convertedAt: at });
}

/** One order line requested from a quote line, at the quoted price. */
export interface QuotedOrderLine {
  /** Product. */
  readonly productId: string;
  /** Quantity in `unit`. */
  readonly quantity: Dec;
  /** The quoted line's unit. */
  readonly unit: string;
  /** The quoted unit price, passed as a typed price so the order keeps it. */
  readonly unitPrice: Money;
}

/**
 * The order lines a quote converts to: every priced line (bundle components included, as the
 * products they are) at its quoted unit price. Free-goods lines are left out: the order's
 * pricing grants free goods itself, from the rules in force when it is drafted.
 */
export function quotedOrderLines(q: Pick<QuoteContent, 'lines'>): QuotedOrderLine[] {
  return q.lines
    .filter((l) => l.priceSource.kind !== 'free-goods')
    .map((l) => ({
      productId: l.productId,
      quantity: l.quantity.value,
      unit: l.quantity.unit,
      unitPrice: l.unitPrice,
    }));
}

/**
 * How many days a version's offer held (from the day it was made to `validUntil`), so a copy
 * can hold for as long from its own day.
 */
export function validityDays(v: Pick<QuoteVersion, 'createdAt' | 'validUntil'>): number {
  return Math.max(0, daysBetween(v.createdAt.slice(0, 10), v.validUntil));
}

// ---- print-ready view ----

/** One numbered line of {@link QuoteView}. */
export interface QuoteViewLine {
  /** Line number, 1-based. */
  readonly no: number;
  /** Product. */
  readonly productId: string;
  /** Quantity, exact plain decimal. */
  readonly quantity: string;
  /** Unit code. */
  readonly unit: string;
  /** Unit price, exact (at least the currency's minor units). */
  readonly unitPrice: string;
  /** VAT rate as a percentage, e.g. `13%`. */
  readonly taxRate: string;
  /** Net amount. */
  readonly net: string;
  /** VAT. */
  readonly tax: string;
  /** Gross amount. */
  readonly gross: string;
  /** Whether the line is free goods. */
  readonly free: boolean;
  /** The bundle a component line belongs to. */
  readonly bundleId: string | null;
}

/** Totals of one VAT rate in {@link QuoteView}. */
export interface QuoteViewTaxTotal {
  /** VAT rate as a percentage. */
  readonly taxRate: string;
  /** Σ net of its lines. */
  readonly net: string;
  /** Σ VAT of its lines. */
  readonly tax: string;
  /** Σ gross of its lines. */
  readonly gross: string;
}

/** A quote ready to print: strings formatted exactly, in the quote's currency. */
export interface QuoteView {
  /** Heading. */
  readonly header: {
    /** Quote number. */
    readonly number: string;
    /** Version shown (the latest). */
    readonly version: number;
    /** Its state. */
    readonly status: QuoteStatus;
    /** Customer. */
    readonly customerId: string;
    /** Currency of every amount. */
    readonly currency: string;
    /** Whether unit prices include VAT. */
    readonly priceIncludesTax: boolean;
    /** The day the version was made. */
    readonly date: string;
    /** Who approved it, when it is approved or converted. */
    readonly approvedBy: string | null;
    /** When. */
    readonly approvedAt: string | null;
    /** The order it was converted to. */
    readonly orderId: string | null;
  };
  /** Numbered lines. */
  readonly lines: readonly QuoteViewLine[];
  /** Totals per VAT rate, in order of first appearance. */
  readonly totalsByTaxRate: readonly QuoteViewTaxTotal[];
  /** Document totals. */
  readonly totals: {
    /** Σ net. */
    readonly net: string;
    /** Σ VAT. */
    readonly tax: string;
    /** Σ gross. */
    readonly gross: string;
  };
  /** Terms and conditions. */
  readonly terms: string;
  /** Validity. */
  readonly validity: {
    /** First day. */
    readonly from: string;
    /** Last day (inclusive). */
    readonly until: string;
    /** Days from the first to the last day. */
    readonly days: number;
  };
}

function percent(rate: Dec): string {
  return `${toPlainString(rate.times(100))}%`;
}

/** The print-ready view of a quote's latest version. Pure. */
export function quoteView(q: SalesQuote): QuoteView {
  const minor = Money.zero(q.currency).currency.minorUnits;
  const byRate: { rate: Dec; net: Money; tax: Money; gross: Money }[] = [];
  for (const l of q.lines) {
    const hit = byRate.find((r) => r.rate.equals(l.taxRate));
    if (hit === undefined) byRate.push({ rate: l.taxRate, net: l.net, tax: l.tax, gross: l.gross });
    else {
      hit.net = hit.net.add(l.net);
      hit.tax = hit.tax.add(l.tax);
      hit.gross = hit.gross.add(l.gross);
    }
  }
  const approved = q.approval?.decision === 'approved' ? q.approval : null;
  const date = q.createdAt.slice(0, 10);
  return {
    header: {
      number: q.number,
      version: q.version,
      status: q.status,
      customerId: q.customerId,
      currency: q.currency,
      priceIncludesTax: q.priceIncludesTax,
      date,
      approvedBy: approved?.by ?? null,
      approvedAt: approved?.at ?? null,
      orderId: q.orderId,
    },
    lines: q.lines.map((l, i) => ({
      no: i + 1,
      productId: l.productId,
      quantity: toPlainString(l.quantity.value),
      unit: l.quantity.unit,
      unitPrice: toPlainString(l.unitPrice.amount, minor),
      taxRate: percent(l.taxRate),
      net: l.net.toFixed(),
      tax: l.tax.toFixed(),
      gross: l.gross.toFixed(),
      free: l.priceSource.kind === 'free-goods',
      bundleId: l.priceSource.bundle?.bundleId ?? null,
    })),
    totalsByTaxRate: byRate.map((r) => ({
      taxRate: percent(r.rate),
      net: r.net.toFixed(),
      tax: r.tax.toFixed(),
      gross: r.gross.toFixed(),
    })),
    totals: { net: q.net.toFixed(), tax: q.tax.toFixed(), gross: q.gross.toFixed() },
    terms: q.terms,
    validity: { from: date, until: q.validUntil, days: validityDays(q) },
  };
}
