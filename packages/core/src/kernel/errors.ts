/**
 * One error model. Business outcomes are {@link DomainError} values with a stable `code`;
 * programmer errors (bugs) throw {@link TradecoreBug}.
 *
 * @module
 */

/** One problem found while validating input: the dotted field path, the rule and a message. */
export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `lines.0.quantity`. Empty for the whole input. */
  readonly path: string;
  /** The rule that failed, e.g. `too_small`, `invalid_type`, `decimal_places`. */
  readonly rule: string;
  /** Human-readable message naming the field and the rule. */
  readonly message: string;
}

/** Input rejected at the boundary; nothing was changed. */
export interface ValidationError {
  readonly code: 'VALIDATION_FAILED';
  readonly message: string;
  readonly issues: readonly FieldIssue[];
}

/** An entity the command refers to does not exist in this tenant. */
export interface NotFoundError {
  readonly code: 'NOT_FOUND';
  readonly message: string;
  readonly entity: string;
  readonly id: string;
  /** The input field that referenced the missing entity, when known. */
  readonly field?: string;
}

/** Two amounts in different currencies were combined. */
export interface CurrencyMismatchError {
  readonly code: 'CURRENCY_MISMATCH';
  readonly message: string;
  readonly expected: string;
  readonly actual: string;
  readonly field?: string;
}

/** A stale write: the aggregate changed since it was read. Retry the command. */
export interface VersionConflictError {
  readonly code: 'VERSION_CONFLICT';
  readonly message: string;
  readonly kind: string;
  readonly id: string;
  readonly expectedVersion: number;
}

/** A record with that id (or document number) already exists. */
export interface DuplicateError {
  readonly code: 'DUPLICATE';
  readonly message: string;
  readonly kind: string;
  readonly id: string;
}

/** The same idempotency key was used before with a different payload. */
export interface IdempotencyConflictError {
  readonly code: 'IDEMPOTENCY_CONFLICT';
  readonly message: string;
  readonly key: string;
}

/** A state machine was asked for a transition its table does not allow. */
export interface IllegalTransitionError {
  readonly code: 'ILLEGAL_TRANSITION';
  readonly message: string;
  readonly machine: string;
  readonly from: string;
  readonly event: string;
  /** The events the table does allow from `from`. */
  readonly allowed: readonly string[];
}

/** Errors every command may return. Specific areas add their own coded errors. */
export type CommonError =
  | ValidationError
  | NotFoundError
  | CurrencyMismatchError
  | VersionConflictError
  | DuplicateError
  | IdempotencyConflictError
  | IllegalTransitionError;

/**
 * Thrown for programmer errors only (a violated invariant, misuse of the API).
 * Carries a stable `code` so callers never need `instanceof` across packages.
 */
export class TradecoreBug extends Error {
  /** Stable code naming the kind of misuse. */
  readonly code: string;
  /** Extra data describing the failure. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(`${code}: ${message}`);
    this.name = 'TradecoreBug';
    this.code = code;
    this.details = details;
  }
}

/** Structural check for a {@link TradecoreBug} that works across package copies. */
export function isTradecoreBug(e: unknown): e is TradecoreBug {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as { name?: unknown }).name === 'TradecoreBug' &&
    typeof (e as { code?: unknown }).code === 'string'
  );
}

/**
 * What a queued record write (`RecordOps.queueInsert` / `queueUpdate`) met when the store sent
 * it: `conflict` (the stored version was no longer `expectedVersion`), `duplicate-id` or
 * `duplicate-number` (an insert whose id or document number is taken).
 */
export interface QueuedWriteFailure {
  /** The record's kind. */
  readonly kind: string;
  /** The record's id. */
  readonly id: string;
  /** What went wrong. */
  readonly outcome: 'conflict' | 'duplicate-id' | 'duplicate-number';
  /** For `conflict`: the version the update expected. */
  readonly expectedVersion?: number;
  /** For `duplicate-number`: the number that is taken. */
  readonly number?: string | null;
}

/**
 * Thrown by a store when a queued record write fails (see `RecordOps.queueInsert`): at the call
 * that queued it or at a later call of the same transaction, at the latest at commit. The
 * transaction is then rolled back; commands turn it into a `VERSION_CONFLICT` (retried) or a
 * `DUPLICATE` result. Not a bug: another writer got there first.
 */
export class QueuedWriteError extends Error {
  /** Which write failed, and how. */
  readonly failure: QueuedWriteFailure;

  constructor(failure: QueuedWriteFailure) {
    super(
      failure.outcome === 'conflict'
        ? `QUEUED_WRITE_CONFLICT: ${failure.kind} ${failure.id} was changed by someone else (expected version ${failure.expectedVersion})`
        : `QUEUED_WRITE_DUPLICATE: a ${failure.kind} with ${failure.outcome === 'duplicate-id' ? `id ${failure.id}` : `number ${failure.number}`} already exists`,
    );
    this.name = 'QueuedWriteError';
    this.failure = failure;
  }
}

/** Structural check for a {@link QueuedWriteError} that works across package copies. */
export function isQueuedWriteError(e: unknown): e is QueuedWriteError {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as { name?: unknown }).name === 'QueuedWriteError' &&
    typeof (e as { failure?: unknown }).failure === 'object'
  );
}
