/**
 * The one small query interface the store runs on, and the two ways to obtain it: from a
 * node-postgres `Pool` ({@link fromPgPool}) or from a PGlite instance ({@link fromPGlite}).
 *
 * Both adapters are written against structural types only, so this package never imports `pg`
 * or `@electric-sql/pglite` at run time: integrators install just the driver they use.
 *
 * @module
 */
import { TradecoreBug } from '@tradecore/core';

/** Transaction isolation level of {@link SqlDriver.transaction}. */
export type IsolationLevel = 'read committed' | 'serializable';

/** Options of {@link SqlExecutor.query}. */
export interface QueryOptions {
  /**
   * A hint that the statement runs often with this exact text: the driver may keep it prepared
   * on each connection, so the server parses and plans it once instead of on every call
   * (node-postgres: a named statement; PGlite ignores it). Leave it off for statements whose
   * best plan depends on the values, such as reports over a whole tenant.
   */
  readonly prepare?: boolean;
}

/**
 * Runs SQL on one connection (or one transaction). Every value travels as a `$n` parameter.
 */
export interface SqlExecutor {
  /**
   * Runs one statement with `$1 … $n` parameters and returns its rows (use `RETURNING` to get
   * rows back from writes; affected-row counts are not part of this interface because the
   * drivers report them differently).
   */
  query<R = Record<string, unknown>>(
    text: string,
    params?: unknown[],
    options?: QueryOptions,
  ): Promise<{ rows: R[] }>;
  /** Runs a parameterless script that may hold several statements (migrations, `VACUUM`). */
  exec(sql: string): Promise<void>;
}

/** Options of {@link SqlDriver.transaction}. */
export interface SqlTransactionOptions {
  /** Isolation level; `read committed` when omitted. */
  readonly isolation?: IsolationLevel;
}

/**
 * A database the store can use: autocommit statements ({@link SqlExecutor}), transactions on
 * one connection, and shutdown.
 */
export interface SqlDriver extends SqlExecutor {
  /** `postgres` for a server reached through node-postgres, `pglite` for PGlite. */
  readonly name: string;
  /**
   * Runs `fn` inside `BEGIN … COMMIT` on one connection. Commits when `fn` resolves; rolls back
   * and rethrows the same error when it rejects.
   */
  transaction<T>(fn: (ex: SqlExecutor) => Promise<T>, options?: SqlTransactionOptions): Promise<T>;
  /** Releases the connections (ends the pool / closes PGlite, unless told not to). */
  close(): Promise<void>;
}

/** The part of a node-postgres `PoolClient` the driver uses (structural; `pg` is not imported). */
export interface PgPoolClientLike {
  /** `client.query(text, values)`, or `client.query({ name, text, values })` for a prepared statement. */
  query(
    text: string | { readonly name: string; readonly text: string; readonly values?: unknown[] },
    values?: unknown[],
  ): Promise<{ rows: unknown[]; command?: string | null }>;
  /** Returns the client to the pool; passing an error makes the pool discard the connection. */
  release(err?: Error | boolean): void;
}

/** The part of a node-postgres `Pool` the driver uses (structural; `pg` is not imported). */
export interface PgPoolLike {
  /** Checks a client out of the pool. */
  connect(): Promise<PgPoolClientLike>;
  /** Ends every connection of the pool. */
  end(): Promise<void>;
}

/** Options of {@link fromPgPool}. */
export interface PgPoolDriverOptions {
  /** End the pool when the driver (the store) is closed. Default `true`. */
  readonly closePool?: boolean;
}

/** The part of a PGlite transaction the driver uses (structural). */
export interface PGliteTransactionLike {
  /** `tx.query(text, params)`. */
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  /** `tx.exec(script)`. */
  exec(sql: string): Promise<unknown>;
}

/** The part of a `PGlite` instance the driver uses (structural; PGlite is not imported). */
export interface PGliteLike extends PGliteTransactionLike {
  /** Runs `callback` in a transaction (PGlite serialises them: it has one connection). */
  transaction<T>(callback: (tx: PGliteTransactionLike) => Promise<T>): Promise<T>;
  /** Shuts the database down. */
  close(): Promise<void>;
}

/** Options of {@link fromPGlite}. */
export interface PGliteDriverOptions {
  /** Close the PGlite instance when the driver (the store) is closed. Default `true`. */
  readonly closeDb?: boolean;
}

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** A server error carries an SQLSTATE `code`; anything else means the connection is suspect. */
function isServerError(e: unknown): boolean {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((e as { code: string }).code)
  );
}

function beginStatement(options: SqlTransactionOptions | undefined): string {
  return options?.isolation === 'serializable' ? 'BEGIN ISOLATION LEVEL SERIALIZABLE' : 'BEGIN';
}

const statementNames = new Map<string, string>();

/**
 * The name a prepared statement gets: derived from its text alone (a 64-bit FNV-1a hash and the
 * length), so every driver and pool in the process names the same text alike and different
 * texts differently — node-postgres refuses one name for two texts on a connection.
 */
export function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    let h = 0xcbf29ce484222325n;
    for (let i = 0; i < text.length; i++) {
      h ^= BigInt(text.charCodeAt(i));
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    }
    name = `tc_${h.toString(36)}_${text.length.toString(36)}`;
    if (statementNames.size < 10_000) statementNames.set(text, name);
  }
  return name;
}

function pgQuery(
  client: PgPoolClientLike,
  text: string,
  params: unknown[] | undefined,
  options: QueryOptions | undefined,
) {
  return options?.prepare && params !== undefined
    ? client.query({ name: statementName(text), text, values: params })
    : client.query(text, params);
}

function clientExecutor(client: PgPoolClientLike): SqlExecutor {
  return {
    query: async <R>(text: string, params?: unknown[], options?: QueryOptions) => {
      const r = await pgQuery(client, text, params, options);
      return { rows: r.rows as R[] };
    },
    exec: async (sql: string) => {
      await client.query(sql);
    },
  };
}

/**
 * Wraps a node-postgres `Pool` (`new pg.Pool({...})`) as a {@link SqlDriver}. Transactions
 * check out one client, run `BEGIN` / `COMMIT` / `ROLLBACK` themselves and release the client;
 * a client whose connection broke is released with the error so the pool discards it.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * const driver = fromPgPool(new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 }));
 * ```
 */
export function fromPgPool(pool: PgPoolLike, options: PgPoolDriverOptions = {}): SqlDriver {
  const closePool = options.closePool ?? true;
  const withClient = async <T>(fn: (client: PgPoolClientLike) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let value: T;
    try {
      value = await fn(client);
    } catch (e) {
      client.release(isServerError(e) ? undefined : toError(e));
      throw e;
    }
    client.release();
    return value;
  };
  return {
    name: 'postgres',
    query: <R>(text: string, params?: unknown[], queryOptions?: QueryOptions) =>
      withClient(async (client) => {
        const r = await pgQuery(client, text, params, queryOptions);
        return { rows: r.rows as R[] };
      }),
    exec: (sql: string) =>
      withClient(async (client) => {
        await client.query(sql);
      }),
    async transaction<T>(
      fn: (ex: SqlExecutor) => Promise<T>,
      txOptions?: SqlTransactionOptions,
    ): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query(beginStatement(txOptions));
      } catch (e) {
        client.release(toError(e));
        throw e;
      }
      let value: T;
      try {
        value = await fn(clientExecutor(client));
        const done = await client.query('COMMIT');
        if (done.command === 'ROLLBACK') {
          // PostgreSQL answers COMMIT of an aborted transaction with ROLLBACK, not an error.
          throw new TradecoreBug(
            'TRANSACTION_ABORTED',
            'the transaction was rolled back instead of committed: a statement in it had failed',
          );
        }
      } catch (e) {
        try {
          await client.query('ROLLBACK');
          client.release();
        } catch (rollbackError) {
          client.release(toError(rollbackError));
        }
        throw e;
      }
      client.release();
      return value;
    },
    async close() {
      if (closePool) await pool.end();
    },
  };
}

function pgliteExecutor(db: PGliteTransactionLike): SqlExecutor {
  return {
    query: async <R>(text: string, params?: unknown[]) => {
      const r = await db.query(text, params);
      return { rows: r.rows as R[] };
    },
    exec: async (sql: string) => {
      await db.exec(sql);
    },
  };
}

/**
 * Wraps a PGlite instance (`new PGlite()` or `new PGlite('./data')`) as a {@link SqlDriver}.
 * PGlite is a single connection, so its transactions are naturally serialised; this driver uses
 * `db.transaction`.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * const driver = fromPGlite(new PGlite('./data/tradecore'));
 * ```
 */
export function fromPGlite(db: PGliteLike, options: PGliteDriverOptions = {}): SqlDriver {
  const closeDb = options.closeDb ?? true;
  const auto = pgliteExecutor(db);
  return {
    name: 'pglite',
    query: auto.query,
    exec: auto.exec,
    transaction<T>(
      fn: (ex: SqlExecutor) => Promise<T>,
      txOptions?: SqlTransactionOptions,
    ): Promise<T> {
      return db.transaction(async (tx) => {
        if (txOptions?.isolation === 'serializable') {
          await tx.query('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE');
        }
        return fn(pgliteExecutor(tx));
      });
    },
    async close() {
      if (closeDb) await db.close();
    },
  };
}
