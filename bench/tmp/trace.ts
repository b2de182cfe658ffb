import { createPostgresStore, fromPgPool, type SqlDriver, type SqlExecutor } from '@tradecore/adapters-postgres';
import { seedSdk, sdkQuickSale, sdkOrder } from '../src/slice.js';
import { serverPool } from '../src/server.js';
const pool = (await serverPool(undefined, 4))!;
const inner = fromPgPool(pool, { closePool: false });
let log: string[] | null = null;
const wrap = (ex: SqlExecutor): SqlExecutor => ({
  query: (text, params, options) => { log?.push(text.replace(/\s+/g, ' ').slice(0, 110)); return ex.query(text, params, options); },
  exec: (sql) => { log?.push('EXEC ' + sql.slice(0, 60)); return ex.exec(sql); },
});
const driver: SqlDriver = { name: inner.name, ...wrap(inner), transaction: (fn, o) => { log?.push('BEGIN'); return inner.transaction((ex) => fn(wrap(ex)), o).finally(() => log?.push('COMMIT')); }, close: () => inner.close() };
const schema = `tc_tmp_${Date.now()}`;
const store = await createPostgresStore({ driver, schema, migrate: true });
const b = await seedSdk(store, 't1');
const g = new Map<number, string>();
for (let i = 0; i < 5; i++) { await sdkQuickSale(b, i, g); await sdkOrder(b, i); }
log = [];
await sdkQuickSale(b, 10, g);
console.log('QUICK SALE', log.length); console.log(log.join('\n'));
log = [];
await sdkOrder(b, 10);
console.log('\nSIX', log.length); console.log(log.join('\n'));
await store.close();
await pool.query(`DROP SCHEMA ${schema} CASCADE`); await pool.end();
