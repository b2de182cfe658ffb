/**
 * Quantities: an exact decimal value in a unit of measure.
 *
 * @module
 */

import { TradecoreBug } from '../kernel/errors';
import type { DecimalInput } from './decimal';
import { type Dec, dec, normalizeZero, toPlainString } from './decimal';
import type { RoundingMode } from './rounding';
import { roundDecimal } from './rounding';

/** A unit of measure. */
export interface Unit {
  /** Stable code, e.g. `EA`, `KG`. Quantities carry this code. */
  readonly code: string;
  /** True when only whole quantities make sense (pieces, boxes). */
  readonly integral: boolean;
  /** Human-readable name. */
  readonly name?: string;
}

/** Each (a piece); integral. */
export const EA: Unit = Object.freeze({ code: 'EA', integral: true, name: 'Each' });
/** Box; integral. */
export const BOX: Unit = Object.freeze({ code: 'BOX', integral: true, name: 'Box' });
/** Kilogram; fractional. */
export const KG: Unit = Object.freeze({ code: 'KG', integral: false, name: 'Kilogram' });
/** Metre; fractional. */
export const M: Unit = Object.freeze({ code: 'M', integral: false, name: 'Metre' });
/** Litre; fractional. */
export const L: Unit = Object.freeze({ code: 'L', integral: false, name: 'Litre' });

/** The predefined units by code. */
export const UNITS: ReadonlyMap<string, Unit> = new Map(
  [EA, BOX, KG, M, L].map((u) => [u.code, u] as const),
);

function unitCode(unit: string | Unit): string {
  const code = typeof unit === 'string' ? unit : unit.code;
  if (typeof code !== 'string' || code.length === 0) {
    throw new TradecoreBug('INVALID_UNIT', 'a unit code must be a non-empty string', {
      unit: String(code),
    });
  }
  return code;
}

function sign(n: number): -1 | 0 | 1 {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/**
 * An immutable quantity: an exact {@link Dec} value and a unit code. Combining two units is a
 * bug and throws `TradecoreBug('UNIT_MISMATCH')`; convert first with `convertQuantity`.
 *
 * @example
 * ```ts
 * Quantity.of(12, 'EA').add(Quantity.of(3, EA)).toString(); // '15 EA'
 * ```
 */
export class Quantity {
  /** The exact value. */
  readonly value: Dec;
  /** The unit code, e.g. `EA`. */
  readonly unit: string;

  private constructor(value: Dec, unit: string) {
    this.value = normalizeZero(value);
    this.unit = unit;
    Object.freeze(this);
  }

  /**
   * Creates a quantity from an exact value and a unit (code or {@link Unit}).
   *
   * @throws TradecoreBug `INVALID_DECIMAL`, `INVALID_UNIT` for an empty code.
   */
  static of(v: DecimalInput, unit: string | Unit): Quantity {
    return new Quantity(dec(v), unitCode(unit));
  }

  /**
   * Reads the {@link Quantity.toJSON} form back.
   *
   * @throws TradecoreBug `INVALID_DECIMAL`, `INVALID_UNIT`.
   */
  static fromJSON(json: { readonly value: string; readonly unit: string }): Quantity {
    return Quantity.of(json.value, json.unit);
  }

  private check(o: Quantity, op: string): void {
    if (o.unit !== this.unit) {
      throw new TradecoreBug('UNIT_MISMATCH', `cannot ${op} ${o.unit} and ${this.unit}`, {
        expected: this.unit,
        actual: o.unit,
      });
    }
  }

  /** `this + o`, exact. @throws TradecoreBug `UNIT_MISMATCH`. */
  add(o: Quantity): Quantity {
    this.check(o, 'add');
    return new Quantity(this.value.plus(o.value), this.unit);
  }

  /** `this − o`, exact. @throws TradecoreBug `UNIT_MISMATCH`. */
  subtract(o: Quantity): Quantity {
    this.check(o, 'subtract');
    return new Quantity(this.value.minus(o.value), this.unit);
  }

  /** `this × f`, exact, same unit. */
  multiply(f: DecimalInput): Quantity {
    return new Quantity(this.value.times(dec(f)), this.unit);
  }

  /** `−this`. */
  negate(): Quantity {
    return new Quantity(this.value.negated(), this.unit);
  }

  /** Rounds the value to `scale` decimal places with `mode` (default half-up). */
  round(scale: number, mode: RoundingMode = 'half-up'): Quantity {
    return new Quantity(roundDecimal(this.value, scale, mode), this.unit);
  }

  /** True when the value is zero. */
  isZero(): boolean {
    return this.value.isZero();
  }

  /** True when the value is below zero. */
  isNegative(): boolean {
    return this.value.isNegative() && !this.value.isZero();
  }

  /** True when the value is above zero. */
  isPositive(): boolean {
    return this.value.isPositive() && !this.value.isZero();
  }

  /** −1, 0 or 1 as `this` is below, equal to or above `o`. @throws TradecoreBug `UNIT_MISMATCH`. */
  compare(o: Quantity): -1 | 0 | 1 {
    this.check(o, 'compare');
    return sign(this.value.comparedTo(o.value));
  }

  /** True when both have the same unit and numerically equal values. */
  equals(o: Quantity): boolean {
    return o.unit === this.unit && this.value.equals(o.value);
  }

  /** True when the value is a whole number (what an integral {@link Unit} requires). */
  isIntegral(): boolean {
    return this.value.isInteger();
  }

  /** `{ value: '12.5', unit: 'KG' }`: the exact value in plain notation. */
  toJSON(): { value: string; unit: string } {
    return { value: toPlainString(this.value), unit: this.unit };
  }

  /** `'12 EA'`, `'2.5 KG'`: the exact value in plain notation and the unit code. */
  toString(): string {
    return `${toPlainString(this.value)} ${this.unit}`;
  }
}
