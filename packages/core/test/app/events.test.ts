import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../../adapters-memory/src';
import { createTradecore } from '../../src/app/tradecore';
import type { DomainEvent } from '../../src/events';
import { FixedClock, SequentialIds } from '../../src/kernel/clock';
import { unwrap } from '../../src/kernel/result';

describe('domain events', () => {
  it('publishes after commit, once, and nothing for a rejected command', async () => {
    const store = await createMemoryStore();
    const tc = createTradecore({
      store,
      clock: new FixedClock('2026-11-22T00:00:00.000Z'),
      ids: new SequentialIds(),
    });
    const seen: DomainEvent[] = [];
    tc.events.on('*', (_type, e) => {
      seen.push(e as DomainEvent);
    });
    unwrap(await tc.registerWarehouse('t', { id: 'W', name: 'Main' }));
    expect(seen.map((e) => [e.type, e.tenantId, e.occurredAt])).toEqual([
      ['masterdata.saved', 't', '2026-11-22T00:00:00.000Z'],
    ]);
    const bad = await tc.receiveStock('t', { productId: 'nope', warehouseId: 'W', quantity: '1' });
    expect(!bad.ok && bad.error.code).toBe('NOT_FOUND');
    expect(seen).toHaveLength(1);
    expect(await tc.relayOutbox()).toBe(0);
  });

  it('keeps a command successful when a subscriber throws, and reports the error', async () => {
    const store = await createMemoryStore();
    const errors: unknown[] = [];
    const tc = createTradecore({ store, onSubscriberError: (e) => errors.push(e) });
    tc.events.on('masterdata.saved', () => {
      throw new Error('subscriber bug');
    });
    expect((await tc.registerWarehouse('t', { id: 'W', name: 'Main' })).ok).toBe(true);
    expect(errors).toHaveLength(1);
  });
});
