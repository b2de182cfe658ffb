/**
 * Master-data use cases: customers, products, warehouses, price lists, credit limits, stock
 * receipts.
 *
 * @module
 */

import type { z } from 'zod';
import type { CustomerId, ProductId, ShipToId, WarehouseId } from '../kernel/brand';
import type { NotFoundError, ValidationError } from '../kernel/errors';
import { err, ok, type Result } from '../kernel/result';
import type { Customer, Product, Warehouse } from '../masterdata/types';
import { MASTERDATA_KINDS } from '../masterdata/types';
import { Quantity } from '../money/quantity';
import type { StockLevel } from '../ports/store';
import type {
  receiveStockInput,
  registerCustomerInput,
  registerProductInput,
  registerWarehouseInput,
} from './schemas';
import type { UnitOfWork } from './unit-of-work';

/** Upserts a record: creates it, or replaces it keeping its version check. */
async function upsert(uow: UnitOfWork, kind: string, value: { id: string }) {
  const existing = await uow.load(kind, value.id);
  if (existing === undefined) await uow.create(kind, value);
  else await uow.save(kind, value);
  uow.emit('masterdata.saved', {
    kind,
    id: value.id,
    change: existing === undefined ? 'created' : 'updated',
  });
  return ok(value);
}

/** The attributes among `keys` that `input` sets (optional master-data fields). */
function optionalAttributes<T extends object, K extends keyof T>(input: T, keys: readonly K[]) {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (input[k] !== undefined) out[k] = input[k];
  return out;
}

/**
 * Creates or updates a customer. A `billToId` or `headOfficeId` other than itself must exist;
 * a head office equal to the customer itself is dropped (it is its own head office).
 */
export async function registerCustomer(
  uow: UnitOfWork,
  input: z.output<typeof registerCustomerInput>,
) {
  const billToId = (input.billToId ?? input.id) as CustomerId;
  if (billToId !== input.id) {
    const billTo = await uow.require<Customer>(MASTERDATA_KINDS.customer, billToId, 'billToId');
    if (!billTo.ok) return billTo;
  }
  if (input.headOfficeId !== undefined && input.headOfficeId !== input.id) {
    const ho = await uow.require<Customer>(
      MASTERDATA_KINDS.customer,
      input.headOfficeId,
      'headOfficeId',
    );
    if (!ho.ok) return ho;
  }
  const customer: Customer = {
    id: input.id as CustomerId,
    tenantId: uow.tenantId,
    name: input.name,
    billToId,
    shipTo: input.shipTo.map((s) => ({ ...s, id: s.id as ShipToId })),
    ...optionalAttributes(input, ['customerGroup', 'region', 'channel']),
    ...(input.headOfficeId === undefined || input.headOfficeId === input.id
      ? {}
      : { headOfficeId: input.headOfficeId as CustomerId }),
  };
  return upsert(uow, MASTERDATA_KINDS.customer, customer);
}

/** Creates or updates a product. Its standard cost must be in a currency; conversions go to its stock unit. */
export async function registerProduct(
  uow: UnitOfWork,
  input: z.output<typeof registerProductInput>,
) {
  const bad = input.conversions.findIndex((c) => c.to !== input.stockUnit);
  if (bad >= 0) {
    const path = `conversions.${bad}.to`;
    return err<ValidationError>({
      code: 'VALIDATION_FAILED',
      message: `${path}: must convert to the stock unit ${input.stockUnit} [stock_unit]`,
      issues: [
        { path, rule: 'stock_unit', message: `${path}: must be the stock unit ${input.stockUnit}` },
      ],
    });
  }
  const product: Product = {
    id: input.id as ProductId,
    tenantId: uow.tenantId,
    sku: input.sku,
    name: input.name,
    stockUnit: input.stockUnit,
    integral: input.integral,
    conversions: input.conversions,
    taxRate: input.taxRate,
    standardCost: input.standardCost,
    ...optionalAttributes(input, ['productGroup', 'brand']),
  };
  return upsert(uow, MASTERDATA_KINDS.product, product);
}

/** Creates or updates a warehouse. */
export async function registerWarehouse(
  uow: UnitOfWork,
  input: z.output<typeof registerWarehouseInput>,
) {
  const w: Warehouse = { id: input.id as WarehouseId, tenantId: uow.tenantId, name: input.name };
  return upsert(uow, MASTERDATA_KINDS.warehouse, w);
}

/** Receives goods into a warehouse (on-hand += qty) and posts Dr inventory / Cr GR clearing at standard cost. */
export async function receiveStock(
  uow: UnitOfWork,
  input: z.output<typeof receiveStockInput>,
): Promise<Result<StockLevel, NotFoundError | ValidationError>> {
  const p = await uow.require<Product>(MASTERDATA_KINDS.product, input.productId, 'productId');
  if (!p.ok) return p;
  const w = await uow.require<Warehouse>(
    MASTERDATA_KINDS.warehouse,
    input.warehouseId,
    'warehouseId',
  );
  if (!w.ok) return w;
  const product = p.value;
  if (product.integral && !input.quantity.isInteger()) {
    return err<ValidationError>({
      code: 'VALIDATION_FAILED',
      message: `quantity: ${product.id} is counted in whole ${product.stockUnit} [integral]`,
      issues: [
        {
          path: 'quantity',
          rule: 'integral',
          message: `quantity: must be a whole number of ${product.stockUnit}`,
        },
      ],
    });
  }
  const level = await uow.tx.stock.adjust(product.id, input.warehouseId, input.quantity);
  const receiptId = uow.newId('stock-receipt');
  uow.emit('stock.changed', {
    productId: product.id,
    warehouseId: input.warehouseId,
    change: 'received',
    quantity: Quantity.of(input.quantity, product.stockUnit),
    sourceKind: 'stock-receipt',
    sourceId: receiptId,
  });
  const value = product.standardCost.multiply(input.quantity).round('half-up');
  if (!value.isZero()) {
    await uow.postVoucher('stock-receipt', receiptId, `stock receipt ${input.reference}`.trim(), [
      { account: uow.accounts.inventory, debit: value },
      { account: uow.accounts.goodsReceivedClearing, credit: value },
    ]);
  }
  return ok(level);
}
