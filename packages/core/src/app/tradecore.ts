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
import type { NotFoundError, ValidationError } from '../kernel/errors';
import { ok, type Result } from '../kernel/result';
import type { Customer, Product } from '../masterdata/types';
import { MASTERDATA_KINDS } from '../masterdata/types';
import { Money } from '../money/money';
import { Quantity } from '../money/quantity';
import type { RoundingMode } from '../money/rounding';
import type { RatePort } from '../ports/rates';
import type { AccountBalance, LedgerVoucher, StorePort } from '../ports/store';
import { randomIds, systemClock } from '../runtime';
import {
  type CreditNote,
  type Delivery,
  type Invoice,
  type Receipt,
  SALES_KINDS,
  type SalesOrder,
  type SalesOrderRevision,
  type SalesReturn,
} from '../sales/documents';
import {
  type OrderProgress,
  type OrderStatus,
  orderProgress,
  orderStatus,
  planTotalOf,
  toCredit,
} from '../sales/ledger';
import { idSchema, parseInput } from '../validation';
import type { ContractExecution } from '../views/contracts';
import { type AmendmentListener, amendSalesOrder, orderRevisions } from './amend';
import { invoiceOrders, issueCreditNote } from './billing';
import { recordReceipt, refundReceipt, settle, writeOff } from './cash';
import { type CommandContext, createBus, defineCommand, type RelayMode, relay } from './command';
import {
  type ContractExecutionInput,
  contractExecutionInput,
  type ExpiringContractsInput,
  type ExpiringContractsReport,
  expiringContractsInput,
  readContractExecution,
  readExpiringContracts,
} from './contracts-view';
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
import { deliverSalesOrder, returnGoods } from './fulfilment';
import { resolveHooks, type TradecoreHooks } from './hooks';
import { receiveStock, registerCustomer, registerProduct, registerWarehouse } from './masterdata';
import { SALES_POLICY_ID } from './order-flow';
import {
  approveSalesOrder,
  cancelSalesOrder,
  closeSalesOrder,
  confirmSalesOrder,
  draftSalesOrder,
  releaseCreditHold,
  reopenSalesOrder,
  reviewSalesOrder,
  transitionSalesOrder,
} from './orders';
import { pricingApi } from './pricing-api';
import { type PricingOptions, PricingRuntime } from './pricing-runtime';
import { quickSale } from './quick-sale';
import { quotesApi } from './quotes-api';
import {
  type ArAgingInput,
  type ArAgingReport,
  arAging,
  arAgingInput,
  type DueReceivablesInput,
  type DueReceivablesReport,
  dueReceivables,
  dueReceivablesInput,
} from './receivables';
import * as S from './schemas';
import { onOrderAmended, onOrderFlow } from './settlement';
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
  /**
   * When commands relay the outbox to the bus. Default: `when-subscribed` on a store whose
   * outbox other processes may relay (PostgreSQL), so a process without subscribers never takes
   * entries a worker waits for; `always` on a store only this process reads (memory, where
   * `sharedOutbox` is `false`). See {@link RelayMode}.
   */
  readonly relay?: RelayMode;
  /** Exchange rates, for orders in another currency than their customer's credit account. */
  readonly rates?: RatePort;
  /** Pricing: cost port, unit-price rounding, book cache size (rates come from `rates`). */
  readonly pricing?: PricingOptions;
  /** Extension: an extended order machine, transition guards (veto with a reason), the approval policy. */
  readonly hooks?: TradecoreHooks;
}

/** A sales order with its derived status and progress (computed on read, never stored). */
export type SalesOrderView = SalesOrder & {
  /** See `orderStatus`. */
  readonly status: OrderStatus;
  /** See `orderProgress`. */
  readonly progress: OrderProgress;
};

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
    hooks: resolveHooks(options.hooks),
    maxAttempts: options.maxAttempts ?? 5,
    relayMode:
      options.relay ?? (options.store.sharedOutbox === false ? 'always' : 'when-subscribed'),
    onSubscriberError:
      options.onSubscriberError ??
      ((error, event) => console.error(`tradecore: a subscriber of ${event.type} threw`, error)),
  };
  const pricing = new PricingRuntime(options.pricing, options.rates);
  const settings = { rounding: options.rounding ?? 'half-up', pricing } as const;
  /**
   * Run after every amendment, in its transaction: settlement plans follow the new total, then
   * any milestone the amended order reached falls due (e.g. cut down to what was delivered).
   */
  const amendmentListeners: AmendmentListener[] = [
    (uow, order) => onOrderAmended(uow, order.id, planTotalOf(order), order.settlementPlan),
    (uow, order) => onOrderFlow(uow, order),
  ];
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
    /** Confirms an order: review steps, approvals, floors; credit and stock reserved atomically, or neither. */
    confirmSalesOrder: defineCommand(ctx, 'confirmSalesOrder', S.orderRefInput, (uow, input) =>
      confirmSalesOrder(uow, input, { rates: options.rates }),
    ),
    /** Records a review step (图审, 审价…) on a draft order. */
    reviewSalesOrder: defineCommand(
      ctx,
      'reviewSalesOrder',
      S.reviewSalesOrderInput,
      reviewSalesOrder,
    ),
    /** Records an approval of the order's current revision (by an approver the approval policy names). */
    approveSalesOrder: defineCommand(
      ctx,
      'approveSalesOrder',
      S.approveSalesOrderInput,
      approveSalesOrder,
    ),
    /** Amends an order (改补单): a new revision, re-priced and credit-checked; the old one is kept. */
    amendSalesOrder: defineCommand(ctx, 'amendSalesOrder', S.amendSalesOrderInput, (uow, input) =>
      amendSalesOrder(uow, input, settings, { rates: options.rates }, amendmentListeners),
    ),
    /** Closes a confirmed order that will not be delivered further, giving back its open stock and credit. */
    closeSalesOrder: defineCommand(ctx, 'closeSalesOrder', S.orderRefInput, closeSalesOrder),
    /** Reopens a closed order: credit is checked again and stock reserved again (or the order is held). */
    reopenSalesOrder: defineCommand(ctx, 'reopenSalesOrder', S.orderRefInput, (uow, input) =>
      reopenSalesOrder(uow, input, { rates: options.rates }),
    ),
    /** Cancels an order with nothing delivered or invoiced, releasing its reservations. */
    cancelSalesOrder: defineCommand(ctx, 'cancelSalesOrder', S.orderRefInput, cancelSalesOrder),
    /** Runs an integrator's own order event (of an extended machine) through the guards. */
    transitionSalesOrder: defineCommand(
      ctx,
      'transitionSalesOrder',
      S.transitionOrderInput,
      transitionSalesOrder,
    ),
    /** Delivers (part of) a confirmed order to one ship-to party, from one or several warehouses. */
    deliverSalesOrder: defineCommand(ctx, 'deliverSalesOrder', S.deliverInput, (uow, input) =>
      deliverSalesOrder(uow, input, pricing),
    ),
    /** Takes goods of a delivery back into stock (a return delivery), with reason and responsibility. */
    returnGoods: defineCommand(ctx, 'returnGoods', S.returnGoodsInput, returnGoods),
    /** Invoices everything billable on one order (see `invoice` for partial and head-office billing). */
    invoiceSalesOrder: defineCommand(
      ctx,
      'invoiceSalesOrder',
      S.invoiceOrderInput,
      (uow, { orderId, ...schedule }) => invoiceOrders(uow, { orderIds: [orderId], ...schedule }),
    ),
    /** Invoices orders, deliveries or line quantities to one bill-to party, per the invoice policy. */
    invoice: defineCommand(ctx, 'invoice', S.invoiceInput, invoiceOrders),
    /** Issues a credit note against an invoice (for a return, given lines, or all of it). */
    issueCreditNote: defineCommand(ctx, 'issueCreditNote', S.creditNoteInput, issueCreditNote),
    /** Records a receipt (held as an advance until allocated). */
    recordReceipt: defineCommand(ctx, 'recordReceipt', S.recordReceiptInput, recordReceipt),
    /** Settles (核销) receipts against invoices, many to many, with a small difference written off. */
    settle: defineCommand(ctx, 'settle', S.settleInput, settle),
    /** Writes one receipt off against one invoice (核销). */
    writeOff: defineCommand(ctx, 'writeOff', S.writeOffInput, writeOff),
    /** Refunds part of a receipt's unallocated money (overpayment, credit balance). */
    refundReceipt: defineCommand(ctx, 'refundReceipt', S.refundInput, refundReceipt),
    /** Quick sale (销售开单): order, delivery, invoice and payment in one atomic command. */
    quickSale: defineCommand(ctx, 'quickSale', S.quickSaleInput, (uow, input) =>
      quickSale(uow, input, settings, { rates: options.rates }),
    ),
    /** Sets the tenant's sales policy (invoice policy, over-delivery tolerance, differences, review steps). */
    setSalesPolicy: defineCommand(
      ctx,
      'setSalesPolicy',
      S.setSalesPolicyInput,
      async (uow, input) => {
        const doc = { id: SALES_POLICY_ID, ...input };
        const current = await uow.load(SALES_KINDS.policy, SALES_POLICY_ID);
        if (current) await uow.save(SALES_KINDS.policy, doc);
        else await uow.create(SALES_KINDS.policy, doc);
        return ok(input);
      },
    ),

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
    ...quotesApi(ctx, settings),

    // ---- queries ----
    /** A customer. */
    getCustomer: getRecord<Customer>(MASTERDATA_KINDS.customer),
    /** A product. */
    getProduct: getRecord<Product>(MASTERDATA_KINDS.product),
    /** A sales order with its derived status and progress. */
    getSalesOrder: (tenantId: string, id: string) =>
      query(tenantId, { id }, async (tx): Promise<SalesOrderView | undefined> => {
        const r = await tx.records.get(SALES_KINDS.order, id);
        if (r === undefined) return undefined;
        const o = decode<SalesOrder>(r.data);
        return { ...o, status: orderStatus(o), progress: orderProgress(o) };
      }),
    /** The kept revisions of an order (改补单 history), oldest first. */
    salesOrderRevisions: (tenantId: string, id: string) =>
      query(tenantId, { id }, async (tx): Promise<SalesOrderRevision[] | undefined> => {
        const uow = new UnitOfWork(tx, ctx);
        const o = await uow.load<SalesOrder>(SALES_KINDS.order, id);
        return o ? orderRevisions(uow, o) : undefined;
      }),
    /** A credit note. */
    getCreditNote: getRecord<CreditNote>(SALES_KINDS.creditNote),
    /** A return. */
    getReturn: getRecord<SalesReturn>(SALES_KINDS.salesReturn),
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
          if (o?.state === 'credit_hold') {
            held.push({
              id: o.id,
              number: o.number,
              creditAccountId: o.credit?.accountId ?? o.billToId,
              creditAmount:
                o.credit === null
                  ? o.gross
                  : Money.of(
                      toCredit(o.gross, o.credit.rate, o.credit.minorUnits),
                      o.credit.currency,
                    ),
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
        if (order.state !== 'draft' && order.state !== 'credit_hold')
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
    // ---- receivable views ----
    /**
     * AR aging (应收账龄): open receivables per customer — or per head office with its
     * subsidiaries (`rollUp: 'head-office'`) — in buckets of days overdue as of a day (default:
     * today by the clock port; buckets default to not due, 1-30, 31-60, 61-90, 90+), in each
     * customer's credit currency, with totals per currency. Bad input (e.g. buckets out of
     * order) is a `VALIDATION_FAILED` naming the field.
     */
    arAging: async (
      tenantId: string,
      input: ArAgingInput = {},
    ): Promise<Result<ArAgingReport, ValidationError>> => {
      const parsed = parseInput(arAgingInput, input);
      if (!parsed.ok) return parsed;
      return query(tenantId, {}, (tx) => arAging(tx, parsed.value, ctx.clock.now()));
    },
    /**
     * What is due and overdue: open receivables due on or before `asOf + withinDays` (default:
     * today, 0 days), oldest first, at most `limit` (default 100).
     */
    dueReceivables: async (
      tenantId: string,
      input: DueReceivablesInput = {},
    ): Promise<Result<DueReceivablesReport, ValidationError>> => {
      const parsed = parseInput(dueReceivablesInput, input);
      if (!parsed.ok) return parsed;
      return query(tenantId, {}, (tx) => dueReceivables(tx, parsed.value, ctx.clock.now()));
    },
    // ---- contract views ----
    /**
     * The execution of a contract (合同执行): per line and in total, ordered, delivered (net of
     * returns), invoiced (net of credit notes) and collected, with what is outstanding to invoice
     * and to collect. `NOT_FOUND` (field `orderId`) for an order the tenant does not have.
     */
    contractExecution: async (
      tenantId: string,
      input: ContractExecutionInput,
    ): Promise<Result<ContractExecution, ValidationError | NotFoundError>> => {
      const parsed = parseInput(contractExecutionInput, input);
      if (!parsed.ok) return parsed;
      const r = await query(tenantId, {}, (tx) => readContractExecution(tx, parsed.value));
      return r.ok ? r.value : r;
    },
    /**
     * Contracts about to expire (合同到期预警): open contracts whose `validUntil` is within
     * `withinDays` after `asOf` (default: today by the clock port), and those already expired
     * while still open (flagged `expired`); by end date, at most `limit` (default 100).
     */
    expiringContracts: async (
      tenantId: string,
      input: ExpiringContractsInput,
    ): Promise<Result<ExpiringContractsReport, ValidationError>> => {
      const parsed = parseInput(expiringContractsInput, input);
      if (!parsed.ok) return parsed;
      return query(tenantId, {}, (tx) => readExpiringContracts(tx, parsed.value, ctx.clock.now()));
    },
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
    /**
     * Publishes every committed event still in the outbox on this instance's bus, whatever the
     * relay mode: a worker's loop under `relay: 'manual'`, or a catch-up after a crash. Returns
     * the number published.
     */
    relayOutbox: () => relay(ctx),
  };
}

/** A Tradecore instance. */
export type Tradecore = ReturnType<typeof createTradecore>;
