/**
 * Read models over the store: receivable aging and its roll-up to head offices; contract
 * execution and contracts about to expire.
 *
 * @module
 */
export * from './aging';
export * from './contracts';
