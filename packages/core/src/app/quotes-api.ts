/**
 * The quotes and settlement-plan part of a Tradecore instance: commands and read-only queries.
 * `createTradecore` spreads it in.
 *
 * @module
 */
import type { TenantId } from '../kernel/brand';
import { decode } from '../kernel/codec';
import type { ValidationError } from '../kernel/errors';
import { ok, type Result } from '../kernel/result';
import type { Transaction } from '../ports/store';
import { QUOTE_KIND, type QuoteView, quoteView, type SalesQuote } from '../sales/quote';
import { SETTLEMENT_KIND, type SettlementPlan } from '../sales/settlement';
import { idSchema, parseInput } from '../validation';
import { invoiceInstallment } from './billing';
import { type CommandContext, defineCommand } from './command';
import {
  achieveMilestoneInput,
  adjustSettlementPlanInput,
  approveQuoteInput,
  convertQuoteInput,
  copyQuoteInput,
  createQuoteInput,
  createSettlementPlanInput,
  invoiceInstallmentInput,
  quoteRefInput,
  rejectQuoteInput,
  reviseQuoteInput,
} from './quote-schemas';
import {
  approveQuote,
  convertQuote,
  copyQuote,
  createQuote,
  type QuoteSettings,
  rejectQuote,
  reviseQuote,
  submitQuote,
} from './quotes';
import { achieveMilestone, adjustSettlementPlan, createSettlementPlan } from './settlement';

/** Builds the quote and settlement-plan commands and queries over one command context. */
export function quotesApi(ctx: CommandContext, settings: QuoteSettings) {
  /** Reads one record of `kind` by id in a transaction of a validated tenant. */
  async function read<T, R>(
    tenantId: string,
    kind: string,
    id: string,
    field: string,
    view: (doc: T) => R,
  ): Promise<Result<R | undefined, ValidationError>> {
    const t = parseInput(idSchema, tenantId, 'tenantId');
    if (!t.ok) return t;
    const i = parseInput(idSchema, id, field);
    if (!i.ok) return i;
    return ok(
      await ctx.store.transaction(t.value as TenantId, async (tx: Transaction) => {
        const r = await tx.records.get(kind, i.value);
        return r === undefined ? undefined : view(decode<T>(r.data));
      }),
    );
  }
  const same = <T>(x: T) => x;

  return {
    // ---- quotes ----
    /** Creates a quote (报价单): lines priced by the engine, validity and terms; a draft. */
    createQuote: defineCommand(ctx, 'createQuote', createQuoteInput, (uow, input) =>
      createQuote(uow, input, settings),
    ),
    /** Revises a quote: a new version (a draft); the previous one stays in its history. */
    reviseQuote: defineCommand(ctx, 'reviseQuote', reviseQuoteInput, (uow, input) =>
      reviseQuote(uow, input, settings),
    ),
    /** Submits a draft quote for approval. */
    submitQuote: defineCommand(ctx, 'submitQuote', quoteRefInput, submitQuote),
    /** Approves a submitted quote (who and when are recorded). */
    approveQuote: defineCommand(ctx, 'approveQuote', approveQuoteInput, approveQuote),
    /** Rejects a submitted quote with a reason. */
    rejectQuote: defineCommand(ctx, 'rejectQuote', rejectQuoteInput, rejectQuote),
    /** Copies a version of an earlier quote into a new one, re-priced or at the same prices. */
    copyQuote: defineCommand(ctx, 'copyQuote', copyQuoteInput, (uow, input) =>
      copyQuote(uow, input, settings),
    ),
    /** Converts an approved, unexpired quote to a draft sales order at the quoted prices. */
    convertQuote: defineCommand(ctx, 'convertQuote', convertQuoteInput, (uow, input) =>
      convertQuote(uow, input, settings),
    ),

    // ---- settlement plans ----
    /** Generates a sales order's settlement plan (结算计划) from contract rules. */
    createSettlementPlan: defineCommand(
      ctx,
      'createSettlementPlan',
      createSettlementPlanInput,
      createSettlementPlan,
    ),
    /** Moves amounts between open installments of a plan, within the rules' bounds. */
    adjustSettlementPlan: defineCommand(
      ctx,
      'adjustSettlementPlan',
      adjustSettlementPlanInput,
      adjustSettlementPlan,
    ),
    /** Marks a milestone achieved: its installment becomes due. */
    achieveMilestone: defineCommand(
      ctx,
      'achieveMilestone',
      achieveMilestoneInput,
      achieveMilestone,
    ),
    /**
     * Invoices a due installment: its amount spread over the order's lines (exactly), the
     * voucher and open item posted, the installment marked invoiced — or a typed refusal
     * (`SETTLEMENT_INSTALLMENT_NOT_DUE` …) and nothing stored.
     */
    invoiceInstallment: defineCommand(
      ctx,
      'invoiceInstallment',
      invoiceInstallmentInput,
      invoiceInstallment,
    ),

    // ---- queries ----
    /** A quote: its latest version and its history. */
    getQuote: (tenantId: string, quoteId: string) =>
      read<SalesQuote, SalesQuote>(tenantId, QUOTE_KIND, quoteId, 'quoteId', same),
    /** The print-ready view of a quote's latest version. */
    quoteView: (tenantId: string, quoteId: string) =>
      read<SalesQuote, QuoteView>(tenantId, QUOTE_KIND, quoteId, 'quoteId', quoteView),
    /** A settlement plan (its id is its order's id). */
    getSettlementPlan: (tenantId: string, planId: string) =>
      read<SettlementPlan, SettlementPlan>(tenantId, SETTLEMENT_KIND, planId, 'planId', same),
  };
}

/** The quote and settlement-plan commands and queries of a Tradecore instance. */
export type QuotesApi = ReturnType<typeof quotesApi>;
