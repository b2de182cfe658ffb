import { createPostgresStore, fromPgPool, type SqlDriver, type SqlExecutor } from '@tradecore/adapters-postgres';
import { seedSdk, sdkQuickSale, sdkOrder } from '../src/slice.js';
import { serverPool } from '../src/server.js';
const N = Number(process.env.N ?? 800);
const six = process.env.SIX === '1';
const pool = (await serverPool(undefined, 4))!;
const inner = fromPgPool(pool, { closePool: false });
const tally = new Map<string, [number, number]>();
let on = false;
const label = (t: string) => { const s = t.replace(/\s+/g, ' ').replace(/"tc_tmp_\d+"\./g, ''); return s.slice(0, 70); };
const time = async <T>(k: string, p: () => Promise<T>) => { if (!on) return p(); const t0 = performance.now(); try { return await p(); } finally { const e = tally.get(k) ?? [0, 0]; e[0]++; e[1] += performance.now() - t0; tally.set(k, e); } };
const wrap = (ex: SqlExecutor): SqlExecutor => ({
  query: (text, params, options) => time(label(text), () => ex.query(text, params, options)),
  exec: (sql) => time('EXEC ' + sql.slice(0, 30), () => ex.exec(sql)),
});
const driver: SqlDriver = { name: inner.name, ...wrap(inner), transaction: (fn, o) => inner.transaction((ex) => fn(wrap(ex)), o), close: () => inner.close() };
const schema = `tc_tmp_${Date.now()}`;
const store = await createPostgresStore({ driver, schema, migrate: true });
const b = await seedSdk(store, 't1');
const g = new Map<number, string>();
const run = (i: number) => six ? sdkOrder(b, i) : sdkQuickSale(b, i, g);
for (let i = 0; i < 300; i++) await run(i);
await (store as any).maintain();
on = true;
const t0 = performance.now();
for (let i = 300; i < 300 + N; i++) await run(i);
const total = performance.now() - t0;
let q = 0;
for (const [, [, ms]] of tally) q += ms;
console.log(`${six ? 'six' : 'quick'}: ${(total / N).toFixed(2)} ms/order; in queries ${(q / N).toFixed(2)} ms; outside ${((total - q) / N).toFixed(2)} ms`);
for (const [k, [n, ms]] of [...tally].sort((a, b) => b[1][1] - a[1][1])) console.log(`${(ms / N).toFixed(3)} ms  ${(n / N).toFixed(1)}x  ${k}`);
await store.close();
await pool.query(`DROP SCHEMA ${schema} CASCADE`); await pool.end();
