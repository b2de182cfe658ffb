/**
 * The order-to-cash documents of the first slice.
 *
 * @module
 */

import type { CreditDecision } from '../credit/decision';
import type {
  CustomerId,
  DeliveryId,
  InvoiceId,
  PriceListId,
  ProductId,
  ReceiptId,
  SalesOrderId,
  ShipToId,
  TenantId,
  WarehouseId,
} from '../kernel/brand';
import type { Dec } from '../money/decimal';
import type { Money } from '../money/money';
import type { Quantity } from '../money/quantity';
import type { CreditBucket } from '../ports/store';
import type { PriceTrace } from '../pricing/trace';
import type { DeliveryStatus, InvoiceStatus, OrderStatus, ReceiptStatus } from './machines';

/** Tax rounding: per line, or once per document and tax rate. */
export type TaxRounding = 'line' | 'document';

/** One line of a sales order. Price and amounts are locked when the line is priced. */
export interface SalesOrderLine {
  /** 1-based line number. */
  readonly lineNo: number;
  /** Product. */
  readonly productId: ProductId;
  /** Ordered quantity in the line's unit. */
  readonly quantity: Quantity;
  /** The same quantity in the product's stock unit. */
  readonly stockQuantity: Quantity;
  /** Price per line unit. */
  readonly unitPrice: Money;
  /** VAT rate. */
  readonly taxRate: Dec;
  /** Net amount. */
  readonly net: Money;
  /** VAT. */
  readonly tax: Money;
  /** Gross amount (net + tax). */
  readonly gross: Money;
  /**
   * Where the price came from: the compact trace the pricing engine stored with the locked
   * price (list, rules applied, steps, floor, cost and margin at pricing time).
   */
  readonly priceSource: PriceTrace;
}

/** A sales order. */
export interface SalesOrder {
  /** Id. */
  readonly id: SalesOrderId;
  /** Owning tenant. */
  readonly tenantId: TenantId;
  /** Document number. */
  readonly number: string;
  /** State. */
  readonly status: OrderStatus;
  /** Sold-to customer. */
  readonly customerId: CustomerId;
  /** Invoiced party. */
  readonly billToId: CustomerId;
  /** Ship-to party of the customer. */
  readonly shipToId: ShipToId;
  /** Issuing warehouse. */
  readonly warehouseId: WarehouseId;
  /** Price list used. */
  readonly priceListId: PriceListId;
  /** ISO 4217 code. */
  readonly currency: string;
  /** Whether unit prices include VAT. */
  readonly priceIncludesTax: boolean;
  /** Tax rounding policy. */
  readonly taxRounding: TaxRounding;
  /** Lines. */
  readonly lines: readonly SalesOrderLine[];
  /** Σ net. */
  readonly net: Money;
  /** Σ VAT. */
  readonly tax: Money;
  /** Σ gross. */
  readonly gross: Money;
  /** The credit account the order's exposure sits on (its bill-to party); set at confirmation. */
  readonly creditAccountId: string | null;
  /** The order's exposure in the credit account's currency, converted once, at confirmation. */
  readonly creditAmount: Money | null;
  /** The bucket that exposure sits in now (`null`: none — draft, held, cancelled or paid). */
  readonly creditBucket: CreditBucket | null;
  /** The part of `creditAmount` still in `creditBucket` (write-offs free it step by step). */
  readonly creditOutstanding: Money | null;
  /** The last credit decision taken for the order (see `explainCredit`). */
  readonly creditDecision: CreditDecision | null;
  /** Credit holds and their releases, oldest first. */
  readonly creditHolds: readonly CreditHold[];
  /** When it was drafted. */
  readonly createdAt: string;
  /** Deliveries made. */
  readonly deliveryIds: readonly DeliveryId[];
  /** Invoices issued. */
  readonly invoiceIds: readonly InvoiceId[];
}

/** A credit hold on an order and how it ended. */
export interface CreditHold {
  /** When the order was held. */
  readonly heldAt: string;
  /** The blocking decision. */
  readonly decision: CreditDecision;
  /** When it was released (or `null` while held). */
  readonly releasedAt: string | null;
  /** Who released it (`system` for an automatic release after a receipt). */
  readonly releasedBy: string | null;
  /** Why. */
  readonly reason: string | null;
}

/** One line of a delivery, in the stock unit, at the cost the cost source gave. */
export interface DeliveryLine {
  /** The order line. */
  readonly lineNo: number;
  /** Product. */
  readonly productId: ProductId;
  /** Quantity issued, in the stock unit. */
  readonly quantity: Quantity;
  /** Cost per stock unit. */
  readonly unitCost: Money;
  /** Line cost. */
  readonly cost: Money;
}

/** A delivery (outbound shipment). */
export interface Delivery {
  /** Id. */
  readonly id: DeliveryId;
  /** Owning tenant. */
  readonly tenantId: TenantId;
  /** Number. */
  readonly number: string;
  /** State. */
  readonly status: DeliveryStatus;
  /** Order delivered. */
  readonly orderId: SalesOrderId;
  /** Sold-to customer. */
  readonly customerId: CustomerId;
  /** Ship-to party. */
  readonly shipToId: ShipToId;
  /** Warehouse issued from. */
  readonly warehouseId: WarehouseId;
  /** Lines. */
  readonly lines: readonly DeliveryLine[];
  /** Σ cost. */
  readonly totalCost: Money;
  /** When it was posted. */
  readonly postedAt: string;
}

/** One invoice line (copied from the order line it bills). */
export interface InvoiceLine {
  /** Order line. */
  readonly lineNo: number;
  /** Product. */
  readonly productId: ProductId;
  /** Quantity billed (line unit). */
  readonly quantity: Quantity;
  /** Unit price. */
  readonly unitPrice: Money;
  /** Net. */
  readonly net: Money;
  /** VAT. */
  readonly tax: Money;
  /** Gross. */
  readonly gross: Money;
}

/** An invoice to the bill-to party. */
export interface Invoice {
  /** Id. */
  readonly id: InvoiceId;
  /** Owning tenant. */
  readonly tenantId: TenantId;
  /** Number. */
  readonly number: string;
  /** State. */
  readonly status: InvoiceStatus;
  /** Order billed. */
  readonly orderId: SalesOrderId;
  /** Deliveries billed. */
  readonly deliveryIds: readonly DeliveryId[];
  /** Sold-to customer. */
  readonly customerId: CustomerId;
  /** Invoiced party (receivable owner). */
  readonly billToId: CustomerId;
  /** ISO 4217 code. */
  readonly currency: string;
  /** Lines. */
  readonly lines: readonly InvoiceLine[];
  /** Σ net. */
  readonly net: Money;
  /** Σ VAT. */
  readonly tax: Money;
  /** Σ gross — the receivable. */
  readonly gross: Money;
  /** Written off against receipts so far. */
  readonly settled: Money;
  /** gross − settled. */
  readonly residual: Money;
  /** When it was issued. */
  readonly issuedAt: string;
  /** Due dates and amounts (installments, 分期), earliest first. */
  readonly schedule: readonly { readonly dueDate: string; readonly amount: Money }[];
}

/** One allocation of a receipt to an invoice. */
export interface ReceiptAllocation {
  /** Write-off document. */
  readonly writeOffId: string;
  /** Invoice. */
  readonly invoiceId: InvoiceId;
  /** Amount. */
  readonly amount: Money;
}

/** A receipt (incoming payment), first held as an advance, then written off against invoices. */
export interface Receipt {
  /** Id. */
  readonly id: ReceiptId;
  /** Owning tenant. */
  readonly tenantId: TenantId;
  /** Number. */
  readonly number: string;
  /** State. */
  readonly status: ReceiptStatus;
  /** Paying customer. */
  readonly payerId: CustomerId;
  /** Amount received. */
  readonly amount: Money;
  /** Σ allocations. */
  readonly allocated: Money;
  /** amount − allocated. */
  readonly unallocated: Money;
  /** Allocations. */
  readonly allocations: readonly ReceiptAllocation[];
  /** When it was received. */
  readonly receivedAt: string;
  /** Bank reference. */
  readonly reference: string;
}

/** A write-off (核销) of a receipt against an invoice. */
export interface WriteOff {
  /** Id. */
  readonly id: string;
  /** Owning tenant. */
  readonly tenantId: TenantId;
  /** Number. */
  readonly number: string;
  /** Receipt. */
  readonly receiptId: ReceiptId;
  /** Invoice. */
  readonly invoiceId: InvoiceId;
  /** The receivable's owner. */
  readonly partyId: CustomerId;
  /** Amount. */
  readonly amount: Money;
  /** When. */
  readonly postedAt: string;
}

/** Store kinds of the sales documents. */
export const SALES_KINDS = {
  order: 'sales-order',
  delivery: 'delivery',
  invoice: 'invoice',
  receipt: 'receipt',
  writeOff: 'write-off',
} as const;
