/**
 * `@tradecore/core` — the pure sales-and-distribution domain core: money, the storage port,
 * state machines, and the use cases of the order-to-cash slice.
 *
 * @packageDocumentation
 */
export * from './accounting/voucher';
export * from './app/command';
export * from './app/credit';
export * from './app/pricing';
export * from './app/pricing-context';
export * from './app/pricing-order';
export * from './app/pricing-queries';
export * from './app/pricing-runtime';
export * from './app/pricing-store';
export * from './app/schemas';
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
export * from './sales/machines';
export * from './sales/order';
export * from './validation';
