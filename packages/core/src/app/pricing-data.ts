/**
 * Commands that maintain pricing data: price lists, rule groups, rules, agreements, floors and
 * bundles. Each validates what the schema cannot (references, units, derivation cycles,
 * overlaps in exclusive groups), stores one versioned record and bumps the tenant's book
 * version in the same transaction. A rejection is a typed error naming the field; nothing is
 * stored.
 *
 * @module
 */
import type { z } from 'zod';
import type { PriceListId, ProductId } from '../kernel/brand';
import type { NotFoundError, ValidationError } from '../kernel/errors';
import { err, ok } from '../kernel/result';
import { MASTERDATA_KINDS, type Product } from '../masterdata/types';
import { dec } from '../money/decimal';
import { Quantity } from '../money/quantity';
import { convertQuantity, type UomConversionMissingError } from '../money/uom';
import {
  bundleCycle,
  checkDerivation,
  exclusiveOverlap,
  type PriceBook,
  type PriceBounds,
  type PriceBundle,
  type PriceFloor,
  type PriceRule,
  type PriceRuleGroup,
  type PricingOverlapError,
  type RuleEffect,
} from '../pricing';
import type { PriceList } from '../pricing/price-list';
import type { PricingRuntime } from './pricing-runtime';
import type {
  agreementInput,
  priceBundleInput,
  priceFloorInput,
  priceListInput,
  priceRuleGroupInput,
  priceRuleInput,
  ruleEffectSchema,
} from './pricing-schemas';
import { type BookKind, bumpBookVersion } from './pricing-store';
import type { UnitOfWork } from './unit-of-work';

function notFound(entity: string, id: string, field: string): NotFoundError {
  return { code: 'NOT_FOUND', message: `${field}: no ${entity} with id ${id}`, entity, id, field };
}

/** Stores a pricing record (create or replace) and bumps the book version. */
async function upsertPricing<T extends { id: string }>(uow: UnitOfWork, kind: BookKind, value: T) {
  const existing = await uow.load(kind, value.id);
  if (existing === undefined) await uow.create(kind, value);
  else await uow.save(kind, value);
  const b = await bumpBookVersion(
    uow,
    kind,
    value.id,
    existing === undefined ? 'created' : 'updated',
  );
  if (!b.ok) return b;
  return ok(value);
}

/** A product, or NOT_FOUND naming `field`. */
function loadProduct(uow: UnitOfWork, id: string, field: string) {
  return uow.require<Product>(MASTERDATA_KINDS.product, id, field);
}

/** Checks that `unit` converts to the product's stock unit. */
function checkUnit(
  product: Product,
  unit: string,
  field: string,
): UomConversionMissingError | undefined {
  const c = convertQuantity(Quantity.of(1, unit), product.stockUnit, product.conversions);
  if (c.ok) return undefined;
  return { ...c.error, message: `${field}: ${c.error.message}`, productId: product.id };
}

function withField<E extends object>(e: E, field: string): E & { field: string } {
  return { ...e, field };
}

/** Creates or replaces a price list: entries, validity, derivation ("dealer = retail − 15 %"). */
export async function savePriceList(
  uow: UnitOfWork,
  input: z.output<typeof priceListInput>,
  runtime: PricingRuntime,
) {
  const book = await runtime.book(uow.tx);
  const products = new Map<string, Product>();
  for (const [i, e] of input.entries.entries()) {
    let p = products.get(e.productId);
    if (p === undefined) {
      const r = await loadProduct(uow, e.productId, `entries.${i}.productId`);
      if (!r.ok) return r;
      p = r.value;
      products.set(p.id, p);
    }
    const u = checkUnit(p, e.unit, `entries.${i}.unit`);
    if (u !== undefined) return err(withField(u, `entries.${i}.unit`));
  }
  const list: PriceList = {
    id: input.id as PriceListId,
    tenantId: uow.tenantId,
    name: input.name,
    currency: input.currency,
    priceIncludesTax: input.priceIncludesTax,
    entries: input.entries.map((e) => ({ ...e, productId: e.productId as ProductId })),
    ...(input.basedOn === undefined ? {} : { basedOn: input.basedOn }),
    ...(input.convertUnits === undefined ? {} : { convertUnits: input.convertUnits }),
    ...(input.validFrom === undefined ? {} : { validFrom: input.validFrom }),
    ...(input.validTo === undefined ? {} : { validTo: input.validTo }),
  };
  const d = checkDerivation(list, book.sourceLists);
  if (d === 'missing-base') {
    return err(notFound('price-list', list.basedOn?.priceListId ?? '', 'basedOn.priceListId'));
  }
  if (d !== undefined) return err(d);
  for (const other of book.sourceLists.values()) {
    if (other.basedOn?.priceListId !== list.id) continue;
    if (other.currency !== list.currency || other.priceIncludesTax !== list.priceIncludesTax) {
      return err({
        code: 'DERIVATION_MISMATCH' as const,
        message: `currency: list ${other.id} derives from ${list.id} and is ${other.currency}, ${other.priceIncludesTax ? 'gross' : 'net'}`,
        field: 'currency',
      });
    }
  }
  return upsertPricing(uow, 'price-list', list);
}

function groupOverlap(book: PriceBook, groupId: string): PricingOverlapError | undefined {
  for (const r of book.rules.values()) {
    if (r.group.id !== groupId) continue;
    const peers = book.index.filedWith(r);
    for (const o of peers) {
      if (o.id <= r.id || o.group !== r.group || o.priority !== r.priority) continue;
      if ((o.effect === 'free-goods') !== (r.effect === 'free-goods')) continue;
      if (o.validFrom > r.validTo || r.validFrom > o.validTo) continue;
      const same =
        o.customerId === r.customerId &&
        o.headOfficeId === r.headOfficeId &&
        o.customerGroup === r.customerGroup &&
        o.region === r.region &&
        o.channel === r.channel &&
        o.departmentId === r.departmentId &&
        o.productId === r.productId &&
        o.productGroup === r.productGroup &&
        o.brand === r.brand;
      if (!same) continue;
      return {
        code: 'PRICING_OVERLAP',
        message: `policy: rules ${r.id} and ${o.id} of group ${groupId} overlap (same scope, priority and dates); an exclusive group cannot hold them`,
        ruleId: r.id,
        otherRuleId: o.id,
        groupId,
        field: 'policy',
      };
    }
  }
  return undefined;
}

/** Creates or changes a rule group (policy, sequence, rounding). */
export async function savePriceRuleGroup(
  uow: UnitOfWork,
  input: z.output<typeof priceRuleGroupInput>,
  runtime: PricingRuntime,
) {
  if (input.policy === 'exclusive') {
    const overlap = groupOverlap(await runtime.book(uow.tx), input.id);
    if (overlap !== undefined) return err(overlap);
  }
  const group: PriceRuleGroup = {
    id: input.id,
    name: input.name,
    policy: input.policy,
    sequence: input.sequence,
    ...(input.round === undefined ? {} : { round: input.round }),
  };
  return upsertPricing(uow, 'price-rule-group', group);
}

async function saveRuleLike(uow: UnitOfWork, rule: PriceRule, runtime: PricingRuntime) {
  const book = await runtime.book(uow.tx);
  if (!book.groups.has(rule.groupId))
    return err(notFound('price-rule-group', rule.groupId, 'groupId'));
  const pid = rule.scope.productId;
  if (pid !== undefined) {
    const p = await loadProduct(uow, pid, 'scope.productId');
    if (!p.ok) return p;
    if (rule.unit !== undefined) {
      const u = checkUnit(p.value, rule.unit, 'unit');
      if (u !== undefined) return err(withField(u, 'unit'));
    }
  }
  const e = rule.effect;
  if (e.type === 'formula' && !book.sourceLists.has(e.priceListId)) {
    return err(notFound('price-list', e.priceListId, 'effect.priceListId'));
  }
  if (e.type === 'free-goods' && e.productId !== undefined) {
    const p = await loadProduct(uow, e.productId, 'effect.productId');
    if (!p.ok) return p;
  }
  const overlap = exclusiveOverlap(book, rule);
  if (overlap !== undefined) return err(overlap);
  return upsertPricing(uow, 'price-rule', rule);
}

function effectOf(e: z.output<typeof ruleEffectSchema>): RuleEffect {
  switch (e.type) {
    case 'formula':
      return {
        type: 'formula',
        priceListId: e.priceListId,
        multiplier: e.multiplier,
        addend: e.addend ?? dec(0),
      };
    case 'free-goods':
      return {
        type: 'free-goods',
        buy: e.buy,
        get: e.get,
        ...(e.productId === undefined ? {} : { productId: e.productId }),
      };
    default:
      return {
        type: e.type,
        ...(e.value === undefined ? {} : { value: e.value }),
        ...(e.tiers === undefined ? {} : { tiers: e.tiers }),
      };
  }
}

function ruleFrom(
  input: z.output<typeof priceRuleInput> | z.output<typeof agreementInput>,
  kind: 'rule' | 'agreement',
  extra: { bounds?: PriceBounds | undefined; contractNo?: string | undefined } = {},
): PriceRule {
  return {
    id: input.id,
    kind,
    name: input.name,
    groupId: input.groupId,
    priority: input.priority,
    scope: input.scope,
    effect: effectOf(input.effect),
    ...(input.currency === undefined ? {} : { currency: input.currency }),
    ...(input.unit === undefined ? {} : { unit: input.unit }),
    priceIncludesTax: input.priceIncludesTax,
    breakBasis: input.breakBasis,
    breakScope: input.breakScope,
    ...(extra.bounds === undefined ? {} : { bounds: extra.bounds }),
    ...(extra.contractNo === undefined ? {} : { contractNo: extra.contractNo }),
    ...(input.validFrom === undefined ? {} : { validFrom: input.validFrom }),
    ...(input.validTo === undefined ? {} : { validTo: input.validTo }),
    active: input.active,
  };
}

/** Creates or replaces a pricing rule. */
export function savePriceRule(
  uow: UnitOfWork,
  input: z.output<typeof priceRuleInput>,
  runtime: PricingRuntime,
) {
  return saveRuleLike(uow, ruleFrom(input, 'rule'), runtime);
}

/** Creates or replaces a customer agreement (协议价). */
export function saveAgreement(
  uow: UnitOfWork,
  input: z.output<typeof agreementInput>,
  runtime: PricingRuntime,
) {
  const extra = { bounds: input.bounds, contractNo: input.contractNo };
  return saveRuleLike(uow, ruleFrom(input, 'agreement', extra), runtime);
}

/** Creates or replaces a floor price. */
export async function savePriceFloor(uow: UnitOfWork, input: z.output<typeof priceFloorInput>) {
  const pid = input.scope.productId;
  if (pid !== undefined) {
    const p = await loadProduct(uow, pid, 'scope.productId');
    if (!p.ok) return p;
    if (input.rule.type === 'price' && input.rule.unit !== undefined) {
      const u = checkUnit(p.value, input.rule.unit, 'rule.unit');
      if (u !== undefined) return err(withField(u, 'rule.unit'));
    }
  }
  const floor: PriceFloor = {
    id: input.id,
    scope: input.scope,
    rule: input.rule,
    active: input.active,
    ...(input.validFrom === undefined ? {} : { validFrom: input.validFrom }),
    ...(input.validTo === undefined ? {} : { validTo: input.validTo }),
  };
  return upsertPricing(uow, 'price-floor', floor);
}

/** Creates or replaces a bundle (套餐). Its id is ordered like a product id, so it may not be one. */
export async function savePriceBundle(uow: UnitOfWork, input: z.output<typeof priceBundleInput>) {
  const bundle: PriceBundle = {
    id: input.id,
    name: input.name,
    currency: input.currency,
    priceIncludesTax: input.priceIncludesTax,
    price: input.price,
    components: input.components,
    active: input.active,
    ...(input.validFrom === undefined ? {} : { validFrom: input.validFrom }),
    ...(input.validTo === undefined ? {} : { validTo: input.validTo }),
  };
  const cycle = bundleCycle(bundle);
  if (cycle !== undefined) return err(cycle);
  if ((await uow.load(MASTERDATA_KINDS.product, input.id)) !== undefined) {
    const path = 'id';
    return err<ValidationError>({
      code: 'VALIDATION_FAILED',
      message: `${path}: ${input.id} is a product id; a bundle needs its own [product_id]`,
      issues: [{ path, rule: 'product_id', message: `${path}: must not be a product id` }],
    });
  }
  for (const [i, c] of input.components.entries()) {
    const p = await loadProduct(uow, c.productId, `components.${i}.productId`);
    if (!p.ok) return p;
    const u = checkUnit(p.value, c.unit, `components.${i}.unit`);
    if (u !== undefined) return err(withField(u, `components.${i}.unit`));
  }
  return upsertPricing(uow, 'price-bundle', bundle);
}
