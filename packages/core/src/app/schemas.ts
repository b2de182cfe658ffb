/**
 * zod schemas of every command input of the first order-to-cash slice.
 *
 * @module
 */
import { z } from 'zod';
import {
  currencyCodeSchema,
  decimalSchema,
  idSchema,
  moneySchema,
  nameSchema,
  taxRateSchema,
  unitPriceSchema,
} from '../validation';

const unitSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,15}$/, 'must be a unit code like EA, BOX or KG');

/** Input of `registerCustomer`. */
export const registerCustomerInput = z.object({
  id: idSchema,
  name: nameSchema,
  /** Defaults to the customer itself. */
  billToId: idSchema.optional(),
  shipTo: z
    .array(z.object({ id: idSchema, name: nameSchema, address: z.string().max(500) }))
    .min(1, 'needs at least one ship-to party'),
});

/** Input of `registerProduct`. */
export const registerProductInput = z.object({
  id: idSchema,
  sku: z.string().min(1).max(64),
  name: nameSchema,
  stockUnit: unitSchema,
  integral: z.boolean().default(true),
  conversions: z
    .array(
      z.object({
        from: unitSchema,
        to: unitSchema,
        factor: decimalSchema({ sign: 'positive', maxDecimals: 9 }),
      }),
    )
    .default([]),
  taxRate: taxRateSchema,
  standardCost: moneySchema({ sign: 'nonnegative' }),
});

/** Input of `registerWarehouse`. */
export const registerWarehouseInput = z.object({ id: idSchema, name: nameSchema });

/** Input of `savePriceList`. */
export const savePriceListInput = z
  .object({
    id: idSchema,
    name: nameSchema,
    currency: currencyCodeSchema,
    priceIncludesTax: z.boolean(),
    entries: z.array(
      z.object({ productId: idSchema, unit: unitSchema, unitPrice: unitPriceSchema() }),
    ),
  })
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    v.entries.forEach((e, i) => {
      if (e.unitPrice.currency.code !== v.currency) {
        ctx.addIssue({
          code: 'custom',
          path: ['entries', i, 'unitPrice', 'currency'],
          message: `must be the list currency ${v.currency}`,
          params: { rule: 'currency_mismatch' },
        });
      }
      const k = `${e.productId}/${e.unit}`;
      if (seen.has(k)) {
        ctx.addIssue({
          code: 'custom',
          path: ['entries', i],
          message: `duplicate price for ${e.productId} per ${e.unit}`,
          params: { rule: 'duplicate_entry' },
        });
      }
      seen.add(k);
    });
  });

/** Input of `receiveStock`. */
export const receiveStockInput = z.object({
  productId: idSchema,
  warehouseId: idSchema,
  quantity: decimalSchema({ sign: 'positive', maxDecimals: 6 }),
  reference: z.string().max(100).default(''),
});

/** Input of `setCreditLimit`. */
export const setCreditLimitInput = z.object({
  customerId: idSchema,
  limit: moneySchema({ sign: 'nonnegative' }),
});

/** Input of `draftSalesOrder`. */
export const draftSalesOrderInput = z.object({
  customerId: idSchema,
  shipToId: idSchema.optional(),
  warehouseId: idSchema,
  priceListId: idSchema,
  taxRounding: z.union([z.literal('line'), z.literal('document')]).default('line'),
  lines: z
    .array(
      z.object({
        productId: idSchema,
        quantity: decimalSchema({ sign: 'positive', maxDecimals: 6 }),
        unit: unitSchema.optional(),
      }),
    )
    .min(1, 'an order needs at least one line')
    .max(1000, 'at most 1000 lines per order'),
});

/** Input of commands that act on one sales order. */
export const orderRefInput = z.object({ orderId: idSchema });

/** Input of `recordReceipt`. */
export const recordReceiptInput = z.object({
  payerId: idSchema,
  amount: moneySchema({ sign: 'positive' }),
  reference: z.string().max(100).default(''),
});

/** Input of `writeOff`. */
export const writeOffInput = z.object({
  receiptId: idSchema,
  invoiceId: idSchema,
  amount: moneySchema({ sign: 'positive' }),
});
