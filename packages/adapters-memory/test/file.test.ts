import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dec, type TenantId } from '@tradecore/core';
import { runSliceModel, seedSlice, tradecoreFor } from '@tradecore/testkit';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src';

const T = 'file-tenant' as TenantId;

describe('memory store — JSON file persistence', () => {
  it('survives a restart with every kind of state intact', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tc-mem-'));
    const file = join(dir, 'store.json');
    const a = await createMemoryStore({ file });
    const tc = tradecoreFor(a, T);
    await seedSlice(tc, T, { limit: '500.00', stock: { P1: 10, P2: 3 } });
    await a.transaction(T, async (tx) => {
      await tx.stock.reserve('P1', 'W', new Dec(2));
      await tx.outbox.add([
        {
          id: 'pending',
          type: 'test',
          payload: { a: '1.10' },
          occurredAt: '2026-11-22T00:00:00.000Z',
        },
      ]);
      await tx.idempotency.claim('k', 'req');
      await tx.idempotency.complete('k', { r: 1 });
    });
    const beforeBalances = await a.transaction(T, (tx) => tx.ledger.balances());
    await a.close();

    const b = await createMemoryStore({ file });
    await b.transaction(T, async (tx) => {
      expect((await tx.records.find({ kind: 'product' })).map((r) => r.id)).toEqual(['P1', 'P2']);
      const l = await tx.stock.level('P1', 'W');
      expect([l.onHand.toFixed(), l.reserved.toFixed()]).toEqual(['10', '2']);
      expect((await tx.credit.account('HQ'))?.limit?.toFixed(2)).toBe('500.00');
      expect(await tx.ledger.balances()).toEqual(beforeBalances);
      expect(
        (await tx.ledger.vouchersFor('stock-receipt', 'file-tenant:stock-receipt-000001')).length,
      ).toBe(1);
      expect(await tx.idempotency.claim('k', 'other')).toEqual({
        status: 'done',
        request: 'req',
        response: { r: 1 },
      });
      expect(await tx.sequences.next('V:202611')).toBe(3);
    });
    const relayed: string[] = [];
    await b.relayOutbox((m) => relayed.push(m.id), 1000);
    expect(relayed).toContain('pending');
    await b.close();
  });

  it('leaves the previous snapshot intact when a crash interrupts a write (stale temp file)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tc-mem-'));
    const file = join(dir, 'store.json');
    const a = await createMemoryStore({ file });
    await a.transaction(T, (tx) => tx.stock.adjust('P', 'W', new Dec(7)));
    await a.close();
    const good = await readFile(file, 'utf8');
    // A crash mid-write leaves a torn temp file beside the real one; the real one is untouched.
    await writeFile(join(dir, '.store.json.tmp'), good.slice(0, good.length / 2));
    const b = await createMemoryStore({ file });
    expect((await b.transaction(T, (tx) => tx.stock.level('P', 'W'))).onHand.toFixed()).toBe('7');
    await b.transaction(T, (tx) => tx.stock.adjust('P', 'W', new Dec(1)));
    expect((await readdir(dir)).sort()).toEqual(['store.json']);
    expect(JSON.parse(await readFile(file, 'utf8')).format).toBe('tradecore-memory');
  });

  it('does not write a rolled-back transaction', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tc-mem-'));
    const file = join(dir, 'store.json');
    const a = await createMemoryStore({ file });
    await a.transaction(T, (tx) => tx.stock.adjust('P', 'W', new Dec(1)));
    const before = await readFile(file, 'utf8');
    await expect(
      a.transaction(T, async (tx) => {
        await tx.stock.adjust('P', 'W', new Dec(5));
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('refuses a file that is not a snapshot', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tc-mem-'));
    const file = join(dir, 'store.json');
    await writeFile(file, JSON.stringify({ hello: 'world' }));
    await expect(createMemoryStore({ file })).rejects.toThrow(/not a Tradecore memory snapshot/);
  });

  it('runs the slice model against a persisted store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tc-mem-'));
    const store = await createMemoryStore({ file: join(dir, 'store.json') });
    await runSliceModel(store, 3, 15);
    await store.close();
  });
});

describe('memory store — misuse', () => {
  it('refuses a transaction opened inside another one (it would deadlock)', async () => {
    const s = await createMemoryStore();
    await expect(s.transaction(T, () => s.transaction(T, async () => 1))).rejects.toMatchObject({
      code: 'NESTED_TRANSACTION',
    });
  });

  it('refuses to use a transaction after it finished', async () => {
    const s = await createMemoryStore();
    let leaked: Parameters<Parameters<typeof s.transaction>[1]>[0] | undefined;
    await s.transaction(T, async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.stock.level('P', 'W')).rejects.toMatchObject({
      code: 'TRANSACTION_FINISHED',
    });
  });

  it('refuses work after close', async () => {
    const s = await createMemoryStore();
    await s.close();
    await expect(s.transaction(T, async () => 1)).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });
});
