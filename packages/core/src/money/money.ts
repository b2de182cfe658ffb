/**
 * Money: an exact decimal amount in one currency.
 *
 * @module
 */

import type { CurrencyMismatchError } from '../kernel/errors';
import { TradecoreBug } from '../kernel/errors';
import type { Result } from '../kernel/result';
import { err, ok } from '../kernel/result';
import type { Currency } from './currency';
import { resolveCurrency } from './currency';
import type { DecimalInput } from './decimal';
import { Dec, dec, normalizeZero, toPlainString } from './decimal';
import type { RoundingMode } from './rounding';
import { roundDecimal } from './rounding';

function mismatch(expected: Currency, actual: Currency, op: string): TradecoreBug {
  return new TradecoreBug('CURRENCY_MISMATCH', `cannot ${op} ${actual.code} and ${expected.code}`, {
    expected: expected.code,
    actual: actual.code,
  });
}

function sign(n: number): -1 | 0 | 1 {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/**
 * An immutable amount of money: an exact {@link Dec} and a {@link Currency}.
 *
 * Arithmetic never rounds implicitly (beyond the 40 significant digits of {@link Dec}); round
 * explicitly with {@link Money.round} and a {@link RoundingMode}. Combining two currencies is a
 * bug and throws `TradecoreBug('CURRENCY_MISMATCH')`; use {@link sameCurrency} to check first
 * when the currencies come from input.
 *
 * @example
 * ```ts
 * const price = Money.of('33.33', 'CNY');
 * price.multiply(3).toString(); // 'CNY 99.99'
 * price.multiply('1.13').round('half-up').toString(); // 'CNY 37.66'
 * ```
 */
export class Money {
  /** The exact amount; may have more decimal places than the currency until rounded. */
  readonly amount: Dec;
  /** The currency of the amount. */
  readonly currency: Currency;

  private constructor(amount: Dec, currency: Currency) {
    this.amount = normalizeZero(amount);
    this.currency = currency;
    Object.freeze(this);
  }

  /**
   * Creates money from an exact amount (no rounding) and a currency or ISO 4217 code.
   *
   * @throws TradecoreBug `INVALID_DECIMAL` for a bad amount, `UNKNOWN_CURRENCY` for an unknown
   *   code.
   */
  static of(amount: DecimalInput, currency: Currency | string): Money {
    return new Money(dec(amount), resolveCurrency(currency));
  }

  /** Zero in the given currency. */
  static zero(currency: Currency | string): Money {
    return new Money(new Dec(0), resolveCurrency(currency));
  }

  /**
   * Sums amounts that must all be in `currency`; an empty list sums to zero.
   *
   * @throws TradecoreBug `CURRENCY_MISMATCH` when an item is in another currency.
   */
  static sum(items: readonly Money[], currency: Currency | string): Money {
    const c = resolveCurrency(currency);
    let total = new Dec(0);
    for (const m of items) {
      if (m.currency.code !== c.code) throw mismatch(c, m.currency, 'sum');
      total = total.plus(m.amount);
    }
    return new Money(total, c);
  }

  /**
   * The smallest of one or more amounts in one currency (the first one on ties).
   *
   * @throws TradecoreBug `CURRENCY_MISMATCH`.
   */
  static min(first: Money, ...others: readonly Money[]): Money {
    let best = first;
    for (const m of others) if (best.compare(m) > 0) best = m;
    return best;
  }

  /**
   * The largest of one or more amounts in one currency (the first one on ties).
   *
   * @throws TradecoreBug `CURRENCY_MISMATCH`.
   */
  static max(first: Money, ...others: readonly Money[]): Money {
    let best = first;
    for (const m of others) if (best.compare(m) < 0) best = m;
    return best;
  }

  /**
   * Reads the {@link Money.toJSON} form back.
   *
   * @throws TradecoreBug `INVALID_DECIMAL` or `UNKNOWN_CURRENCY`.
   */
  static fromJSON(json: { readonly amount: string; readonly currency: string }): Money {
    return Money.of(json.amount, json.currency);
  }

  private check(o: Money, op: string): void {
    if (o.currency.code !== this.currency.code) throw mismatch(this.currency, o.currency, op);
  }

  /** `this + o`, exact. @throws TradecoreBug `CURRENCY_MISMATCH`. */
  add(o: Money): Money {
    this.check(o, 'add');
    return new Money(this.amount.plus(o.amount), this.currency);
  }

  /** `this − o`, exact. @throws TradecoreBug `CURRENCY_MISMATCH`. */
  subtract(o: Money): Money {
    this.check(o, 'subtract');
    return new Money(this.amount.minus(o.amount), this.currency);
  }

  /** `this × f`, exact (no rounding to minor units). */
  multiply(f: DecimalInput): Money {
    return new Money(this.amount.times(dec(f)), this.currency);
  }

  /**
   * `this ÷ d`, to 40 significant digits (no rounding to minor units).
   *
   * @throws TradecoreBug `DIVISION_BY_ZERO` when `d` is zero.
   */
  divide(d: DecimalInput): Money {
    const divisor = dec(d);
    if (divisor.isZero()) {
      throw new TradecoreBug('DIVISION_BY_ZERO', `cannot divide ${this.toString()} by zero`);
    }
    return new Money(this.amount.dividedBy(divisor), this.currency);
  }

  /** `−this`. */
  negate(): Money {
    return new Money(this.amount.negated(), this.currency);
  }

  /** `|this|`. */
  abs(): Money {
    return new Money(this.amount.abs(), this.currency);
  }

  /**
   * Rounds to `scale` decimal places (default: the currency's minor units) with `mode`.
   * Symmetric: `x.negate().round(m)` equals `x.round(m).negate()`.
   */
  round(mode: RoundingMode, scale: number = this.currency.minorUnits): Money {
    return new Money(roundDecimal(this.amount, scale, mode), this.currency);
  }

  /** Number of decimal places of the exact amount (`12.30` has 1, `12.345` has 3). */
  decimalPlaces(): number {
    return this.amount.decimalPlaces();
  }

  /** True when the amount needs no more decimal places than the currency's minor unit. */
  fitsMinorUnits(): boolean {
    return this.amount.decimalPlaces() <= this.currency.minorUnits;
  }

  /** True when the amount is zero. */
  isZero(): boolean {
    return this.amount.isZero();
  }

  /** True when the amount is below zero. */
  isNegative(): boolean {
    return this.amount.isNegative() && !this.amount.isZero();
  }

  /** True when the amount is above zero. */
  isPositive(): boolean {
    return this.amount.isPositive() && !this.amount.isZero();
  }

  /** −1, 0 or 1 as `this` is below, equal to or above `o`. @throws TradecoreBug `CURRENCY_MISMATCH`. */
  compare(o: Money): -1 | 0 | 1 {
    this.check(o, 'compare');
    return sign(this.amount.comparedTo(o.amount));
  }

  /** True when both are in the same currency and numerically equal (`12.3` equals `12.30`). */
  equals(o: Money): boolean {
    return o.currency.code === this.currency.code && this.amount.equals(o.amount);
  }

  /** `this < o`. @throws TradecoreBug `CURRENCY_MISMATCH`. */
  lessThan(o: Money): boolean {
    return this.compare(o) < 0;
  }

  /** `this > o`. @throws TradecoreBug `CURRENCY_MISMATCH`. */
  greaterThan(o: Money): boolean {
    return this.compare(o) > 0;
  }

  /** `this ≤ o`. @throws TradecoreBug `CURRENCY_MISMATCH`. */
  lessThanOrEqual(o: Money): boolean {
    return this.compare(o) <= 0;
  }

  /** `this ≥ o`. @throws TradecoreBug `CURRENCY_MISMATCH`. */
  greaterThanOrEqual(o: Money): boolean {
    return this.compare(o) >= 0;
  }

  /**
   * The amount at exactly the currency's minor units, for display: `'12.30'`, `'1000'` (JPY),
   * `'0.500'` (KWD). An amount with more decimal places is **rounded half-up** (ties away from
   * zero); round explicitly first when another mode applies.
   */
  toFixed(): string {
    return roundDecimal(this.amount, this.currency.minorUnits, 'half-up').toFixed(
      this.currency.minorUnits,
    );
  }

  /**
   * `'CNY 12.30'`: code and amount padded to the minor units; an amount with more decimal
   * places than the currency is shown at full precision (`'CNY 12.345'`), never rounded.
   */
  toString(): string {
    return `${this.currency.code} ${toPlainString(this.amount, this.currency.minorUnits)}`;
  }

  /**
   * `{ amount: '12.30', currency: 'CNY' }`: the exact amount in plain notation (never exponent
   * notation, never rounded), padded with zeros to at least the minor units.
   */
  toJSON(): { amount: string; currency: string } {
    return {
      amount: toPlainString(this.amount, this.currency.minorUnits),
      currency: this.currency.code,
    };
  }
}

/**
 * Checks that `b` is in the same currency as `a` without throwing: the way to compare
 * currencies that come from input.
 *
 * @param field - the input field `b` came from; named in the error.
 * @returns `ok(true)`, or a {@link CurrencyMismatchError} with `expected` = `a`'s code and
 *   `actual` = `b`'s code.
 *
 * @example
 * ```ts
 * const r = sameCurrency(order.total, payment.amount, 'payment.amount');
 * if (!r.ok) return r; // { code: 'CURRENCY_MISMATCH', field: 'payment.amount', … }
 * ```
 */
export function sameCurrency(
  a: Money,
  b: Money,
  field?: string,
): Result<true, CurrencyMismatchError> {
  if (a.currency.code === b.currency.code) return ok(true);
  const where = field === undefined ? '' : ` in ${field}`;
  const error: CurrencyMismatchError = {
    code: 'CURRENCY_MISMATCH',
    message: `currency mismatch${where}: expected ${a.currency.code}, got ${b.currency.code}`,
    expected: a.currency.code,
    actual: b.currency.code,
    ...(field === undefined ? {} : { field }),
  };
  return err(error);
}
