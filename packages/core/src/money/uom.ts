/**
 * Unit-of-measure conversion.
 *
 * @module
 */

import { TradecoreBug } from '../kernel/errors';
import type { Result } from '../kernel/result';
import { err, ok } from '../kernel/result';
import type { Dec } from './decimal';
import { Quantity } from './quantity';

/**
 * One conversion: 1 `from` = `factor` × `to` (e.g. `{ from: 'BOX', to: 'EA', factor: dec(12) }`).
 * With `productId` it applies to that product only and beats a global conversion.
 */
export interface UomConversion {
  /** Unit converted from. */
  readonly from: string;
  /** Unit converted to. */
  readonly to: string;
  /** How many `to` make one `from`; must be > 0. */
  readonly factor: Dec;
  /** The product this conversion is specific to; absent for a global conversion. */
  readonly productId?: string;
}

/** No conversion between the two units was found (for the product, or globally). */
export interface UomConversionMissingError {
  readonly code: 'UOM_CONVERSION_MISSING';
  readonly message: string;
  /** Unit of the quantity being converted. */
  readonly from: string;
  /** Unit requested. */
  readonly to: string;
  /** The product asked about, when given. */
  readonly productId?: string;
}

function factorOf(c: UomConversion): Dec {
  if (!c.factor.isFinite() || !c.factor.isPositive() || c.factor.isZero()) {
    throw new TradecoreBug(
      'INVALID_UOM_FACTOR',
      `conversion ${c.from}→${c.to} needs a factor > 0`,
      {
        from: c.from,
        to: c.to,
        factor: c.factor.toString(),
      },
    );
  }
  return c.factor;
}

/**
 * Converts `q` to unit `to`.
 *
 * Lookup order: same unit (returned as is); a conversion for `productId` (direct `from → to`,
 * then the inverse `to → from`); a global conversion (no `productId`; direct, then inverse).
 * A direct conversion multiplies by `factor`; an inverse one divides by it, exactly up to the
 * 40 significant digits of {@link Dec} (round the result when the unit needs it). Conversions
 * are **not chained**: `BOX → EA` and `EA → KG` do not give `BOX → KG`; declare it.
 *
 * @returns the converted quantity, or a {@link UomConversionMissingError}.
 * @throws TradecoreBug `INVALID_UOM_FACTOR` when the conversion found has a factor ≤ 0.
 *
 * @example
 * ```ts
 * const box = { from: 'BOX', to: 'EA', factor: dec(12) };
 * convertQuantity(Quantity.of(2, 'BOX'), 'EA', [box]); // ok(24 EA)
 * convertQuantity(Quantity.of(6, 'EA'), 'BOX', [box]); // ok(0.5 BOX)
 * ```
 */
export function convertQuantity(
  q: Quantity,
  to: string,
  conversions: readonly UomConversion[],
  productId?: string,
): Result<Quantity, UomConversionMissingError> {
  if (q.unit === to) return ok(q);
  const scopes: (string | undefined)[] =
    productId === undefined ? [undefined] : [productId, undefined];
  for (const scope of scopes) {
    const inScope = conversions.filter((c) => c.productId === scope);
    const direct = inScope.find((c) => c.from === q.unit && c.to === to);
    if (direct !== undefined) return ok(Quantity.of(q.value.times(factorOf(direct)), to));
    const inverse = inScope.find((c) => c.from === to && c.to === q.unit);
    if (inverse !== undefined) return ok(Quantity.of(q.value.dividedBy(factorOf(inverse)), to));
  }
  const forProduct = productId === undefined ? '' : ` for product ${productId}`;
  return err({
    code: 'UOM_CONVERSION_MISSING',
    message: `no conversion from ${q.unit} to ${to}${forProduct}`,
    from: q.unit,
    to,
    ...(productId === undefined ? {} : { productId }),
  });
}
