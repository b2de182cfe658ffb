/**
 * Extension seams: integrators' own order states and transitions, guards that veto a
 * transition with a reason, and the approval policy port.
 *
 * @module
 */
import type { Machine } from '../kernel/machine';
import type { SalesOrder } from '../sales/documents';
import { salesOrderMachine } from '../sales/machines';

/** A transition about to happen, as a guard sees it. */
export interface TransitionContext {
  /** Tenant. */
  readonly tenantId: string;
  /** Document kind, e.g. `sales-order`. */
  readonly kind: string;
  /** Document id. */
  readonly id: string;
  /** Document number. */
  readonly number: string | null;
  /** State before. */
  readonly from: string;
  /** Event. */
  readonly event: string;
  /** State after. */
  readonly to: string;
  /** The document as it would be after the transition. */
  readonly doc: unknown;
  /** The instant of the command. */
  readonly now: string;
}

/**
 * A guard: returns a reason to veto the transition (the command then fails with
 * `TRANSITION_VETOED` and changes nothing), or nothing to let it pass. Guards run inside the
 * command's transaction and must not do I/O of their own on the store.
 */
export type TransitionGuard = (
  t: TransitionContext,
) => string | null | undefined | Promise<string | null | undefined>;

/** What the approval policy asks for. */
export interface ApprovalRequirement {
  /** Who may approve (any one of them). */
  readonly approvers: readonly string[];
  /** Why (shown to people). */
  readonly reason: string;
}

/**
 * The approval seam: does this order need an approval before it is confirmed, and by whom?
 * (The approvals capability fills it; by default nothing needs approval.)
 */
export interface ApprovalPolicy {
  /** `null` when no approval is needed. */
  requiredFor(request: {
    readonly tenantId: string;
    readonly order: SalesOrder;
  }): ApprovalRequirement | null | Promise<ApprovalRequirement | null>;
}

/** The extension points of `createTradecore`. */
export interface TradecoreHooks {
  /** The sales order machine, e.g. `extendMachine(salesOrderMachine, …)` with extra states. */
  readonly salesOrderMachine?: Machine<string, string>;
  /** Guards run before every document transition, in order; the first veto wins. */
  readonly guards?: readonly TransitionGuard[];
  /** Approval policy (default: none needed). */
  readonly approvals?: ApprovalPolicy;
}

/** Hooks with defaults filled in. */
export interface ResolvedHooks {
  /** Sales order machine. */
  readonly salesOrderMachine: Machine<string, string>;
  /** Guards. */
  readonly guards: readonly TransitionGuard[];
  /** Approval policy. */
  readonly approvals: ApprovalPolicy | null;
}

/** Fills in defaults. */
export function resolveHooks(h: TradecoreHooks = {}): ResolvedHooks {
  return {
    salesOrderMachine: h.salesOrderMachine ?? (salesOrderMachine as Machine<string, string>),
    guards: h.guards ?? [],
    approvals: h.approvals ?? null,
  };
}
