/**
 * Aggregates are decoded once per stored version and shared (the memory store hands out the
 * same JSON for an unchanged record). That is only safe because what a command saves or loads is
 * deeply frozen: these examples fail if an aggregate a caller holds could change the stored one.
 * A unit of work also reads ahead what a command will need in one store call.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../../adapters-memory/src';
import { seedSlice, tradecoreFor } from '../../../testkit/src/fixtures';
import { DEFAULT_ACCOUNTS } from '../../src/accounting/voucher';
import { UnitOfWork } from '../../src/app/unit-of-work';
import type { TenantId } from '../../src/kernel/brand';
import { FixedClock, SequentialIds } from '../../src/kernel/clock';
import { decode, encode } from '../../src/kernel/codec';
import { unwrap } from '../../src/kernel/result';
import { Money } from '../../src/money/money';
import type { Transaction } from '../../src/ports/store';

async function setup() {
  const store = await createMemoryStore();
  const tc = tradecoreFor(store, 't');
  await seedSlice(tc, 't', { limit: '100000.00', stock: { P1: 100, P2: 100 } });
  return tc;
}

async function draftTwoP1(tc: Awaited<ReturnType<typeof setup>>) {
  return unwrap(
    await tc.draftSalesOrder('t', {
      customerId: 'HQ',
      warehouseId: 'W',
      priceListId: 'PL',
      lines: [{ productId: 'P1', quantity: '2' }],
    }),
  );
}

describe('aggregates shared between commands', () => {
  it('hands out a saved order deeply frozen: mutating it throws and the stored order is unchanged', async () => {
    const tc = await setup();
    const order = await draftTwoP1(tc);
    expect(Object.isFrozen(order)).toBe(true);
    expect(Object.isFrozen(order.lines)).toBe(true);
    expect(Object.isFrozen(order.lines[0])).toBe(true);
    expect(() => {
      (order.lines as unknown[]).push({});
    }).toThrow(TypeError);
    expect(() => {
      (order as { customerId: string }).customerId = 'someone-else';
    }).toThrow(TypeError);
    const confirmed = unwrap(await tc.confirmSalesOrder('t', { orderId: order.id }));
    expect(confirmed.customerId).toBe('HQ');
    expect(confirmed.lines).toHaveLength(1);
    expect(confirmed.lines[0]?.quantity.value.toFixed()).toBe('2');
  });

  it('gives queries their own copy: mutating it changes nothing stored', async () => {
    const tc = await setup();
    const order = await draftTwoP1(tc);
    const view = unwrap(await tc.getSalesOrder('t', order.id));
    if (!view) throw new Error('missing');
    (view.lines as unknown[]).length = 0;
    const again = unwrap(await tc.getSalesOrder('t', order.id));
    expect(again?.lines).toHaveLength(1);
  });

  it('encodes a frozen part once and reuses its JSON; an unfrozen one is encoded afresh', () => {
    const memo = new WeakMap<object, ReturnType<typeof encode>>();
    const part = Object.freeze({ price: Money.of('9.99', 'CNY') });
    const first = encode({ a: part }, memo) as Record<string, unknown>;
    const second = encode({ b: part }, memo);
    expect((second as Record<string, unknown>).b).toBe(first.a);
    const loose = { price: Money.of('9.99', 'CNY') };
    const x = encode({ a: loose }, memo) as Record<string, unknown>;
    const y = encode({ a: loose }, memo) as Record<string, unknown>;
    expect(y.a).not.toBe(x.a);
    expect(decode(second)).toEqual({ b: { price: Money.of('9.99', 'CNY') } });
  });
});

describe('read-ahead', () => {
  it('answers loads from what it read ahead, and a record it wrote from what it wrote', async () => {
    const store = await createMemoryStore();
    await store.transaction('t' as TenantId, async (tx) => {
      await tx.records.insert({ kind: 'doc', id: 'a', data: { id: 'a', n: 1 } });
    });
    await store.transaction('t' as TenantId, async (raw) => {
      const calls: string[] = [];
      const tx: Transaction = {
        ...raw,
        tenantId: raw.tenantId,
        records: {
          ...raw.records,
          get: (kind, id) => {
            calls.push(`get ${id}`);
            return raw.records.get(kind, id);
          },
          getRefs: (refs) => {
            calls.push(`getRefs ${refs.map((x) => x.id).join(',')}`);
            return raw.records.getRefs(refs);
          },
        },
      };
      const uow = new UnitOfWork(tx, {
        clock: new FixedClock('2026-11-22T00:00:00.000Z'),
        ids: new SequentialIds(),
        accounts: DEFAULT_ACCOUNTS,
      });
      await uow.prefetch([
        { kind: 'doc', id: 'a' },
        { kind: 'doc', id: 'b' },
      ]);
      await uow.prefetch([{ kind: 'doc', id: 'a' }]); // already read ahead: no store call
      expect(await uow.load('doc', 'a')).toEqual({ id: 'a', n: 1 });
      expect(await uow.load('doc', 'b')).toBeUndefined();
      expect(calls).toEqual(['getRefs a,b']);
      await uow.save('doc', { id: 'a', n: 2 });
      expect(await uow.load('doc', 'a')).toEqual({ id: 'a', n: 2 });
      await uow.create('doc', { id: 'c', n: 1 });
      expect(await uow.load('doc', 'c')).toEqual({ id: 'c', n: 1 });
      // What it wrote carries the version the store gave it: saving again applies.
      await uow.save('doc', { id: 'a', n: 3 });
      expect(calls).toEqual(['getRefs a,b']);
      expect((await raw.records.get('doc', 'a'))?.version).toBe(3);
    });
  });
});
