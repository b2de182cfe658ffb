/**
 * Conformance of the storage port itself: records, atomicity, optimistic conflicts, idempotency
 * keys, the outbox, tenant isolation and the atomic operations under many concurrent callers.
 */
import {
  type CreditAccount,
  type Dec,
  isCreditShortfall,
  isQueuedWriteError,
  isStockShortfall,
  type OutboxMessage,
  type StockLevel,
  type StoredRecord,
  type StorePort,
  type TenantId,
  type Transaction,
} from '@tradecore/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  all,
  d,
  exposureOf,
  freshTenant,
  openAccount,
  peek,
  prng,
  releaseCredit,
  reserveCredit,
  type StoreHarness,
} from '../harness';
import { allocationViolations } from '../invariants';

class Boom extends Error {}

/** Reserves stock the naive way: read availability in one transaction, take it in another. */
async function naiveTake(
  store: StorePort,
  t: TenantId,
  p: string,
  w: string,
  qty: Dec,
): Promise<boolean> {
  const level = await store.transaction(t, (tx) => tx.stock.level(p, w));
  if (level.onHand.minus(level.reserved).lessThan(qty)) return false;
  await store.transaction(t, (tx) => tx.stock.adjust(p, w, qty.negated()));
  return true;
}

/** Registers the port conformance tests for one adapter. */
export function portSuite(h: StoreHarness): void {
  describe(`storage port conformance — ${h.name}`, () => {
    let store: StorePort;
    beforeAll(async () => {
      store = await h.open();
    });
    afterAll(async () => {
      await (h.close ? h.close(store) : store.close());
    });
    const scale = h.scale ?? 1;

    describe('records', () => {
      it('inserts, reads, updates with versions, finds by field and by number', async () => {
        const t = freshTenant('rec');
        await store.transaction(t, async (tx) => {
          expect(
            await tx.records.insert({
              kind: 'doc',
              id: 'b',
              number: 'N-2',
              data: { customerId: 'c1', n: 2 },
            }),
          ).toBe('inserted');
          expect(
            await tx.records.insert({
              kind: 'doc',
              id: 'a',
              number: 'N-1',
              data: { customerId: 'c1', n: 1 },
            }),
          ).toBe('inserted');
          expect(
            await tx.records.insert({
              kind: 'doc',
              id: 'c',
              data: { customerId: 'c2', n: 3, nested: { x: [1, 'y'] } },
            }),
          ).toBe('inserted');
          expect(
            await tx.records.insert({ kind: 'other', id: 'a', data: { customerId: 'c1' } }),
          ).toBe('inserted');
        });
        await store.transaction(t, async (tx) => {
          const a = await tx.records.get('doc', 'a');
          expect(a).toMatchObject({
            kind: 'doc',
            id: 'a',
            tenantId: t,
            version: 1,
            number: 'N-1',
            data: { customerId: 'c1', n: 1 },
          });
          expect((await tx.records.get('doc', 'c'))?.data).toEqual({
            customerId: 'c2',
            n: 3,
            nested: { x: [1, 'y'] },
          });
          expect(await tx.records.get('doc', 'zzz')).toBeUndefined();
          expect((await tx.records.getByNumber('doc', 'N-2'))?.id).toBe('b');
          expect(await tx.records.getByNumber('doc', 'N-9')).toBeUndefined();
          // getMany: found ones in first-mention order; unknown ids, duplicates and other
          // kinds skipped; the same records `get` returns.
          const many = await tx.records.getMany('doc', ['c', 'zzz', 'a', 'c']);
          expect(many.map((r) => [r.id, r.version, r.number])).toEqual([
            ['c', 1, null],
            ['a', 1, 'N-1'],
          ]);
          expect(many[0]).toEqual(await tx.records.get('doc', 'c'));
          expect(await tx.records.getMany('doc', [])).toEqual([]);
          expect((await tx.records.getMany('other', ['a', 'b'])).map((r) => r.id)).toEqual(['a']);
          // getRefs: the same across kinds, in first-mention order.
          const refs = await tx.records.getRefs([
            { kind: 'other', id: 'a' },
            { kind: 'doc', id: 'zzz' },
            { kind: 'doc', id: 'b' },
            { kind: 'other', id: 'b' },
            { kind: 'doc', id: 'a' },
            { kind: 'other', id: 'a' },
          ]);
          expect(refs.map((r) => [r.kind, r.id])).toEqual([
            ['other', 'a'],
            ['doc', 'b'],
            ['doc', 'a'],
          ]);
          expect(refs[1]).toEqual(await tx.records.get('doc', 'b'));
          expect(await tx.records.getRefs([])).toEqual([]);
          const c1 = await tx.records.find({ kind: 'doc', where: { customerId: 'c1' } });
          expect(c1.map((r) => r.id)).toEqual(['a', 'b']);
          expect((await tx.records.find({ kind: 'doc' })).map((r) => r.id)).toEqual([
            'a',
            'b',
            'c',
          ]);
          expect((await tx.records.find({ kind: 'doc', limit: 1 })).map((r) => r.id)).toEqual([
            'a',
          ]);
          expect(
            await tx.records.find({ kind: 'doc', where: { customerId: 'c1', n: 2 } }),
          ).toHaveLength(1);
          expect(await tx.records.update('doc', 'a', 1, { customerId: 'c1', n: 10 })).toEqual({
            status: 'updated',
            version: 2,
          });
          expect(await tx.records.update('doc', 'a', 1, { customerId: 'c1', n: 11 })).toEqual({
            status: 'conflict',
          });
          expect(await tx.records.update('doc', 'missing', 1, {})).toEqual({ status: 'conflict' });
        });
        const a = await peek<{ version: number; data: unknown }>(store, t, (tx) =>
          tx.records.get('doc', 'a'),
        );
        expect(a.version).toBe(2);
        expect(a.data).toEqual({ customerId: 'c1', n: 10 });
      });

      it('finds by range key: set at insert, kept, replaced or cleared by update, rolled back with the work', async () => {
        const t = freshTenant('rkey');
        const ids = (r: readonly { id: string }[]) => r.map((x) => x.id);
        await store.transaction(t, async (tx) => {
          await tx.records.insert({ kind: 'k', id: 'a', data: { c: 'x' }, key: '2026-12-01' });
          await tx.records.insert({ kind: 'k', id: 'b', data: { c: 'y' }, key: '2026-11-30' });
          await tx.records.insert({ kind: 'k', id: 'c', data: { c: 'x' }, key: null });
          await tx.records.insert({ kind: 'k', id: 'd', data: { c: 'x' } });
          await tx.records.insert({ kind: 'other', id: 'e', data: {}, key: '2000-01-01' });
          // Reads its own writes; ordered by id; the bound is inclusive.
          expect(ids(await tx.records.find({ kind: 'k', keyAtMost: '2026-12-01' }))).toEqual([
            'a',
            'b',
          ]);
          expect(ids(await tx.records.find({ kind: 'k', keyAtMost: '2026-11-30' }))).toEqual(['b']);
          expect(await tx.records.find({ kind: 'k', keyAtMost: '2026-11-29' })).toEqual([]);
          expect(
            ids(await tx.records.find({ kind: 'k', keyAtMost: '9999', where: { c: 'x' } })),
          ).toEqual(['a']);
          expect(ids(await tx.records.find({ kind: 'k', keyAtMost: '9999', limit: 1 }))).toEqual([
            'a',
          ]);
        });
        await store.transaction(t, async (tx) => {
          // undefined keeps the key; a string replaces it; null clears it.
          expect((await tx.records.update('k', 'a', 1, { c: 'x', n: 1 })).status).toBe('updated');
          expect((await tx.records.update('k', 'b', 1, { c: 'y' }, undefined, null)).status).toBe(
            'updated',
          );
          expect(
            (await tx.records.update('k', 'c', 1, { c: 'x' }, undefined, '2026-01-01')).status,
          ).toBe('updated');
        });
        expect(
          await peek(store, t, async (tx) =>
            ids(await tx.records.find({ kind: 'k', keyAtMost: '2026-12-31' })),
          ),
        ).toEqual(['a', 'c']);
        await expect(
          store.transaction(t, async (tx) => {
            await tx.records.update('k', 'a', 2, { c: 'x' }, null, null);
            throw new Error('undo');
          }),
        ).rejects.toThrow('undo');
        expect(
          await peek(store, t, async (tx) =>
            ids(await tx.records.find({ kind: 'k', keyAtMost: '2026-12-31' })),
          ),
        ).toEqual(['a', 'c']);
      });

      it('finds nothing of a rolled-back insert, and takes the id and number again', async () => {
        const t = freshTenant('rbfind');
        await expect(
          store.transaction(t, async (tx) => {
            expect(await tx.records.insert({ kind: 'doc', id: 'a', number: 'N', data: {} })).toBe(
              'inserted',
            );
            tx.records.queueInsert({ kind: 'doc', id: 'b', data: {} });
            expect((await tx.records.find({ kind: 'doc' })).map((r) => r.id)).toEqual(['a', 'b']);
            throw new Boom();
          }),
        ).rejects.toBeInstanceOf(Boom);
        expect(await peek<unknown[]>(store, t, (tx) => tx.records.find({ kind: 'doc' }))).toEqual(
          [],
        );
        await store.transaction(t, async (tx) => {
          expect(
            await tx.records.insert({ kind: 'doc', id: 'a', number: 'N', data: { n: 2 } }),
          ).toBe('inserted');
        });
        const found = await peek<StoredRecord[]>(store, t, (tx) =>
          tx.records.find({ kind: 'doc' }),
        );
        expect(found.map((r) => [r.id, r.version, r.data])).toEqual([['a', 1, { n: 2 }]]);
      });

      it('reports duplicate ids and numbers and keeps the transaction usable', async () => {
        const t = freshTenant('dup');
        await store.transaction(t, async (tx) => {
          expect(await tx.records.insert({ kind: 'doc', id: 'x', number: 'N-1', data: {} })).toBe(
            'inserted',
          );
          expect(await tx.records.insert({ kind: 'doc', id: 'x', data: {} })).toBe('duplicate-id');
          expect(await tx.records.insert({ kind: 'doc', id: 'y', number: 'N-1', data: {} })).toBe(
            'duplicate-number',
          );
          expect(await tx.records.insert({ kind: 'doc', id: 'y', number: 'N-2', data: {} })).toBe(
            'inserted',
          );
        });
        expect(
          (await peek<unknown[]>(store, t, (tx) => tx.records.find({ kind: 'doc' }))).length,
        ).toBe(2);
      });

      it('gives exactly one winner among concurrent inserts of the same id and concurrent updates of the same version', async () => {
        const t = freshTenant('race');
        const ins = await all(Array.from({ length: 20 }), () =>
          store.transaction(t, (tx) =>
            tx.records.insert({ kind: 'doc', id: 'same', data: { v: 0 } }),
          ),
        );
        expect(ins.filter((r) => r === 'inserted')).toHaveLength(1);
        const ups = await all(Array.from({ length: 20 }), (_, i) =>
          store.transaction(t, (tx) => tx.records.update('doc', 'same', 1, { v: i })),
        );
        expect(ups.filter((r) => r.status === 'updated')).toHaveLength(1);
        const rec = await peek<{ version: number }>(store, t, (tx) =>
          tx.records.get('doc', 'same'),
        );
        expect(rec.version).toBe(2);
      });
    });

    describe('queued record writes', () => {
      /** Runs `work`; the `QueuedWriteError` it (or the commit) failed with, else `undefined`. */
      const queuedFailure = async (t: TenantId, work: (tx: Transaction) => Promise<void>) => {
        try {
          await store.transaction(t, work);
          return undefined;
        } catch (e) {
          if (!isQueuedWriteError(e)) throw e;
          return e.failure;
        }
      };

      it('are read back by the transaction that queued them, merged per record, and committed', async () => {
        const t = freshTenant('queue');
        await store.transaction(t, async (tx) => {
          expect(await tx.records.insert({ kind: 'doc', id: 'c', data: { n: 0 } })).toBe(
            'inserted',
          );
        });
        await store.transaction(t, async (tx) => {
          tx.records.queueInsert({
            kind: 'doc',
            id: 'a',
            number: 'Q-1',
            data: { n: 1, tag: 'x' },
            key: '2026-12-01',
          });
          tx.records.queueUpdate('doc', 'a', 1, { n: 2, tag: 'x' });
          tx.records.queueUpdate('doc', 'c', 1, { n: 1, tag: 'x' }, '2026-11-30');
          const a = await tx.records.get('doc', 'a');
          expect([a?.version, a?.number, a?.data]).toEqual([2, 'Q-1', { n: 2, tag: 'x' }]);
          tx.records.queueUpdate('doc', 'a', 2, { n: 3, tag: 'y' });
          expect((await tx.records.getByNumber('doc', 'Q-1'))?.data).toEqual({ n: 3, tag: 'y' });
          expect(
            (await tx.records.find({ kind: 'doc', where: { tag: 'x' } })).map((r) => r.id),
          ).toEqual(['c']);
          tx.records.queueInsert({ kind: 'doc', id: 'b', data: { n: 1 } });
          const many = await tx.records.getMany('doc', ['b', 'c', 'a']);
          expect(many.map((r) => [r.id, r.version])).toEqual([
            ['b', 1],
            ['c', 2],
            ['a', 3],
          ]);
          expect((await tx.records.getRefs([{ kind: 'doc', id: 'a' }]))[0]?.version).toBe(3);
          // An immediate update after queued ones applies in order.
          expect(await tx.records.update('doc', 'a', 3, { n: 4 })).toEqual({
            status: 'updated',
            version: 4,
          });
          tx.records.queueUpdate('doc', 'b', 1, { n: 2 });
          await tx.records.sendQueued();
          await tx.records.sendQueued(); // nothing left: a no-op
        });
        const after = await peek<StoredRecord[]>(store, t, (tx) =>
          tx.records.getMany('doc', ['a', 'b', 'c']),
        );
        expect(after.map((r) => [r.id, r.version, r.data])).toEqual([
          ['a', 4, { n: 4 }],
          ['b', 2, { n: 2 }],
          ['c', 2, { n: 1, tag: 'x' }],
        ]);
        expect(
          (
            await peek<StoredRecord[]>(store, t, (tx) =>
              tx.records.find({ kind: 'doc', keyAtMost: '2026-12-31' }),
            )
          ).map((r) => r.id),
        ).toEqual(['a', 'c']);
      });

      it('fail the transaction with a QueuedWriteError when one does not apply, committing nothing', async () => {
        const t = freshTenant('qfail');
        await store.transaction(t, async (tx) => {
          tx.records.queueInsert({ kind: 'doc', id: 'x', number: 'N-1', data: { n: 1 } });
        });
        const sideEffects = async (tx: Transaction) => {
          tx.records.queueInsert({ kind: 'doc', id: 'other', data: {} });
          await tx.stock.adjust('P', 'W', d(5));
        };
        expect(
          await queuedFailure(t, async (tx) => {
            await sideEffects(tx);
            tx.records.queueUpdate('doc', 'x', 7, { n: 2 });
          }),
        ).toEqual({ kind: 'doc', id: 'x', outcome: 'conflict', expectedVersion: 7 });
        expect(
          await queuedFailure(t, async (tx) => {
            await sideEffects(tx);
            tx.records.queueInsert({ kind: 'doc', id: 'x', data: {} });
          }),
        ).toMatchObject({ kind: 'doc', id: 'x', outcome: 'duplicate-id' });
        expect(
          await queuedFailure(t, async (tx) => {
            await sideEffects(tx);
            tx.records.queueInsert({ kind: 'doc', id: 'y', number: 'N-1', data: {} });
          }),
        ).toMatchObject({ kind: 'doc', id: 'y', outcome: 'duplicate-number', number: 'N-1' });
        // Within one transaction, as if sent one by one.
        expect(
          await queuedFailure(t, async (tx) => {
            tx.records.queueInsert({ kind: 'doc', id: 'z', number: 'N-2', data: {} });
            tx.records.queueInsert({ kind: 'doc', id: 'w', number: 'N-2', data: {} });
          }),
        ).toMatchObject({ id: 'w', outcome: 'duplicate-number' });
        expect(
          await queuedFailure(t, async (tx) => {
            tx.records.queueUpdate('doc', 'x', 1, { n: 2 });
            tx.records.queueUpdate('doc', 'x', 1, { n: 3 });
          }),
        ).toMatchObject({ id: 'x', outcome: 'conflict', expectedVersion: 1 });
        // Swallowing the error does not let the transaction commit.
        await expect(
          store.transaction(t, async (tx) => {
            await sideEffects(tx);
            try {
              tx.records.queueUpdate('doc', 'x', 9, { n: 2 });
              await tx.records.sendQueued();
            } catch (e) {
              expect(isQueuedWriteError(e)).toBe(true);
              // Asked again, it says so again.
              await expect(tx.records.sendQueued()).rejects.toBe(e);
              return;
            }
            throw new Error('sendQueued did not report the stale update');
          }),
        ).rejects.toSatisfy(isQueuedWriteError);
        const x = await peek<StoredRecord>(store, t, (tx) => tx.records.get('doc', 'x'));
        expect([x.version, x.data]).toEqual([1, { n: 1 }]);
        expect(await peek(store, t, (tx) => tx.records.get('doc', 'other'))).toBeUndefined();
        expect(await peek(store, t, (tx) => tx.records.get('doc', 'z'))).toBeUndefined();
        expect(
          (await peek<StockLevel>(store, t, (tx) => tx.stock.level('P', 'W'))).onHand.toFixed(),
        ).toBe('0');
      });

      it('give exactly one winner among concurrent queued inserts of an id and queued updates of a version', async () => {
        const t = freshTenant('qrace');
        const outcome = (p: Promise<unknown>) =>
          p.then(
            () => 'ok',
            (e: unknown) => (isQueuedWriteError(e) ? e.failure.outcome : `other: ${String(e)}`),
          );
        const ins = await all(Array.from({ length: 20 }), (_, i) =>
          outcome(
            store.transaction(t, async (tx) => {
              tx.records.queueInsert({ kind: 'doc', id: 'same', data: { v: i } });
            }),
          ),
        );
        expect(ins.filter((r) => r === 'ok')).toHaveLength(1);
        expect(ins.filter((r) => r !== 'ok').every((r) => r === 'duplicate-id')).toBe(true);
        const ups = await all(Array.from({ length: 20 }), (_, i) =>
          outcome(
            store.transaction(t, async (tx) => {
              tx.records.queueUpdate('doc', 'same', 1, { v: 100 + i });
            }),
          ),
        );
        expect(ups.filter((r) => r === 'ok')).toHaveLength(1);
        expect(ups.filter((r) => r !== 'ok').every((r) => r === 'conflict')).toBe(true);
        const rec = await peek<StoredRecord>(store, t, (tx) => tx.records.get('doc', 'same'));
        expect(rec.version).toBe(2);
      });
    });

    describe('atomicity', () => {
      it('rolls back every kind of change when the work throws, and rethrows the same error', async () => {
        const t = freshTenant('atom');
        await store.transaction(t, async (tx) => {
          await tx.stock.adjust('p', 'w', d(10));
          await openAccount(tx, 'c', 'CNY', d('1000.00'));
          await tx.records.insert({ kind: 'doc', id: 'keep', number: 'K-1', data: { v: 1 } });
        });
        const boom = new Boom('deliberate');
        await expect(
          store.transaction(t, async (tx) => {
            await tx.records.insert({ kind: 'doc', id: 'gone', number: 'G-1', data: {} });
            await tx.records.update('doc', 'keep', 1, { v: 2 });
            await tx.stock.adjust('p', 'w', d(5));
            await tx.stock.reserve('p', 'w', d(3));
            await tx.stock.adjust('p2', 'w', d(7));
            await reserveCredit(tx, 'c', d('100.00'));
            await openAccount(tx, 'c2', 'USD', d(50));
            await tx.sequences.next('S');
            await tx.ledger.post({
              id: 'v1',
              number: 'V-1',
              postedAt: '2026-11-22T00:00:00.000Z',
              sourceKind: 'doc',
              sourceId: 'gone',
              memo: '',
              lines: [
                { account: '1', debit: d(1), credit: d(0), currency: 'CNY', partyId: 'c' },
                { account: '2', debit: d(0), credit: d(1), currency: 'CNY', partyId: null },
              ],
            });
            await tx.outbox.add([
              { id: 'e1', type: 'test', payload: {}, occurredAt: '2026-11-22T00:00:00.000Z' },
            ]);
            expect((await tx.idempotency.claim('k', 'req')).status).toBe('new');
            await tx.idempotency.complete('k', { r: 1 });
            throw boom;
          }),
        ).rejects.toBe(boom);
        await peek(store, t, async (tx) => {
          expect(await tx.records.get('doc', 'gone')).toBeUndefined();
          expect(await tx.records.getByNumber('doc', 'G-1')).toBeUndefined();
          expect((await tx.records.get('doc', 'keep'))?.data).toEqual({ v: 1 });
          const l = await tx.stock.level('p', 'w');
          expect([l.onHand.toFixed(), l.reserved.toFixed()]).toEqual(['10', '0']);
          expect((await tx.stock.level('p2', 'w')).onHand.isZero()).toBe(true);
          expect(exposureOf(await tx.credit.account('c')).isZero()).toBe(true);
          expect(await tx.credit.account('c2')).toBeUndefined();
          expect(await tx.sequences.next('S')).toBe(1);
          expect(await tx.ledger.vouchersFor('doc', 'gone')).toEqual([]);
          expect(await tx.ledger.balances()).toEqual([]);
          expect((await tx.idempotency.claim('k', 'req')).status).toBe('new');
        });
        const seen: OutboxMessage[] = [];
        await store.relayOutbox((m) => {
          if (m.tenantId === t) seen.push(m);
        }, 10_000);
        expect(seen).toEqual([]);
      });
    });

    describe('atomic operations', () => {
      it('credit: changes after a checked one in the same transaction add up on the account and its group, are read back, and commit or roll back with it', async () => {
        const t = freshTenant('crh');
        const move = (
          tx: Transaction,
          accountId: string,
          amount: string,
          from: 'orders' | 'uninvoiced' | 'receivables' | null,
          to: 'orders' | 'uninvoiced' | 'receivables' | null,
          currency = 'CNY',
        ) => tx.credit.change({ accountId, currency, amount: d(amount), from, to, check: null });
        const buckets = (a: { orders: Dec; uninvoiced: Dec; receivables: Dec } | undefined) =>
          a ? [a.orders.toFixed(), a.uninvoiced.toFixed(), a.receivables.toFixed()] : null;
        await store.transaction(t, async (tx) => {
          await openAccount(tx, 'G', 'CNY', d(1000));
          await openAccount(tx, 'c', 'CNY', d(500), 'G');
        });
        const run = (fail: boolean) =>
          store.transaction(t, async (tx) => {
            expect(isCreditShortfall(await reserveCredit(tx, 'c', d('100.00')))).toBe(false);
            const a = await move(tx, 'c', '60.00', 'orders', 'uninvoiced');
            expect(isCreditShortfall(a)).toBe(false);
            expect((a as { accountId: string }[]).map((x) => x.accountId)).toEqual(['c', 'G']);
            expect(buckets((a as never[])[1])).toEqual(['40', '60', '0']);
            expect(
              isCreditShortfall(await move(tx, 'c', '60.00', 'uninvoiced', 'receivables')),
            ).toBe(false);
            // More than the bucket holds, or another currency: refused, nothing changes.
            const short = await move(tx, 'c', '40.01', 'orders', null);
            expect(isCreditShortfall(short) && buckets(short.accounts[0])).toEqual([
              '40',
              '0',
              '60',
            ]);
            const other = await move(tx, 'c', '1.00', 'orders', null, 'USD');
            expect(isCreditShortfall(other)).toBe(true);
            // The group alone (a tail of the chain held) and a read of each.
            expect(isCreditShortfall(await move(tx, 'G', '10.00', 'receivables', null))).toBe(
              false,
            );
            expect(buckets(await tx.credit.account('c'))).toEqual(['40', '0', '60']);
            expect(buckets(await tx.credit.account('G'))).toEqual(['40', '0', '50']);
            // A checked change after them sees them (the limit counts what is left).
            expect(isCreditShortfall(await reserveCredit(tx, 'c', d('400.01')))).toBe(true);
            expect(isCreditShortfall(await reserveCredit(tx, 'c', d('400.00')))).toBe(false);
            expect(isCreditShortfall(await move(tx, 'c', '440.00', 'orders', null))).toBe(false);
            if (fail) throw new Error('undo');
          });
        await expect(run(true)).rejects.toThrow('undo');
        expect(buckets(await peek(store, t, (tx) => tx.credit.account('G')))).toEqual([
          '0',
          '0',
          '0',
        ]);
        await run(false);
        expect(buckets(await peek(store, t, (tx) => tx.credit.account('c')))).toEqual([
          '0',
          '0',
          '60',
        ]);
        expect(buckets(await peek(store, t, (tx) => tx.credit.account('G')))).toEqual([
          '0',
          '0',
          '50',
        ]);
      });

      it('credit: a concurrent change waits for a transaction holding the account and sees its net change; a save in between takes the chain again', async () => {
        const t = freshTenant('crw');
        await store.transaction(t, async (tx) => {
          await openAccount(tx, 'G', 'CNY', d(1000));
          await openAccount(tx, 'c', 'CNY', d(500), 'G');
        });
        const release = (tx: Transaction, id: string, amount: string) =>
          tx.credit.change({
            accountId: id,
            currency: 'CNY',
            amount: d(amount),
            from: 'orders',
            to: null,
            check: null,
          });
        let holding = () => {};
        const held = new Promise<void>((r) => {
          holding = r;
        });
        let go = () => {};
        const resume = new Promise<void>((r) => {
          go = r;
        });
        const first = store.transaction(t, async (tx) => {
          expect(isCreditShortfall(await reserveCredit(tx, 'c', d('100.00')))).toBe(false);
          expect(isCreditShortfall(await release(tx, 'c', '100.00'))).toBe(false);
          holding();
          await resume;
          expect(isCreditShortfall(await reserveCredit(tx, 'c', d('30.00')))).toBe(false);
          // A save (here: a higher limit) in between; the next change takes the chain again.
          await openAccount(tx, 'c', 'CNY', d(530), 'G');
          expect(isCreditShortfall(await release(tx, 'c', '30.00'))).toBe(false);
          expect(isCreditShortfall(await release(tx, 'G', '0.01'))).toBe(true);
        });
        await held;
        // Fits only once the first transaction's releases count: it waits for that commit.
        const other = store.transaction(t, (tx2) => reserveCredit(tx2, 'c', d('500.00')));
        go();
        await first;
        expect(isCreditShortfall(await other)).toBe(false);
        const [c, g] = await peek<(CreditAccount | undefined)[]>(store, t, async (tx) => [
          await tx.credit.account('c'),
          await tx.credit.account('G'),
        ]);
        expect([c?.orders.toFixed(), c?.limit?.toFixed(), g?.orders.toFixed()]).toEqual([
          '500',
          '530',
          '500',
        ]);
      });

      it('stock: reserve/release/issue are checked and adjust is not', async () => {
        const t = freshTenant('stk');
        await store.transaction(t, async (tx) => {
          expect((await tx.stock.level('p', 'w')).onHand.isZero()).toBe(true);
          await tx.stock.adjust('p', 'w', d('10.5'));
          const short = await tx.stock.reserve('p', 'w', d(11));
          expect(isStockShortfall(short)).toBe(true);
          const ok = await tx.stock.reserve('p', 'w', d('10.5'));
          expect(isStockShortfall(ok)).toBe(false);
          expect(isStockShortfall(await tx.stock.reserve('p', 'w', d('0.000001')))).toBe(true);
          expect(isStockShortfall(await tx.stock.release('p', 'w', d(11)))).toBe(true);
          expect(isStockShortfall(await tx.stock.release('p', 'w', d('0.5')))).toBe(false);
          expect(isStockShortfall(await tx.stock.issueReserved('p', 'w', d(10)))).toBe(false);
          expect(isStockShortfall(await tx.stock.issueReserved('p', 'w', d(1)))).toBe(true);
          const l = await tx.stock.level('p', 'w');
          expect([l.onHand.toFixed(), l.reserved.toFixed()]).toEqual(['0.5', '0']);
          await tx.stock.adjust('p', 'w', d(-2));
          expect((await tx.stock.level('p', 'w')).onHand.toFixed()).toBe('-1.5');
        });
      });

      it('stock: batch operations are all or nothing, and add up repeated lines', async () => {
        const t = freshTenant('stkall');
        await store.transaction(t, async (tx) => {
          await tx.stock.adjust('a', 'w', d(10));
          await tx.stock.adjust('b', 'w', d(5));
          const line = (productId: string, qty: number) => ({
            productId,
            warehouseId: 'w',
            qty: d(qty),
          });
          const short = await tx.stock.reserveAll([line('a', 4), line('b', 3), line('b', 3)]);
          expect(
            isStockShortfall(short) && [short.level.productId, short.requested.toFixed()],
          ).toEqual(['b', '6']);
          expect((await tx.stock.level('a', 'w')).reserved.isZero()).toBe(true);
          expect(
            isStockShortfall(await tx.stock.reserveAll([line('a', 1), line('nothing', 1)])),
          ).toBe(true);
          expect((await tx.stock.level('a', 'w')).reserved.isZero()).toBe(true);
          const ok = await tx.stock.reserveAll([line('a', 4), line('b', 2), line('a', 6)]);
          expect(
            isStockShortfall(ok) ? null : ok.map((l) => [l.productId, l.reserved.toFixed()]),
          ).toEqual([
            ['a', '10'],
            ['b', '2'],
          ]);
          expect(isStockShortfall(await tx.stock.releaseAll([line('a', 1), line('b', 3)]))).toBe(
            true,
          );
          expect(
            isStockShortfall(await tx.stock.issueReservedAll([line('a', 10), line('b', 2)])),
          ).toBe(false);
          const a = await tx.stock.level('a', 'w');
          const b = await tx.stock.level('b', 'w');
          expect([
            a.onHand.toFixed(),
            a.reserved.toFixed(),
            b.onHand.toFixed(),
            b.reserved.toFixed(),
          ]).toEqual(['0', '0', '3', '0']);
        });
      });

      it(`stock: ${100 * scale} concurrent three-line batch reservations never oversell and never half-apply`, async () => {
        const t = freshTenant('cstkall');
        const onHand = { a: d(120), b: d(90), c: d(60) };
        await store.transaction(t, async (tx) => {
          for (const [p, q] of Object.entries(onHand)) await tx.stock.adjust(p, 'w', q);
        });
        const rnd = prng(17);
        const baskets = Array.from({ length: Math.round(100 * scale) }, () =>
          (['a', 'b', 'c'] as const).map((p) => ({
            productId: p,
            warehouseId: 'w',
            qty: d(1 + Math.floor(rnd() * 3)),
          })),
        );
        const results = await all(baskets, (lines) =>
          store.transaction(t, (tx) => tx.stock.reserveAll(lines)),
        );
        const granted = baskets.filter((_, i) => !isStockShortfall(results[i]!));
        for (const p of ['a', 'b', 'c'] as const) {
          const level = await store.transaction(t, (tx) => tx.stock.level(p, 'w'));
          const mine = granted.map((lines) => lines.find((l) => l.productId === p)!.qty);
          expect(
            allocationViolations({ capacity: onHand[p], granted: mine, allocated: level.reserved }),
            p,
          ).toEqual([]);
        }
        expect(results.some((r) => isStockShortfall(r))).toBe(true);
      });

      it('credit: reserve within the limit only, release within the exposure only', async () => {
        const t = freshTenant('crd');
        await store.transaction(t, async (tx) => {
          expect(isCreditShortfall(await reserveCredit(tx, 'none', d(1)))).toBe(true);
          await openAccount(tx, 'c', 'CNY', d('100.00'));
          expect(isCreditShortfall(await reserveCredit(tx, 'c', d('100.01')))).toBe(true);
          const r = await reserveCredit(tx, 'c', d('100.00'));
          expect(isCreditShortfall(r) ? undefined : r[0]?.orders.toFixed(2)).toBe('100.00');
          expect(isCreditShortfall(await reserveCredit(tx, 'c', d('0.01')))).toBe(true);
          expect(isCreditShortfall(await releaseCredit(tx, 'c', d('100.01')))).toBe(true);
          expect(isCreditShortfall(await releaseCredit(tx, 'c', d('40')))).toBe(false);
          const a = await openAccount(tx, 'c', 'CNY', d('50'));
          expect([a.limit?.toFixed(), a.orders.toFixed()]).toEqual(['50', '60']);
          expect(isCreditShortfall(await reserveCredit(tx, 'c', d('0.01')))).toBe(true);
        });
      });

      it('credit: a change applies to the account and every group above it, or to none', async () => {
        const t = freshTenant('crdtree');
        await store.transaction(t, async (tx) => {
          await openAccount(tx, 'ROOT', 'CNY', d(100));
          await openAccount(tx, 'MID', 'CNY', null, 'ROOT');
          await openAccount(tx, 'LEAF', 'CNY', d(60), 'MID');
          const r = await reserveCredit(tx, 'LEAF', d(50));
          expect(
            isCreditShortfall(r) ? null : r.map((a) => [a.accountId, a.orders.toFixed()]),
          ).toEqual([
            ['LEAF', '50'],
            ['MID', '50'],
            ['ROOT', '50'],
          ]);
          const sub = await reserveCredit(tx, 'LEAF', d(11)); // LEAF would be 61 > 60
          expect(isCreditShortfall(sub) && sub.accounts.map((a) => a.accountId)).toEqual([
            'LEAF',
            'MID',
            'ROOT',
          ]);
          await openAccount(tx, 'OTHER', 'CNY', null, 'ROOT');
          expect(isCreditShortfall(await reserveCredit(tx, 'OTHER', d(51)))).toBe(true); // ROOT would be 101
          expect(isCreditShortfall(await reserveCredit(tx, 'OTHER', d(50)))).toBe(false);
          expect((await tx.credit.account('MID'))?.orders.toFixed()).toBe('50');
          const usd = await tx.credit.change({
            accountId: 'LEAF',
            currency: 'USD',
            amount: d(1),
            from: null,
            to: 'orders',
            check: null,
          });
          expect(isCreditShortfall(usd) && usd.accounts[0]?.currency).toBe('CNY');
          const missing = await tx.credit.change({
            accountId: 'NOPE',
            currency: 'CNY',
            amount: d(1),
            from: null,
            to: 'orders',
            check: null,
          });
          expect(isCreditShortfall(missing) && missing.accounts).toEqual([]);
          const move = await tx.credit.save({
            ...(await tx.credit.account('LEAF'))!,
            parentId: 'ROOT',
          });
          expect(move).toBe('open-exposure');
          expect((await tx.credit.account('LEAF'))?.parentId).toBe('MID');
          const kids = await tx.credit.children('ROOT');
          expect(kids.map((k) => k.accountId)).toEqual(['MID', 'OTHER']);
        });
      });

      it('credit: temporary increases count until they expire, deposits add, frozen accounts refuse checked changes', async () => {
        const t = freshTenant('crdcap');
        await store.transaction(t, async (tx) => {
          const base = await openAccount(tx, 'C', 'CNY', d(100));
          const saved = await tx.credit.save({
            ...base,
            temporary: d(50),
            temporaryUntil: '2026-11-23T00:00:00.000Z',
            deposit: d(10),
          });
          expect(saved === 'open-exposure' ? null : saved.deposit.toFixed()).toBe('10');
          expect(
            isCreditShortfall(await reserveCredit(tx, 'C', d(160), '2026-11-22T23:59:59.999Z')),
          ).toBe(false);
          expect(isCreditShortfall(await releaseCredit(tx, 'C', d(160)))).toBe(false);
          expect(
            isCreditShortfall(await reserveCredit(tx, 'C', d(111), '2026-11-23T00:00:00.000Z')),
          ).toBe(true);
          expect(
            isCreditShortfall(await reserveCredit(tx, 'C', d(110), '2026-11-23T00:00:00.000Z')),
          ).toBe(false);
          const frozen = await tx.credit.save({ ...(await tx.credit.account('C'))!, frozen: true });
          expect(frozen === 'open-exposure' ? null : frozen.frozen).toBe(true);
          expect(isCreditShortfall(await reserveCredit(tx, 'C', d(0.01)))).toBe(true);
          expect(isCreditShortfall(await releaseCredit(tx, 'C', d(10)))).toBe(false);
          const moved = await tx.credit.change({
            accountId: 'C',
            currency: 'CNY',
            amount: d(100),
            from: 'orders',
            to: 'uninvoiced',
            check: null,
          });
          expect(
            isCreditShortfall(moved)
              ? null
              : [moved[0]?.orders.toFixed(), moved[0]?.uninvoiced.toFixed()],
          ).toEqual(['0', '100']);
          expect(
            isCreditShortfall(
              await tx.credit.change({
                accountId: 'C',
                currency: 'CNY',
                amount: d(1),
                from: 'orders',
                to: null,
                check: null,
              }),
            ),
          ).toBe(true);
        });
      });

      it('credit: open items settle conditionally and age by due date', async () => {
        const t = freshTenant('oi');
        await store.transaction(t, async (tx) => {
          await tx.credit.addOpenItem({
            itemId: 'i#1',
            accountId: 'A',
            sourceKind: 'invoice',
            sourceId: 'i',
            dueDate: '2026-12-01',
            amount: d('30.00'),
          });
          await tx.credit.addOpenItem({
            itemId: 'i#2',
            accountId: 'A',
            sourceKind: 'invoice',
            sourceId: 'i',
            dueDate: '2026-11-01',
            amount: d('70.00'),
          });
          await tx.credit.addOpenItem({
            itemId: 'j#1',
            accountId: 'B',
            sourceKind: 'invoice',
            sourceId: 'j',
            dueDate: '2026-10-01',
            amount: d('5.00'),
          });
          expect((await tx.credit.openItemsOf('invoice', 'i')).map((x) => x.itemId)).toEqual([
            'i#2',
            'i#1',
          ]);
          const od = await tx.credit.overdue(['A'], '2026-11-15');
          expect([od.amount.toFixed(2), od.oldestDueDate, od.count]).toEqual([
            '70.00',
            '2026-11-01',
            1,
          ]);
          const both = await tx.credit.overdue(['A', 'B'], '2027-01-01');
          expect([both.amount.toFixed(2), both.oldestDueDate, both.count]).toEqual([
            '105.00',
            '2026-10-01',
            3,
          ]);
          expect(await tx.credit.settleOpenItem('i#2', d('70.01'))).toBeUndefined();
          expect((await tx.credit.settleOpenItem('i#2', d('70.00')))?.residual.toFixed(2)).toBe(
            '0.00',
          );
          expect((await tx.credit.openItemsOf('invoice', 'i')).map((x) => x.itemId)).toEqual([
            'i#1',
          ]);
          expect((await tx.credit.overdue(['A'], '2026-11-15')).count).toBe(0);
        });
      });

      it('credit: open items added in a transaction are found and settled with the stored ones, in due order, and kept or dropped with it', async () => {
        const t = freshTenant('oiw');
        const item = (itemId: string, dueDate: string, amount: string) => ({
          itemId,
          accountId: 'A',
          sourceKind: 'invoice',
          sourceId: 'k',
          dueDate,
          amount: d(amount),
        });
        const state = (tx: Transaction) =>
          tx.credit
            .openItemsOf('invoice', 'k')
            .then((xs) => xs.map((x) => `${x.itemId}:${x.residual.toFixed(2)}`));
        await store.transaction(t, (tx) =>
          tx.credit.addOpenItem(item('k#2', '2026-12-01', '20.00')),
        );
        const run = (fail: boolean) =>
          store.transaction(t, async (tx) => {
            await tx.credit.addOpenItem(item('k#1', '2026-11-01', '10.00'));
            await tx.credit.addOpenItem(item('k#3', '2026-12-01', '30.00'));
            expect(await state(tx)).toEqual(['k#1:10.00', 'k#2:20.00', 'k#3:30.00']);
            expect(await tx.credit.settleOpenItem('k#1', d('10.01'))).toBeUndefined();
            expect((await tx.credit.settleOpenItem('k#1', d('10.00')))?.residual.isZero()).toBe(
              true,
            );
            expect((await tx.credit.settleOpenItem('k#3', d('12.50')))?.residual.toFixed(2)).toBe(
              '17.50',
            );
            expect((await tx.credit.settleOpenItem('k#2', d('5.00')))?.residual.toFixed(2)).toBe(
              '15.00',
            );
            expect(await state(tx)).toEqual(['k#2:15.00', 'k#3:17.50']);
            const od = await tx.credit.overdue(['A'], '2027-01-01');
            expect([od.amount.toFixed(2), od.count]).toEqual(['32.50', 2]);
            if (fail) throw new Error('undo');
          });
        await expect(run(true)).rejects.toThrow('undo');
        expect(await peek(store, t, state)).toEqual(['k#2:20.00']);
        await run(false);
        expect(await peek(store, t, state)).toEqual(['k#2:15.00', 'k#3:17.50']);
        expect(
          (await peek<{ count: number }>(store, t, (tx) => tx.credit.overdue(['A'], '2027-01-01')))
            .count,
        ).toBe(2);
      });

      it('credit: open items a transaction added are found with addedHere, waiting or sent', async () => {
        const t = freshTenant('oih');
        const item = (itemId: string, dueDate: string, amount: string) => ({
          itemId,
          accountId: 'A',
          sourceKind: 'invoice',
          sourceId: 'h',
          dueDate,
          amount: d(amount),
        });
        const state = (tx: Transaction) =>
          tx.credit
            .openItemsOf('invoice', 'h', { addedHere: true })
            .then((xs) => xs.map((x) => `${x.itemId}:${x.residual.toFixed(2)}`));
        await store.transaction(t, async (tx) => {
          await tx.credit.addOpenItem(item('h#2', '2026-12-01', '20.00'));
          await tx.credit.addOpenItem(item('h#1', '2026-11-01', '10.00'));
          expect(await state(tx)).toEqual(['h#1:10.00', 'h#2:20.00']);
          expect((await tx.credit.settleOpenItem('h#1', d('5.00')))?.residual.toFixed(2)).toBe(
            '5.00',
          );
          // An aggregate read sends what waits; the items are found all the same.
          expect((await tx.credit.overdue(['A'], '2027-01-01')).count).toBe(2);
          expect(await state(tx)).toEqual(['h#1:5.00', 'h#2:20.00']);
          expect(await tx.credit.settleOpenItem('h#2', d('20.00'))).toBeDefined();
          expect(await state(tx)).toEqual(['h#1:5.00']);
        });
        // Another transaction added none of them: it asks without `addedHere`.
        const stored = await peek<string[]>(store, t, (tx) =>
          tx.credit
            .openItemsOf('invoice', 'h')
            .then((xs) => xs.map((x) => `${x.itemId}:${x.residual.toFixed(2)}`)),
        );
        expect(stored).toEqual(['h#1:5.00']);
      });

      it(`stock: ${100 * scale} concurrent reservations never exceed on-hand`, async () => {
        const t = freshTenant('cstk');
        const onHand = d(500);
        await store.transaction(t, (tx) => tx.stock.adjust('p', 'w', onHand));
        const rnd = prng(42);
        const asks = Array.from({ length: Math.round(100 * scale) }, () =>
          d(1 + Math.floor(rnd() * 12)),
        );
        const results = await all(asks, (q) =>
          store.transaction(t, (tx) => tx.stock.reserve('p', 'w', q)),
        );
        const granted = asks.filter((_, i) => !isStockShortfall(results[i]!));
        const level = await store.transaction(t, (tx) => tx.stock.level('p', 'w'));
        expect(
          allocationViolations({ capacity: onHand, granted, allocated: level.reserved }),
        ).toEqual([]);
        expect(results.some((r) => isStockShortfall(r))).toBe(true);
      });

      it(`credit: ${100 * scale} concurrent reservations never exceed the limit`, async () => {
        const t = freshTenant('ccrd');
        const limit = d('10000.00');
        await store.transaction(t, (tx) => openAccount(tx, 'c', 'CNY', limit));
        const rnd = prng(7);
        const asks = Array.from({ length: Math.round(100 * scale) }, () =>
          d(Math.floor(rnd() * 40000) + 1).dividedBy(100),
        );
        const results = await all(asks, (a) =>
          store.transaction(t, (tx) => reserveCredit(tx, 'c', a)),
        );
        const granted = asks.filter((_, i) => !isCreditShortfall(results[i]!));
        const acc = await store.transaction(t, (tx) => tx.credit.account('c'));
        expect(
          allocationViolations({ capacity: limit, granted, allocated: exposureOf(acc) }),
        ).toEqual([]);
        expect(results.some((r) => isCreditShortfall(r))).toBe(true);
      });

      it('check on the checker: a naive read-then-write reservation oversells under the same load', async () => {
        const t = freshTenant('naive');
        const onHand = d(500);
        await store.transaction(t, (tx) => tx.stock.adjust('p', 'w', onHand));
        const rnd = prng(42);
        const asks = Array.from({ length: Math.round(100 * scale) }, () =>
          d(1 + Math.floor(rnd() * 12)),
        );
        const took = await all(asks, (q) => naiveTake(store, t, 'p', 'w', q));
        const granted = asks.filter((_, i) => took[i]);
        const level = await store.transaction(t, (tx) => tx.stock.level('p', 'w'));
        const violations = allocationViolations({
          capacity: onHand,
          granted,
          allocated: onHand.minus(level.onHand),
        });
        expect(violations.length).toBeGreaterThan(0);
      });

      it(`sequences: ${200 * scale} concurrent callers get distinct, gapless numbers; rolled-back numbers are reused`, async () => {
        const t = freshTenant('seq');
        const n = Math.round(200 * scale);
        const got = await all(Array.from({ length: n }), () =>
          store.transaction(t, (tx) => tx.sequences.next('SO')),
        );
        expect(new Set(got).size).toBe(n);
        expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        expect(await peek(store, t, (tx) => tx.sequences.next('SO'))).toBe(n + 1);
        expect(await store.transaction(t, (tx) => tx.sequences.next('OTHER'))).toBe(1);
      });

      it('sequences: nextMany takes consecutive values of several series at once; giveBack returns the highest unused ones', async () => {
        const t = freshTenant('seqm');
        expect(
          await store.transaction(t, (tx) =>
            tx.sequences.nextMany([
              { series: 'A', count: 3 },
              { series: 'B', count: 1 },
            ]),
          ),
        ).toEqual([1, 1]);
        await store.transaction(t, async (tx) => {
          expect(await tx.sequences.next('A')).toBe(4);
          expect(await tx.sequences.nextMany([{ series: 'A', count: 2 }])).toEqual([5]); // 5, 6
          await tx.sequences.giveBack('A', 6, 6); // 6 was not used
          expect(await tx.sequences.nextMany([])).toEqual([]);
        });
        expect(await peek(store, t, (tx) => tx.sequences.next('A'))).toBe(6);
        // Rolled back: taken and given back values alike are restored.
        await expect(
          store.transaction(t, async (tx) => {
            await tx.sequences.nextMany([{ series: 'A', count: 4 }]);
            expect(await tx.sequences.next('B')).toBe(2);
            await tx.sequences.giveBack('B', 2, 2);
            await tx.sequences.giveBack('A', 8, 9);
            throw new Error('undo');
          }),
        ).rejects.toThrow('undo');
        expect(
          await peek(store, t, (tx) =>
            tx.sequences.nextMany([
              { series: 'B', count: 1 },
              { series: 'A', count: 1 },
            ]),
          ),
        ).toEqual([2, 6]);
        // Misuse is a bug, and changes nothing.
        for (const bad of [
          [
            { series: 'A', count: 1 },
            { series: 'A', count: 1 },
          ],
          [{ series: 'A', count: 0 }],
          [{ series: 'A', count: 1.5 }],
        ]) {
          await expect(
            store.transaction(t, (tx) => tx.sequences.nextMany(bad)),
          ).rejects.toMatchObject({ code: 'INVALID_SEQUENCE_REQUEST' });
        }
        // A give-back is a compare-and-set on the series' last value: values taken after the
        // ones given back are never handed out twice.
        await expect(
          store.transaction(t, async (tx) => {
            const [first] = await tx.sequences.nextMany([{ series: 'B', count: 2 }]); // 2, 3
            expect(first).toBe(2);
            expect(await tx.sequences.next('B')).toBe(4);
            await tx.sequences.giveBack('B', 2, 3);
          }),
        ).rejects.toMatchObject({ code: 'SEQUENCE_GIVE_BACK' });
        for (const [first, last] of [
          [1, 0],
          [0, 1],
          [1.5, 2],
        ] as const) {
          await expect(
            store.transaction(t, (tx) => tx.sequences.giveBack('B', first, last)),
          ).rejects.toMatchObject({ code: 'SEQUENCE_GIVE_BACK' });
        }
        await expect(
          store.transaction(t, (tx) => tx.sequences.giveBack('NEVER', 1, 1)),
        ).rejects.toMatchObject({ code: 'SEQUENCE_GIVE_BACK' });
        expect(await peek(store, t, (tx) => tx.sequences.next('B'))).toBe(2);
      });

      it(`sequences: ${50 * scale} concurrent callers mixing nextMany, giveBack and next use distinct, gapless values`, async () => {
        const t = freshTenant('seqc');
        const n = Math.round(50 * scale);
        const used = await all(Array.from({ length: n }), (_, i) =>
          store.transaction(t, async (tx) => {
            if (i % 2 === 0) {
              // Takes two A and one B, uses the first A and gives the second back.
              const [a, b] = await tx.sequences.nextMany([
                { series: 'A', count: 2 },
                { series: 'B', count: 1 },
              ]);
              await tx.sequences.giveBack('A', (a as number) + 1, (a as number) + 1);
              return [a as number, b as number];
            }
            return [await tx.sequences.next('A'), await tx.sequences.next('B')];
          }),
        );
        const gapless = Array.from({ length: n }, (_, k) => k + 1);
        expect(used.map(([a]) => a).sort((x, y) => (x as number) - (y as number))).toEqual(gapless);
        expect(used.map(([, b]) => b).sort((x, y) => (x as number) - (y as number))).toEqual(
          gapless,
        );
        expect(await peek(store, t, (tx) => tx.sequences.next('A'))).toBe(n + 1);
      });
    });

    describe('ledger', () => {
      it('stores vouchers with exact decimals and sums balances per account and party', async () => {
        const t = freshTenant('led');
        const line = (
          account: string,
          debit: string,
          credit: string,
          partyId: string | null = null,
        ) => ({
          account,
          debit: d(debit),
          credit: d(credit),
          currency: 'CNY',
          partyId,
        });
        await store.transaction(t, async (tx) => {
          await tx.ledger.post({
            id: 'v1',
            number: 'V-1',
            postedAt: '2026-11-22T01:02:03.004Z',
            sourceKind: 'invoice',
            sourceId: 'i1',
            memo: 'first',
            lines: [
              line('1122', '113.00', '0', 'c1'),
              line('6001', '0', '100.00'),
              line('222101', '0', '13.00'),
            ],
          });
          await tx.ledger.post({
            id: 'v2',
            number: 'V-2',
            postedAt: '2026-11-22T01:02:04.000Z',
            sourceKind: 'invoice',
            sourceId: 'i2',
            memo: 'second',
            lines: [line('1122', '0.01', '0', 'c2'), line('6001', '0', '0.01')],
          });
        });
        await peek(store, t, async (tx) => {
          const vs = await tx.ledger.vouchersFor('invoice', 'i1');
          expect(vs).toHaveLength(1);
          expect(vs[0]!.postedAt).toBe('2026-11-22T01:02:03.004Z');
          expect(
            vs[0]!.lines.map((l) => [
              l.account,
              l.debit.toFixed(2),
              l.credit.toFixed(2),
              l.partyId ?? null,
            ]),
          ).toEqual([
            ['1122', '113.00', '0.00', 'c1'],
            ['6001', '0.00', '100.00', null],
            ['222101', '0.00', '13.00', null],
          ]);
          const b = await tx.ledger.balances();
          expect(
            b.map((x) => [x.account, x.currency, x.debit.toFixed(2), x.credit.toFixed(2)]),
          ).toEqual([
            ['1122', 'CNY', '113.01', '0.00'],
            ['222101', 'CNY', '0.00', '13.00'],
            ['6001', 'CNY', '0.00', '100.01'],
          ]);
          const c2 = await tx.ledger.balances('c2');
          expect(c2.map((x) => [x.account, x.debit.toFixed(2)])).toEqual([['1122', '0.01']]);
        });
      });
    });

    describe('idempotency keys', () => {
      it('claims once, replays the completed response, and releases a rolled-back claim', async () => {
        const t = freshTenant('idem');
        await expect(
          store.transaction(t, async (tx) => {
            expect(await tx.idempotency.claim('k1', 'A')).toEqual({ status: 'new' });
            throw new Boom();
          }),
        ).rejects.toBeInstanceOf(Boom);
        await store.transaction(t, async (tx) => {
          expect(await tx.idempotency.claim('k1', 'A')).toEqual({ status: 'new' });
          await tx.idempotency.complete('k1', { ok: true, n: '1.10' });
        });
        const again = await store.transaction(t, (tx) => tx.idempotency.claim('k1', 'B'));
        expect(again).toEqual({ status: 'done', request: 'A', response: { ok: true, n: '1.10' } });
      });

      it('lets exactly one of many concurrent claimers of a key do the work', async () => {
        const t = freshTenant('idemc');
        let worked = 0;
        await all(Array.from({ length: 20 }), () =>
          store.transaction(t, async (tx) => {
            const c = await tx.idempotency.claim('k', 'same');
            if (c.status === 'new') {
              worked++;
              await tx.idempotency.complete('k', 'done');
            }
          }),
        );
        expect(worked).toBe(1);
      });
    });

    describe('outbox', () => {
      it('publishes every committed event exactly once, in commit order per transaction, and none of the rolled-back ones', async () => {
        const t = freshTenant('obx');
        // Drain anything other tests left behind first.
        while ((await store.relayOutbox(() => {}, 1000)) > 0) {}
        const committed: string[] = [];
        await all(Array.from({ length: 40 }), async (_, i) => {
          const ids = [`e${i}a`, `e${i}b`];
          const entries = ids.map((id) => ({
            id,
            type: 'test',
            payload: { i },
            occurredAt: '2026-11-22T00:00:00.000Z',
          }));
          try {
            await store.transaction(t, async (tx) => {
              await tx.outbox.add(entries);
              if (i % 4 === 3) throw new Boom();
            });
            committed.push(...ids);
          } catch (e) {
            if (!(e instanceof Boom)) throw e;
          }
        });
        const delivered: string[] = [];
        const deliver = (m: OutboxMessage) => {
          if (m.tenantId === t) delivered.push(m.id);
        };
        await all([1, 2, 3], async () => {
          while ((await store.relayOutbox(deliver, 7)) > 0) {}
        });
        expect(new Set(delivered).size).toBe(delivered.length);
        expect([...delivered].sort()).toEqual([...committed].sort());
        for (let i = 0; i < 40; i++) {
          const a = delivered.indexOf(`e${i}a`);
          if (a >= 0) expect(delivered.indexOf(`e${i}b`)).toBeGreaterThan(a);
        }
        expect(await store.relayOutbox(deliver)).toBe(0);
      });

      it('keeps an entry when delivery throws, and delivers it on the next relay', async () => {
        const t = freshTenant('obxf');
        while ((await store.relayOutbox(() => {}, 1000)) > 0) {}
        await store.transaction(t, (tx) =>
          tx.outbox.add([
            { id: 'only', type: 'test', payload: { x: 1 }, occurredAt: '2026-11-22T00:00:00.000Z' },
          ]),
        );
        await expect(
          store.relayOutbox(() => {
            throw new Boom();
          }),
        ).rejects.toBeInstanceOf(Boom);
        const got: OutboxMessage[] = [];
        await store.relayOutbox((m) => got.push(m));
        expect(got.map((m) => [m.id, m.tenantId, m.type, m.payload])).toEqual([
          ['only', t, 'test', { x: 1 }],
        ]);
      });
    });

    describe('tenant isolation', () => {
      it('never shows tenant B anything tenant A wrote', async () => {
        const a = freshTenant('tenA');
        const b = freshTenant('tenB');
        await store.transaction(a, async (tx) => {
          await tx.records.insert({ kind: 'doc', id: 'x', number: 'N-1', data: { owner: 'a' } });
          await tx.stock.adjust('p', 'w', d(5));
          await openAccount(tx, 'c', 'CNY', d(100));
          await tx.sequences.next('S');
          await tx.idempotency.claim('k', 'r');
          await tx.idempotency.complete('k', 1);
          await tx.ledger.post({
            id: 'v',
            number: 'V-1',
            postedAt: '2026-11-22T00:00:00.000Z',
            sourceKind: 'doc',
            sourceId: 'x',
            memo: '',
            lines: [
              { account: '1', debit: d(1), credit: d(0), currency: 'CNY', partyId: 'c' },
              { account: '2', debit: d(0), credit: d(1), currency: 'CNY', partyId: null },
            ],
          });
        });
        await peek(store, b, async (tx) => {
          expect(await tx.records.get('doc', 'x')).toBeUndefined();
          expect(await tx.records.getMany('doc', ['x'])).toEqual([]);
          expect(await tx.records.getRefs([{ kind: 'doc', id: 'x' }])).toEqual([]);
          expect(await tx.records.getByNumber('doc', 'N-1')).toBeUndefined();
          expect(await tx.records.find({ kind: 'doc' })).toEqual([]);
          expect((await tx.stock.level('p', 'w')).onHand.isZero()).toBe(true);
          expect(await tx.credit.account('c')).toBeUndefined();
          expect(await tx.sequences.next('S')).toBe(1);
          expect((await tx.idempotency.claim('k', 'other')).status).toBe('new');
          expect(await tx.ledger.vouchersFor('doc', 'x')).toEqual([]);
          expect(await tx.ledger.balances()).toEqual([]);
          // B may use the same id and number as A.
          expect(
            await tx.records.insert({ kind: 'doc', id: 'x', number: 'N-1', data: { owner: 'b' } }),
          ).toBe('inserted');
        });
        expect(
          (await peek<{ data: unknown }>(store, a, (tx) => tx.records.get('doc', 'x'))).data,
        ).toEqual({ owner: 'a' });
      });
    });
  });
}
