/**
 * The PostgreSQL server the benchmarks run against: `DATABASE_URL`, else
 * `postgres@127.0.0.1:5432/test`.
 */
import pg from 'pg';

/**
 * A pool of `max` (default four) connections to the server, or `undefined` (after `onUnreachable`) when it does
 * not answer `SELECT 1`.
 */
export async function serverPool(
  onUnreachable: (error: unknown) => void = () => {},
  max = 4,
): Promise<pg.Pool | undefined> {
  const url = process.env.DATABASE_URL;
  const pool = new pg.Pool(
    url
      ? { connectionString: url, max, connectionTimeoutMillis: 5000 }
      : {
          host: '127.0.0.1',
          port: 5432,
          user: 'postgres',
          database: 'test',
          max,
          connectionTimeoutMillis: 3000,
        },
  );
  try {
    await pool.query('SELECT 1');
    return pool;
  } catch (e) {
    await pool.end().catch(() => {});
    onUnreachable(e);
    return undefined;
  }
}
