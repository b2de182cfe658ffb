/**
 * The workflow state machine of sales orders, declared as data. Deliveries, invoices, receipts
 * and credit notes have no stored workflow state: their status is a pure function of their
 * amounts and quantities (see `sales/ledger.ts`).
 *
 * @module
 */
import { defineMachine } from '../kernel/machine';

/** Sales order workflow states (integrators may add their own with `extendMachine`). */
export type OrderState = 'draft' | 'credit_hold' | 'confirmed' | 'closed' | 'cancelled';
/** Sales order workflow events. */
export type OrderEvent = 'confirm' | 'hold' | 'release' | 'close' | 'reopen' | 'cancel';

/**
 * draft → confirmed; draft → credit_hold → confirmed (an approver's or an automatic release);
 * confirmed → credit_hold when an amendment's increase is blocked; confirmed → closed (short
 * close: nothing more will be delivered) → confirmed again (reopen re-checks credit) or
 * credit_hold; draft / credit_hold / confirmed / closed → cancelled (only an order with nothing
 * delivered or invoiced can be cancelled). Whether a confirmed order is delivered, billed or
 * paid is not a state: see `orderStatus`.
 */
export const salesOrderMachine = defineMachine<OrderState, OrderEvent>({
  name: 'sales-order',
  initial: 'draft',
  states: ['draft', 'credit_hold', 'confirmed', 'closed', 'cancelled'],
  final: ['cancelled'],
  transitions: [
    { from: 'draft', event: 'confirm', to: 'confirmed' },
    { from: 'draft', event: 'hold', to: 'credit_hold' },
    { from: 'credit_hold', event: 'release', to: 'confirmed' },
    { from: 'credit_hold', event: 'cancel', to: 'cancelled' },
    { from: 'confirmed', event: 'hold', to: 'credit_hold' },
    { from: 'confirmed', event: 'close', to: 'closed' },
    { from: 'closed', event: 'reopen', to: 'confirmed' },
    { from: 'closed', event: 'hold', to: 'credit_hold' },
    { from: 'closed', event: 'cancel', to: 'cancelled' },
    { from: 'draft', event: 'cancel', to: 'cancelled' },
    { from: 'confirmed', event: 'cancel', to: 'cancelled' },
  ],
});
