/**
 * The state machines of the order-to-cash documents, declared as data.
 *
 * @module
 */
import { defineMachine } from '../kernel/machine';

/** Sales order states. */
export type OrderStatus =
  | 'draft'
  | 'credit_hold'
  | 'confirmed'
  | 'delivered'
  | 'invoiced'
  | 'completed'
  | 'closed'
  | 'cancelled';
/** Sales order events. */
export type OrderEvent =
  | 'confirm'
  | 'hold'
  | 'release'
  | 'deliver'
  | 'invoice'
  | 'settle'
  | 'close'
  | 'reopen'
  | 'cancel';

/**
 * draft → confirmed → delivered → invoiced → completed; draft → credit_hold → confirmed (an
 * approver's or an automatic release); confirmed → closed → confirmed again (reopen re-checks
 * credit) or credit_hold; draft / credit_hold / confirmed / closed → cancelled.
 */
export const salesOrderMachine = defineMachine<OrderStatus, OrderEvent>({
  name: 'sales-order',
  initial: 'draft',
  states: [
    'draft',
    'credit_hold',
    'confirmed',
    'delivered',
    'invoiced',
    'completed',
    'closed',
    'cancelled',
  ],
  final: ['completed', 'cancelled'],
  transitions: [
    { from: 'draft', event: 'confirm', to: 'confirmed' },
    { from: 'draft', event: 'hold', to: 'credit_hold' },
    { from: 'credit_hold', event: 'release', to: 'confirmed' },
    { from: 'credit_hold', event: 'cancel', to: 'cancelled' },
    { from: 'confirmed', event: 'close', to: 'closed' },
    { from: 'closed', event: 'reopen', to: 'confirmed' },
    { from: 'closed', event: 'hold', to: 'credit_hold' },
    { from: 'closed', event: 'cancel', to: 'cancelled' },
    { from: 'draft', event: 'cancel', to: 'cancelled' },
    { from: 'confirmed', event: 'cancel', to: 'cancelled' },
    { from: 'confirmed', event: 'deliver', to: 'delivered' },
    { from: 'delivered', event: 'invoice', to: 'invoiced' },
    { from: 'invoiced', event: 'settle', to: 'completed' },
  ],
});

/** Delivery states. */
export type DeliveryStatus = 'draft' | 'posted' | 'invoiced';
/** Delivery events. */
export type DeliveryEvent = 'post' | 'invoice';

/** draft → posted → invoiced. */
export const deliveryMachine = defineMachine<DeliveryStatus, DeliveryEvent>({
  name: 'delivery',
  initial: 'draft',
  states: ['draft', 'posted', 'invoiced'],
  final: ['invoiced'],
  transitions: [
    { from: 'draft', event: 'post', to: 'posted' },
    { from: 'posted', event: 'invoice', to: 'invoiced' },
  ],
});

/** Invoice states. */
export type InvoiceStatus = 'draft' | 'open' | 'partially_paid' | 'paid';
/** Invoice events. */
export type InvoiceEvent = 'issue' | 'allocate_partial' | 'allocate_full';

/** draft → open → partially_paid* → paid. */
export const invoiceMachine = defineMachine<InvoiceStatus, InvoiceEvent>({
  name: 'invoice',
  initial: 'draft',
  states: ['draft', 'open', 'partially_paid', 'paid'],
  final: ['paid'],
  transitions: [
    { from: 'draft', event: 'issue', to: 'open' },
    { from: 'open', event: 'allocate_partial', to: 'partially_paid' },
    { from: 'open', event: 'allocate_full', to: 'paid' },
    { from: 'partially_paid', event: 'allocate_partial', to: 'partially_paid' },
    { from: 'partially_paid', event: 'allocate_full', to: 'paid' },
  ],
});

/** Receipt states. */
export type ReceiptStatus = 'draft' | 'unallocated' | 'partially_allocated' | 'allocated';
/** Receipt events. */
export type ReceiptEvent = 'record' | 'allocate_partial' | 'allocate_full';

/** draft → unallocated → partially_allocated* → allocated. */
export const receiptMachine = defineMachine<ReceiptStatus, ReceiptEvent>({
  name: 'receipt',
  initial: 'draft',
  states: ['draft', 'unallocated', 'partially_allocated', 'allocated'],
  final: ['allocated'],
  transitions: [
    { from: 'draft', event: 'record', to: 'unallocated' },
    { from: 'unallocated', event: 'allocate_partial', to: 'partially_allocated' },
    { from: 'unallocated', event: 'allocate_full', to: 'allocated' },
    { from: 'partially_allocated', event: 'allocate_partial', to: 'partially_allocated' },
    { from: 'partially_allocated', event: 'allocate_full', to: 'allocated' },
  ],
});
