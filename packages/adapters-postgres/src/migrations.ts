/**
 * The schema the adapter needs, shipped as ordered SQL migrations, and {@link migrate}, which
 * applies the missing ones.
 *
 * Migration SQL never names the schema: {@link migrate} runs each migration with
 * `SET LOCAL search_path` pointing at the (validated, double-quoted) schema, so the same text
 * works for every schema.
 *
 * @module
 */
import { TradecoreBug } from '@tradecore/core';
import type { SqlDriver } from './driver';

/** One migration: a stable id (applied in list order, recorded once) and its SQL script. */
export interface Migration {
  /** Stable, sortable id, e.g. `0001_initial`. Recorded in `tradecore_migrations`. */
  readonly id: string;
  /** The script; unqualified names resolve to the target schema. */
  readonly sql: string;
}

const INITIAL = `
CREATE TABLE records (
  tenant_id text COLLATE "C" NOT NULL,
  kind text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  version integer NOT NULL,
  number text COLLATE "C",
  data jsonb NOT NULL,
  PRIMARY KEY (tenant_id, kind, id)
);
CREATE UNIQUE INDEX records_number_key ON records (tenant_id, kind, number) WHERE number IS NOT NULL;

CREATE TABLE stock_levels (
  tenant_id text COLLATE "C" NOT NULL,
  product_id text COLLATE "C" NOT NULL,
  warehouse_id text COLLATE "C" NOT NULL,
  on_hand numeric NOT NULL DEFAULT 0,
  reserved numeric NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, product_id, warehouse_id)
) WITH (fillfactor = 70);

CREATE TABLE credit_accounts (
  tenant_id text COLLATE "C" NOT NULL,
  customer_id text COLLATE "C" NOT NULL,
  currency text NOT NULL,
  credit_limit numeric NOT NULL,
  exposure numeric NOT NULL DEFAULT 0 CHECK (exposure >= 0),
  PRIMARY KEY (tenant_id, customer_id)
) WITH (fillfactor = 70);

CREATE TABLE sequences (
  tenant_id text COLLATE "C" NOT NULL,
  series text COLLATE "C" NOT NULL,
  last_value bigint NOT NULL,
  PRIMARY KEY (tenant_id, series)
) WITH (fillfactor = 70);

CREATE TABLE vouchers (
  tenant_id text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  number text COLLATE "C" NOT NULL,
  posted_at text NOT NULL,
  source_kind text COLLATE "C" NOT NULL,
  source_id text COLLATE "C" NOT NULL,
  memo text NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, number)
);
CREATE INDEX vouchers_source_idx ON vouchers (tenant_id, source_kind, source_id, seq);

CREATE TABLE voucher_lines (
  tenant_id text COLLATE "C" NOT NULL,
  voucher_id text COLLATE "C" NOT NULL,
  line_no integer NOT NULL,
  account text COLLATE "C" NOT NULL,
  debit numeric NOT NULL,
  credit numeric NOT NULL,
  currency text COLLATE "C" NOT NULL,
  party_id text COLLATE "C",
  PRIMARY KEY (tenant_id, voucher_id, line_no)
);

CREATE TABLE account_balances (
  tenant_id text COLLATE "C" NOT NULL,
  party_id text COLLATE "C" NOT NULL,
  account text COLLATE "C" NOT NULL,
  currency text COLLATE "C" NOT NULL,
  debit numeric NOT NULL,
  credit numeric NOT NULL,
  PRIMARY KEY (tenant_id, party_id, account, currency)
) WITH (fillfactor = 70);

CREATE TABLE outbox (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id text COLLATE "C" NOT NULL,
  id text NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  occurred_at text NOT NULL,
  published_at timestamptz
);
CREATE INDEX outbox_unpublished_idx ON outbox (seq) WHERE published_at IS NULL;

CREATE TABLE idempotency (
  tenant_id text COLLATE "C" NOT NULL,
  key text COLLATE "C" NOT NULL,
  request text NOT NULL,
  response jsonb,
  completed boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key)
);
`;

/**
 * The adapter's migrations, in the order {@link migrate} applies them. Append new ones; never
 * edit an applied one.
 */
const CREDIT_BUCKETS = `
ALTER TABLE credit_accounts RENAME COLUMN customer_id TO account_id;
ALTER TABLE credit_accounts RENAME COLUMN exposure TO orders;
ALTER TABLE credit_accounts ALTER COLUMN credit_limit DROP NOT NULL;
ALTER TABLE credit_accounts
  ADD COLUMN parent_id text COLLATE "C",
  ADD COLUMN temporary numeric NOT NULL DEFAULT 0,
  ADD COLUMN temporary_until text,
  ADD COLUMN deposit numeric NOT NULL DEFAULT 0,
  ADD COLUMN frozen boolean NOT NULL DEFAULT false,
  ADD COLUMN uninvoiced numeric NOT NULL DEFAULT 0 CHECK (uninvoiced >= 0),
  ADD COLUMN receivables numeric NOT NULL DEFAULT 0 CHECK (receivables >= 0);
CREATE INDEX credit_accounts_parent_idx ON credit_accounts (tenant_id, parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE open_items (
  tenant_id text COLLATE "C" NOT NULL,
  item_id text COLLATE "C" NOT NULL,
  account_id text COLLATE "C" NOT NULL,
  source_kind text COLLATE "C" NOT NULL,
  source_id text COLLATE "C" NOT NULL,
  due_date text COLLATE "C" NOT NULL,
  amount numeric NOT NULL,
  residual numeric NOT NULL CHECK (residual >= 0),
  PRIMARY KEY (tenant_id, item_id)
) WITH (fillfactor = 80);
CREATE INDEX open_items_due_idx ON open_items (tenant_id, account_id, due_date) WHERE residual > 0;
CREATE INDEX open_items_source_idx ON open_items (tenant_id, source_kind, source_id);
`;

// Receivable views: "what is due and overdue" walks the tenant's open items in due-date order
// (credit.dueItems without accounts) and stops at its limit.
const RECEIVABLE_VIEWS = `
CREATE INDEX open_items_tenant_due_idx ON open_items (tenant_id, due_date, item_id) WHERE residual > 0;
`;

// Record range keys (RecordQuery.keyAtMost, e.g. the end dates of open contracts): rows stored
// before keys existed get '' — unknown, which every range matches, so a query through the key
// still sees them until they are saved again; new rows carry their key or NULL.
const RECORD_KEYS = `
ALTER TABLE records ADD COLUMN range_key text COLLATE "C" DEFAULT '';
ALTER TABLE records ALTER COLUMN range_key DROP DEFAULT;
CREATE INDEX records_range_key_idx ON records (tenant_id, kind, range_key) WHERE range_key IS NOT NULL;
`;

export const MIGRATIONS: readonly Migration[] = Object.freeze([
  Object.freeze({ id: '0001_initial', sql: INITIAL }),
  Object.freeze({ id: '0002_credit_buckets', sql: CREDIT_BUCKETS }),
  Object.freeze({ id: '0003_receivable_views', sql: RECEIVABLE_VIEWS }),
  Object.freeze({ id: '0004_record_keys', sql: RECORD_KEYS }),
]);

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Validates a schema name against `/^[a-z_][a-z0-9_]{0,62}$/` and returns it double-quoted —
 * the only text ever interpolated into the adapter's SQL.
 *
 * @throws TradecoreBug `INVALID_SCHEMA_NAME`
 */
export function quoteSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new TradecoreBug(
      'INVALID_SCHEMA_NAME',
      `schema name must match ${SCHEMA_NAME.source}, got ${JSON.stringify(schema)}`,
      { schema },
    );
  }
  return `"${schema}"`;
}

/** Class id of the advisory lock migrations take (second key: hash of the schema name). */
const MIGRATION_LOCK_CLASS = 0x7472_6364;

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** Target schema; default `tradecore`. */
  readonly schema?: string;
}

/**
 * Creates the schema and the `tradecore_migrations` table if needed, then applies every
 * migration of {@link MIGRATIONS} not applied yet, each in its own transaction. Idempotent, and
 * safe to call from several processes at once: each transaction first takes
 * `pg_advisory_xact_lock` for the schema, so a migration is never applied twice. Nothing is
 * ANALYZEd (statistics taken on empty tables mislead the planner later).
 *
 * @returns the ids applied by this call (empty when the schema was up to date).
 */
export async function migrate(driver: SqlDriver, options: MigrateOptions = {}): Promise<string[]> {
  const schema = options.schema ?? 'tradecore';
  const q = quoteSchema(schema);
  const lock = 'SELECT pg_advisory_xact_lock($1::integer, hashtext($2::text))';
  const lockParams = [MIGRATION_LOCK_CLASS, schema];
  await driver.transaction(async (ex) => {
    await ex.query(lock, lockParams);
    await ex.exec(
      `CREATE SCHEMA IF NOT EXISTS ${q};
CREATE TABLE IF NOT EXISTS ${q}.tradecore_migrations (
  id text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);`,
    );
  });
  const applied: string[] = [];
  for (const m of MIGRATIONS) {
    await driver.transaction(async (ex) => {
      await ex.query(lock, lockParams);
      const seen = await ex.query(`SELECT 1 AS x FROM ${q}.tradecore_migrations WHERE id = $1`, [
        m.id,
      ]);
      if (seen.rows.length > 0) return;
      await ex.exec(`SET LOCAL search_path TO ${q}`);
      await ex.exec(m.sql);
      await ex.query(`INSERT INTO ${q}.tradecore_migrations (id) VALUES ($1)`, [m.id]);
      applied.push(m.id);
    });
  }
  return applied;
}
