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
import type { PriceTrace } from '../pricing/trace';

/** Tax rounding: per line, or once per document and tax rate. */
export type TaxRounding = 'line' | 'document';

/** The priced part of an order line, as the pricing engine returns it. */
export interface PricedLine {
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

/**
 * One line of a sales order: its price, where it ships from and to, and its quantity ledger
 * (line unit). Reserved, open and uninvoiced quantities and the line's exposure are derived
 * (see `lineLedger`).
 */
export interface SalesOrderLine extends PricedLine {
  /** Warehouse the line reserves and ships from (deliveries may ship from another). */
  readonly warehouseId: WarehouseId;
  /** Ship-to party of the line (a distributor's terminal customer). */
  readonly shipToId: ShipToId;
  /** Delivered so far. */
  readonly delivered: Dec;
  /** Returned so far. */
  readonly returned: Dec;
  /** Invoiced so far. */
  readonly invoiced: Dec;
  /** Credited so far by credit notes. */
  readonly credited: Dec;
  /**
   * Gross billed on this line by settlement-plan installments (their invoice lines' parts).
   * Absent when none, and on lines of orders billed before it was kept.
   */
  readonly planBilled?: Money;
  /**
   * Of `planBilled`, the gross of returned goods, to credit by amount; installments billed for
   * kept goods are `planBilled` less this (`lineBilledForKept`; Σ over lines: `billedForKept`).
   * Absent when none.
   */
  readonly planCredit?: Money;
}

/** How an order's or invoice's exposure is carried on a credit account. */
export interface CreditLink {
  /** The credit account (the bill-to party). */
  readonly accountId: string;
  /** Its currency. */
  readonly currency: string;
  /** Its currency's minor units. */
  readonly minorUnits: number;
  /** Credit-currency units per document-currency unit, fixed at confirmation (1 if the same). */
  readonly rate: Dec;
}

/** A review step taken on an order before confirmation (e.g. drawing review 图审, price review 审价). */
export interface OrderReview {
  /** The step, as configured in the sales policy. */
  readonly step: string;
  /** Reviewer. */
  readonly reviewerId: string;
  /** Passed or not. */
  readonly approved: boolean;
  /** Note. */
  readonly note: string;
  /** When. */
  readonly at: string;
}

/** An approval of an order by an approver the approval policy named. */
export interface OrderApproval {
  /** Approver. */
  readonly approverId: string;
  /** Note. */
  readonly note: string;
  /** The order revision approved. */
  readonly revision: number;
  /** When. */
  readonly at: string;
}

/** Custom fields: integrators' own data on a document, validated as JSON primitives. */
export type CustomFields = Readonly<Record<string, string | number | boolean | null>>;

/** A sales order (or contract). */
export interface SalesOrder {
  /** Id. */
  readonly id: SalesOrderId;
  /** Owning tenant. */
  readonly tenantId: TenantId;
  /** Document number. */
  readonly number: string;
  /**
   * Workflow state (`draft`, `credit_hold`, `confirmed`, `closed`, `cancelled`, or an
   * integrator's own): decided by people and policies. Where the order stands in delivery,
   * billing and payment is derived — see `orderStatus`.
   */
  readonly state: string;
  /** Revision: 1 when drafted, +1 per amendment (改补单); earlier revisions are kept. */
  readonly revision: number;
  /** Sold-to customer. */
  readonly customerId: CustomerId;
  /** Invoiced party (the customer's bill-to, e.g. its head office). */
  readonly billToId: CustomerId;
  /** Default ship-to party. */
  readonly shipToId: ShipToId;
  /** Default warehouse. */
  readonly warehouseId: WarehouseId;
  /** Price list used. */
  readonly priceListId: PriceListId;
  /** ISO 4217 code. */
  readonly currency: string;
  /** Whether unit prices include VAT. */
  readonly priceIncludesTax: boolean;
  /** Tax rounding policy. */
  readonly taxRounding: TaxRounding;
  /** Lines with their ledgers. */
  readonly lines: readonly SalesOrderLine[];
  /** Σ net. */
  readonly net: Money;
  /** Σ VAT. */
  readonly tax: Money;
  /** Σ gross. */
  readonly gross: Money;
  /** Σ gross of this order's invoice lines. */
  readonly billedGross: Money;
  /** Σ gross of this order's credit-note lines. */
  readonly creditedGross: Money;
  /**
   * Σ gross billed by settlement-plan installments (included in `billedGross`). Installments
   * bill money, not quantities: the lines' `invoiced` do not move, and the order's exposure
   * buckets take this amount off (see `orderBuckets`). Absent when nothing was billed so.
   */
  readonly installmentsBilled?: Money;
  /**
   * Whether a settlement plan was made for this order: `true` once one is, `false` for orders
   * drafted without one. Absent on orders stored before the flag existed; the plan is then
   * looked up. Lets the flow skip the plan lookup for the many orders that have none.
   */
  readonly settlementPlan?: boolean;
  /**
   * Σ gross value of returned goods taken off this order's settlement plan (see
   * `cutPlanForReturn`): the plan's total is the order's gross less this. Absent when nothing
   * was taken.
   */
  readonly planReduction?: Money;
  /** Paid: this order's share of what was settled on its invoices. */
  readonly paid: Money;
  /** The credit account the exposure sits on and the fixed rate to its currency (set at confirmation). */
  readonly credit: CreditLink | null;
  /** The last credit decision taken for the order (see `explainCredit`). */
  readonly creditDecision: CreditDecision | null;
  /** Credit holds and their releases, oldest first. */
  readonly creditHolds: readonly CreditHold[];
  /** Review steps taken. */
  readonly reviews: readonly OrderReview[];
  /** Approvals recorded. */
  readonly approvals: readonly OrderApproval[];
  /** Integrators' own fields. */
  readonly customFields: CustomFields;
  /** Contract end date (`YYYY-MM-DD`), if the order is a contract with a term. */
  readonly validUntil: string | null;
  /** When it was drafted. */
  readonly createdAt: string;
  /** Deliveries made. */
  readonly deliveryIds: readonly DeliveryId[];
  /** Invoices with lines of this order. */
  readonly invoiceIds: readonly InvoiceId[];
}

/** A kept revision of an order: its lines and totals before an amendment. */
export interface SalesOrderRevision {
  /** `<orderId>@<revision>`. */
  readonly id: string;
  /** Order. */
  readonly orderId: SalesOrderId;
  /** The revision these lines were. */
  readonly revision: number;
  /** Lines then. */
  readonly lines: readonly SalesOrderLine[];
  /** Σ gross then. */
  readonly gross: Money;
  /** Custom fields then. */
  readonly customFields: CustomFields;
  /** Why it was amended. */
  readonly reason: string;
  /** Who amended it. */
  readonly amendedBy: string;
  /** When it was superseded. */
  readonly supersededAt: string;
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

/** One line of a delivery. */
export interface DeliveryLine {
  /** 1-based delivery line number. */
  readonly lineNo: number;
  /** The order line. */
  readonly orderLineNo: number;
  /** Product. */
  readonly productId: ProductId;
  /** Warehouse issued from. */
  readonly warehouseId: WarehouseId;
  /** Quantity in the order line's unit. */
  readonly quantity: Quantity;
  /** Quantity issued, in the stock unit. */
  readonly stockQuantity: Quantity;
  /** Cost per stock unit, from the cost port. */
  readonly unitCost: Money;
  /** Line cost. */
  readonly cost: Money;
  /** Returned since (line unit). */
  readonly returned: Dec;
}

/** A delivery (outbound shipment) to one ship-to party. */
export interface Delivery {
  /** Id. */
  readonly id: DeliveryId;
  /** Owning tenant. */
  readonly tenantId: TenantId;
  /** Number. */
  readonly number: string;
  /** Order delivered. */
  readonly orderId: SalesOrderId;
  /** Sold-to customer. */
  readonly customerId: CustomerId;
  /** Ship-to party. */
  readonly shipToId: ShipToId;
  /** Lines. */
  readonly lines: readonly DeliveryLine[];
  /** Σ cost. */
  readonly totalCost: Money;
  /** When it was posted. */
  readonly postedAt: string;
}

/** One invoice line: a quantity of one order line. */
export interface InvoiceLine {
  /** 1-based invoice line number. */
  readonly lineNo: number;
  /** Order. */
  readonly orderId: SalesOrderId;
  /** Order line. */
  readonly orderLineNo: number;
  /** Product. */
  readonly productId: ProductId;
  /** Quantity billed (order line unit). */
  readonly quantity: Quantity;
  /** Unit price. */
  readonly unitPrice: Money;
  /** Net. */
  readonly net: Money;
  /** VAT. */
  readonly tax: Money;
  /** Gross. */
  readonly gross: Money;
  /** Quantity credited since by credit notes. */
  readonly credited: Dec;
  /**
   * Gross credited since by credit notes by amount (installment invoices); never above
   * `gross`. Absent when none.
   */
  readonly amountCredited?: Money;
}

/** An invoice to a bill-to party; may bill several orders (head-office billing). */
export interface Invoice {
  /** Id. */
  readonly id: InvoiceId;
  /** Owning tenant. */
  readonly tenantId: TenantId;
  /** Number. */
  readonly number: string;
  /** Orders billed. */
  readonly orderIds: readonly SalesOrderId[];
  /** Deliveries billed (when invoiced by delivery). */
  readonly deliveryIds: readonly DeliveryId[];
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
  /** Σ credit notes against it. */
  readonly credited: Money;
  /**
   * Σ gross of the credit notes by amount against it (installment invoices, which bill money
   * rather than quantities); what may still be credited is `gross` less this. Absent when none.
   */
  readonly amountCredited?: Money;
  /** Settled by receipts and written-off differences. */
  readonly settled: Money;
  /** How the receivable sits on the credit account. */
  readonly credit: CreditLink | null;
  /** When it was issued. */
  readonly issuedAt: string;
  /** Due dates and amounts (installments, 分期), earliest first. */
  readonly schedule: readonly { readonly dueDate: string; readonly amount: Money }[];
  /**
   * The settlement-plan installment this invoice bills (an advance or progress invoice: its
   * lines carry amounts spread over the order's lines and a zero quantity). Absent for an
   * invoice of quantities.
   */
  readonly installment?: { readonly planId: string; readonly milestone: string };
}

/** One line of a credit note. */
export interface CreditNoteLine {
  /** The invoice line credited. */
  readonly invoiceLineNo: number;
  /** Order. */
  readonly orderId: SalesOrderId;
  /** Order line. */
  readonly orderLineNo: number;
  /** Product. */
  readonly productId: ProductId;
  /** Quantity credited (order line unit). */
  readonly quantity: Quantity;
  /** Net. */
  readonly net: Money;
  /** VAT. */
  readonly tax: Money;
  /** Gross. */
  readonly gross: Money;
}

/** A credit note (红字发票) against an invoice. */
export interface CreditNote {
  /** Id. */
  readonly id: string;
  /** Owning tenant. */
  readonly tenantId: TenantId;
  /** Number. */
  readonly number: string;
  /** Invoice credited. */
  readonly invoiceId: InvoiceId;
  /** Its bill-to party. */
  readonly billToId: CustomerId;
  /** The return it credits, if any. */
  readonly returnId: string | null;
  /** Why. */
  readonly reason: string;
  /** Lines. */
  readonly lines: readonly CreditNoteLine[];
  /** Σ net. */
  readonly net: Money;
  /** Σ VAT. */
  readonly tax: Money;
  /** Σ gross. */
  readonly gross: Money;
  /** The part that reduced the invoice's open amount. */
  readonly toInvoice: Money;
  /** The rest: a credit balance for the customer (to allocate or refund). */
  readonly toBalance: Money;
  /** The receipt-like balance record holding `toBalance`, if any. */
  readonly balanceId: ReceiptId | null;
  /** When it was issued. */
  readonly issuedAt: string;
}

/** Who is responsible for a return. */
export type ReturnResponsibility = 'customer' | 'company' | 'carrier' | 'supplier';

/** One line of a return. */
export interface ReturnLine {
  /** The delivery line returned. */
  readonly deliveryLineNo: number;
  /** Order line. */
  readonly orderLineNo: number;
  /** Product. */
  readonly productId: ProductId;
  /** Quantity (order line unit). */
  readonly quantity: Quantity;
  /** In the stock unit. */
  readonly stockQuantity: Quantity;
  /** Cost per stock unit it left at. */
  readonly unitCost: Money;
  /** Cost returned to stock. */
  readonly cost: Money;
}

/** A sales return and its return delivery (goods back into stock). */
export interface SalesReturn {
  /** Id. */
  readonly id: string;
  /** Owning tenant. */
  readonly tenantId: TenantId;
  /** Number. */
  readonly number: string;
  /** Delivery the goods came from. */
  readonly deliveryId: DeliveryId;
  /** Order. */
  readonly orderId: SalesOrderId;
  /** Warehouse they go back into. */
  readonly warehouseId: WarehouseId;
  /** Why. */
  readonly reason: string;
  /** Who is responsible. */
  readonly responsibility: ReturnResponsibility;
  /** Lines. */
  readonly lines: readonly ReturnLine[];
  /** Σ cost. */
  readonly totalCost: Money;
  /** Credit notes issued for it. */
  readonly creditNoteIds: readonly string[];
  /**
   * On an order billed by a settlement plan: the gross value of the returned goods that
   * installment invoices had already billed (the rest was taken off the plan), to credit by
   * amount on those invoices. Absent for other orders.
   */
  readonly planCredit?: Money;
  /**
   * `planCredit` per returned order line with something to credit, with what credit notes by
   * amount credited against each so far: a credit note for the return goes on each line's
   * invoice lines up to its own rest, so every line is credited at its own VAT. Absent for
   * other orders.
   */
  readonly planCreditLines?: readonly {
    readonly orderLineNo: number;
    readonly amount: Money;
    readonly credited: Money;
  }[];
  /** When. */
  readonly postedAt: string;
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

/** A refund paid out of a receipt's unallocated money. */
export interface Refund {
  /** Refund id. */
  readonly refundId: string;
  /** Amount. */
  readonly amount: Money;
  /** Bank reference. */
  readonly reference: string;
  /** When. */
  readonly at: string;
}

/**
 * Money a customer has with us: a bank receipt (held as an advance, 预收, until allocated) or a
 * credit balance a credit note left. Its unallocated part is the customer's credit balance.
 */
export interface Receipt {
  /** Id. */
  readonly id: ReceiptId;
  /** Owning tenant. */
  readonly tenantId: TenantId;
  /** Number. */
  readonly number: string;
  /** Where the money came from. */
  readonly source: 'bank' | 'credit-note';
  /** Paying customer (for a head office: may settle its subsidiaries' invoices). */
  readonly payerId: CustomerId;
  /** The order an advance was received for, if any. */
  readonly orderId: SalesOrderId | null;
  /** Amount received. */
  readonly amount: Money;
  /** Σ allocations. */
  readonly allocated: Money;
  /** Σ refunds. */
  readonly refunded: Money;
  /** Allocations. */
  readonly allocations: readonly ReceiptAllocation[];
  /** Refunds. */
  readonly refunds: readonly Refund[];
  /** When it was received. */
  readonly receivedAt: string;
  /** Bank reference (or the credit note's number). */
  readonly reference: string;
}

/** A write-off (核销) against an invoice: a receipt's money, or a small difference written off. */
export interface WriteOff {
  /** Id. */
  readonly id: string;
  /** Owning tenant. */
  readonly tenantId: TenantId;
  /** Number. */
  readonly number: string;
  /** Receipt (`null` for a written-off difference). */
  readonly receiptId: ReceiptId | null;
  /** Invoice. */
  readonly invoiceId: InvoiceId;
  /** The receivable's owner. */
  readonly partyId: CustomerId;
  /** Amount. */
  readonly amount: Money;
  /** Allocation of money, or a difference written off. */
  readonly kind: 'allocation' | 'difference';
  /** Reason (for a difference). */
  readonly reason: string;
  /** The settlement it belongs to (several write-offs posted together). */
  readonly settlementId: string;
  /** When. */
  readonly postedAt: string;
}

/** Store kinds of the sales documents. */
export const SALES_KINDS = {
  order: 'sales-order',
  revision: 'sales-order-revision',
  delivery: 'delivery',
  invoice: 'invoice',
  creditNote: 'credit-note',
  salesReturn: 'sales-return',
  receipt: 'receipt',
  writeOff: 'write-off',
  policy: 'sales-policy',
} as const;
