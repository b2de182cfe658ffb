import { createPostgresStore, fromPgPool, type SqlDriver, type SqlExecutor } from '@tradecore/adapters-postgres';
import { seedSdk, sdkQuickSale } from '../src/slice.js';
import { serverPool } from '../src/server.js';
const pool = (await serverPool(undefined, 4))!;
const inner = fromPgPool(pool, { closePool: false });
let log: string[] | null = null;
const wrap = (ex: SqlExecutor): SqlExecutor => ({
  query: (text, params, options) => { if (log && /unnest\(\$2::text\[\], \$3::text\[\]\) WITH ORDINA/.test(text)) log.push(JSON.stringify(params?.slice(1))); else if (log) log.push(text.replace(/\s+/g,' ').slice(0,50)); return ex.query(text, params, options); },
  exec: (sql) => ex.exec(sql),
});
const driver: SqlDriver = { name: inner.name, ...wrap(inner), transaction: (fn, o) => inner.transaction((ex) => fn(wrap(ex)), o), close: () => inner.close() };
const schema = `tc_tmp_${Date.now()}`;
const store = await createPostgresStore({ driver, schema, migrate: true });
const b = await seedSdk(store, 't1');
const g = new Map<number, string>();
for (let i = 0; i < 3; i++) await sdkQuickSale(b, i, g);
log = [];
await sdkQuickSale(b, 10, g);
console.log(log.join('\n'));
await store.close(); await pool.query(`DROP SCHEMA ${schema} CASCADE`); await pool.end();
