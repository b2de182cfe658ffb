import { createMemoryStore } from '@tradecore/adapters-memory';
import { describe, expect, it } from 'vitest';
import { runQuickstart } from '../src/slice';

describe('quickstart', () => {
  it('tells the whole slice and the books balance', async () => {
    const lines: string[] = [];
    const r = await runQuickstart(await createMemoryStore(), (l) => lines.push(l));
    const text = lines.join('\n');
    expect(text).toContain('Sales order SO202611-00001');
    expect(text).toContain('total net CNY 7800.00, VAT CNY 1014.00, gross CNY 8814.00');
    expect(text).toContain('INSUFFICIENT_STOCK');
    expect(text).toContain(
      'invoice INV202611-00001 is paid, residual CNY 0.00; order SO202611-00001 is completed',
    );
    expect(text).toContain('(balanced)');
    expect(r.after.pump.reserved.toString()).toBe('27 EA');
    expect(r.finalStock.pump.onHand.toString()).toBe('73 EA');
    expect(r.transitions).toContain('sales-order SO202611-00001: draft —confirm→ confirmed');
    expect(r.transitions.at(-1)).toBe('invoice INV202611-00001: open —allocate→ paid');
  });
});
