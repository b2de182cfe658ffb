/**
 * Business outcomes of the order-to-cash slice, each with a stable code and the figures behind it.
 *
 * @module
 */
import type { Money } from '../money/money';
import type { Quantity } from '../money/quantity';

/** Not enough available stock for a line; nothing was reserved. */
export interface InsufficientStockError {
  readonly code: 'INSUFFICIENT_STOCK';
  readonly message: string;
  readonly lineNo: number;
  readonly productId: string;
  readonly warehouseId: string;
  readonly requested: Quantity;
  readonly available: Quantity;
}

/** Allocating more than the receipt has unallocated or the invoice has open. */
export interface OverAllocationError {
  readonly code: 'OVER_ALLOCATION';
  readonly message: string;
  readonly field: string;
  readonly requested: Money;
  readonly receiptUnallocated: Money;
  readonly invoiceResidual: Money;
}

/** A receipt's payer is not the invoice's bill-to party. */
export interface PartyMismatchError {
  readonly code: 'PARTY_MISMATCH';
  readonly message: string;
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
}

/** Delivering more than is left to deliver (beyond the configured over-delivery tolerance). */
export interface OverDeliveryError {
  readonly code: 'OVER_DELIVERY';
  readonly message: string;
  readonly field: string;
  readonly lineNo: number;
  readonly requested: Quantity;
  /** Still to deliver on the line. */
  readonly remaining: Quantity;
  /** The most that may be delivered now (remaining plus the tolerance). */
  readonly allowed: Quantity;
}

/** Invoicing more than the invoice policy allows (by delivery: delivered − invoiced). */
export interface InvoiceExceedsBillableError {
  readonly code: 'INVOICE_EXCEEDS_BILLABLE';
  readonly message: string;
  readonly field: string;
  readonly orderId: string;
  readonly lineNo: number;
  readonly requested: Quantity;
  readonly billable: Quantity;
  readonly policy: 'delivery' | 'order';
}

/** Nothing is billable on the orders or deliveries given. */
export interface NothingToInvoiceError {
  readonly code: 'NOTHING_TO_INVOICE';
  readonly message: string;
  readonly field: string;
}

/** Returning more than was delivered (and not yet returned) on a delivery line. */
export interface ReturnExceedsDeliveredError {
  readonly code: 'RETURN_EXCEEDS_DELIVERED';
  readonly message: string;
  readonly field: string;
  readonly deliveryLineNo: number;
  readonly requested: Quantity;
  readonly returnable: Quantity;
}

/** Crediting more than an invoice line billed (less what was credited already). */
export interface CreditExceedsInvoicedError {
  readonly code: 'CREDIT_EXCEEDS_INVOICED';
  readonly message: string;
  readonly field: string;
  readonly invoiceLineNo: number;
  readonly requested: Quantity;
  readonly creditable: Quantity;
}

/**
 * Crediting by amount more than may be credited: on an installment invoice, its gross less the
 * credit notes by amount against it (`basis: 'invoice'`); for a return on a plan order, the
 * return's `planCredit` less what was credited for it (`basis: 'return'`).
 */
export interface CreditExceedsAmountError {
  readonly code: 'CREDIT_EXCEEDS_AMOUNT';
  readonly message: string;
  readonly field: string;
  readonly basis: 'invoice' | 'return';
  readonly requested: Money;
  readonly creditable: Money;
}

/** A settlement whose receipts plus difference do not add up to what it applies to invoices. */
export interface SettlementUnbalancedError {
  readonly code: 'SETTLEMENT_UNBALANCED';
  readonly message: string;
  readonly field: string;
  readonly receipts: Money;
  readonly invoices: Money;
  readonly difference: Money;
}

/** A difference larger than the sales policy lets be written off. */
export interface DifferenceTooLargeError {
  readonly code: 'DIFFERENCE_TOO_LARGE';
  readonly message: string;
  readonly field: string;
  readonly requested: Money;
  readonly limit: Money;
}

/** Refunding more than a receipt has unallocated. */
export interface OverRefundError {
  readonly code: 'OVER_REFUND';
  readonly message: string;
  readonly field: string;
  readonly requested: Money;
  readonly unallocated: Money;
}

/** Cancelling an order with deliveries or invoices (close it instead, or return and credit). */
export interface OrderHasActivityError {
  readonly code: 'ORDER_HAS_ACTIVITY';
  readonly message: string;
  readonly field: string;
  readonly orderId: string;
}

/** Confirming an order whose configured review steps have not all passed. */
export interface ReviewPendingError {
  readonly code: 'REVIEW_PENDING';
  readonly message: string;
  readonly field: string;
  /** Steps not passed yet. */
  readonly pending: readonly string[];
}

/** Confirming an order the approval policy says needs an approval it does not have. */
export interface ApprovalRequiredError {
  readonly code: 'APPROVAL_REQUIRED';
  readonly message: string;
  readonly field: string;
  /** Who may approve. */
  readonly approvers: readonly string[];
  /** Why the policy asks for it. */
  readonly reason: string;
}

/** An integrator's guard vetoed a transition. */
export interface TransitionVetoedError {
  readonly code: 'TRANSITION_VETOED';
  readonly message: string;
  readonly kind: string;
  readonly id: string;
  readonly from: string;
  readonly event: string;
  readonly to: string;
  /** The guard's reason. */
  readonly reason: string;
}

/** Amending a line below what was already delivered or invoiced. */
export interface QuantityBelowFulfilledError {
  readonly code: 'QUANTITY_BELOW_FULFILLED';
  readonly message: string;
  readonly field: string;
  readonly lineNo: number;
  readonly requested: Quantity;
  /** The least the line may be: max(delivered, invoiced − credited). */
  readonly minimum: Quantity;
}

/** Lines of one delivery must go to one ship-to party. */
export interface ShipToMismatchError {
  readonly code: 'SHIP_TO_MISMATCH';
  readonly message: string;
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
}
