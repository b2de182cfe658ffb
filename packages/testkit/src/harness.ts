/**
 * What an adapter's test file hands to the conformance suite, and helpers the suites share.
 */
import { randomUUID } from 'node:crypto';
import { Dec, type StorePort, type TenantId } from '@tradecore/core';

/** An adapter under test. */
export interface StoreHarness {
  /** Name shown in test titles, e.g. `memory`, `pglite`, `postgres (server)`. */
  readonly name: string;
  /** Opens a store (migrated and empty or not — every test uses fresh tenant ids). */
  open(): Promise<StorePort>;
  /** Closes what `open` returned (default: `store.close()`). */
  close?(store: StorePort): Promise<void>;
  /**
   * Scale of the heavy tests: 1 runs them at full size (the default); lower it only with a
   * comment saying why.
   */
  readonly scale?: number;
}

const run = randomUUID().slice(0, 8);
let counter = 0;

/** A tenant id never used before in this process or any earlier run. */
export function freshTenant(label: string): TenantId {
  counter += 1;
  return `${label}-${run}-${counter}` as TenantId;
}

/** Shorthand for a decimal. */
export const d = (v: string | number) => new Dec(v);

const ROLLBACK = Symbol('rollback');

/** Runs `work` in a transaction and rolls it back, returning what `work` returned. */
export async function peek<T>(
  store: StorePort,
  tenant: TenantId,
  work: Parameters<StorePort['transaction']>[1],
): Promise<T> {
  let value: T | undefined;
  try {
    await store.transaction(tenant, async (tx) => {
      value = (await work(tx)) as T;
      throw ROLLBACK;
    });
  } catch (e) {
    if (e !== ROLLBACK) throw e;
  }
  return value as T;
}

/** Runs `items` through `fn` with all calls started at once. */
export function all<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  return Promise.all(items.map((x, i) => fn(x, i)));
}

/** A small deterministic PRNG (mulberry32) so concurrent tests are reproducible from a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Tx = Parameters<Parameters<StorePort['transaction']>[1]>[0];

/** Creates a credit account or changes its limit (and parent), keeping its exposure. */
export async function openAccount(
  tx: Tx,
  id: string,
  currency: string,
  limit: Dec | null,
  parentId: string | null = null,
) {
  const cur = await tx.credit.account(id);
  const saved = await tx.credit.save({
    accountId: id,
    parentId,
    currency,
    limit,
    temporary: cur?.temporary ?? new Dec(0),
    temporaryUntil: cur?.temporaryUntil ?? null,
    deposit: cur?.deposit ?? new Dec(0),
    frozen: cur?.frozen ?? false,
  });
  if (saved === 'open-exposure') throw new Error(`openAccount: ${id} has open exposure`);
  return saved;
}

/** A checked confirmation-like step (CNY): new exposure into `orders`, every bucket counted. */
export function reserveCredit(
  tx: Tx,
  accountId: string,
  amount: Dec,
  asOf = '2026-11-22T00:00:00.000Z',
) {
  return tx.credit.change({
    accountId,
    currency: 'CNY',
    amount,
    from: null,
    to: 'orders',
    check: { counted: ['orders', 'uninvoiced', 'receivables'], asOf },
  });
}

/** An unchecked release of `orders` exposure (CNY). */
export function releaseCredit(tx: Tx, accountId: string, amount: Dec) {
  return tx.credit.change({
    accountId,
    currency: 'CNY',
    amount,
    from: 'orders',
    to: null,
    check: null,
  });
}

/** Σ buckets of an account. */
export function exposureOf(a: { orders: Dec; uninvoiced: Dec; receivables: Dec } | undefined): Dec {
  return a ? a.orders.plus(a.uninvoiced).plus(a.receivables) : new Dec(0);
}
