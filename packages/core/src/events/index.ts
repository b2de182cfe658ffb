/**
 * The typed domain-event map and the in-process bus (mitt). Events are written to the outbox
 * inside the transaction that caused them and published on the bus after it commits, exactly
 * once; a rolled-back transaction publishes none.
 *
 * @module
 */
import mitt, { type Emitter } from 'mitt';
import type { TenantId } from '../kernel/brand';
import type { Money } from '../money/money';
import type { Quantity } from '../money/quantity';
import type { CreditBucket } from '../ports/store';

/** Payload of every document state change. */
export interface DocumentTransitioned {
  /** Document kind, e.g. `sales-order`, `invoice`. */
  readonly kind: string;
  /** Document id. */
  readonly id: string;
  /** Document number. */
  readonly number: string | null;
  /** Previous state (`null` when the document was created). */
  readonly from: string | null;
  /** The event of the state machine. */
  readonly event: string;
  /** New state. */
  readonly to: string;
}

/** Payload of stock changes. */
export interface StockChanged {
  /** Product id. */
  readonly productId: string;
  /** Warehouse id. */
  readonly warehouseId: string;
  /** What happened. */
  readonly change: 'received' | 'reserved' | 'released' | 'issued' | 'adjusted';
  /** Quantity in the product's stock unit. */
  readonly quantity: Quantity;
  /** The document that caused it. */
  readonly sourceKind: string;
  /** Its id. */
  readonly sourceId: string;
}

/** Payload of a move of exposure between credit buckets (on the account and its groups). */
export interface CreditChanged {
  /** The customer's credit account. */
  readonly accountId: string;
  /** Bucket the amount left (`null`: new exposure). */
  readonly from: CreditBucket | null;
  /** Bucket it entered (`null`: exposure ended). */
  readonly to: CreditBucket | null;
  /** Amount, in the account's currency. */
  readonly amount: Money;
  /** The document that caused it. */
  readonly sourceKind: string;
  /** Its id. */
  readonly sourceId: string;
}

/** Payload of a posted voucher. */
export interface VoucherPosted {
  /** Voucher id. */
  readonly voucherId: string;
  /** Voucher number. */
  readonly number: string;
  /** Source document kind. */
  readonly sourceKind: string;
  /** Source document id. */
  readonly sourceId: string;
  /** Σ debits (= Σ credits). */
  readonly total: Money;
}

/** Payload of master-data changes. */
export interface MasterDataSaved {
  /** Record kind, e.g. `customer`. */
  readonly kind: string;
  /** Record id. */
  readonly id: string;
  /** `created` or `updated`. */
  readonly change: 'created' | 'updated';
}

/** Every domain event type and its payload. Later areas add their own keys. */
export interface TradecoreEventMap {
  /** A document changed state (every state-machine transition). */
  'document.transitioned': DocumentTransitioned;
  /** Stock moved or was reserved. */
  'stock.changed': StockChanged;
  /** Credit exposure moved between buckets. */
  'credit.changed': CreditChanged;
  /** A voucher was posted. */
  'voucher.posted': VoucherPosted;
  /** Master data (customer, product, warehouse, price list, credit limit) was saved. */
  'masterdata.saved': MasterDataSaved;
}

/** The type of a domain event. */
export type TradecoreEventType = keyof TradecoreEventMap;

/** An event as published: envelope plus payload. */
export interface DomainEvent<K extends TradecoreEventType = TradecoreEventType> {
  /** Unique id (the outbox entry id); consumers may de-duplicate on it. */
  readonly id: string;
  /** Event type. */
  readonly type: K;
  /** Tenant whose transaction produced it. */
  readonly tenantId: TenantId;
  /** When it occurred (ISO-8601, from the clock port). */
  readonly occurredAt: string;
  /** The payload. */
  readonly payload: TradecoreEventMap[K];
}

/** The bus's event map: each type carries its full {@link DomainEvent}. */
export type TradecoreBusEvents = { [K in TradecoreEventType]: DomainEvent<K> };

/** The typed mitt emitter Tradecore publishes on. */
export type TradecoreBus = Emitter<TradecoreBusEvents>;

/** Creates an empty bus. */
export function createBus(): TradecoreBus {
  return mitt<TradecoreBusEvents>();
}
