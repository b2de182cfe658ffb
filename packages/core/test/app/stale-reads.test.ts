/**
 * A command that fails checks, before it reports the failure, that it did not work from stale
 * records (`UnitOfWork.checkStale`), and a unit of work that reads two versions of one record
 * stops at once. Driven deterministically: a store wrapper makes a record change "between" the
 * command's read and its check, as a concurrent command on a server would.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../../adapters-memory/src';
import { DEFAULT_ACCOUNTS } from '../../src/accounting/voucher';
import { createTradecore } from '../../src/app/tradecore';
import { UnitOfWork } from '../../src/app/unit-of-work';
import type { TenantId } from '../../src/kernel/brand';
import { FixedClock, SequentialIds } from '../../src/kernel/clock';
import { isQueuedWriteError } from '../../src/kernel/errors';
import { unwrap } from '../../src/kernel/result';
import type { StoredRecord, StorePort, Transaction } from '../../src/ports/store';

const t = 't' as TenantId;
const deps = {
  clock: new FixedClock('2026-11-22T00:00:00.000Z'),
  ids: new SequentialIds(),
  accounts: DEFAULT_ACCOUNTS,
};

/** `tx` whose `getRefs` answers `bump` for one record as if somebody had saved it since. */
function bumping(tx: Transaction, bump: { kind: string; id: string; by: number }): Transaction {
  return {
    ...tx,
    tenantId: tx.tenantId,
    records: {
      ...tx.records,
      getRefs: async (refs) =>
        (await tx.records.getRefs(refs)).map(
          (r): StoredRecord =>
            r.kind === bump.kind && r.id === bump.id ? { ...r, version: r.version + bump.by } : r,
        ),
    },
  };
}

async function storeWith(...docs: { id: string; n: number }[]) {
  const store = await createMemoryStore();
  await store.transaction(t, async (tx) => {
    for (const d of docs) await tx.records.insert({ kind: 'doc', id: d.id, data: d });
  });
  return store;
}

describe('checkStale', () => {
  it('finds a record the unit of work only read that changed since, and nothing when none did', async () => {
    const store = await storeWith({ id: 'a', n: 1 }, { id: 'b', n: 1 });
    await store.transaction(t, async (raw) => {
      const uow = new UnitOfWork(bumping(raw, { kind: 'doc', id: 'a', by: 1 }), deps);
      await uow.load('doc', 'a');
      const e = await uow.checkStale().then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(isQueuedWriteError(e) && e.failure).toEqual({
        kind: 'doc',
        id: 'a',
        outcome: 'conflict',
        expectedVersion: 1,
      });
    });
    await store.transaction(t, async (raw) => {
      // Read and then saved: its own write, checked by the queued update, not by the re-read.
      const uow = new UnitOfWork(bumping(raw, { kind: 'doc', id: 'a', by: 1 }), deps);
      await uow.load('doc', 'a');
      await uow.save('doc', { id: 'a', n: 2 });
      await uow.load('doc', 'b');
      await expect(uow.checkStale()).resolves.toBeUndefined();
    });
  });

  it('finds a record looked up and missing that appeared since', async () => {
    const store = await storeWith({ id: 'a', n: 1 });
    await store.transaction(t, async (raw) => {
      const uow = new UnitOfWork(raw, deps);
      expect(await uow.load('doc', 'x')).toBeUndefined();
      await raw.records.insert({ kind: 'doc', id: 'x', data: { id: 'x', n: 1 } });
      const e = await uow.checkStale().then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(isQueuedWriteError(e) && e.failure).toMatchObject({ id: 'x', outcome: 'conflict' });
    });
  });

  it('stops at once when it reads a second version of a record', async () => {
    const store = await storeWith({ id: 'a', n: 1 });
    await store.transaction(t, async (raw) => {
      const uow = new UnitOfWork(raw, deps);
      await uow.load('doc', 'a');
      await raw.records.update('doc', 'a', 1, { id: 'a', n: 9 }); // somebody else, as it were
      await expect(uow.loadMany('doc', ['a'])).rejects.toSatisfy(isQueuedWriteError);
    });
  });
});

describe('saving and creating after a lookup', () => {
  it('refuses to save a record it found missing, or to create one it already wrote: bugs, not races', async () => {
    const store = await storeWith({ id: 'a', n: 1 });
    await store.transaction(t, async (raw) => {
      const uow = new UnitOfWork(raw, deps);
      expect(await uow.load('doc', 'x')).toBeUndefined();
      await expect(uow.save('doc', { id: 'x', n: 1 })).rejects.toMatchObject({
        code: 'SAVE_WITHOUT_LOAD',
      });
      await uow.create('doc', { id: 'x', n: 1 });
      await uow.save('doc', { id: 'x', n: 2 }); // created here: saved from version 1
      await expect(uow.create('doc', { id: 'x', n: 3 })).rejects.toMatchObject({
        code: 'CREATE_AFTER_WRITE',
      });
    });
  });
});

describe('resultOf', () => {
  it('makes a taken id of a record it found missing a conflict (retried), any other a duplicate', async () => {
    const store = await storeWith({ id: 'a', n: 1 });
    await store.transaction(t, async (raw) => {
      const uow = new UnitOfWork(raw, deps);
      await uow.load('doc', 'z');
      expect(uow.resultOf({ kind: 'doc', id: 'z', outcome: 'duplicate-id' }).code).toBe(
        'VERSION_CONFLICT',
      );
      expect(uow.resultOf({ kind: 'doc', id: 'y', outcome: 'duplicate-id' }).code).toBe(
        'DUPLICATE',
      );
      expect(
        uow.resultOf({ kind: 'doc', id: 'z', outcome: 'duplicate-number', number: 'N' }).code,
      ).toBe('DUPLICATE');
    });
  });
});

describe('a failing command', () => {
  it('is retried when it worked from a stale record, and then reports the failure it meets', async () => {
    const base = await createMemoryStore();
    const seed = createTradecore({ store: base, clock: deps.clock, ids: new SequentialIds('s') });
    unwrap(
      await seed.registerCustomer('t', {
        id: 'C',
        name: 'C',
        shipTo: [{ id: 'S', name: 'S', address: '-' }],
      }),
    );
    unwrap(await seed.registerWarehouse('t', { id: 'W', name: 'W' }));
    // In the first transaction every read of records after the first one (the read-ahead) sees
    // the customer one version further, as if another command had saved it meanwhile.
    let transactions = 0;
    const store: StorePort = {
      name: base.name,
      sharedOutbox: base.sharedOutbox,
      relayOutbox: (d, n) => base.relayOutbox(d, n),
      close: () => base.close(),
      transaction: (tenant, work) =>
        base.transaction(tenant, (tx) => {
          if (transactions++ > 0) return work(tx);
          let reads = 0;
          const later = bumping(tx, { kind: 'customer', id: 'C', by: 1 });
          return work({
            ...tx,
            tenantId: tx.tenantId,
            records: {
              ...tx.records,
              getRefs: (refs) => (reads++ === 0 ? tx.records : later.records).getRefs(refs),
            },
          });
        }),
    };
    const tc = createTradecore({ store, clock: deps.clock, ids: new SequentialIds('x') });
    const order = await tc.draftSalesOrder('t', {
      customerId: 'C',
      warehouseId: 'W',
      priceListId: 'none',
      lines: [{ productId: 'nothing', quantity: '1' }],
    });
    expect(transactions).toBe(2);
    expect(order.ok).toBe(false);
    if (!order.ok) expect(order.error).toMatchObject({ code: 'NOT_FOUND' });
  });
});
