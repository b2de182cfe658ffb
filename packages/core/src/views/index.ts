/**
 * Read models over the store: receivable aging and its roll-up to head offices.
 *
 * @module
 */
export * from './aging';
