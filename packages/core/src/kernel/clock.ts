/**
 * Time and identity are injected: domain code never reads the wall clock or a random source.
 *
 * @module
 */

/** The clock port. Returns the current instant as an ISO-8601 UTC string. */
export interface Clock {
  /** Current instant, ISO-8601 in UTC (e.g. `2026-11-22T08:00:00.000Z`). */
  now(): string;
}

/** The id port. Returns a new unique id for a record of the given kind. */
export interface IdGenerator {
  /** A new id, unique within the store, for a record of `kind`. */
  next(kind: string): string;
}

/**
 * A clock that only moves when told to — for tests and simulations (like XState's
 * `SimulatedClock`).
 */
export class FixedClock implements Clock {
  private current: number;

  /** Starts at `start` (ISO-8601). */
  constructor(start: string) {
    this.current = Date.parse(start);
    if (Number.isNaN(this.current)) throw new Error(`FixedClock: invalid start instant ${start}`);
  }

  /** {@inheritDoc Clock.now} */
  now(): string {
    return new Date(this.current).toISOString();
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.current += ms;
  }

  /** Sets the clock to `instant` (ISO-8601). */
  set(instant: string): void {
    this.current = Date.parse(instant);
  }
}

/** Deterministic ids `<kind>-000001`, `<kind>-000002`, … — for tests and examples. */
export class SequentialIds implements IdGenerator {
  private readonly counters = new Map<string, number>();

  /** `prefix` is put in front of every id, e.g. to keep two runs apart. */
  constructor(private readonly prefix = '') {}

  /** {@inheritDoc IdGenerator.next} */
  next(kind: string): string {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return `${this.prefix}${kind}-${String(n).padStart(6, '0')}`;
  }
}
