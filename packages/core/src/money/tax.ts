/**
 * Line and document amounts: net, tax and gross, rounded to the currency so that
 * net + tax = gross exactly on every line and on the totals.
 *
 * @module
 */

import { TradecoreBug } from '../kernel/errors';
import { allocate, fromUnits, toUnits } from './allocate';
import type { Currency } from './currency';
import { resolveCurrency } from './currency';
import type { DecimalInput } from './decimal';
import { Dec, dec } from './decimal';
import { Money } from './money';
import type { RoundingMode } from './rounding';

/** A tax rate with a code, e.g. `{ code: 'CN_VAT_13', rate: dec('0.13') }`. */
export interface TaxRate {
  /** Stable code of the rate. */
  readonly code: string;
  /** The rate as a fraction: `0.13` for 13 %. */
  readonly rate: Dec;
}

/** China VAT, standard rate 13 % (goods, processing, repairs). */
export const CN_VAT_13: TaxRate = Object.freeze({ code: 'CN_VAT_13', rate: dec('0.13') });
/** China VAT, 9 % (transport, construction, basic telecoms, agricultural goods …). */
export const CN_VAT_9: TaxRate = Object.freeze({ code: 'CN_VAT_9', rate: dec('0.09') });
/** China VAT, 6 % (modern services, financial services …). */
export const CN_VAT_6: TaxRate = Object.freeze({ code: 'CN_VAT_6', rate: dec('0.06') });
/** China VAT, 0 % (exports and zero-rated supplies). */
export const CN_VAT_0: TaxRate = Object.freeze({ code: 'CN_VAT_0', rate: dec('0') });

/** The rounded amounts of one line; always `net + tax = gross` exactly. */
export interface LineAmounts {
  /** Amount before tax, at the currency's minor units. */
  readonly net: Money;
  /** Tax, at the currency's minor units. */
  readonly tax: Money;
  /** Amount including tax, at the currency's minor units. */
  readonly gross: Money;
}

/** Input of {@link lineAmounts}. */
export interface LineAmountsInput {
  /** Quantity; negative on a credit note or return. */
  readonly quantity: DecimalInput;
  /** Unit price (net or gross per `priceIncludesTax`); its currency is the line's currency. */
  readonly unitPrice: Money;
  /** Tax rate as a fraction ≥ 0, e.g. `'0.13'` or `CN_VAT_13.rate`. */
  readonly taxRate: DecimalInput;
  /** True when `unitPrice` includes tax (gross prices), false for net prices. */
  readonly priceIncludesTax: boolean;
  /** How each amount is rounded to the currency's minor units. */
  readonly rounding: RoundingMode;
  /** Discount as a fraction between 0 and 1, e.g. `'0.05'` for 5 %. Default 0. */
  readonly discountRate?: DecimalInput;
}

/** One line of {@link documentAmounts}. */
export interface DocumentLineInput {
  /** Quantity; negative on a credit note or return. */
  readonly quantity: DecimalInput;
  /** Unit price in the document's currency (net or gross per `priceIncludesTax`). */
  readonly unitPrice: Money;
  /** Tax rate as a fraction ≥ 0. Lines with numerically equal rates form one group. */
  readonly taxRate: DecimalInput;
  /** Discount as a fraction between 0 and 1. Default 0. */
  readonly discountRate?: DecimalInput;
}

/**
 * Where tax is rounded: `'line'` rounds each line's tax; `'document'` rounds the tax once per
 * tax rate over the whole document and allocates it back to the lines.
 */
export type TaxRoundingMode = 'line' | 'document';

/** Input of {@link documentAmounts}. */
export interface DocumentAmountsInput {
  /** The lines; may be empty (all amounts are then zero). */
  readonly lines: readonly DocumentLineInput[];
  /** The document's currency; every line's unit price must be in it. */
  readonly currency: Currency | string;
  /** True when unit prices include tax. */
  readonly priceIncludesTax: boolean;
  /** How amounts are rounded to the currency's minor units. */
  readonly rounding: RoundingMode;
  /** Whether tax is rounded per line or once per tax rate over the document. */
  readonly taxRounding: TaxRoundingMode;
}

/** Totals of one tax rate in {@link DocumentAmounts.taxByRate}. */
export interface TaxRateAmounts {
  /** The rate as a fraction. */
  readonly rate: Dec;
  /** Sum of the net amounts of the lines with this rate. */
  readonly net: Money;
  /** Sum of the tax of the lines with this rate. */
  readonly tax: Money;
}

/**
 * Result of {@link documentAmounts}: per-line amounts and totals, with `net + tax = gross` on
 * every line and on the totals, and the lines summing exactly to the totals.
 */
export interface DocumentAmounts {
  /** Amounts of each line, in input order. */
  readonly lines: LineAmounts[];
  /** Sum of the lines' net amounts. */
  readonly net: Money;
  /** Sum of the lines' tax. */
  readonly tax: Money;
  /** Sum of the lines' gross amounts. */
  readonly gross: Money;
  /** Net and tax per tax rate, in order of first appearance. */
  readonly taxByRate: TaxRateAmounts[];
}

function taxRateOf(v: DecimalInput): Dec {
  const r = dec(v);
  if (r.isNegative() && !r.isZero()) {
    throw new TradecoreBug('INVALID_TAX_RATE', `tax rate must be ≥ 0, got ${r.toString()}`, {
      taxRate: r.toString(),
    });
  }
  return r;
}

function discountOf(v: DecimalInput | undefined): Dec {
  const d = dec(v ?? 0);
  if (d.isNegative() && !d.isZero()) {
    throw new TradecoreBug('INVALID_DISCOUNT_RATE', 'discount rate must be between 0 and 1', {
      discountRate: d.toString(),
    });
  }
  if (d.greaterThan(1)) {
    throw new TradecoreBug('INVALID_DISCOUNT_RATE', 'discount rate must be between 0 and 1', {
      discountRate: d.toString(),
    });
  }
  return d;
}

/** qty × price × (1 − discount) rounded to the minor units: the net (or gross) line amount. */
function extended(
  quantity: DecimalInput,
  unitPrice: Money,
  discountRate: DecimalInput | undefined,
  rounding: RoundingMode,
): Money {
  const factor = new Dec(1).minus(discountOf(discountRate));
  return unitPrice.multiply(dec(quantity)).multiply(factor).round(rounding);
}

function line(net: Money, tax: Money, gross: Money): LineAmounts {
  return Object.freeze({ net, tax, gross });
}

/**
 * Net, tax and gross of one line, each at the currency's minor units, with `rounding`:
 *
 * - net prices: `net = round(qty × price × (1 − discount))`, `tax = round(net × rate)`,
 *   `gross = net + tax`;
 * - gross prices: `gross = round(qty × price × (1 − discount))`,
 *   `net = round(gross ÷ (1 + rate))`, `tax = gross − net`.
 *
 * Always `net + tax = gross` exactly; negating the quantity negates every amount exactly.
 *
 * @throws TradecoreBug `INVALID_TAX_RATE` (rate < 0), `INVALID_DISCOUNT_RATE` (outside 0…1),
 *   `INVALID_DECIMAL`.
 *
 * @example
 * ```ts
 * lineAmounts({ quantity: 3, unitPrice: Money.of('33.33', 'CNY'), taxRate: '0.13',
 *   priceIncludesTax: false, rounding: 'half-up' });
 * // net CNY 99.99, tax CNY 13.00 (12.9987), gross CNY 112.99
 * ```
 */
export function lineAmounts(input: LineAmountsInput): LineAmounts {
  const rate = taxRateOf(input.taxRate);
  const amount = extended(input.quantity, input.unitPrice, input.discountRate, input.rounding);
  if (input.priceIncludesTax) {
    const net = amount.divide(rate.plus(1)).round(input.rounding);
    return line(net, amount.subtract(net), amount);
  }
  const tax = amount.multiply(rate).round(input.rounding);
  return line(amount, tax, amount.add(tax));
}

/**
 * Splits `total` (at the currency's minor units) over lines in proportion to `bases`, summing
 * exactly to `total` and symmetric under negation.
 *
 * When all bases have one sign this is {@link allocate} by their absolute values. When signs
 * are mixed (say a returned line in an invoice), proportional shares are ill-conditioned, so
 * each line gets its exact share `base × k` (k = the rate applied to the base) truncated toward
 * zero, and the units still missing go one each to the largest fractional parts in the
 * direction needed (ties to the lower index).
 */
function spread(total: Money, bases: readonly Money[], k: Dec): Money[] {
  const c = total.currency;
  if (total.isZero() || bases.every((b) => b.isZero())) return bases.map(() => Money.zero(c));
  if (bases.every((b) => !b.isNegative()) || bases.every((b) => !b.isPositive())) {
    return allocate(
      total,
      bases.map((b) => b.amount.abs()),
    );
  }
  const scale = c.minorUnits;
  const exact = bases.map((b) => b.amount.times(k).times(`1e${scale}`));
  const parts = exact.map((e) => BigInt(e.toFixed(0, Dec.ROUND_DOWN)));
  const fracs = exact.map((e, i) => e.minus(parts[i]!.toString()));
  let missing = toUnits(total.amount, scale) - parts.reduce((s, p) => s + p, 0n);
  const step = missing > 0n ? 1n : -1n;
  // Largest fractions first when adding units, most negative first when removing them.
  const order = fracs
    .map((_, i) => i)
    .sort((a, b) => {
      const cmp = fracs[b]!.comparedTo(fracs[a]!) * (step > 0n ? 1 : -1);
      return cmp !== 0 ? cmp : a - b;
    });
  while (missing !== 0n) {
    for (const i of order) {
      if (missing === 0n) break;
      parts[i] = parts[i]! + step;
      missing -= step;
    }
  }
  return parts.map((p) => Money.of(fromUnits(p, scale), c));
}

interface Group {
  readonly rate: Dec;
  readonly indexes: number[];
}

function groupByRate(rates: readonly Dec[]): Group[] {
  const groups = new Map<string, Group>();
  rates.forEach((rate, i) => {
    const key = rate.toFixed();
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { rate, indexes: [i] });
    else g.indexes.push(i);
  });
  return [...groups.values()];
}

/**
 * Amounts of a whole document (quote, order, invoice, credit note).
 *
 * - `taxRounding: 'line'`: every line is computed by {@link lineAmounts}; totals are the sums.
 * - `taxRounding: 'document'`: lines are grouped by tax rate and each group's tax is rounded
 *   once. Net prices: line nets are rounded as in `lineAmounts`, group tax =
 *   `round(Σ net × rate)`, allocated back to the lines in proportion to their nets, and each
 *   line's gross = net + tax. Gross prices: line grosses are rounded, group net =
 *   `round(Σ gross ÷ (1 + rate))`, group tax = `Σ gross − group net`, allocated back in
 *   proportion to the lines' grosses, and each line's net = gross − tax. Allocation uses
 *   {@link allocate} (largest remainder); a group mixing positive and negative lines gets each
 *   line's exact tax truncated plus the remaining units by largest fraction instead.
 *
 * In both modes `net + tax = gross` on every line and on the totals, the lines sum exactly to
 * the totals, and negating every quantity negates every amount exactly (a credit note is the
 * invoice negated). An empty document has zero amounts.
 *
 * @throws TradecoreBug `CURRENCY_MISMATCH` when a unit price is in another currency, and as
 *   {@link lineAmounts}.
 */
export function documentAmounts(input: DocumentAmountsInput): DocumentAmounts {
  const c = resolveCurrency(input.currency);
  const { priceIncludesTax, rounding } = input;
  for (const l of input.lines) {
    if (l.unitPrice.currency.code !== c.code) {
      throw new TradecoreBug(
        'CURRENCY_MISMATCH',
        `line price in ${l.unitPrice.currency.code}, document in ${c.code}`,
        { expected: c.code, actual: l.unitPrice.currency.code },
      );
    }
  }
  const rates = input.lines.map((l) => taxRateOf(l.taxRate));
  let lines: LineAmounts[];
  if (input.taxRounding === 'line') {
    lines = input.lines.map((l, i) =>
      lineAmounts({
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        taxRate: rates[i]!,
        priceIncludesTax,
        rounding,
        ...(l.discountRate === undefined ? {} : { discountRate: l.discountRate }),
      }),
    );
  } else {
    const bases = input.lines.map((l) =>
      extended(l.quantity, l.unitPrice, l.discountRate, rounding),
    );
    const result = new Array<LineAmounts | undefined>(bases.length);
    for (const g of groupByRate(rates)) {
      const groupBases = g.indexes.map((i) => bases[i]!);
      const sum = Money.sum(groupBases, c);
      let tax: Money;
      let k: Dec;
      if (priceIncludesTax) {
        tax = sum.subtract(sum.divide(g.rate.plus(1)).round(rounding));
        k = g.rate.dividedBy(g.rate.plus(1));
      } else {
        tax = sum.multiply(g.rate).round(rounding);
        k = g.rate;
      }
      const taxes = spread(tax, groupBases, k);
      g.indexes.forEach((lineIndex, j) => {
        const base = groupBases[j]!;
        const t = taxes[j]!;
        result[lineIndex] = priceIncludesTax
          ? line(base.subtract(t), t, base)
          : line(base, t, base.add(t));
      });
    }
    lines = result.map((l) => l!);
  }
  const taxByRate = groupByRate(rates).map((g) => ({
    rate: g.rate,
    net: Money.sum(
      g.indexes.map((i) => lines[i]!.net),
      c,
    ),
    tax: Money.sum(
      g.indexes.map((i) => lines[i]!.tax),
      c,
    ),
  }));
  return {
    lines,
    net: Money.sum(
      lines.map((l) => l.net),
      c,
    ),
    tax: Money.sum(
      lines.map((l) => l.tax),
      c,
    ),
    gross: Money.sum(
      lines.map((l) => l.gross),
      c,
    ),
    taxByRate,
  };
}
