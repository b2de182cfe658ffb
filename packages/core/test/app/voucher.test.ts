import { describe, expect, it } from 'vitest';
import { buildVoucher } from '../../src/accounting/voucher';
import { Money } from '../../src/money/money';

const H = {
  id: 'v',
  number: 'V-1',
  postedAt: '2026-11-22T00:00:00.000Z',
  sourceKind: 'invoice',
  sourceId: 'i',
  memo: '',
};
const cny = (a: string) => Money.of(a, 'CNY');

describe('vouchers', () => {
  it('builds a balanced invoice voucher and drops zero lines', () => {
    const v = buildVoucher(H, [
      { account: '1122', debit: cny('113.00'), partyId: 'c' },
      { account: '6001', credit: cny('100.00') },
      { account: '222101', credit: cny('13.00') },
      { account: '9999', credit: cny('0.00') },
    ]);
    expect(
      v.lines.map((l) => [l.account, l.debit.toFixed(2), l.credit.toFixed(2), l.partyId]),
    ).toEqual([
      ['1122', '113.00', '0.00', 'c'],
      ['6001', '0.00', '100.00', null],
      ['222101', '0.00', '13.00', null],
    ]);
  });

  it('turns negative amounts to the other side, so a credit note reverses its invoice exactly', () => {
    const v = buildVoucher(H, [
      { account: '1122', debit: cny('-113.00') },
      { account: '6001', credit: cny('-100.00') },
      { account: '222101', credit: cny('-13.00') },
    ]);
    expect(v.lines.map((l) => [l.account, l.debit.toFixed(2), l.credit.toFixed(2)])).toEqual([
      ['1122', '0.00', '113.00'],
      ['6001', '100.00', '0.00'],
      ['222101', '13.00', '0.00'],
    ]);
  });

  it('refuses an unbalanced or unrounded posting as a bug', () => {
    expect(() =>
      buildVoucher(H, [
        { account: '1', debit: cny('1.00') },
        { account: '2', credit: cny('0.99') },
      ]),
    ).toThrow(/UNBALANCED_VOUCHER/);
    expect(() =>
      buildVoucher(H, [
        { account: '1', debit: cny('1.001') },
        { account: '2', credit: cny('1.001') },
      ]),
    ).toThrow(/UNROUNDED_POSTING/);
    expect(() => buildVoucher(H, [])).toThrow(/EMPTY_VOUCHER/);
  });
});
