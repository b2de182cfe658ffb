/**
 * Invoices (by order or by delivery, partial, several orders to one bill-to party — head-office
 * billing) and credit notes.
 *
 * @module
 */
import type { z } from 'zod';
import type { CustomerId, DeliveryId, InvoiceId, ReceiptId, SalesOrderId } from '../kernel/brand';
import {
  type CurrencyMismatchError,
  type NotFoundError,
  TradecoreBug,
  type ValidationError,
} from '../kernel/errors';
import { err, ok, type Result } from '../kernel/result';
import { allocate } from '../money/allocate';
import { Dec } from '../money/decimal';
import { Money, sameCurrency } from '../money/money';
import { Quantity } from '../money/quantity';
import {
  type CreditNote,
  type CreditNoteLine,
  type Delivery,
  type Invoice,
  type InvoiceLine,
  type Receipt,
  SALES_KINDS,
  type SalesOrder,
  type SalesReturn,
} from '../sales/documents';
import type {
  CreditExceedsAmountError,
  CreditExceedsInvoicedError,
  InvoiceExceedsBillableError,
  NothingToInvoiceError,
  PartyMismatchError,
} from '../sales/errors';
import {
  addBuckets,
  type Buckets,
  billedForKept,
  deliveredUnbilled,
  invoiceBuckets,
  invoiceResidual,
  keptLines,
  lineLedger,
  NO_BUCKETS,
  orderBuckets,
  planLineBasis,
  shareOf,
} from '../sales/ledger';
import type { InvoicePolicy } from '../sales/policy';
import {
  type BilledByPlanError,
  billableInstallment,
  invoiceInstallment as markInstallmentInvoiced,
  SETTLEMENT_KIND,
  type SettlementPlan,
  spreadInstallment,
  spreadOverLines,
} from '../sales/settlement';
import { dateOf, loadCreditPolicy } from './credit';
import {
  loadSalesPolicy,
  notAllowedIn,
  POLICY_REFS,
  syncExposure,
  syncExposureUnchecked,
} from './order-flow';
import { loadOrder } from './orders';
import { fieldInvalid, type invoiceInstallmentInput } from './quote-schemas';
import type { creditNoteInput, invoiceInput } from './schemas';
import { planOf } from './settlement';
import type { UnitOfWork } from './unit-of-work';

const ZERO = new Dec(0);
const max0 = (x: Dec) => (x.isNegative() ? ZERO : x);

/** The order states in which goods can be invoiced. */
const INVOICEABLE_STATES: readonly string[] = ['confirmed', 'closed', 'credit_hold'];

/**
 * What a line may still be invoiced under `policy`. A closed order, or one back on credit hold,
 * bills only what was delivered (net of returns), whatever the policy: it reserves nothing, so
 * billing ahead would add exposure instead of moving it.
 */
export function billable(
  line: SalesOrder['lines'][number],
  state: string,
  policy: InvoicePolicy,
): Dec {
  const l = lineLedger(line, state);
  const base =
    policy === 'delivery' || state === 'closed' || state === 'credit_hold'
      ? l.netDelivered
      : Dec.max(l.ordered, l.netDelivered);
  return max0(base.minus(l.netInvoiced));
}

function sumBuckets(orders: readonly SalesOrder[]): Buckets {
  return orders.reduce((a, o) => addBuckets(a, orderBuckets(o)), NO_BUCKETS);
}

/**
 * Invoices to the bill-to party: everything billable on the given orders, the quantities of the
 * given deliveries, or explicit line quantities — never more than the sales policy's invoice
 * policy allows (by delivery: delivered − returned − invoiced + credited). Several orders of
 * subsidiaries billed to their head office make one invoice. Dr receivable (bill-to) / Cr
 * revenue / Cr output VAT; the billed value moves into receivables (checked at the invoice
 * checkpoint), split into dated open items — one per installment (分期) or one due after the
 * payment terms.
 *
 * A confirmed or closed order can be invoiced, and so can one back on credit hold — for its
 * delivered goods only (billing moves their exposure from `uninvoiced` to `receivables`, adding
 * none). An order with a settlement plan is billed by its installments
 * ({@link invoiceInstallment}), not here (`SETTLEMENT_PLAN_BILLING`).
 */
export async function invoiceOrders(uow: UnitOfWork, input: z.output<typeof invoiceInput>) {
  await uow.prefetch([
    ...(input.orderIds ?? []).map((id) => ({ kind: SALES_KINDS.order, id })),
    ...(input.deliveryIds ?? []).map((id) => ({ kind: SALES_KINDS.delivery, id })),
    ...POLICY_REFS,
  ]);
  const policy = (await loadSalesPolicy(uow)).invoicePolicy;
  const orders = new Map<string, SalesOrder>();
  const order = async (id: string, field: string) => {
    const hit = orders.get(id);
    if (hit) return ok(hit);
    const o = await loadOrder(uow, id, field);
    if (!o.ok) return o;
    if (!INVOICEABLE_STATES.includes(o.value.state))
      return err(notAllowedIn(uow, o.value, 'invoice'));
    // The order is saved under the version read, so a plan created meanwhile conflicts.
    if ((await planOf(uow, o.value)) !== undefined) {
      return err<BilledByPlanError>({
        code: 'SETTLEMENT_PLAN_BILLING',
        message: `${field}: order ${o.value.number} is billed by its settlement plan; invoice its due installments instead`,
        field,
        orderId: o.value.id,
      });
    }
    orders.set(id, o.value);
    return o;
  };
  // Requested quantities per order line, in request order.
  type Want = { orderId: string; lineNo: number; qty: Dec | null; field: string; cap?: Dec };
  const wants: Want[] = [];
  const deliveryIds: DeliveryId[] = [];
  for (const [i, id] of (input.orderIds ?? []).entries()) {
    const o = await order(id, `orderIds.${i}`);
    if (!o.ok) return o;
    for (const l of o.value.lines)
      wants.push({ orderId: id, lineNo: l.lineNo, qty: null, field: `orderIds.${i}` });
  }
  for (const [i, id] of (input.deliveryIds ?? []).entries()) {
    const d = await uow.require<Delivery>(SALES_KINDS.delivery, id, `deliveryIds.${i}`);
    if (!d.ok) return d;
    const o = await order(d.value.orderId, `deliveryIds.${i}`);
    if (!o.ok) return o;
    deliveryIds.push(d.value.id);
    for (const dl of d.value.lines) {
      wants.push({
        orderId: d.value.orderId,
        lineNo: dl.orderLineNo,
        qty: null,
        cap: dl.quantity.value.minus(dl.returned),
        field: `deliveryIds.${i}`,
      });
    }
  }
  for (const [i, l] of (input.lines ?? []).entries()) {
    const o = await order(l.orderId, `lines.${i}.orderId`);
    if (!o.ok) return o;
    if (!o.value.lines.some((x) => x.lineNo === l.lineNo)) {
      return err<NotFoundError>({
        code: 'NOT_FOUND',
        message: `lines.${i}.lineNo: order ${o.value.number} has no line ${l.lineNo}`,
        entity: 'order-line',
        id: String(l.lineNo),
        field: `lines.${i}.lineNo`,
      });
    }
    wants.push({
      orderId: l.orderId,
      lineNo: l.lineNo,
      qty: l.quantity,
      field: `lines.${i}.quantity`,
    });
  }
  const first = [...orders.values()][0];
  if (!first) throw new TradecoreBug('INVOICE_INPUT', 'no orders to invoice');
  for (const [i, o] of [...orders.values()].entries()) {
    if (o.billToId !== first.billToId) {
      return err<PartyMismatchError>({
        code: 'PARTY_MISMATCH',
        message: `orders: ${o.number} is billed to ${o.billToId}, ${first.number} to ${first.billToId}; one invoice has one bill-to party`,
        field: `orders.${i}`,
        expected: first.billToId,
        actual: o.billToId,
      });
    }
    if (o.currency !== first.currency) {
      return err<CurrencyMismatchError>({
        code: 'CURRENCY_MISMATCH',
        message: `orders: ${o.number} is in ${o.currency}, ${first.number} in ${first.currency}`,
        expected: first.currency,
        actual: o.currency,
        field: `orders.${i}`,
      });
    }
  }
  // Resolve quantities against what is billable, line by line (a line may be asked twice).
  const id = uow.newId(SALES_KINDS.invoice) as InvoiceId;
  const lines: InvoiceLine[] = [];
  const updated = new Map<string, SalesOrder>();
  for (const w of wants) {
    const o = updated.get(w.orderId) ?? (orders.get(w.orderId) as SalesOrder);
    const line = o.lines.find((l) => l.lineNo === w.lineNo) as SalesOrder['lines'][number];
    const can = billable(line, o.state, policy);
    let qty = w.qty ?? (w.cap === undefined ? can : Dec.min(can, max0(w.cap)));
    if (w.qty !== null && qty.greaterThan(can)) {
      const unit = line.quantity.unit;
      return err<InvoiceExceedsBillableError>({
        code: 'INVOICE_EXCEEDS_BILLABLE',
        message: `${w.field}: ${qty} ${unit} of ${o.number} line ${line.lineNo} exceeds the ${can} ${unit} billable (invoice policy: by ${policy})`,
        field: w.field,
        orderId: o.id,
        lineNo: line.lineNo,
        requested: Quantity.of(qty, unit),
        billable: Quantity.of(can, unit),
        policy,
      });
    }
    qty = max0(qty);
    if (qty.isZero()) continue;
    const ordered = line.quantity.value;
    const net = shareOf(line.net, ordered, line.invoiced, qty);
    const tax = shareOf(line.tax, ordered, line.invoiced, qty);
    lines.push({
      lineNo: lines.length + 1,
      orderId: o.id,
      orderLineNo: line.lineNo,
      productId: line.productId,
      quantity: Quantity.of(qty, line.quantity.unit),
      unitPrice: line.unitPrice,
      net,
      tax,
      gross: net.add(tax),
      credited: ZERO,
    });
    updated.set(o.id, {
      ...o,
      lines: o.lines.map((l) =>
        l.lineNo === line.lineNo ? { ...l, invoiced: l.invoiced.plus(qty) } : l,
      ),
    });
  }
  if (lines.length === 0) {
    return err<NothingToInvoiceError>({
      code: 'NOTHING_TO_INVOICE',
      message: `${input.lines ? 'lines' : input.deliveryIds ? 'deliveryIds' : 'orderIds'}: nothing is billable (invoice policy: by ${policy})`,
      field: input.lines ? 'lines' : input.deliveryIds ? 'deliveryIds' : 'orderIds',
    });
  }
  const currency = first.currency;
  const creditPolicy = await loadCreditPolicy(uow);
  const plan = input.installments ?? [
    { dueDate: input.dueDate ?? dateOf(uow.now, creditPolicy.paymentTermsDays), share: new Dec(1) },
  ];
  const invoice = newInvoice(uow, {
    id,
    orderIds: [...updated.keys()] as SalesOrderId[],
    deliveryIds,
    billToId: first.billToId as CustomerId,
    currency,
    lines,
    credit: first.credit,
    plan,
  });
  const afterOrders = [...updated.values()].map((o) => {
    const mine = lines.filter((l) => l.orderId === o.id);
    return {
      ...o,
      billedGross: o.billedGross.add(
        Money.sum(
          mine.map((l) => l.gross),
          currency,
        ),
      ),
      invoiceIds: [...o.invoiceIds, id],
    };
  });
  const beforeOrders = afterOrders.map((o) => orders.get(o.id) as SalesOrder);
  const posted = await postInvoice(uow, invoice, beforeOrders, afterOrders, plan);
  if (!posted.ok) return posted;
  return ok(posted.value);
}

/** A due date and a share of an invoice's gross (one open item each). */
type ScheduleShare = { readonly dueDate: string; readonly share: Dec };

/** An invoice before it is numbered (see {@link postInvoice}). */
type InvoiceDraft = Omit<Invoice, 'number'>;

/** Builds an invoice from its lines: totals and the schedule by share (numbered when posted). */
function newInvoice(
  uow: UnitOfWork,
  x: Pick<Invoice, 'id' | 'orderIds' | 'deliveryIds' | 'billToId' | 'currency' | 'lines'> & {
    readonly credit: Invoice['credit'];
    readonly plan: readonly ScheduleShare[];
    readonly installment?: Invoice['installment'];
  },
): InvoiceDraft {
  const net = Money.sum(
    x.lines.map((l) => l.net),
    x.currency,
  );
  const tax = Money.sum(
    x.lines.map((l) => l.tax),
    x.currency,
  );
  const gross = net.add(tax);
  const parts = allocate(
    gross,
    x.plan.map((p) => p.share),
  );
  return {
    id: x.id,
    tenantId: uow.tenantId,
    orderIds: x.orderIds,
    deliveryIds: x.deliveryIds,
    billToId: x.billToId,
    currency: x.currency,
    lines: x.lines,
    net,
    tax,
    gross,
    credited: Money.zero(x.currency),
    settled: Money.zero(x.currency),
    credit: x.credit,
    issuedAt: uow.now,
    schedule: x.plan.map((p, i) => ({ dueDate: p.dueDate, amount: parts[i] as Money })),
    ...(x.installment ? { installment: x.installment } : {}),
  };
}

/**
 * Stores an invoice and what it changes: the orders (a concurrent command on them makes their
 * saves conflict), their exposure moved into receivables (checked at the invoice checkpoint),
 * the dated open items, then the invoice — numbered only now, once the credit account is held,
 * as every command takes its hot rows before its number series — its voucher and its event.
 */
async function postInvoice(
  uow: UnitOfWork,
  draft: InvoiceDraft,
  beforeOrders: readonly SalesOrder[],
  afterOrders: readonly SalesOrder[],
  plan: readonly ScheduleShare[],
) {
  const id = draft.id;
  // A concurrent command on the same orders makes these saves conflict (at the latest when the
  // command ends, before it gives up on a failed check: see `UnitOfWork.checkStale`).
  for (const o of afterOrders) {
    await uow.save(SALES_KINDS.order, o);
  }
  if (draft.credit !== null) {
    const moved = await syncExposure(
      uow,
      draft.credit,
      sumBuckets(beforeOrders),
      addBuckets(sumBuckets(afterOrders), invoiceBuckets(draft)),
      'invoice',
      { kind: SALES_KINDS.invoice, id },
    );
    if (!moved.ok) return moved;
    const exposure = invoiceBuckets(draft).receivables;
    const creditParts = allocate(
      Money.of(exposure, draft.credit.currency),
      plan.map((p) => p.share),
    );
    for (const [i, p] of plan.entries()) {
      const amount = creditParts[i] as Money;
      if (amount.isZero()) continue;
      await uow.tx.credit.addOpenItem({
        itemId: `${id}#${i + 1}`,
        accountId: draft.credit.accountId,
        sourceKind: SALES_KINDS.invoice,
        sourceId: id,
        dueDate: p.dueDate,
        amount: amount.amount,
      });
    }
  }
  await uow.reserveNumbers(['INV', 'V']); // its number and its voucher's in one round trip
  const { id: _, tenantId, ...rest } = draft;
  const invoice: Invoice = { id, tenantId, number: await uow.nextNumber('INV'), ...rest };
  await uow.create(SALES_KINDS.invoice, invoice);
  await uow.postVoucher(
    SALES_KINDS.invoice,
    id,
    `invoice ${invoice.number} for ${afterOrders.map((o) => o.number).join(', ')}${invoice.installment ? ` (installment ${invoice.installment.milestone})` : ''}`,
    [
      { account: uow.accounts.receivable, debit: invoice.gross, partyId: invoice.billToId },
      { account: uow.accounts.revenue, credit: invoice.net },
      { account: uow.accounts.vatOutput, credit: invoice.tax },
    ],
  );
  uow.transitioned(SALES_KINDS.invoice, invoice, { from: null, event: 'issue', to: 'open' });
  return ok(invoice);
}

/**
 * Invoices a due settlement-plan installment (an advance or progress invoice): its amount is
 * spread over the order's lines in proportion to what each still has to bill for goods kept
 * (`spreadInstallment`; the invoice lines add up to the installment exactly; each part split
 * into net and VAT at its line's ratio, cumulatively, so a line billed in full is billed exactly
 * its kept net and VAT; zero parts left out; quantities zero — installments bill money, not
 * goods). The lines' `planBilled` grow by their parts.
 * One open item, due on the installment's due date. The order's `installmentsBilled` and
 * `billedGross` grow, its exposure moves into receivables as for any invoice (checked at the
 * invoice checkpoint), the voucher is posted (Dr receivable / Cr revenue / Cr VAT) and the
 * installment becomes `invoiced` with the invoice's id — all in one transaction.
 *
 * Refused: an installment not achieved yet (`SETTLEMENT_INSTALLMENT_NOT_DUE`) or already
 * invoiced (`SETTLEMENT_INSTALLMENT_INVOICED`); an order that is not confirmed, closed or on
 * credit hold (`ILLEGAL_TRANSITION`); for a closed or held order (which reserves nothing), more
 * than the delivered value not yet billed (`SETTLEMENT_INSTALLMENT_EXCEEDS_DELIVERED`); a zero
 * installment (`NOTHING_TO_INVOICE`).
 */
export async function invoiceInstallment(
  uow: UnitOfWork,
  input: z.output<typeof invoiceInstallmentInput>,
) {
  const p = await uow.require<SettlementPlan>(SETTLEMENT_KIND, input.planId, 'planId');
  if (!p.ok) return p;
  const plan = p.value;
  const due = billableInstallment(plan, input.milestone, null);
  if (!due.ok) return due;
  const inst = due.value;
  const o = await loadOrder(uow, plan.orderId, 'planId');
  if (!o.ok) return o;
  const order = o.value;
  if (!INVOICEABLE_STATES.includes(order.state))
    return err(notAllowedIn(uow, order, `invoice installment ${inst.milestone}`));
  if (order.state !== 'confirmed') {
    // An order that reserves nothing (closed, on hold) bills only delivered value not yet billed.
    const room = billableInstallment(plan, inst.milestone, deliveredUnbilled(order));
    if (!room.ok) return room;
  }
  if (inst.amount.isZero()) {
    return err<NothingToInvoiceError>({
      code: 'NOTHING_TO_INVOICE',
      message: `milestone: installment ${inst.milestone} of ${order.number} is zero`,
      field: 'milestone',
    });
  }
  const id = uow.newId(SALES_KINDS.invoice) as InvoiceId;
  // Over what each line of kept goods still has to bill (orders billed before lines kept
  // `planBilled`: the older cumulative spread, over kept goods).
  const basis = planLineBasis(order);
  const parts =
    basis === undefined
      ? spreadOverLines(
          inst.amount,
          keptLines(order),
          Money.of(billedForKept(order), order.currency),
        )
      : spreadInstallment(inst.amount, basis);
  const lines: InvoiceLine[] = [];
  for (const [k, part] of parts.entries()) {
    if (part.gross.isZero() && part.tax.isZero()) continue;
    const line = order.lines[k] as SalesOrder['lines'][number];
    lines.push({
      lineNo: lines.length + 1,
      orderId: order.id,
      orderLineNo: line.lineNo,
      productId: line.productId,
      quantity: Quantity.of(ZERO, line.quantity.unit),
      unitPrice: line.unitPrice,
      net: part.net,
      tax: part.tax,
      gross: part.gross,
      credited: ZERO,
    });
  }
  const schedule = [
    { dueDate: inst.dueDate ?? dateOf(uow.now, 0), share: new Dec(1) },
  ] as const satisfies readonly ScheduleShare[];
  const draft = newInvoice(uow, {
    id,
    orderIds: [order.id],
    deliveryIds: [],
    billToId: order.billToId,
    currency: order.currency,
    lines,
    credit: order.credit,
    plan: schedule,
    installment: { planId: plan.id, milestone: inst.milestone },
  });
  const after: SalesOrder = {
    ...order,
    billedGross: order.billedGross.add(draft.gross),
    installmentsBilled: (order.installmentsBilled ?? Money.zero(order.currency)).add(draft.gross),
    invoiceIds: [...order.invoiceIds, id],
    // Kept per line from the first installment on (an order billed before stays without).
    lines:
      basis === undefined
        ? order.lines
        : order.lines.map((l, k) => ({
            ...l,
            planBilled: (l.planBilled ?? Money.zero(order.currency)).add(
              (parts[k] as { gross: Money }).gross,
            ),
          })),
  };
  const posted = await postInvoice(uow, draft, [order], [after], schedule);
  if (!posted.ok) return posted;
  const invoice = posted.value;
  const t = markInstallmentInvoiced(plan, inst.milestone, id, uow.now);
  if (!t.ok) throw new TradecoreBug('INSTALLMENT_STATE', t.error.message);
  await uow.save(SETTLEMENT_KIND, t.value.plan);
  uow.emit('document.transitioned', t.value.event);
  return ok(invoice);
}

/**
 * Settles an invoice's open items for exposure that was freed, earliest due first (keeps the
 * open items — what ages — equal to the invoice's receivable exposure).
 */
export async function settleOpenItems(
  uow: UnitOfWork,
  invoiceId: string,
  freed: Dec,
): Promise<void> {
  let left = freed;
  // An invoice's open items are added when it is posted: all in this transaction if it was.
  const addedHere = uow.createdHere(SALES_KINDS.invoice, invoiceId);
  const items = await uow.tx.credit.openItemsOf(SALES_KINDS.invoice, invoiceId, { addedHere });
  for (const item of items) {
    if (!left.greaterThan(0)) break;
    const take = left.lessThan(item.residual) ? left : item.residual;
    if (!(await uow.tx.credit.settleOpenItem(item.itemId, take))) {
      throw new TradecoreBug('OPEN_ITEM_SHORT', `open item ${item.itemId} holds less than ${take}`);
    }
    left = left.minus(take);
  }
  if (addedHere && left.greaterThan(0)) {
    // Items added here are the whole of them: short means they were not all found.
    throw new TradecoreBug(
      'OPEN_ITEM_SHORT',
      `invoice ${invoiceId}: ${left} freed beyond its open items`,
    );
  }
}

/**
 * The lines of a credit note by quantities on an invoice of quantities: the given invoice line
 * quantities, or a return's quantities on this invoice's lines of its order lines, or all that
 * is left on the invoice — each line's net and VAT cumulative over its credited quantity
 * (`shareOf`). More than a line billed less what was credited is `CREDIT_EXCEEDS_INVOICED`.
 */
function quantityCreditLines(
  invoice: Invoice,
  ret: SalesReturn | undefined,
  given: readonly { invoiceLineNo: number; quantity: Dec }[] | undefined,
): Result<CreditNoteLine[], NotFoundError | CreditExceedsInvoicedError> {
  // Requested (invoice line, quantity) pairs.
  const asks: { invoiceLineNo: number; qty: Dec; field: string }[] = [];
  if (given) {
    for (const [k, l] of given.entries())
      asks.push({ invoiceLineNo: l.invoiceLineNo, qty: l.quantity, field: `lines.${k}.quantity` });
  } else if (ret) {
    for (const rl of ret.lines) {
      let left = rl.quantity.value;
      for (const il of invoice.lines) {
        if (!left.greaterThan(0)) break;
        if (il.orderId !== ret.orderId || il.orderLineNo !== rl.orderLineNo) continue;
        const open = il.quantity.value.minus(il.credited);
        const take = Dec.min(open, left);
        if (take.greaterThan(0))
          asks.push({ invoiceLineNo: il.lineNo, qty: take, field: 'returnId' });
        left = left.minus(take);
      }
    }
  } else {
    for (const il of invoice.lines) {
      const open = il.quantity.value.minus(il.credited);
      if (open.greaterThan(0))
        asks.push({ invoiceLineNo: il.lineNo, qty: open, field: 'invoiceId' });
    }
  }
  const creditedNow = new Map<number, Dec>();
  const lines: CreditNoteLine[] = [];
  for (const a of asks) {
    const il = invoice.lines.find((l) => l.lineNo === a.invoiceLineNo);
    if (!il) {
      return err<NotFoundError>({
        code: 'NOT_FOUND',
        message: `${a.field.replace(/quantity$/, 'invoiceLineNo')}: invoice ${invoice.number} has no line ${a.invoiceLineNo}`,
        entity: 'invoice-line',
        id: String(a.invoiceLineNo),
        field: a.field.replace(/quantity$/, 'invoiceLineNo'),
      });
    }
    const before = il.credited.plus(creditedNow.get(il.lineNo) ?? ZERO);
    const creditable = il.quantity.value.minus(before);
    if (a.qty.greaterThan(creditable)) {
      return err<CreditExceedsInvoicedError>({
        code: 'CREDIT_EXCEEDS_INVOICED',
        message: `${a.field}: ${a.qty} ${il.quantity.unit} exceeds the ${creditable} ${il.quantity.unit} of invoice ${invoice.number} line ${il.lineNo} not yet credited`,
        field: a.field,
        invoiceLineNo: il.lineNo,
        requested: Quantity.of(a.qty, il.quantity.unit),
        creditable: Quantity.of(creditable, il.quantity.unit),
      });
    }
    creditedNow.set(il.lineNo, (creditedNow.get(il.lineNo) ?? ZERO).plus(a.qty));
    const net = shareOf(il.net, il.quantity.value, before, a.qty);
    const tax = shareOf(il.tax, il.quantity.value, before, a.qty);
    lines.push({
      invoiceLineNo: il.lineNo,
      orderId: il.orderId,
      orderLineNo: il.orderLineNo,
      productId: il.productId,
      quantity: Quantity.of(a.qty, il.quantity.unit),
      net,
      tax,
      gross: net.add(tax),
    });
  }
  return ok(lines);
}

/**
 * The lines of a credit note by amount on an installment invoice: `amount` (by default what
 * `ret` left to credit, else all that is left on the invoice), spread with `allocate` over what
 * the lines have left to credit — for a return, only the lines of the returned order lines, so a
 * return is credited at its own goods' VAT (what it left that this invoice's returned lines
 * cannot take goes on another installment invoice of the order). Each part's VAT is the line's,
 * cumulative over the line's amount credits (`shareOf`), so a line credited in full over several
 * notes is credited exactly its net and VAT. Quantities are zero. Never more than the invoice's
 * gross less its amount credits, nor, for a return, more than each of its lines has left to
 * credit (`planCreditLines`) and has left here.
 */
function amountCreditLines(
  invoice: Invoice,
  ret: SalesReturn | undefined,
  amount: Money | undefined,
): Result<CreditNoteLine[], CreditExceedsAmountError | ValidationError | CurrencyMismatchError> {
  const currency = invoice.currency;
  const zero = Money.zero(currency);
  let room = invoice.lines.map((il) => {
    const rest = il.gross.subtract(il.amountCredited ?? zero);
    return rest.isPositive() ? rest : zero;
  });
  let cap = Money.sum(room, currency);
  let basis: 'invoice' | 'return' = 'invoice';
  if (ret !== undefined) {
    if (!invoice.orderIds.includes(ret.orderId)) {
      return err(
        fieldInvalid(
          'returnId',
          'same_order',
          `return ${ret.number} is not of the order invoice ${invoice.number} bills`,
        ),
      );
    }
    // Each returned line's own rest: what the return left to credit on it.
    const rest = new Map<number, Money>();
    for (const pl of ret.planCreditLines ?? [])
      rest.set(pl.orderLineNo, pl.amount.subtract(pl.credited));
    room = room.map((m, i) => {
      const il = invoice.lines[i] as InvoiceLine;
      const r = il.orderId === ret.orderId ? rest.get(il.orderLineNo) : undefined;
      if (r === undefined) return zero;
      const w = Money.min(m, r);
      rest.set(il.orderLineNo, r.subtract(w));
      return w.isPositive() ? w : zero;
    });
    cap = Money.sum(room, currency);
    basis = 'return';
  }
  if (amount !== undefined) {
    const cur = sameCurrency(invoice.gross, amount, 'amount');
    if (!cur.ok) return cur;
  }
  const requested = amount ?? cap;
  if (!requested.isPositive() || requested.greaterThan(cap)) {
    const field = amount !== undefined ? 'amount' : basis === 'return' ? 'returnId' : 'invoiceId';
    const what =
      basis === 'return'
        ? `return ${ret?.number} has left to credit on its lines of`
        : 'is left to credit on';
    return err({
      code: 'CREDIT_EXCEEDS_AMOUNT',
      message: cap.isPositive()
        ? `${field}: ${requested} exceeds the ${cap} that ${what} invoice ${invoice.number}`
        : `${field}: nothing ${basis === 'return' ? `of return ${ret?.number} ` : ''}is left to credit on invoice ${invoice.number}`,
      field,
      basis,
      requested,
      creditable: cap,
    });
  }
  const parts = allocate(
    requested,
    room.map((m) => m.amount),
  );
  const lines: CreditNoteLine[] = [];
  for (const [i, gross] of parts.entries()) {
    if (gross.isZero()) continue;
    const il = invoice.lines[i] as InvoiceLine;
    const before = (il.amountCredited ?? zero).amount;
    const tax = shareOf(il.tax, il.gross.amount, before, gross.amount);
    lines.push({
      invoiceLineNo: il.lineNo,
      orderId: il.orderId,
      orderLineNo: il.orderLineNo,
      productId: il.productId,
      quantity: Quantity.of(ZERO, il.quantity.unit),
      net: gross.subtract(tax),
      tax,
      gross,
    });
  }
  return ok(lines);
}

/**
 * Issues a credit note (红字发票) against an invoice — for a return (then by default for the
 * returned quantities) or given invoice line quantities — never more than a line billed less
 * what was credited. An installment invoice (settlement plan) is credited by `amount` instead
 * (by default what the return left to credit, `planCredit`, or all that is left), spread over
 * its lines like the installment was (`CREDIT_EXCEEDS_AMOUNT` beyond what may be credited). It reduces the invoice's open amount; what exceeds it (the invoice was
 * paid) becomes the customer's credit balance, to allocate or refund. Dr sales returns / Dr
 * output VAT / Cr receivable (and Cr advances for the balance).
 */
export async function issueCreditNote(uow: UnitOfWork, input: z.output<typeof creditNoteInput>) {
  const i = await uow.require<Invoice>(SALES_KINDS.invoice, input.invoiceId, 'invoiceId');
  if (!i.ok) return i;
  const invoice = i.value;
  let ret: SalesReturn | undefined;
  if (input.returnId !== undefined) {
    const r = await uow.require<SalesReturn>(SALES_KINDS.salesReturn, input.returnId, 'returnId');
    if (!r.ok) return r;
    ret = r.value;
  }
  const byAmount = invoice.installment !== undefined;
  if (byAmount && input.lines !== undefined) {
    return err(
      fieldInvalid(
        'lines',
        'by_amount',
        `invoice ${invoice.number} bills installment ${invoice.installment?.milestone} (money, not quantities): credit it by amount`,
      ),
    );
  }
  if (!byAmount && input.amount !== undefined) {
    return err(
      fieldInvalid(
        'amount',
        'installment_only',
        `invoice ${invoice.number} bills quantities: credit it by lines (or a return), not by amount`,
      ),
    );
  }
  const built = byAmount
    ? amountCreditLines(invoice, ret, input.amount)
    : quantityCreditLines(invoice, ret, input.lines);
  if (!built.ok) return built;
  const lines = built.value;
  if (lines.length === 0) {
    return err<CreditExceedsInvoicedError>({
      code: 'CREDIT_EXCEEDS_INVOICED',
      message: `invoiceId: nothing on invoice ${invoice.number} is left to credit${ret ? ` for return ${ret.number}` : ''}`,
      field: ret ? 'returnId' : 'invoiceId',
      invoiceLineNo: 0,
      requested: Quantity.of(0, 'EA'),
      creditable: Quantity.of(0, 'EA'),
    });
  }
  const currency = invoice.currency;
  const net = Money.sum(
    lines.map((l) => l.net),
    currency,
  );
  const tax = Money.sum(
    lines.map((l) => l.tax),
    currency,
  );
  const gross = net.add(tax);
  const residual = invoiceResidual(invoice);
  const toInvoice = Money.min(gross, residual);
  const toBalance = gross.subtract(toInvoice);
  const id = uow.newId(SALES_KINDS.creditNote);
  const balanceId = toBalance.isPositive() ? (uow.newId(SALES_KINDS.receipt) as ReceiptId) : null;
  // Orders: credited quantities and amounts.
  const orderIds = [...new Set(lines.map((l) => l.orderId))];
  const beforeOrders: SalesOrder[] = [];
  const afterOrders: SalesOrder[] = [];
  for (const oid of orderIds) {
    const o = await loadOrder(uow, oid, 'invoiceId');
    if (!o.ok) return o;
    const mine = lines.filter((l) => l.orderId === oid);
    beforeOrders.push(o.value);
    afterOrders.push({
      ...o.value,
      creditedGross: o.value.creditedGross.add(
        Money.sum(
          mine.map((l) => l.gross),
          currency,
        ),
      ),
      lines: o.value.lines.map((l) => {
        const q = mine
          .filter((m) => m.orderLineNo === l.lineNo)
          .reduce((a, m) => a.plus(m.quantity.value), ZERO);
        return q.isZero() ? l : { ...l, credited: l.credited.plus(q) };
      }),
    });
  }
  const afterInvoice: Invoice = {
    ...invoice,
    credited: invoice.credited.add(toInvoice),
    ...(byAmount
      ? { amountCredited: (invoice.amountCredited ?? Money.zero(currency)).add(gross) }
      : {}),
    lines: invoice.lines.map((l) => {
      const mine = lines.filter((c) => c.invoiceLineNo === l.lineNo);
      if (mine.length === 0) return l;
      if (byAmount) {
        const add = Money.sum(
          mine.map((c) => c.gross),
          currency,
        );
        return { ...l, amountCredited: (l.amountCredited ?? Money.zero(currency)).add(add) };
      }
      const q = mine.reduce((a, c) => a.plus(c.quantity.value), ZERO);
      return { ...l, credited: l.credited.plus(q) };
    }),
  };
  await uow.save(SALES_KINDS.invoice, afterInvoice);
  for (const o of afterOrders) {
    await uow.save(SALES_KINDS.order, o);
  }
  if (invoice.credit !== null) {
    const before = addBuckets(sumBuckets(beforeOrders), invoiceBuckets(invoice));
    const after = addBuckets(sumBuckets(afterOrders), invoiceBuckets(afterInvoice));
    await syncExposureUnchecked(uow, invoice.credit, before, after, {
      kind: SALES_KINDS.creditNote,
      id,
    });
    const freed = invoiceBuckets(invoice).receivables.minus(
      invoiceBuckets(afterInvoice).receivables,
    );
    if (freed.greaterThan(0)) await settleOpenItems(uow, invoice.id, freed);
  }
  // Numbered once the credit account and open items are held, as every command takes its
  // hot rows before its number series (so two commands never wait for each other's).
  const number = await uow.nextNumber('CN');
  if (balanceId !== null) {
    const balance: Receipt = {
      id: balanceId,
      tenantId: uow.tenantId,
      number: await uow.nextNumber('RC'),
      source: 'credit-note',
      payerId: invoice.billToId,
      orderId: null,
      amount: toBalance,
      allocated: Money.zero(currency),
      refunded: Money.zero(currency),
      allocations: [],
      refunds: [],
      receivedAt: uow.now,
      reference: number,
    };
    await uow.create(SALES_KINDS.receipt, balance);
  }
  const note: CreditNote = {
    id,
    tenantId: uow.tenantId,
    number,
    invoiceId: invoice.id,
    billToId: invoice.billToId,
    returnId: ret?.id ?? null,
    reason: input.reason,
    lines,
    net,
    tax,
    gross,
    toInvoice,
    toBalance,
    balanceId,
    issuedAt: uow.now,
  };
  await uow.create(SALES_KINDS.creditNote, note);
  const postings = [
    { account: uow.accounts.salesReturns, debit: net },
    { account: uow.accounts.vatOutput, debit: tax },
    { account: uow.accounts.receivable, credit: toInvoice, partyId: invoice.billToId },
    { account: uow.accounts.advances, credit: toBalance, partyId: invoice.billToId },
  ].filter((p) => !(p.debit ?? p.credit)?.isZero());
  await uow.postVoucher(
    SALES_KINDS.creditNote,
    id,
    `credit note ${number} for ${invoice.number}: ${input.reason}`,
    postings,
  );
  if (ret) {
    await uow.save(SALES_KINDS.salesReturn, {
      ...ret,
      creditNoteIds: [...ret.creditNoteIds, id],
      ...(byAmount && ret.planCreditLines !== undefined
        ? {
            planCreditLines: ret.planCreditLines.map((pl) => ({
              ...pl,
              credited: pl.credited.add(
                Money.sum(
                  lines.filter((c) => c.orderLineNo === pl.orderLineNo).map((c) => c.gross),
                  currency,
                ),
              ),
            })),
          }
        : {}),
    });
  }
  uow.transitioned(SALES_KINDS.creditNote, note, { from: null, event: 'issue', to: 'issued' });
  return ok(note);
}
