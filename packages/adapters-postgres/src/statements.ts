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
  'sequences',
  'vouchers',
  'voucher_lines',
  'account_balances',
  'outbox',
  'idempotency',
] as const;

/** Builds the statements for one (already quoted) schema. */
export function buildStatements(q: string) {
  const stockCols = 'on_hand::text AS on_hand, reserved::text AS reserved';
  const stockKey = 'tenant_id = $1 AND product_id = $2 AND warehouse_id = $3';
  const creditCols = 'currency, credit_limit::text AS credit_limit, exposure::text AS exposure';
  const creditKey = 'tenant_id = $1 AND customer_id = $2';
  return {
    // records
    recordGet: `SELECT version, number, data::text AS data FROM ${q}.records
WHERE tenant_id = $1 AND kind = $2 AND id = $3`,
    recordGetByNumber: `SELECT id, version, number, data::text AS data FROM ${q}.records
WHERE tenant_id = $1 AND kind = $2 AND number = $3`,
    recordInsert: `INSERT INTO ${q}.records (tenant_id, kind, id, version, number, data)
VALUES ($1, $2, $3, 1, $4, $5::jsonb) ON CONFLICT DO NOTHING RETURNING version`,
    recordExists: `SELECT 1 AS x FROM ${q}.records WHERE tenant_id = $1 AND kind = $2 AND id = $3`,
    recordUpdateKeepNumber: `UPDATE ${q}.records SET data = $5::jsonb, version = version + 1
WHERE tenant_id = $1 AND kind = $2 AND id = $3 AND version = $4 RETURNING version`,
    recordUpdateSetNumber: `UPDATE ${q}.records AS r SET data = $5::jsonb, number = $6::text, version = r.version + 1
WHERE r.tenant_id = $1 AND r.kind = $2 AND r.id = $3 AND r.version = $4
  AND ($6::text IS NULL OR NOT EXISTS (
    SELECT 1 FROM ${q}.records AS o
    WHERE o.tenant_id = $1 AND o.kind = $2 AND o.number = $6::text AND o.id <> $3))
RETURNING r.version`,
    recordVersion: `SELECT version FROM ${q}.records WHERE tenant_id = $1 AND kind = $2 AND id = $3`,
    recordFind: `SELECT id, version, number, data::text AS data FROM ${q}.records
WHERE tenant_id = $1 AND kind = $2 AND data @> $3::jsonb ORDER BY id LIMIT $4`,

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

    // credit
    creditGet: `SELECT ${creditCols} FROM ${q}.credit_accounts WHERE ${creditKey}`,
    creditSetLimit: `INSERT INTO ${q}.credit_accounts AS c (tenant_id, customer_id, currency, credit_limit, exposure)
VALUES ($1, $2, $3, $4::numeric, 0)
ON CONFLICT (tenant_id, customer_id) DO UPDATE SET currency = excluded.currency, credit_limit = excluded.credit_limit
RETURNING ${creditCols}`,
    creditReserve: `UPDATE ${q}.credit_accounts SET exposure = exposure + $3::numeric
WHERE ${creditKey} AND exposure + $3::numeric <= credit_limit RETURNING ${creditCols}`,
    creditRelease: `UPDATE ${q}.credit_accounts SET exposure = exposure - $3::numeric
WHERE ${creditKey} AND exposure >= $3::numeric RETURNING ${creditCols}`,

    // sequences
    sequenceNext: `INSERT INTO ${q}.sequences AS s (tenant_id, series, last_value) VALUES ($1, $2, 1)
ON CONFLICT (tenant_id, series) DO UPDATE SET last_value = s.last_value + 1
RETURNING last_value::text AS value`,

    // ledger: header, lines and running balances in one statement
    ledgerPost: `WITH v AS (
  INSERT INTO ${q}.vouchers (tenant_id, id, number, posted_at, source_kind, source_id, memo)
  VALUES ($1::text, $2::text, $3, $4, $5, $6, $7)
), l AS (
  SELECT * FROM unnest($8::text[], $9::numeric[], $10::numeric[], $11::text[], $12::text[])
    WITH ORDINALITY AS t(account, debit, credit, currency, party_id, line_no)
), li AS (
  INSERT INTO ${q}.voucher_lines (tenant_id, voucher_id, line_no, account, debit, credit, currency, party_id)
  SELECT $1::text, $2::text, line_no, account, debit, credit, currency, party_id FROM l
)
INSERT INTO ${q}.account_balances AS b (tenant_id, party_id, account, currency, debit, credit)
SELECT $1::text, coalesce(party_id, ''), account, currency, sum(debit), sum(credit)
FROM l GROUP BY 2, 3, 4 ORDER BY 2, 3, 4
ON CONFLICT (tenant_id, party_id, account, currency)
DO UPDATE SET debit = b.debit + excluded.debit, credit = b.credit + excluded.credit`,
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
    outboxAdd: `INSERT INTO ${q}.outbox (tenant_id, id, type, payload, occurred_at)
SELECT $1::text, e->>'id', e->>'type', e->'payload', e->>'occurredAt'
FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(e, ord) ORDER BY ord`,
    // Serialise relays; the published mark need not wait for fsync (a lost mark only means a
    // redelivery, which consumers de-duplicate by event id).
    outboxLock:
      "SELECT pg_advisory_xact_lock(hashtext($1::text)), set_config('synchronous_commit', 'off', true)",
    outboxClaim: `SELECT seq::text AS seq, tenant_id, id, type, payload::text AS payload, occurred_at
FROM ${q}.outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
    outboxMark: `UPDATE ${q}.outbox SET published_at = now() WHERE seq = ANY($1::bigint[])`,
    outboxPrune: `DELETE FROM ${q}.outbox WHERE published_at < $1::timestamptz RETURNING seq`,

    // idempotency
    idemClaim: `INSERT INTO ${q}.idempotency AS i (tenant_id, key, request, response, completed)
VALUES ($1, $2, $3, NULL, false)
ON CONFLICT (tenant_id, key) DO UPDATE SET request = excluded.request, response = NULL
WHERE NOT i.completed RETURNING 1 AS x`,
    idemGet: `SELECT request, response::text AS response, completed FROM ${q}.idempotency
WHERE tenant_id = $1 AND key = $2`,
    idemComplete: `UPDATE ${q}.idempotency SET response = $3::jsonb, completed = true
WHERE tenant_id = $1 AND key = $2 RETURNING 1 AS x`,

    // maintenance
    nonEmptyTables: `SELECT ${TABLES.map((t) => `EXISTS (SELECT 1 FROM ${q}.${t}) AS ${t}`).join(', ')}`,
    vacuum: Object.fromEntries(TABLES.map((t) => [t, `VACUUM (ANALYZE) ${q}.${t}`])) as Record<
      (typeof TABLES)[number],
      string
    >,
  };
}

/** The statements of one store. */
export type Statements = ReturnType<typeof buildStatements>;
