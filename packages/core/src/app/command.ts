/**
 * The command runner: validate → one transaction → idempotency → handler → outbox → commit →
 * publish. Business failures roll the transaction back, so a rejected command changes nothing.
 *
 * @module
 */
import type { z } from 'zod';
import type { DomainEvent, TradecoreBus } from '../events';
import { createBus } from '../events';
import type { TenantId } from '../kernel/brand';
import { canonicalJson, decode, encode } from '../kernel/codec';
import {
  type DuplicateError,
  type IdempotencyConflictError,
  isQueuedWriteError,
  type ValidationError,
  type VersionConflictError,
} from '../kernel/errors';
import { type Err, err, type OkValue, type Result } from '../kernel/result';
import type { StorePort } from '../ports/store';
import { idSchema, parseInput } from '../validation';
import { queuedWriteResult, UnitOfWork, type UnitOfWorkDeps } from './unit-of-work';

/** Options every command accepts. */
export interface CommandOptions {
  /**
   * Idempotency key. The first successful use stores the result; a later call with the same key
   * and the same input returns that result without doing anything; the same key with a
   * different input is an `IDEMPOTENCY_CONFLICT`. A rejected command does not consume its key.
   */
  readonly idempotencyKey?: string;
}

/** Everything the runner needs. */
export interface CommandContext extends UnitOfWorkDeps {
  /** The store. */
  readonly store: StorePort;
  /** The bus events are published on after commit. */
  readonly bus: TradecoreBus;
  /** How often a command is retried after a `VERSION_CONFLICT` (default 5). */
  readonly maxAttempts: number;
  /** Called when a bus subscriber throws; the event still counts as delivered. */
  readonly onSubscriberError: (error: unknown, event: DomainEvent) => void;
  /** When a command relays the outbox after it commits (see {@link RelayMode}). */
  readonly relayMode: RelayMode;
}

/**
 * When a command relays the outbox to the bus after it commits.
 *
 * The outbox is a queue with competing consumers: every entry is handed to exactly one relay,
 * in whichever process runs it, and published on that process's bus only. So a process must not
 * relay unless it subscribes, or it marks entries published that a subscribing process (a worker)
 * was waiting for.
 *
 * - `when-subscribed` (the default on a store with a shared outbox, e.g. PostgreSQL): relay
 *   after a command only if this instance's bus has at least one handler. A process without subscribers (a web node beside a worker) leaves every entry
 *   in the outbox. Entries committed before the first subscription are delivered at the next
 *   relay, so nothing is lost.
 * - `always` (the default on a store only this process reads, i.e. the memory store): relay
 *   after every command, delivering to whoever subscribes at that moment; with no subscriber
 *   the entries are dropped, which keeps the outbox from growing.
 * - `manual`: never relay after a command; call `relayOutbox()` yourself (a worker's loop).
 */
export type RelayMode = 'when-subscribed' | 'always' | 'manual';

/** Whether the bus has at least one handler (of any type, or of `*`). */
export function hasSubscribers(bus: TradecoreBus): boolean {
  for (const handlers of bus.all.values())
    if (handlers !== undefined && handlers.length > 0) return true;
  return false;
}

function relayAfterCommand(ctx: CommandContext): boolean {
  return (
    ctx.relayMode === 'always' || (ctx.relayMode === 'when-subscribed' && hasSubscribers(ctx.bus))
  );
}

class Rollback {
  constructor(readonly result: Result<unknown, unknown>) {}
}

/**
 * A command: `(tenantId, input, options?) → R` plus validation and idempotency errors, and the
 * errors of its writes: `VERSION_CONFLICT` (a record changed under it more often than
 * `maxAttempts` allows) and `DUPLICATE` (an id or number taken).
 */
export type Command<R> = (
  tenantId: string,
  input: unknown,
  options?: CommandOptions,
) => Promise<
  | R
  | Err<ValidationError>
  | Err<IdempotencyConflictError>
  | Err<VersionConflictError>
  | Err<DuplicateError>
>;

/**
 * Defines a command from its name, its input schema and a handler that runs in a unit of
 * work. The handler returns a typed result; any `Err` rolls everything back.
 */
export function defineCommand<S extends z.ZodType, R extends Result<unknown, { code: string }>>(
  ctx: CommandContext,
  name: string,
  schema: S,
  handler: (uow: UnitOfWork, input: z.output<S>) => Promise<R>,
): Command<R> {
  return async (tenantId, input, options = {}) => {
    const tenant = parseInput(idSchema, tenantId, 'tenantId');
    if (!tenant.ok) return tenant;
    const parsed = parseInput(schema, input);
    if (!parsed.ok) return parsed;
    if (options.idempotencyKey !== undefined) {
      const k = parseInput(idSchema, options.idempotencyKey, 'idempotencyKey');
      if (!k.ok) return k;
    }
    const request = options.idempotencyKey === undefined ? '' : canonicalJson(parsed.value);
    const idemKey =
      options.idempotencyKey === undefined ? undefined : `${name}:${options.idempotencyKey}`;

    for (let attempt = 1; ; attempt++) {
      let uow: UnitOfWork | undefined;
      try {
        const result = await ctx.store.transaction(tenant.value as TenantId, async (tx) => {
          uow = undefined; // the store may run this again (a deadlock): nothing from before
          if (idemKey !== undefined) {
            const claim = await tx.idempotency.claim(idemKey, request);
            if (claim.status === 'done') {
              if (claim.request !== request) {
                throw new Rollback(
                  err({
                    code: 'IDEMPOTENCY_CONFLICT',
                    message: `idempotency key ${options.idempotencyKey} was already used for ${name} with a different input`,
                    key: options.idempotencyKey as string,
                  }),
                );
              }
              return { ok: true as const, value: decode<OkValue<R>>(claim.response) } as R;
            }
          }
          uow = new UnitOfWork(tx, ctx);
          let r: R;
          try {
            r = await handler(uow, parsed.value);
          } catch (e) {
            await checkStale(uow);
            throw e;
          }
          if (!r.ok) {
            await checkStale(uow);
            throw new Rollback(r);
          }
          await uow.returnUnusedNumbers();
          await uow.flushEvents();
          if (idemKey !== undefined) await tx.idempotency.complete(idemKey, encode(r.value));
          return r;
        });
        if (relayAfterCommand(ctx)) await relay(ctx);
        return result;
      } catch (e) {
        // A queued write that failed at commit stands for the typed error its call would have
        // returned had it been sent at once.
        const rolledBack =
          e instanceof Rollback
            ? e.result
            : isQueuedWriteError(e)
              ? err(uow?.resultOf(e.failure) ?? queuedWriteResult(e.failure))
              : undefined;
        if (rolledBack === undefined) throw e;
        const error = (rolledBack as { error: { code: string } }).error;
        if (error.code === 'VERSION_CONFLICT' && attempt < ctx.maxAttempts) continue;
        return rolledBack as R;
      }
    }
  };
}

/**
 * Before a command gives up: if it worked from a stale record (see `UnitOfWork.checkStale`),
 * that conflict takes the place of its failure. Any other error of that check is dropped: the
 * command's own failure is what it reports, and the transaction rolls back either way.
 */
async function checkStale(uow: UnitOfWork): Promise<void> {
  try {
    await uow.checkStale();
  } catch (e) {
    if (isQueuedWriteError(e)) throw e;
  }
}

// Large enough that one command's events (one per order line for stock moves) relay in one
// statement even for a few hundred lines, so round trips do not grow with the order's size.
const RELAY_BATCH = 1000;

/** Publishes every committed, unpublished outbox entry on the bus. */
export async function relay(ctx: {
  store: StorePort;
  bus: TradecoreBus;
  onSubscriberError: (error: unknown, event: DomainEvent) => void;
}): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await ctx.store.relayOutbox((m) => {
      const event = {
        id: m.id,
        type: m.type,
        tenantId: m.tenantId,
        occurredAt: m.occurredAt,
        payload: decode(m.payload),
      };
      // The outbox row carries the type as data; the bus is typed per type.
      const emit = ctx.bus.emit as (type: string, event: unknown) => void;
      try {
        emit(m.type, event);
      } catch (e) {
        ctx.onSubscriberError(e, event as DomainEvent);
      }
    }, RELAY_BATCH);
    total += n;
    if (n < RELAY_BATCH) return total;
  }
}

export { createBus };
