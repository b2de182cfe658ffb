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

/** Confirming would take exposure above the credit limit; nothing was reserved. */
export interface CreditLimitExceededError {
  readonly code: 'CREDIT_LIMIT_EXCEEDED';
  readonly message: string;
  readonly customerId: string;
  readonly limit: Money;
  readonly exposure: Money;
  readonly requested: Money;
  /** exposure + requested − limit. */
  readonly exceededBy: Money;
}

/** The bill-to party has no credit account, so no credit can be granted. */
export interface CreditAccountMissingError {
  readonly code: 'CREDIT_ACCOUNT_MISSING';
  readonly message: string;
  readonly customerId: string;
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
