import { createPostgresStore, fromPgPool } from '@tradecore/adapters-postgres';
import { rawOrderWriter, seedRaw } from '../src/raw-sql.js';
import { rawOrderWriter as bigWriter } from './raw-big.js';
import { serverPool } from '../src/server.js';
const pool = (await serverPool(undefined, 4))!;
const driver = fromPgPool(pool, { closePool: false });
const schema = `tc_tmp_${Date.now()}`;
const store = await createPostgresStore({ driver, schema, migrate: true });
await seedRaw(driver, schema, 'r1');
const small = rawOrderWriter(schema), big = bigWriter(schema);
let n = 0;
for (let i = 0; i < 300; i++) { await small(driver, 'r1', n++); await big(driver, 'r1', n++); }
await (store as any).maintain();
const ts = [0, 0];
for (let round = 0; round < 4; round++) {
  let t0 = performance.now(); for (let i = 0; i < 300; i++) await small(driver, 'r1', n++); ts[0] += performance.now() - t0;
  t0 = performance.now(); for (let i = 0; i < 300; i++) await big(driver, 'r1', n++); ts[1] += performance.now() - t0;
}
console.log(`raw small docs ${(ts[0] / 1200).toFixed(2)} ms/order, raw SDK-sized docs ${(ts[1] / 1200).toFixed(2)} ms/order`);
await store.close(); await pool.query(`DROP SCHEMA ${schema} CASCADE`); await pool.end();
