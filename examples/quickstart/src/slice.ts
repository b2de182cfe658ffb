/**
 * The first order-to-cash slice, told as a story: set up master data, sell, deliver, invoice,
 * get paid, write the receipt off — and print what happened at each step.
 */
import {
  type AccountBalance,
  createTradecore,
  FixedClock,
  invoiceResidual,
  invoiceStatus,
  type Result,
  SequentialIds,
  type StorePort,
  unwrap,
} from '@tradecore/core';

const T = 'demo-tenant';

/** Runs the slice on `store`, writing a readable account through `print`. Returns the key figures. */
export async function runQuickstart(store: StorePort, print: (line: string) => void) {
  const tc = createTradecore({
    store,
    clock: new FixedClock('2026-11-22T09:00:00.000Z'),
    ids: new SequentialIds(),
  });
  const transitions: string[] = [];
  tc.events.on('document.transitioned', (e) => {
    const p = e.payload;
    transitions.push(`${p.kind} ${p.number ?? p.id}: ${p.from ?? '∅'} —${p.event}→ ${p.to}`);
  });
  const must = <T>(r: Result<T, { code: string; message: string }>): T => unwrap(r);

  // --- master data ---
  must(
    await tc.registerCustomer(T, {
      id: 'hq-east',
      name: '华东总经销 East China Distribution HQ',
      shipTo: [{ id: 'hq-dock', name: 'HQ dock', address: 'Shanghai' }],
    }),
  );
  must(
    await tc.registerCustomer(T, {
      id: 'store-hz',
      name: '杭州门店 Hangzhou terminal',
      billToId: 'hq-east',
      shipTo: [{ id: 'hz-shop', name: 'Hangzhou shop', address: 'Hangzhou, Xihu district' }],
    }),
  );
  must(await tc.registerWarehouse(T, { id: 'wh-sh', name: 'Shanghai central warehouse' }));
  must(
    await tc.registerProduct(T, {
      id: 'pump-a',
      sku: 'PUMP-A',
      name: 'Water pump A',
      stockUnit: 'EA',
      conversions: [{ from: 'BOX', to: 'EA', factor: '12' }],
      taxRate: '0.13',
      standardCost: { amount: '180.00', currency: 'CNY' },
    }),
  );
  must(
    await tc.registerProduct(T, {
      id: 'valve-b',
      sku: 'VALVE-B',
      name: 'Valve B',
      stockUnit: 'EA',
      taxRate: '0.13',
      standardCost: { amount: '12.40', currency: 'CNY' },
    }),
  );
  must(
    await tc.savePriceList(T, {
      id: 'dealer-2026',
      name: 'Dealer prices 2026',
      currency: 'CNY',
      priceIncludesTax: false,
      entries: [
        { productId: 'pump-a', unit: 'EA', unitPrice: { amount: '268.00', currency: 'CNY' } },
        { productId: 'pump-a', unit: 'BOX', unitPrice: { amount: '3100.00', currency: 'CNY' } },
        { productId: 'valve-b', unit: 'EA', unitPrice: { amount: '19.90', currency: 'CNY' } },
      ],
    }),
  );
  must(
    await tc.setCreditLimit(T, {
      customerId: 'hq-east',
      limit: { amount: '50000.00', currency: 'CNY' },
    }),
  );
  must(
    await tc.receiveStock(T, {
      productId: 'pump-a',
      warehouseId: 'wh-sh',
      quantity: '100',
      reference: 'opening',
    }),
  );
  must(
    await tc.receiveStock(T, {
      productId: 'valve-b',
      warehouseId: 'wh-sh',
      quantity: '500',
      reference: 'opening',
    }),
  );

  const stockLine = async (label: string) => {
    const a = must(await tc.stockLevel(T, 'pump-a', 'wh-sh'))!;
    const b = must(await tc.stockLevel(T, 'valve-b', 'wh-sh'))!;
    print(
      `  ${label.padEnd(8)} pump-a on hand ${a.onHand}, reserved ${a.reserved} | valve-b on hand ${b.onHand}, reserved ${b.reserved}`,
    );
    return { pump: a, valve: b };
  };

  print('Tradecore quickstart — one order, end to end, on the embedded memory store');
  print('');
  print('Stock');
  const before = await stockLine('before');

  // --- the order ---
  const draft = must(
    await tc.draftSalesOrder(T, {
      customerId: 'store-hz',
      warehouseId: 'wh-sh',
      priceListId: 'dealer-2026',
      lines: [
        { productId: 'pump-a', quantity: '2', unit: 'BOX' },
        { productId: 'pump-a', quantity: '3' },
        { productId: 'valve-b', quantity: '40' },
      ],
    }),
  );
  const order = must(await tc.confirmSalesOrder(T, { orderId: draft.id }));
  const after = await stockLine('after');
  print('');
  print(
    `Sales order ${order.number} — sold to store-hz, ship to ${order.shipToId}, bill to ${order.billToId}`,
  );
  for (const l of order.lines) {
    print(
      `  ${String(l.lineNo).padStart(2)}. ${l.productId.padEnd(8)} ${l.quantity.toString().padStart(7)} × ${l.unitPrice.toFixed().padStart(8)}  net ${l.net.toFixed().padStart(9)}  VAT ${l.tax.toFixed().padStart(8)}  gross ${l.gross.toFixed().padStart(9)}`,
    );
  }
  print(`  total net ${order.net}, VAT ${order.tax}, gross ${order.gross}`);
  const creditAfterConfirm = must(await tc.creditAccount(T, 'hq-east'))!;
  print(
    `  credit of hq-east: limit ${creditAfterConfirm.limit}, exposure ${creditAfterConfirm.exposure}, available ${creditAfterConfirm.available}`,
  );

  // --- an order that does not fit ---
  const big = must(
    await tc.draftSalesOrder(T, {
      customerId: 'store-hz',
      warehouseId: 'wh-sh',
      priceListId: 'dealer-2026',
      lines: [{ productId: 'pump-a', quantity: '90' }],
    }),
  );
  const refused = await tc.confirmSalesOrder(T, { orderId: big.id });
  if (!refused.ok)
    print(
      `  a second order ${big.number} for 90 pumps was refused: ${refused.error.code} — ${refused.error.message}`,
    );

  // --- deliver, invoice, pay, write off ---
  const delivery = must(await tc.deliverSalesOrder(T, { orderId: order.id }));
  const invoice = must(await tc.invoiceSalesOrder(T, { orderId: order.id }));
  const receipt = must(
    await tc.recordReceipt(T, {
      payerId: 'hq-east',
      amount: { amount: invoice.gross.toFixed(), currency: 'CNY' },
      reference: 'bank transfer 8841',
    }),
  );
  const wo = must(
    await tc.writeOff(T, {
      receiptId: receipt.id,
      invoiceId: invoice.id,
      amount: { amount: invoice.gross.toFixed(), currency: 'CNY' },
    }),
  );
  const finalStock = await stockLine('shipped');
  print('');
  print(`Delivery ${delivery.number} to ${delivery.shipToId}: cost of goods ${delivery.totalCost}`);
  print(
    `Invoice ${invoice.number} to ${invoice.billToId}: net ${invoice.net} + VAT ${invoice.tax} = ${invoice.gross}`,
  );
  print(
    `Receipt ${receipt.number} from ${receipt.payerId}: ${receipt.amount}; written off by ${wo.number}`,
  );
  const inv = must(await tc.getInvoice(T, invoice.id))!;
  const so = must(await tc.getSalesOrder(T, order.id))!;
  const credit = must(await tc.creditAccount(T, 'hq-east'))!;
  print(
    `  invoice ${inv.number} is ${invoiceStatus(inv)}, residual ${invoiceResidual(inv)}; order ${so.number} is ${so.status}`,
  );
  print(
    `  receivable of hq-east: ${await receivable(tc, 'hq-east')}; credit exposure ${credit.exposure}, available ${credit.available}`,
  );

  print('');
  print('Journal (trial balance)');
  const tb = must(await tc.trialBalance(T));
  printBalances(tb, print);

  print('');
  print('Transitions');
  for (const t of transitions) print(`  ${t}`);
  return { before, after, finalStock, order, invoice, trialBalance: tb, transitions, refused };
}

async function receivable(tc: ReturnType<typeof createTradecore>, party: string) {
  const rows = unwrap(await tc.trialBalance(T, party));
  const ar = rows.find((r) => r.account === '1122');
  return ar ? `${ar.debit.minus(ar.credit).toFixed(2)} ${ar.currency}` : '0.00';
}

function printBalances(rows: AccountBalance[], print: (l: string) => void) {
  const names: Record<string, string> = {
    '1002': 'Bank',
    '1122': 'Accounts receivable',
    '1405': 'Inventory',
    '2202': 'Goods received clearing',
    '2203': 'Customer advances',
    '222101': 'Output VAT',
    '6001': 'Revenue',
    '6401': 'Cost of goods sold',
  };
  let d = 0n;
  let c = 0n;
  for (const r of rows) {
    print(
      `  ${r.account.padEnd(7)} ${(names[r.account] ?? '').padEnd(24)} Dr ${r.debit.toFixed(2).padStart(10)}  Cr ${r.credit.toFixed(2).padStart(10)}`,
    );
    d += BigInt(r.debit.times(100).toFixed(0));
    c += BigInt(r.credit.times(100).toFixed(0));
  }
  const fmt = (x: bigint) => `${x / 100n}.${String(x % 100n).padStart(2, '0')}`;
  print(
    `  ${'total'.padEnd(32)} Dr ${fmt(d).padStart(10)}  Cr ${fmt(c).padStart(10)}  ${d === c ? '(balanced)' : '(NOT BALANCED)'}`,
  );
}
