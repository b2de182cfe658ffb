/**
 * Scopes and validity: does a rule apply to this customer, product and day, and how specific
 * is it.
 *
 * @module
 */
import type { PricingContext, PricingLine } from './context';
import {
  CUSTOMER_DIMENSIONS,
  type CustomerDimension,
  type IsoDate,
  PRODUCT_DIMENSIONS,
  type PricingScope,
  type ProductDimension,
  type Validity,
} from './model';

/** The context's value of a customer-side dimension. */
export function contextValue(ctx: PricingContext, d: CustomerDimension): string | undefined {
  return ctx[d];
}

/** The line's value of a product-side dimension. */
export function lineValue(line: PricingLine, d: ProductDimension): string | undefined {
  return line[d];
}

/** True when every dimension the scope names equals the context's or the line's value. */
export function scopeMatches(scope: PricingScope, ctx: PricingContext, line: PricingLine): boolean {
  return customerScopeMatches(scope, ctx) && productScopeMatches(scope, line);
}

/** True when every customer-side dimension the scope names matches the context. */
export function customerScopeMatches(scope: PricingScope, ctx: PricingContext): boolean {
  for (const d of CUSTOMER_DIMENSIONS) {
    const v = scope[d];
    if (v !== undefined && v !== ctx[d]) return false;
  }
  return true;
}

/** True when every product-side dimension the scope names matches the line. */
export function productScopeMatches(scope: PricingScope, line: PricingLine): boolean {
  for (const d of PRODUCT_DIMENSIONS) {
    const v = scope[d];
    if (v !== undefined && v !== line[d]) return false;
  }
  return true;
}

/** The most specific customer-side dimension a scope names, or `undefined`. */
export function primaryCustomerDimension(scope: PricingScope): CustomerDimension | undefined {
  return CUSTOMER_DIMENSIONS.find((d) => scope[d] !== undefined);
}

/** The most specific product-side dimension a scope names, or `undefined`. */
export function primaryProductDimension(scope: PricingScope): ProductDimension | undefined {
  return PRODUCT_DIMENSIONS.find((d) => scope[d] !== undefined);
}

/**
 * Specificity of a scope, compared as a number (higher = more specific):
 * `100 × customer rank + 10 × product rank + number of dimensions named`, where the customer
 * rank is 6 for `customerId`, 5 `headOfficeId`, 4 `customerGroup`, 3 `region`, 2 `channel`,
 * 1 `departmentId`, 0 none (the most specific dimension named counts), and the product rank is
 * 3 for `productId`, 2 `productGroup`, 1 `brand`, 0 none. So "who" outranks "what": a rule for
 * one customer beats a rule for one product, and among rules with the same most specific
 * dimensions the one naming more dimensions wins.
 */
export function specificity(scope: PricingScope): number {
  const c = primaryCustomerDimension(scope);
  const p = primaryProductDimension(scope);
  const cRank = c === undefined ? 0 : CUSTOMER_DIMENSIONS.length - CUSTOMER_DIMENSIONS.indexOf(c);
  const pRank = p === undefined ? 0 : PRODUCT_DIMENSIONS.length - PRODUCT_DIMENSIONS.indexOf(p);
  let count = 0;
  for (const d of CUSTOMER_DIMENSIONS) if (scope[d] !== undefined) count++;
  for (const d of PRODUCT_DIMENSIONS) if (scope[d] !== undefined) count++;
  return cRank * 100 + pRank * 10 + count;
}

/** A canonical text of a scope: equal scopes give equal keys. */
export function scopeKey(scope: PricingScope): string {
  return [...CUSTOMER_DIMENSIONS, ...PRODUCT_DIMENSIONS]
    .map((d) => (scope[d] === undefined ? '' : `${d}=${scope[d]}`))
    .filter((s) => s !== '')
    .join('&');
}

/** Lowest possible date, for an open start. */
export const OPEN_START = '0000-01-01';
/** Highest possible date, for an open end. */
export const OPEN_END = '9999-12-31';

/** True when `date` lies within the validity (both ends inclusive). */
export function isValidOn(v: Validity, date: IsoDate): boolean {
  return (v.validFrom ?? OPEN_START) <= date && date <= (v.validTo ?? OPEN_END);
}

/** True when two validities share at least one day. */
export function validityOverlaps(a: Validity, b: Validity): boolean {
  return (
    (a.validFrom ?? OPEN_START) <= (b.validTo ?? OPEN_END) &&
    (b.validFrom ?? OPEN_START) <= (a.validTo ?? OPEN_END)
  );
}

/** Describes a scope for messages, e.g. `customerId=c1, productGroup=pumps` or `everyone`. */
export function describeScope(scope: PricingScope): string {
  const k = scopeKey(scope);
  return k === '' ? 'everyone, every product' : k.replaceAll('&', ', ');
}
