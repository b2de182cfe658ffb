/**
 * Boundary validation with zod: every command input is parsed here first. A rejection is a
 * {@link ValidationError} whose issues name the field (dotted path) and the rule.
 *
 * @module
 */
import { z } from 'zod';
import type { FieldIssue, ValidationError } from '../kernel/errors';
import { err, ok, type Result } from '../kernel/result';
import { findCurrency } from '../money/currency';
import { Dec } from '../money/decimal';
import { Money } from '../money/money';

/** Parses `input` with `schema`, turning zod issues into a {@link ValidationError}. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  root = '',
): Result<z.output<S>, ValidationError> {
  const r = schema.safeParse(input);
  if (r.success) return ok(r.data);
  const issues: FieldIssue[] = r.error.issues.map((i) => {
    const path = [root, ...i.path.map(String)].filter((p) => p !== '').join('.');
    const params = (i as { params?: { rule?: string } }).params;
    const rule = params?.rule ?? i.code;
    return { path, rule, message: `${path || '(input)'}: ${i.message} [${rule}]` };
  });
  return err({
    code: 'VALIDATION_FAILED',
    message: `invalid input: ${issues.map((i) => i.message).join('; ')}`,
    issues,
  });
}

/** An id: 1–128 characters of letters, digits and `._:-`. */
export const idSchema = z
  .string({ error: 'must be a string id' })
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9._:-]*$/, 'may contain only letters, digits and . _ : -');

/** A non-empty display name. */
export const nameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');

/** An ISO 4217 currency code the SDK knows. */
export const currencyCodeSchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code')
  .refine((c) => findCurrency(c) !== undefined, {
    message: 'is not a known ISO 4217 currency',
    params: { rule: 'unknown_currency' },
  });

/** Options of {@link decimalSchema}. */
export interface DecimalRules {
  /** `positive` (> 0) or `nonnegative` (≥ 0); any sign if omitted. */
  readonly sign?: 'positive' | 'nonnegative';
  /** Maximum number of decimal places. */
  readonly maxDecimals?: number;
}

/**
 * A decimal given as a string (preferred, exact) or a finite JS number; parsed to `Dec`.
 * Rejects NaN, Infinity, exponent-free garbage and too many decimals, naming the rule.
 */
export function decimalSchema(rules: DecimalRules = {}) {
  return z
    .union([z.string(), z.number()], { error: 'must be a decimal string or number' })
    .transform((v, ctx) => {
      const text = typeof v === 'number' ? String(v) : v.trim();
      if (typeof v === 'number' && !Number.isFinite(v)) {
        ctx.addIssue({ code: 'custom', message: 'must be finite', params: { rule: 'finite' } });
        return z.NEVER;
      }
      if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a finite decimal, got "${text}"`,
          params: { rule: 'decimal' },
        });
        return z.NEVER;
      }
      const d = new Dec(text);
      if (rules.sign === 'positive' && !d.greaterThan(0)) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be greater than 0',
          params: { rule: 'positive' },
        });
        return z.NEVER;
      }
      if (rules.sign === 'nonnegative' && d.isNegative()) {
        ctx.addIssue({
          code: 'custom',
          message: 'must not be negative',
          params: { rule: 'nonnegative' },
        });
        return z.NEVER;
      }
      if (rules.maxDecimals !== undefined && d.decimalPlaces() > rules.maxDecimals) {
        ctx.addIssue({
          code: 'custom',
          message: `must have at most ${rules.maxDecimals} decimal places`,
          params: { rule: 'decimal_places' },
        });
        return z.NEVER;
      }
      return d;
    });
}

/**
 * A money amount `{ amount, currency }`: the currency must be known and the amount may not have
 * more decimals than the currency's minor unit (e.g. no `0.001` CNY, no `1.5` JPY).
 */
export function moneySchema(rules: Omit<DecimalRules, 'maxDecimals'> = {}) {
  return z
    .object({ amount: decimalSchema(rules), currency: currencyCodeSchema })
    .transform((v, ctx) => {
      const m = Money.of(v.amount, v.currency);
      if (!m.fitsMinorUnits()) {
        ctx.addIssue({
          code: 'custom',
          path: ['amount'],
          message: `must have at most ${m.currency.minorUnits} decimal places for ${m.currency.code}`,
          params: { rule: 'currency_minor_units' },
        });
        return z.NEVER;
      }
      return m;
    });
}

/** A unit price: like {@link moneySchema} but allowing up to 6 decimals, since unit prices are often finer than the currency. */
export function unitPriceSchema() {
  return z
    .object({
      amount: decimalSchema({ sign: 'nonnegative', maxDecimals: 6 }),
      currency: currencyCodeSchema,
    })
    .transform((v) => Money.of(v.amount, v.currency));
}

/** A tax rate as a fraction in [0, 1), e.g. `"0.13"`. */
export const taxRateSchema = decimalSchema({ sign: 'nonnegative', maxDecimals: 6 }).refine(
  (d) => d.lessThan(1),
  {
    message: 'must be a fraction below 1 (e.g. 0.13)',
    params: { rule: 'tax_rate_range' },
  },
);

/** A whole number of days from 0 to `max` (a look-ahead window of a view). */
export function daysAheadSchema(max: number) {
  return z
    .number({ error: 'must be a whole number of days' })
    .int('must be a whole number of days')
    .min(0, 'must not be negative')
    .max(max, `must be at most ${max} days`);
}

/** How many rows a list returns: a whole number from 1 to `max`. */
export function listLimitSchema(max: number) {
  return z
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(max, `must be at most ${max}`);
}
