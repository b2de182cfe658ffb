/**
 * `pnpm bench:aging` — AR aging over a large receivables book.
 *
 * Seeds TRADECORE_BENCH_ITEMS open items (default 1,000,000) over TRADECORE_BENCH_ACCOUNTS
 * customers (default 10,000; every tenth in USD, every fifth a subsidiary of another customer)
 * straight into the PostgreSQL adapter's tables with set-based `INSERT … SELECT
 * generate_series`, then times the SDK's `arAging` (default buckets: not due, 1-30, 31-60,
 * 61-90, 90+; every customer; Money in each account's currency, totals per currency) beside the
 * equivalent hand-written aggregate (the same five sums per account, `GROUP BY account_id`, rows
 * fetched over the same pool) — interleaved, from the same analysed state, median of the runs.
 * Also prints the head-office roll-up and the "what is due" list for orientation.
 *
 * Runs on the PostgreSQL server (DATABASE_URL, else postgres@127.0.0.1:5432/test). If none
 * answers it says so and prints a JSON line with nulls. The last line printed is one JSON object
 * `{"bench":"aging","ms":…,"rawSqlMs":…,"ratio":…}` (ratio = ms / rawSqlMs).
 */
import { createPostgresStore, fromPgPool } from '@tradecore/adapters-postgres';
import { createTradecore, Dec, FixedClock, unwrap } from '@tradecore/core';
import { serverPool } from './server';
import { median, r } from './stats';

const ITEMS = Number(process.env.TRADECORE_BENCH_ITEMS ?? 1_000_000);
const ACCOUNTS = Number(process.env.TRADECORE_BENCH_ACCOUNTS ?? 10_000);
const RUNS = Number(process.env.TRADECORE_BENCH_RUNS ?? 7);
const AS_OF = '2026-11-22';
const run = `${process.pid}${Date.now().toString(36)}`;
const T = `aging-${run}`;

const pool = await serverPool((e) =>
  console.log(
    `aging benchmark NOT RUN: no PostgreSQL server answered (${String(e)}). Set DATABASE_URL or start the local server.`,
  ),
);
if (!pool) {
  console.log(JSON.stringify({ bench: 'aging', ms: null, rawSqlMs: null, ratio: null }));
  process.exit(0);
}

const schema = `tc_bench_aging_${run}`;
const q = `"${schema}"`;
const store = await createPostgresStore({ driver: fromPgPool(pool), schema, migrate: true });
const tc = createTradecore({ store, clock: new FixedClock(`${AS_OF}T08:00:00.000Z`) });
console.log(
  `aging benchmark on postgres: ${ITEMS} open items over ${ACCOUNTS} accounts, ${RUNS} timed runs each`,
);

/** The raw baseline: the default buckets' five sums per account, as a developer would write them. */
const RAW = `SELECT account_id,
  coalesce(sum(residual) FILTER (WHERE due_date >= $2), 0) AS not_due,
  coalesce(sum(residual) FILTER (WHERE due_date < $2 AND due_date >= $3), 0) AS d1_30,
  coalesce(sum(residual) FILTER (WHERE due_date < $3 AND due_date >= $4), 0) AS d31_60,
  coalesce(sum(residual) FILTER (WHERE due_date < $4 AND due_date >= $5), 0) AS d61_90,
  coalesce(sum(residual) FILTER (WHERE due_date < $5), 0) AS d90_plus,
  sum(residual) AS total, count(*) AS n
FROM ${q}.open_items WHERE tenant_id = $1 AND residual > 0
GROUP BY account_id ORDER BY account_id`;
const minus = (days: number) =>
  new Date(Date.parse(`${AS_OF}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
const rawParams = [T, AS_OF, minus(30), minus(60), minus(90)];

const time = async <X>(fn: () => Promise<X>): Promise<[number, X]> => {
  const t0 = process.hrtime.bigint();
  const x = await fn();
  return [Number(process.hrtime.bigint() - t0) / 1e6, x];
};

try {
  // ---- seed: set-based, straight into the adapter's tables ----
  const t0 = Date.now();
  const acc = "'C' || lpad(g::text, 5, '0')";
  await pool.query(
    `INSERT INTO ${q}.credit_accounts (tenant_id, account_id, parent_id, currency, credit_limit)
     SELECT $1, ${acc}, NULL, CASE WHEN g % 10 = 9 THEN 'USD' ELSE 'CNY' END, 1000000
     FROM generate_series(0, $2::int - 1) g`,
    [T, ACCOUNTS],
  );
  // customers (for the head-office roll-up): every fifth customer is a subsidiary of the one before
  await pool.query(
    `INSERT INTO ${q}.records (tenant_id, kind, id, version, number, data)
     SELECT $1, 'customer', ${acc}, 1, NULL,
       jsonb_build_object('id', ${acc}, 'tenantId', $1::text, 'name', ${acc}, 'billToId', ${acc},
         'shipTo', '[]'::jsonb)
       || CASE WHEN g % 5 = 4 THEN jsonb_build_object('headOfficeId', 'C' || lpad((g - 1)::text, 5, '0')) ELSE '{}'::jsonb END
     FROM generate_series(0, $2::int - 1) g`,
    [T, ACCOUNTS],
  );
  // open items: due dates spread over 18 months up to a month after asOf; amounts 1.00‥1000.99;
  // every 7th fully settled (residual 0, not open), every 5th half settled
  await pool.query(
    `INSERT INTO ${q}.open_items (tenant_id, item_id, account_id, source_kind, source_id, due_date, amount, residual)
     SELECT $1, 'INV' || g || '#1', 'C' || lpad((g % $3::int)::text, 5, '0'), 'invoice', 'INV' || g,
       to_char(date '2025-06-22' + ((g * 7919) % 550)::int, 'YYYY-MM-DD'), a,
       CASE WHEN g % 7 = 0 THEN 0 WHEN g % 5 = 0 THEN round(a / 2, 2) ELSE a END
     FROM generate_series(1, $2::bigint) g, LATERAL (SELECT 1 + ((g * 37) % 100000) / 100.0 AS a) x`,
    [T, ITEMS, ACCOUNTS],
  );
  await store.maintain(); // VACUUM (ANALYZE) after the bulk load
  console.log(`seeded in ${r((Date.now() - t0) / 1000)} s`);

  // ---- check the SDK against the baseline once ----
  const report = unwrap(await tc.arAging(T, { asOf: AS_OF }));
  const raw = await pool.query<{ account_id: string; total: string; d90_plus: string }>(
    RAW,
    rawParams,
  );
  if (report.lines.length !== raw.rows.length)
    throw new Error(`lines ${report.lines.length} ≠ raw rows ${raw.rows.length}`);
  for (const [i, line] of report.lines.entries()) {
    const row = raw.rows[i];
    if (
      !row ||
      line.accountId !== row.account_id ||
      !line.total.amount.equals(new Dec(row.total)) ||
      !(line.amounts[4]?.amount ?? new Dec(-1)).equals(new Dec(row.d90_plus))
    )
      throw new Error(`SDK and raw SQL disagree on ${line.accountId}`);
  }
  console.log(
    `report: ${report.lines.length} lines; totals ${report.totals
      .map((t) => `${t.total.toString()} (${t.count} items)`)
      .join(', ')}`,
  );

  // ---- timing: interleaved SDK / raw, after a warm-up of each ----
  await tc.arAging(T, { asOf: AS_OF });
  await pool.query(RAW, rawParams);
  const sdk: number[] = [];
  const rawMs: number[] = [];
  const pairs: number[] = [];
  const doSdk = async () =>
    (await time(async () => unwrap(await tc.arAging(T, { asOf: AS_OF }))))[0];
  const doRaw = async () => (await time(() => pool.query(RAW, rawParams)))[0];
  for (let i = 0; i < RUNS; i++) {
    let s: number;
    let w: number;
    if (i % 2 === 0) {
      s = await doSdk();
      w = await doRaw();
    } else {
      w = await doRaw();
      s = await doSdk();
    }
    sdk.push(s);
    rawMs.push(w);
    pairs.push(s / w);
  }
  const ms = median(sdk);
  const rawSqlMs = median(rawMs);
  console.log(
    `arAging (SDK)        median ${r(ms)} ms   (runs ${sdk.map((x) => r(x)).join(', ')})`,
  );
  console.log(
    `raw SQL aggregate    median ${r(rawSqlMs)} ms   (runs ${rawMs.map((x) => r(x)).join(', ')})`,
  );
  console.log(`median of per-run ratios ${r(median(pairs), 3)}`);

  const ho: number[] = [];
  const due: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    ho.push(
      (
        await time(async () => unwrap(await tc.arAging(T, { asOf: AS_OF, rollUp: 'head-office' })))
      )[0],
    );
    due.push((await time(async () => unwrap(await tc.dueReceivables(T, { limit: 100 }))))[0]);
  }
  const rolled = unwrap(await tc.arAging(T, { asOf: AS_OF, rollUp: 'head-office' }));
  console.log(
    `arAging rolled up to head offices  median ${r(median(ho))} ms (${rolled.lines.length} lines)`,
  );
  console.log(`dueReceivables (limit 100)         median ${r(median(due), 2)} ms`);
  console.log(
    JSON.stringify({
      bench: 'aging',
      ms: r(ms),
      rawSqlMs: r(rawSqlMs),
      ratio: r(ms / rawSqlMs, 3),
    }),
  );
} finally {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await store.close();
}
