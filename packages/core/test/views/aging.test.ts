import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/money/decimal';
import type { AgingRow } from '../../src/ports/store';
import { parseInput } from '../../src/validation';
import {
  type AgeableItem,
  ageOpenItems,
  agingBounds,
  agingBucketsSchema,
  agingCutoffs,
  agingDateSchema,
  agingTotals,
  bucketAmounts,
  DEFAULT_AGING_BUCKETS,
  daysOverdue,
  resolveHeadOffice,
  rollUpAging,
} from '../../src/views/aging';

const item = (accountId: string, dueDate: string, residual: string): AgeableItem => ({
  accountId,
  dueDate,
  residual: new Dec(residual),
});
const fixed = (xs: readonly Dec[]) => xs.map((x) => x.toFixed(2));

describe('days overdue and cut-offs', () => {
  it('counts calendar days across month ends and leap days', () => {
    expect(daysOverdue('2026-11-21', '2026-11-22')).toBe(1);
    expect(daysOverdue('2026-11-22', '2026-11-22')).toBe(0);
    expect(daysOverdue('2026-11-23', '2026-11-22')).toBe(-1);
    expect(daysOverdue('2024-02-28', '2024-03-01')).toBe(2); // 2024 is a leap year
    expect(daysOverdue('2023-02-28', '2023-03-01')).toBe(1);
    expect(daysOverdue('2025-12-31', '2026-01-01')).toBe(1);
    expect(() => daysOverdue('2026-02-30', '2026-03-01')).toThrow(/INVALID_DATE|not a YYYY-MM-DD/);
  });

  it('turns bounds into due-date thresholds, and refuses malformed bounds', () => {
    expect(agingCutoffs('2026-03-01', [1, 30, 366])).toEqual([
      '2026-03-01',
      '2026-02-28',
      '2026-01-30',
      '2025-02-28',
    ]);
    expect(agingCutoffs('2026-03-01', [])).toEqual(['2026-03-01']);
    for (const bad of [[30, 30], [60, 30], [0, 30], [1.5], [36_501]]) {
      expect(() => agingCutoffs('2026-03-01', bad)).toThrow(/bounds/);
    }
    expect(() => agingCutoffs('0999-12-31', [30])).toThrow(/year 1000/);
    expect(() => agingCutoffs('2026-13-01', [30])).toThrow(/asOf/);
  });

  it('the thresholds put every due date in the bucket its days overdue say (law vs cut-offs)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -400, max: 400 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { maxLength: 6 }),
        fc.integer({ min: 0, max: 3000 }),
        (offset, raw, base) => {
          const bounds = [...raw].sort((a, b) => a - b);
          const asOf = new Date(Date.UTC(2020, 0, 1) + base * 86_400_000)
            .toISOString()
            .slice(0, 10);
          const due = new Date(Date.parse(`${asOf}T00:00:00Z`) - offset * 86_400_000)
            .toISOString()
            .slice(0, 10);
          const cut = agingCutoffs(asOf, bounds);
          const days = daysOverdue(due, asOf);
          expect(days).toBe(offset);
          const [row] = ageOpenItems([item('A', due, '1')], { asOf, bounds });
          const byDays = days <= 0 ? -1 : bounds.findIndex((b) => days <= b);
          const expected = byDays === -1 && days > 0 ? bounds.length : byDays;
          let byCut = -1;
          if (due < (cut[0] as string)) {
            byCut = 0;
            while (byCut < bounds.length && due < (cut[byCut + 1] as string)) byCut++;
          }
          expect(byCut).toBe(expected);
          if (expected === -1) expect(row?.notDue.toFixed()).toBe('1');
          else expect(row?.buckets[expected]?.toFixed()).toBe('1');
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('ageOpenItems', () => {
  it('ages a worked example (asOf 2026-11-22, bounds 30/60/90)', () => {
    const rows = ageOpenItems(
      [
        item('C2', '2026-12-01', '100.00'), // not due
        item('C1', '2026-11-22', '10.00'), // due today: not due
        item('C1', '2026-11-21', '1.00'), // 1 day
        item('C1', '2026-10-23', '2.00'), // 30 days
        item('C1', '2026-10-22', '4.00'), // 31 days
        item('C1', '2026-08-24', '8.00'), // 90 days
        item('C1', '2026-08-23', '16.00'), // 91 days
        item('C1', '2020-01-01', '0'), // settled: ignored
        item('C3', '2026-01-01', '0'), // settled: no row
      ],
      { asOf: '2026-11-22', bounds: [30, 60, 90] },
      (id) => (id === 'C2' ? 'USD' : 'CNY'),
    );
    expect(
      rows.map((r) => [
        r.accountId,
        r.currency,
        r.notDue.toFixed(2),
        fixed(r.buckets),
        r.total.toFixed(2),
        r.count,
        r.oldestDueDate,
      ]),
    ).toEqual([
      ['C1', 'CNY', '10.00', ['3.00', '4.00', '8.00', '16.00'], '41.00', 6, '2026-08-23'],
      ['C2', 'USD', '100.00', ['0.00', '0.00', '0.00', '0.00'], '100.00', 1, '2026-12-01'],
    ]);
    expect(
      ageOpenItems([item('C1', '2026-11-21', '1'), item('C2', '2026-11-21', '2')], {
        asOf: '2026-11-22',
        bounds: [],
        accountIds: ['C2', 'C9'],
      }).map((r) => [r.accountId, fixed(r.buckets)]),
    ).toEqual([['C2', ['2.00']]]);
  });

  it('conserves money: per row notDue + Σ buckets = total, and Σ totals = Σ open residuals', () => {
    const arbItem = fc.record({
      accountId: fc.constantFrom('A', 'B', 'C', 'D'),
      dueDate: fc
        .integer({ min: 0, max: 2000 })
        .map((d) => new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10)),
      residual: fc.integer({ min: 0, max: 1_000_000 }).map((c) => new Dec(c).dividedBy(100)),
    });
    fc.assert(
      fc.property(
        fc.array(arbItem, { maxLength: 60 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 900 }), { maxLength: 5 }),
        fc.integer({ min: 0, max: 2000 }),
        (items, raw, d) => {
          const bounds = [...raw].sort((a, b) => a - b);
          const asOf = new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
          const rows = ageOpenItems(items, { asOf, bounds });
          let sum = new Dec(0);
          for (const r of rows) {
            expect(r.buckets).toHaveLength(bounds.length + 1);
            const parts = r.buckets.reduce((a, b) => a.plus(b), r.notDue);
            expect(parts.equals(r.total)).toBe(true);
            sum = sum.plus(r.total);
          }
          const open = items.filter((i) => i.residual.greaterThan(0));
          expect(sum.equals(open.reduce((a, i) => a.plus(i.residual), new Dec(0)))).toBe(true);
          expect(rows.reduce((a, r) => a + r.count, 0)).toBe(open.length);
          expect(rows.map((r) => r.accountId)).toEqual(
            [...new Set(open.map((i) => i.accountId))].sort(),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('bucket definitions', () => {
  it('accepts the default and maps store sums onto definitions', () => {
    expect(parseInput(agingBucketsSchema, DEFAULT_AGING_BUCKETS).ok).toBe(true);
    expect(agingBounds(DEFAULT_AGING_BUCKETS)).toEqual([30, 60, 90]);
    const row = { notDue: new Dec(1), buckets: [2, 4, 8, 16].map((n) => new Dec(n)) };
    expect(fixed(bucketAmounts(row, DEFAULT_AGING_BUCKETS))).toEqual([
      '1.00',
      '2.00',
      '4.00',
      '8.00',
      '16.00',
    ]);
    // without a "not due" bucket, not-due items count in the first bucket
    const coarse = [
      { label: '0-45', toDays: 45 },
      { label: '45+', toDays: null },
    ];
    expect(agingBounds(coarse)).toEqual([45]);
    expect(
      fixed(bucketAmounts({ notDue: new Dec(1), buckets: [new Dec(2), new Dec(4)] }, coarse)),
    ).toEqual(['3.00', '4.00']);
    expect(
      fixed(
        bucketAmounts({ notDue: new Dec(1), buckets: [new Dec(2)] }, [
          { label: 'all', toDays: null },
        ]),
      ),
    ).toEqual(['3.00']);
    expect(() => bucketAmounts(row, coarse)).toThrow(/does not fit/);
  });

  it('rejects buckets out of order, open-ended in the middle, closed at the end, duplicate labels', () => {
    const issues = (v: unknown) => {
      const r = parseInput(agingBucketsSchema, v, 'buckets');
      return r.ok ? [] : r.error.issues.map((i) => [i.path, i.rule]);
    };
    expect(
      issues([
        { label: 'not due', toDays: 0 },
        { label: '1-60', toDays: 60 },
        { label: '1-30', toDays: 30 },
        { label: 'rest', toDays: null },
      ]),
    ).toEqual([['buckets.2.toDays', 'ascending']]);
    expect(
      issues([
        { label: 'a', toDays: null },
        { label: 'b', toDays: 30 },
      ]),
    ).toEqual([
      ['buckets.0.toDays', 'open_ended_last'],
      ['buckets.1.toDays', 'open_ended_last'],
    ]);
    expect(
      issues([
        { label: 'x', toDays: 30 },
        { label: 'x', toDays: null },
      ]),
    ).toEqual([['buckets.1.label', 'unique']]);
    expect(
      issues([
        { label: 'a', toDays: -1 },
        { label: 'b', toDays: null },
      ]),
    ).toEqual([['buckets.0.toDays', 'too_small']]);
    expect(issues([])).toEqual([['buckets', 'too_small']]);
    const date = parseInput(agingDateSchema, '2026-02-30', 'asOf');
    expect(!date.ok && date.error.issues.map((i) => [i.path, i.rule])).toEqual([['asOf', 'date']]);
  });
});

describe('head-office roll-up', () => {
  const row = (
    accountId: string,
    currency: string | null,
    notDue: number,
    b: number[],
  ): AgingRow => {
    const buckets = b.map((n) => new Dec(n));
    const total = buckets.reduce((a, x) => a.plus(x), new Dec(notDue));
    return {
      accountId,
      currency,
      notDue: new Dec(notDue),
      buckets,
      total,
      count: 1 + b.length,
      oldestDueDate: `2026-0${1 + (accountId.length % 9)}-01`,
    };
  };
  const heads = new Map([
    ['SUB1', 'HQ'],
    ['SUB2', 'SUB1'], // a chain: SUB2 → SUB1 → HQ
    ['SUB2b', 'SUB2'],
    ['X', 'Y'],
    ['Y', 'X'], // a cycle (bad data): both roll up to X, the smaller id
  ]);
  const of = (id: string) => heads.get(id);

  it('follows the chain to the top and settles cycles deterministically', () => {
    expect(resolveHeadOffice('SUB2', of)).toBe('HQ');
    expect(resolveHeadOffice('HQ', of)).toBe('HQ');
    expect(resolveHeadOffice('Y', of)).toBe('X');
    expect(resolveHeadOffice('X', of)).toBe('X');
  });

  it('adds subsidiaries into their head office, per currency, listing the members', () => {
    const rows = [
      row('HQ', 'CNY', 1, [2, 3]),
      row('SUB1', 'CNY', 10, [20, 30]),
      row('SUB2', 'CNY', 100, [200, 300]),
      row('SUB2b', 'USD', 5, [0, 0]),
      row('OTHER', 'CNY', 7, [0, 1]),
    ];
    const rolled = rollUpAging(rows, of);
    expect(
      rolled.map((r) => [
        r.accountId,
        r.currency,
        r.notDue.toFixed(),
        r.buckets.map(String),
        r.total.toFixed(),
        r.count,
        r.members,
      ]),
    ).toEqual([
      ['HQ', 'CNY', '111', ['222', '333'], '666', 9, ['HQ', 'SUB1', 'SUB2']],
      ['HQ', 'USD', '5', ['0', '0'], '5', 3, ['SUB2b']],
      ['OTHER', 'CNY', '7', ['0', '1'], '8', 3, ['OTHER']],
    ]);
    // totals are the same whether or not the rows were rolled up
    const flat = agingTotals(rows).map((t) => [
      t.currency,
      t.total.toFixed(),
      t.count,
      t.buckets.map(String),
    ]);
    const up = agingTotals(rolled).map((t) => [
      t.currency,
      t.total.toFixed(),
      t.count,
      t.buckets.map(String),
    ]);
    expect(up).toEqual(flat);
    expect(flat).toEqual([
      ['CNY', '674', 12, ['222', '334']],
      ['USD', '5', 3, ['0', '0']],
    ]);
    expect(() => rollUpAging([row('A', 'CNY', 1, [1]), row('A', 'CNY', 1, [1, 2])], of)).toThrow(
      /different bounds/,
    );
  });
});
