/**
 * Invariant checkers shared by the concurrency tests. They return the violations they find, so
 * a test can assert "none" for the real operation and "some" for a deliberately naive one — a
 * check on the checker.
 */
import type { Dec } from '@tradecore/core';

/** What a concurrent allocation run produced. */
export interface AllocationRun {
  /** The capacity (on-hand stock, or a credit limit). */
  readonly capacity: Dec;
  /** Quantities each successful caller was granted. */
  readonly granted: readonly Dec[];
  /** What the store says is allocated at the end (reserved stock, exposure, or capacity − remaining). */
  readonly allocated: Dec;
}

/** Violations of "never allocate more than the capacity, and the store agrees with the callers". */
export function allocationViolations(r: AllocationRun): string[] {
  const out: string[] = [];
  const sum = r.granted.reduce((a, b) => a.plus(b), r.capacity.minus(r.capacity));
  if (sum.greaterThan(r.capacity)) out.push(`granted ${sum} exceeds capacity ${r.capacity}`);
  if (r.allocated.greaterThan(r.capacity))
    out.push(`store shows ${r.allocated} allocated, above capacity ${r.capacity}`);
  if (!r.allocated.equals(sum))
    out.push(`store shows ${r.allocated} allocated but callers were granted ${sum}`);
  return out;
}
