/**
 * Finds the PostgreSQL server the tests run against: `DATABASE_URL`, else the machine's local
 * server (127.0.0.1:5432, user postgres, database test). If none answers, the server run is
 * skipped and the tests say so plainly — unless `TRADECORE_REQUIRE_POSTGRES=1` (set by CI), in
 * which case a missing server is a failure.
 */
import pg from 'pg';

/** Whether CI demands the server run. */
export const serverRequired = process.env.TRADECORE_REQUIRE_POSTGRES === '1';

/**
 * Connection settings for a pool on the server. `connectionTimeoutMillis` also bounds how long a
 * caller waits in the pool's queue, so pools that tests flood with hundreds of concurrent
 * transactions pass a long `waitMs`; the probe keeps the short default, to find a missing
 * server fast.
 */
export function serverConfig(max = 10, waitMs?: number): pg.PoolConfig {
  const url = process.env.DATABASE_URL;
  return url
    ? { connectionString: url, max, connectionTimeoutMillis: waitMs ?? 5000 }
    : {
        host: '127.0.0.1',
        port: 5432,
        user: 'postgres',
        database: 'test',
        max,
        connectionTimeoutMillis: waitMs ?? 3000,
      };
}

/** A pool on the server, or `undefined` (after a plain notice) when no server answers. */
export async function serverPool(label: string, max = 10): Promise<pg.Pool | undefined> {
  const pool = new pg.Pool(serverConfig(max));
  try {
    await pool.query('SELECT 1');
    return pool;
  } catch (e) {
    await pool.end().catch(() => {});
    if (serverRequired) {
      throw new Error(
        `[${label}] TRADECORE_REQUIRE_POSTGRES=1 but no PostgreSQL server answered: ${String(e)}`,
      );
    }
    console.warn(
      `\n[${label}] PostgreSQL SERVER RUN SKIPPED: no server answered (${String(e)}). ` +
        'The PGlite run still covers the adapter; set DATABASE_URL to run against a server.\n',
    );
    return undefined;
  }
}

/** A unique schema name for one test file's run. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}`;
}
