/**
 * Default runtime implementations of the clock and id ports. These are the only places in
 * `@tradecore/core` that read the wall clock or a random source; domain code receives them
 * through {@link Clock} and {@link IdGenerator}.
 *
 * @module
 */
import type { Clock, IdGenerator } from '../kernel/clock';

/** The system clock (wall time, UTC). */
export const systemClock: Clock = {
  now: () => new Date().toISOString(),
};

/** Random UUIDv4 ids from `globalThis.crypto.randomUUID()`. */
export const randomIds: IdGenerator = {
  next: () => globalThis.crypto.randomUUID(),
};
