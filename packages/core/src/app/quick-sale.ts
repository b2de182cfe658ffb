/**
 * Quick sale (销售开单): a counter sale — order, delivery, invoice and (optionally) the money
 * taken — in one atomic command: all of it happens, or none.
 *
 * @module
 */
import type { z } from 'zod';
import { err, ok } from '../kernel/result';
import { Money } from '../money/money';
import type { Delivery, Invoice, Receipt, SalesOrder } from '../sales/documents';
import { invoiceResidual } from '../sales/ledger';
import { invoiceOrders } from './billing';
import { recordReceipt, settle } from './cash';
import { deliverSalesOrder } from './fulfilment';
import { POLICY_REFS } from './order-flow';
import { confirmSalesOrder, draftSalesOrder, type OrderDeps, type OrderSettings } from './orders';
import type { PricingRuntime } from './pricing-runtime';
import type { quickSaleInput } from './schemas';
import type { UnitOfWork } from './unit-of-work';

/** What a quick sale produced. */
export interface QuickSale {
  /** The order (confirmed, delivered and invoiced). */
  readonly order: SalesOrder;
  /** The delivery. */
  readonly delivery: Delivery;
  /** The invoice. */
  readonly invoice: Invoice;
  /** The receipt, if money was taken. */
  readonly receipt: Receipt | null;
}

/**
 * Runs draft → confirm → deliver → invoice (→ receipt → settlement) in the command's one
 * transaction. A sale that credit would hold is refused (a counter sale is not left waiting);
 * money beyond the invoice stays with the customer as a credit balance.
 */
export async function quickSale(
  uow: UnitOfWork,
  input: z.output<typeof quickSaleInput>,
  settings: OrderSettings & { readonly pricing: PricingRuntime },
  deps: OrderDeps,
) {
  // What confirmation reads (the policies), with the draft's read-ahead: one store call, not
  // two. (Not the list of held orders: settlement reads it once it holds the credit accounts.)
  uow.readAheadWithNext(POLICY_REFS);
  const drafted = await draftSalesOrder(
    uow,
    {
      customerId: input.customerId,
      shipToId: input.shipToId,
      warehouseId: input.warehouseId,
      priceListId: input.priceListId,
      taxRounding: input.taxRounding,
      lines: input.lines,
    },
    settings,
  );
  if (!drafted.ok) return drafted;
  const confirmed = await confirmSalesOrder(uow, { orderId: drafted.value.id }, deps);
  if (!confirmed.ok) return confirmed;
  if (confirmed.value.state !== 'confirmed') {
    const d = confirmed.value.creditDecision;
    return err({
      code: 'CREDIT_LIMIT_EXCEEDED' as const,
      message: `customerId: the sale would be held for credit${d ? ` (${d.reasons.map((r) => r.code).join(', ')})` : ''}; take payment first or release credit`,
      field: 'customerId',
      decision: d,
    });
  }
  // The numbers the rest of the sale draws, in one round trip (any left unused are given back
  // at commit). Taken once confirmation holds the sale's credit and stock rows, as a delivery
  // takes its numbers after those rows: number series are always locked after them.
  await uow.reserveNumbers(
    input.payment ? ['DN', 'V', 'INV', 'V', 'RC', 'V', 'WO', 'V'] : ['DN', 'V', 'INV', 'V'],
  );
  const delivery = await deliverSalesOrder(uow, { orderId: drafted.value.id }, settings.pricing);
  if (!delivery.ok) return delivery;
  const invoice = await invoiceOrders(uow, { orderIds: [drafted.value.id] });
  if (!invoice.ok) return invoice;
  let receipt: Receipt | null = null;
  if (input.payment) {
    const r = await recordReceipt(uow, {
      payerId: invoice.value.billToId,
      amount: input.payment.amount,
      reference: input.payment.reference,
      orderId: drafted.value.id,
    });
    if (!r.ok) return r;
    const amount = Money.min(input.payment.amount, invoiceResidual(invoice.value));
    // No held orders are released here: the sale frees no exposure it did not take itself
    // (paid in full, the customer's exposure is back where it was), and releasing them would
    // take their credit and stock after the numbers this sale holds (see docs/o2c.md).
    const s = await settle(
      uow,
      {
        receipts: [{ receiptId: r.value.id, amount }],
        invoices: [{ invoiceId: invoice.value.id, amount }],
      },
      { releaseHolds: false },
    );
    if (!s.ok) return s;
    receipt = (await uow.load<Receipt>('receipt', r.value.id)) ?? r.value;
  }
  const order = (await uow.load<SalesOrder>('sales-order', drafted.value.id)) as SalesOrder;
  const inv = (await uow.load<Invoice>('invoice', invoice.value.id)) as Invoice;
  return ok<QuickSale>({ order, delivery: delivery.value, invoice: inv, receipt });
}
