/**
 * Smoke tests of the PostgreSQL adapter on PGlite (always) and on the local PostgreSQL server
 * (when reachable). Each run uses fresh schemas and drops them afterwards.
 */
import { PGlite } from '@electric-sql/pglite';
import {
  Dec,
  isCreditShortfall,
  isStockShortfall,
  type LedgerVoucher,
  type OutboxMessage,
  type TenantId,
} from '@tradecore/core';
import { exposureOf, openAccount, releaseCredit, reserveCredit } from '@tradecore/testkit';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPostgresStore,
  fromPGlite,
  fromPgPool,
  MIGRATIONS,
  migrate,
  type PostgresStore,
  type SqlDriver,
} from '../src';
import { serverPool } from './server';

const run = Math.random().toString(36).slice(2, 10);
let counter = 0;
const tenant = (label: string) => `${label}-${run}-${++counter}` as TenantId;
const d = (v: string | number) => new Dec(v);
class Boom extends Error {}

const pool = await serverPool('adapters-postgres smoke');

interface Backend {
  readonly name: string;
  readonly available: boolean;
  readonly driver: () => SqlDriver;
}

const backends: Backend[] = [
  { name: 'pglite', available: true, driver: () => fromPGlite(new PGlite()) },
  {
    name: 'postgres',
    available: pool !== undefined,
    driver: () => fromPgPool(pool as pg.Pool),
  },
];

const voucher = (id: string, sourceId: string, amount: string, party: string | null) =>
  ({
    id,
    number: `V-${id}`,
    postedAt: '2026-11-22T01:02:03Z',
    sourceKind: 'invoice',
    sourceId,
    memo: `memo ${id}`,
    lines: [
      { account: '1122', debit: d(amount), credit: d(0), currency: 'CNY', partyId: party },
      { account: '6001', debit: d(0), credit: d(amount), currency: 'CNY', partyId: null },
    ],
  }) satisfies LedgerVoucher;

/** Wraps `inner` to count the round trips it makes (BEGIN and COMMIT included). */
function countQueries(inner: SqlDriver): { driver: SqlDriver; count: () => number } {
  let n = 0;
  const wrap = (ex: Pick<SqlDriver, 'query' | 'exec'>) => ({
    query: ((text, params, options) => {
      n++;
      return ex.query(text, params, options);
    }) as SqlDriver['query'],
    exec: (sql: string) => {
      n++;
      return ex.exec(sql);
    },
  });
  const driver: SqlDriver = {
    name: inner.name,
    ...wrap(inner),
    transaction: (fn, options) => {
      n += 2;
      return inner.transaction((ex) => fn(wrap(ex)), options);
    },
    // The inner driver belongs to the suite.
    close: async () => {},
  };
  return { driver, count: () => n };
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`adapters-postgres smoke — ${backend.name}`, () => {
    const schema = `tc_smoke_${run}`;
    let driver: SqlDriver;
    let store: PostgresStore;

    beforeAll(async () => {
      driver = backend.driver();
      store = await createPostgresStore({ driver, schema, migrate: true });
    });

    afterAll(async () => {
      if (!driver) return;
      await driver.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await driver.exec(`DROP SCHEMA IF EXISTS ${schema}_m CASCADE`);
      await store.close();
    });

    it('migrates idempotently, also with concurrent callers', async () => {
      expect(await migrate(driver, { schema })).toEqual([]);
      const s2 = `${schema}_m`;
      const applied = await Promise.all([
        migrate(driver, { schema: s2 }),
        migrate(driver, { schema: s2 }),
        migrate(driver, { schema: s2 }),
      ]);
      expect(applied.flat()).toEqual(MIGRATIONS.map((m) => m.id));
      expect(await migrate(driver, { schema: s2 })).toEqual([]);
      const { rows } = await driver.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${s2}.tradecore_migrations`,
      );
      expect(rows[0]?.n).toBe(MIGRATIONS.length);
      await expect(migrate(driver, { schema: 'Bad"Name' })).rejects.toThrow(/INVALID_SCHEMA_NAME/);
      await expect(createPostgresStore({ driver, schema: 'x;drop' })).rejects.toThrow(
        /INVALID_SCHEMA_NAME/,
      );
    });

    it('record keys: a row stored before keys existed (key unknown) matches every range until saved with one', async () => {
      const t = tenant('rkey');
      await store.transaction(t, async (tx) => {
        await tx.records.insert({ kind: 'k', id: 'new', data: {}, key: '2026-12-01' });
        await tx.records.insert({ kind: 'k', id: 'none', data: {} });
      });
      // What migration 0004 leaves on older rows.
      await driver.query(
        `INSERT INTO ${schema}.records (tenant_id, kind, id, version, data, range_key) VALUES ($1, 'k', 'old', 1, '{}', '')`,
        [t],
      );
      const find = (atMost: string) =>
        store.transaction(t, async (tx) =>
          (await tx.records.find({ kind: 'k', keyAtMost: atMost })).map((r) => r.id),
        );
      expect(await find('2026-11-01')).toEqual(['old']);
      expect(await find('2026-12-31')).toEqual(['new', 'old']);
      await store.transaction(t, (tx) => tx.records.update('k', 'old', 1, {}, undefined, null));
      expect(await find('2026-12-31')).toEqual(['new']);
    });

    it('records: insert, duplicates, update, conflict, find, getByNumber', async () => {
      const t = tenant('rec');
      await store.transaction(t, async (tx) => {
        expect(
          await tx.records.insert({ kind: 'doc', id: 'b', number: 'N-2', data: { c: 'x', n: 2 } }),
        ).toBe('inserted');
        expect(
          await tx.records.insert({ kind: 'doc', id: 'a', number: 'N-1', data: { c: 'x', n: 1 } }),
        ).toBe('inserted');
        expect(
          await tx.records.insert({
            kind: 'doc',
            id: 'C',
            data: { c: 'y', nested: { list: [1, 'two', null] }, price: '12.30' },
          }),
        ).toBe('inserted');
        expect(await tx.records.insert({ kind: 'doc', id: 'a', data: {} })).toBe('duplicate-id');
        expect(await tx.records.insert({ kind: 'doc', id: 'z', number: 'N-1', data: {} })).toBe(
          'duplicate-number',
        );
        // the transaction is still usable after both duplicates
        expect(await tx.records.insert({ kind: 'other', id: 'a', number: 'N-1', data: {} })).toBe(
          'inserted',
        );
      });
      await store.transaction(t, async (tx) => {
        expect(await tx.records.get('doc', 'a')).toEqual({
          kind: 'doc',
          id: 'a',
          tenantId: t,
          version: 1,
          number: 'N-1',
          data: { c: 'x', n: 1 },
        });
        expect((await tx.records.get('doc', 'C'))?.data).toEqual({
          c: 'y',
          nested: { list: [1, 'two', null] },
          price: '12.30',
        });
        expect(await tx.records.get('doc', 'nope')).toBeUndefined();
        expect((await tx.records.getByNumber('doc', 'N-2'))?.id).toBe('b');
        expect(await tx.records.getByNumber('doc', 'N-9')).toBeUndefined();
        // ordered by id in code-point order ('C' < 'a' < 'b'), like the memory adapter
        expect((await tx.records.find({ kind: 'doc' })).map((r) => r.id)).toEqual(['C', 'a', 'b']);
        expect(
          (await tx.records.find({ kind: 'doc', where: { c: 'x' } })).map((r) => r.id),
        ).toEqual(['a', 'b']);
        expect(
          (await tx.records.find({ kind: 'doc', where: { c: 'x', n: 2 } })).map((r) => r.id),
        ).toEqual(['b']);
        expect((await tx.records.find({ kind: 'doc', limit: 2 })).map((r) => r.id)).toEqual([
          'C',
          'a',
        ]);
        expect(await tx.records.find({ kind: 'doc', where: { n: '1' } })).toEqual([]);
        expect(await tx.records.update('doc', 'a', 1, { c: 'x', n: 10 })).toEqual({
          status: 'updated',
          version: 2,
        });
        expect(await tx.records.update('doc', 'a', 1, { c: 'x', n: 11 })).toEqual({
          status: 'conflict',
        });
        expect(await tx.records.update('doc', 'missing', 1, {})).toEqual({ status: 'conflict' });
        // changing the number; keeping it when omitted; clearing it with null
        expect(await tx.records.update('doc', 'a', 2, { n: 12 }, 'N-10')).toEqual({
          status: 'updated',
          version: 3,
        });
        expect((await tx.records.getByNumber('doc', 'N-10'))?.id).toBe('a');
        expect(await tx.records.getByNumber('doc', 'N-1')).toBeUndefined();
        expect(await tx.records.update('doc', 'a', 3, { n: 13 })).toEqual({
          status: 'updated',
          version: 4,
        });
        expect((await tx.records.get('doc', 'a'))?.number).toBe('N-10');
        expect(await tx.records.update('doc', 'b', 1, { n: 2 }, null)).toEqual({
          status: 'updated',
          version: 2,
        });
        expect((await tx.records.get('doc', 'b'))?.number).toBeNull();
      });
      // taking another record's number is a programming error
      await expect(
        store.transaction(t, (tx) => tx.records.update('doc', 'C', 1, {}, 'N-10')),
      ).rejects.toThrow(/DUPLICATE_NUMBER/);
      // tenant isolation
      await store.transaction(tenant('other'), async (tx) => {
        expect(await tx.records.get('doc', 'a')).toBeUndefined();
        expect(await tx.records.find({ kind: 'doc' })).toEqual([]);
      });
    });

    it('rollback undoes records, stock, credit, sequences, ledger, outbox and idempotency', async () => {
      const t = tenant('rb');
      while ((await store.relayOutbox(() => {}, 1000)) > 0) {}
      await store.transaction(t, async (tx) => {
        await tx.records.insert({ kind: 'doc', id: 'keep', data: { v: 1 } });
        await tx.stock.adjust('p', 'w', d(10));
        await openAccount(tx, 'c', 'CNY', d('100.00'));
      });
      const boom = new Boom('deliberate');
      await expect(
        store.transaction(t, async (tx) => {
          await tx.records.insert({ kind: 'doc', id: 'gone', number: 'G-1', data: {} });
          await tx.records.update('doc', 'keep', 1, { v: 2 });
          await tx.stock.reserve('p', 'w', d(4));
          await tx.stock.adjust('p2', 'w', d(3));
          await reserveCredit(tx, 'c', d('60.00'));
          await openAccount(tx, 'c2', 'USD', d(5));
          expect(await tx.sequences.next('S')).toBe(1);
          await tx.ledger.post(voucher('v1', 'gone', '10.00', 'c'));
          await tx.outbox.add([
            { id: 'e1', type: 't', payload: { a: 1 }, occurredAt: '2026-11-22T00:00:00.000Z' },
          ]);
          expect(await tx.idempotency.claim('k', 'req')).toEqual({ status: 'new' });
          await tx.idempotency.complete('k', { ok: true });
          throw boom;
        }),
      ).rejects.toBe(boom);
      await store.transaction(t, async (tx) => {
        expect(await tx.records.get('doc', 'gone')).toBeUndefined();
        expect(await tx.records.getByNumber('doc', 'G-1')).toBeUndefined();
        expect((await tx.records.get('doc', 'keep'))?.version).toBe(1);
        const l = await tx.stock.level('p', 'w');
        expect([l.onHand.toFixed(), l.reserved.toFixed()]).toEqual(['10', '0']);
        expect((await tx.stock.level('p2', 'w')).onHand.isZero()).toBe(true);
        expect(exposureOf(await tx.credit.account('c')).isZero()).toBe(true);
        expect(await tx.credit.account('c2')).toBeUndefined();
        expect(await tx.sequences.next('S')).toBe(1);
        expect(await tx.ledger.vouchersFor('invoice', 'gone')).toEqual([]);
        expect(await tx.ledger.balances()).toEqual([]);
        expect(await tx.idempotency.claim('k', 'req')).toEqual({ status: 'new' });
      });
      const seen: OutboxMessage[] = [];
      await store.relayOutbox((m) => seen.push(m), 1000);
      expect(seen.filter((m) => m.tenantId === t)).toEqual([]);
    });

    it('stock: checked operations, zero levels, exact decimals', async () => {
      const t = tenant('stk');
      await store.transaction(t, async (tx) => {
        expect(await tx.stock.level('p', 'w')).toEqual({
          productId: 'p',
          warehouseId: 'w',
          onHand: d(0),
          reserved: d(0),
        });
        const short0 = await tx.stock.reserve('p', 'w', d(1));
        expect(isStockShortfall(short0) && short0.level.onHand.isZero()).toBe(true);
        expect((await tx.stock.adjust('p', 'w', d('10.5'))).onHand.toFixed()).toBe('10.5');
        const short = await tx.stock.reserve('p', 'w', d(11));
        expect(isStockShortfall(short)).toBe(true);
        if (isStockShortfall(short)) {
          expect(short.requested.toFixed()).toBe('11');
          expect(short.level.onHand.toFixed()).toBe('10.5');
        }
        const ok = await tx.stock.reserve('p', 'w', d('10.5'));
        expect(isStockShortfall(ok) ? 'short' : ok.reserved.toFixed()).toBe('10.5');
        expect(isStockShortfall(await tx.stock.reserve('p', 'w', d('0.000001')))).toBe(true);
        expect(isStockShortfall(await tx.stock.release('p', 'w', d(11)))).toBe(true);
        expect(isStockShortfall(await tx.stock.release('p', 'w', d('0.5')))).toBe(false);
        expect(isStockShortfall(await tx.stock.issueReserved('p', 'w', d(10)))).toBe(false);
        expect(isStockShortfall(await tx.stock.issueReserved('p', 'w', d(1)))).toBe(true);
        const l = await tx.stock.level('p', 'w');
        expect([l.onHand.toFixed(), l.reserved.toFixed()]).toEqual(['0.5', '0']);
        expect((await tx.stock.adjust('p', 'w', d(-2))).onHand.toFixed()).toBe('-1.5');
        expect(
          (await tx.stock.adjust('p', 'w', d('0.1000000000000000000000000001'))).onHand.toFixed(),
        ).toBe('-1.3999999999999999999999999999');
      });
    });

    it('stock: 100 concurrent reservations (own transactions) never exceed on-hand', async () => {
      const t = tenant('cstk');
      await store.transaction(t, (tx) => tx.stock.adjust('p', 'w', d(50)));
      const results = await Promise.all(
        Array.from({ length: 100 }, () =>
          store.transaction(t, (tx) => tx.stock.reserve('p', 'w', d(1))),
        ),
      );
      expect(results.filter((r) => !isStockShortfall(r))).toHaveLength(50);
      const level = await store.transaction(t, (tx) => tx.stock.level('p', 'w'));
      expect(level.reserved.toFixed()).toBe('50');
    });

    it('credit: reserve within the limit, release within exposure, limit may drop below exposure', async () => {
      const t = tenant('crd');
      await store.transaction(t, async (tx) => {
        const none = await reserveCredit(tx, 'none', d(1));
        expect(isCreditShortfall(none) && none.accounts.length === 0).toBe(true);
        expect(await tx.credit.account('none')).toBeUndefined();
        const acc = await openAccount(tx, 'c', 'CNY', d('100.00'));
        expect([acc.currency, acc.limit?.toFixed(2), exposureOf(acc).toFixed()]).toEqual([
          'CNY',
          '100.00',
          '0',
        ]);
        expect(isCreditShortfall(await reserveCredit(tx, 'c', d('100.01')))).toBe(true);
        const r = await reserveCredit(tx, 'c', d('100.00'));
        expect(isCreditShortfall(r) ? undefined : r[0]?.orders.toFixed(2)).toBe('100.00');
        expect(isCreditShortfall(await releaseCredit(tx, 'c', d('100.01')))).toBe(true);
        expect(isCreditShortfall(await releaseCredit(tx, 'c', d('40')))).toBe(false);
        const lowered = await openAccount(tx, 'c', 'CNY', d('50'));
        expect([lowered.limit?.toFixed(), lowered.orders.toFixed()]).toEqual(['50', '60']);
        expect(isCreditShortfall(await reserveCredit(tx, 'c', d('0.01')))).toBe(true);
      });
      const t2 = tenant('ccrd');
      await store.transaction(t2, (tx) => openAccount(tx, 'c', 'CNY', d('1000.00')));
      const results = await Promise.all(
        Array.from({ length: 60 }, () =>
          store.transaction(t2, (tx) => reserveCredit(tx, 'c', d('33.33'))),
        ),
      );
      expect(results.filter((r) => !isCreditShortfall(r))).toHaveLength(30);
      const acc = await store.transaction(t2, (tx) => tx.credit.account('c'));
      expect(exposureOf(acc).toFixed(2)).toBe('999.90');
    });

    it('sequences: 200 concurrent next() give 1..200; rolled-back values are reused', async () => {
      const t = tenant('seq');
      const got = await Promise.all(
        Array.from({ length: 200 }, () => store.transaction(t, (tx) => tx.sequences.next('SO'))),
      );
      expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      const committed: number[] = [];
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store
            .transaction(t, async (tx) => {
              const n = await tx.sequences.next('SO');
              if (i % 5 === 0) throw new Boom();
              committed.push(n);
            })
            .catch((e: unknown) => {
              if (!(e instanceof Boom)) throw e;
            }),
        ),
      );
      expect(committed.sort((a, b) => a - b)).toEqual(
        Array.from({ length: 40 }, (_, i) => 201 + i),
      );
      expect(await store.transaction(t, (tx) => tx.sequences.next('OTHER'))).toBe(1);
    });

    it('ledger: vouchers round-trip in posting order; balances per account and party', async () => {
      const t = tenant('led');
      const v1 = voucher('v1', 'i1', '113.00', 'c1');
      const v2 = { ...voucher('v2', 'i1', '0.01', 'c2'), postedAt: '2026-11-22T01:02:04.000Z' };
      const v3 = voucher('v3', 'i2', '5', null);
      const empty: LedgerVoucher = { ...voucher('v4', 'i3', '1', null), lines: [] };
      await store.transaction(t, async (tx) => {
        await tx.ledger.post(v1);
        await tx.ledger.post(v2);
        await tx.ledger.post(v3);
        await tx.ledger.post(empty);
        await tx.ledger.post({
          ...voucher('v5', 'i4', '0', null),
          lines: [{ account: '9999', debit: d(0), credit: d(0), currency: 'EUR', partyId: null }],
        });
      });
      await store.transaction(t, async (tx) => {
        const vs = await tx.ledger.vouchersFor('invoice', 'i1');
        expect(vs).toEqual([v1, v2]);
        expect(vs[0]?.postedAt).toBe('2026-11-22T01:02:03Z');
        expect(vs[0]?.lines[0]?.debit.toFixed()).toBe('113');
        expect(vs[0]?.lines[0]?.debit.toFixed(2)).toBe('113.00');
        expect(await tx.ledger.vouchersFor('invoice', 'i3')).toEqual([empty]);
        expect(await tx.ledger.vouchersFor('invoice', 'nope')).toEqual([]);
        const all = await tx.ledger.balances();
        expect(
          all.map((b) => [b.account, b.currency, b.debit.toFixed(2), b.credit.toFixed(2)]),
        ).toEqual([
          ['1122', 'CNY', '118.01', '0.00'],
          ['6001', 'CNY', '0.00', '118.01'],
        ]);
        const c1 = await tx.ledger.balances('c1');
        expect(c1.map((b) => [b.account, b.debit.toFixed(2)])).toEqual([['1122', '113.00']]);
        expect(await tx.ledger.balances('nobody')).toEqual([]);
      });
    });

    it('outbox: two concurrent relays deliver each committed event exactly once', async () => {
      const t = tenant('obx');
      while ((await store.relayOutbox(() => {}, 1000)) > 0) {}
      const committed: string[] = [];
      await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const ids = [`e${i}a`, `e${i}b`];
          try {
            await store.transaction(t, async (tx) => {
              await tx.outbox.add(
                ids.map((id) => ({
                  id,
                  type: 'test',
                  payload: { i, amount: '1.10' },
                  occurredAt: '2026-11-22T00:00:00Z',
                })),
              );
              if (i % 4 === 3) throw new Boom();
            });
            committed.push(...ids);
          } catch (e) {
            if (!(e instanceof Boom)) throw e;
          }
        }),
      );
      const delivered: OutboxMessage[] = [];
      const deliver = (m: OutboxMessage) => {
        if (m.tenantId === t) delivered.push(m);
      };
      await Promise.all(
        [1, 2].map(async () => {
          while ((await store.relayOutbox(deliver, 7)) > 0) {}
        }),
      );
      const ids = delivered.map((m) => m.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual([...committed].sort());
      expect(delivered[0]).toEqual({
        id: delivered[0]?.id,
        type: 'test',
        payload: { i: Number(delivered[0]?.id.slice(1, -1)), amount: '1.10' },
        occurredAt: '2026-11-22T00:00:00Z',
        tenantId: t,
      });
      expect(await store.relayOutbox(deliver)).toBe(0);

      // a throwing deliver: earlier entries stay published, the failing one is redelivered
      await store.transaction(t, (tx) =>
        tx.outbox.add(
          ['f1', 'f2', 'f3'].map((id) => ({ id, type: 'x', payload: {}, occurredAt: 'now' })),
        ),
      );
      const firstTry: string[] = [];
      await expect(
        store.relayOutbox((m) => {
          if (m.id === 'f2') throw new Boom();
          firstTry.push(m.id);
        }),
      ).rejects.toBeInstanceOf(Boom);
      const secondTry: string[] = [];
      await store.relayOutbox((m) => secondTry.push(m.id));
      expect([firstTry, secondTry]).toEqual([['f1'], ['f2', 'f3']]);
      expect(await store.pruneOutbox(new Date(Date.now() + 60_000))).toBeGreaterThan(0);
    });

    it('idempotency: claim, complete, replay; a rolled-back claim is released; concurrent claimers', async () => {
      const t = tenant('idem');
      await expect(
        store.transaction(t, async (tx) => {
          expect(await tx.idempotency.claim('k1', 'A')).toEqual({ status: 'new' });
          throw new Boom();
        }),
      ).rejects.toBeInstanceOf(Boom);
      await store.transaction(t, async (tx) => {
        expect(await tx.idempotency.claim('k1', 'A')).toEqual({ status: 'new' });
        expect(await tx.idempotency.claim('k1', 'A2')).toEqual({ status: 'new' });
        await tx.idempotency.complete('k1', { ok: true, n: '1.10' });
      });
      expect(await store.transaction(t, (tx) => tx.idempotency.claim('k1', 'B'))).toEqual({
        status: 'done',
        request: 'A2',
        response: { ok: true, n: '1.10' },
      });
      await store.transaction(t, async (tx) => {
        expect(await tx.idempotency.claim('k2', 'r')).toEqual({ status: 'new' });
        await tx.idempotency.complete('k2', null);
      });
      expect(await store.transaction(t, (tx) => tx.idempotency.claim('k2', 'r'))).toEqual({
        status: 'done',
        request: 'r',
        response: null,
      });
      await expect(
        store.transaction(t, (tx) => tx.idempotency.complete('never', 1)),
      ).rejects.toThrow(/IDEMPOTENCY_NOT_CLAIMED/);
      let worked = 0;
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () =>
          store.transaction(t, async (tx) => {
            const c = await tx.idempotency.claim('k3', 'same');
            if (c.status === 'new') {
              worked++;
              await new Promise((r) => setTimeout(r, 20));
              await tx.idempotency.complete('k3', 'result');
            }
            return c.status;
          }),
        ),
      );
      expect(worked).toBe(1);
      expect(outcomes.filter((s) => s === 'done')).toHaveLength(19);
    });

    it('guards misuse: finished transactions, nesting, swallowed statement errors', async () => {
      const t = tenant('misuse');
      let leaked: Parameters<Parameters<PostgresStore['transaction']>[1]>[0] | undefined;
      await store.transaction(t, async (tx) => {
        leaked = tx;
      });
      await expect(leaked?.stock.level('p', 'w')).rejects.toThrow(/TRANSACTION_FINISHED/);
      await expect(leaked?.outbox.add([])).rejects.toThrow(/TRANSACTION_FINISHED/);
      await expect(store.transaction(t, () => store.transaction(t, async () => 1))).rejects.toThrow(
        /NESTED_TRANSACTION/,
      );
      await expect(
        store.transaction(t, async (tx) => {
          await tx.records.insert({ kind: 'doc', id: 'ab', data: {} });
          // jsonb cannot hold U+0000: PostgreSQL rejects the statement and aborts the transaction.
          await tx.records
            .insert({ kind: 'doc', id: 'nul', data: { s: '\u0000' } })
            .catch(() => {});
          await tx.ledger.post(voucher('after-abort', 'x', '1', null));
          return 'resolved anyway';
        }),
      ).rejects.toThrow(/TRANSACTION_ABORTED/);
      expect(await store.transaction(t, (tx) => tx.records.get('doc', 'ab'))).toBeUndefined();
      expect(
        await store.transaction(t, (tx) => tx.ledger.vouchersFor('invoice', 'x')),
      ).toHaveLength(0);
    });

    it('write-behind: void writes go out in one statement, read back in the transaction, fail it at commit', async () => {
      const t = tenant('behind');
      const counted = countQueries(driver);
      const s = await createPostgresStore({ driver: counted.driver, schema });
      await s.transaction(t, (tx) => tx.idempotency.claim('k', 'req'));
      const before = counted.count();
      await s.transaction(t, async (tx) => {
        await tx.idempotency.claim('k2', 'req');
        const afterClaim = counted.count();
        await tx.ledger.post(voucher('wb1', 'inv-wb', '10', 'C1'));
        await tx.ledger.post(voucher('wb2', 'inv-wb', '5', 'C1'));
        await tx.credit.addOpenItem({
          itemId: 'oi-wb',
          accountId: 'C1',
          sourceKind: 'invoice',
          sourceId: 'inv-wb',
          dueDate: '2026-12-01',
          amount: d('15'),
        });
        await tx.outbox.add([
          { id: 'e-wb', type: 'x.happened', payload: { a: 1 }, occurredAt: '2026-11-22T00:00:00Z' },
        ]);
        await tx.idempotency.complete('k2', { ok: true });
        // Nothing was sent for the five void writes.
        expect(counted.count()).toBe(afterClaim);
        // A read of their tables sends them first, so the transaction reads its own writes.
        const vs = await tx.ledger.vouchersFor('invoice', 'inv-wb');
        expect(vs.map((v) => v.id)).toEqual(['wb1', 'wb2']);
        expect(vs[1]?.lines.map((l) => l.debit.toFixed())).toEqual(['5', '0']);
        expect(counted.count()).toBe(afterClaim + 2);
        const items = await tx.credit.openItemsOf('invoice', 'inv-wb');
        expect(items.map((i) => i.residual.toFixed())).toEqual(['15']);
        const balances = await tx.ledger.balances('C1');
        expect(balances.map((b) => [b.account, b.debit.toFixed()])).toEqual([['1122', '15']]);
      });
      // BEGIN, claim, flush, three reads, COMMIT — and nothing left to send at commit.
      expect(counted.count() - before).toBe(7);
      const done = await s.transaction(t, (tx) => tx.idempotency.claim('k2', 'req'));
      expect(done).toEqual({ status: 'done', request: 'req', response: { ok: true } });

      // A failing deferred write (a voucher number already used) fails the transaction at
      // commit, with the database's error, and nothing of it is stored.
      await expect(
        s.transaction(t, async (tx) => {
          await tx.records.insert({ kind: 'doc', id: 'wb-doc', data: {} });
          await tx.outbox.add([
            { id: 'e-lost', type: 'x.lost', payload: {}, occurredAt: '2026-11-22T00:00:00Z' },
          ]);
          await tx.ledger.post({ ...voucher('wb3', 'inv-wb3', '1', null), number: 'V-wb1' });
        }),
      ).rejects.toThrow(/duplicate key/);
      expect(await s.transaction(t, (tx) => tx.records.get('doc', 'wb-doc'))).toBeUndefined();
      expect(await s.transaction(t, (tx) => tx.ledger.vouchersFor('invoice', 'inv-wb3'))).toEqual(
        [],
      );
      // Completing a key that was never claimed fails the transaction too.
      await expect(
        s.transaction(t, (tx) => tx.idempotency.complete('never-claimed', null)),
      ).rejects.toThrow(/IDEMPOTENCY_NOT_CLAIMED/);
      const relayed: string[] = [];
      await s.relayOutbox((m) => relayed.push(m.id));
      expect(relayed).toContain('e-wb');
      expect(relayed).not.toContain('e-lost');
    });

    it('maintenance: maintain() vacuums the non-empty tables', async () => {
      await store.maintain();
      if (backend.name === 'pglite') {
        const auto = await createPostgresStore({ driver, schema, maintenanceEvery: 2 });
        const t = tenant('maint');
        for (let i = 0; i < 5; i++) {
          await auto.transaction(t, (tx) => tx.stock.adjust('p', 'w', d(1)));
        }
        const l = await auto.transaction(t, (tx) => tx.stock.level('p', 'w'));
        expect(l.onHand.toFixed()).toBe('5');
        await auto.maintain(); // waits for a background run, if one is going
      }
    });
  });
}
