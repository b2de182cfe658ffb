/**
 * Pure functions over sales orders: applying transitions (pricing lives in `pricing/`).
 *
 * @module
 */
import type { TradecoreEventMap } from '../events';
import type { IllegalTransitionError } from '../kernel/errors';
import { transition } from '../kernel/machine';
import { ok, type Result } from '../kernel/result';
import type { SalesOrder } from './documents';
import { type OrderEvent, salesOrderMachine } from './machines';

/** The result of a transition: the new document and the event to publish. */
export interface DocumentTransition<D> {
  /** The document in its new state. */
  readonly doc: D;
  /** The `document.transitioned` payload. */
  readonly event: TradecoreEventMap['document.transitioned'];
}

/** Applies an order event through {@link salesOrderMachine}. */
export function transitionOrder(
  order: SalesOrder,
  event: OrderEvent,
  patch: Partial<SalesOrder> = {},
): Result<DocumentTransition<SalesOrder>, IllegalTransitionError> {
  const t = transition(salesOrderMachine, order.status, event);
  if (!t.ok) return t;
  return ok({
    doc: { ...order, ...patch, status: t.value.to },
    event: {
      kind: 'sales-order',
      id: order.id,
      number: order.number,
      from: t.value.from,
      event,
      to: t.value.to,
    },
  });
}
