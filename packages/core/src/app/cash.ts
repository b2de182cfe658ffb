/**
 * Cash use cases: receipts (advances, 预收款), settlements (核销) of receipts against invoices —
 * many to many, across a head office's subsidiaries, with small differences written off — and
 * refunds of credit balances.
 *
 * @module
 */
import type { z } from 'zod';
import type { CustomerId, InvoiceId, ReceiptId, SalesOrderId } from '../kernel/brand';
import { type CurrencyMismatchError, TradecoreBug } from '../kernel/errors';
import { err, ok } from '../kernel/result';
import { type Customer, MASTERDATA_KINDS } from '../masterdata/types';
import { Dec } from '../money/decimal';
import { Money } from '../money/money';
import {
  type Invoice,
  type Receipt,
  SALES_KINDS,
  type SalesOrder,
  type WriteOff,
} from '../sales/documents';
import type {
  DifferenceTooLargeError,
  OverAllocationError,
  OverRefundError,
  PartyMismatchError,
  SettlementUnbalancedError,
} from '../sales/errors';
import {
  invoiceBuckets,
  invoiceResidual,
  invoiceStatus,
  receiptStatus,
  receiptUnallocated,
  shareOf,
} from '../sales/ledger';
import { settleOpenItems } from './billing';
import { loadSalesPolicy, POLICY_REFS, syncExposureUnchecked } from './order-flow';
import { autoReleaseHolds } from './orders';
import type { recordReceiptInput, refundInput, settleInput, writeOffInput } from './schemas';
import type { UnitOfWork } from './unit-of-work';

/** Records money received from a customer: Dr bank / Cr advances (the payer), optionally for an order. */
export async function recordReceipt(uow: UnitOfWork, input: z.output<typeof recordReceiptInput>) {
  const c = await uow.require<Customer>(MASTERDATA_KINDS.customer, input.payerId, 'payerId');
  if (!c.ok) return c;
  if (input.orderId !== undefined) {
    const o = await uow.require<SalesOrder>(SALES_KINDS.order, input.orderId, 'orderId');
    if (!o.ok) return o;
  }
  const id = uow.newId(SALES_KINDS.receipt) as ReceiptId;
  const currency = input.amount.currency.code;
  await uow.reserveNumbers(['RC', 'V']); // its number and its voucher's in one round trip
  const receipt: Receipt = {
    id,
    tenantId: uow.tenantId,
    number: await uow.nextNumber('RC'),
    source: 'bank',
    payerId: input.payerId as CustomerId,
    orderId: (input.orderId ?? null) as SalesOrderId | null,
    amount: input.amount,
    allocated: Money.zero(currency),
    refunded: Money.zero(currency),
    allocations: [],
    refunds: [],
    receivedAt: uow.now,
    reference: input.reference,
  };
  await uow.create(SALES_KINDS.receipt, receipt);
  await uow.postVoucher(
    SALES_KINDS.receipt,
    id,
    `receipt ${receipt.number} ${input.reference}`.trim(),
    [
      { account: uow.accounts.bank, debit: input.amount },
      { account: uow.accounts.advances, credit: input.amount, partyId: input.payerId },
    ],
  );
  uow.transitioned(SALES_KINDS.receipt, receipt, {
    from: null,
    event: 'record',
    to: 'unallocated',
  });
  return ok(receipt);
}

/** Whether `payerId` may pay an invoice billed to `billToId`: itself, or its head office. */
async function mayPay(uow: UnitOfWork, payerId: string, billToId: string): Promise<boolean> {
  if (payerId === billToId) return true;
  const c = await uow.load<Customer>(MASTERDATA_KINDS.customer, billToId);
  return c?.headOfficeId === payerId;
}

/** The outcome of a settlement. */
export interface Settlement {
  /** Settlement id (shared by its write-offs and its voucher). */
  readonly id: string;
  /** Write-offs, one per (receipt, invoice) pair and one per difference. */
  readonly writeOffs: readonly WriteOff[];
  /** Orders released from credit hold by the freed credit. */
  readonly released: readonly string[];
}

/**
 * Settles (核销) receipts against invoices, many to many: `Σ invoices = Σ receipts + difference`.
 * Receipts are matched to invoices in the order given (first receipt to first invoice…); a short
 * payment up to the policy's small-difference limit is written off with its reason against the
 * last invoices. Each receipt's payer must be each invoice's bill-to party or its head office.
 * Posts Dr advances / Cr receivable (and Dr settlement differences / Cr receivable), frees the
 * paid exposure and releases held orders that now fit (unless `options.releaseHolds` is false).
 * Every document is saved with its version, so concurrent settlements can never apply the same
 * money twice.
 */
export async function settle(
  uow: UnitOfWork,
  input: z.output<typeof settleInput>,
  options: { readonly releaseHolds?: boolean } = {},
) {
  await uow.prefetch([
    ...input.receipts.map((r) => ({ kind: SALES_KINDS.receipt, id: r.receiptId })),
    ...input.invoices.map((v) => ({ kind: SALES_KINDS.invoice, id: v.invoiceId })),
    // Not the list of held orders: `autoReleaseHolds` reads it once this settlement holds the
    // credit accounts it frees, so that an order held meanwhile is seen.
    ...POLICY_REFS,
  ]);
  const receipts: Receipt[] = [];
  for (const [i, r] of input.receipts.entries()) {
    const x = await uow.require<Receipt>(
      SALES_KINDS.receipt,
      r.receiptId,
      `receipts.${i}.receiptId`,
    );
    if (!x.ok) return x;
    receipts.push(x.value);
  }
  const invoices: Invoice[] = [];
  for (const [i, v] of input.invoices.entries()) {
    const x = await uow.require<Invoice>(
      SALES_KINDS.invoice,
      v.invoiceId,
      `invoices.${i}.invoiceId`,
    );
    if (!x.ok) return x;
    invoices.push(x.value);
  }
  const currency = (invoices[0] as Invoice).currency;
  const mismatch = (field: string, actual: string) =>
    err<CurrencyMismatchError>({
      code: 'CURRENCY_MISMATCH',
      message: `${field}: ${actual} does not match the invoice currency ${currency}`,
      expected: currency,
      actual,
      field,
    });
  for (const [i, r] of input.receipts.entries()) {
    const rc = receipts[i] as Receipt;
    if (r.amount.currency.code !== currency)
      return mismatch(`receipts.${i}.amount.currency`, r.amount.currency.code);
    if (rc.amount.currency.code !== currency)
      return mismatch(`receipts.${i}.receiptId`, rc.amount.currency.code);
  }
  for (const [i, v] of input.invoices.entries()) {
    if (v.amount.currency.code !== currency)
      return mismatch(`invoices.${i}.amount.currency`, v.amount.currency.code);
    if ((invoices[i] as Invoice).currency !== currency)
      return mismatch(`invoices.${i}.invoiceId`, (invoices[i] as Invoice).currency);
  }
  const difference = input.difference?.amount ?? Money.zero(currency);
  if (input.difference && difference.currency.code !== currency)
    return mismatch('difference.amount.currency', difference.currency.code);
  const paid = Money.sum(
    input.receipts.map((r) => r.amount),
    currency,
  );
  const applied = Money.sum(
    input.invoices.map((v) => v.amount),
    currency,
  );
  if (!paid.add(difference).equals(applied)) {
    return err<SettlementUnbalancedError>({
      code: 'SETTLEMENT_UNBALANCED',
      message: `invoices: ${applied} applied to invoices ≠ ${paid} from receipts + ${difference} difference`,
      field: 'invoices',
      receipts: paid,
      invoices: applied,
      difference,
    });
  }
  const policy = await loadSalesPolicy(uow);
  if (difference.amount.greaterThan(policy.smallDifferenceLimit)) {
    return err<DifferenceTooLargeError>({
      code: 'DIFFERENCE_TOO_LARGE',
      message: `difference.amount: ${difference} exceeds the ${policy.smallDifferenceLimit} a settlement may write off`,
      field: 'difference.amount',
      requested: difference,
      limit: Money.of(policy.smallDifferenceLimit, currency),
    });
  }
  // Amounts asked of each document (the same document may be listed twice).
  const askedR = new Map<string, Money>();
  for (const [i, r] of input.receipts.entries()) {
    const rc = receipts[i] as Receipt;
    const total = (askedR.get(rc.id) ?? Money.zero(currency)).add(r.amount);
    askedR.set(rc.id, total);
    if (total.greaterThan(receiptUnallocated(rc))) {
      return err<OverAllocationError>({
        code: 'OVER_ALLOCATION',
        message: `receipts.${i}.amount: ${total} exceeds receipt ${rc.number}'s unallocated ${receiptUnallocated(rc)}`,
        field: `receipts.${i}.amount`,
        requested: total,
        receiptUnallocated: receiptUnallocated(rc),
        invoiceResidual: Money.zero(currency),
      });
    }
  }
  const askedI = new Map<string, Money>();
  for (const [i, v] of input.invoices.entries()) {
    const inv = invoices[i] as Invoice;
    const total = (askedI.get(inv.id) ?? Money.zero(currency)).add(v.amount);
    askedI.set(inv.id, total);
    if (total.greaterThan(invoiceResidual(inv))) {
      return err<OverAllocationError>({
        code: 'OVER_ALLOCATION',
        message: `invoices.${i}.amount: ${total} exceeds invoice ${inv.number}'s residual ${invoiceResidual(inv)}`,
        field: `invoices.${i}.amount`,
        requested: total,
        receiptUnallocated: Money.zero(currency),
        invoiceResidual: invoiceResidual(inv),
      });
    }
  }
  for (const [i, rc] of receipts.entries()) {
    for (const [j, inv] of invoices.entries()) {
      if (!(await mayPay(uow, rc.payerId, inv.billToId))) {
        return err<PartyMismatchError>({
          code: 'PARTY_MISMATCH',
          message: `receipts.${i}.receiptId: receipt ${rc.number} was paid by ${rc.payerId}, which neither is nor is the head office of invoice ${inv.number}'s bill-to party ${inv.billToId} (invoices.${j})`,
          field: `receipts.${i}.receiptId`,
          expected: inv.billToId,
          actual: rc.payerId,
        });
      }
    }
  }
  // Match: money from receipts in order to invoices in order; the difference takes the tail.
  const settlementId = uow.newId('settlement');
  type Pair = { r: Receipt | null; inv: Invoice; amount: Money };
  const pairs: Pair[] = [];
  const rq = input.receipts.map((r, i) => ({ rc: receipts[i] as Receipt, left: r.amount }));
  let ri = 0;
  for (const [j, v] of input.invoices.entries()) {
    const inv = invoices[j] as Invoice;
    let need = v.amount;
    while (need.isPositive() && ri < rq.length) {
      const src = rq[ri] as { rc: Receipt; left: Money };
      const take = Money.min(need, src.left);
      if (take.isPositive()) pairs.push({ r: src.rc, inv, amount: take });
      need = need.subtract(take);
      src.left = src.left.subtract(take);
      if (src.left.isZero()) ri++;
    }
    if (need.isPositive()) pairs.push({ r: null, inv, amount: need });
  }
  // Numbered at the end, once the credit accounts and open items are held (see below).
  const drafts: Omit<WriteOff, 'tenantId' | 'number'>[] = [];
  for (const p of pairs) {
    drafts.push({
      id: uow.newId(SALES_KINDS.writeOff),
      receiptId: p.r?.id ?? null,
      invoiceId: p.inv.id as InvoiceId,
      partyId: p.inv.billToId,
      amount: p.amount,
      kind: p.r ? 'allocation' : 'difference',
      reason: p.r ? '' : (input.difference?.reason ?? ''),
      settlementId,
      postedAt: uow.now,
    });
  }
  // Receipts.
  for (const rc of new Map(receipts.map((r) => [r.id, r])).values()) {
    const mine = drafts.filter((w) => w.receiptId === rc.id);
    const amount = Money.sum(
      mine.map((w) => w.amount),
      currency,
    );
    const after: Receipt = {
      ...rc,
      allocated: rc.allocated.add(amount),
      allocations: [
        ...rc.allocations,
        ...mine.map((w) => ({ writeOffId: w.id, invoiceId: w.invoiceId, amount: w.amount })),
      ],
    };
    await uow.save(SALES_KINDS.receipt, after);
    uow.transitioned(SALES_KINDS.receipt, rc, {
      from: receiptStatus(rc),
      event: 'allocate',
      to: receiptStatus(after),
    });
  }
  // Invoices: settled amounts, freed exposure, open items, and the orders' paid shares.
  const accounts = new Set<string>();
  for (const inv of new Map(invoices.map((v) => [v.id, v])).values()) {
    const amount = askedI.get(inv.id) as Money;
    const after: Invoice = { ...inv, settled: inv.settled.add(amount) };
    // A concurrent settlement of the same invoice makes this (queued) save conflict, and the
    // exposure freed below is rolled back with it: never freed twice.
    await uow.save(SALES_KINDS.invoice, after);
    if (inv.credit !== null) {
      await syncExposureUnchecked(uow, inv.credit, invoiceBuckets(inv), invoiceBuckets(after), {
        kind: 'settlement',
        id: settlementId,
      });
      const freed = invoiceBuckets(inv).receivables.minus(invoiceBuckets(after).receivables);
      if (freed.greaterThan(0)) {
        await settleOpenItems(uow, inv.id, freed);
        accounts.add(inv.credit.accountId);
      }
    }
    uow.transitioned(SALES_KINDS.invoice, inv, {
      from: invoiceStatus(inv),
      event: 'allocate',
      to: invoiceStatus(after),
    });
    const paidOrders = await payOrders(uow, inv, amount);
    if (!paidOrders.ok) return paidOrders;
  }
  // Orders held for credit that the freed exposure lets through are released first: releasing
  // takes their credit accounts and stock, and every command takes its hot rows before its
  // number series (so none waits for another's).
  const released: string[] = [];
  if (options.releaseHolds !== false)
    for (const a of accounts) for (const o of await autoReleaseHolds(uow, a)) released.push(o.id);
  // The write-offs, numbered now that this settlement holds its credit accounts and open items.
  await uow.reserveNumbers([...drafts.map(() => 'WO'), 'V']); // one round trip
  const writeOffs: WriteOff[] = [];
  for (const { id, ...w } of drafts) {
    const wo: WriteOff = { id, tenantId: uow.tenantId, number: await uow.nextNumber('WO'), ...w };
    writeOffs.push(wo);
    await uow.create(SALES_KINDS.writeOff, wo);
  }
  // One voucher for the settlement.
  const postings = [];
  for (const w of writeOffs) {
    postings.push(
      w.kind === 'allocation'
        ? {
            account: uow.accounts.advances,
            debit: w.amount,
            partyId: (receipts.find((r) => r.id === w.receiptId) as Receipt).payerId,
          }
        : { account: uow.accounts.settlementDifferences, debit: w.amount },
      { account: uow.accounts.receivable, credit: w.amount, partyId: w.partyId },
    );
  }
  await uow.postVoucher(
    'settlement',
    settlementId,
    `settlement ${writeOffs.map((w) => w.number).join(', ')}`,
    postings,
  );
  return ok<Settlement>({ id: settlementId, writeOffs, released });
}

/**
 * Adds each order's share of `amount` paid on an invoice (`inv` as it was before the
 * settlement). Shares are differences of cumulative splits of the invoice's settled total by the
 * orders' gross on it (`shareOf`): what was settled after this settlement, less what was settled
 * before. So the parts add up to `amount`, and an invoice settled in full has paid each order
 * exactly its gross on it, however many settlements it took (independent splits would let the
 * rounding cents drift to one order and leave another short for good).
 */
async function payOrders(uow: UnitOfWork, inv: Invoice, amount: Money) {
  const ids = inv.orderIds;
  const weights = ids.map(
    (id) =>
      Money.sum(
        inv.lines.filter((l) => l.orderId === id).map((l) => l.gross),
        inv.currency,
      ).amount,
  );
  const whole = weights.reduce((a, w) => a.plus(w), new Dec(0));
  const upTo = inv.settled.add(amount);
  let before = new Dec(0);
  const parts = weights.map((w) => {
    const part = whole.isZero()
      ? amount
      : shareOf(upTo, whole, before, w).subtract(shareOf(inv.settled, whole, before, w));
    before = before.plus(w);
    return part;
  });
  for (const [k, id] of ids.entries()) {
    const o = await uow.require<SalesOrder>(SALES_KINDS.order, id, 'invoiceId');
    if (!o.ok) return o;
    await uow.save(SALES_KINDS.order, {
      ...o.value,
      paid: o.value.paid.add(parts[k] as Money),
    });
  }
  return ok(true);
}

/** Writes off (核销) part or all of one receipt against one invoice — a settlement of one pair. */
export async function writeOff(uow: UnitOfWork, input: z.output<typeof writeOffInput>) {
  const r = await settle(uow, {
    receipts: [{ receiptId: input.receiptId, amount: input.amount }],
    invoices: [{ invoiceId: input.invoiceId, amount: input.amount }],
  });
  if (!r.ok) {
    // Name the single-pair input's fields.
    const e = r.error as { field?: string };
    if (typeof e.field === 'string') {
      const field = e.field
        .replace(/^receipts\.0\.receiptId$/, 'receiptId')
        .replace(/^invoices\.0\.invoiceId$/, 'invoiceId')
        .replace(/^(receipts|invoices)\.0\.amount/, 'amount');
      return err({
        ...r.error,
        field,
        message: r.error.message.replace(e.field, field),
      } as typeof r.error);
    }
    return r;
  }
  const w = r.value.writeOffs[0];
  if (!w) throw new TradecoreBug('SETTLEMENT_EMPTY', 'a one-pair settlement wrote nothing off');
  return ok(w);
}

/** Refunds part of a receipt's unallocated money (an overpayment or a credit note's balance): Dr advances / Cr bank. */
export async function refundReceipt(uow: UnitOfWork, input: z.output<typeof refundInput>) {
  const r = await uow.require<Receipt>(SALES_KINDS.receipt, input.receiptId, 'receiptId');
  if (!r.ok) return r;
  const rc = r.value;
  if (input.amount.currency.code !== rc.amount.currency.code) {
    return err<CurrencyMismatchError>({
      code: 'CURRENCY_MISMATCH',
      message: `amount.currency: ${input.amount.currency.code} does not match the receipt's ${rc.amount.currency.code}`,
      expected: rc.amount.currency.code,
      actual: input.amount.currency.code,
      field: 'amount.currency',
    });
  }
  const open = receiptUnallocated(rc);
  if (input.amount.greaterThan(open)) {
    return err<OverRefundError>({
      code: 'OVER_REFUND',
      message: `amount: ${input.amount} exceeds receipt ${rc.number}'s unallocated ${open}`,
      field: 'amount',
      requested: input.amount,
      unallocated: open,
    });
  }
  const refundId = uow.newId('refund');
  const after: Receipt = {
    ...rc,
    refunded: rc.refunded.add(input.amount),
    refunds: [
      ...rc.refunds,
      { refundId, amount: input.amount, reference: input.reference, at: uow.now },
    ],
  };
  await uow.save(SALES_KINDS.receipt, after);
  await uow.postVoucher('refund', refundId, `refund of ${rc.number} ${input.reference}`.trim(), [
    { account: uow.accounts.advances, debit: input.amount, partyId: rc.payerId },
    { account: uow.accounts.bank, credit: input.amount },
  ]);
  return ok(after);
}
