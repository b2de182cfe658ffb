/**
 * Cash use cases of the first slice: record a receipt (held as an advance, 预收) and write it
 * off (核销) against an invoice.
 *
 * @module
 */
import type { z } from 'zod';
import type { CustomerId, InvoiceId, ReceiptId } from '../kernel/brand';
import { type CurrencyMismatchError, TradecoreBug } from '../kernel/errors';
import { transition } from '../kernel/machine';
import { err, ok } from '../kernel/result';
import { type Customer, MASTERDATA_KINDS } from '../masterdata/types';
import { Money } from '../money/money';
import {
  type Invoice,
  type Receipt,
  SALES_KINDS,
  type SalesOrder,
  type WriteOff,
} from '../sales/documents';
import type { OverAllocationError, PartyMismatchError } from '../sales/errors';
import { invoiceMachine, receiptMachine } from '../sales/machines';
import { transitionOrder } from '../sales/order';
import { applyCreditStep, loadCreditPolicy } from './credit';
import { autoReleaseHolds } from './orders';
import type { recordReceiptInput, writeOffInput } from './schemas';
import type { UnitOfWork } from './unit-of-work';

/** Records money received from a customer: Dr bank / Cr advances (the payer). */
export async function recordReceipt(uow: UnitOfWork, input: z.output<typeof recordReceiptInput>) {
  const c = await uow.require<Customer>(MASTERDATA_KINDS.customer, input.payerId, 'payerId');
  if (!c.ok) return c;
  const recorded = transition(receiptMachine, 'draft', 'record');
  if (!recorded.ok) return recorded;
  const id = uow.newId(SALES_KINDS.receipt) as ReceiptId;
  const receipt: Receipt = {
    id,
    tenantId: uow.tenantId,
    number: await uow.nextNumber('RC'),
    status: recorded.value.to,
    payerId: input.payerId as CustomerId,
    amount: input.amount,
    allocated: Money.zero(input.amount.currency),
    unallocated: input.amount,
    allocations: [],
    receivedAt: uow.now,
    reference: input.reference,
  };
  const created = await uow.create(SALES_KINDS.receipt, receipt);
  if (!created.ok) return created;
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
    from: 'draft',
    event: 'record',
    to: receipt.status,
  });
  return ok(receipt);
}

/**
 * Writes off (核销) part or all of a receipt against an invoice of the same party: Dr advances /
 * Cr receivable, frees the same amount of credit exposure, and completes the order when its
 * invoice is fully paid. Both documents are saved with their versions, so two concurrent
 * write-offs can never apply the same money twice.
 */
export async function writeOff(uow: UnitOfWork, input: z.output<typeof writeOffInput>) {
  const r = await uow.require<Receipt>(SALES_KINDS.receipt, input.receiptId, 'receiptId');
  if (!r.ok) return r;
  const i = await uow.require<Invoice>(SALES_KINDS.invoice, input.invoiceId, 'invoiceId');
  if (!i.ok) return i;
  const receipt = r.value;
  const invoice = i.value;
  if (receipt.payerId !== invoice.billToId) {
    return err<PartyMismatchError>({
      code: 'PARTY_MISMATCH',
      message: `receiptId: receipt ${receipt.number} was paid by ${receipt.payerId}, invoice ${invoice.number} is billed to ${invoice.billToId}`,
      field: 'receiptId',
      expected: invoice.billToId,
      actual: receipt.payerId,
    });
  }
  for (const [field, m] of [
    ['amount.currency', receipt.amount],
    ['invoiceId', invoice.gross],
  ] as const) {
    if (m.currency.code !== input.amount.currency.code) {
      return err<CurrencyMismatchError>({
        code: 'CURRENCY_MISMATCH',
        message: `${field}: ${input.amount.currency.code} does not match ${m.currency.code}`,
        expected: m.currency.code,
        actual: input.amount.currency.code,
        field,
      });
    }
  }
  if (input.amount.greaterThan(receipt.unallocated) || input.amount.greaterThan(invoice.residual)) {
    return err<OverAllocationError>({
      code: 'OVER_ALLOCATION',
      message: `amount: ${input.amount} exceeds the receipt's unallocated ${receipt.unallocated} or the invoice's residual ${invoice.residual}`,
      field: 'amount',
      requested: input.amount,
      receiptUnallocated: receipt.unallocated,
      invoiceResidual: invoice.residual,
    });
  }
  const id = uow.newId(SALES_KINDS.writeOff);
  const unallocated = receipt.unallocated.subtract(input.amount);
  const residual = invoice.residual.subtract(input.amount);
  const rt = transition(
    receiptMachine,
    receipt.status,
    unallocated.isZero() ? 'allocate_full' : 'allocate_partial',
  );
  if (!rt.ok) return rt;
  const it = transition(
    invoiceMachine,
    invoice.status,
    residual.isZero() ? 'allocate_full' : 'allocate_partial',
  );
  if (!it.ok) return it;
  const wo: WriteOff = {
    id,
    tenantId: uow.tenantId,
    number: await uow.nextNumber('WO'),
    receiptId: receipt.id,
    invoiceId: invoice.id as InvoiceId,
    partyId: invoice.billToId,
    amount: input.amount,
    postedAt: uow.now,
  };
  const created = await uow.create(SALES_KINDS.writeOff, wo);
  if (!created.ok) return created;
  const savedR = await uow.save(SALES_KINDS.receipt, {
    ...receipt,
    status: rt.value.to,
    allocated: receipt.allocated.add(input.amount),
    unallocated,
    allocations: [
      ...receipt.allocations,
      { writeOffId: id, invoiceId: invoice.id, amount: input.amount },
    ],
  });
  if (!savedR.ok) return savedR;
  const savedI = await uow.save(SALES_KINDS.invoice, {
    ...invoice,
    status: it.value.to,
    settled: invoice.settled.add(input.amount),
    residual,
  });
  if (!savedI.ok) return savedI;
  await uow.postVoucher(
    SALES_KINDS.writeOff,
    id,
    `write-off ${wo.number}: ${receipt.number} → ${invoice.number}`,
    [
      { account: uow.accounts.advances, debit: input.amount, partyId: invoice.billToId },
      { account: uow.accounts.receivable, credit: input.amount, partyId: invoice.billToId },
    ],
  );
  uow.transitioned(SALES_KINDS.receipt, receipt, rt.value);
  uow.transitioned(SALES_KINDS.invoice, invoice, it.value);
  const o = await uow.require<SalesOrder>(SALES_KINDS.order, invoice.orderId, 'invoiceId');
  if (!o.ok) return o;
  const order = o.value;
  const freed = await freeReceivable(uow, order, invoice, input.amount, residual, id);
  const outstanding = (order.creditOutstanding as Money).subtract(freed);
  const patch = {
    creditOutstanding: outstanding,
    creditBucket: outstanding.isZero() ? null : order.creditBucket,
  };
  if (residual.isZero()) {
    const ot = transitionOrder(order, 'settle', patch);
    if (!ot.ok) return ot;
    const savedO = await uow.save(SALES_KINDS.order, ot.value.doc);
    if (!savedO.ok) return savedO;
    uow.emit('document.transitioned', ot.value.event);
  } else {
    const savedO = await uow.save(SALES_KINDS.order, { ...order, ...patch });
    if (!savedO.ok) return savedO;
  }
  if (order.creditAccountId !== null && !freed.isZero())
    await autoReleaseHolds(uow, order.creditAccountId);
  return ok(wo);
}

/**
 * Frees the credit exposure a write-off pays: the same amount in the credit currency (or, for
 * an invoice in another currency, the matching share of the order's converted exposure — all of
 * what is left once the invoice is paid), settling the invoice's open items earliest due first.
 * Returns the amount freed, in the credit currency.
 */
async function freeReceivable(
  uow: UnitOfWork,
  order: SalesOrder,
  invoice: Invoice,
  paid: Money,
  residualAfter: Money,
  writeOffId: string,
): Promise<Money> {
  if (
    order.creditAccountId === null ||
    order.creditOutstanding === null ||
    order.creditBucket !== 'receivables'
  ) {
    return Money.zero(paid.currency);
  }
  const outstanding = order.creditOutstanding;
  const freed = residualAfter.isZero()
    ? outstanding
    : outstanding.currency.code === paid.currency.code
      ? paid
      : outstanding.multiply(paid.amount.dividedBy(invoice.residual.amount)).round('half-up');
  let left = freed.amount;
  for (const item of await uow.tx.credit.openItemsOf(SALES_KINDS.invoice, invoice.id)) {
    if (!left.greaterThan(0)) break;
    const take = left.lessThan(item.residual) ? left : item.residual;
    if (!(await uow.tx.credit.settleOpenItem(item.itemId, take))) {
      throw new TradecoreBug('OPEN_ITEM_SHORT', `open item ${item.itemId} holds less than ${take}`);
    }
    left = left.minus(take);
  }
  const policy = await loadCreditPolicy(uow);
  const step = await applyCreditStep(
    uow,
    {
      accountId: order.creditAccountId,
      amount: freed,
      from: 'receivables',
      to: null,
      checkpoint: null,
    },
    policy,
  );
  if (!step.ok)
    throw new TradecoreBug(
      'CREDIT_STATE',
      `freeing ${freed} on ${order.creditAccountId} failed: ${step.error.message}`,
    );
  uow.emit('credit.changed', {
    accountId: order.creditAccountId,
    from: 'receivables',
    to: null,
    amount: freed,
    sourceKind: SALES_KINDS.writeOff,
    sourceId: writeOffId,
  });
  return freed;
}
