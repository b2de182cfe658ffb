/**
 * Master data for the first order-to-cash slice: customers with bill-to and ship-to parties,
 * products with a stock unit, tax rate and standard cost, and warehouses.
 *
 * @module
 */
import type { CustomerId, ProductId, ShipToId, TenantId, WarehouseId } from '../kernel/brand';
import type { Dec } from '../money/decimal';
import type { Money } from '../money/money';
import type { UomConversion } from '../money/uom';

/** A place goods are shipped to (a distributor's terminal customer, a site). */
export interface ShipToParty {
  /** Unique within the customer. */
  readonly id: ShipToId;
  /** Name. */
  readonly name: string;
  /** Address as one line. */
  readonly address: string;
}

/** A customer (sold-to). Invoices go to `billToId`, which may be itself or a head office. */
export interface Customer {
  /** Id. */
  readonly id: CustomerId;
  /** Owning tenant. */
  readonly tenantId: TenantId;
  /** Name. */
  readonly name: string;
  /** The customer invoiced for this customer's orders (itself, or its head office). */
  readonly billToId: CustomerId;
  /** Where its goods may be shipped. At least one. */
  readonly shipTo: readonly ShipToParty[];
  /** Customer group (pricing scope), e.g. `dealer`. */
  readonly customerGroup?: string;
  /** Sales region (pricing scope, reporting), e.g. `east`. */
  readonly region?: string;
  /** Default sales channel (pricing scope), e.g. `retail`. */
  readonly channel?: string;
  /** Head office (客户总公司) of a subsidiary; absent = the customer is its own head office. */
  readonly headOfficeId?: CustomerId;
}

/** A stocked product. */
export interface Product {
  /** Id. */
  readonly id: ProductId;
  /** Owning tenant. */
  readonly tenantId: TenantId;
  /** Stock-keeping code. */
  readonly sku: string;
  /** Name. */
  readonly name: string;
  /** Unit stock is kept in, e.g. `EA`. */
  readonly stockUnit: string;
  /** Whether quantities in the stock unit must be whole numbers. */
  readonly integral: boolean;
  /** Other units it is sold in, converted to the stock unit (1 `from` = factor × `to`). */
  readonly conversions: readonly UomConversion[];
  /** Output VAT rate as a fraction, e.g. 0.13. */
  readonly taxRate: Dec;
  /** Standard cost per stock unit (the cost seam until inventory valuation lands). */
  readonly standardCost: Money;
  /** Product group (pricing scope), e.g. `pumps`. */
  readonly productGroup?: string;
  /** Brand (pricing scope). */
  readonly brand?: string;
}

/** A warehouse. */
export interface Warehouse {
  /** Id. */
  readonly id: WarehouseId;
  /** Owning tenant. */
  readonly tenantId: TenantId;
  /** Name. */
  readonly name: string;
}

/** Record kinds used by the store for master data. */
export const MASTERDATA_KINDS = {
  customer: 'customer',
  product: 'product',
  warehouse: 'warehouse',
} as const;
