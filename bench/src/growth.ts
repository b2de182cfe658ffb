/**
 * The two growth measurements of `bench:o2c`:
 *
 * - **history** — does an order cost more when the tenant already holds a long history? The
 *   same flow runs, in interleaved rounds (alternating which goes first), against an empty tenant and against a tenant into
 *   which `history` orders, invoices, deliveries, settled open items and invoice vouchers with
 *   their journal lines were preloaded (copies of a real order's rows, written by SQL, then
 *   `ANALYZE`); the figure is the median of the per-round rate ratios (loaded / empty).
 * - **big order** — does an order cost more per line as it grows? One 300-line order through the
 *   whole flow against sixty 5-line orders over the same 300 products, in interleaved rounds;
 *   the figure is the median ratio of the times (big / small). Database round trips per order
 *   are counted on the driver for both sizes.
 */
import {
  createPostgresStore,
  type PostgresStore,
  type SqlDriver,
  type SqlExecutor,
} from '@tradecore/adapters-postgres';
import { LINES, type SdkBench, sdkOrder, seedSdk } from './slice';
import { median, r, timeRuns } from './stats';

/** A driver that counts the statements it sends (and `BEGIN` / `COMMIT` per transaction). */
export interface CountingDriver {
  readonly driver: SqlDriver;
  /** Statements sent so far, transaction control included. */
  count(): number;
}

/** Wraps `inner` to count round trips. */
export function countingDriver(inner: SqlDriver): CountingDriver {
  let n = 0;
  const wrap = (ex: SqlExecutor): SqlExecutor => ({
    query: (text, params, options) => {
      n++;
      return ex.query(text, params, options);
    },
    exec: (sql) => {
      n++;
      return ex.exec(sql);
    },
  });
  const driver: SqlDriver = {
    name: inner.name,
    ...wrap(inner),
    transaction: (fn, options) => {
      n += 2; // BEGIN and COMMIT (or ROLLBACK)
      return inner.transaction((ex) => fn(wrap(ex)), options);
    },
    close: () => inner.close(),
  };
  return { driver, count: () => n };
}

/** Big-order figures. */
export interface BigOrderFigures {
  /** Median over rounds of time(one 300-line order) / time(sixty 5-line orders). */
  readonly ratio: number;
  readonly rounds: number[];
  readonly bigMs: number;
  readonly smallMs: number;
  /** Database round trips of one whole order, by its line count. */
  readonly roundTrips: { readonly small: number; readonly big: number };
}

/** One 300-line order vs sixty 5-line orders on `store` (whose driver is `counting`). */
export async function benchBigOrder(
  label: string,
  store: PostgresStore,
  counting: CountingDriver,
  tenant: string,
  bigLines = 300,
  rounds = 5,
): Promise<BigOrderFigures> {
  const b = await seedSdk(store, tenant, bigLines);
  const smallCount = bigLines / LINES;
  let seq = 0;
  const big = () => sdkOrder(b, seq++, bigLines, 0);
  const smalls = async () => {
    for (let j = 0; j < smallCount; j++) await sdkOrder(b, seq++, LINES, j * LINES);
  };
  // Warm up both shapes, then count the round trips of one order of each size.
  await big();
  await smalls();
  await store.maintain();
  let c0 = counting.count();
  await sdkOrder(b, seq++, LINES, 0);
  const small = counting.count() - c0;
  c0 = counting.count();
  await big();
  const bigTrips = counting.count() - c0;
  const ratios: number[] = [];
  const bigT: number[] = [];
  const smallT: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const tb = await timeRuns(1, 0, big);
    const ts = await timeRuns(1, 0, smalls);
    bigT.push(tb.seconds * 1000);
    smallT.push(ts.seconds * 1000);
    ratios.push(tb.seconds / ts.seconds);
  }
  const out = {
    ratio: median(ratios),
    rounds: ratios,
    bigMs: median(bigT),
    smallMs: median(smallT),
    roundTrips: { small, big: bigTrips },
  };
  console.log(
    `${label}: one ${bigLines}-line order ${r(out.bigMs)} ms vs ${smallCount} × ${LINES}-line orders ${r(out.smallMs)} ms → ${r(out.ratio, 3)} (rounds ${ratios.map((x) => r(x, 3)).join(', ')}); round trips per order: ${small} (${LINES} lines), ${bigTrips} (${bigLines} lines)`,
  );
  return out;
}

/**
 * Preloads `n` historical orders, deliveries, invoices, settled open items and invoice vouchers
 * (with their journal lines) into `tenant`, copied from the tenant's latest real order, its
 * delivery, invoice and voucher, then analyses the tables.
 */
export async function preloadHistory(
  driver: SqlDriver,
  schema: string,
  tenant: string,
  n: number,
): Promise<{ seconds: number; rows: number }> {
  const q = `"${schema}"`;
  const t0 = process.hrtime.bigint();
  const batch = 250_000;
  let rows = 0;
  for (let from = 1; from <= n; from += batch) {
    const to = Math.min(n, from + batch - 1);
    const p = [tenant, from, to];
    for (const kind of ['sales-order', 'delivery', 'invoice']) {
      await driver.query(
        `INSERT INTO ${q}.records (tenant_id, kind, id, version, number, data)
         SELECT $1, r.kind, 'past-' || g, r.version, 'PAST-' || g,
                jsonb_set(r.data, '{id}', to_jsonb('past-' || g))
         FROM (SELECT * FROM ${q}.records WHERE tenant_id = $1 AND kind = $4 AND id NOT LIKE 'past-%'
               ORDER BY id DESC LIMIT 1) r, generate_series($2::int, $3::int) g`,
        [...p, kind],
      );
      rows += to - from + 1;
    }
    await driver.query(
      `INSERT INTO ${q}.open_items (tenant_id, item_id, account_id, source_kind, source_id, due_date, amount, residual)
       SELECT $1, 'past-' || g, 'HQ', 'invoice', 'past-' || g,
              to_char(date '2020-01-01' + (g % 2000), 'YYYY-MM-DD'), 100, 0
       FROM generate_series($2::int, $3::int) g`,
      p,
    );
    await driver.query(
      `INSERT INTO ${q}.vouchers (tenant_id, id, number, posted_at, source_kind, source_id, memo)
       SELECT $1, 'past-v-' || g, 'PAST-V-' || g, '2025-01-01T00:00:00.000Z', 'invoice', 'past-' || g, ''
       FROM generate_series($2::int, $3::int) g`,
      p,
    );
    await driver.query(
      `INSERT INTO ${q}.voucher_lines (tenant_id, voucher_id, line_no, account, debit, credit, currency, party_id)
       SELECT $1, 'past-v-' || g, l.line_no, l.account, l.debit, l.credit, l.currency, l.party_id
       FROM (SELECT vl.* FROM ${q}.voucher_lines vl JOIN ${q}.vouchers v
               ON v.tenant_id = vl.tenant_id AND v.id = vl.voucher_id
             WHERE v.tenant_id = $1 AND v.source_kind = 'invoice' AND v.id NOT LIKE 'past-%'
             ORDER BY v.seq DESC LIMIT 3) l, generate_series($2::int, $3::int) g`,
      p,
    );
    rows += 3 * (to - from + 1);
  }
  const check = await driver.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${q}.records WHERE tenant_id = $1 AND id LIKE 'past-%'`,
    [tenant],
  );
  if (Number(check.rows[0]?.n) !== 3 * n) {
    throw new Error(`history preload wrote ${check.rows[0]?.n} records, expected ${3 * n}`);
  }
  // A history is not freshly bulk-loaded in production: vacuum and analyse it and checkpoint,
  // so the measurement sees a settled database, not autovacuum and checkpoints catching up on
  // millions of new rows.
  for (const table of ['records', 'open_items', 'vouchers', 'voucher_lines']) {
    await driver.exec(`VACUUM (ANALYZE) ${q}.${table}`);
  }
  await driver.exec('CHECKPOINT');
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, rows };
}

/** History figures. */
export interface HistoryFigures {
  /** Median over rounds of rate(loaded tenant) / rate(empty tenant). */
  readonly ratio: number;
  readonly rounds: number[];
  readonly emptyLinesPerSec: number;
  readonly loadedLinesPerSec: number;
  readonly history: number;
  readonly preloadSeconds: number;
}

/**
 * The full flow on an empty schema and on one preloaded with `history` of everything, in
 * interleaved rounds of `perRound` orders.
 */
export async function benchHistory(
  driver: SqlDriver,
  schemas: { empty: string; loaded: string },
  tenant: string,
  history: number,
  perRound: number,
  rounds = 5,
): Promise<HistoryFigures> {
  const empty = await createPostgresStore({ driver, schema: schemas.empty, migrate: true });
  const loaded = await createPostgresStore({ driver, schema: schemas.loaded, migrate: true });
  const e = await seedSdk(empty, tenant);
  const l = await seedSdk(loaded, tenant);
  const warm = Math.max(10, Math.floor(perRound / 4));
  await timeRuns(warm, 0, (i) => sdkOrder(e, i));
  await timeRuns(warm, 0, (i) => sdkOrder(l, i));
  const pre = await preloadHistory(driver, schemas.loaded, tenant, history);
  console.log(
    `history: preloaded ${pre.rows.toLocaleString('en')} rows (${history.toLocaleString('en')} each of orders, deliveries, invoices, open items, vouchers; ${(3 * history).toLocaleString('en')} journal lines) in ${r(pre.seconds)} s`,
  );
  // Both analysed alike (an unanalysed outbox of a few thousand rows is planned badly, which
  // would be measured as if it were history's cost).
  await empty.maintain();
  await loaded.maintain();
  const ratios: number[] = [];
  let eSec = 0;
  let lSec = 0;
  let off = warm;
  const run = (b: SdkBench) => timeRuns(perRound, off, (i) => sdkOrder(b, i));
  for (let i = 0; i < rounds; i++) {
    // Alternate which tenant goes first, so whatever drifts within a round (the server's
    // background work, the client's heap) does not favour one side.
    let te: Awaited<ReturnType<typeof run>>;
    let tl: Awaited<ReturnType<typeof run>>;
    if (i % 2 === 0) {
      te = await run(e);
      tl = await run(l);
    } else {
      tl = await run(l);
      te = await run(e);
    }
    off += perRound;
    eSec += te.seconds;
    lSec += tl.seconds;
    ratios.push(te.seconds / tl.seconds);
  }
  const lines = perRound * rounds * LINES;
  const out = {
    ratio: median(ratios),
    rounds: ratios,
    emptyLinesPerSec: lines / eSec,
    loadedLinesPerSec: lines / lSec,
    history,
    preloadSeconds: pre.seconds,
  };
  console.log(
    `history: empty tenant ${r(out.emptyLinesPerSec)} lines/s, after ${history.toLocaleString('en')} of history ${r(out.loadedLinesPerSec)} lines/s → ${r(out.ratio, 3)} (rounds ${ratios.map((x) => r(x, 3)).join(', ')})`,
  );
  return out;
}
