import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capacityOf, decideCredit } from '../../src/credit/decision';
import { DEFAULT_CREDIT_POLICY } from '../../src/credit/policy';
import { Dec } from '../../src/money/decimal';
import { Money } from '../../src/money/money';
import type { CreditAccount, CreditBucket } from '../../src/ports/store';

const cents = (max: number) => fc.integer({ min: 0, max }).map((n) => new Dec(n).dividedBy(100));
const NOW = '2026-11-22T08:00:00.000Z';

const accountArb = fc.record({
  limit: fc.option(cents(1_000_000), { nil: null }),
  temporary: cents(100_000),
  temporaryUntil: fc.constantFrom(null, '2026-11-22T07:00:00.000Z', '2026-12-01T00:00:00.000Z'),
  deposit: cents(100_000),
  frozen: fc.boolean(),
  orders: cents(500_000),
  uninvoiced: cents(500_000),
  receivables: cents(500_000),
});

const make = (
  id: string,
  a: Omit<CreditAccount, 'accountId' | 'parentId' | 'currency'>,
  parentId: string | null = null,
): CreditAccount => ({
  accountId: id,
  parentId,
  currency: 'CNY',
  ...a,
});

const ALL: CreditBucket[] = ['orders', 'uninvoiced', 'receivables'];

describe('credit decisions (properties)', () => {
  it('available = limit + temporary (unexpired) + deposits − exposure, always', () => {
    fc.assert(
      fc.property(accountArb, cents(100_000), (a, amount) => {
        const acc = make('C', a);
        const d = decideCredit({
          accounts: [acc],
          amount: Money.of(amount, 'CNY'),
          from: null,
          to: 'orders',
          checkpoint: 'confirm',
          policy: DEFAULT_CREDIT_POLICY.confirm,
          asOf: NOW,
        });
        const f = d.figures[0]!;
        const temporary =
          acc.temporaryUntil !== null && NOW < acc.temporaryUntil ? acc.temporary : new Dec(0);
        if (acc.limit === null) {
          expect(f.availableAfter).toBeNull();
        } else {
          const expected = acc.limit
            .plus(temporary)
            .plus(acc.deposit)
            .minus(acc.orders.plus(acc.uninvoiced).plus(acc.receivables).plus(amount));
          expect(f.availableAfter?.amount.equals(expected)).toBe(true);
          expect(capacityOf(acc, NOW)?.equals(acc.limit.plus(temporary).plus(acc.deposit))).toBe(
            true,
          );
        }
      }),
    );
  });

  it('never blocks when the exposure after the step fits every account (and none is frozen), and always blocks when one does not', () => {
    fc.assert(
      fc.property(accountArb, accountArb, cents(200_000), (member, group, amount) => {
        const accounts = [
          make('M', { ...member, frozen: false }, 'G'),
          make('G', { ...group, frozen: false }),
        ];
        const d = decideCredit({
          accounts,
          amount: Money.of(amount, 'CNY'),
          from: null,
          to: 'orders',
          checkpoint: 'confirm',
          policy: { mode: 'block', counted: ALL },
          asOf: NOW,
        });
        const fits = accounts.every((a) => {
          const cap = capacityOf(a, NOW);
          return (
            cap === null ||
            a.orders.plus(a.uninvoiced).plus(a.receivables).plus(amount).lessThanOrEqualTo(cap)
          );
        });
        expect(d.outcome === 'block').toBe(!fits);
        if (!fits) expect(d.reasons.some((r) => r.code === 'LIMIT_EXCEEDED')).toBe(true);
      }),
    );
  });

  it('warn mode never blocks; off mode always passes; a frozen account blocks in block mode', () => {
    fc.assert(
      fc.property(accountArb, cents(200_000), (a, amount) => {
        const acc = make('C', a);
        const input = {
          accounts: [acc],
          amount: Money.of(amount, 'CNY'),
          from: null,
          to: 'orders' as const,
          checkpoint: 'confirm' as const,
          asOf: NOW,
        };
        expect(decideCredit({ ...input, policy: { mode: 'warn', counted: ALL } }).outcome).not.toBe(
          'block',
        );
        expect(decideCredit({ ...input, policy: { mode: 'off', counted: ALL } }).outcome).toBe(
          'pass',
        );
        if (acc.frozen)
          expect(decideCredit({ ...input, policy: { mode: 'block', counted: ALL } }).outcome).toBe(
            'block',
          );
      }),
    );
  });

  it('a move between two counted buckets never changes the counted exposure', () => {
    fc.assert(
      fc.property(accountArb, cents(100_000), (a, amount) => {
        const acc = make('C', { ...a, orders: a.orders.plus(amount) });
        const d = decideCredit({
          accounts: [acc],
          amount: Money.of(amount, 'CNY'),
          from: 'orders',
          to: 'uninvoiced',
          checkpoint: 'delivery',
          policy: { mode: 'block', counted: ALL },
          asOf: NOW,
        });
        expect(d.figures[0]!.exposureAfter.equals(d.figures[0]!.exposure)).toBe(true);
      }),
    );
  });

  it('worked example: a group binds before a member without its own limit; the expired temporary limit is named', () => {
    const member = make(
      'SUB',
      {
        limit: null,
        temporary: new Dec(0),
        temporaryUntil: null,
        deposit: new Dec(0),
        frozen: false,
        orders: new Dec('40.00'),
        uninvoiced: new Dec(0),
        receivables: new Dec('20.00'),
      },
      'G',
    );
    const group = make('G', {
      limit: new Dec('100.00'),
      temporary: new Dec('50.00'),
      temporaryUntil: '2026-11-01T00:00:00.000Z',
      deposit: new Dec('10.00'),
      frozen: false,
      orders: new Dec('60.00'),
      uninvoiced: new Dec(0),
      receivables: new Dec('30.00'),
    });
    // group: capacity 100 + 10 (deposit) + 0 (temporary expired) = 110; exposure 90 + 25.00 = 115 → exceeded by 5.00
    const d = decideCredit({
      accounts: [member, group],
      amount: Money.of('25.00', 'CNY'),
      from: null,
      to: 'orders',
      checkpoint: 'confirm',
      policy: DEFAULT_CREDIT_POLICY.confirm,
      asOf: NOW,
    });
    expect(d.outcome).toBe('block');
    expect(d.reasons.map((r) => r.code)).toEqual(['LIMIT_EXCEEDED', 'TEMPORARY_LIMIT_EXPIRED']);
    const r = d.reasons[0]!;
    expect(
      r.code === 'LIMIT_EXCEEDED' && [
        r.accountId,
        r.capacity.toFixed(),
        r.exposureAfter.toFixed(),
        r.exceededBy.toFixed(),
      ],
    ).toEqual(['G', '110.00', '115.00', '5.00']);
    expect(d.figures[0]!.availableAfter).toBeNull();
  });
});
