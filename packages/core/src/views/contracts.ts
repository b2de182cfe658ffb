/**
 * Contract views (合同执行 / 合同到期): how far a sales order — a contract — has been executed
 * (ordered, delivered, invoiced, collected), and which contracts are about to expire.
 *
 * Pure functions over {@link SalesOrder} values: every quantity comes from the line's ledger
 * (`lineLedger`), every line amount from `orderLineValue`, the status from `orderStatus`. Nothing
 * here reads a clock — the day a contract's term is measured from (`asOf`) is always passed in.
 * Amounts are {@link Money} and quantities and percentages `Dec` (decimal.js), never JS numbers.
 *
 * @module
 */
import type { CustomerId, ProductId, SalesOrderId } from '../kernel/brand';
import { TradecoreBug } from '../kernel/errors';
import { Dec } from '../money/decimal';
import { Money } from '../money/money';
import { addDays } from '../sales/dates';
import type { SalesOrder } from '../sales/documents';
import {
  deliveredUnbilled,
  lineLedger,
  type OrderStatus,
  orderLineValue,
  orderStatus,
} from '../sales/ledger';
import { daysOverdue, MAX_AGING_DAYS } from './aging';

const HUNDRED = new Dec(100);

/**
 * `done` as a percentage of `whole` (`25.5` is 25.5 %), to two decimals rounded **down** — so
 * 100 means done in full, never "almost" — or `null` when `whole` is not positive (nothing to
 * measure against). May exceed 100 (over-delivery within the policy's tolerance).
 */
function percent(done: Dec, whole: Dec): Dec | null {
  if (!whole.greaterThan(0)) return null;
  return done.times(HUNDRED).dividedBy(whole).toDecimalPlaces(2, Dec.ROUND_DOWN);
}

/**
 * The execution of one contract line. Quantities are in the line's unit; amounts are valued at
 * the line's contract price (`orderLineValue`: the gross of `q` units, rounded once).
 */
export interface ContractLineExecution {
  /** The order line. */
  readonly lineNo: number;
  /** Product. */
  readonly productId: ProductId;
  /** The line's unit (every quantity below is in it). */
  readonly unit: string;
  /** Ordered (the line's quantity). */
  readonly ordered: Dec;
  /**
   * Delivered **net of returns**: the ledger's `netDelivered` (delivered − returned) — what
   * the customer keeps, the base invoicing by delivery bills against. (The order's delivery
   * progress, `orderProgress().delivery`, counts shipments before returns instead: a return
   * does not reopen delivery.)
   */
  readonly delivered: Dec;
  /** Returned so far (already taken off `delivered`). */
  readonly returned: Dec;
  /** Invoiced **net of credit notes**: the ledger's `netInvoiced` (invoiced − credited). */
  readonly invoiced: Dec;
  /** Credited so far by credit notes (already taken off `invoiced`). */
  readonly credited: Dec;
  /** Still to deliver: the ledger's `toDeliver` (ordered − delivered before returns, ≥ 0). */
  readonly toDeliver: Dec;
  /** Delivered and not yet invoiced: the ledger's `uninvoiced` (≥ 0). */
  readonly uninvoiced: Dec;
  /** Contract value of the line: its gross. */
  readonly value: Money;
  /** Value of `delivered` at the contract price. */
  readonly deliveredValue: Money;
  /** Value of `invoiced` at the contract price. */
  readonly invoicedValue: Money;
  /**
   * Outstanding to invoice: `value − invoicedValue`. Negative only when more than the contract
   * was invoiced (over-delivery within the policy's tolerance, then billed).
   */
  readonly toInvoiceValue: Money;
  /** Value of `uninvoiced`: delivered, billable now under invoicing by delivery. */
  readonly uninvoicedValue: Money;
  /** `delivered / ordered` in percent (see the module for rounding); `null` if nothing was ordered. */
  readonly deliveredPercent: Dec | null;
  /** `invoiced / ordered` in percent; `null` if nothing was ordered. */
  readonly invoicedPercent: Dec | null;
}

/**
 * The money figures of a contract. `value`, `deliveredValue` and `uninvoicedValue` are Σ of its
 * lines (quantities valued at the contract price); `invoicedValue` is Σ lines plus what
 * settlement-plan installments billed; `billed`, `collected` and `toCollect` come from the
 * order's documents.
 */
export interface ContractExecutionTotals {
  /** ISO 4217 code of every amount. */
  readonly currency: string;
  /** Contract value: Σ line gross. */
  readonly value: Money;
  /** Σ line `deliveredValue` (net of returns). */
  readonly deliveredValue: Money;
  /**
   * Money billed by settlement-plan installments (the order's `installmentsBilled`, 0 when
   * none). Installments bill money, not quantities, so no line's `invoiced` shows it.
   */
  readonly installmentsBilled: Money;
  /**
   * Invoiced: Σ line `invoicedValue` (net of credit notes, at the contract price) +
   * `installmentsBilled`.
   */
  readonly invoicedValue: Money;
  /**
   * Outstanding to invoice: `value − invoicedValue` (= Σ line `toInvoiceValue` −
   * `installmentsBilled`), less, on a plan order, the returned goods taken off its plan
   * (`planReduction`: they will not be billed). Negative only when more than the contract was
   * invoiced.
   */
  readonly toInvoiceValue: Money;
  /**
   * Delivered and not yet billed: Σ line `uninvoicedValue` less what installments billed for
   * kept goods (`billedForKept`: `installmentsBilled` less the returned goods' `planCredit`), never
   * negative (the ledger's `deliveredUnbilled`, what the credit buckets hold as uninvoiced).
   */
  readonly uninvoicedValue: Money;
  /**
   * Net billed as the documents say: the gross of this order's invoice lines less the gross of
   * its credit-note lines (`billedGross − creditedGross`, installments included). Equals
   * `invoicedValue` when each line was invoiced (and credited) in full or not at all and no
   * installment invoice was credited by amount; partial invoices and credit notes round each
   * document's net and VAT separately, so the two may then differ by a few minor units. A credit
   * note by amount on an installment invoice (an allowance, or the installments' share of
   * returned goods) lowers `billed` but not `invoicedValue`, which counts what the contract's
   * installments billed: for returned goods the plan's `planReduction` already takes them off
   * `toInvoiceValue`, and an allowance does not change what is left to invoice.
   * Collection is measured against this figure, since it is what the customer owes.
   */
  readonly billed: Money;
  /**
   * Collected: the order's `paid` — its share of what settlements (核销) applied to its
   * invoices (by the order's share of each invoice's gross when an invoice bills several
   * orders), i.e. receipts allocated **plus** small short-payment differences written off.
   * Advances received for the order but not yet settled against an invoice are not included.
   * May exceed `billed` when a credit note came after payment (the excess went to the
   * customer's credit balance).
   */
  readonly collected: Money;
  /** Outstanding to collect: `billed − collected`, or 0 when more was collected. */
  readonly toCollect: Money;
  /** `deliveredValue / value` in percent; `null` for a contract of value 0. */
  readonly deliveredPercent: Dec | null;
  /** `invoicedValue / value` in percent; `null` for a contract of value 0. */
  readonly invoicedPercent: Dec | null;
  /** `collected / billed` in percent; `null` while nothing (net) is billed. */
  readonly collectedPercent: Dec | null;
}

/** Which contract a view row is about: the order, its parties, its state and derived status. */
export interface ContractRef {
  /** The order. */
  readonly orderId: SalesOrderId;
  /** Its number. */
  readonly number: string;
  /** Sold-to customer. */
  readonly customerId: CustomerId;
  /** Invoiced party. */
  readonly billToId: CustomerId;
  /** Workflow state. */
  readonly state: string;
  /** Derived status (`orderStatus`). */
  readonly status: OrderStatus;
}

/** The {@link ContractRef} of an order. */
function refOf(order: SalesOrder): ContractRef {
  return {
    orderId: order.id,
    number: order.number,
    customerId: order.customerId,
    billToId: order.billToId,
    state: order.state,
    status: orderStatus(order),
  };
}

/** The execution of a contract (合同执行情况): per line and in total. */
export interface ContractExecution extends ContractRef {
  /** Contract end date, if any. */
  readonly validUntil: string | null;
  /** Per line, in line order. */
  readonly lines: readonly ContractLineExecution[];
  /** Totals (see {@link ContractExecutionTotals} for which come from lines and which from documents). */
  readonly totals: ContractExecutionTotals;
}

/**
 * How far a contract has been executed: per line the ordered, delivered (net of returns) and
 * invoiced (net of credit notes) quantities with their values at the contract price, and in
 * total the contract value, delivered, invoiced and collected amounts, what is outstanding to
 * invoice and to collect, and percentages. Pure: the ledger helpers do all the arithmetic.
 *
 * Laws: `value` and `deliveredValue` are Σ lines; `invoicedValue` is Σ lines +
 * `installmentsBilled`; `uninvoicedValue = max(0, Σ lines − billedForKept)`; `toInvoiceValue = value − invoicedValue`, per line and in total (less `planReduction` in total);
 * `toCollect = max(0, billed − collected)`.
 *
 * @example
 * ```ts
 * const x = contractExecution(order); // 10 × 11.30 ordered, 4 delivered, 3 invoiced, 20.00 paid
 * x.totals.value.toFixed();          // '113.00'
 * x.totals.deliveredValue.toFixed(); // '45.20'
 * x.totals.toInvoiceValue.toFixed(); // '79.10'
 * x.totals.toCollect.toFixed();      // '13.90'
 * x.totals.invoicedPercent?.toFixed(); // '30'
 * ```
 */
export function contractExecution(order: SalesOrder): ContractExecution {
  const currency = order.currency;
  const zero = Money.zero(currency);
  const lines = order.lines.map((line): ContractLineExecution => {
    const l = lineLedger(line, order.state);
    const value = line.gross;
    const deliveredValue = orderLineValue(line, l.netDelivered);
    const invoicedValue = orderLineValue(line, l.netInvoiced);
    return {
      lineNo: line.lineNo,
      productId: line.productId,
      unit: line.quantity.unit,
      ordered: l.ordered,
      delivered: l.netDelivered,
      returned: l.returned,
      invoiced: l.netInvoiced,
      credited: l.credited,
      toDeliver: l.toDeliver,
      uninvoiced: l.uninvoiced,
      value,
      deliveredValue,
      invoicedValue,
      toInvoiceValue: value.subtract(invoicedValue),
      uninvoicedValue: orderLineValue(line, l.uninvoiced),
      deliveredPercent: percent(l.netDelivered, l.ordered),
      invoicedPercent: percent(l.netInvoiced, l.ordered),
    };
  });
  const sum = (f: (l: ContractLineExecution) => Money) => Money.sum(lines.map(f), currency);
  const value = sum((l) => l.value);
  const deliveredValue = sum((l) => l.deliveredValue);
  const installmentsBilled = order.installmentsBilled ?? zero;
  const invoicedValue = sum((l) => l.invoicedValue).add(installmentsBilled);
  const billed = order.billedGross.subtract(order.creditedGross);
  const collected = order.paid;
  return {
    ...refOf(order),
    validUntil: order.validUntil,
    lines,
    totals: {
      currency,
      value,
      deliveredValue,
      installmentsBilled,
      invoicedValue,
      toInvoiceValue: value.subtract(invoicedValue).subtract(order.planReduction ?? zero),
      uninvoicedValue: deliveredUnbilled(order),
      billed,
      collected,
      toCollect: Money.max(zero, billed.subtract(collected)),
      deliveredPercent: percent(deliveredValue.amount, value.amount),
      invoicedPercent: percent(invoicedValue.amount, value.amount),
      collectedPercent: percent(collected.amount, billed.amount),
    },
  };
}

/** Workflow states of a contract that is over: never listed as expiring or expired. */
export const ENDED_CONTRACT_STATES: readonly string[] = Object.freeze(['closed', 'cancelled']);

/**
 * Whether a contract is still open: not `closed` or `cancelled`, and not `completed`
 * (confirmed and delivered, billed and paid in full — nothing is left to do under it). Drafts,
 * credit holds, confirmed orders with anything left and integrators' own states are open.
 */
export function isOpenContract(order: SalesOrder): boolean {
  if (ENDED_CONTRACT_STATES.includes(order.state)) return false;
  return orderStatus(order) !== 'completed';
}

/**
 * The range key a sales order is stored with (`NewRecord.key`): its `validUntil` while it is an
 * open contract with an end date, else `null`. Kept up to date on every save, so
 * `expiringContracts` reads only orders whose key is within its window (an index range) instead
 * of every order of the tenant.
 */
export function contractKey(order: SalesOrder): string | null {
  return order.validUntil !== null && isOpenContract(order) ? order.validUntil : null;
}

/** A contract whose term ends soon, or has ended while it is still open. */
export interface ExpiringContract extends ContractRef {
  /** Contract end date: the last day the contract is in force. */
  readonly validUntil: string;
  /** Calendar days from `asOf` to `validUntil`: 0 on the last day, negative once expired. */
  readonly daysLeft: number;
  /** `true` once `asOf` is after `validUntil` (the contract expired while still open). */
  readonly expired: boolean;
  /** What was and is left to do under the contract (see {@link contractExecution}). */
  readonly execution: ContractExecutionTotals;
}

/** Contracts about to expire as of a day. */
export interface ExpiringContracts {
  /** The day the terms are measured from. */
  readonly asOf: string;
  /** `asOf + withinDays`: contracts ending on or before this day are listed. */
  readonly through: string;
  /**
   * Open contracts (see {@link isOpenContract}) with a `validUntil` on or before `through` —
   * those in [`asOf`, `through`] (`expired: false`) and those already expired (`expired: true`)
   * — ordered by `validUntil`, then number, then id (so the expired ones come first).
   */
  readonly contracts: readonly ExpiringContract[];
}

/**
 * Contracts about to expire (合同到期预警): open contracts whose `validUntil` falls within
 * [`asOf`, `asOf + withinDays`], plus the open ones whose term has already ended, flagged
 * `expired`. A contract is in force through its `validUntil` day: on that day it has 0 days
 * left and is still expiring; from the next day on it is expired. Orders without a
 * `validUntil`, closed, cancelled or completed ones are left out (see {@link isOpenContract}).
 * Ordered by `validUntil`, then number, then id. Pure: `asOf` is passed in.
 *
 * @example
 * ```ts
 * const r = expiringContracts(orders, '2026-11-22', 30);
 * r.through; // '2026-12-22'
 * r.contracts.map((c) => [c.number, c.daysLeft, c.expired]);
 * // [['SO202610-00007', -3, true], ['SO202611-00002', 0, false], ['SO202611-00009', 25, false]]
 * ```
 *
 * @throws TradecoreBug `INVALID_DATE` when `asOf` or a listed order's `validUntil` is not a real
 *   `YYYY-MM-DD` date; `INVALID_DAYS` when `withinDays` is not a whole number in
 *   0‥{@link MAX_AGING_DAYS}.
 */
export function expiringContracts(
  orders: readonly SalesOrder[],
  asOf: string,
  withinDays: number,
): ExpiringContracts {
  if (!Number.isSafeInteger(withinDays) || withinDays < 0 || withinDays > MAX_AGING_DAYS) {
    throw new TradecoreBug(
      'INVALID_DAYS',
      `withinDays must be a whole number in 0..${MAX_AGING_DAYS}, got ${withinDays}`,
      { withinDays },
    );
  }
  daysOverdue(asOf, asOf); // a real YYYY-MM-DD date, or INVALID_DATE
  const contracts: ExpiringContract[] = [];
  for (const order of orders) {
    const validUntil = order.validUntil;
    if (validUntil === null || !isOpenContract(order)) continue;
    // days from asOf to validUntil (aging's "days overdue" of asOf on validUntil)
    const daysLeft = daysOverdue(asOf, validUntil);
    if (daysLeft > withinDays) continue;
    contracts.push({
      ...refOf(order),
      validUntil,
      daysLeft,
      expired: daysLeft < 0,
      execution: contractExecution(order).totals,
    });
  }
  contracts.sort(
    (a, b) =>
      compareText(a.validUntil, b.validUntil) ||
      compareText(a.number, b.number) ||
      compareText(a.orderId, b.orderId),
  );
  return { asOf, through: addDays(asOf, withinDays), contracts };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
