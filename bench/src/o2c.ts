/**
 * `pnpm bench:o2c` — fully processed orders (draft → confirm → deliver → invoice → receipt →
 * write-off, 5 lines each) on the memory adapter, on PGlite and on the PostgreSQL server (when
 * one answers), beside two raw-SQL baselines writing the same rows: in one transaction per order
 * (the quick sale's shape, and the issue's `rawSqlLinesPerSec`) and in six transactions, one per
 * business step (the six-command flow's shape).
 * SDK and baseline run interleaved in rounds from the same state; the ratio reported is the
 * median of the per-round ratios. The last line printed is one JSON object.
 *
 * Then the two growth figures (see `growth.ts`): the rate after preloading a long history
 * (PostgreSQL server only) and one 300-line order against sixty 5-line orders, with round trips
 * counted (on the server, else on PGlite); and on the server, K clients ordering at once on one
 * tenant, SDK against the six-step baseline (see `concurrent.ts`).
 *
 * Environment: TRADECORE_BENCH_ORDERS (default 1000 per adapter), TRADECORE_BENCH_HISTORY
 * (default 1,000,000 historical orders), TRADECORE_BENCH_CLIENTS (default `1,4,8`),
 * TRADECORE_BENCH_BASELINE (`stand-in`: the baselines write the ~250-byte stand-in documents
 * and tiny events they wrote until 2026-11-23), DATABASE_URL.
 */
import { PGlite } from '@electric-sql/pglite';
import { createMemoryStore } from '@tradecore/adapters-memory';
import {
  createPostgresStore,
  fromPGlite,
  fromPgPool,
  type PostgresStore,
  type SqlDriver,
} from '@tradecore/adapters-postgres';
import type { StorePort } from '@tradecore/core';
import { benchConcurrent, type ConcurrentFigures } from './concurrent';
import { type BigOrderFigures, benchBigOrder, benchHistory, countingDriver } from './growth';
import {
  type BaselineMode,
  baselineSample,
  type RawSample,
  rawOrderWriter,
  rawStepsWriter,
  seedRaw,
} from './raw-sql';
import { serverPool } from './server';
import { LINES, sdkOrder, sdkQuickSale, seedSdk } from './slice';
import { median, quantile, r, timeRuns } from './stats';

const ORDERS = Number(process.env.TRADECORE_BENCH_ORDERS ?? 1000);
const HISTORY = Number(process.env.TRADECORE_BENCH_HISTORY ?? 1_000_000);
const CLIENTS = (process.env.TRADECORE_BENCH_CLIENTS ?? '1,4,8')
  .split(',')
  .map(Number)
  .filter((k) => Number.isInteger(k) && k > 0);
/** What the baselines write: the SDK's own documents and events (default), or the old stand-ins. */
const BASELINE: BaselineMode =
  process.env.TRADECORE_BENCH_BASELINE === 'stand-in' ? 'stand-in' : 'sdk-bytes';
const ROUNDS = 5;
const WARMUP = Math.min(50, Math.max(5, Math.floor(ORDERS / 10)));
const run = `${process.pid}${Date.now().toString(36)}`;

interface Figures {
  ordersPerSec: number;
  linesPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

function figures(lat: number[], seconds: number, orders: number): Figures {
  return {
    ordersPerSec: orders / seconds,
    linesPerSec: (orders * LINES) / seconds,
    p50Ms: quantile(lat, 0.5),
    p99Ms: quantile(lat, 0.99),
  };
}

function print(label: string, f: Figures) {
  console.log(
    `${label.padEnd(28)} ${r(f.ordersPerSec).toString().padStart(8)} orders/s ${r(f.linesPerSec).toString().padStart(9)} lines/s   p50 ${r(f.p50Ms, 2)} ms   p99 ${r(f.p99Ms, 2)} ms`,
  );
}

/** SDK only: warm up, then N orders. */
async function benchSdk(
  label: string,
  store: StorePort,
  afterSeed?: () => Promise<void>,
): Promise<Figures> {
  const b = await seedSdk(store, `sdk-${label}-${run}`);
  await afterSeed?.();
  await timeRuns(WARMUP, 0, (i) => sdkOrder(b, i));
  const { lat, seconds } = await timeRuns(ORDERS, WARMUP, (i) => sdkOrder(b, i));
  const f = figures(lat, seconds, ORDERS);
  print(`${label} (SDK)`, f);
  return f;
}

/** What the baselines write per order (the SDK's own documents and events, unless stand-ins). */
function printSample(sample: RawSample) {
  const docs = Object.entries(sample.docs)
    .map(([kind, d]) => `${kind} ${Buffer.byteLength(d.text)} B`)
    .join(', ');
  const events = sample.steps.flat();
  const bytes = events.reduce((a, e) => a + Buffer.byteLength(e.payload), 0);
  console.log(
    `the baselines write ${BASELINE === 'stand-in' ? 'stand-in' : "the SDK's"} documents (${docs}); six steps: ${events.length} events per order (${sample.steps.map((s) => s.length).join(' + ')} by step, ${bytes} B of payload); one transaction: the quick sale's ${sample.quickSale.length} (${sample.quickSale.reduce((a, e) => a + Buffer.byteLength(e.payload), 0)} B)`,
  );
}

/** SDK and raw SQL interleaved in rounds on one database. */
async function benchSqlPair(label: string, store: PostgresStore, driver: SqlDriver) {
  const b = await seedSdk(store, `sdk-${label}-${run}`);
  const rawTenant = `raw-${label}-${run}`;
  await seedRaw(driver, store.schema, rawTenant);
  const gross = new Map<number, string>();
  await timeRuns(WARMUP, 0, (i) => sdkOrder(b, i));
  // The baselines write the SDK's own documents and event payloads (the same bytes), unless
  // told to write the stand-ins they used to.
  const sample = await baselineSample(BASELINE, driver, store.schema, b, gross);
  if (label === 'postgres') printSample(sample);
  const raw = rawOrderWriter(store.schema, sample);
  const rawSteps = rawStepsWriter(store.schema, sample);
  await timeRuns(WARMUP, 0, (i) => sdkQuickSale(b, i, gross));
  await timeRuns(WARMUP, 0, (i) => raw(driver, rawTenant, i));
  await timeRuns(WARMUP, 0, (i) => rawSteps(driver, rawTenant, 1_000_000 + i));
  const per = Math.max(1, Math.floor(ORDERS / ROUNDS));
  const sdkLat: number[] = [];
  const rawLat: number[] = [];
  const quickLat: number[] = [];
  let sdkSec = 0;
  let rawSec = 0;
  let quickSec = 0;
  const stepsLat: number[] = [];
  let stepsSec = 0;
  const ratios: number[] = [];
  const quickRatios: number[] = [];
  const stepRatios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Statistics kept current, as autovacuum keeps them on a live database: the tables of this
    // fresh schema grow several-fold during the run, and plans cached while they were small
    // (for the SDK and the baselines alike) would otherwise be kept. Never on empty tables.
    await store.maintain();
    const off = WARMUP + round * per;
    const s = await timeRuns(per, off, (i) => sdkOrder(b, i));
    const w = await timeRuns(per, off, (i) => raw(driver, rawTenant, i));
    const qs = await timeRuns(per, off, (i) => sdkQuickSale(b, i, gross));
    const st = await timeRuns(per, off, (i) => rawSteps(driver, rawTenant, 1_000_000 + i));
    stepsLat.push(...st.lat);
    stepsSec += st.seconds;
    stepRatios.push(st.seconds / s.seconds);
    quickLat.push(...qs.lat);
    quickSec += qs.seconds;
    quickRatios.push(w.seconds / qs.seconds);
    sdkLat.push(...s.lat);
    rawLat.push(...w.lat);
    sdkSec += s.seconds;
    rawSec += w.seconds;
    ratios.push(w.seconds / s.seconds);
  }
  const sdk = figures(sdkLat, sdkSec, per * ROUNDS);
  const rawF = figures(rawLat, rawSec, per * ROUNDS);
  const quick = figures(quickLat, quickSec, per * ROUNDS);
  print(`${label} (SDK)`, sdk);
  print(`${label} (SDK quick sale)`, quick);
  const steps = figures(stepsLat, stepsSec, per * ROUNDS);
  print(`${label} (raw SQL baseline)`, rawF);
  print(`${label} (raw SQL, six steps)`, steps);
  const ratio = median(ratios);
  const stepRatio = median(stepRatios);
  const quickRatio = median(quickRatios);
  console.log(
    `${''.padEnd(28)} SDK / raw SQL = ${r(ratio, 3)} (median of ${ROUNDS} interleaved rounds: ${ratios.map((x) => r(x, 3)).join(', ')})`,
  );
  console.log(
    `${''.padEnd(28)} quick sale / raw SQL = ${r(quickRatio, 3)} (rounds: ${quickRatios.map((x) => r(x, 3)).join(', ')})`,
  );
  console.log(
    `${''.padEnd(28)} SDK / raw SQL in six steps = ${r(stepRatio, 3)} (rounds: ${stepRatios.map((x) => r(x, 3)).join(', ')})`,
  );
  return { sdk, raw: rawF, ratio, quick, quickRatio, steps, stepRatio };
}

console.log(
  `o2c benchmark: ${ORDERS} orders × ${LINES} lines per adapter (+${WARMUP} warm-up), node ${process.version}`,
);
console.log(
  `each order: draft → confirm → deliver → invoice → receipt → write-off (6 commands, 4 vouchers);\nthe same order as one quickSale command (one transaction) runs beside it on PGlite and PostgreSQL;\nthe raw-SQL baselines write ${BASELINE === 'stand-in' ? 'the old ~250-byte stand-in documents and events (TRADECORE_BENCH_BASELINE=stand-in)' : "the SDK's own documents and event payloads"}\n`,
);

const memory = await createMemoryStore();
const mem = await benchSdk('memory', memory);
await memory.close();

const liteDriver = fromPGlite(new PGlite(), { closeDb: true });
const lite = await createPostgresStore({ driver: liteDriver, migrate: true });
const pgl = await benchSqlPair('pglite', lite, liteDriver);
await lite.close();

let server: Awaited<ReturnType<typeof benchSqlPair>> | undefined;
let bigOrder: BigOrderFigures | undefined;
let history: Awaited<ReturnType<typeof benchHistory>> | undefined;
let concurrent: ConcurrentFigures[] | undefined;
const pool = await serverPool(
  (e) => console.log(`PostgreSQL server: not reachable (${String(e)}); its run is skipped`),
  Math.max(4, ...CLIENTS),
);
if (pool) {
  const schema = `tc_bench_${run}`;
  const schemas = [schema, `${schema}_big`, `${schema}_empty`, `${schema}_hist`, `${schema}_conc`];
  const driver = fromPgPool(pool, { closePool: false });
  try {
    const store = await createPostgresStore({ driver, schema, migrate: true });
    server = await benchSqlPair('postgres', store, driver);
    console.log('');
    const counting = countingDriver(driver);
    const bigStore = await createPostgresStore({
      driver: counting.driver,
      schema: `${schema}_big`,
      migrate: true,
    });
    bigOrder = await benchBigOrder('postgres', bigStore, counting, `big-${run}`);
    console.log('');
    concurrent = await benchConcurrent(pool, `${schema}_conc`, run, CLIENTS, ORDERS, BASELINE);
    console.log('');
    history = await benchHistory(
      driver,
      { empty: `${schema}_empty`, loaded: `${schema}_hist` },
      `history-${run}`,
      HISTORY,
      Math.max(20, Math.floor(ORDERS / ROUNDS)),
    );
  } finally {
    for (const s of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await pool.end();
  }
} else {
  const counting = countingDriver(fromPGlite(new PGlite(), { closeDb: true }));
  const bigStore = await createPostgresStore({ driver: counting.driver, migrate: true });
  bigOrder = await benchBigOrder('pglite (no server)', bigStore, counting, `big-${run}`);
  await bigStore.close();
  console.log('history: needs the PostgreSQL server; skipped');
}

const out = {
  bench: 'o2c',
  orders: ORDERS,
  linesPerOrder: LINES,
  baseline: BASELINE,
  linesPerSec: {
    memory: r(mem.linesPerSec),
    pglite: pgl ? r(pgl.sdk.linesPerSec) : null,
    postgres: server ? r(server.sdk.linesPerSec) : null,
  },
  p50Ms: {
    memory: r(mem.p50Ms, 3),
    pglite: pgl ? r(pgl.sdk.p50Ms, 3) : null,
    postgres: server ? r(server.sdk.p50Ms, 3) : null,
  },
  p99Ms: {
    memory: r(mem.p99Ms, 3),
    pglite: pgl ? r(pgl.sdk.p99Ms, 3) : null,
    postgres: server ? r(server.sdk.p99Ms, 3) : null,
  },
  rawSqlLinesPerSec: server ? r(server.raw.linesPerSec) : null,
  postgresRatioVsRawSql: server ? r(server.ratio, 3) : null,
  pgliteRawSqlLinesPerSec: pgl ? r(pgl.raw.linesPerSec) : null,
  pgliteRatioVsRawSql: pgl ? r(pgl.ratio, 3) : null,
  quickSaleLinesPerSec: {
    pglite: pgl ? r(pgl.quick.linesPerSec) : null,
    postgres: server ? r(server.quick.linesPerSec) : null,
  },
  postgresQuickSaleRatioVsRawSql: server ? r(server.quickRatio, 3) : null,
  rawSqlStepsLinesPerSec: server ? r(server.steps.linesPerSec) : null,
  postgresRatioVsRawSqlSteps: server ? r(server.stepRatio, 3) : null,
  pgliteRatioVsRawSqlSteps: pgl ? r(pgl.stepRatio, 3) : null,
  historyRatio: history ? r(history.ratio, 3) : null,
  historyRows: history ? history.history : null,
  bigOrderRatio: bigOrder ? r(bigOrder.ratio, 3) : null,
  concurrentLinesPerSec: concurrent
    ? {
        clients: concurrent.map((c) => c.clients),
        sdk: concurrent.map((c) => r(c.sdkLinesPerSec)),
        rawSqlSteps: concurrent.map((c) => r(c.rawStepsLinesPerSec)),
      }
    : null,
  roundTripsPerOrder: bigOrder
    ? { [`${LINES}Lines`]: bigOrder.roundTrips.small, '300Lines': bigOrder.roundTrips.big }
    : null,
};
console.log(JSON.stringify(out));
