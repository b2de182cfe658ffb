/**
 * Money and quantities: exact decimals, ISO 4217 currencies, explicit rounding, allocation,
 * tax amounts, units of measure.
 *
 * @module
 */

export { allocate, allocateEvenly } from './allocate';
export type { Currency } from './currency';
export { CURRENCIES, currency, findCurrency, resolveCurrency } from './currency';
export type { DecimalInput } from './decimal';
export { Dec, dec } from './decimal';
export { Money, sameCurrency } from './money';
export type { Unit } from './quantity';
export { BOX, EA, KG, L, M, Quantity, UNITS } from './quantity';
export type { RoundingMode } from './rounding';
export { ROUNDING_MODES, roundDecimal } from './rounding';
export type {
  DocumentAmounts,
  DocumentAmountsInput,
  DocumentLineInput,
  LineAmounts,
  LineAmountsInput,
  TaxRate,
  TaxRateAmounts,
  TaxRoundingMode,
} from './tax';
export { CN_VAT_0, CN_VAT_6, CN_VAT_9, CN_VAT_13, documentAmounts, lineAmounts } from './tax';
export type { UomConversion, UomConversionMissingError } from './uom';
export { convertQuantity } from './uom';
