/**
 * `@tradecore/core` — the pure sales-and-distribution domain core: money, the storage port,
 * state machines, and the use cases of the order-to-cash slice.
 *
 * @packageDocumentation
 */
export * from './accounting/voucher';
export type { AmendmentListener } from './app/amend';
export type { Settlement } from './app/cash';
export * from './app/command';
export * from './app/contracts-view';
export * from './app/credit';
export * from './app/hooks';
export * from './app/pricing';
export * from './app/pricing-context';
export * from './app/pricing-order';
export * from './app/pricing-queries';
export * from './app/pricing-runtime';
export * from './app/pricing-store';
export type { QuickSale } from './app/quick-sale';
export * from './app/quote-schemas';
export * from './app/quotes';
export * from './app/quotes-api';
export * from './app/receivables';
export * from './app/schemas';
export * from './app/settlement';
export * from './app/tradecore';
export * from './app/unit-of-work';
export * from './credit';
export * from './events';
export * from './kernel/brand';
export * from './kernel/clock';
export * from './kernel/codec';
export * from './kernel/errors';
export * from './kernel/machine';
export * from './kernel/mutex';
export * from './kernel/result';
export * from './masterdata/types';
export * from './money';
export * from './ports/rates';
export * from './ports/store';
export * from './pricing';
export * from './pricing/price-list';
export * from './runtime';
export * from './sales/documents';
export * from './sales/errors';
export * from './sales/ledger';
export * from './sales/machines';
export * from './sales/policy';
export * from './sales/quote';
export * from './sales/settlement';
export * from './validation';
export * from './views';
