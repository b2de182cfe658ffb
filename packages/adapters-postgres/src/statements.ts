/**
 * Every SQL statement the store runs, built once per store from the quoted schema name (the
 * only interpolated text); every value is a `$n` parameter. Numerics and jsonb are selected as
 * text so both drivers hand back the same exact strings.
 *
 * @module
 */

/** The tables of the adapter, in the order `maintain()` visits them. */
export const TABLES = [
  'records',
  'stock_levels',
  'credit_accounts',
  'open_items',
  'sequences',
  'vouchers',
  'voucher_lines',
  'account_balances',
  'outbox',
  'idempotency',
] as const;

/** Builds the statements for one (already quoted) schema. */
export function buildStatements(q: string) {
  const batchStock = (fits: string, reserved: string, onHand: string) => `WITH w AS (
  SELECT * FROM unnest($2::text[], $3::text[], $4::numeric[]) AS t(p, wh, q)
), locked AS (
  SELECT s.product_id, s.warehouse_id, s.on_hand, s.reserved FROM ${q}.stock_levels s
  JOIN w ON s.product_id = w.p AND s.warehouse_id = w.wh
  WHERE s.tenant_id = $1 ORDER BY s.product_id, s.warehouse_id FOR UPDATE OF s
), verdict AS (
  SELECT count(*) = cardinality($2::text[]) AND coalesce(bool_and(${fits.replaceAll('s.', 'l.')}), true) AS ok
  FROM locked l JOIN w ON l.product_id = w.p AND l.warehouse_id = w.wh
)
UPDATE ${q}.stock_levels s SET reserved = ${reserved}, on_hand = ${onHand}
FROM w, verdict WHERE verdict.ok AND s.tenant_id = $1 AND s.product_id = w.p AND s.warehouse_id = w.wh
RETURNING s.product_id, s.warehouse_id, s.on_hand::text AS on_hand, s.reserved::text AS reserved`;
  const stockCols = 'on_hand::text AS on_hand, reserved::text AS reserved';
  const stockKey = 'tenant_id = $1 AND product_id = $2 AND warehouse_id = $3';
  const creditCols =
    'account_id, parent_id, currency, credit_limit::text AS credit_limit, temporary::text AS temporary, temporary_until, deposit::text AS deposit, frozen, orders::text AS orders, uninvoiced::text AS uninvoiced, receivables::text AS receivables';
  // The account ($2) and its ancestors, with their depth (1 = the account); stops at 64 levels.
  const creditPathCte = `path AS (
  SELECT account_id, parent_id, 1 AS depth FROM ${q}.credit_accounts WHERE tenant_id = $1 AND account_id = $2
  UNION ALL
  SELECT c.account_id, c.parent_id, path.depth + 1 FROM ${q}.credit_accounts c
  JOIN path ON c.account_id = path.parent_id WHERE c.tenant_id = $1 AND path.depth < 64
)`;
  const openCols =
    'item_id, account_id, source_kind, source_id, due_date, amount::text AS amount, residual::text AS residual';
  // Aging: one aggregate per account over the open items, by due date against the cut-offs
  // ($2 = asOf = cut-off 0, $3 … = asOf − bound i; see core's agingCutoffs). The statement's
  // shape depends only on the number of bounds, so each shape is built once and cached; every
  // value is a parameter. $1 tenant; with `filtered`, the last parameter is the account ids.
  const agingCache = new Map<string, string>();
  const aging = (bounds: number, filtered: boolean): string => {
    if (!Number.isSafeInteger(bounds) || bounds < 0 || bounds > 64) {
      throw new RangeError(`aging: 0..64 bounds, got ${bounds}`);
    }
    const k = `${bounds}:${filtered}`;
    const hit = agingCache.get(k);
    if (hit !== undefined) return hit;
    const cut = (i: number) => `$${i + 2}::text`;
    const sums = [
      `coalesce(sum(residual) FILTER (WHERE due_date >= ${cut(0)}), 0)::text AS not_due`,
    ];
    for (let i = 0; i < bounds; i++) {
      sums.push(
        `coalesce(sum(residual) FILTER (WHERE due_date < ${cut(i)} AND due_date >= ${cut(i + 1)}), 0)::text AS b${i}`,
      );
    }
    sums.push(
      `coalesce(sum(residual) FILTER (WHERE due_date < ${cut(bounds)}), 0)::text AS b${bounds}`,
    );
    const text = `SELECT o.*, a.currency FROM (
  SELECT account_id, ${sums.join(',\n    ')},
    sum(residual)::text AS total, count(*)::int AS n, min(due_date) AS oldest
  FROM ${q}.open_items
  WHERE tenant_id = $1 AND residual > 0${filtered ? ` AND account_id = ANY($${bounds + 3}::text[])` : ''}
  GROUP BY account_id
) o LEFT JOIN ${q}.credit_accounts a ON a.tenant_id = $1 AND a.account_id = o.account_id
ORDER BY o.account_id`;
    agingCache.set(k, text);
    return text;
  };
  const dueItems = (filtered: boolean) => `SELECT ${openCols
    .split(', ')
    .map((c) => `o.${c}`)
    .join(', ')}, a.currency
FROM ${q}.open_items o LEFT JOIN ${q}.credit_accounts a ON a.tenant_id = o.tenant_id AND a.account_id = o.account_id
WHERE o.tenant_id = $1 AND o.residual > 0 AND o.due_date <= $2::text${filtered ? ' AND o.account_id = ANY($4::text[])' : ''}
ORDER BY o.due_date, o.item_id LIMIT $3`;
  return {
    // records
    recordGet: `SELECT version, number, data::text AS data FROM ${q}.records
WHERE tenant_id = $1 AND kind = $2 AND id = $3`,
    // Prepared like every point statement. A generic plan made while the table is tiny (a hash
    // join over a sequential scan) is kept by the connection until statistics change: the next
    // ANALYZE (autovacuum's, or `maintain()`) replaces it with index lookups.
    recordGetMany: `SELECT r.id, r.version, r.number, r.data::text AS data
FROM unnest($3::text[]) WITH ORDINALITY AS x(id, ord)
JOIN ${q}.records r ON r.tenant_id = $1 AND r.kind = $2 AND r.id = x.id
ORDER BY x.ord`,
    recordGetRefs: `SELECT r.kind, r.id, r.version, r.number, r.data::text AS data
FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS x(kind, id, ord)
JOIN ${q}.records r ON r.tenant_id = $1 AND r.kind = x.kind AND r.id = x.id
ORDER BY x.ord`,
    recordGetByNumber: `SELECT id, version, number, data::text AS data FROM ${q}.records
WHERE tenant_id = $1 AND kind = $2 AND number = $3`,
    recordInsert: `INSERT INTO ${q}.records (tenant_id, kind, id, version, number, data, range_key)
VALUES ($1, $2, $3, 1, $4, $5::jsonb, $6::text) ON CONFLICT DO NOTHING RETURNING version`,
    recordExists: `SELECT 1 AS x FROM ${q}.records WHERE tenant_id = $1 AND kind = $2 AND id = $3`,
    recordUpdateKeepNumber: `UPDATE ${q}.records SET data = $5::jsonb, version = version + 1,
  range_key = CASE WHEN $6::boolean THEN $7::text ELSE range_key END
WHERE tenant_id = $1 AND kind = $2 AND id = $3 AND version = $4 RETURNING version`,
    recordUpdateSetNumber: `UPDATE ${q}.records AS r SET data = $5::jsonb, number = $6::text, version = r.version + 1,
  range_key = CASE WHEN $7::boolean THEN $8::text ELSE r.range_key END
WHERE r.tenant_id = $1 AND r.kind = $2 AND r.id = $3 AND r.version = $4
  AND ($6::text IS NULL OR NOT EXISTS (
    SELECT 1 FROM ${q}.records AS o
    WHERE o.tenant_id = $1 AND o.kind = $2 AND o.number = $6::text AND o.id <> $3))
RETURNING r.version`,
    recordVersion: `SELECT version FROM ${q}.records WHERE tenant_id = $1 AND kind = $2 AND id = $3`,
    recordFind: `SELECT id, version, number, data::text AS data FROM ${q}.records
WHERE tenant_id = $1 AND kind = $2 AND data @> $3::jsonb ORDER BY id LIMIT $4`,
    // Through records_range_key_idx (the strict <= implies the index's IS NOT NULL).
    recordFindKeyAtMost: `SELECT id, version, number, data::text AS data FROM ${q}.records
WHERE tenant_id = $1 AND kind = $2 AND range_key <= $5::text AND data @> $3::jsonb ORDER BY id LIMIT $4`,

    // stock
    stockLevel: `SELECT ${stockCols} FROM ${q}.stock_levels WHERE ${stockKey}`,
    stockAdjust: `INSERT INTO ${q}.stock_levels AS s (tenant_id, product_id, warehouse_id, on_hand, reserved)
VALUES ($1, $2, $3, $4::numeric, 0)
ON CONFLICT (tenant_id, product_id, warehouse_id) DO UPDATE SET on_hand = s.on_hand + excluded.on_hand
RETURNING ${stockCols}`,
    stockReserve: `UPDATE ${q}.stock_levels SET reserved = reserved + $4::numeric
WHERE ${stockKey} AND on_hand - reserved >= $4::numeric RETURNING ${stockCols}`,
    stockRelease: `UPDATE ${q}.stock_levels SET reserved = reserved - $4::numeric
WHERE ${stockKey} AND reserved >= $4::numeric RETURNING ${stockCols}`,
    stockIssue: `UPDATE ${q}.stock_levels SET on_hand = on_hand - $4::numeric, reserved = reserved - $4::numeric
WHERE ${stockKey} AND reserved >= $4::numeric RETURNING ${stockCols}`,

    // stock, all lines at once: lock the rows in key order, check every line on the locked
    // rows, change them only if all fit. $2 products, $3 warehouses, $4 quantities (summed per
    // product and warehouse by the caller).
    stockReserveAll: batchStock('s.on_hand - s.reserved >= w.q', 's.reserved + w.q', 's.on_hand'),
    stockReleaseAll: batchStock('s.reserved >= w.q', 's.reserved - w.q', 's.on_hand'),
    stockIssueAll: batchStock('s.reserved >= w.q', 's.reserved - w.q', 's.on_hand - w.q'),
    stockMany: `SELECT product_id, warehouse_id, ${stockCols} FROM ${q}.stock_levels
WHERE tenant_id = $1 AND (product_id, warehouse_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,

    // credit
    creditGet: `SELECT ${creditCols} FROM ${q}.credit_accounts WHERE tenant_id = $1 AND account_id = $2`,
    creditChildren: `SELECT ${creditCols} FROM ${q}.credit_accounts WHERE tenant_id = $1 AND parent_id = $2 ORDER BY account_id`,
    creditSave: `INSERT INTO ${q}.credit_accounts AS c
  (tenant_id, account_id, parent_id, currency, credit_limit, temporary, temporary_until, deposit, frozen)
VALUES ($1, $2, $3, $4, $5::numeric, $6::numeric, $7, $8::numeric, $9)
ON CONFLICT (tenant_id, account_id) DO UPDATE SET parent_id = excluded.parent_id, currency = excluded.currency,
  credit_limit = excluded.credit_limit, temporary = excluded.temporary, temporary_until = excluded.temporary_until,
  deposit = excluded.deposit, frozen = excluded.frozen
WHERE (c.parent_id IS NOT DISTINCT FROM excluded.parent_id AND c.currency = excluded.currency)
   OR (c.orders = 0 AND c.uninvoiced = 0 AND c.receivables = 0)
RETURNING ${creditCols}`,
    // The account and its ancestors, the account first.
    creditPath: `WITH RECURSIVE ${creditPathCte}
SELECT ${creditCols.replace(/(^|, )(\w+)/g, '$1a.$2')} FROM ${q}.credit_accounts a JOIN path p ON a.account_id = p.account_id
WHERE a.tenant_id = $1 ORDER BY p.depth`,
    // One statement: find the path (the account and its ancestors), lock it in id order (so
    // concurrent changes never deadlock), check every account on the locked rows, and move the
    // amount only if all pass. $3 amount, $4 from bucket, $5 to bucket, $6 checked?, $7 counted
    // buckets, $8 Δ of the counted exposure, $9 asOf, $10 currency.
    creditChange: `WITH RECURSIVE ${creditPathCte}, locked AS (
  SELECT * FROM ${q}.credit_accounts
  WHERE tenant_id = $1 AND account_id IN (SELECT account_id FROM path) ORDER BY account_id FOR UPDATE
), verdict AS (
  SELECT (SELECT count(*) FROM path WHERE parent_id IS NULL) = 1
    AND count(*) = (SELECT count(*) FROM path)
    AND coalesce(bool_and(
    currency = $10::text
    AND (CASE $4::text WHEN 'orders' THEN orders >= $3::numeric WHEN 'uninvoiced' THEN uninvoiced >= $3::numeric
       WHEN 'receivables' THEN receivables >= $3::numeric ELSE true END)
    AND (NOT $6::boolean OR (NOT frozen AND (credit_limit IS NULL OR
      (CASE WHEN 'orders' = ANY($7::text[]) THEN orders ELSE 0 END
       + CASE WHEN 'uninvoiced' = ANY($7::text[]) THEN uninvoiced ELSE 0 END
       + CASE WHEN 'receivables' = ANY($7::text[]) THEN receivables ELSE 0 END
       + $8::numeric)
      <= credit_limit + deposit + CASE WHEN temporary_until IS NOT NULL AND $9::text < temporary_until THEN temporary ELSE 0 END)))
  ), true) AS ok FROM locked
)
UPDATE ${q}.credit_accounts AS c SET
  orders = c.orders + CASE WHEN $5::text = 'orders' THEN $3::numeric ELSE 0 END - CASE WHEN $4::text = 'orders' THEN $3::numeric ELSE 0 END,
  uninvoiced = c.uninvoiced + CASE WHEN $5::text = 'uninvoiced' THEN $3::numeric ELSE 0 END - CASE WHEN $4::text = 'uninvoiced' THEN $3::numeric ELSE 0 END,
  receivables = c.receivables + CASE WHEN $5::text = 'receivables' THEN $3::numeric ELSE 0 END - CASE WHEN $4::text = 'receivables' THEN $3::numeric ELSE 0 END
FROM verdict, path WHERE verdict.ok AND c.tenant_id = $1 AND c.account_id = path.account_id
RETURNING ${creditCols.replace(/(^|, )(\w+)/g, '$1c.$2')}, path.depth`,
    openItemSettle: `UPDATE ${q}.open_items SET residual = residual - $3::numeric
WHERE tenant_id = $1 AND item_id = $2 AND residual >= $3::numeric RETURNING ${openCols}`,
    openItemsOf: `SELECT ${openCols} FROM ${q}.open_items
WHERE tenant_id = $1 AND source_kind = $2 AND source_id = $3 AND residual > 0 ORDER BY due_date, item_id`,
    overdue: `SELECT coalesce(sum(residual), 0)::text AS amount, min(due_date) AS oldest, count(*)::int AS n
FROM ${q}.open_items WHERE tenant_id = $1 AND account_id = ANY($2::text[]) AND residual > 0 AND due_date < $3`,
    aging,
    dueItemsAll: dueItems(false),
    dueItemsOf: dueItems(true),

    // sequences
    sequenceNext: `INSERT INTO ${q}.sequences AS s (tenant_id, series, last_value) VALUES ($1, $2, 1)
ON CONFLICT (tenant_id, series) DO UPDATE SET last_value = s.last_value + 1
RETURNING last_value::text AS value`,
    // Several series at once, taken (and locked) in the order given.
    sequenceNextMany: `INSERT INTO ${q}.sequences AS s (tenant_id, series, last_value)
SELECT $1, x.series, x.n FROM unnest($2::text[], $3::bigint[]) WITH ORDINALITY AS x(series, n, ord) ORDER BY x.ord
ON CONFLICT (tenant_id, series) DO UPDATE SET last_value = s.last_value + EXCLUDED.last_value
RETURNING series, last_value::text AS value`,
    // Compare-and-set: only while `last` ($4) is still the series' last value.
    sequenceGiveBack: `UPDATE ${q}.sequences SET last_value = $3::bigint - 1
WHERE tenant_id = $1 AND series = $2 AND last_value = $4::bigint
RETURNING last_value::text AS value`,

    // Write-behind: the void writes a transaction collected, in ONE statement (see writeBehind).
    writeBehind: writeBehindStatements(q),
    ledgerVouchersFor: `SELECT v.seq::text AS seq, v.id, v.number, v.posted_at, v.source_kind, v.source_id, v.memo,
  l.line_no, l.account, l.debit::text AS debit, l.credit::text AS credit, l.currency, l.party_id
FROM ${q}.vouchers AS v
LEFT JOIN ${q}.voucher_lines AS l ON l.tenant_id = v.tenant_id AND l.voucher_id = v.id
WHERE v.tenant_id = $1 AND v.source_kind = $2 AND v.source_id = $3
ORDER BY v.seq, l.line_no`,
    ledgerBalances: `SELECT account, currency, sum(debit)::text AS debit, sum(credit)::text AS credit
FROM ${q}.account_balances WHERE tenant_id = $1
GROUP BY account, currency HAVING sum(debit) <> 0 OR sum(credit) <> 0
ORDER BY account, currency`,
    ledgerBalancesParty: `SELECT account, currency, sum(debit)::text AS debit, sum(credit)::text AS credit
FROM ${q}.account_balances WHERE tenant_id = $1 AND party_id = $2
GROUP BY account, currency HAVING sum(debit) <> 0 OR sum(credit) <> 0
ORDER BY account, currency`,

    // outbox
    // One autocommit statement: take the relay lock (an InitPlan, so before the scan), claim
    // up to $2 unpublished entries and mark them published. A relay waiting for the lock skips
    // what the one before it marked (re-checked on the committed row), so nothing is handed out
    // twice and one process delivers in seq order. The mark need not wait for fsync.
    outboxTake: `WITH c AS (
  SELECT seq FROM ${q}.outbox
  WHERE published_at IS NULL
    AND (SELECT pg_advisory_xact_lock(hashtext($1::text))::text || set_config('synchronous_commit', 'off', true)) IS NOT NULL
  ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED
)
UPDATE ${q}.outbox AS o SET published_at = now() FROM c WHERE o.seq = c.seq
RETURNING o.seq::text AS seq, o.tenant_id, o.id, o.type, o.payload::text AS payload, o.occurred_at`,
    outboxUnmark: `UPDATE ${q}.outbox SET published_at = NULL WHERE seq = ANY($1::bigint[])`,
    outboxPrune: `DELETE FROM ${q}.outbox WHERE published_at < $1::timestamptz RETURNING seq`,

    // idempotency
    idemClaim: `INSERT INTO ${q}.idempotency AS i (tenant_id, key, request, response, completed)
VALUES ($1, $2, $3, NULL, false)
ON CONFLICT (tenant_id, key) DO UPDATE SET request = excluded.request, response = NULL
WHERE NOT i.completed RETURNING 1 AS x`,
    idemGet: `SELECT request, response::text AS response, completed FROM ${q}.idempotency
WHERE tenant_id = $1 AND key = $2`,

    // maintenance
    nonEmptyTables: `SELECT ${TABLES.map((t) => `EXISTS (SELECT 1 FROM ${q}.${t}) AS ${t}`).join(', ')}`,
    vacuum: Object.fromEntries(TABLES.map((t) => [t, `VACUUM (ANALYZE) ${q}.${t}`])) as Record<
      (typeof TABLES)[number],
      string
    >,
  };
}

/** Which kinds of collected writes a write-behind statement carries. */
export interface WriteBehindParts {
  readonly vouchers: boolean;
  readonly openItems: boolean;
  readonly outbox: boolean;
  readonly completions: boolean;
  readonly recordInserts: boolean;
  readonly recordUpdates: boolean;
  /** Net bucket changes of credit accounts this transaction holds (locked by a change). */
  readonly credit: boolean;
}

/**
 * The write-behind statements of a schema: for each combination of parts present, one
 * statement (built once) that writes them all. Only the parts present appear in it, since every
 * data-modifying CTE costs executor start-up even on no rows. Parameters: `$1` tenant, then per
 * part in this order — vouchers (id, number, postedAt, sourceKind, sourceId, memo) and their lines
 * (voucher id, line no, account, debit, credit, currency, party), open items (id, account,
 * source kind, source id, due date, amount), the outbox entries as one JSON array, idempotency
 * (keys, responses), queued record inserts (kinds, ids, numbers, versions, data as JSON text,
 * range keys), queued record updates (kinds, ids, expected versions, new versions, data, whether
 * to set the range key, range keys). Balances are summed over
 * all the vouchers first, so each balance row changes once, and are locked in key order. Returns
 * one row: how many idempotency keys were completed, and the records inserted and updated (JSON
 * arrays of `[kind, id]`, or null when none) — a queued write missing there did not apply.
 */
function writeBehindStatements(q: string): (parts: WriteBehindParts) => string {
  const built = new Map<number, string>();
  return (parts) => {
    const key =
      (parts.vouchers ? 1 : 0) |
      (parts.openItems ? 2 : 0) |
      (parts.outbox ? 4 : 0) |
      (parts.completions ? 8 : 0) |
      (parts.recordInserts ? 16 : 0) |
      (parts.recordUpdates ? 32 : 0) |
      (parts.credit ? 64 : 0);
    const hit = built.get(key);
    if (hit !== undefined) return hit;
    let n = 1;
    const p = (type: string) => `$${++n}::${type}`;
    const ctes: string[] = [];
    if (parts.vouchers) {
      ctes.push(`v AS (
  INSERT INTO ${q}.vouchers (tenant_id, id, number, posted_at, source_kind, source_id, memo)
  SELECT $1::text, id, number, posted_at, source_kind, source_id, memo
  FROM unnest(${p('text[]')}, ${p('text[]')}, ${p('text[]')}, ${p('text[]')}, ${p('text[]')}, ${p('text[]')})
    WITH ORDINALITY AS t(id, number, posted_at, source_kind, source_id, memo, ord) ORDER BY ord
)`);
      ctes.push(`l AS (
  SELECT * FROM unnest(${p('text[]')}, ${p('int[]')}, ${p('text[]')}, ${p('numeric[]')}, ${p('numeric[]')}, ${p('text[]')}, ${p('text[]')})
    AS t(voucher_id, line_no, account, debit, credit, currency, party_id)
), li AS (
  INSERT INTO ${q}.voucher_lines (tenant_id, voucher_id, line_no, account, debit, credit, currency, party_id)
  SELECT $1::text, voucher_id, line_no, account, debit, credit, currency, party_id FROM l
), b AS (
  INSERT INTO ${q}.account_balances AS b (tenant_id, party_id, account, currency, debit, credit)
  SELECT $1::text, coalesce(party_id, ''), account, currency, sum(debit), sum(credit)
  FROM l GROUP BY 2, 3, 4 ORDER BY 2, 3, 4
  ON CONFLICT (tenant_id, party_id, account, currency)
  DO UPDATE SET debit = b.debit + excluded.debit, credit = b.credit + excluded.credit
)`);
    }
    if (parts.openItems) {
      ctes.push(`oi AS (
  INSERT INTO ${q}.open_items (tenant_id, item_id, account_id, source_kind, source_id, due_date, amount, residual)
  SELECT $1::text, item_id, account_id, source_kind, source_id, due_date, amount, residual
  FROM unnest(${p('text[]')}, ${p('text[]')}, ${p('text[]')}, ${p('text[]')}, ${p('text[]')}, ${p('numeric[]')}, ${p('numeric[]')})
    WITH ORDINALITY AS t(item_id, account_id, source_kind, source_id, due_date, amount, residual, ord) ORDER BY ord
)`);
    }
    if (parts.outbox) {
      ctes.push(`ob AS (
  INSERT INTO ${q}.outbox (tenant_id, id, type, payload, occurred_at)
  SELECT $1::text, e->>'id', e->>'type', e->'payload', e->>'occurredAt'
  FROM jsonb_array_elements(${p('jsonb')}) WITH ORDINALITY AS t(e, ord) ORDER BY ord
)`);
    }
    if (parts.completions) {
      ctes.push(`ic AS (
  UPDATE ${q}.idempotency AS i SET response = x.response::jsonb, completed = true
  FROM unnest(${p('text[]')}, ${p('text[]')}) AS x(key, response)
  WHERE i.tenant_id = $1::text AND i.key = x.key RETURNING i.key
)`);
    }
    if (parts.recordInserts) {
      ctes.push(`ri AS (
  INSERT INTO ${q}.records (tenant_id, kind, id, version, number, data, range_key)
  SELECT $1::text, kind, id, version, number, data::jsonb, range_key
  FROM unnest(${p('text[]')}, ${p('text[]')}, ${p('text[]')}, ${p('int[]')}, ${p('text[]')}, ${p('text[]')})
    WITH ORDINALITY AS t(kind, id, number, version, data, range_key, ord) ORDER BY ord
  ON CONFLICT DO NOTHING RETURNING kind, id
)`);
    }
    if (parts.recordUpdates) {
      ctes.push(`ru AS (
  UPDATE ${q}.records AS r SET data = x.data::jsonb, version = x.version,
    range_key = CASE WHEN x.set_key THEN x.range_key ELSE r.range_key END
  FROM unnest(${p('text[]')}, ${p('text[]')}, ${p('int[]')}, ${p('int[]')}, ${p('text[]')}, ${p('boolean[]')}, ${p('text[]')})
    AS x(kind, id, expected, version, data, set_key, range_key)
  WHERE r.tenant_id = $1::text AND r.kind = x.kind AND r.id = x.id AND r.version = x.expected
  RETURNING r.kind, r.id
)`);
    }
    if (parts.credit) {
      // Rows this transaction locked with an earlier change: no lock is taken here.
      ctes.push(`cr AS (
  UPDATE ${q}.credit_accounts AS c SET orders = c.orders + x.d_orders,
    uninvoiced = c.uninvoiced + x.d_uninvoiced, receivables = c.receivables + x.d_receivables
  FROM unnest(${p('text[]')}, ${p('numeric[]')}, ${p('numeric[]')}, ${p('numeric[]')})
    AS x(account_id, d_orders, d_uninvoiced, d_receivables)
  WHERE c.tenant_id = $1::text AND c.account_id = x.account_id
  RETURNING c.account_id
)`);
    }
    const completed = parts.completions ? '(SELECT count(*) FROM ic)::int' : '0';
    const credited = parts.credit ? '(SELECT count(*) FROM cr)::int' : '0';
    const written = (cte: string) =>
      `(SELECT json_agg(json_build_array(kind, id))::text FROM ${cte})`;
    const text = `WITH ${ctes.join(', ')}
SELECT ${completed} AS completed, ${credited} AS credited, ${parts.recordInserts ? written('ri') : 'NULL'} AS inserted, ${parts.recordUpdates ? written('ru') : 'NULL'} AS updated`;
    built.set(key, text);
    return text;
  };
}

/** The statements of one store. */
export type Statements = ReturnType<typeof buildStatements>;
