/**
 * zod schemas of the pricing commands and queries. A rejection names the field and the rule:
 * negative prices (`nonnegative`), unknown currencies (`unknown_currency`), break tables out of
 * order (`ascending`), dates in the wrong order (`date_order`), amounts without a currency
 * (`required`).
 *
 * @module
 */
import { z } from 'zod';
import {
  currencyCodeSchema,
  decimalSchema,
  idSchema,
  nameSchema,
  unitPriceSchema,
} from '../validation';

const unitSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,15}$/, 'must be a unit code like EA, BOX or KG');

/** A calendar date `YYYY-MM-DD`. */
export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
      new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      message: 'is not a calendar date',
      params: { rule: 'date' },
    },
  );

const validity = {
  validFrom: isoDateSchema.optional(),
  validTo: isoDateSchema.optional(),
};

function checkValidity(
  v: { validFrom?: string | undefined; validTo?: string | undefined },
  ctx: z.RefinementCtx,
  path: (string | number)[] = [],
): void {
  if (v.validFrom !== undefined && v.validTo !== undefined && v.validFrom > v.validTo) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'validTo'],
      message: `must not be before validFrom ${v.validFrom}`,
      params: { rule: 'date_order' },
    });
  }
}

const price = () => decimalSchema({ sign: 'nonnegative', maxDecimals: 6 });
const percent = () =>
  decimalSchema({ sign: 'nonnegative', maxDecimals: 4 }).refine((d) => d.lessThanOrEqualTo(100), {
    message: 'must be at most 100 (percent)',
    params: { rule: 'percent_range' },
  });

/** Rounding to a number of places with a mode. */
export const unitRoundingSchema = z.object({
  scale: z.number().int().min(0).max(6),
  mode: z.union([z.literal('half-up'), z.literal('half-even'), z.literal('up'), z.literal('down')]),
});

/** A scope: any combination of customer-side and product-side dimensions. */
export const pricingScopeSchema = z
  .object({
    customerId: idSchema.optional(),
    headOfficeId: idSchema.optional(),
    customerGroup: idSchema.optional(),
    region: idSchema.optional(),
    channel: idSchema.optional(),
    departmentId: idSchema.optional(),
    productId: idSchema.optional(),
    productGroup: idSchema.optional(),
    brand: idSchema.optional(),
  })
  .strict();

function tiersOf<T extends z.ZodType>(value: T) {
  return z
    .array(z.object({ from: decimalSchema({ sign: 'nonnegative', maxDecimals: 6 }), value }))
    .min(1, 'needs at least one break')
    .max(50, 'at most 50 breaks')
    .superRefine((tiers, ctx) => {
      for (let i = 1; i < tiers.length; i++) {
        const a = tiers[i - 1];
        const b = tiers[i];
        if (a !== undefined && b !== undefined && !b.from.greaterThan(a.from)) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'from'],
            message: `must be above the previous break ${a.from.toString()} (breaks ascend)`,
            params: { rule: 'ascending' },
          });
        }
      }
    });
}

function valued<T extends string, V extends z.ZodType>(type: T, value: () => V) {
  return z
    .object({
      type: z.literal(type),
      value: value().optional(),
      tiers: tiersOf(value()).optional(),
    })
    .superRefine((e, ctx) => {
      if ((e.value === undefined) === (e.tiers === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['value'],
          message: 'give either value or tiers',
          params: { rule: 'value_or_tiers' },
        });
      }
    });
}

/** What a rule does. */
export const ruleEffectSchema = z.discriminatedUnion('type', [
  valued('fixed-price', price),
  valued('discount-percent', percent),
  valued('discount-amount', price),
  valued('markup-on-cost', () => decimalSchema({ sign: 'nonnegative', maxDecimals: 4 })),
  z.object({
    type: z.literal('formula'),
    priceListId: idSchema,
    multiplier: decimalSchema({ sign: 'nonnegative', maxDecimals: 6 }),
    addend: decimalSchema({ maxDecimals: 6 }).optional(),
  }),
  z.object({
    type: z.literal('free-goods'),
    buy: decimalSchema({ sign: 'positive', maxDecimals: 6 }),
    get: decimalSchema({ sign: 'positive', maxDecimals: 6 }),
    productId: idSchema.optional(),
  }),
]);

const ruleFields = {
  id: idSchema,
  name: nameSchema,
  priority: z.number().int().min(-1000).max(1000).default(0),
  scope: pricingScopeSchema.default({}),
  currency: currencyCodeSchema.optional(),
  unit: unitSchema.optional(),
  priceIncludesTax: z.boolean().default(false),
  breakBasis: z.union([z.literal('quantity'), z.literal('amount')]).default('quantity'),
  breakScope: z.union([z.literal('line'), z.literal('group')]).default('line'),
  active: z.boolean().default(true),
  ...validity,
};

function checkRule(
  v: {
    effect: z.output<typeof ruleEffectSchema>;
    currency?: string | undefined;
    breakBasis: string;
    validFrom?: string | undefined;
    validTo?: string | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  checkValidity(v, ctx);
  const t = v.effect.type;
  const money =
    t === 'fixed-price' ||
    t === 'discount-amount' ||
    v.breakBasis === 'amount' ||
    (t === 'formula' && v.effect.addend !== undefined && !v.effect.addend.isZero());
  if (money && v.currency === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['currency'],
      message: 'is required: the rule has amounts',
      params: { rule: 'required' },
    });
  }
}

/** Input of `savePriceRule`. */
export const priceRuleInput = z
  .object({ ...ruleFields, groupId: idSchema, effect: ruleEffectSchema })
  .superRefine(checkRule);

/** Contract price bounds of an agreement. */
export const priceBoundsSchema = z
  .object({ lower: price().optional(), upper: price().optional() })
  .superRefine((b, ctx) => {
    if (b.lower !== undefined && b.upper !== undefined && b.lower.greaterThan(b.upper)) {
      ctx.addIssue({
        code: 'custom',
        path: ['upper'],
        message: 'must not be below lower',
        params: { rule: 'bounds_order' },
      });
    }
  });

/** Input of `saveAgreement` (协议价): a customer's contract price or discount. */
export const agreementInput = z
  .object({
    ...ruleFields,
    groupId: idSchema.default('agreements'),
    effect: z.discriminatedUnion('type', [
      valued('fixed-price', price),
      valued('discount-percent', percent),
    ]),
    bounds: priceBoundsSchema.optional(),
    contractNo: z.string().min(1).max(64).optional(),
  })
  .superRefine((v, ctx) => {
    checkRule(v, ctx);
    const s = v.scope;
    if (
      s.customerId === undefined &&
      s.headOfficeId === undefined &&
      s.customerGroup === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['scope', 'customerId'],
        message: 'an agreement needs a customer, head office or customer group',
        params: { rule: 'customer_scope' },
      });
    }
    if (s.productId === undefined && s.productGroup === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['scope', 'productId'],
        message: 'an agreement needs a product or product group',
        params: { rule: 'product_scope' },
      });
    }
  });

/** Input of `savePriceRuleGroup`. */
export const priceRuleGroupInput = z.object({
  id: idSchema,
  name: nameSchema,
  policy: z.union([
    z.literal('exclusive'),
    z.literal('best-for-customer'),
    z.literal('additive'),
    z.literal('compound'),
  ]),
  sequence: z.number().int().min(-1000).max(1000),
  round: unitRoundingSchema.optional(),
});

/** Input of `savePriceList`: entries, validity, derivation. */
export const priceListInput = z
  .object({
    id: idSchema,
    name: nameSchema,
    currency: currencyCodeSchema,
    priceIncludesTax: z.boolean(),
    entries: z
      .array(
        z.object({
          productId: idSchema,
          unit: unitSchema,
          unitPrice: unitPriceSchema(),
          ...validity,
        }),
      )
      .max(100_000),
    basedOn: z
      .object({
        priceListId: idSchema,
        percent: decimalSchema({ maxDecimals: 4 }).refine((d) => d.greaterThan(-100), {
          message: 'must be above -100 (a price cannot go below zero)',
          params: { rule: 'percent_range' },
        }),
        amount: decimalSchema({ maxDecimals: 6 }).optional(),
        round: unitRoundingSchema.optional(),
      })
      .optional(),
    convertUnits: z.boolean().optional(),
    ...validity,
  })
  .superRefine((v, ctx) => {
    checkValidity(v, ctx);
    const seen = new Map<
      string,
      { validFrom?: string | undefined; validTo?: string | undefined }[]
    >();
    v.entries.forEach((e, i) => {
      checkValidity(e, ctx, ['entries', i]);
      if (e.unitPrice.currency.code !== v.currency) {
        ctx.addIssue({
          code: 'custom',
          path: ['entries', i, 'unitPrice', 'currency'],
          message: `must be the list currency ${v.currency}`,
          params: { rule: 'currency_mismatch' },
        });
      }
      const k = `${e.productId}/${e.unit}`;
      const others = seen.get(k) ?? [];
      const from = e.validFrom ?? '0000-01-01';
      const to = e.validTo ?? '9999-12-31';
      if (
        others.some(
          (o) => (o.validFrom ?? '0000-01-01') <= to && from <= (o.validTo ?? '9999-12-31'),
        )
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['entries', i],
          message: `duplicate price for ${e.productId} per ${e.unit} on overlapping dates`,
          params: { rule: 'duplicate_entry' },
        });
      }
      seen.set(k, [...others, e]);
    });
  });

/** Input of `savePriceFloor`. */
export const priceFloorInput = z
  .object({
    id: idSchema,
    scope: z
      .object({
        productId: idSchema.optional(),
        productGroup: idSchema.optional(),
        customerGroup: idSchema.optional(),
      })
      .strict(),
    rule: z.discriminatedUnion('type', [
      z.object({
        type: z.literal('price'),
        value: price(),
        currency: currencyCodeSchema,
        unit: unitSchema.optional(),
        priceIncludesTax: z.boolean().default(false),
      }),
      z.object({
        type: z.literal('margin'),
        minMarginPercent: percent().refine((d) => d.lessThan(100), {
          message: 'must be below 100',
          params: { rule: 'percent_range' },
        }),
      }),
    ]),
    active: z.boolean().default(true),
    ...validity,
  })
  .superRefine((v, ctx) => {
    checkValidity(v, ctx);
    const s = v.scope;
    if (
      s.productId === undefined &&
      s.productGroup === undefined &&
      s.customerGroup === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['scope'],
        message: 'needs a product, product group or customer group',
        params: { rule: 'required' },
      });
    }
  });

/** Input of `savePriceBundle`. */
export const priceBundleInput = z
  .object({
    id: idSchema,
    name: nameSchema,
    currency: currencyCodeSchema,
    priceIncludesTax: z.boolean(),
    price: price(),
    components: z
      .array(
        z.object({
          productId: idSchema,
          quantity: decimalSchema({ sign: 'positive', maxDecimals: 6 }),
          unit: unitSchema,
        }),
      )
      .min(1, 'a bundle needs at least one component')
      .max(50, 'at most 50 components'),
    active: z.boolean().default(true),
    ...validity,
  })
  .superRefine((v, ctx) => checkValidity(v, ctx));

/** Input of `approvePriceOverride`. */
export const approvePriceOverrideInput = z.object({
  orderId: idSchema,
  lineNo: z.number().int().min(1),
  approvedBy: idSchema,
  reason: z.string().trim().min(1, 'must not be empty').max(500),
});

/** Input of `explainPrice` and `previewPrices`: an order as it would be drafted. */
export const pricingQueryInput = z.object({
  customerId: idSchema,
  priceListId: idSchema,
  currency: currencyCodeSchema.optional(),
  channel: idSchema.optional(),
  departmentId: idSchema.optional(),
  /** Pricing date; default: today per the clock. */
  date: isoDateSchema.optional(),
  lines: z
    .array(
      z.object({
        productId: idSchema,
        quantity: decimalSchema({ sign: 'positive', maxDecimals: 6 }),
        unit: unitSchema.optional(),
        unitPrice: unitPriceSchema().optional(),
      }),
    )
    .min(1, 'needs at least one line')
    .max(1000, 'at most 1000 lines'),
  /** The line `explainPrice` explains (0-based). */
  lineIndex: z.number().int().min(0).default(0),
});

/** Input of the price-history queries. */
export const priceHistoryInput = z.object({
  /** The customer (sales, quotes) or supplier (purchases); absent = everyone. */
  partyId: idSchema.optional(),
  productId: idSchema,
  limit: z.number().int().min(1).max(100).default(10),
});
