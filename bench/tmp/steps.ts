import { createMemoryStore } from '@tradecore/adapters-memory';
import { unwrap } from '@tradecore/core';
import { seedSdk } from '../src/slice.js';
const N = Number(process.env.N ?? 3000);
const store = await createMemoryStore();
const b = await seedSdk(store, 't1');
const { tc, tenant } = b;
const t = [0, 0, 0, 0, 0, 0];
async function one(i: number, rec: boolean) {
  let s = performance.now();
  const lap = (k: number) => { const n = performance.now(); if (rec) t[k] += n - s; s = n; };
  const lines = Array.from({ length: 5 }, (_, k) => ({ productId: `P${k}`, quantity: String(1 + ((i + k) % 3)) }));
  const order = unwrap(await tc.draftSalesOrder(tenant, { customerId: 'HQ', warehouseId: 'W', priceListId: 'PL', lines })); lap(0);
  unwrap(await tc.confirmSalesOrder(tenant, { orderId: order.id })); lap(1);
  unwrap(await tc.deliverSalesOrder(tenant, { orderId: order.id })); lap(2);
  const invoice = unwrap(await tc.invoiceSalesOrder(tenant, { orderId: order.id })); lap(3);
  const amount = { amount: invoice.gross.toFixed(), currency: 'CNY' };
  const receipt = unwrap(await tc.recordReceipt(tenant, { payerId: 'HQ', amount })); lap(4);
  unwrap(await tc.writeOff(tenant, { receiptId: receipt.id, invoiceId: invoice.id, amount })); lap(5);
}
for (let i = 0; i < 300; i++) await one(i, false);
for (let i = 300; i < 300 + N; i++) await one(i, true);
const names = ['draft', 'confirm', 'deliver', 'invoice', 'receipt', 'writeOff'];
console.log(names.map((n, k) => `${n} ${(t[k] / N * 1000).toFixed(0)}µs`).join('  '), ` total ${(t.reduce((a, b) => a + b) / N * 1000).toFixed(0)}µs`);
