/**
 * Master data for slice tests, with prices whose arithmetic is exact in cents so a plain model
 * can predict every amount: P1 10.00 + 13 % VAT = 11.30 per unit; P2 2.50 + 6 % VAT = 2.65.
 */
import {
  createTradecore,
  FixedClock,
  SequentialIds,
  type StorePort,
  type TradecoreOptions,
  unwrap,
} from '@tradecore/core';

/** Gross per unit in cents, per product. */
export const GROSS_CENTS: Record<'P1' | 'P2', bigint> = { P1: 1130n, P2: 265n };
/** Standard cost per unit in cents. */
export const COST_CENTS: Record<'P1' | 'P2', bigint> = { P1: 600n, P2: 100n };

/** A Tradecore over `store` with a fixed clock and deterministic ids (prefixed by `tenant`). */
export function tradecoreFor(
  store: StorePort,
  tenant: string,
  extra: Partial<TradecoreOptions> = {},
) {
  return createTradecore({
    store,
    clock: new FixedClock('2026-11-22T08:00:00.000Z'),
    ids: new SequentialIds(`${tenant}:`),
    onSubscriberError: (e) => {
      throw e;
    },
    ...extra,
  });
}

/** Options of {@link seedSlice}. */
export interface SeedOptions {
  /** Credit limit of the bill-to party HQ, e.g. `'1000.00'`. */
  readonly limit: string;
  /** On-hand of P1 and P2 in warehouse W. */
  readonly stock: { readonly P1: number; readonly P2: number };
}

/**
 * Seeds: customer HQ (bill-to of itself) and SUB (billed to HQ, ship-to S1), warehouse W,
 * products P1 and P2 (EA, integral), price list PL (CNY, net prices), HQ's credit limit, stock.
 */
export async function seedSlice(
  tc: ReturnType<typeof createTradecore>,
  tenant: string,
  o: SeedOptions,
) {
  unwrap(
    await tc.registerCustomer(tenant, {
      id: 'HQ',
      name: 'Head office',
      shipTo: [{ id: 'H1', name: 'HQ dock', address: 'A' }],
    }),
  );
  unwrap(
    await tc.registerCustomer(tenant, {
      id: 'SUB',
      name: 'Subsidiary',
      billToId: 'HQ',
      shipTo: [{ id: 'S1', name: 'Terminal 1', address: 'B' }],
    }),
  );
  unwrap(await tc.registerWarehouse(tenant, { id: 'W', name: 'Main' }));
  unwrap(
    await tc.registerProduct(tenant, {
      id: 'P1',
      sku: 'P1',
      name: 'Product one',
      stockUnit: 'EA',
      taxRate: '0.13',
      standardCost: { amount: '6.00', currency: 'CNY' },
      conversions: [{ from: 'BOX', to: 'EA', factor: '10' }],
    }),
  );
  unwrap(
    await tc.registerProduct(tenant, {
      id: 'P2',
      sku: 'P2',
      name: 'Product two',
      stockUnit: 'EA',
      taxRate: '0.06',
      standardCost: { amount: '1.00', currency: 'CNY' },
    }),
  );
  unwrap(
    await tc.savePriceList(tenant, {
      id: 'PL',
      name: 'List',
      currency: 'CNY',
      priceIncludesTax: false,
      entries: [
        { productId: 'P1', unit: 'EA', unitPrice: { amount: '10.00', currency: 'CNY' } },
        { productId: 'P2', unit: 'EA', unitPrice: { amount: '2.50', currency: 'CNY' } },
      ],
    }),
  );
  unwrap(
    await tc.setCreditLimit(tenant, {
      customerId: 'HQ',
      limit: { amount: o.limit, currency: 'CNY' },
    }),
  );
  if (o.stock.P1 > 0)
    unwrap(
      await tc.receiveStock(tenant, {
        productId: 'P1',
        warehouseId: 'W',
        quantity: String(o.stock.P1),
      }),
    );
  if (o.stock.P2 > 0)
    unwrap(
      await tc.receiveStock(tenant, {
        productId: 'P2',
        warehouseId: 'W',
        quantity: String(o.stock.P2),
      }),
    );
}

/** Formats cents as a decimal string. */
export function cents(x: bigint): string {
  const neg = x < 0n;
  const a = neg ? -x : x;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}
