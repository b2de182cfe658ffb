import { describe, expect, it } from 'vitest';
import { CURRENCIES, currency, findCurrency, Money } from '../../src/money';
import { expectBug } from './arbitraries';

describe('currencies', () => {
  it('knows the ISO 4217 minor units', () => {
    const expected: Record<string, number> = {
      CNY: 2,
      USD: 2,
      EUR: 2,
      GBP: 2,
      JPY: 0,
      KRW: 0,
      HKD: 2,
      TWD: 2,
      SGD: 2,
      AUD: 2,
      CAD: 2,
      CHF: 2,
      INR: 2,
      RUB: 2,
      BRL: 2,
      MXN: 2,
      THB: 2,
      VND: 0,
      IDR: 2,
      MYR: 2,
      PHP: 2,
      NZD: 2,
      SEK: 2,
      NOK: 2,
      DKK: 2,
      PLN: 2,
      CZK: 2,
      HUF: 2,
      ZAR: 2,
      TRY: 2,
      AED: 2,
      SAR: 2,
      ILS: 2,
      KWD: 3,
      BHD: 3,
      OMR: 3,
      JOD: 3,
      TND: 3,
      LYD: 3,
      IQD: 3,
      CLP: 0,
      ISK: 0,
      UGX: 0,
      XAF: 0,
      XOF: 0,
      CLF: 4,
    };
    for (const [code, minor] of Object.entries(expected)) {
      expect(findCurrency(code), code).toEqual({ code, minorUnits: minor });
    }
    expect(CURRENCIES.size).toBeGreaterThan(140);
    for (const [code, c] of CURRENCIES) {
      expect(c.code).toBe(code);
      expect(code).toMatch(/^[A-Z]{3}$/);
    }
  });

  it('finds and requires codes exactly', () => {
    expect(currency('KWD').minorUnits).toBe(3);
    expect(findCurrency('cny')).toBeUndefined();
    expect(findCurrency('XXY')).toBeUndefined();
    const e = expectBug(() => currency('XXY'), 'UNKNOWN_CURRENCY');
    expect(e.details).toEqual({ code: 'XXY' });
    expectBug(() => Money.of('1', 'ABC'), 'UNKNOWN_CURRENCY');
  });

  it('accepts a custom currency object and rejects a malformed one', () => {
    const pts = { code: 'PTS', minorUnits: 1 };
    expect(Money.of('2.5', pts).toString()).toBe('PTS 2.5');
    expectBug(() => Money.of('1', { code: '', minorUnits: 2 }), 'INVALID_CURRENCY');
    expectBug(() => Money.of('1', { code: 'BAD', minorUnits: 1.5 }), 'INVALID_CURRENCY');
  });
});
