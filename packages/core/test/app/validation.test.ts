import { describe, expect, it } from 'vitest';
import { draftSalesOrderInput, recordReceiptInput } from '../../src/app/schemas';
import { parseInput } from '../../src/validation';

describe('boundary validation', () => {
  it('names the field and the rule of every problem', () => {
    const r = parseInput(draftSalesOrderInput, {
      customerId: '',
      warehouseId: 'W',
      priceListId: 'PL',
      lines: [
        { productId: 'P', quantity: '1.0000001' },
        { productId: 'P', quantity: 'abc' },
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('VALIDATION_FAILED');
    expect(r.error.issues.map((i) => [i.path, i.rule])).toEqual([
      ['customerId', 'too_small'],
      ['lines.0.quantity', 'decimal_places'],
      ['lines.1.quantity', 'decimal'],
    ]);
    expect(r.error.message).toContain('lines.1.quantity');
  });

  it('checks money against its currency minor units and parses it to Money', () => {
    const ok = parseInput(recordReceiptInput, {
      payerId: 'c',
      amount: { amount: '12.5', currency: 'KWD' },
    });
    expect(ok.ok && ok.value.amount.toString()).toBe('KWD 12.500');
    const bad = parseInput(recordReceiptInput, {
      payerId: 'c',
      amount: { amount: 12.345, currency: 'USD' },
    });
    expect(!bad.ok && bad.error.issues[0]).toMatchObject({
      path: 'amount.amount',
      rule: 'currency_minor_units',
    });
    const zero = parseInput(recordReceiptInput, {
      payerId: 'c',
      amount: { amount: '0', currency: 'USD' },
    });
    expect(!zero.ok && zero.error.issues[0]).toMatchObject({
      path: 'amount.amount',
      rule: 'positive',
    });
  });
});
