/**
 * The tenant's sales policy: how orders are invoiced, how much over-delivery is tolerated, how
 * large a payment difference may be written off, and which review steps precede confirmation.
 *
 * @module
 */
import { Dec } from '../money/decimal';

/** Invoice by what was delivered (the default) or by what was ordered (billing ahead). */
export type InvoicePolicy = 'delivery' | 'order';

/** A tenant's sales policy. */
export interface SalesPolicy {
  /** What an invoice may bill: delivered − invoiced (`delivery`) or ordered − invoiced (`order`). */
  readonly invoicePolicy: InvoicePolicy;
  /** Over-delivery tolerance as a fraction of the ordered quantity (0.05 = 5 %). */
  readonly overDeliveryTolerance: Dec;
  /** The largest short payment a settlement may write off as a difference, in document currency units. */
  readonly smallDifferenceLimit: Dec;
  /** Review steps every order must pass before confirmation (e.g. `drawing` 图审, `price` 审价). */
  readonly reviewSteps: readonly string[];
}

/** Invoice by delivery, no over-delivery, differences up to 1.00, no review steps. */
export const DEFAULT_SALES_POLICY: SalesPolicy = {
  invoicePolicy: 'delivery',
  overDeliveryTolerance: new Dec(0),
  smallDifferenceLimit: new Dec(1),
  reviewSteps: [],
};

/** Review steps of `reviewSteps` whose latest review did not pass. */
export function pendingReviews(
  steps: readonly string[],
  reviews: readonly { readonly step: string; readonly approved: boolean }[],
): string[] {
  return steps.filter((s) => {
    const last = [...reviews].reverse().find((r) => r.step === s);
    return !last?.approved;
  });
}
