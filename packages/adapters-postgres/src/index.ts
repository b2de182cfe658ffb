/**
 * `@tradecore/adapters-postgres` — Tradecore's PostgreSQL storage adapter, on a PostgreSQL
 * server through node-postgres (`pg`) or embedded through PGlite.
 *
 * @packageDocumentation
 */
export {
  fromPGlite,
  fromPgPool,
  type IsolationLevel,
  type PGliteDriverOptions,
  type PGliteLike,
  type PGliteTransactionLike,
  type PgPoolClientLike,
  type PgPoolDriverOptions,
  type PgPoolLike,
  type QueryOptions,
  type SqlDriver,
  type SqlExecutor,
  type SqlTransactionOptions,
} from './driver';
export { MIGRATIONS, type MigrateOptions, type Migration, migrate } from './migrations';
export { createPostgresStore, PostgresStore, type PostgresStoreOptions } from './store';
