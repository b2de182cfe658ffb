/**
 * Concurrency figure of `bench:o2c`: K clients placing orders at once against one tenant — one
 * customer and credit account, the same five products and stock rows, the same number series —
 * the SDK's six-command flow against the six-step raw-SQL baseline, for each K. Both contend on
 * the same rows (stock, credit, numbers, ledger balances); the SDK also retries optimistic
 * conflicts and deadlocks. Each client runs its orders one after another on its own
 * connection; the figure is total lines per second over the wall time of all clients.
 */
import { createPostgresStore, fromPgPool } from '@tradecore/adapters-postgres';
import type pg from 'pg';
import { type BaselineMode, baselineSample, rawStepsWriter, seedRaw } from './raw-sql';
import { LINES, sdkOrder, seedSdk } from './slice';
import { r } from './stats';

/** Lines per second with `clients` clients at once, SDK and raw six steps. */
export interface ConcurrentFigures {
  readonly clients: number;
  readonly sdkLinesPerSec: number;
  readonly rawStepsLinesPerSec: number;
}

/** Runs `clients` loops of `perClient` calls of `fn(i)` at once; wall seconds. */
async function together(clients: number, perClient: number, fn: (i: number) => Promise<void>) {
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let k = 0; k < perClient; k++) await fn(c * perClient + k);
    }),
  );
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * For each K in `clientCounts`: `orders` orders split over K clients, SDK then raw, on a
 * schema of their own (created, migrated and analysed here; the caller drops it). `pool`
 * needs at least max(K) connections.
 */
export async function benchConcurrent(
  pool: pg.Pool,
  schema: string,
  run: string,
  clientCounts: readonly number[],
  orders: number,
  baseline: BaselineMode = 'sdk-bytes',
): Promise<ConcurrentFigures[]> {
  const driver = fromPgPool(pool, { closePool: false });
  const store = await createPostgresStore({ driver, schema, migrate: true });
  const b = await seedSdk(store, `conc-${run}`);
  const rawTenant = `conc-raw-${run}`;
  await seedRaw(driver, schema, rawTenant);
  // Warm-up on every connection, then fresh statistics.
  const warm = Math.max(...clientCounts);
  // The baseline's ids come from the order's number: the warm-up's stay far from the measured.
  await together(warm, 5, (i) => sdkOrder(b, i));
  const sample = await baselineSample(baseline, driver, schema, b);
  const rawSteps = rawStepsWriter(schema, sample);
  await together(warm, 5, (i) => rawSteps(driver, rawTenant, 1_000_000_000 + i));
  const out: ConcurrentFigures[] = [];
  let offset = 0;
  for (const k of clientCounts) {
    await store.maintain();
    const perClient = Math.max(1, Math.floor(orders / k));
    const sdkSec = await together(k, perClient, (i) => sdkOrder(b, offset + i));
    const rawSec = await together(k, perClient, (i) => rawSteps(driver, rawTenant, offset + i));
    offset += k * perClient;
    const lines = k * perClient * LINES;
    const f = { clients: k, sdkLinesPerSec: lines / sdkSec, rawStepsLinesPerSec: lines / rawSec };
    out.push(f);
    console.log(
      `postgres, ${String(k).padStart(2)} clients at once: SDK ${r(f.sdkLinesPerSec)} lines/s, raw SQL six steps ${r(f.rawStepsLinesPerSec)} lines/s → ${r(f.sdkLinesPerSec / f.rawStepsLinesPerSec, 3)}`,
    );
  }
  return out;
}
