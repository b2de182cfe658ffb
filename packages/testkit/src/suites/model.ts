/**
 * Model-based test of order-to-cash: `fc.commands` drives Tradecore on a real store and a plain
 * model side by side over the whole flow — draft, amend, confirm, partial deliveries, invoices,
 * receipts, write-offs, returns, credit notes, cancel, close, reopen, restock. After every
 * command the store must agree with the model: books balance, the AR subledger equals the open
 * residuals, advances equal the unallocated receipts, stock and credit exposure match, every
 * residual is within [0, total] and every order's status equals the model's function of its
 * quantities.
 */
import {
  Dec,
  invoiceResidual,
  orderStatus,
  type SalesOrder,
  type StorePort,
  type TenantId,
} from '@tradecore/core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { cents, GROSS_CENTS, seedSlice, tradecoreFor } from '../fixtures';
import { freshTenant } from '../harness';

type P = 'P1' | 'P2';
type State = 'draft' | 'confirmed' | 'closed' | 'cancelled';
const PRODUCTS: readonly P[] = ['P1', 'P2'];

interface MLine {
  p: P;
  lineNo: number;
  q: bigint;
  delivered: bigint;
  returned: bigint;
  invoiced: bigint;
  credited: bigint;
}
interface MOrder {
  id: string;
  state: State;
  linked: boolean;
  lines: MLine[];
  billed: bigint;
  creditedGross: bigint;
  paid: bigint;
}
interface MDelivery {
  id: string;
  order: number;
  lines: { lineNo: number; p: P; qty: bigint; returned: bigint }[];
}
interface MInvoice {
  id: string;
  order: number;
  lines: { lineNo: number; orderLineNo: number; p: P; qty: bigint; credited: bigint }[];
  gross: bigint;
  credited: bigint;
  settled: bigint;
}
interface Model {
  limit: bigint;
  onHand: Record<P, bigint>;
  orders: MOrder[];
  deliveries: MDelivery[];
  invoices: MInvoice[];
  receipts: { id: string; unallocated: bigint }[];
}
interface Real {
  tc: ReturnType<typeof tradecoreFor>;
  tenant: TenantId;
  store: StorePort;
}

const max0 = (x: bigint) => (x < 0n ? 0n : x);
const maxB = (a: bigint, b: bigint) => (a > b ? a : b);
const minB = (a: bigint, b: bigint) => (a < b ? a : b);
const residual = (i: MInvoice) => i.gross - i.credited - i.settled;

/** Exposure per the bucket rules: open orders, delivered-not-invoiced, open receivables. */
function exposure(m: Model): bigint {
  let e = 0n;
  for (const o of m.orders) {
    if (!o.linked) continue;
    for (const l of o.lines) {
      const netInv = l.invoiced - l.credited;
      if (o.state === 'confirmed') e += max0(l.q - maxB(l.delivered, netInv)) * GROSS_CENTS[l.p];
      e += max0(l.delivered - l.returned - netInv) * GROSS_CENTS[l.p];
    }
  }
  for (const i of m.invoices) e += residual(i);
  return e;
}

function reserved(m: Model, p: P): bigint {
  let r = 0n;
  for (const o of m.orders)
    if (o.state === 'confirmed')
      for (const l of o.lines) if (l.p === p) r += max0(l.q - l.delivered);
  return r;
}

/** The model's status of an order — written independently of the library's. */
function status(o: MOrder): string {
  if (o.state !== 'confirmed') return o.state;
  let ordered = 0n;
  let shipped = 0n;
  let kept = 0n;
  let billed = 0n;
  for (const l of o.lines) {
    ordered += l.q;
    shipped += minB(l.delivered, l.q);
    kept += max0(l.delivered - l.returned);
    billed += l.invoiced - l.credited;
  }
  if (shipped === 0n) return 'to_deliver';
  if (shipped < ordered) return 'partially_delivered';
  const billingFull = kept === 0n ? true : billed >= kept;
  if (!billingFull) return 'to_invoice';
  const netBilled = o.billed - o.creditedGross;
  const paidFull = netBilled > 0n ? o.paid >= netBilled : billingFull;
  return paidFull ? 'completed' : 'to_collect';
}

async function checkInvariants(m: Model, r: Real): Promise<void> {
  const tb = await r.tc.trialBalance(r.tenant);
  if (!tb.ok) throw new Error('trialBalance failed');
  const debit = tb.value.reduce((a, b) => a.plus(b.debit), new Dec(0));
  const credit = tb.value.reduce((a, b) => a.plus(b.credit), new Dec(0));
  expect(debit.toFixed(2), 'Σ debits = Σ credits').toBe(credit.toFixed(2));
  const hq = await r.tc.trialBalance(r.tenant, 'HQ');
  if (!hq.ok) throw new Error('trialBalance(HQ) failed');
  const ar = hq.value.find((b) => b.account === '1122');
  expect(
    ar ? ar.debit.minus(ar.credit).toFixed(2) : '0.00',
    'AR subledger = Σ open residuals',
  ).toBe(cents(m.invoices.reduce((a, i) => a + residual(i), 0n)));
  const adv = hq.value.find((b) => b.account === '2203');
  expect(adv ? adv.credit.minus(adv.debit).toFixed(2) : '0.00', 'advances = Σ unallocated').toBe(
    cents(m.receipts.reduce((a, x) => a + x.unallocated, 0n)),
  );
  for (const p of PRODUCTS) {
    const s = await r.tc.stockLevel(r.tenant, p, 'W');
    if (!s.ok || !s.value) throw new Error('stockLevel failed');
    expect(
      [s.value.onHand.value.toFixed(), s.value.reserved.value.toFixed()],
      `stock ${p} = Σ moves`,
    ).toEqual([String(m.onHand[p]), String(reserved(m, p))]);
  }
  const c = await r.tc.creditAccount(r.tenant, 'HQ');
  if (!c.ok || !c.value) throw new Error('creditAccount failed');
  expect(c.value.exposure.toFixed(), 'exposure').toBe(cents(exposure(m)));
  expect(exposure(m) <= m.limit).toBe(true);
  for (const i of m.invoices) {
    const real = await r.tc.getInvoice(r.tenant, i.id);
    if (!real.ok || !real.value) throw new Error('getInvoice failed');
    const res = invoiceResidual(real.value);
    expect(res.toFixed(), `residual of ${i.id}`).toBe(cents(residual(i)));
    expect(!res.isNegative() && res.lessThanOrEqual(real.value.gross)).toBe(true);
  }
  for (const o of m.orders) {
    const real = await r.tc.getSalesOrder(r.tenant, o.id);
    if (!real.ok || !real.value) throw new Error('getSalesOrder failed');
    expect(orderStatus(real.value), `status of ${o.id}`).toBe(status(o));
    expect(real.value.status).toBe(orderStatus(real.value as SalesOrder));
  }
}

type Cmd = fc.AsyncCommand<Model, Real>;

/** Picks from `items`, three times in four among those `good` ones. */
function pick<T>(items: T[], k: number, good: (x: T) => boolean): T {
  const fit = items.filter(good);
  if (k % 4 !== 0 && fit.length > 0) return fit[k % fit.length]!;
  return items[k % items.length]!;
}
const code = (res: { ok: boolean; error?: { code: string } }) =>
  res.ok ? 'OK' : (res.error as { code: string }).code;

class Draft implements Cmd {
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
      expect(code(res)).toBe('VALIDATION_FAILED');
      return;
    }
    if (!res.ok) throw new Error(`draft failed: ${res.error.message}`);
    const ml: MLine[] = [];
    for (const [p, q] of [
      ['P1', this.p1],
      ['P2', this.p2],
    ] as const) {
      if (q > 0) {
        ml.push({
          p,
          lineNo: ml.length + 1,
          q: BigInt(q),
          delivered: 0n,
          returned: 0n,
          invoiced: 0n,
          credited: 0n,
        });
      }
    }
    m.orders.push({
      id: res.value.id,
      state: 'draft',
      linked: false,
      lines: ml,
      billed: 0n,
      creditedGross: 0n,
      paid: 0n,
    });
    await checkInvariants(m, r);
  }
  toString = () => `draft(P1×${this.p1}, P2×${this.p2})`;
}

abstract class OnOrder implements Cmd {
  abstract readonly source: State;
  constructor(readonly k: number) {}
  check = (m: Readonly<Model>) => m.orders.length > 0;
  abstract run(m: Model, r: Real): Promise<void>;
  order(m: Model) {
    return pick(m.orders, this.k, (o) => o.state === this.source);
  }
}

/** What a confirmation/reopen (or an amendment of a confirmed order) adds, and whether it fits. */
function expectReserve(m: Model, o: MOrder, lines: MLine[]): string {
  const before = exposure(m);
  const saved = { state: o.state, lines: o.lines, linked: o.linked };
  Object.assign(o, { state: 'confirmed', lines, linked: true });
  const after = exposure(m);
  const need = PRODUCTS.map((p) => reserved(m, p));
  Object.assign(o, saved);
  if (after > before && after > m.limit) return 'CREDIT_LIMIT_EXCEEDED';
  const have = PRODUCTS.map((p) => reserved(m, p));
  if (PRODUCTS.some((p, i) => need[i]! > have[i]! && need[i]! > m.onHand[p]))
    return 'INSUFFICIENT_STOCK';
  return 'OK';
}

class Confirm extends OnOrder {
  readonly source = 'draft' as const;
  override async run(m: Model, r: Real) {
    const o = this.order(m);
    const res = await r.tc.confirmSalesOrder(r.tenant, { orderId: o.id });
    const expected = o.state === 'draft' ? expectReserve(m, o, o.lines) : 'ILLEGAL_TRANSITION';
    expect(code(res)).toBe(expected);
    if (expected === 'OK') Object.assign(o, { state: 'confirmed', linked: true });
    await checkInvariants(m, r);
  }
  override toString = () => `confirm(${this.k})`;
}

class Reopen extends OnOrder {
  readonly source = 'closed' as const;
  override async run(m: Model, r: Real) {
    const o = this.order(m);
    const res = await r.tc.reopenSalesOrder(r.tenant, { orderId: o.id });
    const expected = o.state === 'closed' ? expectReserve(m, o, o.lines) : 'ILLEGAL_TRANSITION';
    expect(code(res)).toBe(expected);
    if (expected === 'OK') o.state = 'confirmed';
    await checkInvariants(m, r);
  }
  override toString = () => `reopen(${this.k})`;
}

class Close extends OnOrder {
  readonly source = 'confirmed' as const;
  override async run(m: Model, r: Real) {
    const o = this.order(m);
    const res = await r.tc.closeSalesOrder(r.tenant, { orderId: o.id });
    const expected = o.state === 'confirmed' ? 'OK' : 'ILLEGAL_TRANSITION';
    expect(code(res)).toBe(expected);
    if (expected === 'OK') o.state = 'closed';
    await checkInvariants(m, r);
  }
  override toString = () => `close(${this.k})`;
}

class Cancel extends OnOrder {
  readonly source = 'confirmed' as const;
  override async run(m: Model, r: Real) {
    const o = this.order(m);
    const res = await r.tc.cancelSalesOrder(r.tenant, { orderId: o.id });
    const active = o.lines.some((l) => l.delivered > 0n || l.invoiced > 0n);
    const expected = active
      ? 'ORDER_HAS_ACTIVITY'
      : ['draft', 'confirmed', 'closed'].includes(o.state)
        ? 'OK'
        : 'ILLEGAL_TRANSITION';
    expect(code(res)).toBe(expected);
    if (expected === 'OK') o.state = 'cancelled';
    await checkInvariants(m, r);
  }
  override toString = () => `cancel(${this.k})`;
}

class Amend extends OnOrder {
  readonly source = 'confirmed' as const;
  constructor(
    k: number,
    readonly line: number,
    readonly qty: number,
  ) {
    super(k);
  }
  override async run(m: Model, r: Real) {
    const o = this.order(m);
    const l = o.lines[this.line % o.lines.length]!;
    const res = await r.tc.amendSalesOrder(r.tenant, {
      orderId: o.id,
      reason: 'customer asked',
      amendedBy: 'u1',
      changes: [{ lineNo: l.lineNo, quantity: String(this.qty) }],
    });
    const q = BigInt(this.qty);
    const lines = o.lines.map((x) => (x === l ? { ...x, q } : x));
    const expected = !['draft', 'confirmed'].includes(o.state)
      ? 'ILLEGAL_TRANSITION'
      : q < maxB(l.delivered, l.invoiced - l.credited)
        ? 'QUANTITY_BELOW_FULFILLED'
        : o.state === 'confirmed'
          ? expectReserve(m, o, lines)
          : 'OK';
    expect(code(res)).toBe(expected);
    if (expected === 'OK') o.lines = lines;
    await checkInvariants(m, r);
  }
  override toString = () => `amend(${this.k}, line ${this.line}, ${this.qty})`;
}

class Deliver extends OnOrder {
  readonly source = 'confirmed' as const;
  constructor(
    k: number,
    readonly line: number,
    readonly qty: number,
  ) {
    super(k);
  }
  override async run(m: Model, r: Real) {
    const o = this.order(m);
    const l = o.lines[this.line % o.lines.length]!;
    const q = BigInt(this.qty);
    const res = await r.tc.deliverSalesOrder(r.tenant, {
      orderId: o.id,
      lines: [{ lineNo: l.lineNo, quantity: String(this.qty) }],
    });
    const expected =
      o.state !== 'confirmed'
        ? 'ILLEGAL_TRANSITION'
        : q > l.q - l.delivered
          ? 'OVER_DELIVERY'
          : 'OK';
    expect(code(res)).toBe(expected);
    if (res.ok) {
      l.delivered += q;
      m.onHand[l.p] -= q;
      m.deliveries.push({
        id: res.value.id,
        order: m.orders.indexOf(o),
        lines: [{ lineNo: 1, p: l.p, qty: q, returned: 0n }],
      });
      expect(res.value.lines[0]?.orderLineNo).toBe(l.lineNo);
    }
    await checkInvariants(m, r);
  }
  override toString = () => `deliver(${this.k}, line ${this.line}, ${this.qty})`;
}

class Invoice extends OnOrder {
  readonly source = 'confirmed' as const;
  override async run(m: Model, r: Real) {
    const o = this.order(m);
    const res = await r.tc.invoiceSalesOrder(r.tenant, { orderId: o.id });
    const bill = o.lines.map((l) => max0(l.delivered - l.returned - (l.invoiced - l.credited)));
    const expected = !['confirmed', 'closed'].includes(o.state)
      ? 'ILLEGAL_TRANSITION'
      : bill.every((b) => b === 0n)
        ? 'NOTHING_TO_INVOICE'
        : 'OK';
    expect(code(res)).toBe(expected);
    if (res.ok) {
      const lines = [];
      let gross = 0n;
      for (const [k, l] of o.lines.entries()) {
        const b = bill[k]!;
        if (b === 0n) continue;
        l.invoiced += b;
        gross += b * GROSS_CENTS[l.p];
        lines.push({
          lineNo: lines.length + 1,
          orderLineNo: l.lineNo,
          p: l.p,
          qty: b,
          credited: 0n,
        });
      }
      o.billed += gross;
      expect(res.value.gross.toFixed()).toBe(cents(gross));
      m.invoices.push({
        id: res.value.id,
        order: m.orders.indexOf(o),
        lines,
        gross,
        credited: 0n,
        settled: 0n,
      });
    }
    await checkInvariants(m, r);
  }
  override toString = () => `invoice(${this.k})`;
}

class Receive implements Cmd {
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

class WriteOff implements Cmd {
  constructor(
    readonly ri: number,
    readonly ii: number,
    readonly how: 'max' | 'exact' | 'over',
    readonly amount: bigint,
  ) {}
  check = (m: Readonly<Model>) => m.receipts.length > 0 && m.invoices.length > 0;
  async run(m: Model, r: Real) {
    const rc = pick(m.receipts, this.ri, (x) => x.unallocated > 0n);
    const inv = pick(m.invoices, this.ii, (x) => residual(x) > 0n);
    const cap = minB(rc.unallocated, residual(inv));
    const amt = this.how === 'max' ? cap : this.how === 'over' ? cap + 1n : this.amount;
    const res = await r.tc.writeOff(r.tenant, {
      receiptId: rc.id,
      invoiceId: inv.id,
      amount: { amount: cents(amt), currency: 'CNY' },
    });
    const expected = amt <= 0n ? 'VALIDATION_FAILED' : amt > cap ? 'OVER_ALLOCATION' : 'OK';
    expect(code(res)).toBe(expected);
    if (expected === 'OK') {
      rc.unallocated -= amt;
      inv.settled += amt;
      m.orders[inv.order]!.paid += amt;
    }
    await checkInvariants(m, r);
  }
  toString = () => `writeOff(r${this.ri}, i${this.ii}, ${this.how} ${cents(this.amount)})`;
}

class Return implements Cmd {
  constructor(
    readonly di: number,
    readonly qty: number,
  ) {}
  check = (m: Readonly<Model>) => m.deliveries.length > 0;
  async run(m: Model, r: Real) {
    const d = pick(m.deliveries, this.di, (x) => x.lines[0]!.qty > x.lines[0]!.returned);
    const dl = d.lines[0]!;
    const q = BigInt(this.qty);
    const res = await r.tc.returnGoods(r.tenant, {
      deliveryId: d.id,
      lines: [{ deliveryLineNo: 1, quantity: String(this.qty) }],
      reason: 'damaged',
      responsibility: 'carrier',
    });
    const expected = q > dl.qty - dl.returned ? 'RETURN_EXCEEDS_DELIVERED' : 'OK';
    expect(code(res)).toBe(expected);
    if (res.ok) {
      dl.returned += q;
      m.onHand[dl.p] += q;
      const o = m.orders[d.order]!;
      const l = o.lines.find((x) => x.p === dl.p)!;
      l.returned += q;
    }
    await checkInvariants(m, r);
  }
  toString = () => `return(d${this.di}, ${this.qty})`;
}

class CreditNote implements Cmd {
  constructor(readonly ii: number) {}
  check = (m: Readonly<Model>) => m.invoices.length > 0;
  async run(m: Model, r: Real) {
    const inv = pick(m.invoices, this.ii, (x) => x.lines.some((l) => l.qty > l.credited));
    const res = await r.tc.issueCreditNote(r.tenant, {
      invoiceId: inv.id,
      reason: 'returned goods',
    });
    const open = inv.lines.map((l) => l.qty - l.credited);
    const expected = open.every((q) => q === 0n) ? 'CREDIT_EXCEEDS_INVOICED' : 'OK';
    expect(code(res)).toBe(expected);
    if (res.ok) {
      const o = m.orders[inv.order]!;
      let gross = 0n;
      for (const [k, l] of inv.lines.entries()) {
        const q = open[k]!;
        if (q === 0n) continue;
        l.credited += q;
        gross += q * GROSS_CENTS[l.p];
        o.lines.find((x) => x.lineNo === l.orderLineNo)!.credited += q;
      }
      const toInvoice = minB(gross, residual(inv));
      inv.credited += toInvoice;
      o.creditedGross += gross;
      expect(res.value.gross.toFixed()).toBe(cents(gross));
      if (gross > toInvoice) {
        expect(res.value.balanceId).not.toBeNull();
        m.receipts.push({ id: res.value.balanceId as string, unallocated: gross - toInvoice });
      }
    }
    await checkInvariants(m, r);
  }
  toString = () => `creditNote(i${this.ii})`;
}

class Restock implements Cmd {
  constructor(
    readonly p: P,
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
    m.onHand[this.p] += BigInt(this.qty);
    await checkInvariants(m, r);
  }
  toString = () => `restock(${this.p}, ${this.qty})`;
}

const k = fc.nat(50);
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
  k.map((x) => new Confirm(x)),
  k.map((x) => new Confirm(x)),
  fc.tuple(k, fc.nat(3), fc.integer({ min: 1, max: 8 })).map(([a, b, c]) => new Amend(a, b, c)),
  k.map((x) => new Cancel(x)),
  k.map((x) => new Close(x)),
  k.map((x) => new Reopen(x)),
  fc.tuple(k, fc.nat(3), fc.integer({ min: 1, max: 7 })).map(([a, b, c]) => new Deliver(a, b, c)),
  fc.tuple(k, fc.nat(3), fc.integer({ min: 1, max: 4 })).map(([a, b, c]) => new Deliver(a, b, c)),
  k.map((x) => new Invoice(x)),
  k.map((x) => new Invoice(x)),
  fc.bigInt({ min: 1n, max: 15_000n }).map((a) => new Receive(a)),
  writeOffArb,
  writeOffArb,
  fc.tuple(fc.nat(20), fc.integer({ min: 1, max: 4 })).map(([a, b]) => new Return(a, b)),
  fc.nat(20).map((a) => new CreditNote(a)),
  fc
    .tuple(fc.constantFrom('P1', 'P2'), fc.integer({ min: 1, max: 15 }))
    .map(([p, q]) => new Restock(p as P, q)),
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
        onHand: { P1: 12n, P2: 20n },
        orders: [],
        deliveries: [],
        invoices: [],
        receipts: [],
      };
      await fc.asyncModelRun(() => ({ model, real: { tc, tenant, store } }), cmds);
    }),
    { numRuns, seed: Number(process.env.TRADECORE_FC_SEED ?? 20261122), endOnFailure: true },
  );
}
