/**
 * What every order use case shares: guarded transitions through the configured machine, the
 * sales policy, and the one reconciliation that turns a change of an order's ledger into the
 * matching stock and credit operations (reservations and exposure are functions of the ledger,
 * so each command applies `after − before`, never a hand-written delta).
 *
 * @module
 */
import type { CreditDecision } from '../credit/decision';
import type { TradecoreEventMap } from '../events';
import { decode } from '../kernel/codec';
import { type IllegalTransitionError, TradecoreBug } from '../kernel/errors';
import { allowedEvents, transition } from '../kernel/machine';
import { err, ok, type Result } from '../kernel/result';
import { Dec } from '../money/decimal';
import { Money } from '../money/money';
import { Quantity } from '../money/quantity';
import {
  type CreditBucket,
  isStockShortfall,
  type RecordRef,
  type StockLine,
} from '../ports/store';
import type { CreditLink, SalesOrder, SalesOrderLine } from '../sales/documents';
import { SALES_KINDS } from '../sales/documents';
import type { InsufficientStockError, TransitionVetoedError } from '../sales/errors';
import { type Buckets, creditMoves, reservations } from '../sales/ledger';
import { DEFAULT_SALES_POLICY, type SalesPolicy } from '../sales/policy';
import { applyCreditStep, CREDIT_REFS, loadCreditPolicy } from './credit';
import type { UnitOfWork } from './unit-of-work';

/** Id of the tenant's sales policy record. */
export const SALES_POLICY_ID = 'default';

/**
 * The tenant's policies an order-to-cash step reads (sales and credit policy), to read ahead
 * with the step's own documents in one store call.
 */
export const POLICY_REFS: readonly RecordRef[] = [
  { kind: SALES_KINDS.policy, id: SALES_POLICY_ID },
  CREDIT_REFS.policy,
];

/** The tenant's sales policy (defaults where none was set), read once per unit of work. */
export function loadSalesPolicy(uow: UnitOfWork): Promise<SalesPolicy> {
  return uow.memo('sales-policy', async () => {
    const rec = await uow.tx.records.get(SALES_KINDS.policy, SALES_POLICY_ID);
    return rec
      ? { ...DEFAULT_SALES_POLICY, ...decode<SalesPolicy>(rec.data) }
      : DEFAULT_SALES_POLICY;
  });
}

/** An order transition: the document after it and the event to publish. */
export interface OrderMove {
  /** The order after the transition. */
  readonly doc: SalesOrder;
  /** The `document.transitioned` payload. */
  readonly event: TradecoreEventMap['document.transitioned'];
}

/**
 * Applies `event` to an order through the configured machine, then asks the guards; a veto is
 * a typed error and nothing changes.
 */
export async function moveOrder(
  uow: UnitOfWork,
  order: SalesOrder,
  event: string,
  patch: Partial<SalesOrder> = {},
): Promise<Result<OrderMove, IllegalTransitionError | TransitionVetoedError>> {
  const t = transition(uow.hooks.salesOrderMachine, order.state, event);
  if (!t.ok) return t;
  const doc: SalesOrder = { ...order, ...patch, state: t.value.to };
  const reason = await uow.veto({
    kind: SALES_KINDS.order,
    id: order.id,
    number: order.number,
    from: order.state,
    event,
    to: t.value.to,
    doc,
  });
  if (reason) {
    return err({
      code: 'TRANSITION_VETOED',
      message: `sales-order ${order.number}: ${event} from ${order.state} was vetoed: ${reason}`,
      kind: SALES_KINDS.order,
      id: order.id,
      from: order.state,
      event,
      to: t.value.to,
      reason,
    });
  }
  return ok({
    doc,
    event: {
      kind: SALES_KINDS.order,
      id: order.id,
      number: order.number,
      from: order.state,
      event,
      to: t.value.to,
    },
  });
}

/** The typed error for an action (deliver, invoice, amend…) an order's state does not allow. */
export function notAllowedIn(
  uow: UnitOfWork,
  order: SalesOrder,
  action: string,
): IllegalTransitionError {
  const allowed = allowedEvents(uow.hooks.salesOrderMachine, order.state);
  return {
    code: 'ILLEGAL_TRANSITION',
    message: `sales-order ${order.number}: cannot ${action} in state ${order.state}`,
    machine: 'sales-order',
    from: order.state,
    event: action,
    allowed,
  };
}

/**
 * Moves exposure on a credit account from `before` to `after` (see {@link creditMoves}). Moves
 * that add to a bucket are checked at `checkpoint` (per the credit policy) or not at all
 * (`null`); moves that only free exposure are never checked. Each store change is atomic on the
 * account and its groups. Returns the decision of the first checked move.
 */
export async function syncExposure(
  uow: UnitOfWork,
  link: CreditLink,
  before: Buckets,
  after: Buckets,
  checkpoint: 'confirm' | 'delivery' | 'invoice' | null,
  source: { readonly kind: string; readonly id: string },
) {
  const moves = creditMoves(before, after);
  if (moves.length === 0) return ok<CreditDecision | null>(null);
  const policy = await loadCreditPolicy(uow);
  let decision: CreditDecision | null = null;
  for (const m of moves) {
    const amount = Money.of(m.amount, link.currency);
    const step = await applyCreditStep(
      uow,
      {
        accountId: link.accountId,
        amount,
        from: m.from,
        to: m.to,
        checkpoint: m.to === null ? null : checkpoint,
      },
      policy,
    );
    if (!step.ok) return step;
    decision ??= step.value;
    uow.emit('credit.changed', {
      accountId: link.accountId,
      from: m.from,
      to: m.to,
      amount,
      sourceKind: source.kind,
      sourceId: source.id,
    });
  }
  return ok(decision);
}

/** Frees or moves exposure the use case has checked cannot fail (a failure is a bug). */
export async function syncExposureUnchecked(
  uow: UnitOfWork,
  link: CreditLink,
  before: Buckets,
  after: Buckets,
  source: { readonly kind: string; readonly id: string },
): Promise<void> {
  const r = await syncExposure(uow, link, before, after, null, source);
  if (!r.ok)
    throw new TradecoreBug('CREDIT_STATE', `${source.kind} ${source.id}: ${r.error.message}`);
}

/** Stock to issue for a delivery: a quantity of an order line from a warehouse (stock unit). */
export interface StockIssue {
  /** The order line. */
  readonly line: SalesOrderLine;
  /** Warehouse issued from. */
  readonly warehouseId: string;
  /** Quantity in the stock unit. */
  readonly qty: Dec;
}

function keyed(m: Map<string, Dec>, k: string, x: Dec) {
  m.set(k, (m.get(k) ?? new Dec(0)).plus(x));
}

function toLines(m: Map<string, Dec>): StockLine[] {
  const out: StockLine[] = [];
  for (const [k, qty] of m) {
    if (!qty.greaterThan(0)) continue;
    const [productId, warehouseId] = k.split('|') as [string, string];
    out.push({ productId, warehouseId, qty });
  }
  return out;
}

/**
 * Brings stock in line with an order changing from `before` to `after`: reservations follow
 * the ledger (reserved = still to deliver, while the order is in a reserving state), and
 * `issues` leave stock. Everything to issue is reserved first, so a delivery can never take
 * goods promised to another order; all reservations are one all-or-nothing store operation.
 */
export async function syncStock(
  uow: UnitOfWork,
  before: SalesOrder,
  after: SalesOrder,
  issues: readonly StockIssue[] = [],
  emit = true,
): Promise<Result<true, InsufficientStockError>> {
  const b = reservations(before);
  const target = reservations(after);
  const issued = new Map<string, Dec>();
  for (const i of issues) {
    keyed(target, `${i.line.productId}|${i.warehouseId}`, i.qty);
    keyed(issued, `${i.line.productId}|${i.warehouseId}`, i.qty);
  }
  const up = new Map<string, Dec>();
  const down = new Map<string, Dec>();
  for (const k of new Set([...b.keys(), ...target.keys()])) {
    const d = (target.get(k) ?? new Dec(0)).minus(b.get(k) ?? new Dec(0));
    if (d.greaterThan(0)) up.set(k, d);
    else if (d.isNegative()) down.set(k, d.negated());
  }
  const release = toLines(down);
  if (release.length > 0) {
    const r = await uow.tx.stock.releaseAll(release);
    if (isStockShortfall(r))
      throw new TradecoreBug(
        'RESERVATION_MISSING',
        `${after.id}: reserved ${r.level.productId} is missing`,
      );
  }
  const reserve = toLines(up);
  if (reserve.length > 0) {
    const r = await uow.tx.stock.reserveAll(reserve);
    if (isStockShortfall(r)) {
      // Give back what was released above, so a caller may go on in this transaction.
      if (release.length > 0) await uow.tx.stock.reserveAll(release);
      const line =
        after.lines.find(
          (l) => l.productId === r.level.productId && l.warehouseId === r.level.warehouseId,
        ) ??
        after.lines.find((l) => l.productId === r.level.productId) ??
        (after.lines[0] as SalesOrderLine);
      const unit = line.stockQuantity.unit;
      return err({
        code: 'INSUFFICIENT_STOCK',
        message: `line ${line.lineNo}: ${r.requested} ${unit} of ${line.productId} requested, ${r.level.onHand.minus(r.level.reserved)} available in ${r.level.warehouseId}`,
        lineNo: line.lineNo,
        productId: line.productId,
        warehouseId: r.level.warehouseId,
        requested: Quantity.of(r.requested, unit),
        available: Quantity.of(r.level.onHand.minus(r.level.reserved), unit),
      });
    }
  }
  const issue = toLines(issued);
  if (issue.length > 0) {
    const r = await uow.tx.stock.issueReservedAll(issue);
    if (isStockShortfall(r))
      throw new TradecoreBug(
        'RESERVATION_MISSING',
        `${after.id}: issue of ${r.level.productId} failed`,
      );
  }
  if (emit) {
    const units = new Map(after.lines.map((l) => [l.productId as string, l.stockQuantity.unit]));
    const change = (m: Map<string, Dec>, kind: 'reserved' | 'released' | 'issued') => {
      for (const l of toLines(m)) {
        uow.emit('stock.changed', {
          productId: l.productId,
          warehouseId: l.warehouseId,
          change: kind,
          quantity: Quantity.of(l.qty, units.get(l.productId) as Quantity['unit']),
          sourceKind: SALES_KINDS.order,
          sourceId: after.id,
        });
      }
    };
    change(down, 'released');
    change(up, 'reserved');
    change(issued, 'issued');
  }
  return ok(true);
}

/** The credit link of an order (set at confirmation); a bug if missing. */
export function linkOf(order: SalesOrder): CreditLink {
  if (order.credit === null)
    throw new TradecoreBug('CREDIT_STATE', `order ${order.id} has no credit link`);
  return order.credit;
}

/** Buckets named for the checkpoints that put exposure in them. */
export const CHECKPOINT_OF: Readonly<Record<CreditBucket, 'confirm' | 'delivery' | 'invoice'>> = {
  orders: 'confirm',
  uninvoiced: 'delivery',
  receivables: 'invoice',
};
