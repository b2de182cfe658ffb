/**
 * Coded pricing outcomes: what resolution can fail with, what bad pricing data is rejected
 * with, and what blocks a confirmation.
 *
 * @module
 */
import type { NotFoundError, ValidationError } from '../kernel/errors';
import type { Money } from '../money/money';
import type { UomConversionMissingError } from '../money/uom';
import type { PriceNotFoundError } from './price-list';

/** A price input is in a currency the context has no rate for. */
export interface RateMissingError {
  readonly code: 'RATE_MISSING';
  readonly message: string;
  /** Currency converted from. */
  readonly from: string;
  /** The order currency. */
  readonly to: string;
  /** The pricing date. */
  readonly date: string;
  readonly field?: string;
}

/** A bundle cannot be ordered (inactive, out of validity, other currency, missing price). */
export interface BundleUnavailableError {
  readonly code: 'BUNDLE_UNAVAILABLE';
  readonly message: string;
  readonly bundleId: string;
  readonly field?: string;
}

/** What resolving a line can fail with. */
export type PricingError =
  | PriceNotFoundError
  | RateMissingError
  | UomConversionMissingError
  | BundleUnavailableError;

/** A price list derives from itself through a chain. */
export interface PriceListCycleError {
  readonly code: 'PRICE_LIST_CYCLE';
  readonly message: string;
  /** The lists of the cycle, in derivation order. */
  readonly cycle: readonly string[];
  readonly field: string;
}

/** A bundle contains itself. */
export interface BundleCycleError {
  readonly code: 'BUNDLE_CYCLE';
  readonly message: string;
  readonly bundleId: string;
  readonly field: string;
}

/** Two rules of an exclusive group have the same scope and priority on overlapping dates. */
export interface PricingOverlapError {
  readonly code: 'PRICING_OVERLAP';
  readonly message: string;
  /** The rule being saved. */
  readonly ruleId: string;
  /** The rule it overlaps. */
  readonly otherRuleId: string;
  readonly groupId: string;
  readonly field: string;
}

/** A derived list has another currency or tax basis than its base. */
export interface DerivationMismatchError {
  readonly code: 'DERIVATION_MISMATCH';
  readonly message: string;
  readonly field: string;
}

/** Pricing data that cannot be compiled or saved. */
export type PricingDataError =
  | PriceListCycleError
  | BundleCycleError
  | PricingOverlapError
  | DerivationMismatchError
  | NotFoundError
  | ValidationError
  | UomConversionMissingError;

/** One line below its floor without an approved override. */
export interface FloorViolation {
  /** Line number. */
  readonly lineNo: number;
  /** Product. */
  readonly productId: string;
  /** The binding floor. */
  readonly floorId: string;
  /** Floor price per line unit. */
  readonly floor: Money;
  /** The line's unit price. */
  readonly price: Money;
  /** floor − price. */
  readonly gap: Money;
}

/** An order cannot be confirmed: lines below their floor price without an approved override. */
export interface BelowFloorPriceError {
  readonly code: 'BELOW_FLOOR_PRICE';
  readonly message: string;
  /** Every offending line. */
  readonly lines: readonly FloorViolation[];
}

/** A confirmed order's prices are locked; only an amendment re-prices. */
export interface PriceLockedError {
  readonly code: 'PRICE_LOCKED';
  readonly message: string;
  readonly orderId: string;
  readonly status: string;
}
