/**
 * zod schemas of the quote and settlement-plan commands. A rejection names the field and the
 * rule: `validUntil` not a date (`date`), a line quantity with too many decimals
 * (`decimal_places`), settlement shares not summing to 1 (`shares_sum`), a share outside its
 * bounds (`bounds`), a move from a milestone to itself (`distinct`).
 *
 * @module
 */
import { z } from 'zod';
import type { ValidationError } from '../kernel/errors';
import { settlementRuleIssues } from '../sales/settlement';
import { decimalSchema, idSchema, moneySchema } from '../validation';
import { draftSalesOrderInput, isoDateSchema } from './schemas';

/** A quote line: as an order line (a product or bundle, a quantity, a unit, a typed price). */
const quoteLinesSchema = z
  .array(draftSalesOrderInput.shape.lines.element)
  .min(1, 'a quote needs at least one line')
  .max(1000, 'at most 1000 lines per quote');

const termsSchema = z.string().trim().max(4000, 'must be at most 4000 characters');

/** The version the caller acted on; when given, it must be the latest (`QUOTE_NOT_LATEST`). */
const versionSchema = z.number().int().min(1).optional();

/** Input of `createQuote`. */
export const createQuoteInput = z.object({
  /** The customer the offer is made to. */
  customerId: idSchema,
  /** Base price list. */
  priceListId: idSchema,
  /** Quote currency (default: the price list's). */
  currency: draftSalesOrderInput.shape.currency,
  /** Sales channel (default: the customer's), a pricing scope. */
  channel: idSchema.optional(),
  /** Selling department or store, a pricing scope. */
  departmentId: idSchema.optional(),
  /** Tax rounding: per `line` (default) or per `document`. */
  taxRounding: draftSalesOrderInput.shape.taxRounding,
  /** Last day (inclusive) the offer holds; not before today. */
  validUntil: isoDateSchema,
  /** Terms and conditions. */
  terms: termsSchema.default(''),
  /** The lines: products or bundles, quantities, units, typed prices. */
  lines: quoteLinesSchema,
});

/**
 * Input of `reviseQuote`: what changes in the new version. Omitted fields keep the previous
 * version's. New `lines` are priced; `reprice: true` re-prices the previous lines with today's
 * pricing; otherwise the previous prices are kept.
 */
export const reviseQuoteInput = z
  .object({
    /** The quote. */
    quoteId: idSchema,
    /** The version being revised (must be the latest). */
    version: versionSchema,
    /** New last valid day. */
    validUntil: isoDateSchema.optional(),
    /** New terms. */
    terms: termsSchema.optional(),
    /** New lines, priced. */
    lines: quoteLinesSchema.optional(),
    /** Re-price the previous lines with today's pricing. */
    reprice: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (
      v.validUntil === undefined &&
      v.terms === undefined &&
      v.lines === undefined &&
      !v.reprice
    ) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'nothing to revise: give validUntil, terms, lines or reprice',
        params: { rule: 'no_change' },
      });
    }
  });

/** Input of `submitQuote`. */
export const quoteRefInput = z.object({
  /** The quote. */
  quoteId: idSchema,
  /** The version acted on (must be the latest). */
  version: versionSchema,
});

/** Input of `approveQuote`. */
export const approveQuoteInput = z.object({
  /** The quote. */
  quoteId: idSchema,
  /** The version approved (must be the latest). */
  version: versionSchema,
  /** Who approves. */
  approverId: idSchema,
  /** The approver's note. */
  note: z.string().trim().min(1, 'must not be empty').max(500).optional(),
});

/** Input of `rejectQuote`. */
export const rejectQuoteInput = z.object({
  /** The quote. */
  quoteId: idSchema,
  /** The version rejected (must be the latest). */
  version: versionSchema,
  /** Who rejects. */
  approverId: idSchema,
  /** Why. */
  reason: z.string().trim().min(1, 'give a reason').max(500),
});

/**
 * Input of `copyQuote`: a new quote from any version of an earlier one, for the same or another
 * customer, re-priced today (`prices: 'reprice'`, the default) or at the copied prices
 * (`'keep'`). `validUntil` defaults to today plus the source version's validity period.
 */
export const copyQuoteInput = z.object({
  /** The quote to copy from. */
  quoteId: idSchema,
  /** The version to copy (default: the latest). */
  version: z.number().int().min(1).optional(),
  /** The new quote's customer (default: the source's). */
  customerId: idSchema.optional(),
  /** Re-price today (default) or keep the copied prices. */
  prices: z.union([z.literal('reprice'), z.literal('keep')]).default('reprice'),
  /** Last valid day (default: today + the source version's validity period). */
  validUntil: isoDateSchema.optional(),
  /** Terms (default: the source version's). */
  terms: termsSchema.optional(),
});

/** Input of `convertQuote`: the warehouse (and ship-to party) of the new order. */
export const convertQuoteInput = z.object({
  /** The quote. */
  quoteId: idSchema,
  /** The version converted (must be the latest). */
  version: versionSchema,
  /** The order's warehouse. */
  warehouseId: idSchema,
  /** The order's ship-to party (default: the customer's first). */
  shipToId: idSchema.optional(),
});

// ---- settlement plans ----

const shareSchema = decimalSchema({ sign: 'nonnegative', maxDecimals: 6 });

/** What achieves a milestone: the order's confirmation, its full delivery, or a command. */
export const settlementTriggerSchema = z.union([
  z.literal('signing'),
  z.literal('delivery'),
  z.literal('command'),
]);

/** One contract rule of a settlement plan. */
export const settlementRuleSchema = z.object({
  /** Milestone name, unique in the plan, e.g. `signing`. */
  milestone: idSchema,
  /**
   * What achieves it (default: by its name — `signing` and `delivery` by the flow, any other
   * milestone by `achieveMilestone`).
   */
  trigger: settlementTriggerSchema.optional(),
  /** Share of the contract total, > 0; the shares sum to 1. */
  share: decimalSchema({ sign: 'positive', maxDecimals: 6 }),
  /** Days from achievement to the due date (default 0). */
  dueDays: z.number().int().min(0).max(3650).default(0),
  /** Least share adjustments may leave (default 0). */
  minShare: shareSchema.nullable().default(null),
  /** Largest share adjustments may give (default 1). */
  maxShare: shareSchema.nullable().default(null),
});

/** Contract rules: distinct milestones, shares summing to 1, each share within its bounds. */
export const settlementRulesSchema = z
  .array(settlementRuleSchema)
  .min(1, 'needs at least one rule')
  .max(60, 'at most 60 rules')
  .superRefine((rules, ctx) => {
    for (const i of settlementRuleIssues(rules)) {
      ctx.addIssue({
        code: 'custom',
        path: [...i.path],
        message: i.message,
        params: { rule: i.rule },
      });
    }
  });

/** Input of `createSettlementPlan`. */
export const createSettlementPlanInput = z.object({
  /** The sales order (contract). */
  orderId: idSchema,
  /** The contract rules. */
  rules: settlementRulesSchema,
});

/** Input of `adjustSettlementPlan`: amounts moved between open installments. */
export const adjustSettlementPlanInput = z.object({
  /** The plan (its order's id). */
  planId: idSchema,
  /** Moves, applied in order. */
  moves: z
    .array(
      z
        .object({
          /** Milestone giving the amount. */
          from: idSchema,
          /** Milestone receiving it. */
          to: idSchema,
          /** Amount, > 0, in the plan's currency. */
          amount: moneySchema({ sign: 'positive' }),
        })
        .refine((m) => m.from !== m.to, {
          message: 'must differ from `from`',
          path: ['to'],
          params: { rule: 'distinct' },
        }),
    )
    .min(1, 'needs at least one move')
    .max(100, 'at most 100 moves'),
});

/** Input of `achieveMilestone`. */
export const achieveMilestoneInput = z.object({
  /** The plan (its order's id). */
  planId: idSchema,
  /** The milestone achieved. */
  milestone: idSchema,
  /** The day it was achieved; not after today. */
  achievedOn: isoDateSchema,
});

/** Input of `invoiceInstallment`: bills a due installment of a plan. */
export const invoiceInstallmentInput = z.object({
  /** The plan (its order's id). */
  planId: idSchema,
  /** The milestone whose installment is billed. */
  milestone: idSchema,
});

/**
 * A `VALIDATION_FAILED` for one field, for input rules that need the unit of work's day
 * (a `validUntil` in the past, an `achievedOn` in the future): same shape as a zod rejection.
 */
export function fieldInvalid(path: string, rule: string, message: string): ValidationError {
  const text = `${path}: ${message} [${rule}]`;
  return {
    code: 'VALIDATION_FAILED',
    message: `invalid input: ${text}`,
    issues: [{ path, rule, message: text }],
  };
}
