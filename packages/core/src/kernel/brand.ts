/**
 * Branded identifiers: a `CustomerId` is not assignable to a `ProductId`.
 *
 * @module
 */

declare const brand: unique symbol;

/** A string branded with a tag so ids of different entities never mix. */
export type Brand<T, Tag extends string> = T & { readonly [brand]: Tag };

/** Id of a tenant; every record carries one and every read is scoped to one. */
export type TenantId = Brand<string, 'TenantId'>;
/** Id of a customer (sold-to, bill-to or head office). */
export type CustomerId = Brand<string, 'CustomerId'>;
/** Id of a ship-to party belonging to a customer. */
export type ShipToId = Brand<string, 'ShipToId'>;
/** Id of a product. */
export type ProductId = Brand<string, 'ProductId'>;
/** Id of a warehouse. */
export type WarehouseId = Brand<string, 'WarehouseId'>;
/** Id of a price list. */
export type PriceListId = Brand<string, 'PriceListId'>;
/** Id of a sales order. */
export type SalesOrderId = Brand<string, 'SalesOrderId'>;
/** Id of a delivery. */
export type DeliveryId = Brand<string, 'DeliveryId'>;
/** Id of an invoice. */
export type InvoiceId = Brand<string, 'InvoiceId'>;
/** Id of a receipt (incoming payment). */
export type ReceiptId = Brand<string, 'ReceiptId'>;
/** Id of a voucher (journal entry). */
export type VoucherId = Brand<string, 'VoucherId'>;

/** Brands a plain string as an id. Validation happens at the boundary (zod), not here. */
export function asId<I extends Brand<string, string>>(value: string): I {
  return value as I;
}
