/**
 * The per-line quantity ledger of a sales order and everything derived from it.
 *
 * An order line records only what happened to it — ordered, delivered, returned, invoiced,
 * credited — and the order its workflow state (draft, held, confirmed, closed, cancelled). Every
 * other figure is a pure, total function of those: the reserved stock, the open quantity, the
 * credit exposure in each bucket, the delivery, billing and payment progress and the document
 * status. Nothing derived is stored, so nothing derived can drift after partial deliveries,
 * returns, partial invoices and credit notes.
 *
 * @module
 */
import { TradecoreBug } from '../kernel/errors';
import { Dec } from '../money/decimal';
import { Money } from '../money/money';
import type { RoundingMode } from '../money/rounding';
import type { CreditBucket } from '../ports/store';
import type {
  CreditNote,
  Delivery,
  Invoice,
  Receipt,
  SalesOrder,
  SalesOrderLine,
} from './documents';

/** The workflow states in which an order holds stock and credit for its open quantities. */
export const RESERVING_STATES: readonly string[] = ['confirmed'];

/** Whether an order in `state` holds reservations for its open quantities. */
export function isReserving(state: string): boolean {
  return RESERVING_STATES.includes(state);
}

const ZERO = new Dec(0);
const max0 = (x: Dec) => (x.isNegative() ? ZERO : x);

/** A line's ledger and its derived quantities, all in the line's unit. */
export interface LineLedger {
  /** Ordered. */
  readonly ordered: Dec;
  /** Delivered so far (before returns). */
  readonly delivered: Dec;
  /** Returned so far. */
  readonly returned: Dec;
  /** Invoiced so far (before credit notes). */
  readonly invoiced: Dec;
  /** Credited so far by credit notes. */
  readonly credited: Dec;
  /** delivered − returned. */
  readonly netDelivered: Dec;
  /** invoiced − credited. */
  readonly netInvoiced: Dec;
  /** Still to deliver: ordered − delivered (never negative). */
  readonly toDeliver: Dec;
  /** Reserved in stock: the quantity still to deliver while the order is in a reserving state. */
  readonly reserved: Dec;
  /** Delivered and not yet invoiced: netDelivered − netInvoiced (never negative). */
  readonly uninvoiced: Dec;
}

/** The ledger of one line of an order in `state`. */
export function lineLedger(line: SalesOrderLine, state: string): LineLedger {
  const ordered = line.quantity.value;
  const netDelivered = line.delivered.minus(line.returned);
  const netInvoiced = line.invoiced.minus(line.credited);
  const toDeliver = max0(ordered.minus(line.delivered));
  return {
    ordered,
    delivered: line.delivered,
    returned: line.returned,
    invoiced: line.invoiced,
    credited: line.credited,
    netDelivered,
    netInvoiced,
    toDeliver,
    reserved: isReserving(state) ? toDeliver : ZERO,
    uninvoiced: max0(netDelivered.minus(netInvoiced)),
  };
}

/** A quantity of a line in the stock unit (the line's conversion factor applied). */
export function toStockUnits(line: SalesOrderLine, qty: Dec): Dec {
  if (line.quantity.value.equals(line.stockQuantity.value)) return qty;
  return qty.times(line.stockQuantity.value).dividedBy(line.quantity.value);
}

/**
 * The part of a line amount that `qty` units carry, after `before` units were already taken:
 * `round(total × (before + qty) / ordered) − round(total × before / ordered)`. Taking the whole
 * line in any number of steps adds up to the line amount exactly.
 */
export function shareOf(
  total: Money,
  ordered: Dec,
  before: Dec,
  qty: Dec,
  mode: RoundingMode = 'half-up',
): Money {
  if (ordered.isZero()) return Money.zero(total.currency);
  const at = (q: Dec) => total.multiply(q.dividedBy(ordered)).round(mode);
  return at(before.plus(qty)).subtract(at(before));
}

/** The gross value of `qty` units of a line (rounded once). */
export function orderLineValue(line: SalesOrderLine, qty: Dec): Money {
  return shareOf(line.gross, line.quantity.value, ZERO, qty);
}

/** Exposure per credit bucket, in the credit account's currency. */
export type Buckets = Readonly<Record<CreditBucket, Dec>>;

/** No exposure. */
export const NO_BUCKETS: Buckets = { orders: ZERO, uninvoiced: ZERO, receivables: ZERO };

/** Converts an order-currency amount to the credit currency with the order's fixed rate. */
export function toCredit(amount: Money, rate: Dec, minorUnits: number): Dec {
  const x = amount.amount.times(rate);
  return x.toDecimalPlaces(minorUnits, Dec.ROUND_HALF_UP);
}

/** The open and the delivered-not-invoiced value of an order's lines, in its currency. */
function lineValues(order: SalesOrder): { orders: Dec; uninvoiced: Dec } {
  let orders = ZERO;
  let uninvoiced = ZERO;
  for (const line of order.lines) {
    const l = lineLedger(line, order.state);
    // Open quantity not yet billed in advance either (invoicing by order may bill ahead).
    const open = isReserving(order.state)
      ? max0(l.ordered.minus(Dec.max(l.delivered, l.netInvoiced)))
      : ZERO;
    if (open.greaterThan(0)) orders = orders.plus(orderLineValue(line, open).amount);
    if (l.uninvoiced.greaterThan(0))
      uninvoiced = uninvoiced.plus(orderLineValue(line, l.uninvoiced).amount);
  }
  return { orders, uninvoiced };
}

/**
 * What settlement-plan installments billed for goods the customer keeps: `installmentsBilled`
 * less the returned goods they had billed (Σ the lines' `planCredit`, credited on them by
 * amount), never negative. The goods' value and this are what the order's exposure compares.
 */
export function billedForKept(order: SalesOrder): Dec {
  let billed = order.installmentsBilled?.amount ?? ZERO;
  for (const l of order.lines)
    if (l.planCredit !== undefined) billed = billed.minus(l.planCredit.amount);
  return max0(billed);
}

/** What installments billed on one line for goods it keeps: `planBilled − planCredit`. */
export function lineBilledForKept(line: SalesOrderLine): Money {
  const zero = Money.zero(line.gross.currency.code);
  return (line.planBilled ?? zero).subtract(line.planCredit ?? zero);
}

/**
 * Whether an order's lines keep what installments billed on each (`planBilled`): true unless
 * it was billed by installments before lines kept it (those orders spread the older way).
 */
export function billsPerLine(order: SalesOrder): boolean {
  return !(
    order.installmentsBilled?.isPositive() === true &&
    order.lines.every((l) => l.planBilled === undefined)
  );
}

/** One order line as an installment bills it (see `spreadInstallment`). */
export interface PlanLineBasis {
  /** The order line. */
  readonly lineNo: number;
  /** Its gross less the value of what came back. */
  readonly keptGross: Money;
  /** Its VAT less that of what came back. */
  readonly keptTax: Money;
  /** Gross installments billed on it for kept goods ({@link lineBilledForKept}). */
  readonly billed: Money;
}

/**
 * An order's lines as settlement-plan installments bill them: each line's gross and VAT less
 * the value of what came back (`orderLineValue` of `returned`, its VAT at the line's ratio),
 * never below zero — so installments spread over goods the customer keeps, at their own VAT.
 */
export function keptLines(order: SalesOrder): Pick<SalesOrderLine, 'lineNo' | 'gross' | 'tax'>[] {
  return order.lines.map((l) => {
    if (!l.returned.greaterThan(0)) return { lineNo: l.lineNo, gross: l.gross, tax: l.tax };
    const gross = l.gross.subtract(orderLineValue(l, l.returned));
    const tax = l.tax.subtract(shareOf(l.tax, l.quantity.value, ZERO, l.returned));
    const zero = Money.zero(l.gross.currency.code);
    return gross.isPositive()
      ? { lineNo: l.lineNo, gross, tax: tax.isNegative() ? zero : tax }
      : { lineNo: l.lineNo, gross: zero, tax: zero };
  });
}

/**
 * The lines of an order as its settlement-plan installments bill them: kept gross and VAT (see
 * {@link keptLines}) and what installments billed on each for kept goods (`planBilled −
 * planCredit`). `undefined` for an order billed by installments before lines kept
 * `planBilled` (its installments are spread the older way, see `spreadOverLines`).
 */
export function planLineBasis(order: SalesOrder): PlanLineBasis[] | undefined {
  if (!billsPerLine(order)) return undefined;
  const kept = keptLines(order);
  return order.lines.map((l, i) => {
    const k = kept[i] as { gross: Money; tax: Money };
    return { lineNo: l.lineNo, keptGross: k.gross, keptTax: k.tax, billed: lineBilledForKept(l) };
  });
}

/**
 * The exposure an order holds on its credit account: open quantities (in a reserving state) in
 * `orders`, delivered-not-invoiced quantities in `uninvoiced`. (Receivables belong to invoices.)
 * Money billed by settlement-plan installments for kept goods (`billedForKept`) is taken off as
 * money flows: first from `uninvoiced` (delivered goods billed), the rest from `orders` (billed ahead
 * of delivery).
 */
export function orderBuckets(order: SalesOrder): Buckets {
  if (order.credit === null) return NO_BUCKETS;
  const v = lineValues(order);
  const billed = billedForKept(order);
  const uninvoiced = max0(v.uninvoiced.minus(billed));
  const orders = max0(v.orders.minus(max0(billed.minus(v.uninvoiced))));
  const c = order.credit;
  return {
    orders: toCredit(Money.of(orders, order.currency), c.rate, c.minorUnits),
    uninvoiced: toCredit(Money.of(uninvoiced, order.currency), c.rate, c.minorUnits),
    receivables: ZERO,
  };
}

/**
 * The delivered value of an order not billed yet by settlement-plan installments: Σ the value
 * of each line's delivered-not-invoiced quantity, less `billedForKept` (never negative).
 * What an installment may bill without adding exposure when the order reserves nothing.
 */
export function deliveredUnbilled(order: SalesOrder): Money {
  const billed = billedForKept(order);
  return Money.of(max0(lineValues(order).uninvoiced.minus(billed)), order.currency);
}

/** The receivable exposure of an invoice: its residual in the credit currency. */
export function invoiceBuckets(
  invoice: Pick<Invoice, 'credit' | 'gross' | 'credited' | 'settled'>,
): Buckets {
  if (invoice.credit === null) return NO_BUCKETS;
  const residual = invoiceResidual(invoice);
  if (residual.isZero()) return NO_BUCKETS;
  return {
    ...NO_BUCKETS,
    receivables: toCredit(residual, invoice.credit.rate, invoice.credit.minorUnits),
  };
}

/** One move of exposure between buckets (`null`: into or out of the account). */
export interface CreditMove {
  /** Bucket the amount leaves (`null`: new exposure). */
  readonly from: CreditBucket | null;
  /** Bucket it enters (`null`: exposure freed). */
  readonly to: CreditBucket | null;
  /** Amount, > 0. */
  readonly amount: Dec;
}

const FLOW: readonly CreditBucket[] = ['orders', 'uninvoiced', 'receivables'];

/**
 * The moves that turn exposure `before` into `after`: what leaves a bucket goes to the buckets
 * that grow, in the order money flows (orders → uninvoiced → receivables); whatever is left
 * over is freed or added. Applying the moves to `before` gives `after`.
 */
export function creditMoves(before: Buckets, after: Buckets): CreditMove[] {
  const down = FLOW.map((b) => ({ b, x: max0(before[b].minus(after[b])) })).filter((d) =>
    d.x.greaterThan(0),
  );
  const up = FLOW.map((b) => ({ b, x: max0(after[b].minus(before[b])) })).filter((d) =>
    d.x.greaterThan(0),
  );
  const moves: CreditMove[] = [];
  let i = 0;
  let j = 0;
  while (i < down.length && j < up.length) {
    const d = down[i] as { b: CreditBucket; x: Dec };
    const u = up[j] as { b: CreditBucket; x: Dec };
    const amount = Dec.min(d.x, u.x);
    moves.push({ from: d.b, to: u.b, amount });
    d.x = d.x.minus(amount);
    u.x = u.x.minus(amount);
    if (d.x.isZero()) i++;
    if (u.x.isZero()) j++;
  }
  for (; i < down.length; i++) {
    const d = down[i] as { b: CreditBucket; x: Dec };
    if (d.x.greaterThan(0)) moves.push({ from: d.b, to: null, amount: d.x });
  }
  for (; j < up.length; j++) {
    const u = up[j] as { b: CreditBucket; x: Dec };
    if (u.x.greaterThan(0)) moves.push({ from: null, to: u.b, amount: u.x });
  }
  return moves;
}

/** Adds bucket sets. */
export function addBuckets(a: Buckets, b: Buckets): Buckets {
  return {
    orders: a.orders.plus(b.orders),
    uninvoiced: a.uninvoiced.plus(b.uninvoiced),
    receivables: a.receivables.plus(b.receivables),
  };
}

/** Stock reservations of an order per `productId|warehouseId`, in stock units. */
export function reservations(order: SalesOrder): Map<string, Dec> {
  const out = new Map<string, Dec>();
  for (const line of order.lines) {
    const r = lineLedger(line, order.state).reserved;
    if (!r.greaterThan(0)) continue;
    const k = `${line.productId}|${line.warehouseId}`;
    out.set(k, (out.get(k) ?? ZERO).plus(toStockUnits(line, r)));
  }
  return out;
}

/** Progress of one dimension: nothing yet, partly, or fully. */
export type Progress = 'none' | 'partial' | 'full';

/** Delivery, billing and payment progress of an order, from its ledger and amounts. */
export interface OrderProgress {
  /** Shipped (before returns) against ordered. */
  readonly delivery: Progress;
  /**
   * Invoiced less credited against delivered less returned (what the customer keeps); for an
   * order billed by settlement-plan installments, the installments billed against its gross
   * (against `planTotalOf` once goods came back).
   */
  readonly billing: Progress;
  /** Paid against invoiced less credited. */
  readonly payment: Progress;
}

/** Order status: the workflow state where that decides, otherwise where the order stands. */
export type OrderStatus =
  | 'draft'
  | 'credit_hold'
  | 'cancelled'
  | 'closed'
  | 'to_deliver'
  | 'partially_delivered'
  | 'to_invoice'
  | 'to_collect'
  | 'completed'
  | (string & {});

function progress(done: Dec, whole: Dec): Progress {
  if (!done.greaterThan(0)) return 'none';
  return done.greaterThanOrEqualTo(whole) ? 'full' : 'partial';
}

/**
 * What an order's settlement plan must add up to: its gross less the returned goods taken off
 * the plan (`planReduction`). Amendments rescale the plan to it.
 */
export function planTotalOf(order: SalesOrder): Money {
  return order.planReduction === undefined
    ? order.gross
    : order.gross.subtract(order.planReduction);
}

/** Billing of a plan order: installments billed against the plan's total. */
function planBilling(order: SalesOrder): Progress {
  const target = planTotalOf(order);
  if (!target.isPositive()) return 'full';
  return progress(order.installmentsBilled?.amount ?? ZERO, target.amount);
}

/** The progress of an order. */
export function orderProgress(order: SalesOrder): OrderProgress {
  let ordered = ZERO;
  let shipped = ZERO;
  let kept = ZERO;
  let billed = ZERO;
  for (const line of order.lines) {
    const l = lineLedger(line, order.state);
    ordered = ordered.plus(l.ordered);
    shipped = shipped.plus(Dec.min(l.delivered, l.ordered));
    kept = kept.plus(max0(l.netDelivered));
    billed = billed.plus(l.netInvoiced);
  }
  const delivery = progress(shipped, ordered);
  const byPlan =
    order.installmentsBilled?.isPositive() === true || order.planReduction?.isPositive() === true;
  const billing: Progress = byPlan
    ? planBilling(order)
    : kept.isZero()
      ? billed.greaterThan(0) || delivery === 'full'
        ? 'full'
        : 'none'
      : progress(billed, kept);
  const netBilled = order.billedGross.subtract(order.creditedGross);
  const payment: Progress = netBilled.isPositive()
    ? progress(order.paid.amount, netBilled.amount)
    : billing === 'full'
      ? 'full'
      : 'none';
  return { delivery, billing, payment };
}

/**
 * The status of an order — a pure, total function of its workflow state and ledger:
 * draft / credit_hold / cancelled / closed (and integrators' own states) as they are; a
 * confirmed order is `to_deliver`, `partially_delivered`, `to_invoice`, `to_collect` or
 * `completed` (delivered, billed and paid in full).
 */
export function orderStatus(order: SalesOrder): OrderStatus {
  if (order.state !== 'confirmed') return order.state;
  const p = orderProgress(order);
  if (p.delivery === 'none') return 'to_deliver';
  if (p.delivery === 'partial') return 'partially_delivered';
  if (p.billing !== 'full') return 'to_invoice';
  if (p.payment !== 'full') return 'to_collect';
  return 'completed';
}

/** An invoice's open amount: gross − credited − settled. */
export function invoiceResidual(invoice: Pick<Invoice, 'gross' | 'credited' | 'settled'>): Money {
  return invoice.gross.subtract(invoice.credited).subtract(invoice.settled);
}

/** Invoice status, from its amounts. */
export type InvoiceStatus = 'open' | 'partially_paid' | 'paid' | 'credited';

/** The status of an invoice: `credited` if credit notes cover it all, else by what is settled. */
export function invoiceStatus(invoice: Invoice): InvoiceStatus {
  const residual = invoiceResidual(invoice);
  if (invoice.credited.greaterThanOrEqual(invoice.gross)) return 'credited';
  if (residual.isZero()) return 'paid';
  return invoice.settled.isPositive() ? 'partially_paid' : 'open';
}

/** A receipt's money not yet allocated or refunded. */
export function receiptUnallocated(receipt: Receipt): Money {
  return receipt.amount.subtract(receipt.allocated).subtract(receipt.refunded);
}

/** Receipt status, from its amounts. */
export type ReceiptStatus = 'unallocated' | 'partially_allocated' | 'allocated';

/** The status of a receipt. */
export function receiptStatus(receipt: Receipt): ReceiptStatus {
  const open = receiptUnallocated(receipt);
  if (open.isZero()) return 'allocated';
  return open.equals(receipt.amount) ? 'unallocated' : 'partially_allocated';
}

/** Delivery status, from its lines. */
export type DeliveryStatus = 'posted' | 'partially_returned' | 'returned';

/** The status of a delivery. */
export function deliveryStatus(delivery: Delivery): DeliveryStatus {
  const returned = delivery.lines.reduce((a, l) => a.plus(l.returned), ZERO);
  if (!returned.greaterThan(0)) return 'posted';
  const all = delivery.lines.every((l) => l.returned.greaterThanOrEqualTo(l.quantity.value));
  return all ? 'returned' : 'partially_returned';
}

/** Credit note status. */
export type CreditNoteStatus = 'applied' | 'open_balance';

/** Whether a credit note left a balance for the customer beyond its invoice's residual. */
export function creditNoteStatus(note: CreditNote): CreditNoteStatus {
  return note.toBalance.isZero() ? 'applied' : 'open_balance';
}

/** Throws unless `x ≥ 0` — for ledger updates the use cases have already checked. */
export function assertNonNegative(x: Dec, what: string): void {
  if (x.isNegative()) throw new TradecoreBug('LEDGER_NEGATIVE', `${what} would be ${x}`);
}
