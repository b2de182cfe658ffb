/**
 * The raw-SQL baseline: the same rows written and updated as one SDK order (five documents,
 * their updates, ten stock changes, three credit changes, an open item, nine numbers, four vouchers with their
 * lines and balances, the outbox events) — in ONE transaction of hand-written multi-row
 * statements on the adapter's own tables. It is what a careful hand-coded implementation of the
 * slice would cost, with no validation, no domain logic and no idempotency.
 */
import type { SqlDriver, SqlExecutor } from '@tradecore/adapters-postgres';
import { LINES } from '../src/slice';
import fs from 'node:fs';
const SAMPLE = JSON.parse(fs.readFileSync(new URL('./sample-docs.json', import.meta.url), 'utf8')).docs;

/** Seeds stock and a credit account for the baseline's tenant. */
export async function seedRaw(driver: SqlDriver, schema: string, tenant: string): Promise<void> {
  const q = `"${schema}"`;
  await driver.transaction(async (ex) => {
    for (let i = 0; i < LINES; i++) {
      await ex.query(
        `INSERT INTO ${q}.stock_levels (tenant_id, product_id, warehouse_id, on_hand, reserved) VALUES ($1, $2, 'W', 1000000000, 0)`,
        [tenant, `P${i}`],
      );
    }
    await ex.query(
      `INSERT INTO ${q}.credit_accounts (tenant_id, account_id, currency, credit_limit) VALUES ($1, 'HQ', 'CNY', 1000000000000)`,
      [tenant],
    );
  });
}

// Prepared on each connection, as a careful hand-written implementation would (the SDK's
// point statements are prepared too).
const PREPARED = { prepare: true } as const;

/** The baseline's statements on one schema. */
function rawSql(schema: string) {
  const q = `"${schema}"`;
  return {
    numbers: `INSERT INTO ${q}.sequences AS s (tenant_id, series, last_value)
      SELECT $1, x, 1 FROM unnest($2::text[]) x
      ON CONFLICT (tenant_id, series) DO UPDATE SET last_value = s.last_value + 1 RETURNING last_value`,
    insertDocs: `INSERT INTO ${q}.records (tenant_id, kind, id, version, number, data)
      SELECT $1, k, i, 1, n, d::jsonb FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(k, i, n, d)`,
    reserve: `UPDATE ${q}.stock_levels s SET reserved = s.reserved + v.q
      FROM unnest($2::text[], $3::numeric[]) AS v(p, q)
      WHERE s.tenant_id = $1 AND s.warehouse_id = 'W' AND s.product_id = v.p AND s.on_hand - s.reserved >= v.q RETURNING 1`,
    issue: `UPDATE ${q}.stock_levels s SET reserved = s.reserved - v.q, on_hand = s.on_hand - v.q
      FROM unnest($2::text[], $3::numeric[]) AS v(p, q)
      WHERE s.tenant_id = $1 AND s.warehouse_id = 'W' AND s.product_id = v.p AND s.reserved >= v.q RETURNING 1`,
    creditReserve: `UPDATE ${q}.credit_accounts SET orders = orders + $2::numeric
      WHERE tenant_id = $1 AND account_id = 'HQ' AND orders + uninvoiced + receivables + $2::numeric <= credit_limit + deposit RETURNING 1`,
    creditMove: `UPDATE ${q}.credit_accounts SET orders = orders - $2::numeric, receivables = receivables + $2::numeric
      WHERE tenant_id = $1 AND account_id = 'HQ' AND orders >= $2::numeric RETURNING 1`,
    creditRelease: `UPDATE ${q}.credit_accounts SET receivables = receivables - $2::numeric
      WHERE tenant_id = $1 AND account_id = 'HQ' AND receivables >= $2::numeric RETURNING 1`,
    openItem: `INSERT INTO ${q}.open_items (tenant_id, item_id, account_id, source_kind, source_id, due_date, amount, residual)
      VALUES ($1, $2, 'HQ', 'invoice', $2, '2026-12-22', $3::numeric, $3::numeric)`,
    settleItem: `UPDATE ${q}.open_items SET residual = residual - $3::numeric WHERE tenant_id = $1 AND item_id = $2 AND residual >= $3::numeric RETURNING 1`,
    updateDocs: `UPDATE ${q}.records r SET data = v.d::jsonb, version = r.version + 1
      FROM unnest($2::text[], $3::text[], $4::text[]) AS v(k, i, d)
      WHERE r.tenant_id = $1 AND r.kind = v.k AND r.id = v.i RETURNING 1`,
    vouchers: `INSERT INTO ${q}.vouchers (tenant_id, id, number, posted_at, source_kind, source_id, memo)
      SELECT $1, i, n, '2026-11-22T08:00:00.000Z', sk, si, '' FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(i, n, sk, si)`,
    lines: `WITH l AS (
        SELECT * FROM unnest($2::text[], $3::int[], $4::text[], $5::numeric[], $6::numeric[], $7::text[]) AS t(v, n, a, d, c, p)
      ), ins AS (
        INSERT INTO ${q}.voucher_lines (tenant_id, voucher_id, line_no, account, debit, credit, currency, party_id)
        SELECT $1, v, n, a, d, c, 'CNY', nullif(p, '') FROM l
      )
      INSERT INTO ${q}.account_balances AS b (tenant_id, party_id, account, currency, debit, credit)
      SELECT $1, p, a, 'CNY', sum(d), sum(c) FROM l GROUP BY p, a ORDER BY p, a
      ON CONFLICT (tenant_id, party_id, account, currency) DO UPDATE SET debit = b.debit + excluded.debit, credit = b.credit + excluded.credit`,
    // Written as already published: the baseline has no relay, and the SDK's relay must not
    // pick these rows up and pay for them.
    outbox: `INSERT INTO ${q}.outbox (tenant_id, id, type, payload, occurred_at, published_at)
      SELECT $1, i, 'document.transitioned', '{"kind":"sales-order","id":"t1:sales-order-000001","number":"SO202611-00001","from":"draft","to":"confirmed","event":"confirm","amount":{"$type":"money","amount":"100.00","currency":"CNY"}}'::jsonb, '2026-11-22T08:00:00.000Z', now() FROM unnest($2::text[]) AS i`,
  };
}

const products = Array.from({ length: LINES }, (_, k) => `P${k}`);

/** The documents, voucher lines and amounts of the baseline's order `n`. */
function rawOrderData(n: number) {
  const qtys = products.map((_, k) => String(1 + ((n + k) % 3)));
  const gross = '100.00';
  const id = (k: string) => `${k}-${n}`;
  const doc = (kind: string, status: string) =>
    JSON.stringify({ ...(SAMPLE as Record<string, object>)[({ so: 'sales-order', dn: 'delivery', inv: 'invoice', rc: 'invoice', wo: 'delivery' } as Record<string, string>)[kind]!], id: id(kind), kind, status, gross });
  return { qtys, gross, id, doc };
}

/** Builds the baseline's order writer for one schema (SQL text built once). */
export function rawOrderWriter(schema: string) {
  const sql = rawSql(schema);
  const series = ['SO', 'DN', 'INV', 'RC', 'WO', 'V1', 'V2', 'V3', 'V4'];

  /** Writes one order in one transaction; `n` makes ids unique. */
  return async function rawOrder(driver: SqlDriver, tenant: string, n: number): Promise<void> {
    const { qtys, gross, id, doc } = rawOrderData(n);
    await driver.transaction(async (ex: SqlExecutor) => {
      const nums = await ex.query(sql.numbers, [tenant, series], PREPARED);
      if (nums.rows.length !== series.length) throw new Error('numbers');
      await ex.query(
        sql.insertDocs,
        [tenant, ['sales-order'], [id('so')], [`SO-${n}`], [doc('so', 'draft')]],
        PREPARED,
      );
      if ((await ex.query(sql.creditReserve, [tenant, gross], PREPARED)).rows.length !== 1)
        throw new Error('credit');
      if ((await ex.query(sql.reserve, [tenant, products, qtys], PREPARED)).rows.length !== LINES)
        throw new Error('stock');
      if ((await ex.query(sql.issue, [tenant, products, qtys], PREPARED)).rows.length !== LINES)
        throw new Error('issue');
      await ex.query(
        sql.insertDocs,
        [
          tenant,
          ['delivery', 'invoice', 'receipt', 'write-off'],
          [id('dn'), id('inv'), id('rc'), id('wo')],
          [`DN-${n}`, `INV-${n}`, `RC-${n}`, `WO-${n}`],
          [doc('dn', 'posted'), doc('inv', 'open'), doc('rc', 'unallocated'), doc('wo', 'posted')],
        ],
        PREPARED,
      );
      await ex.query(
        sql.updateDocs,
        [
          tenant,
          ['sales-order', 'delivery', 'invoice', 'receipt'],
          [id('so'), id('dn'), id('inv'), id('rc')],
          [
            doc('so', 'completed'),
            doc('dn', 'invoiced'),
            doc('inv', 'paid'),
            doc('rc', 'allocated'),
          ],
        ],
        PREPARED,
      );
      const vids = ['dn', 'inv', 'rc', 'wo'].map((k) => `v-${k}-${n}`);
      await ex.query(
        sql.vouchers,
        [
          tenant,
          vids,
          vids,
          ['delivery', 'invoice', 'receipt', 'write-off'],
          [id('dn'), id('inv'), id('rc'), id('wo')],
        ],
        PREPARED,
      );
      await ex.query(
        sql.lines,
        [
          tenant,
          [vids[0], vids[0], vids[1], vids[1], vids[1], vids[2], vids[2], vids[3], vids[3]],
          [1, 2, 1, 2, 3, 1, 2, 1, 2],
          ['6401', '1405', '1122', '6001', '222101', '1002', '2203', '2203', '1122'],
          ['60.00', '0', '100.00', '0', '0', '100.00', '0', '100.00', '0'],
          ['0', '60.00', '0', '88.50', '11.50', '0', '100.00', '0', '100.00'],
          ['', '', 'HQ', '', '', '', 'HQ', 'HQ', 'HQ'],
        ],
        PREPARED,
      );
      if ((await ex.query(sql.creditMove, [tenant, gross], PREPARED)).rows.length !== 1)
        throw new Error('move');
      await ex.query(sql.openItem, [tenant, id('inv'), gross], PREPARED);
      if ((await ex.query(sql.settleItem, [tenant, id('inv'), gross], PREPARED)).rows.length !== 1)
        throw new Error('settle');
      if ((await ex.query(sql.creditRelease, [tenant, gross], PREPARED)).rows.length !== 1)
        throw new Error('release');
      await ex.query(
        sql.outbox,
        [tenant, Array.from({ length: 20 }, (_, k) => `e-${n}-${k}`)],
        PREPARED,
      );
    });
  };
}

/**
 * The same order written as its business steps happen — six transactions, one per SDK command:
 * draft, confirm, deliver, invoice, receipt, write-off — each numbering, writing and posting
 * what that step does with the baseline's multi-row statements (so documents are updated once
 * per step that changes them). An integrator's own code has to commit each step when it happens
 * (an order is delivered days after it is confirmed), so this is the like-for-like baseline of
 * the six-command SDK flow; {@link rawOrderWriter} (one transaction) is that of the quick sale.
 */
export function rawStepsWriter(schema: string) {
  const sql = rawSql(schema);
  return async function rawSteps(driver: SqlDriver, tenant: string, n: number): Promise<void> {
    const { qtys, gross, id, doc } = rawOrderData(n);
    const step = (fn: (ex: SqlExecutor) => Promise<void>) => driver.transaction(fn);
    const numbers = async (ex: SqlExecutor, series: string[]) => {
      const nums = await ex.query(sql.numbers, [tenant, series], PREPARED);
      if (nums.rows.length !== series.length) throw new Error('numbers');
    };
    const insert = (ex: SqlExecutor, kind: string, k: string, number: string, status: string) =>
      ex.query(sql.insertDocs, [tenant, [kind], [id(k)], [number], [doc(k, status)]], PREPARED);
    const update = (ex: SqlExecutor, docs: [kind: string, k: string, status: string][]) =>
      ex.query(
        sql.updateDocs,
        [
          tenant,
          docs.map((x) => x[0]),
          docs.map((x) => id(x[1])),
          docs.map((x) => doc(x[1], x[2])),
        ],
        PREPARED,
      );
    const post = async (
      ex: SqlExecutor,
      k: string,
      kind: string,
      lines: [account: string, debit: string, credit: string, party: string][],
    ) => {
      const vid = `v-${k}-${n}`;
      await ex.query(sql.vouchers, [tenant, [vid], [vid], [kind], [id(k)]], PREPARED);
      await ex.query(
        sql.lines,
        [
          tenant,
          lines.map(() => vid),
          lines.map((_, i) => i + 1),
          lines.map((l) => l[0]),
          lines.map((l) => l[1]),
          lines.map((l) => l[2]),
          lines.map((l) => l[3]),
        ],
        PREPARED,
      );
    };
    const events = (ex: SqlExecutor, step: string, count: number) =>
      ex.query(
        sql.outbox,
        [tenant, Array.from({ length: count }, (_, k) => `e-${n}-${step}-${k}`)],
        PREPARED,
      );
    const must = async (p: Promise<{ rows: unknown[] }>, rows: number, what: string) => {
      if ((await p).rows.length !== rows) throw new Error(what);
    };
    await step(async (ex) => {
      await numbers(ex, ['SO']);
      await insert(ex, 'sales-order', 'so', `SO-${n}`, 'draft');
      await events(ex, 'draft', 1);
    });
    await step(async (ex) => {
      await must(ex.query(sql.creditReserve, [tenant, gross], PREPARED), 1, 'credit');
      await must(ex.query(sql.reserve, [tenant, products, qtys], PREPARED), LINES, 'stock');
      await update(ex, [['sales-order', 'so', 'confirmed']]);
      await events(ex, 'confirm', 2);
    });
    await step(async (ex) => {
      await numbers(ex, ['DN', 'V1']);
      await must(ex.query(sql.issue, [tenant, products, qtys], PREPARED), LINES, 'issue');
      await insert(ex, 'delivery', 'dn', `DN-${n}`, 'posted');
      await update(ex, [['sales-order', 'so', 'delivered']]);
      await post(ex, 'dn', 'delivery', [
        ['6401', '60.00', '0', ''],
        ['1405', '0', '60.00', ''],
      ]);
      await events(ex, 'deliver', 2 + LINES);
    });
    await step(async (ex) => {
      await numbers(ex, ['INV', 'V2']);
      await insert(ex, 'invoice', 'inv', `INV-${n}`, 'open');
      await update(ex, [
        ['sales-order', 'so', 'invoiced'],
        ['delivery', 'dn', 'invoiced'],
      ]);
      await must(ex.query(sql.creditMove, [tenant, gross], PREPARED), 1, 'move');
      await ex.query(sql.openItem, [tenant, id('inv'), gross], PREPARED);
      await post(ex, 'inv', 'invoice', [
        ['1122', '100.00', '0', 'HQ'],
        ['6001', '0', '88.50', ''],
        ['222101', '0', '11.50', ''],
      ]);
      await events(ex, 'invoice', 3);
    });
    await step(async (ex) => {
      await numbers(ex, ['RC', 'V3']);
      await insert(ex, 'receipt', 'rc', `RC-${n}`, 'unallocated');
      await post(ex, 'rc', 'receipt', [
        ['1002', '100.00', '0', ''],
        ['2203', '0', '100.00', 'HQ'],
      ]);
      await events(ex, 'receipt', 2);
    });
    await step(async (ex) => {
      await numbers(ex, ['WO', 'V4']);
      await insert(ex, 'write-off', 'wo', `WO-${n}`, 'posted');
      await update(ex, [
        ['sales-order', 'so', 'completed'],
        ['invoice', 'inv', 'paid'],
        ['receipt', 'rc', 'allocated'],
      ]);
      await must(ex.query(sql.settleItem, [tenant, id('inv'), gross], PREPARED), 1, 'settle');
      await must(ex.query(sql.creditRelease, [tenant, gross], PREPARED), 1, 'release');
      await post(ex, 'wo', 'write-off', [
        ['2203', '100.00', '0', 'HQ'],
        ['1122', '0', '100.00', 'HQ'],
      ]);
      await events(ex, 'write-off', 5);
    });
  };
}
