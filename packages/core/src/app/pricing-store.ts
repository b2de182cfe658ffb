/**
 * How pricing data is stored: versioned records of a few kinds, plus one per-tenant
 * "book version" record that every pricing write bumps in the same transaction. The version
 * record keeps the last changes, so a process holding an older book patches it with just the
 * changed records instead of recompiling.
 *
 * @module
 */
import { decode } from '../kernel/codec';
import type { VersionConflictError } from '../kernel/errors';
import { err, ok, type Result } from '../kernel/result';
import type { Transaction } from '../ports/store';
import type { PricingChange, PricingData } from '../pricing';
import type { UnitOfWork } from './unit-of-work';

/** Store kinds of pricing data. */
export const PRICING_KINDS = {
  priceList: 'price-list',
  group: 'price-rule-group',
  rule: 'price-rule',
  floor: 'price-floor',
  bundle: 'price-bundle',
  override: 'price-override',
  version: 'pricing-version',
} as const;

/** A pricing-data kind that changes the price book. */
export type BookKind = PricingChange['kind'];

/** Id of the per-tenant version record. */
export const BOOK_VERSION_ID = 'book';

/** How many changes the version record remembers (older caches recompile). */
export const CHANGE_LOG_SIZE = 200;

/** The per-tenant book version record. */
export interface BookVersion {
  /** Always {@link BOOK_VERSION_ID}. */
  readonly id: string;
  /** Bumped by every pricing write. */
  readonly version: number;
  /** The last changes, oldest first: version, kind, id. */
  readonly changes: readonly { readonly v: number; readonly kind: BookKind; readonly id: string }[];
}

/** Reads the version record (version 0 when pricing was never written). */
export async function readBookVersion(tx: Transaction): Promise<BookVersion> {
  const r = await tx.records.get(PRICING_KINDS.version, BOOK_VERSION_ID);
  return r === undefined
    ? { id: BOOK_VERSION_ID, version: 0, changes: [] }
    : decode<BookVersion>(r.data);
}

/**
 * Bumps the tenant's book version for a change of (`kind`, `id`), in the caller's unit of
 * work, and announces it with `masterdata.saved`. Concurrent pricing writes conflict on this
 * record and are retried by the command runner, so versions never skip or repeat.
 */
export async function bumpBookVersion(
  uow: UnitOfWork,
  kind: BookKind,
  id: string,
  change: 'created' | 'updated',
): Promise<Result<number, VersionConflictError>> {
  const cur = await uow.load<BookVersion>(PRICING_KINDS.version, BOOK_VERSION_ID);
  const version = (cur?.version ?? 0) + 1;
  const next: BookVersion = {
    id: BOOK_VERSION_ID,
    version,
    changes: [...(cur?.changes ?? []), { v: version, kind, id }].slice(-CHANGE_LOG_SIZE),
  };
  if (cur === undefined) {
    const c = await uow.tryCreate(PRICING_KINDS.version, next);
    if (!c.ok) {
      // Another writer created it first: retry like any optimistic conflict.
      return err({
        code: 'VERSION_CONFLICT',
        message: 'pricing book version was created concurrently',
        kind: PRICING_KINDS.version,
        id: BOOK_VERSION_ID,
        expectedVersion: 0,
      });
    }
  } else {
    await uow.save(PRICING_KINDS.version, next);
  }
  uow.emit('masterdata.saved', { kind, id, change });
  return ok(version);
}

/** Loads every pricing record of the tenant. */
export async function loadPricingData(tx: Transaction): Promise<PricingData> {
  const all = async <T>(kind: string) =>
    (await tx.records.find({ kind })).map((r) => decode<T>(r.data));
  return {
    priceLists: await all(PRICING_KINDS.priceList),
    groups: await all(PRICING_KINDS.group),
    rules: await all(PRICING_KINDS.rule),
    floors: await all(PRICING_KINDS.floor),
    bundles: await all(PRICING_KINDS.bundle),
  };
}

/** Loads the current state of each changed record (deduplicated), as book changes. */
export async function loadChanges(
  tx: Transaction,
  changes: readonly { readonly kind: BookKind; readonly id: string }[],
): Promise<PricingChange[]> {
  const seen = new Set<string>();
  const out: PricingChange[] = [];
  for (const c of changes) {
    const k = `${c.kind}/${c.id}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const r = await tx.records.get(c.kind, c.id);
    out.push({
      kind: c.kind,
      id: c.id,
      value: r === undefined ? undefined : decode(r.data),
    } as PricingChange);
  }
  return out;
}
