import { createMemoryStore } from '@tradecore/adapters-memory';
import { createTradecore, FixedClock, SequentialIds, unwrap } from '@tradecore/core';
const { seedSdk, sdkOrder } = await import('../src/slice.ts');
const store = await createMemoryStore();
const b = await seedSdk(store, 't1');
await sdkOrder(b, 0);
const s = store.state;
const { decode } = await import('@tradecore/core');
for (const [k, v] of s.records) {
  if (!/sales-order|invoice|delivery/.test(k)) continue;
  const d = v.data;
  console.log(k, 'data fast', %HasFastProperties(d), 'line fast', d.lines ? %HasFastProperties(d.lines[0]) : '-');
}
const o = unwrap(await b.tc.draftSalesOrder('t1', { customerId: 'HQ', warehouseId: 'W', priceListId: 'PL', lines: [{ productId: 'P0', quantity: '1' }] }));
console.log('order fast', %HasFastProperties(o), 'line', %HasFastProperties(o.lines[0]), Object.keys(o).length, Object.keys(o.lines[0]).length);
