/**
 * The raw-SQL baselines: the same rows written and updated as one SDK order, as hand-written
 * multi-row statements on the adapter's own tables, with no validation, no domain logic and no
 * idempotency — what a careful hand-coded implementation of the slice would cost.
 *
 * - {@link rawOrderWriter}: ONE transaction, the quick sale's shape — credit reserved and stock
 *   reserved and issued, nine numbers (four from the one voucher series) in one statement, five
 *   documents inserted in their final state, four vouchers with their lines and balances, the
 *   credit's net change, the open item (already settled), the quick sale's events.
 * - {@link rawStepsWriter}: six transactions, one per business step, each numbering, writing and
 *   posting what that step does (documents updated once per step that changes them).
 *
 * The documents and event payloads they write are the SDK's own, captured from an SDK order in
 * the same store ({@link sampleSdkWrites}), so both sides write the same bytes: a hand-coded
 * implementation keeps the same facts (priced lines with tax, cost and quantities, events
 * that say what changed). Like the SDK, each transaction takes its hot rows (credit, stock)
 * before its number series.
 */
import type { SqlDriver, SqlExecutor } from '@tradecore/adapters-postgres';
import { LINES, type SdkBench, sdkOrder, sdkQuickSale } from './slice';

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
    // Each series once, with how many values it takes ($3): the voucher series (one per
    // tenant, gapless, as the SDK's) gives all four voucher numbers.
    numbers: `INSERT INTO ${q}.sequences AS s (tenant_id, series, last_value)
      SELECT $1, x, n FROM unnest($2::text[], $3::int[]) AS t(x, n)
      ON CONFLICT (tenant_id, series) DO UPDATE SET last_value = s.last_value + excluded.last_value RETURNING last_value`,
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
    // The net change of an order invoiced ($2) and paid ($3) in the same transaction.
    creditNet: `UPDATE ${q}.credit_accounts SET orders = orders - $2::numeric, receivables = receivables + $2::numeric - $3::numeric
      WHERE tenant_id = $1 AND account_id = 'HQ' AND orders >= $2::numeric RETURNING 1`,
    openItemSettled: `INSERT INTO ${q}.open_items (tenant_id, item_id, account_id, source_kind, source_id, due_date, amount, residual)
      VALUES ($1, $2, 'HQ', 'invoice', $2, '2026-12-22', $3::numeric, 0)`,
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
      SELECT $1, i, t, p::jsonb, '2026-11-22T08:00:00.000Z', now() FROM unnest($2::text[], $3::text[], $4::text[]) AS e(i, t, p)`,
  };
}

const products = Array.from({ length: LINES }, (_, k) => `P${k}`);

/** The kinds of document one order writes. */
const DOC_KINDS = {
  so: 'sales-order',
  dn: 'delivery',
  inv: 'invoice',
  rc: 'receipt',
  wo: 'write-off',
} as const;

/** One outbox row's type and payload (JSON text). */
export interface RawEvent {
  readonly type: string;
  readonly payload: string;
}

/** What the baselines write as documents and event payloads: the SDK's own. */
export interface RawSample {
  /** The stored JSON text of one document of each kind, and the id it holds (replaced per order). */
  readonly docs: Readonly<Record<string, { readonly text: string; readonly id: string }>>;
  /** The events of each of one SDK order's six commands, in order. */
  readonly steps: readonly (readonly RawEvent[])[];
  /** The events of one quick sale of the same order (what the one-transaction baseline writes). */
  readonly quickSale: readonly RawEvent[];
}

/**
 * Captures what one SDK order writes, for the baselines to write the same bytes: `order` runs
 * one six-command order of `tenant` in `schema`, calling the function it is given after each
 * command; the events each command emitted and the latest stored document of each kind are
 * read back. Then `quickSale` runs the same order as one quick sale, whose events are read back
 * too.
 */
export async function sampleSdkWrites(
  driver: SqlDriver,
  schema: string,
  tenant: string,
  order: (afterEach: () => Promise<void>) => Promise<void>,
  quickSale: () => Promise<void>,
): Promise<RawSample> {
  const q = `"${schema}"`;
  const since = async (seq: string) => {
    const r = await driver.query<RawEvent & { seq: string }>(
      `SELECT seq::text AS seq, type, payload::text AS payload FROM ${q}.outbox
       WHERE tenant_id = $1 AND seq > $2 ORDER BY seq`,
      [tenant, seq],
    );
    return r.rows;
  };
  let mark = (
    await driver.query<{ seq: string }>(
      `SELECT coalesce(max(seq), 0)::text AS seq FROM ${q}.outbox WHERE tenant_id = $1`,
      [tenant],
    )
  ).rows[0]?.seq as string;
  const steps: RawEvent[][] = [];
  await order(async () => {
    const rows = await since(mark);
    mark = rows.at(-1)?.seq ?? mark;
    steps.push(rows.map(({ type, payload }) => ({ type, payload })));
  });
  const docs = await driver.query<{ kind: string; id: string; data: string }>(
    `SELECT DISTINCT ON (kind) kind, id, data::text AS data FROM ${q}.records
     WHERE tenant_id = $1 AND kind = ANY($2::text[]) ORDER BY kind, id DESC`,
    [tenant, Object.values(DOC_KINDS)],
  );
  const byKind = Object.fromEntries(docs.rows.map((r) => [r.kind, { text: r.data, id: r.id }]));
  for (const kind of Object.values(DOC_KINDS))
    if (!byKind[kind]) throw new Error(`sampleSdkWrites: no ${kind} of ${tenant}`);
  if (steps.length !== 6) throw new Error(`sampleSdkWrites: ${steps.length} steps, not 6`);
  await quickSale();
  const quick = (await since(mark)).map(({ type, payload }) => ({ type, payload }));
  if (quick.length === 0) throw new Error(`sampleSdkWrites: no quick sale events of ${tenant}`);
  return { docs: byKind, steps, quickSale: quick };
}

/**
 * The baselines' documents and events before they wrote the SDK's own (until 2026-11-23), kept
 * to compare (`TRADECORE_BENCH_BASELINE=stand-in`): ~250-byte documents (id, kind, status, five
 * lines of product, quantity and price, gross) and 20 outbox rows of `{"kind":"sales-order"}`
 * (1, 2, 2 + one per line, 3, 2 and 5 by step).
 */
export function standInSample(): RawSample {
  const docs = Object.fromEntries(
    Object.values(DOC_KINDS).map((kind) => [
      kind,
      {
        id: 'stand-in',
        text: JSON.stringify({
          id: 'stand-in',
          kind,
          status: 'open',
          lines: products.map((p) => ({ p, q: '2', price: '9.99' })),
          gross: '100.00',
        }),
      },
    ]),
  );
  const event: RawEvent = { type: 'document.transitioned', payload: '{"kind":"sales-order"}' };
  const steps = [1, 2, 2 + LINES, 3, 2, 5].map((n) => Array.from({ length: n }, () => event));
  return { docs, steps, quickSale: steps.flat() };
}

/** What the baselines write: the SDK's own documents and events, or the old stand-ins. */
export type BaselineMode = 'sdk-bytes' | 'stand-in';

/**
 * The baselines' sample: the stand-ins, or what one six-command order and one quick sale of
 * `b` write (`gross` is the quick sale's learned gross per quantity pattern, see
 * `sdkQuickSale`).
 */
export function baselineSample(
  mode: BaselineMode,
  driver: SqlDriver,
  schema: string,
  b: SdkBench,
  gross = new Map<number, string>(),
): Promise<RawSample> {
  if (mode === 'stand-in') return Promise.resolve(standInSample());
  return sampleSdkWrites(
    driver,
    schema,
    b.tenant,
    (step) => sdkOrder(b, 0, LINES, 0, step),
    () => sdkQuickSale(b, 0, gross),
  );
}

/** The documents, voucher lines and amounts of the baseline's order `n`. */
function rawOrderData(n: number, sample: RawSample) {
  const qtys = products.map((_, k) => String(1 + ((n + k) % 3)));
  const gross = '100.00';
  const id = (k: string) => `${k}-${n}`;
  /** The SDK's stored document of that kind, with this order's id in place of its own. */
  const doc = (k: keyof typeof DOC_KINDS) => {
    const d = sample.docs[DOC_KINDS[k]] as { text: string; id: string };
    return d.text.replaceAll(JSON.stringify(d.id), JSON.stringify(id(k)));
  };
  /** The outbox rows of `events`, with ids from `key`: ids, types and payloads. */
  const events = (key: string, list: readonly RawEvent[]) => [
    list.map((_, k) => `e-${n}-${key}-${k}`),
    list.map((e) => e.type),
    list.map((e) => e.payload),
  ];
  return { qtys, gross, id, doc, events };
}

/**
 * Builds the baseline's order writer for one schema (SQL text built once): the order as one
 * transaction, the shape of the quick sale — each document inserted once in its final state,
 * the credit reserved (checked) and its net change written once at the end, the open item
 * inserted already settled, the numbers in one statement after the hot rows, the quick sale's
 * own events.
 */
export function rawOrderWriter(schema: string, sample: RawSample) {
  const sql = rawSql(schema);
  const series = ['SO', 'DN', 'INV', 'RC', 'WO', 'V'];
  const counts = [1, 1, 1, 1, 1, 4];

  /** Writes one order in one transaction; `n` makes ids unique. */
  return async function rawOrder(driver: SqlDriver, tenant: string, n: number): Promise<void> {
    const { qtys, gross, id, doc, events } = rawOrderData(n, sample);
    await driver.transaction(async (ex: SqlExecutor) => {
      if ((await ex.query(sql.creditReserve, [tenant, gross], PREPARED)).rows.length !== 1)
        throw new Error('credit');
      if ((await ex.query(sql.reserve, [tenant, products, qtys], PREPARED)).rows.length !== LINES)
        throw new Error('stock');
      if ((await ex.query(sql.issue, [tenant, products, qtys], PREPARED)).rows.length !== LINES)
        throw new Error('issue');
      const nums = await ex.query(sql.numbers, [tenant, series, counts], PREPARED);
      if (nums.rows.length !== series.length) throw new Error('numbers');
      await ex.query(
        sql.insertDocs,
        [
          tenant,
          ['sales-order', 'delivery', 'invoice', 'receipt', 'write-off'],
          [id('so'), id('dn'), id('inv'), id('rc'), id('wo')],
          [`SO-${n}`, `DN-${n}`, `INV-${n}`, `RC-${n}`, `WO-${n}`],
          [doc('so'), doc('dn'), doc('inv'), doc('rc'), doc('wo')],
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
      // Invoiced and paid in full: out of orders, into receivables and out again, in one.
      if ((await ex.query(sql.creditNet, [tenant, gross, gross], PREPARED)).rows.length !== 1)
        throw new Error('net');
      await ex.query(sql.openItemSettled, [tenant, id('inv'), gross], PREPARED);
      await ex.query(sql.outbox, [tenant, ...events('all', sample.quickSale)], PREPARED);
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
export function rawStepsWriter(schema: string, sample: RawSample) {
  const sql = rawSql(schema);
  return async function rawSteps(driver: SqlDriver, tenant: string, n: number): Promise<void> {
    const { qtys, gross, id, doc, events: payloads } = rawOrderData(n, sample);
    const step = (fn: (ex: SqlExecutor) => Promise<void>) => driver.transaction(fn);
    const numbers = async (ex: SqlExecutor, series: string[]) => {
      const nums = await ex.query(sql.numbers, [tenant, series, series.map(() => 1)], PREPARED);
      if (nums.rows.length !== series.length) throw new Error('numbers');
    };
    type K = keyof typeof DOC_KINDS;
    const insert = (ex: SqlExecutor, kind: string, k: K, number: string, _status: string) =>
      ex.query(sql.insertDocs, [tenant, [kind], [id(k)], [number], [doc(k)]], PREPARED);
    const update = (ex: SqlExecutor, docs: [kind: string, k: K, status: string][]) =>
      ex.query(
        sql.updateDocs,
        [tenant, docs.map((x) => x[0]), docs.map((x) => id(x[1])), docs.map((x) => doc(x[1]))],
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
    // Each step writes the events the SDK's command for it emitted.
    const events = (ex: SqlExecutor, step: number) =>
      ex.query(sql.outbox, [tenant, ...payloads(String(step), sample.steps[step] ?? [])], PREPARED);
    const must = async (p: Promise<{ rows: unknown[] }>, rows: number, what: string) => {
      if ((await p).rows.length !== rows) throw new Error(what);
    };
    await step(async (ex) => {
      await numbers(ex, ['SO']);
      await insert(ex, 'sales-order', 'so', `SO-${n}`, 'draft');
      await events(ex, 0); // draft
    });
    await step(async (ex) => {
      await must(ex.query(sql.creditReserve, [tenant, gross], PREPARED), 1, 'credit');
      await must(ex.query(sql.reserve, [tenant, products, qtys], PREPARED), LINES, 'stock');
      await update(ex, [['sales-order', 'so', 'confirmed']]);
      await events(ex, 1); // confirm
    });
    // Each step takes its numbers after its hot rows (stock, credit), as the SDK does.
    await step(async (ex) => {
      await must(ex.query(sql.issue, [tenant, products, qtys], PREPARED), LINES, 'issue');
      await numbers(ex, ['DN', 'V']);
      await insert(ex, 'delivery', 'dn', `DN-${n}`, 'posted');
      await update(ex, [['sales-order', 'so', 'delivered']]);
      await post(ex, 'dn', 'delivery', [
        ['6401', '60.00', '0', ''],
        ['1405', '0', '60.00', ''],
      ]);
      await events(ex, 2); // deliver
    });
    await step(async (ex) => {
      await must(ex.query(sql.creditMove, [tenant, gross], PREPARED), 1, 'move');
      await ex.query(sql.openItem, [tenant, id('inv'), gross], PREPARED);
      await numbers(ex, ['INV', 'V']);
      await insert(ex, 'invoice', 'inv', `INV-${n}`, 'open');
      await update(ex, [
        ['sales-order', 'so', 'invoiced'],
        ['delivery', 'dn', 'invoiced'],
      ]);
      await post(ex, 'inv', 'invoice', [
        ['1122', '100.00', '0', 'HQ'],
        ['6001', '0', '88.50', ''],
        ['222101', '0', '11.50', ''],
      ]);
      await events(ex, 3); // invoice
    });
    await step(async (ex) => {
      await numbers(ex, ['RC', 'V']);
      await insert(ex, 'receipt', 'rc', `RC-${n}`, 'unallocated');
      await post(ex, 'rc', 'receipt', [
        ['1002', '100.00', '0', ''],
        ['2203', '0', '100.00', 'HQ'],
      ]);
      await events(ex, 4); // receipt
    });
    await step(async (ex) => {
      await must(ex.query(sql.settleItem, [tenant, id('inv'), gross], PREPARED), 1, 'settle');
      await must(ex.query(sql.creditRelease, [tenant, gross], PREPARED), 1, 'release');
      await numbers(ex, ['WO', 'V']);
      await insert(ex, 'write-off', 'wo', `WO-${n}`, 'posted');
      await update(ex, [
        ['sales-order', 'so', 'completed'],
        ['invoice', 'inv', 'paid'],
        ['receipt', 'rc', 'allocated'],
      ]);
      await post(ex, 'wo', 'write-off', [
        ['2203', '100.00', '0', 'HQ'],
        ['1122', '0', '100.00', 'HQ'],
      ]);
      await events(ex, 5); // write-off
    });
  };
}
