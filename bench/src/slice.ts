/**
 * One fully processed order through the SDK: draft (5 lines) → confirm → deliver → invoice →
 * receipt → write-off. Six commands, six transactions.
 */
import {
  createTradecore,
  FixedClock,
  SequentialIds,
  type StorePort,
  unwrap,
} from '@tradecore/core';

/** Lines per order in every benchmark. */
export const LINES = 5;

/** A seeded tenant ready to take orders. */
export interface SdkBench {
  readonly tc: ReturnType<typeof createTradecore>;
  readonly tenant: string;
}

/**
 * Seeds products P0..P(n-1) (default {@link LINES}) with ample stock, customer HQ with an ample
 * limit, a price list.
 */
export async function seedSdk(
  store: StorePort,
  tenant: string,
  products: number = LINES,
): Promise<SdkBench> {
  const tc = createTradecore({
    store,
    clock: new FixedClock('2026-11-22T08:00:00.000Z'),
    ids: new SequentialIds(`${tenant}:`),
  });
  unwrap(
    await tc.registerCustomer(tenant, {
      id: 'HQ',
      name: 'Head office',
      shipTo: [{ id: 'S', name: 'Dock', address: '-' }],
    }),
  );
  unwrap(await tc.registerWarehouse(tenant, { id: 'W', name: 'Main' }));
  const entries = [];
  for (let i = 0; i < products; i++) {
    unwrap(
      await tc.registerProduct(tenant, {
        id: `P${i}`,
        sku: `P${i}`,
        name: `Product ${i}`,
        stockUnit: 'EA',
        taxRate: i % 2 === 0 ? '0.13' : '0.09',
        standardCost: { amount: `${3 + (i % LINES)}.25`, currency: 'CNY' },
      }),
    );
    unwrap(
      await tc.receiveStock(tenant, {
        productId: `P${i}`,
        warehouseId: 'W',
        quantity: '1000000000',
      }),
    );
    entries.push({
      productId: `P${i}`,
      unit: 'EA',
      unitPrice: { amount: `${9 + (i % LINES)}.99`, currency: 'CNY' },
    });
  }
  unwrap(
    await tc.savePriceList(tenant, {
      id: 'PL',
      name: 'List',
      currency: 'CNY',
      priceIncludesTax: false,
      entries,
    }),
  );
  unwrap(
    await tc.setCreditLimit(tenant, {
      customerId: 'HQ',
      limit: { amount: '1000000000000.00', currency: 'CNY' },
    }),
  );
  return { tc, tenant };
}

/**
 * Runs one order end to end; throws if any step fails. The order has `lines` lines on products
 * P(first) … P(first + lines - 1). `afterEach` runs after each of the six commands.
 */
export async function sdkOrder(
  b: SdkBench,
  i: number,
  lines: number = LINES,
  first = 0,
  afterEach: () => Promise<void> = async () => {},
): Promise<void> {
  const { tc, tenant } = b;
  const orderLines = Array.from({ length: lines }, (_, k) => ({
    productId: `P${first + k}`,
    quantity: String(1 + ((i + k) % 3)),
  }));
  const order = unwrap(
    await tc.draftSalesOrder(tenant, {
      customerId: 'HQ',
      warehouseId: 'W',
      priceListId: 'PL',
      lines: orderLines,
    }),
  );
  await afterEach();
  unwrap(await tc.confirmSalesOrder(tenant, { orderId: order.id }));
  await afterEach();
  unwrap(await tc.deliverSalesOrder(tenant, { orderId: order.id }));
  await afterEach();
  const invoice = unwrap(await tc.invoiceSalesOrder(tenant, { orderId: order.id }));
  await afterEach();
  const amount = { amount: invoice.gross.toFixed(), currency: 'CNY' };
  const receipt = unwrap(await tc.recordReceipt(tenant, { payerId: 'HQ', amount }));
  await afterEach();
  unwrap(await tc.writeOff(tenant, { receiptId: receipt.id, invoiceId: invoice.id, amount }));
  await afterEach();
}

/**
 * The same order as {@link sdkOrder} (lines, payment of exactly the invoice) as ONE quick-sale
 * command: draft → confirm → deliver → invoice → receipt → settlement in one transaction. The
 * gross per quantity pattern is learned from a first sale and reused.
 */
export async function sdkQuickSale(
  b: SdkBench,
  i: number,
  grossByPattern: Map<number, string>,
): Promise<void> {
  const { tc, tenant } = b;
  const lines = Array.from({ length: LINES }, (_, k) => ({
    productId: `P${k}`,
    quantity: String(1 + ((i + k) % 3)),
  }));
  const known = grossByPattern.get(i % 3);
  const sale = unwrap(
    await tc.quickSale(tenant, {
      customerId: 'HQ',
      warehouseId: 'W',
      priceListId: 'PL',
      lines,
      ...(known ? { payment: { amount: { amount: known, currency: 'CNY' } } } : {}),
    }),
  );
  if (!known) grossByPattern.set(i % 3, sale.invoice.gross.toFixed());
  else if (sale.invoice.gross.toFixed() !== known) throw new Error('quick sale: gross drifted');
}
