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
