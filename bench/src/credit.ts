/**
 * `pnpm bench:credit` — credit checks and checked confirmations.
 *
 * 1. Check latency: `explainCredit` (the full decision: the account and its group, the overdue
 *    rule over open items) with 10,000 credit accounts and 1,000,000 open items in the store.
 * 2. Confirmations per second: SDK `confirmSalesOrder` with the credit check (policy `block`)
 *    and without it (policy `off`: exposure still reserved, unchecked), beside a raw-SQL baseline
 *    doing the same check-and-reserve (one guarded update of the account and its group, stock
 *    reservations, the order's status) in one transaction. Interleaved rounds; medians of the
 *    per-round ratios.
 *
 * Runs on the PostgreSQL server (DATABASE_URL, else postgres@127.0.0.1:5432/test), or on PGlite
 * when none answers. The last line printed is one JSON object.
 */
import { PGlite } from '@electric-sql/pglite';
import {
  createPostgresStore,
  fromPGlite,
  fromPgPool,
  type SqlDriver,
} from '@tradecore/adapters-postgres';
import { createTradecore, FixedClock, SequentialIds, unwrap } from '@tradecore/core';
import { serverPool } from './server';
import { median, quantile, r, timeRuns } from './stats';

const ACCOUNTS = Number(process.env.TRADECORE_BENCH_ACCOUNTS ?? 10_000);
const OPEN_ITEMS = Number(process.env.TRADECORE_BENCH_OPEN_ITEMS ?? 1_000_000);
const CUSTOMERS = 100; // customers with orders (the rest only hold open items)
const CONFIRMS = Number(process.env.TRADECORE_BENCH_CONFIRMS ?? 600);
const ROUNDS = 3;
const run = `${process.pid}${Date.now().toString(36)}`;
const T = `credit-${run}`;

const pool = await serverPool();
const schema = `tc_bench_credit_${run}`;
const driver: SqlDriver = pool ? fromPgPool(pool) : fromPGlite(new PGlite(), { closeDb: true });
const where = pool ? 'postgres' : 'pglite';
console.log(
  `credit benchmark on ${where}: ${ACCOUNTS} accounts, ${OPEN_ITEMS} open items, ${CONFIRMS} confirmations per variant`,
);
const store = await createPostgresStore({ driver, schema, migrate: true });
const q = `"${schema}"`;
const tc = createTradecore({
  store,
  clock: new FixedClock('2026-11-22T08:00:00.000Z'),
  ids: new SequentialIds(`${T}:`),
});

try {
  // ---- seed: master data through the SDK, the bulk through SQL ----
  const t0 = Date.now();
  unwrap(await tc.registerWarehouse(T, { id: 'W', name: 'Main' }));
  const entries = [];
  for (let i = 0; i < 3; i++) {
    unwrap(
      await tc.registerProduct(T, {
        id: `P${i}`,
        sku: `P${i}`,
        name: `P${i}`,
        stockUnit: 'EA',
        taxRate: '0.13',
        standardCost: { amount: '5.00', currency: 'CNY' },
      }),
    );
    unwrap(
      await tc.receiveStock(T, { productId: `P${i}`, warehouseId: 'W', quantity: '100000000' }),
    );
    entries.push({
      productId: `P${i}`,
      unit: 'EA',
      unitPrice: { amount: '10.00', currency: 'CNY' },
    });
  }
  unwrap(
    await tc.savePriceList(T, {
      id: 'PL',
      name: 'List',
      currency: 'CNY',
      priceIncludesTax: false,
      entries,
    }),
  );
  unwrap(
    await tc.defineCreditGroup(T, {
      groupId: 'GROUP',
      limit: { amount: '100000000000.00', currency: 'CNY' },
    }),
  );
  for (let c = 0; c < CUSTOMERS; c++) {
    const id = `C${String(c).padStart(5, '0')}`;
    unwrap(
      await tc.registerCustomer(T, {
        id,
        name: id,
        shipTo: [{ id: `${id}-S`, name: id, address: '-' }],
      }),
    );
    unwrap(
      await tc.setCreditLimit(T, {
        customerId: id,
        limit: { amount: '1000000000.00', currency: 'CNY' },
      }),
    );
    unwrap(await tc.assignCreditGroup(T, { customerId: id, groupId: 'GROUP' }));
  }
  await driver.query(
    `INSERT INTO ${q}.credit_accounts (tenant_id, account_id, parent_id, currency, credit_limit)
     SELECT $1, 'C' || lpad(g::text, 5, '0'), 'GROUP', 'CNY', 1000000 FROM generate_series($2::int, $3::int - 1) g`,
    [T, CUSTOMERS, ACCOUNTS],
  );
  // Open items spread over every account; the order-taking customers' items are not due yet.
  await driver.query(
    `INSERT INTO ${q}.open_items (tenant_id, item_id, account_id, source_kind, source_id, due_date, amount, residual)
     SELECT $1, 'OI' || g, 'C' || lpad((g % $3::int)::text, 5, '0'), 'invoice', 'INV' || g,
            CASE WHEN g % $3::int < $4::int THEN '2027-06-30' ELSE to_char(date '2026-01-01' + (g % 330), 'YYYY-MM-DD') END,
            100, 100
     FROM generate_series(1, $2::int) g`,
    [T, OPEN_ITEMS, ACCOUNTS, CUSTOMERS],
  );
  await store.maintain(); // ANALYZE after the bulk load
  console.log(`seeded in ${r((Date.now() - t0) / 1000)} s`);
  unwrap(await tc.setCreditPolicy(T, { overdueDays: 30 }));

  const draft = async (i: number) =>
    unwrap(
      await tc.draftSalesOrder(T, {
        customerId: `C${String(i % CUSTOMERS).padStart(5, '0')}`,
        warehouseId: 'W',
        priceListId: 'PL',
        lines: [0, 1, 2].map((k) => ({ productId: `P${k}`, quantity: String(1 + ((i + k) % 4)) })),
      }),
    ).id;

  // ---- 1. check latency ----
  const checkOrders: string[] = [];
  for (let i = 0; i < CUSTOMERS; i++) checkOrders.push(await draft(i));
  await timeRuns(50, 0, async (i) => {
    unwrap(await tc.explainCredit(T, checkOrders[i % checkOrders.length] as string));
  });
  const checks = await timeRuns(1000, 0, async (i) => {
    const d = unwrap(await tc.explainCredit(T, checkOrders[i % checkOrders.length] as string));
    if (d?.outcome !== 'pass') throw new Error(`unexpected credit decision ${d?.outcome}`);
  });
  const checkP50 = quantile(checks.lat, 0.5);
  const checkP99 = quantile(checks.lat, 0.99);
  console.log(
    `credit check (explainCredit, with the overdue rule):  p50 ${r(checkP50, 3)} ms   p99 ${r(checkP99, 3)} ms`,
  );

  // ---- 2. confirmations ----
  const per = Math.floor(CONFIRMS / ROUNDS);
  const pending: string[] = [];
  for (let i = 0; i < per * ROUNDS * 2 + 40; i++) pending.push(await draft(i));
  const rawPending: { id: string; customer: string; qty: number[]; gross: string }[] = [];
  for (let i = 0; i < per * ROUNDS + 20; i++) {
    const qty = [0, 1, 2].map((k) => 1 + ((i + k) % 4));
    const id = `RAW-${i}`;
    rawPending.push({
      id,
      customer: `C${String(i % CUSTOMERS).padStart(5, '0')}`,
      qty,
      gross: (qty.reduce((a, b) => a + b, 0) * 11.3).toFixed(2),
    });
  }
  await driver.query(
    `INSERT INTO ${q}.records (tenant_id, kind, id, version, number, data)
     SELECT $1, 'sales-order', i, 1, i, '{"status":"draft"}'::jsonb FROM unnest($2::text[]) i`,
    [T, rawPending.map((o) => o.id)],
  );
  let next = 0;
  const confirm = async () => {
    const id = pending[next++] as string;
    const res = await tc.confirmSalesOrder(T, { orderId: id });
    if (!res.ok || res.value.state !== 'confirmed')
      throw new Error(`confirm failed: ${JSON.stringify(res)}`);
  };
  let rawNext = 0;
  const rawConfirm = async () => {
    const o = rawPending[rawNext++];
    if (!o) throw new Error('out of raw orders');
    await driver.transaction(async (ex) => {
      const credit = await ex.query(
        `WITH locked AS (
           SELECT * FROM ${q}.credit_accounts WHERE tenant_id = $1 AND account_id = ANY($2::text[]) ORDER BY account_id FOR UPDATE
         ), ok AS (
           SELECT count(*) = 2 AND bool_and(credit_limit IS NULL OR orders + uninvoiced + receivables + $3::numeric <= credit_limit + deposit) AS ok FROM locked
         )
         UPDATE ${q}.credit_accounts c SET orders = c.orders + $3::numeric FROM ok
         WHERE ok.ok AND c.tenant_id = $1 AND c.account_id = ANY($2::text[]) RETURNING 1`,
        [T, [o.customer, 'GROUP'], o.gross],
      );
      if (credit.rows.length !== 2) throw new Error('raw credit check failed');
      const stock = await ex.query(
        `UPDATE ${q}.stock_levels s SET reserved = s.reserved + v.q FROM unnest($2::text[], $3::numeric[]) v(p, q)
         WHERE s.tenant_id = $1 AND s.warehouse_id = 'W' AND s.product_id = v.p AND s.on_hand - s.reserved >= v.q RETURNING 1`,
        [T, ['P0', 'P1', 'P2'], o.qty.map(String)],
      );
      if (stock.rows.length !== 3) throw new Error('raw stock failed');
      const upd = await ex.query(
        `UPDATE ${q}.records SET data = jsonb_set(data, '{status}', '"confirmed"'), version = version + 1
         WHERE tenant_id = $1 AND kind = 'sales-order' AND id = $2 AND version = 1 RETURNING 1`,
        [T, o.id],
      );
      if (upd.rows.length !== 1) throw new Error('raw order update failed');
    });
  };
  const setMode = async (mode: 'block' | 'off') =>
    unwrap(
      await tc.setCreditPolicy(T, {
        overdueDays: mode === 'block' ? 30 : null,
        confirm: { mode, counted: ['orders', 'uninvoiced', 'receivables'] },
      }),
    );
  // warm-up
  await setMode('block');
  await timeRuns(10, 0, confirm);
  await timeRuns(10, 0, rawConfirm);
  const withCheck: number[] = [];
  const without: number[] = [];
  const raw: number[] = [];
  const ratioRaw: number[] = [];
  const ratioCheck: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await setMode('block');
    const a = await timeRuns(per, 0, confirm);
    await setMode('off');
    const b = await timeRuns(per, 0, confirm);
    const c = await timeRuns(per, 0, rawConfirm);
    withCheck.push(per / a.seconds);
    without.push(per / b.seconds);
    raw.push(per / c.seconds);
    ratioRaw.push(c.seconds / a.seconds);
    ratioCheck.push(b.seconds / a.seconds);
  }
  const confirmsPerSec = median(withCheck);
  console.log(
    `confirm with credit check     ${r(confirmsPerSec)} /s   (rounds ${withCheck.map((x) => r(x)).join(', ')})`,
  );
  console.log(
    `confirm without credit check  ${r(median(without))} /s   (rounds ${without.map((x) => r(x)).join(', ')})`,
  );
  console.log(
    `raw SQL check-and-reserve     ${r(median(raw))} /s   (rounds ${raw.map((x) => r(x)).join(', ')})`,
  );
  console.log(
    `SDK with check / raw SQL = ${r(median(ratioRaw), 3)};  with / without check = ${r(median(ratioCheck), 3)}`,
  );
  console.log(
    JSON.stringify({
      bench: 'credit',
      on: where,
      accounts: ACCOUNTS,
      openItems: OPEN_ITEMS,
      checkP50Ms: r(checkP50, 3),
      checkP99Ms: r(checkP99, 3),
      confirmsPerSecPostgres: r(confirmsPerSec),
      rawSqlPerSec: r(median(raw)),
      ratioVsRawSql: r(median(ratioRaw), 3),
      withVsWithoutCheck: r(median(ratioCheck), 3),
    }),
  );
} finally {
  if (pool) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await store.close();
}
