/**
 * Model-based test of the order-to-cash slice: `fc.commands` drives Tradecore on a real store
 * and a plain model side by side; after every command the store must agree with the model and
 * the books must balance.
 */
import { Dec, type StorePort, type TenantId } from '@tradecore/core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { cents, GROSS_CENTS, seedSlice, tradecoreFor } from '../fixtures';
import { freshTenant } from '../harness';

type Status =
  | 'draft'
  | 'confirmed'
  | 'delivered'
  | 'invoiced'
  | 'completed'
  | 'closed'
  | 'cancelled';

interface MOrder {
  id: string;
  status: Status;
  q: { P1: bigint; P2: bigint };
  gross: bigint;
  invoice?: number;
}
interface Model {
  limit: bigint;
  exposure: bigint;
  stock: { P1: { onHand: bigint; reserved: bigint }; P2: { onHand: bigint; reserved: bigint } };
  orders: MOrder[];
  invoices: { id: string; order: number; residual: bigint }[];
  receipts: { id: string; unallocated: bigint }[];
}
interface Real {
  tc: ReturnType<typeof tradecoreFor>;
  tenant: TenantId;
  store: StorePort;
}

const PRODUCTS = ['P1', 'P2'] as const;

async function checkInvariants(m: Model, r: Real): Promise<void> {
  const tb = await r.tc.trialBalance(r.tenant);
  if (!tb.ok) throw new Error('trialBalance failed');
  const debit = tb.value.reduce((a, b) => a.plus(b.debit), new Dec(0));
  const credit = tb.value.reduce((a, b) => a.plus(b.credit), new Dec(0));
  expect(debit.toFixed(2), 'Σ debits = Σ credits').toBe(credit.toFixed(2));
  const hq = await r.tc.trialBalance(r.tenant, 'HQ');
  if (!hq.ok) throw new Error('trialBalance(HQ) failed');
  const ar = hq.value.find((b) => b.account === '1122');
  const arBalance = ar ? ar.debit.minus(ar.credit).toFixed(2) : '0.00';
  expect(arBalance, 'AR subledger = Σ open residuals').toBe(
    cents(m.invoices.reduce((a, i) => a + i.residual, 0n)),
  );
  const adv = hq.value.find((b) => b.account === '2203');
  const advBalance = adv ? adv.credit.minus(adv.debit).toFixed(2) : '0.00';
  expect(advBalance, 'advances = Σ unallocated receipts').toBe(
    cents(m.receipts.reduce((a, x) => a + x.unallocated, 0n)),
  );
  for (const p of PRODUCTS) {
    const s = await r.tc.stockLevel(r.tenant, p, 'W');
    if (!s.ok || !s.value) throw new Error('stockLevel failed');
    expect(
      [s.value.onHand.value.toFixed(), s.value.reserved.value.toFixed()],
      `stock ${p}`,
    ).toEqual([String(m.stock[p].onHand), String(m.stock[p].reserved)]);
    expect(m.stock[p].reserved <= m.stock[p].onHand).toBe(true);
  }
  const c = await r.tc.creditAccount(r.tenant, 'HQ');
  if (!c.ok || !c.value) throw new Error('creditAccount failed');
  expect(c.value.exposure.toFixed(), 'exposure').toBe(cents(m.exposure));
  expect(m.exposure <= m.limit).toBe(true);
}

async function expectStatus(r: Real, m: MOrder) {
  const o = await r.tc.getSalesOrder(r.tenant, m.id);
  expect(o.ok && o.value?.status).toBe(m.status);
}

class Draft implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly p1: number,
    readonly p2: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const lines = [];
    if (this.p1 > 0) lines.push({ productId: 'P1', quantity: String(this.p1) });
    if (this.p2 > 0) lines.push({ productId: 'P2', quantity: String(this.p2) });
    const res = await r.tc.draftSalesOrder(r.tenant, {
      customerId: 'SUB',
      warehouseId: 'W',
      priceListId: 'PL',
      lines,
    });
    if (lines.length === 0) {
      expect(!res.ok && res.error.code).toBe('VALIDATION_FAILED');
      return;
    }
    if (!res.ok) throw new Error(`draft failed: ${res.error.message}`);
    const q = { P1: BigInt(this.p1), P2: BigInt(this.p2) };
    const gross = q.P1 * GROSS_CENTS.P1 + q.P2 * GROSS_CENTS.P2;
    expect(res.value.gross.toFixed()).toBe(cents(gross));
    m.orders.push({ id: res.value.id, status: 'draft', q, gross });
    await checkInvariants(m, r);
  }
  toString = () => `draft(P1×${this.p1}, P2×${this.p2})`;
}

abstract class OnOrder implements fc.AsyncCommand<Model, Real> {
  /** The state this command is legal from; three times in four an order in it is picked. */
  abstract readonly source: Status;
  constructor(readonly k: number) {}
  check = (m: Readonly<Model>) =>
    m.orders.length > 0 && (this.k % 4 === 0 || m.orders.some((o) => o.status === this.source));
  abstract run(m: Model, r: Real): Promise<void>;
  order(m: Model) {
    return pick(m.orders, this.k, (o) => o.status === this.source);
  }
}

/** Picks from `items`, three times in four among those `good` ones. */
function pick<T>(items: T[], k: number, good: (x: T) => boolean): T {
  const fit = items.filter(good);
  if (k % 4 !== 0 && fit.length > 0) return fit[k % fit.length]!;
  return items[k % items.length]!;
}

/** What confirming (or reopening) an order from `from` should do in the model. */
function expectConfirm(m: Model, o: MOrder, from: Status): string {
  if (o.status !== from) return 'ILLEGAL_TRANSITION';
  if (m.exposure + o.gross > m.limit) return 'CREDIT_LIMIT_EXCEEDED';
  if (PRODUCTS.some((p) => m.stock[p].onHand - m.stock[p].reserved < o.q[p]))
    return 'INSUFFICIENT_STOCK';
  return 'OK';
}

function applyConfirm(m: Model, o: MOrder) {
  o.status = 'confirmed';
  m.exposure += o.gross;
  for (const p of PRODUCTS) m.stock[p].reserved += o.q[p];
}

class Confirm extends OnOrder {
  readonly source = 'draft' as const;
  override async run(m: Model, r: Real) {
    const o = this.order(m);
    const res = await r.tc.confirmSalesOrder(r.tenant, { orderId: o.id });
    const expected = expectConfirm(m, o, 'draft');
    expect(res.ok ? 'OK' : res.error.code).toBe(expected);
    if (expected === 'OK') applyConfirm(m, o);
    await expectStatus(r, o);
    await checkInvariants(m, r);
  }
  override toString = () => `confirm(${this.k})`;
}

class Close extends OnOrder {
  readonly source = 'confirmed' as const;
  override async run(m: Model, r: Real) {
    const o = this.order(m);
    const res = await r.tc.closeSalesOrder(r.tenant, { orderId: o.id });
    const expected = o.status === 'confirmed' ? 'OK' : 'ILLEGAL_TRANSITION';
    expect(res.ok ? 'OK' : res.error.code).toBe(expected);
    if (expected === 'OK') {
      o.status = 'closed';
      m.exposure -= o.gross;
      for (const p of PRODUCTS) m.stock[p].reserved -= o.q[p];
    }
    await expectStatus(r, o);
    await checkInvariants(m, r);
  }
  override toString = () => `close(${this.k})`;
}

class Reopen extends OnOrder {
  readonly source = 'closed' as const;
  override async run(m: Model, r: Real) {
    const o = this.order(m);
    const res = await r.tc.reopenSalesOrder(r.tenant, { orderId: o.id });
    const expected = expectConfirm(m, o, 'closed');
    expect(res.ok ? 'OK' : res.error.code).toBe(expected);
    if (expected === 'OK') applyConfirm(m, o);
    await expectStatus(r, o);
    await checkInvariants(m, r);
  }
  override toString = () => `reopen(${this.k})`;
}

class Cancel extends OnOrder {
  readonly source = 'confirmed' as const;
  override async run(m: Model, r: Real) {
    const o = this.order(m);
    const res = await r.tc.cancelSalesOrder(r.tenant, { orderId: o.id });
    const expected =
      o.status === 'draft' || o.status === 'confirmed' || o.status === 'closed'
        ? 'OK'
        : 'ILLEGAL_TRANSITION';
    expect(res.ok ? 'OK' : res.error.code).toBe(expected);
    if (expected === 'OK') {
      if (o.status === 'confirmed') {
        m.exposure -= o.gross;
        for (const p of PRODUCTS) m.stock[p].reserved -= o.q[p];
      }
      o.status = 'cancelled';
    }
    await expectStatus(r, o);
    await checkInvariants(m, r);
  }
  override toString = () => `cancel(${this.k})`;
}

class Deliver extends OnOrder {
  readonly source = 'confirmed' as const;
  override async run(m: Model, r: Real) {
    const o = this.order(m);
    const res = await r.tc.deliverSalesOrder(r.tenant, { orderId: o.id });
    const expected = o.status === 'confirmed' ? 'OK' : 'ILLEGAL_TRANSITION';
    expect(res.ok ? 'OK' : res.error.code).toBe(expected);
    if (expected === 'OK') {
      o.status = 'delivered';
      for (const p of PRODUCTS) {
        m.stock[p].onHand -= o.q[p];
        m.stock[p].reserved -= o.q[p];
      }
    }
    await expectStatus(r, o);
    await checkInvariants(m, r);
  }
  override toString = () => `deliver(${this.k})`;
}

class Invoice extends OnOrder {
  readonly source = 'delivered' as const;
  override async run(m: Model, r: Real) {
    const o = this.order(m);
    const res = await r.tc.invoiceSalesOrder(r.tenant, { orderId: o.id });
    const expected = o.status === 'delivered' ? 'OK' : 'ILLEGAL_TRANSITION';
    expect(res.ok ? 'OK' : res.error.code).toBe(expected);
    if (res.ok) {
      o.status = 'invoiced';
      o.invoice = m.invoices.length;
      m.invoices.push({ id: res.value.id, order: m.orders.indexOf(o), residual: o.gross });
    }
    await expectStatus(r, o);
    await checkInvariants(m, r);
  }
  override toString = () => `invoice(${this.k})`;
}

class Receive implements fc.AsyncCommand<Model, Real> {
  constructor(readonly amount: bigint) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const res = await r.tc.recordReceipt(r.tenant, {
      payerId: 'HQ',
      amount: { amount: cents(this.amount), currency: 'CNY' },
    });
    if (!res.ok) throw new Error(`receipt failed: ${res.error.message}`);
    m.receipts.push({ id: res.value.id, unallocated: this.amount });
    await checkInvariants(m, r);
  }
  toString = () => `receipt(${cents(this.amount)})`;
}

class WriteOff implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly ri: number,
    readonly ii: number,
    readonly how: 'max' | 'exact' | 'over',
    readonly amount: bigint,
  ) {}
  check = (m: Readonly<Model>) =>
    m.receipts.length > 0 &&
    m.invoices.length > 0 &&
    (this.ri % 4 === 0 || m.invoices.some((i) => i.residual > 0n));
  async run(m: Model, r: Real) {
    const rc = pick(m.receipts, this.ri, (x) => x.unallocated > 0n);
    const inv = pick(m.invoices, this.ii, (x) => x.residual > 0n);
    // biome-ignore lint/complexity/useMathMinMax: bigint has no Math.min.
    const cap = rc.unallocated < inv.residual ? rc.unallocated : inv.residual;
    const amt = this.how === 'max' ? cap : this.how === 'over' ? cap + 1n : this.amount;
    const res = await r.tc.writeOff(r.tenant, {
      receiptId: rc.id,
      invoiceId: inv.id,
      amount: { amount: cents(amt), currency: 'CNY' },
    });
    const expected = amt <= 0n ? 'VALIDATION_FAILED' : amt > cap ? 'OVER_ALLOCATION' : 'OK';
    expect(res.ok ? 'OK' : res.error.code).toBe(expected);
    if (expected === 'OK') {
      rc.unallocated -= amt;
      inv.residual -= amt;
      m.exposure -= amt;
      const o = m.orders[inv.order]!;
      if (inv.residual === 0n) o.status = 'completed';
      await expectStatus(r, o);
    }
    await checkInvariants(m, r);
  }
  toString = () => `writeOff(r${this.ri}, i${this.ii}, ${this.how} ${cents(this.amount)})`;
}

class Restock implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly p: 'P1' | 'P2',
    readonly qty: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const res = await r.tc.receiveStock(r.tenant, {
      productId: this.p,
      warehouseId: 'W',
      quantity: String(this.qty),
    });
    expect(res.ok).toBe(true);
    m.stock[this.p].onHand += BigInt(this.qty);
    await checkInvariants(m, r);
  }
  toString = () => `restock(${this.p}, ${this.qty})`;
}

const draftArb = fc
  .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }))
  .map(([a, b]) => new Draft(a, b));
const writeOffArb = fc
  .tuple(
    fc.nat(20),
    fc.nat(20),
    fc.constantFrom('max', 'exact', 'over'),
    fc.bigInt({ min: 0n, max: 8_000n }),
  )
  .map(([a, b, how, amt]) => new WriteOff(a, b, how as 'max' | 'exact' | 'over', amt));
const commandArbs = [
  draftArb,
  draftArb,
  fc.nat(50).map((k) => new Confirm(k)),
  fc.nat(50).map((k) => new Confirm(k)),
  fc.nat(50).map((k) => new Cancel(k)),
  fc.nat(50).map((k) => new Close(k)),
  fc.nat(50).map((k) => new Reopen(k)),
  fc.nat(50).map((k) => new Deliver(k)),
  fc.nat(50).map((k) => new Deliver(k)),
  fc.nat(50).map((k) => new Invoice(k)),
  fc.nat(50).map((k) => new Invoice(k)),
  fc.bigInt({ min: 1n, max: 15_000n }).map((a) => new Receive(a)),
  writeOffArb,
  writeOffArb,
  fc
    .tuple(fc.constantFrom('P1', 'P2'), fc.integer({ min: 1, max: 15 }))
    .map(([p, q]) => new Restock(p as 'P1' | 'P2', q)),
];

/** Runs the model-based test on a store. */
export async function runSliceModel(
  store: StorePort,
  numRuns: number,
  maxCommands: number,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.commands(commandArbs, { maxCommands, size: 'max' }), async (cmds) => {
      const tenant = freshTenant('mbt');
      const tc = tradecoreFor(store, tenant);
      await seedSlice(tc, tenant, { limit: '200.00', stock: { P1: 12, P2: 20 } });
      const model: Model = {
        limit: 20000n,
        exposure: 0n,
        stock: { P1: { onHand: 12n, reserved: 0n }, P2: { onHand: 20n, reserved: 0n } },
        orders: [],
        invoices: [],
        receipts: [],
      };
      await fc.asyncModelRun(() => ({ model, real: { tc, tenant, store } }), cmds);
    }),
    { numRuns, seed: Number(process.env.TRADECORE_FC_SEED ?? 20261122), endOnFailure: true },
  );
}
