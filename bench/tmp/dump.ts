import { createMemoryStore } from '@tradecore/adapters-memory';
import { seedSdk, sdkOrder } from '../src/slice.js';
const store = await createMemoryStore();
const b = await seedSdk(store, 't1');
await sdkOrder(b, 0);
const s = (store as any).state;
for (const [k, v] of s.records) { const j = JSON.stringify(v.data); if (!/Customer|Product|Warehouse|PriceList/i.test(k)) console.log(k, j.length); }
const ord = [...s.records].find(([k]) => /order/i.test(k) && !/book/i.test(k));
console.log(JSON.stringify(ord[1].data, null, 1).slice(0, 9000));
