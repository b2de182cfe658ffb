/**
 * ISO 4217 currencies and their minor units.
 *
 * @module
 */

import { TradecoreBug } from '../kernel/errors';

/** A currency: its ISO 4217 code and how many decimal places its minor unit has. */
export interface Currency {
  /** ISO 4217 alphabetic code, e.g. `CNY`. */
  readonly code: string;
  /** Decimal places of the minor unit: CNY 2 (fen), JPY 0, KWD 3 (fils). */
  readonly minorUnits: number;
}

/**
 * ISO 4217 minor units, grouped by digit count. Active circulating currencies plus a few
 * fund codes in common use (CLF, UYW).
 */
const TABLE: Readonly<Record<number, string>> = {
  0: 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF',
  2:
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN ' +
    'BZD CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS ' +
    'GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR ' +
    'LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD ' +
    'PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN ' +
    'SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VED VES WST XCD XCG YER ZAR ' +
    'ZMW ZWG',
  3: 'BHD IQD JOD KWD LYD OMR TND',
  4: 'CLF UYW',
};

function buildTable(): ReadonlyMap<string, Currency> {
  const entries: [string, Currency][] = [];
  for (const [digits, codes] of Object.entries(TABLE)) {
    for (const code of codes.split(' ')) {
      entries.push([code, Object.freeze({ code, minorUnits: Number(digits) })]);
    }
  }
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(entries);
}

/**
 * Known ISO 4217 currencies by code, e.g. `CURRENCIES.get('KWD')?.minorUnits === 3`.
 * Codes are upper case and matched exactly.
 */
export const CURRENCIES: ReadonlyMap<string, Currency> = buildTable();

/** Looks up a currency by its exact ISO 4217 code; `undefined` when unknown. */
export function findCurrency(code: string): Currency | undefined {
  return CURRENCIES.get(code);
}

/**
 * Looks up a currency by its exact ISO 4217 code.
 *
 * @throws TradecoreBug `UNKNOWN_CURRENCY` when the code is not in {@link CURRENCIES}
 *   (validate codes at the boundary; an unknown code reaching the domain is a bug).
 */
export function currency(code: string): Currency {
  const c = CURRENCIES.get(code);
  if (c === undefined) {
    throw new TradecoreBug('UNKNOWN_CURRENCY', `unknown currency code '${code}'`, { code });
  }
  return c;
}

/**
 * Resolves a code or a {@link Currency} to a currency. A currency object outside the table
 * (a custom or private currency) is accepted when its code is non-empty and its minor units
 * are a whole number between 0 and 18.
 *
 * @throws TradecoreBug `UNKNOWN_CURRENCY` for an unknown code, `INVALID_CURRENCY` for a
 *   malformed currency object.
 */
export function resolveCurrency(c: Currency | string): Currency {
  if (typeof c === 'string') return currency(c);
  if (
    typeof c !== 'object' ||
    c === null ||
    typeof c.code !== 'string' ||
    c.code.length === 0 ||
    !Number.isInteger(c.minorUnits) ||
    c.minorUnits < 0 ||
    c.minorUnits > 18
  ) {
    throw new TradecoreBug('INVALID_CURRENCY', 'a currency needs a code and whole minor units', {
      currency: c,
    });
  }
  return c;
}
