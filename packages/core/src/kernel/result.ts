/**
 * Typed results: expected business outcomes are values, not exceptions.
 *
 * @module
 */

/** A successful outcome carrying a value. */
export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

/** A failed outcome carrying a typed, coded error. */
export interface Err<E> {
  readonly ok: false;
  readonly error: E;
}

/** Either an {@link Ok} or an {@link Err}. Every use case returns one. */
export type Result<T, E> = Ok<T> | Err<E>;

/** The success value type of a result type (`never` if it cannot succeed). */
export type OkValue<R> = R extends Ok<infer T> ? T : never;

/** The error type of a result type. */
export type ErrValue<R> = R extends Err<infer E> ? E : never;

/** Wraps a value as a successful {@link Result}. */
export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

/** Wraps an error as a failed {@link Result}. */
export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}

/** True when the result is an {@link Ok}. */
export function isOk<T, E>(r: Result<T, E>): r is Ok<T> {
  return r.ok;
}

/**
 * Returns the value of an {@link Ok} or throws (a bug: the caller asserted success).
 * Use in tests and examples, never to paper over a business outcome.
 */
export function unwrap<R extends Result<unknown, unknown>>(r: R): OkValue<R> {
  if (r.ok) return r.value as OkValue<R>;
  const e = r.error as { code?: string; message?: string };
  throw new Error(
    `unwrap() on an Err: ${e.code ?? 'ERROR'}: ${e.message ?? JSON.stringify(r.error)}`,
  );
}
