/**
 * The exchange-rate port: how much one unit of `from` is worth in `to` at an instant. Domain
 * code converts at one stated point per flow (credit: when the order is confirmed) and keeps
 * the converted amount, so later rate changes never move an exposure already recorded.
 *
 * @module
 */
import type { Dec } from '../money/decimal';

/** Exchange rates, supplied by the integrator. */
export interface RatePort {
  /** Units of `to` per one unit of `from` at `asOf`, or `undefined` if unknown. */
  rate(from: string, to: string, asOf: string): Dec | undefined;
}
