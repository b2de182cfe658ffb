import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TenantId } from '@tradecore/core';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src';

const here = fileURLToPath(new URL('.', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');

/** Starts the writer, waits until it has committed once, lets it run `ms` more, then SIGKILLs it. */
function runAndKill(file: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@tradecore/source', '--import', tsx, join(here, 'fixtures/writer.ts'), file],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), ms));
    child.once('error', reject);
    child.once('exit', () => resolve());
  });
}

describe('memory store — crash mid-write (SIGKILL)', () => {
  it('always reopens to a consistent snapshot, and never loses a reopened state', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tc-crash-'));
    const file = join(dir, 'store.json');
    const T = 'crash' as TenantId;
    let last = 0;
    for (const ms of [5, 37, 80, 13, 150]) {
      await runAndKill(file, ms);
      const s = await createMemoryStore({ file });
      const { onHand, ticks } = await s.transaction(T, async (tx) => ({
        onHand: (await tx.stock.level('P', 'W')).onHand.toNumber(),
        ticks: (await tx.records.find({ kind: 'tick' })).length,
      }));
      await s.close();
      // Every committed transaction wrote one tick and one unit, atomically.
      expect(ticks).toBe(onHand);
      expect(onHand).toBeGreaterThanOrEqual(last + 1);
      last = onHand;
    }
  }, 120_000);
});
