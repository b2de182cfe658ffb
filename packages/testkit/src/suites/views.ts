/**
 * Receivable views on an adapter: the store's `credit.aging` equals core's `ageOpenItems` and
 * `credit.dueItems` equals a plain filter-sort-limit over random open items, accounts, days and
 * bounds (fast-check); money is conserved; and worked examples through Tradecore's `arAging` and
 * `dueReceivables`: per customer, rolled up to the head office, due lists with a limit, tenant
 * isolation, and bad input rejected with the field named. Contract views through Tradecore's
 * `contractExecution` and `expiringContracts`, driven by real commands (draft, confirm, partial
 * delivery, invoice, return and credit note, receipts written off with a small difference).
 */
import {
  ageOpenItems,
  Dec,
  type DueOpenItem,
  FixedClock,
  type OpenItem,
  type StorePort,
  type TenantId,
  unwrap,
} from '@tradecore/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSlice, tradecoreFor } from '../fixtures';
import { d, freshTenant, openAccount, type StoreHarness } from '../harness';

const DAY = 86_400_000;
const dayFrom = (base: string, days: number) =>
  new Date(Date.parse(`${base}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/** An open item to seed: amount and how much of it was settled, in cents. */
interface Seed {
  readonly account: number;
  readonly due: number;
  readonly cents: number;
  readonly settledCents: number;
}

const ACCOUNTS = ['A1', 'A2', 'B1', 'C1', 'C2'] as const;
const currencyOfIndex = (i: number) => (i % 2 === 0 ? 'CNY' : 'USD');

const seedArb = fc
  .record({
    account: fc.integer({ min: 0, max: ACCOUNTS.length - 1 }),
    // dense days, so items fall due exactly on asOf and exactly on a bound in most runs
    due: fc.integer({ min: -30, max: 30 }),
    cents: fc.integer({ min: 1, max: 10_000_000 }),
    settled: fc.integer({ min: 0, max: 4 }),
  })
  .map(
    (s): Seed => ({
      account: s.account,
      due: s.due,
      cents: s.cents,
      // 0: untouched, 4: fully settled (residual 0, not open), else a part
      settledCents: s.settled === 0 ? 0 : s.settled === 4 ? s.cents : Math.floor(s.cents / 3),
    }),
  );

const queryArb = fc.record({
  asOf: fc.integer({ min: -30, max: 30 }),
  bounds: fc
    .uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 5 })
    .map((b) => [...b].sort((x, y) => x - y)),
  accounts: fc.option(fc.subarray([...ACCOUNTS, 'NOBODY']), { nil: undefined }),
  within: fc.integer({ min: -30, max: 30 }),
  limit: fc.integer({ min: 1, max: 40 }),
});

const BASE = '2026-06-15';

const show = (xs: readonly Dec[]) => xs.map((x) => x.toFixed(2));

/** Registers the receivable-view conformance tests for one adapter. */
export function viewsSuite(h: StoreHarness): void {
  describe(`receivable views conformance — ${h.name}`, () => {
    let store: StorePort;
    beforeAll(async () => {
      store = await h.open();
    });
    afterAll(async () => {
      await (h.close ? h.close(store) : store.close());
    });
    const scale = h.scale ?? 1;

    async function seed(t: TenantId, seeds: readonly Seed[]): Promise<OpenItem[]> {
      const items: OpenItem[] = [];
      await store.transaction(t, async (tx) => {
        for (const [i, id] of ACCOUNTS.entries())
          await openAccount(tx, id, currencyOfIndex(i), null);
        for (const [n, s] of seeds.entries()) {
          const itemId = `INV-${String(n).padStart(4, '0')}#1`;
          const amount = new Dec(s.cents).dividedBy(100);
          const base = {
            itemId,
            accountId: ACCOUNTS[s.account] as string,
            sourceKind: 'invoice',
            sourceId: `INV-${n}`,
            dueDate: dayFrom(BASE, s.due),
            amount,
          };
          await tx.credit.addOpenItem(base);
          const paid = new Dec(s.settledCents).dividedBy(100);
          if (s.settledCents > 0) {
            const after = await tx.credit.settleOpenItem(itemId, paid);
            expect(after?.residual.toFixed(2)).toBe(amount.minus(paid).toFixed(2));
          }
          items.push({ ...base, residual: amount.minus(paid) });
        }
      });
      return items;
    }

    it('aging equals ageOpenItems and dueItems equals filter-sort-limit, over random items, days, bounds and accounts', async () => {
      const runs = Math.max(10, Math.round(60 * scale));
      await fc.assert(
        fc.asyncProperty(fc.array(seedArb, { maxLength: 30 }), queryArb, async (seeds, qa) => {
          const t = freshTenant('age');
          const items = await seed(t, seeds);
          const asOf = dayFrom(BASE, qa.asOf);
          const query = {
            asOf,
            bounds: qa.bounds,
            ...(qa.accounts === undefined ? {} : { accountIds: qa.accounts }),
          };
          const through = dayFrom(BASE, qa.within);
          const [rows, due] = await store.transaction(t, async (tx) => [
            await tx.credit.aging(query),
            await tx.credit.dueItems({
              through,
              limit: qa.limit,
              ...(qa.accounts === undefined ? {} : { accountIds: qa.accounts }),
            }),
          ]);
          const currency = (id: string) => {
            const i = ACCOUNTS.indexOf(id as (typeof ACCOUNTS)[number]);
            return i < 0 ? null : currencyOfIndex(i);
          };
          const law = ageOpenItems(items, query, currency);
          const norm = (r: (typeof rows)[number]) => ({
            ...r,
            notDue: r.notDue.toFixed(2),
            buckets: show(r.buckets),
            total: r.total.toFixed(2),
          });
          expect(rows.map(norm)).toEqual(law.map(norm));
          // conservation: notDue + Σ buckets = total per row; Σ totals = Σ open residuals
          const wanted = (i: OpenItem) =>
            qa.accounts === undefined || qa.accounts.includes(i.accountId);
          const open = items.filter((i) => i.residual.greaterThan(0) && wanted(i));
          let sum = new Dec(0);
          for (const r of rows) {
            expect(r.buckets.reduce((a, b) => a.plus(b), r.notDue).toFixed(2)).toBe(
              r.total.toFixed(2),
            );
            sum = sum.plus(r.total);
          }
          expect(sum.toFixed(2)).toBe(open.reduce((a, i) => a.plus(i.residual), d(0)).toFixed(2));
          // due list
          const expected = open
            .filter((i) => i.dueDate <= through)
            .sort((a, b) =>
              a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.itemId < b.itemId ? -1 : 1,
            )
            .slice(0, qa.limit);
          const dueNorm = (i: DueOpenItem | OpenItem) => [
            i.itemId,
            i.accountId,
            i.dueDate,
            i.amount.toFixed(2),
            i.residual.toFixed(2),
            'currency' in i ? i.currency : currency(i.accountId),
          ];
          expect(due.map(dueNorm)).toEqual(expected.map(dueNorm));
        }),
        { numRuns: runs },
      );
    });

    it('puts items due exactly on asOf and exactly on a bound on the right side', async () => {
      const t = freshTenant('edge');
      // cents 1, 2, 4, … so every bucket's sum says which items it holds
      const offsets = [0, -1, -30, -31, -60, -61, 1];
      await seed(
        t,
        offsets.map((due, i) => ({ account: 0, due, cents: 2 ** i, settledCents: 0 })),
      );
      const [row] = await store.transaction(t, (tx) =>
        tx.credit.aging({ asOf: BASE, bounds: [30, 60] }),
      );
      expect([row?.notDue.toFixed(2), show(row?.buckets ?? [])]).toEqual([
        '0.65', // due today (0.01) and tomorrow (0.64)
        ['0.06', '0.24', '0.32'], // 1 and 30 days; 31 and 60 days; 61 days
      ]);
      expect([row?.count, row?.oldestDueDate]).toEqual([7, dayFrom(BASE, -61)]);
      const due = await store.transaction(t, (tx) =>
        tx.credit.dueItems({ through: dayFrom(BASE, -30), limit: 10 }),
      );
      expect(due.map((i) => i.dueDate)).toEqual([-61, -60, -31, -30].map((x) => dayFrom(BASE, x)));
    });

    it('ages nothing of another tenant, and rolls back with the transaction', async () => {
      const t1 = freshTenant('iso');
      const t2 = freshTenant('iso');
      await seed(t1, [{ account: 0, due: -40, cents: 1000, settledCents: 0 }]);
      await seed(t2, [{ account: 0, due: -10, cents: 500, settledCents: 0 }]);
      try {
        await store.transaction(t1, async (tx) => {
          await tx.credit.addOpenItem({
            itemId: 'LOST#1',
            accountId: 'A1',
            sourceKind: 'invoice',
            sourceId: 'LOST',
            dueDate: BASE,
            amount: d('99'),
          });
          throw new Error('roll back');
        });
      } catch {}
      const rows = await store.transaction(t1, (tx) =>
        tx.credit.aging({ asOf: BASE, bounds: [30] }),
      );
      expect(rows.map((r) => [r.accountId, show(r.buckets), r.total.toFixed(2)])).toEqual([
        ['A1', ['0.00', '10.00'], '10.00'],
      ]);
      const due = await store.transaction(t2, (tx) =>
        tx.credit.dueItems({ through: BASE, limit: 10 }),
      );
      expect(due.map((i) => [i.itemId, i.residual.toFixed(2), i.currency])).toEqual([
        ['INV-0000#1', '5.00', 'CNY'],
      ]);
    });

    describe('through Tradecore: arAging and dueReceivables', () => {
      async function world() {
        const t = freshTenant('arv');
        const clock = new FixedClock('2026-11-22T08:00:00.000Z');
        const tc = tradecoreFor(store, t, { clock });
        const customer = async (id: string, headOfficeId?: string) =>
          unwrap(
            await tc.registerCustomer(t, {
              id,
              name: id,
              shipTo: [{ id: `${id}-S`, name: id, address: '-' }],
              ...(headOfficeId === undefined ? {} : { headOfficeId }),
            }),
          );
        await customer('HQ');
        await customer('SUB1', 'HQ');
        await customer('SUB2', 'SUB1'); // a subsidiary of a subsidiary: still under HQ
        await customer('SOLO');
        await customer('EXPORT', 'HQ'); // billed in USD: its own line under HQ
        for (const [id, cur] of [
          ['HQ', 'CNY'],
          ['SUB1', 'CNY'],
          ['SUB2', 'CNY'],
          ['SOLO', 'CNY'],
          ['EXPORT', 'USD'],
        ] as const) {
          unwrap(
            await tc.setCreditLimit(t, {
              customerId: id,
              limit: { amount: '1000000.00', currency: cur },
            }),
          );
        }
        // asOf 2026-11-22: 12-01 not due; 11-22 due today (not due); 11-01 21 days;
        // 10-15 38 days; 09-01 82 days; 06-30 145 days.
        const items: [string, string, string, string?][] = [
          ['HQ', '2026-12-01', '100.00'],
          ['HQ', '2026-10-15', '50.00', '20.00'], // 30.00 left
          ['SUB1', '2026-11-22', '7.00'],
          ['SUB1', '2026-11-01', '40.00'],
          ['SUB2', '2026-06-30', '60.00'],
          ['SOLO', '2026-09-01', '25.00'],
          ['SOLO', '2026-05-01', '10.00', '10.00'], // settled: not open
          ['EXPORT', '2026-11-01', '9.99'],
        ];
        await store.transaction(t, async (tx) => {
          for (const [n, [acc, due, amount, paid]] of items.entries()) {
            const itemId = `INV${n + 1}#1`;
            await tx.credit.addOpenItem({
              itemId,
              accountId: acc,
              sourceKind: 'invoice',
              sourceId: `INV${n + 1}`,
              dueDate: due,
              amount: d(amount),
            });
            if (paid !== undefined) await tx.credit.settleOpenItem(itemId, d(paid));
          }
        });
        return { t, tc, clock };
      }
      const lineOf = (l: {
        accountId: string;
        currency: string;
        amounts: readonly { toFixed(): string }[];
        total: { toFixed(): string };
        count: number;
        oldestDueDate: string;
        members: readonly string[];
      }) => [
        l.accountId,
        l.currency,
        l.amounts.map((a) => a.toFixed()),
        l.total.toFixed(),
        l.count,
        l.oldestDueDate,
        l.members,
      ];

      it('ages per customer in the default buckets as of the clock day, with totals per currency', async () => {
        const { t, tc } = await world();
        const r = unwrap(await tc.arAging(t));
        expect(r.asOf).toBe('2026-11-22');
        expect(r.buckets.map((b) => b.label)).toEqual(['not due', '1-30', '31-60', '61-90', '90+']);
        expect(r.lines.map(lineOf)).toEqual([
          [
            'EXPORT',
            'USD',
            ['0.00', '9.99', '0.00', '0.00', '0.00'],
            '9.99',
            1,
            '2026-11-01',
            ['EXPORT'],
          ],
          [
            'HQ',
            'CNY',
            ['100.00', '0.00', '30.00', '0.00', '0.00'],
            '130.00',
            2,
            '2026-10-15',
            ['HQ'],
          ],
          [
            'SOLO',
            'CNY',
            ['0.00', '0.00', '0.00', '25.00', '0.00'],
            '25.00',
            1,
            '2026-09-01',
            ['SOLO'],
          ],
          [
            'SUB1',
            'CNY',
            ['7.00', '40.00', '0.00', '0.00', '0.00'],
            '47.00',
            2,
            '2026-11-01',
            ['SUB1'],
          ],
          [
            'SUB2',
            'CNY',
            ['0.00', '0.00', '0.00', '0.00', '60.00'],
            '60.00',
            1,
            '2026-06-30',
            ['SUB2'],
          ],
        ]);
        expect(
          r.totals.map((x) => [
            x.currency,
            x.amounts.map((a) => a.toFixed()),
            x.total.toFixed(),
            x.count,
            x.lines,
          ]),
        ).toEqual([
          ['CNY', ['107.00', '40.00', '30.00', '25.00', '60.00'], '262.00', 6, 4],
          ['USD', ['0.00', '9.99', '0.00', '0.00', '0.00'], '9.99', 1, 1],
        ]);
      });

      it('rolls subsidiaries up to the head office (chains included, currencies apart), and selects by head office', async () => {
        const { t, tc } = await world();
        const r = unwrap(await tc.arAging(t, { rollUp: 'head-office' }));
        expect(r.lines.map(lineOf)).toEqual([
          [
            'HQ',
            'CNY',
            ['107.00', '40.00', '30.00', '0.00', '60.00'],
            '237.00',
            5,
            '2026-06-30',
            ['HQ', 'SUB1', 'SUB2'],
          ],
          [
            'HQ',
            'USD',
            ['0.00', '9.99', '0.00', '0.00', '0.00'],
            '9.99',
            1,
            '2026-11-01',
            ['EXPORT'],
          ],
          [
            'SOLO',
            'CNY',
            ['0.00', '0.00', '0.00', '25.00', '0.00'],
            '25.00',
            1,
            '2026-09-01',
            ['SOLO'],
          ],
        ]);
        const flat = unwrap(await tc.arAging(t));
        expect(r.totals.map((x) => x.total.toFixed())).toEqual(
          flat.totals.map((x) => x.total.toFixed()),
        );
        const hq = unwrap(
          await tc.arAging(t, {
            rollUp: 'head-office',
            accountIds: ['HQ'],
            asOf: '2027-01-15',
            buckets: [
              { label: '0-60', toDays: 60 },
              { label: '61-180', toDays: 180 },
              { label: '180+', toDays: null },
            ],
          }),
        );
        // asOf 2027-01-15: 12-01 is 45 days, 10-15 92, 11-22 54, 11-01 75, 06-30 199
        expect(hq.lines.map(lineOf)).toEqual([
          [
            'HQ',
            'CNY',
            ['107.00', '70.00', '60.00'],
            '237.00',
            5,
            '2026-06-30',
            ['HQ', 'SUB1', 'SUB2'],
          ],
          ['HQ', 'USD', ['0.00', '9.99', '0.00'], '9.99', 1, '2026-11-01', ['EXPORT']],
        ]);
        const one = unwrap(await tc.arAging(t, { accountIds: ['SUB1', 'NOBODY'] }));
        expect(one.lines.map((l) => [l.accountId, l.total.toFixed()])).toEqual([['SUB1', '47.00']]);
      });

      it('lists what is due and overdue, oldest first, with a limit', async () => {
        const { t, tc, clock } = await world();
        const r = unwrap(await tc.dueReceivables(t));
        expect(r.asOf).toBe('2026-11-22');
        expect(r.through).toBe('2026-11-22');
        expect(r.truncated).toBe(false);
        expect(
          r.items.map((i) => [
            i.itemId,
            i.accountId,
            i.dueDate,
            i.daysOverdue,
            i.residual.toString(),
          ]),
        ).toEqual([
          ['INV5#1', 'SUB2', '2026-06-30', 145, 'CNY 60.00'],
          ['INV6#1', 'SOLO', '2026-09-01', 82, 'CNY 25.00'],
          ['INV2#1', 'HQ', '2026-10-15', 38, 'CNY 30.00'],
          ['INV4#1', 'SUB1', '2026-11-01', 21, 'CNY 40.00'],
          ['INV8#1', 'EXPORT', '2026-11-01', 21, 'USD 9.99'],
          ['INV3#1', 'SUB1', '2026-11-22', 0, 'CNY 7.00'],
        ]);
        const soon = unwrap(
          await tc.dueReceivables(t, { withinDays: 9, limit: 2, accountIds: ['HQ', 'SUB1'] }),
        );
        expect(soon.through).toBe('2026-12-01');
        expect(soon.truncated).toBe(true);
        expect(soon.items.map((i) => [i.itemId, i.daysOverdue, i.amount.toFixed()])).toEqual([
          ['INV2#1', 38, '50.00'],
          ['INV4#1', 21, '40.00'],
        ]);
        clock.set('2027-01-01T00:00:00.000Z');
        const later = unwrap(await tc.dueReceivables(t, { accountIds: ['HQ'] }));
        expect(later.items.map((i) => [i.itemId, i.daysOverdue])).toEqual([
          ['INV2#1', 78],
          ['INV1#1', 31],
        ]);
      });

      it('rejects bad input with VALIDATION_FAILED naming the field and the rule', async () => {
        const { t, tc } = await world();
        const issues = async (p: Promise<{ ok: boolean; error?: unknown }>) => {
          const r = await p;
          expect(r.ok).toBe(false);
          const e = r.error as { code: string; issues: { path: string; rule: string }[] };
          expect(e.code).toBe('VALIDATION_FAILED');
          return e.issues.map((i) => [i.path, i.rule]);
        };
        expect(
          await issues(
            tc.arAging(t, {
              buckets: [
                { label: 'not due', toDays: 0 },
                { label: '31-60', toDays: 60 },
                { label: '1-30', toDays: 30 },
                { label: '60+', toDays: null },
              ],
            }),
          ),
        ).toEqual([['buckets.2.toDays', 'ascending']]);
        expect(await issues(tc.arAging(t, { buckets: [{ label: 'x', toDays: 30 }] }))).toEqual([
          ['buckets.0.toDays', 'open_ended_last'],
        ]);
        expect(await issues(tc.arAging(t, { asOf: '2026-02-30' }))).toEqual([['asOf', 'date']]);
        expect(await issues(tc.arAging(t, { rollUp: 'region' as unknown as 'customer' }))).toEqual([
          ['rollUp', 'invalid_union'],
        ]);
        expect(await issues(tc.arAging(t, { accountIds: ['ok', 'not ok'] }))).toEqual([
          ['accountIds.1', 'invalid_format'],
        ]);
        expect(await issues(tc.arAging(t, { asof: '2026-01-01' } as unknown as object))).toEqual([
          ['', 'unrecognized_keys'],
        ]);
        expect(await issues(tc.dueReceivables(t, { limit: 0 }))).toEqual([['limit', 'too_small']]);
        expect(await issues(tc.dueReceivables(t, { withinDays: 1.5 }))).toEqual([
          ['withinDays', 'invalid_type'],
        ]);
        expect(await issues(tc.arAging('bad tenant!'))).toEqual([['tenantId', 'invalid_format']]);
      });
    });

    describe('through Tradecore: contractExecution and expiringContracts', () => {
      const CNY = (amount: string) => ({ amount, currency: 'CNY' });
      async function world(prefix: string) {
        const t = freshTenant(prefix);
        const clock = new FixedClock('2026-11-22T08:00:00.000Z');
        const tc = tradecoreFor(store, t, { clock });
        await seedSlice(tc, t, { limit: '100000.00', stock: { P1: 50, P2: 50 } });
        const draft = async (
          lines: { productId: string; quantity: string }[],
          extra: { validUntil?: string; customerId?: string } = {},
        ) =>
          unwrap(
            await tc.draftSalesOrder(t, {
              customerId: 'SUB',
              warehouseId: 'W',
              priceListId: 'PL',
              lines,
              ...extra,
            }),
          );
        return { t, tc, clock, draft };
      }
      const money = (m: { toFixed(): string }) => m.toFixed();
      const pct = (x: { toFixed(): string } | null) => (x === null ? null : x.toFixed());

      it('follows a contract through partial delivery, invoice, return and credit note, and receipts written off', async () => {
        const { t, tc, draft } = await world('cx');
        // P1 10 × 11.30 = 113.00; P2 4 × 2.65 = 10.60: a contract of 123.60
        const o = await draft(
          [
            { productId: 'P1', quantity: '10' },
            { productId: 'P2', quantity: '4' },
          ],
          { validUntil: '2026-12-31' },
        );
        const fresh = unwrap(await tc.contractExecution(t, { orderId: o.id }));
        expect([
          fresh.status,
          money(fresh.totals.value),
          money(fresh.totals.toInvoiceValue),
          pct(fresh.totals.invoicedPercent),
          pct(fresh.totals.collectedPercent),
        ]).toEqual(['draft', '123.60', '123.60', '0', null]);
        unwrap(await tc.confirmSalesOrder(t, { orderId: o.id }));
        const d = unwrap(
          await tc.deliverSalesOrder(t, {
            orderId: o.id,
            lines: [
              { lineNo: 1, quantity: '6' },
              { lineNo: 2, quantity: '4' },
            ],
          }),
        );
        const inv = unwrap(await tc.invoiceSalesOrder(t, { orderId: o.id }));
        expect(money(inv.gross)).toBe('78.40'); // 6 × 11.30 + 4 × 2.65
        const ret = unwrap(
          await tc.returnGoods(t, {
            deliveryId: d.id,
            lines: [{ deliveryLineNo: 1, quantity: '1' }],
            reason: 'damaged',
            responsibility: 'carrier',
          }),
        );
        unwrap(
          await tc.issueCreditNote(t, { invoiceId: inv.id, returnId: ret.id, reason: 'return' }),
        );
        const rc1 = unwrap(await tc.recordReceipt(t, { payerId: 'HQ', amount: CNY('50.00') }));
        unwrap(
          await tc.writeOff(t, { receiptId: rc1.id, invoiceId: inv.id, amount: CNY('50.00') }),
        );
        const x = unwrap(await tc.contractExecution(t, { orderId: o.id }));
        expect([x.orderId, x.number, x.customerId, x.billToId, x.status, x.validUntil]).toEqual([
          o.id,
          o.number,
          'SUB',
          'HQ',
          'partially_delivered',
          '2026-12-31',
        ]);
        expect(
          x.lines.map((l) => [
            l.lineNo,
            l.unit,
            [
              l.ordered,
              l.delivered,
              l.returned,
              l.invoiced,
              l.credited,
              l.toDeliver,
              l.uninvoiced,
            ].map((q) => q.toFixed()),
            [l.value, l.deliveredValue, l.invoicedValue, l.toInvoiceValue].map(money),
            [pct(l.deliveredPercent), pct(l.invoicedPercent)],
          ]),
        ).toEqual([
          // delivered 6, 1 back: 5 kept; invoiced 6, 1 credited: 5 billed
          [
            1,
            'EA',
            ['10', '5', '1', '5', '1', '4', '0'],
            ['113.00', '56.50', '56.50', '56.50'],
            ['50', '50'],
          ],
          [
            2,
            'EA',
            ['4', '4', '0', '4', '0', '0', '0'],
            ['10.60', '10.60', '10.60', '0.00'],
            ['100', '100'],
          ],
        ]);
        const tot = (e: typeof x) => [
          money(e.totals.value),
          money(e.totals.deliveredValue),
          money(e.totals.invoicedValue),
          money(e.totals.toInvoiceValue),
          money(e.totals.billed),
          money(e.totals.collected),
          money(e.totals.toCollect),
          pct(e.totals.deliveredPercent),
          pct(e.totals.invoicedPercent),
          pct(e.totals.collectedPercent),
        ];
        // 78.40 billed − 11.30 credited = 67.10; 50.00 collected
        expect(tot(x)).toEqual([
          '123.60',
          '67.10',
          '67.10',
          '56.50',
          '67.10',
          '50.00',
          '17.10',
          '54.28', // 67.10 / 123.60 = 54.288 %, rounded down
          '54.28',
          '74.51', // 50.00 / 67.10 = 74.515 %
        ]);
        // The rest paid short by 0.10, written off as a small difference: collected in full.
        const rc2 = unwrap(await tc.recordReceipt(t, { payerId: 'HQ', amount: CNY('17.00') }));
        unwrap(
          await tc.settle(t, {
            receipts: [{ receiptId: rc2.id, amount: CNY('17.00') }],
            invoices: [{ invoiceId: inv.id, amount: CNY('17.10') }],
            difference: { amount: CNY('0.10'), reason: 'bank charge' },
          }),
        );
        const paid = unwrap(await tc.contractExecution(t, { orderId: o.id }));
        expect(tot(paid).slice(4)).toEqual(['67.10', '67.10', '0.00', '54.28', '54.28', '100']);
        // Short-closed: what was not delivered stays outstanding against the contract.
        unwrap(await tc.closeSalesOrder(t, { orderId: o.id }));
        const closed = unwrap(await tc.contractExecution(t, { orderId: o.id }));
        expect([closed.state, closed.status, money(closed.totals.toInvoiceValue)]).toEqual([
          'closed',
          'closed',
          '56.50',
        ]);
        // getSalesOrder and the view agree on the status.
        expect(unwrap(await tc.getSalesOrder(t, o.id))?.status).toBe('closed');
      });

      it('lists contracts about to expire as of the clock day, expired-but-open ones flagged, by end date', async () => {
        const { t, tc, clock, draft } = await world('exp');
        const p2 = [{ productId: 'P2', quantity: '2' }];
        const a = await draft(p2, { validUntil: '2026-12-01' }); // 9 days left
        const b = await draft(p2, { validUntil: '2026-11-22' }); // ends today
        const c = await draft(p2, { validUntil: '2026-11-10' }); // expired 12 days ago
        await draft(p2, { validUntil: '2027-03-01' }); // beyond 30 days
        await draft(p2); // no term
        const cancelled = await draft(p2, { validUntil: '2026-11-15' });
        unwrap(await tc.cancelSalesOrder(t, { orderId: cancelled.id }));
        const g = await draft(p2, { validUntil: '2026-11-30', customerId: 'HQ' });
        // completed (delivered, invoiced, paid in full): nothing left under it
        const done = await draft(p2, { validUntil: '2026-11-25' });
        unwrap(await tc.confirmSalesOrder(t, { orderId: done.id }));
        unwrap(await tc.deliverSalesOrder(t, { orderId: done.id }));
        const inv = unwrap(await tc.invoiceSalesOrder(t, { orderId: done.id }));
        const rc = unwrap(await tc.recordReceipt(t, { payerId: 'HQ', amount: CNY('5.30') }));
        unwrap(await tc.writeOff(t, { receiptId: rc.id, invoiceId: inv.id, amount: CNY('5.30') }));
        expect(unwrap(await tc.getSalesOrder(t, done.id))?.status).toBe('completed');

        const r = unwrap(await tc.expiringContracts(t, { withinDays: 30 }));
        expect([r.asOf, r.through, r.counts, r.truncated]).toEqual([
          '2026-11-22',
          '2026-12-22',
          { expired: 1, expiring: 3 },
          false,
        ]);
        const row = (x: (typeof r.contracts)[number]) => [
          x.orderId,
          x.customerId,
          x.validUntil,
          x.daysLeft,
          x.expired,
          x.status,
          money(x.execution.value),
        ];
        expect(r.contracts.map(row)).toEqual([
          [c.id, 'SUB', '2026-11-10', -12, true, 'draft', '5.30'],
          [b.id, 'SUB', '2026-11-22', 0, false, 'draft', '5.30'],
          [g.id, 'HQ', '2026-11-30', 8, false, 'draft', '5.30'],
          [a.id, 'SUB', '2026-12-01', 9, false, 'draft', '5.30'],
        ]);
        const first = unwrap(await tc.expiringContracts(t, { withinDays: 30, limit: 2 }));
        expect([first.contracts.map((x) => x.orderId), first.truncated, first.counts]).toEqual([
          [c.id, b.id],
          true,
          { expired: 1, expiring: 3 },
        ]);
        const hq = unwrap(await tc.expiringContracts(t, { withinDays: 30, customerId: 'HQ' }));
        expect(hq.contracts.map((x) => x.orderId)).toEqual([g.id]);
        // The next day, the contract that ended today has expired.
        clock.set('2026-11-23T00:00:00.000Z');
        const next = unwrap(await tc.expiringContracts(t, { withinDays: 0 }));
        expect(next.contracts.map((x) => [x.orderId, x.daysLeft, x.expired])).toEqual([
          [c.id, -13, true],
          [b.id, -1, true],
        ]);
        const later = unwrap(await tc.expiringContracts(t, { asOf: '2027-02-26', withinDays: 2 }));
        expect(later.counts).toEqual({ expired: 4, expiring: 0 });
        expect(later.contracts.at(-1)?.validUntil).toBe('2026-12-01');
        const oneMore = unwrap(
          await tc.expiringContracts(t, { asOf: '2027-02-26', withinDays: 3 }),
        );
        expect([oneMore.counts, oneMore.contracts.at(-1)?.daysLeft]).toEqual([
          { expired: 4, expiring: 1 },
          3,
        ]);
        // Another tenant sees none of them.
        const other = await world('exp');
        expect(
          unwrap(await other.tc.expiringContracts(other.t, { withinDays: 365 })).contracts,
        ).toEqual([]);
      });

      it('rejects bad input naming the field, and an unknown order with NOT_FOUND', async () => {
        const { t, tc } = await world('cxv');
        const issues = async (p: Promise<{ ok: boolean; error?: unknown }>) => {
          const r = await p;
          expect(r.ok).toBe(false);
          const e = r.error as { code: string; issues: { path: string; rule: string }[] };
          expect(e.code).toBe('VALIDATION_FAILED');
          return e.issues.map((i) => [i.path, i.rule]);
        };
        const missing = await tc.contractExecution(t, { orderId: 'NOPE' });
        expect(!missing.ok && missing.error).toMatchObject({
          code: 'NOT_FOUND',
          entity: 'sales-order',
          id: 'NOPE',
          field: 'orderId',
        });
        expect(await issues(tc.contractExecution(t, { orderId: 'not ok' }))).toEqual([
          ['orderId', 'invalid_format'],
        ]);
        expect(await issues(tc.contractExecution('bad tenant!', { orderId: 'X' }))).toEqual([
          ['tenantId', 'invalid_format'],
        ]);
        expect(await issues(tc.expiringContracts(t, {} as { withinDays: number }))).toEqual([
          ['withinDays', 'invalid_type'],
        ]);
        expect(await issues(tc.expiringContracts(t, { withinDays: -1 }))).toEqual([
          ['withinDays', 'too_small'],
        ]);
        expect(
          await issues(tc.expiringContracts(t, { withinDays: 1, asOf: '2026-02-30' })),
        ).toEqual([['asOf', 'date']]);
        expect(await issues(tc.expiringContracts(t, { withinDays: 1, limit: 0 }))).toEqual([
          ['limit', 'too_small'],
        ]);
        expect(
          await issues(
            tc.expiringContracts(t, { withinDays: 1, days: 3 } as unknown as {
              withinDays: number;
            }),
          ),
        ).toEqual([['', 'unrecognized_keys']]);
      });
    });
  });
}
