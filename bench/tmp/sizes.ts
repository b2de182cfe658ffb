import { createPostgresStore, fromPgPool } from '@tradecore/adapters-postgres';
import { seedSdk, sdkQuickSale } from '../src/slice.js';
import { serverPool } from '../src/server.js';
const pool = (await serverPool(undefined, 4))!;
const schema = `tc_tmp_${Date.now()}`;
const store = await createPostgresStore({ driver: fromPgPool(pool, { closePool: false }), schema, migrate: true });
const b = await seedSdk(store, 't1');
const g = new Map<number, string>();
await sdkQuickSale(b, 0, g);
await pool.query(`DELETE FROM ${schema}.outbox`);
await sdkQuickSale(b, 1, g);
console.log((await pool.query(`SELECT count(*), sum(length(payload::text)) AS bytes, string_agg(DISTINCT type, ',') FROM ${schema}.outbox`)).rows);
const recs = await pool.query(`SELECT kind, length(data::text) AS n, data::text AS d FROM ${schema}.records WHERE kind IN ('sales-order','delivery','invoice','receipt','write-off','settlement') ORDER BY kind, id DESC`);
const seen = new Set(); const out: Record<string, unknown> = {};
for (const r of recs.rows) if (!seen.has(r.kind)) { seen.add(r.kind); console.log(r.kind, r.n); out[r.kind] = JSON.parse(r.d); }
const ev = await pool.query(`SELECT type, payload::text AS p FROM ${schema}.outbox ORDER BY id`);
(await import('node:fs')).writeFileSync('tmp/sample-docs.json', JSON.stringify({ docs: out, events: ev.rows.map((r) => ({ type: r.type, payload: JSON.parse(r.p) })) }, null, 1));
await store.close(); await pool.query(`DROP SCHEMA ${schema} CASCADE`); await pool.end();
