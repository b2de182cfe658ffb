/**
 * Business outcomes of credit management, each with a stable code.
 *
 * @module
 */
import type { CreditDecision } from './decision';

/**
 * A checked credit step was refused; nothing changed. The code names the first blocking
 * reason: a frozen account, overdue items, or the limit.
 */
export interface CreditBlockedError {
  readonly code: 'CREDIT_ACCOUNT_FROZEN' | 'CREDIT_OVERDUE' | 'CREDIT_LIMIT_EXCEEDED';
  readonly message: string;
  /** The decision, with its reasons and figures. */
  readonly decision: CreditDecision;
}

/** The customer (or its bill-to party) has no credit account. */
export interface CreditAccountMissingError {
  readonly code: 'CREDIT_ACCOUNT_MISSING';
  readonly message: string;
  readonly customerId: string;
}

/** A group structure change that would break the tree. */
export interface CreditGroupError {
  readonly code: 'CREDIT_GROUP_CONFLICT';
  readonly message: string;
  readonly field: string;
  /** `already_in_group`, `cycle`, `currency`, `open_exposure` or `not_a_group`. */
  readonly rule: 'already_in_group' | 'cycle' | 'currency' | 'open_exposure' | 'not_a_group';
}

/** Someone not listed as a credit approver tried to release a hold. */
export interface NotAnApproverError {
  readonly code: 'NOT_AN_APPROVER';
  readonly message: string;
  readonly field: 'approverId';
  readonly approverId: string;
}
