/**
 * The pricing part of a Tradecore instance: commands that maintain pricing data and act on
 * order prices, and read-only queries for quote time. `createTradecore` spreads it in.
 *
 * @module
 */
import type { z } from 'zod';
import type { TenantId } from '../kernel/brand';
import { ok, type Result } from '../kernel/result';
import type { RoundingMode } from '../money/rounding';
import { idSchema, parseInput } from '../validation';
import { type CommandContext, defineCommand } from './command';
import {
  approvePriceOverride,
  repriceSalesOrder,
  saveAgreement,
  savePriceBundle,
  savePriceFloor,
  savePriceList,
  savePriceRule,
  savePriceRuleGroup,
} from './pricing';
import { explainPrice, lintPricing, previewPrices, priceHistory } from './pricing-queries';
import type { PricingRuntime } from './pricing-runtime';
import {
  agreementInput,
  approvePriceOverrideInput,
  priceBundleInput,
  priceFloorInput,
  priceHistoryInput,
  priceListInput,
  priceRuleGroupInput,
  priceRuleInput,
  pricingQueryInput,
} from './pricing-schemas';
import { orderRefInput } from './schemas';
import { UnitOfWork } from './unit-of-work';

/**
 * Builds the pricing commands and queries over one command context and pricing runtime.
 */
export function pricingApi(ctx: CommandContext, runtime: PricingRuntime, rounding: RoundingMode) {
  /** Runs a validated read-only query in one transaction of the tenant. */
  async function read<S extends z.ZodType, T>(
    tenantId: string,
    schema: S,
    input: unknown,
    work: (uow: UnitOfWork, input: z.output<S>) => Promise<Result<T, unknown>>,
  ) {
    const t = parseInput(idSchema, tenantId, 'tenantId');
    if (!t.ok) return t;
    const parsed = parseInput(schema, input);
    if (!parsed.ok) return parsed;
    return ctx.store.transaction(t.value as TenantId, (tx) =>
      work(new UnitOfWork(tx, ctx), parsed.value),
    );
  }
  const history =
    (source: 'sales' | 'quotes' | 'purchases') => (tenantId: string, input: unknown) =>
      read(tenantId, priceHistoryInput, input, async (uow, q) =>
        ok(await priceHistory(uow.tx, source, q)),
      );

  return {
    /** The pricing runtime: book cache (with its counters) and cost port. */
    pricing: runtime,
    /** Creates or replaces a price list (entries, validity, derivation from another list). */
    savePriceList: defineCommand(ctx, 'savePriceList', priceListInput, (uow, input) =>
      savePriceList(uow, input, runtime),
    ),
    /** Creates or changes a rule group: its policy, place in the waterfall and rounding. */
    savePriceRuleGroup: defineCommand(ctx, 'savePriceRuleGroup', priceRuleGroupInput, (uow, i) =>
      savePriceRuleGroup(uow, i, runtime),
    ),
    /** Creates or replaces a pricing rule. */
    savePriceRule: defineCommand(ctx, 'savePriceRule', priceRuleInput, (uow, input) =>
      savePriceRule(uow, input, runtime),
    ),
    /** Creates or replaces a customer agreement (协议价). */
    saveAgreement: defineCommand(ctx, 'saveAgreement', agreementInput, (uow, input) =>
      saveAgreement(uow, input, runtime),
    ),
    /** Creates or replaces a floor price (最低限价). */
    savePriceFloor: defineCommand(ctx, 'savePriceFloor', priceFloorInput, savePriceFloor),
    /** Creates or replaces a bundle (套餐). */
    savePriceBundle: defineCommand(ctx, 'savePriceBundle', priceBundleInput, savePriceBundle),
    /** Approves confirming a draft line below its floor price. */
    approvePriceOverride: defineCommand(
      ctx,
      'approvePriceOverride',
      approvePriceOverrideInput,
      approvePriceOverride,
    ),
    /** Re-prices a draft explicitly with today's pricing data (a confirmed order is locked). */
    repriceSalesOrder: defineCommand(ctx, 'repriceSalesOrder', orderRefInput, (uow, input) =>
      repriceSalesOrder(uow, input, runtime, rounding),
    ),
    /** Prices an order without storing it: lines with cost, margin, floor; free goods; totals. */
    previewPrices: (tenantId: string, input: unknown) =>
      read(tenantId, pricingQueryInput, input, (uow, q) =>
        previewPrices(uow, q, runtime, rounding),
      ),
    /** Explains one line's price: every candidate and why, the waterfall, the next breaks. */
    explainPrice: (tenantId: string, input: unknown) =>
      read(tenantId, pricingQueryInput, input, (uow, q) => explainPrice(uow, q, runtime, rounding)),
    /** Lints the tenant's pricing data: overlaps, dangling references, expired rules. */
    lintPricing: (tenantId: string) =>
      read(tenantId, orderRefInput.partial(), {}, async (uow) =>
        ok(await lintPricing(uow.tx, uow.now.slice(0, 10))),
      ),
    /** "Last price this customer paid for this product": confirmed orders and later, newest first. */
    lastPricesPaid: history('sales'),
    /** Last quoted prices of a product (documents of kind `sales-quote`), newest first. */
    lastQuotedPrices: history('quotes'),
    /** Last purchase prices of a product from suppliers (kind `purchase-order`), newest first. */
    lastPurchasePrices: history('purchases'),
  };
}

/** The pricing commands and queries of a Tradecore instance. */
export type PricingApi = ReturnType<typeof pricingApi>;
