/**
 * A tiny FIFO async mutex, for adapters that must serialise work inside one process
 * (the memory adapter's transactions, PGlite's single connection).
 *
 * @module
 */

/** FIFO async mutex. `run` executes `fn` once every earlier caller has finished. */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `fn` exclusively; resolves or rejects with its outcome. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
