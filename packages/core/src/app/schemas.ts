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
  customerGroup: idSchema.optional(),
  region: idSchema.optional(),
  channel: idSchema.optional(),
  /** Must be an existing customer other than itself. */
  headOfficeId: idSchema.optional(),
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
  productGroup: idSchema.optional(),
  brand: idSchema.optional(),
});

/** Input of `registerWarehouse`. */
export const registerWarehouseInput = z.object({ id: idSchema, name: nameSchema });

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
  /** Order currency (default: the price list's; other currencies need a rate). */
  currency: currencyCodeSchema.optional(),
  /** Sales channel (default: the customer's), a pricing scope. */
  channel: idSchema.optional(),
  /** Selling department or store, a pricing scope. */
  departmentId: idSchema.optional(),
  lines: z
    .array(
      z.object({
        /** A product id, or a bundle id (then the quantity is in whole sets). */
        productId: idSchema,
        quantity: decimalSchema({ sign: 'positive', maxDecimals: 6 }),
        unit: unitSchema.optional(),
        /** A price typed by hand, in the order currency (checked against floors at confirm). */
        unitPrice: unitPriceSchema().optional(),
        /** Warehouse of the line (default: the order's). */
        warehouseId: idSchema.optional(),
        /** Ship-to party of the line (default: the order's) — a distributor's terminal customer. */
        shipToId: idSchema.optional(),
      }),
    )
    .min(1, 'an order needs at least one line')
    .max(1000, 'at most 1000 lines per order'),
  /** Integrators' own fields. */
  customFields: z.lazy(() => customFieldsSchema).optional(),
  /** Contract end date. */
  validUntil: z.lazy(() => dateSchema).optional(),
});

/** Custom fields: up to 50 JSON primitives under identifier keys. */
export const customFieldsSchema = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be an identifier'),
    z.union([z.string().max(2000), z.number().finite(), z.boolean(), z.null()]),
  )
  .refine((r) => Object.keys(r).length <= 50, {
    message: 'at most 50 custom fields',
    params: { rule: 'max_fields' },
  });

/** Input of commands that act on one sales order. */
export const orderRefInput = z.object({ orderId: idSchema });

/** Input of `recordReceipt`. */
export const recordReceiptInput = z.object({
  payerId: idSchema,
  amount: moneySchema({ sign: 'positive' }),
  reference: z.string().max(100).default(''),
  /** The order an advance (预收款) is received for. */
  orderId: idSchema.optional(),
});

/** Input of `writeOff`. */
export const writeOffInput = z.object({
  receiptId: idSchema,
  invoiceId: idSchema,
  amount: moneySchema({ sign: 'positive' }),
});

// ---- credit ----

const instantSchema = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'must be an ISO-8601 instant like 2026-12-31T00:00:00Z',
    params: { rule: 'instant' },
  })
  .transform((s) => new Date(Date.parse(s)).toISOString());

/** A calendar date `YYYY-MM-DD`. */
export const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
      new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      message: 'must be a real calendar date',
      params: { rule: 'date' },
    },
  );

const bucketSchema = z.union([
  z.literal('orders'),
  z.literal('uninvoiced'),
  z.literal('receivables'),
]);

const checkpointSchema = z.object({
  mode: z.union([z.literal('block'), z.literal('warn'), z.literal('off')]),
  counted: z.array(bucketSchema).min(1, 'count at least one bucket'),
});

/** Input of `defineCreditGroup`. */
export const defineCreditGroupInput = z.object({
  groupId: idSchema,
  limit: moneySchema({ sign: 'nonnegative' }),
  parentGroupId: idSchema.optional(),
});

/** Input of `assignCreditGroup`: `groupId: null` takes the customer out of its group. */
export const assignCreditGroupInput = z.object({
  customerId: idSchema,
  groupId: idSchema.nullable(),
  /** The customer's own sub-limit inside the group; `null` for none; omitted keeps the current one. */
  subLimit: moneySchema({ sign: 'nonnegative' }).nullable().optional(),
});

/** Input of `grantTemporaryCredit`. */
export const grantTemporaryCreditInput = z.object({
  accountId: idSchema,
  amount: moneySchema({ sign: 'positive' }),
  until: instantSchema,
});

/** Input of `recordCreditDeposit` (negative to take a deposit back). */
export const creditDepositInput = z.object({
  accountId: idSchema,
  amount: moneySchema().refine((m) => !m.isZero(), {
    message: 'must not be zero',
    params: { rule: 'nonzero' },
    path: ['amount'],
  }),
});

/** Input of `freezeCredit`. */
export const freezeCreditInput = z.object({
  accountId: idSchema,
  frozen: z.boolean(),
  reason: z.string().trim().min(1, 'give a reason').max(500),
});

/** Input of `setCreditPolicy`; omitted parts keep the defaults. */
export const setCreditPolicyInput = z
  .object({
    confirm: checkpointSchema,
    delivery: checkpointSchema,
    invoice: checkpointSchema,
    onBlockedConfirm: z.union([z.literal('reject'), z.literal('hold')]),
    overdueDays: z.number().int().min(0).max(3650).nullable(),
    warnAtUtilization: decimalSchema({ sign: 'positive', maxDecimals: 4 })
      .refine((d) => d.lessThanOrEqualTo(1), {
        message: 'must be at most 1',
        params: { rule: 'utilization_range' },
      })
      .nullable(),
    approvers: z.array(idSchema).max(1000),
    paymentTermsDays: z.number().int().min(0).max(3650),
  })
  .partial();

/** Input of `releaseCreditHold`. */
export const releaseCreditHoldInput = z.object({
  orderId: idSchema,
  approverId: idSchema,
  reason: z.string().trim().min(1, 'give a reason').max(500),
});

const installmentsSchema = z
  .array(
    z.object({
      dueDate: dateSchema,
      share: decimalSchema({ sign: 'positive', maxDecimals: 6 }),
    }),
  )
  .min(1)
  .max(120);

/** Input of `invoiceSalesOrder`: installments (分期) or a due date; default: the policy's payment terms. */
export const invoiceOrderInput = z
  .object({
    orderId: idSchema,
    dueDate: dateSchema.optional(),
    installments: z
      .array(
        z.object({
          dueDate: dateSchema,
          share: decimalSchema({ sign: 'positive', maxDecimals: 6 }),
        }),
      )
      .min(1)
      .max(120)
      .optional(),
  })
  .superRefine(checkSchedule);

function checkSchedule(
  v: {
    dueDate?: string | undefined;
    installments?: z.output<typeof installmentsSchema> | undefined;
  },
  ctx: z.RefinementCtx,
) {
  if (v.installments && v.dueDate) {
    ctx.addIssue({
      code: 'custom',
      path: ['dueDate'],
      message: 'give a due date or installments, not both',
      params: { rule: 'exclusive' },
    });
  }
  if (v.installments) {
    const sum = v.installments.reduce(
      (s, i) => s.plus(i.share),
      v.installments[0]!.share.minus(v.installments[0]!.share),
    );
    if (!sum.equals(1)) {
      ctx.addIssue({
        code: 'custom',
        path: ['installments'],
        message: `shares must sum to 1, got ${sum}`,
        params: { rule: 'shares_sum' },
      });
    }
    v.installments.forEach((inst, i) => {
      const prev = v.installments?.[i - 1];
      if (prev && prev.dueDate > inst.dueDate) {
        ctx.addIssue({
          code: 'custom',
          path: ['installments', i, 'dueDate'],
          message: 'due dates must not go back in time',
          params: { rule: 'ordered' },
        });
      }
    });
  }
}

const lineQty = decimalSchema({ sign: 'positive', maxDecimals: 6 });
const reasonSchema = z.string().trim().min(1, 'give a reason').max(500);

/** Input of `invoice`: orders, deliveries or explicit lines (at least one), and the schedule. */
export const invoiceInput = z
  .object({
    orderIds: z.array(idSchema).min(1).max(500).optional(),
    deliveryIds: z.array(idSchema).min(1).max(500).optional(),
    lines: z
      .array(
        z.object({ orderId: idSchema, lineNo: z.number().int().positive(), quantity: lineQty }),
      )
      .min(1)
      .max(5000)
      .optional(),
    dueDate: dateSchema.optional(),
    installments: installmentsSchema.optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.orderIds && !v.deliveryIds && !v.lines) {
      ctx.addIssue({
        code: 'custom',
        path: ['orderIds'],
        message: 'give orderIds, deliveryIds or lines',
        params: { rule: 'required' },
      });
    }
    checkSchedule(v, ctx);
  });

/** Input of `deliverSalesOrder`: everything left for one ship-to party, or given lines. */
export const deliverInput = z.object({
  orderId: idSchema,
  shipToId: idSchema.optional(),
  lines: z
    .array(
      z.object({
        lineNo: z.number().int().positive(),
        quantity: lineQty,
        /** Ship from this warehouse instead of the line's. */
        warehouseId: idSchema.optional(),
      }),
    )
    .min(1)
    .max(1000)
    .optional(),
});

/** Input of `returnGoods`. */
export const returnGoodsInput = z.object({
  deliveryId: idSchema,
  lines: z
    .array(z.object({ deliveryLineNo: z.number().int().positive(), quantity: lineQty }))
    .min(1)
    .max(1000),
  reason: reasonSchema,
  responsibility: z.union([
    z.literal('customer'),
    z.literal('company'),
    z.literal('carrier'),
    z.literal('supplier'),
  ]),
  /** Put the goods into this warehouse (default: the one they left). */
  warehouseId: idSchema.optional(),
});

/**
 * Input of `issueCreditNote`: given invoice lines, or a return's quantities, or the whole
 * invoice; on an installment invoice (which bills money, not quantities) an `amount` instead of
 * lines — by default what the return left to credit, or all that is left on the invoice.
 */
export const creditNoteInput = z
  .object({
    invoiceId: idSchema,
    returnId: idSchema.optional(),
    lines: z
      .array(z.object({ invoiceLineNo: z.number().int().positive(), quantity: lineQty }))
      .min(1)
      .max(5000)
      .optional(),
    /** Gross to credit (installment invoices only). */
    amount: moneySchema({ sign: 'positive' }).optional(),
    reason: reasonSchema,
  })
  .refine((v) => v.lines === undefined || v.amount === undefined, {
    message: 'give either lines or amount, not both',
    path: ['amount'],
    params: { rule: 'exclusive' },
  });

/** Input of `settle`: receipts against invoices, many to many, with an optional small difference. */
export const settleInput = z.object({
  receipts: z
    .array(z.object({ receiptId: idSchema, amount: moneySchema({ sign: 'positive' }) }))
    .max(500),
  invoices: z
    .array(z.object({ invoiceId: idSchema, amount: moneySchema({ sign: 'positive' }) }))
    .min(1)
    .max(500),
  difference: z
    .object({ amount: moneySchema({ sign: 'positive' }), reason: reasonSchema })
    .optional(),
});

/** Input of `refundReceipt`. */
export const refundInput = z.object({
  receiptId: idSchema,
  amount: moneySchema({ sign: 'positive' }),
  reference: z.string().max(100).default(''),
});

/** Input of `reviewSalesOrder`. */
export const reviewSalesOrderInput = z.object({
  orderId: idSchema,
  step: idSchema,
  reviewerId: idSchema,
  approved: z.boolean(),
  note: z.string().max(1000).default(''),
});

/** Input of `approveSalesOrder`. */
export const approveSalesOrderInput = z.object({
  orderId: idSchema,
  approverId: idSchema,
  note: z.string().max(1000).default(''),
});

/** Input of `transitionSalesOrder` (an integrator's own event). */
export const transitionOrderInput = z.object({ orderId: idSchema, event: idSchema });

/** Input of `setSalesPolicy`. */
export const setSalesPolicyInput = z.object({
  invoicePolicy: z.union([z.literal('delivery'), z.literal('order')]).default('delivery'),
  overDeliveryTolerance: decimalSchema({ sign: 'nonnegative', maxDecimals: 4 }).refine(
    (d) => d.lessThanOrEqualTo(1),
    { message: 'must be at most 1 (100 %)', params: { rule: 'max' } },
  ),
  smallDifferenceLimit: decimalSchema({ sign: 'nonnegative', maxDecimals: 4 }),
  reviewSteps: z.array(idSchema).max(20).default([]),
});

/** Input of `amendSalesOrder` (改补单). */
export const amendSalesOrderInput = z.object({
  orderId: idSchema,
  reason: reasonSchema,
  amendedBy: idSchema,
  /** Changed quantities of existing lines (and, with `reprice`, their prices from today's book). */
  changes: z
    .array(
      z.object({
        lineNo: z.number().int().positive(),
        quantity: lineQty,
        /** Price the line again from today's book (only if nothing of it was invoiced). */
        reprice: z.boolean().default(false),
      }),
    )
    .max(1000)
    .default([]),
  /** New lines, priced from today's book. */
  add: z
    .array(
      z.object({
        productId: idSchema,
        quantity: lineQty,
        unit: unitSchema.optional(),
        unitPrice: unitPriceSchema().optional(),
        warehouseId: idSchema.optional(),
        shipToId: idSchema.optional(),
      }),
    )
    .max(1000)
    .default([]),
  /** Lines to drop (only lines with nothing delivered or invoiced). */
  remove: z.array(z.number().int().positive()).max(1000).default([]),
  customFields: customFieldsSchema.optional(),
  validUntil: dateSchema.optional(),
});

/** Input of `quickSale` (销售开单): order, delivery, invoice and receipt in one atomic command. */
export const quickSaleInput = z.object({
  customerId: idSchema,
  shipToId: idSchema.optional(),
  warehouseId: idSchema,
  priceListId: idSchema,
  taxRounding: z.union([z.literal('line'), z.literal('document')]).default('line'),
  lines: z
    .array(
      z.object({
        productId: idSchema,
        quantity: lineQty,
        unit: unitSchema.optional(),
        unitPrice: unitPriceSchema().optional(),
      }),
    )
    .min(1, 'a sale needs at least one line')
    .max(1000),
  /** Money taken at the counter (default: none — the invoice stays open). */
  payment: z
    .object({
      amount: moneySchema({ sign: 'positive' }),
      reference: z.string().max(100).default(''),
    })
    .optional(),
});

export * from './pricing-schemas';
