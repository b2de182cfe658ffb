/**
 * `createTradecore` — the SDK's front door: commands (validated, transactional, idempotent)
 * and queries over one store, and the bus their events are published on.
 *
 * @module
 */
import { type AccountMap, DEFAULT_ACCOUNTS } from '../accounting/voucher';
import type { CreditDecision } from '../credit/decision';
import type { DomainEvent, TradecoreBus } from '../events';
import type { TenantId } from '../kernel/brand';
import type { Clock, IdGenerator } from '../kernel/clock';
import { decode } from '../kernel/codec';
import type { ValidationError } from '../kernel/errors';
import { ok, type Result } from '../kernel/result';
import type { Customer, Product } from '../masterdata/types';
import { MASTERDATA_KINDS } from '../masterdata/types';
import type { Money } from '../money/money';
import { Quantity } from '../money/quantity';
import type { RoundingMode } from '../money/rounding';
import type { RatePort } from '../ports/rates';
import type { AccountBalance, LedgerVoucher, StorePort } from '../ports/store';
import { randomIds, systemClock } from '../runtime';
import {
  type Delivery,
  type Invoice,
  type Receipt,
  SALES_KINDS,
  type SalesOrder,
} from '../sales/documents';
import { idSchema, parseInput } from '../validation';
import { recordReceipt, writeOff } from './cash';
import { type CommandContext, createBus, defineCommand, relay } from './command';
import {
  accountPath,
  assignCreditGroup,
  type CreditStatus,
  creditDecider,
  creditStatus,
  defineCreditGroup,
  freezeCredit,
  grantTemporaryCredit,
  heldOrderIds,
  loadCreditPolicy,
  recordCreditDeposit,
  setCreditLimit,
  setCreditPolicy,
  toAccountCurrency,
} from './credit';
import { receiveStock, registerCustomer, registerProduct, registerWarehouse } from './masterdata';
import {
  cancelSalesOrder,
  closeSalesOrder,
  confirmSalesOrder,
  deliverSalesOrder,
  draftSalesOrder,
  invoiceSalesOrder,
  releaseCreditHold,
  reopenSalesOrder,
} from './orders';
import { pricingApi } from './pricing-api';
import { type PricingOptions, PricingRuntime } from './pricing-runtime';
import * as S from './schemas';
import { UnitOfWork } from './unit-of-work';

/** Options of {@link createTradecore}. */
export interface TradecoreOptions {
  /** The storage adapter (memory, PGlite or PostgreSQL). */
  readonly store: StorePort;
  /** The clock port (default: the system clock). */
  readonly clock?: Clock;
  /** The id port (default: random UUIDs). */
  readonly ids?: IdGenerator;
  /** Account mapping for vouchers (default: China's chart of accounts). */
  readonly accounts?: Partial<AccountMap>;
  /** Rounding mode of amounts (default `half-up`). */
  readonly rounding?: RoundingMode;
  /** Attempts per command when a concurrent writer wins an optimistic conflict (default 5). */
  readonly maxAttempts?: number;
  /** Called when a bus subscriber throws (default: `console.error`). The command still succeeds. */
  readonly onSubscriberError?: (error: unknown, event: DomainEvent) => void;
  /** Use this bus instead of a new one. */
  readonly bus?: TradecoreBus;
  /** Exchange rates, for orders in another currency than their customer's credit account. */
  readonly rates?: RatePort;
  /** Pricing: cost port, unit-price rounding, book cache size (rates come from `rates`). */
  readonly pricing?: PricingOptions;
}

/** Stock of a product in a warehouse, in its stock unit. */
export interface StockView {
  /** On hand. */
  readonly onHand: Quantity;
  /** Reserved for confirmed orders. */
  readonly reserved: Quantity;
  /** on hand − reserved. */
  readonly available: Quantity;
}

/** A credit account in Money. */
export interface CreditView {
  /** The capacity: limit + temporary increase + deposits (`null` if the account has no limit of its own). */
  readonly limit: Money | null;
  /** Reserved exposure (open orders and receivables). */
  readonly exposure: Money;
  /** limit − exposure (`null` without a limit). */
  readonly available: Money | null;
}

/**
 * Creates a Tradecore instance over a store.
 *
 * @example
 * ```ts
 * const tc = createTradecore({ store: await createMemoryStore() });
 * tc.events.on('document.transitioned', (e) => console.log(e.payload));
 * const order = await tc.draftSalesOrder('acme', { customerId: 'c1', warehouseId: 'w1', priceListId: 'retail', lines: [{ productId: 'p1', quantity: '2' }] });
 * ```
 */
export function createTradecore(options: TradecoreOptions) {
  const ctx: CommandContext = {
    store: options.store,
    clock: options.clock ?? systemClock,
    ids: options.ids ?? randomIds,
    accounts: { ...DEFAULT_ACCOUNTS, ...options.accounts },
    bus: options.bus ?? createBus(),
    maxAttempts: options.maxAttempts ?? 5,
    onSubscriberError:
      options.onSubscriberError ??
      ((error, event) => console.error(`tradecore: a subscriber of ${event.type} threw`, error)),
  };
  const pricing = new PricingRuntime(options.pricing, options.rates);
  const settings = { rounding: options.rounding ?? 'half-up', pricing };
  const store = options.store;

  /** Runs a read-only query in one transaction of a validated tenant. */
  async function query<T>(
    tenantId: string,
    fields: Record<string, unknown>,
    work: (tx: Parameters<Parameters<StorePort['transaction']>[1]>[0]) => Promise<T>,
  ): Promise<Result<T, ValidationError>> {
    const t = parseInput(idSchema, tenantId, 'tenantId');
    if (!t.ok) return t;
    for (const [field, value] of Object.entries(fields)) {
      const f = parseInput(idSchema, value, field);
      if (!f.ok) return f;
    }
    return ok(await store.transaction(t.value as TenantId, work));
  }
  const getRecord =
    <T>(kind: string) =>
    (tenantId: string, id: string) =>
      query(tenantId, { id }, async (tx) => {
        const r = await tx.records.get(kind, id);
        return r === undefined ? undefined : decode<T>(r.data);
      });

  return {
    /** The bus every committed domain event is published on (mitt). */
    events: ctx.bus,
    /** The store in use. */
    store,

    // ---- commands ----
    /** Creates or updates a customer with its bill-to and ship-to parties. */
    registerCustomer: defineCommand(
      ctx,
      'registerCustomer',
      S.registerCustomerInput,
      registerCustomer,
    ),
    /** Creates or updates a product. */
    registerProduct: defineCommand(ctx, 'registerProduct', S.registerProductInput, registerProduct),
    /** Creates or updates a warehouse. */
    registerWarehouse: defineCommand(
      ctx,
      'registerWarehouse',
      S.registerWarehouseInput,
      registerWarehouse,
    ),
    /** Sets a customer's credit limit. */
    setCreditLimit: defineCommand(ctx, 'setCreditLimit', S.setCreditLimitInput, setCreditLimit),
    /** Receives goods into a warehouse. */
    receiveStock: defineCommand(ctx, 'receiveStock', S.receiveStockInput, receiveStock),
    /** Drafts a priced sales order. */
    draftSalesOrder: defineCommand(ctx, 'draftSalesOrder', S.draftSalesOrderInput, (uow, input) =>
      draftSalesOrder(uow, input, settings),
    ),
    /** Confirms an order: credit and stock reserved atomically, or neither. */
    confirmSalesOrder: defineCommand(ctx, 'confirmSalesOrder', S.orderRefInput, (uow, input) =>
      confirmSalesOrder(uow, input, { rates: options.rates }),
    ),
    /** Closes a confirmed order that will not be delivered, giving back its stock and credit. */
    closeSalesOrder: defineCommand(ctx, 'closeSalesOrder', S.orderRefInput, closeSalesOrder),
    /** Reopens a closed order: credit is checked again and stock reserved again (or the order is held). */
    reopenSalesOrder: defineCommand(ctx, 'reopenSalesOrder', S.orderRefInput, (uow, input) =>
      reopenSalesOrder(uow, input, { rates: options.rates }),
    ),
    /** Cancels an order, releasing its reservations. */
    cancelSalesOrder: defineCommand(ctx, 'cancelSalesOrder', S.orderRefInput, cancelSalesOrder),
    /** Delivers a confirmed order. */
    deliverSalesOrder: defineCommand(ctx, 'deliverSalesOrder', S.orderRefInput, deliverSalesOrder),
    /** Invoices a delivered order to its bill-to party. */
    invoiceSalesOrder: defineCommand(
      ctx,
      'invoiceSalesOrder',
      S.invoiceOrderInput,
      invoiceSalesOrder,
    ),
    /** Records a receipt (held as an advance until written off). */
    recordReceipt: defineCommand(ctx, 'recordReceipt', S.recordReceiptInput, recordReceipt),
    /** Writes a receipt off against an invoice (核销). */
    writeOff: defineCommand(ctx, 'writeOff', S.writeOffInput, writeOff),

    // ---- credit ----
    /** Defines or updates a credit group: a limit pooled by its members (head office and subsidiaries). */
    defineCreditGroup: defineCommand(
      ctx,
      'defineCreditGroup',
      S.defineCreditGroupInput,
      defineCreditGroup,
    ),
    /** Puts a customer into a credit group (with an optional sub-limit) or takes it out. */
    assignCreditGroup: defineCommand(
      ctx,
      'assignCreditGroup',
      S.assignCreditGroupInput,
      assignCreditGroup,
    ),
    /** Grants a temporary credit increase until a future instant. */
    grantTemporaryCredit: defineCommand(
      ctx,
      'grantTemporaryCredit',
      S.grantTemporaryCreditInput,
      grantTemporaryCredit,
    ),
    /** Records a deposit or guarantee (negative: takes one back). */
    recordCreditDeposit: defineCommand(
      ctx,
      'recordCreditDeposit',
      S.creditDepositInput,
      recordCreditDeposit,
    ),
    /** Freezes or unfreezes a credit account. */
    freezeCredit: defineCommand(ctx, 'freezeCredit', S.freezeCreditInput, freezeCredit),
    /** Sets the tenant's credit policy (checkpoints, holds, overdue rule, approvers). */
    setCreditPolicy: defineCommand(ctx, 'setCreditPolicy', S.setCreditPolicyInput, setCreditPolicy),
    /** Releases an order from credit hold (an approver, with a reason). */
    releaseCreditHold: defineCommand(
      ctx,
      'releaseCreditHold',
      S.releaseCreditHoldInput,
      releaseCreditHold,
    ),

    // ---- pricing ----
    ...pricingApi(ctx, pricing, settings.rounding),

    // ---- queries ----
    /** A customer. */
    getCustomer: getRecord<Customer>(MASTERDATA_KINDS.customer),
    /** A product. */
    getProduct: getRecord<Product>(MASTERDATA_KINDS.product),
    /** A sales order. */
    getSalesOrder: getRecord<SalesOrder>(SALES_KINDS.order),
    /** A delivery. */
    getDelivery: getRecord<Delivery>(SALES_KINDS.delivery),
    /** An invoice. */
    getInvoice: getRecord<Invoice>(SALES_KINDS.invoice),
    /** A receipt. */
    getReceipt: getRecord<Receipt>(SALES_KINDS.receipt),
    /** Sales orders of a customer, by id. */
    listSalesOrders: (tenantId: string, customerId: string) =>
      query(tenantId, { customerId }, async (tx) =>
        (await tx.records.find({ kind: SALES_KINDS.order, where: { customerId } })).map((r) =>
          decode<SalesOrder>(r.data),
        ),
      ),
    /** Stock of a product in a warehouse. */
    stockLevel: (tenantId: string, productId: string, warehouseId: string) =>
      query(tenantId, { productId, warehouseId }, async (tx): Promise<StockView | undefined> => {
        const p = await tx.records.get(MASTERDATA_KINDS.product, productId);
        if (!p) return undefined;
        const unit = decode<Product>(p.data).stockUnit;
        const l = await tx.stock.level(productId, warehouseId);
        return {
          onHand: Quantity.of(l.onHand, unit),
          reserved: Quantity.of(l.reserved, unit),
          available: Quantity.of(l.onHand.minus(l.reserved), unit),
        };
      }),
    /** A credit account in short: capacity (limit + temporary + deposits), exposure (all buckets), available. */
    creditAccount: (tenantId: string, customerId: string) =>
      query(tenantId, { customerId }, async (tx): Promise<CreditView | undefined> => {
        const uow = new UnitOfWork(tx, ctx);
        const s = await creditStatus(uow, customerId, []);
        if (!s) return undefined;
        return { limit: s.capacity, exposure: s.exposure, available: s.available };
      }),
    /** Everything about a customer's or a group's credit in one call: limit, buckets, available, overdue, holds, members. */
    creditStatus: (tenantId: string, accountId: string) =>
      query(tenantId, { accountId }, async (tx): Promise<CreditStatus | undefined> => {
        const uow = new UnitOfWork(tx, ctx);
        const held = [];
        for (const id of await heldOrderIds(uow)) {
          const o = await uow.load<SalesOrder>(SALES_KINDS.order, id);
          if (o?.status === 'credit_hold') {
            held.push({
              id: o.id,
              number: o.number,
              creditAccountId: o.creditAccountId,
              creditAmount: o.creditAmount,
            });
          }
        }
        return creditStatus(uow, accountId, held);
      }),
    /**
     * The credit decision for an order: for a draft or held order, what confirming it now would
     * decide (nothing is changed); otherwise the decision taken when it last passed a checkpoint.
     */
    explainCredit: (tenantId: string, orderId: string) =>
      query(tenantId, { orderId }, async (tx): Promise<CreditDecision | undefined> => {
        const uow = new UnitOfWork(tx, ctx);
        const order = await uow.load<SalesOrder>(SALES_KINDS.order, orderId);
        if (!order) return undefined;
        if (order.status !== 'draft' && order.status !== 'credit_hold')
          return order.creditDecision ?? undefined;
        const path = await accountPath(uow, order.billToId);
        if (!path) return undefined;
        const amount = toAccountCurrency(
          order.gross,
          (path[0] as { currency: string }).currency,
          uow.now,
          options.rates,
        );
        if (!amount.ok) return undefined;
        const policy = await loadCreditPolicy(uow);
        const step = {
          accountId: order.billToId,
          amount: amount.value,
          from: null,
          to: 'orders',
          checkpoint: 'confirm',
        } as const;
        return (await creditDecider(uow, step, policy)).decide(path);
      }),
    /** Vouchers posted for a document. */
    vouchersFor: (tenantId: string, sourceKind: string, sourceId: string) =>
      query(
        tenantId,
        { sourceId },
        (tx): Promise<LedgerVoucher[]> => tx.ledger.vouchersFor(sourceKind, sourceId),
      ),
    /** Trial balance: Σ debits and Σ credits per account (optionally for one party). */
    trialBalance: (tenantId: string, partyId?: string) =>
      query(
        tenantId,
        partyId === undefined ? {} : { partyId },
        (tx): Promise<AccountBalance[]> => tx.ledger.balances(partyId),
      ),
    /** Publishes any committed events still in the outbox (e.g. after a crash). */
    relayOutbox: () => relay(ctx),
  };
}

/** A Tradecore instance. */
export type Tradecore = ReturnType<typeof createTradecore>;
