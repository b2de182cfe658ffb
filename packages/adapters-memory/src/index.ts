/**
 * `@tradecore/adapters-memory` — the embedded default storage adapter.
 *
 * @packageDocumentation
 */
export { createMemoryStore, MemoryStore, type MemoryStoreOptions } from './store';
