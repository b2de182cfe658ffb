import { describe, expect, it } from 'vitest';
import { allowedEvents, defineMachine, extendMachine, transition } from '../../src/kernel/machine';
import { salesOrderMachine } from '../../src/sales/machines';

describe('state machines as data', () => {
  it('validates the shipped machines (every state reachable, finals closed)', () => {
    for (const m of [salesOrderMachine]) {
      expect(() => defineMachine(m)).not.toThrow();
    }
  });

  it('returns the target for a legal edge and a typed error listing the allowed events otherwise', () => {
    expect(transition(salesOrderMachine, 'draft', 'confirm')).toEqual({
      ok: true,
      value: { from: 'draft', event: 'confirm', to: 'confirmed' },
    });
    const bad = transition(salesOrderMachine, 'draft', 'deliver');
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error).toMatchObject({
        code: 'ILLEGAL_TRANSITION',
        machine: 'sales-order',
        from: 'draft',
        event: 'deliver',
      });
      expect([...bad.error.allowed].sort()).toEqual(['cancel', 'confirm', 'hold']);
    }
    expect(allowedEvents(salesOrderMachine, 'cancelled')).toEqual([]);
  });

  it('rejects inconsistent definitions at definition time', () => {
    const base = { name: 'm', initial: 'a', final: ['c'] } as const;
    expect(() =>
      defineMachine({
        ...base,
        states: ['a', 'b', 'c'],
        transitions: [{ from: 'a', event: 'x', to: 'c' }],
      }),
    ).toThrow(/unreachable/);
    expect(() =>
      defineMachine({
        ...base,
        states: ['a', 'c'],
        transitions: [
          { from: 'a', event: 'x', to: 'c' },
          { from: 'a', event: 'x', to: 'a' },
        ],
      }),
    ).toThrow(/two transitions/);
    expect(() =>
      defineMachine({
        ...base,
        states: ['a', 'c'],
        transitions: [
          { from: 'a', event: 'x', to: 'c' },
          { from: 'c', event: 'y', to: 'a' },
        ],
      }),
    ).toThrow(/final state c/);
    expect(() =>
      defineMachine({
        ...base,
        states: ['a', 'c'],
        transitions: [{ from: 'a', event: 'x', to: 'z' as 'c' }],
      }),
    ).toThrow(/unknown state z/);
  });

  it('lets an integrator add a state and its edges', () => {
    const m = extendMachine(salesOrderMachine, {
      states: ['parked'],
      transitions: [
        { from: 'draft', event: 'park', to: 'parked' },
        { from: 'parked', event: 'unpark', to: 'draft' },
      ],
    });
    expect(transition(m, 'draft', 'park').ok).toBe(true);
    expect(transition(m, 'parked', 'confirm').ok).toBe(false);
  });
});
