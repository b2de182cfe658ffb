/**
 * Model-based test of order-to-cash: `fc.commands` drives Tradecore on a real store and a plain
 * model side by side over the whole flow — quotes (create, revise, submit, approve or reject,
 * convert, convert again), draft, amend, confirm, partial deliveries, invoices (one order, or
 * several subsidiaries' orders on one invoice to their head office), receipts, write-offs and
 * many-to-many settlements (with small differences, a head office paying a self-billed
 * subsidiary's invoices), returns, credit notes, cancel, close, reopen, restock.
 *
 * Parties: SUB and SUB2 are billed to the head office HQ (one credit account, HQ's); OWN bills
 * itself (its own credit account) but has HQ as its head office, so HQ's receipts may pay OWN's
 * invoices — OWN's may not pay HQ's. Quotes may type unit prices other than the list's.
 *
 * Every command targets a document (three times in four one it can act on) and predicts the
 * outcome, refusals by their typed code; macro commands (`advance`, `advanceQuote`) move one
 * order or quote a step along its flow through the same commands, so runs reach deep states.
 *
 * After every command the store must agree with the model: books balance; the AR of the ledger
 * and of HQ equal the open residuals, the advances the unallocated receipts (OWN's are the
 * difference; each receipt's too); on-hand and reserved stock equal the sum of moves; each
 * account's exposure matches and only an unchecked step (a credit note) takes it past its limit;
 * every residual is within [0, total]; each order's quantity ledger, amounts and revision match,
 * its status equals the model's function of them, and it is `to_collect` only while one of its
 * invoices is open; each quote's state, version history, lines and gross match; and a converted
 * quote's order — as drafted, before any amendment — carries exactly the quote's accepted lines.
 */
import {
  Dec,
  decode,
  type Invoice,
  invoiceResidual,
  orderStatus,
  QUOTE_KIND,
  type Receipt,
  receiptUnallocated,
  SALES_KINDS,
  type SalesOrder,
  type SalesQuote,
  type StorePort,
  type TenantId,
  unwrap,
} from '@tradecore/core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { cents, seedSlice, tradecoreFor } from '../fixtures';
import { exposureOf, freshTenant, peek } from '../harness';

type P = 'P1' | 'P2';
type State = 'draft' | 'confirmed' | 'closed' | 'cancelled';
type Cust = 'SUB' | 'SUB2' | 'OWN';
type Party = 'HQ' | 'OWN';
type QState = 'draft' | 'submitted' | 'approved' | 'rejected' | 'converted';
const PRODUCTS: readonly P[] = ['P1', 'P2'];
const PARTIES: readonly Party[] = ['HQ', 'OWN'];
/** The bill-to party (and credit account) of each ordering customer. */
const BILL_TO: Record<Cust, Party> = { SUB: 'HQ', SUB2: 'HQ', OWN: 'OWN' };
/** Whether a receipt of `payer` may pay an invoice billed to `billTo`: itself or its head office. */
const mayPay = (payer: Party, billTo: Party) => payer === billTo || payer === 'HQ';
/** VAT rate per product, in percent. */
const RATE: Record<P, bigint> = { P1: 13n, P2: 6n };
/** List net price per unit, in cents. */
const LIST_NET: Record<P, bigint> = { P1: 1000n, P2: 250n };
/** Net prices a quote may type instead (index 1 and 2; 0 is the list price): VAT exact in cents. */
const TYPED_NET: Record<P, readonly bigint[]> = { P1: [900n, 1200n], P2: [200n, 300n] };
const grossOf = (p: P, net: bigint) => net + (net * RATE[p]) / 100n;
/** Σ settlement differences a settlement may write off (the default sales policy: 1.00). */
const SMALL_DIFFERENCE = 100n;
const TODAY = '2026-11-22';

interface MLine {
  p: P;
  lineNo: number;
  /** Unit net and gross, in cents (the list's or a quote's). */
  net: bigint;
  g: bigint;
  q: bigint;
  delivered: bigint;
  returned: bigint;
  invoiced: bigint;
  credited: bigint;
}
interface MOrder {
  id: string;
  customer: Cust;
  state: State;
  linked: boolean;
  lines: MLine[];
  billed: bigint;
  creditedGross: bigint;
  paid: bigint;
  /** Its revision: 1, plus one per amendment. */
  revision: number;
  /** The quote it was converted from. */
  quote: number | null;
}
interface MDelivery {
  id: string;
  order: number;
  lines: { lineNo: number; orderLineNo: number; p: P; qty: bigint; returned: bigint }[];
}
interface MInvoiceLine {
  lineNo: number;
  order: number;
  orderLineNo: number;
  p: P;
  g: bigint;
  qty: bigint;
  credited: bigint;
}
interface MInvoice {
  id: string;
  billTo: Party;
  lines: MInvoiceLine[];
  gross: bigint;
  credited: bigint;
  settled: bigint;
}
interface MReceipt {
  id: string;
  payer: Party;
  unallocated: bigint;
}
interface MQuoteLine {
  p: P;
  q: bigint;
  net: bigint;
}
interface MQuote {
  id: string;
  customer: Cust;
  version: number;
  status: QState;
  /** Status each earlier version had when it was superseded, oldest first. */
  history: QState[];
  lines: MQuoteLine[];
  order: number | null;
}
interface Model {
  limit: Record<Party, bigint>;
  /**
   * What exposure may reach: the limit, or more while an unchecked step (a credit note on a paid
   * invoice, leaving its goods delivered-not-invoiced again) holds it above — checked steps never
   * raise it past the limit.
   */
  ceiling: Record<Party, bigint>;
  onHand: Record<P, bigint>;
  orders: MOrder[];
  deliveries: MDelivery[];
  invoices: MInvoice[];
  receipts: MReceipt[];
  quotes: MQuote[];
}
interface Real {
  tc: ReturnType<typeof tradecoreFor>;
  tenant: TenantId;
  store: StorePort;
}

const max0 = (x: bigint) => (x < 0n ? 0n : x);
const maxB = (a: bigint, b: bigint) => (a > b ? a : b);
const minB = (a: bigint, b: bigint) => (a < b ? a : b);
const sum = (xs: readonly bigint[]) => xs.reduce((a, b) => a + b, 0n);
const residual = (i: MInvoice) => i.gross - i.credited - i.settled;
const CNY = (c: bigint) => ({ amount: cents(c), currency: 'CNY' });

/** Exposure of one credit account per the bucket rules: open orders, delivered-not-invoiced, open receivables. */
function exposure(m: Model, account: Party): bigint {
  let e = 0n;
  for (const o of m.orders) {
    if (!o.linked || BILL_TO[o.customer] !== account) continue;
    for (const l of o.lines) {
      const netInv = l.invoiced - l.credited;
      if (o.state === 'confirmed') e += max0(l.q - maxB(l.delivered, netInv)) * l.g;
      e += max0(l.delivered - l.returned - netInv) * l.g;
    }
  }
  for (const i of m.invoices) if (i.billTo === account) e += residual(i);
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

/** `a / b` rounded half-up, for a ≥ 0 and b > 0. */
const roundDiv = (a: bigint, b: bigint) => (2n * a + b) / (2n * b);

/** Cumulative split of `total` by `weights`: part k = round(total·W≤k / W) − round(total·W<k / W). */
function cumulativeSplit(total: bigint, weights: readonly bigint[]): bigint[] {
  const whole = sum(weights);
  let before = 0n;
  return weights.map((w) => {
    const part = roundDiv(total * (before + w), whole) - roundDiv(total * before, whole);
    before += w;
    return part;
  });
}

/**
 * Money settled on an invoice is paid on its orders by their share of its gross: the
 * difference of cumulative splits of its settled total after and before (so a fully settled
 * invoice has paid each order exactly its gross on it). Call with `inv.settled` already raised.
 */
function payOrders(m: Model, inv: MInvoice, amount: bigint) {
  const orders = [...new Set(inv.lines.map((l) => l.order))];
  const weights = orders.map((o) =>
    sum(inv.lines.filter((l) => l.order === o).map((l) => l.qty * l.g)),
  );
  const after = cumulativeSplit(inv.settled, weights);
  const prior = cumulativeSplit(inv.settled - amount, weights);
  for (const [k, o] of orders.entries()) m.orders[o]!.paid += after[k]! - prior[k]!;
}

/** A priced line as [product, quantity, unit price]. */
const lineView = (l: {
  productId: string;
  quantity: { value: Dec };
  unitPrice: { toFixed(): string };
}) => [l.productId, l.quantity.value.toFixed(), l.unitPrice.toFixed()];

/** What the invariants read from the store, in one rolled-back transaction. */
interface Snapshot {
  stock: Record<P, { onHand: Dec; reserved: Dec }>;
  exposure: Record<Party, Dec | undefined>;
  invoices: Invoice[];
  receipts: Receipt[];
  orders: SalesOrder[];
  quotes: SalesQuote[];
}

function snapshot(m: Model, r: Real): Promise<Snapshot> {
  return peek<Snapshot>(r.store, r.tenant, async (tx) => {
    // One query per kind (every record of the tenant), then the model's documents by id.
    const all = async <T>(kind: string, ids: readonly string[]) => {
      if (ids.length === 0) return [];
      const byId = new Map((await tx.records.find({ kind })).map((x) => [x.id, x]));
      return ids.map((id) => {
        const rec = byId.get(id);
        if (rec === undefined) throw new Error(`${kind} ${id} is missing`);
        return decode<T>(rec.data);
      });
    };
    const stock = {} as Snapshot['stock'];
    for (const p of PRODUCTS) stock[p] = await tx.stock.level(p, 'W');
    const exposure = {} as Snapshot['exposure'];
    for (const a of PARTIES) {
      const acc = await tx.credit.account(a);
      exposure[a] = acc && exposureOf(acc);
    }
    return {
      stock,
      exposure,
      invoices: await all<Invoice>(
        SALES_KINDS.invoice,
        m.invoices.map((x) => x.id),
      ),
      receipts: await all<Receipt>(
        SALES_KINDS.receipt,
        m.receipts.map((x) => x.id),
      ),
      orders: await all<SalesOrder>(
        SALES_KINDS.order,
        m.orders.map((x) => x.id),
      ),
      quotes: await all<SalesQuote>(
        QUOTE_KIND,
        m.quotes.map((x) => x.id),
      ),
    };
  });
}

async function checkInvariants(m: Model, r: Real): Promise<void> {
  // The books, through the facade: the whole ledger, and the head office's subledger (OWN's is
  // the difference, so it is pinned down too).
  const tb = await r.tc.trialBalance(r.tenant);
  if (!tb.ok) throw new Error('trialBalance failed');
  const debit = tb.value.reduce((a, b) => a.plus(b.debit), new Dec(0));
  const credit = tb.value.reduce((a, b) => a.plus(b.credit), new Dec(0));
  expect(debit.toFixed(2), 'Σ debits = Σ credits').toBe(credit.toFixed(2));
  const hq = await r.tc.trialBalance(r.tenant, 'HQ');
  if (!hq.ok) throw new Error('trialBalance(HQ) failed');
  for (const [books, party] of [
    [tb.value, null],
    [hq.value, 'HQ'],
  ] as const) {
    const mine = <T extends { billTo: Party } | { payer: Party }>(x: T) =>
      party === null || ('billTo' in x ? x.billTo : x.payer) === party;
    const ar = books.find((b) => b.account === '1122');
    expect(
      ar ? ar.debit.minus(ar.credit).toFixed(2) : '0.00',
      `AR ${party ?? 'ledger'} = Σ open residuals`,
    ).toBe(cents(sum(m.invoices.filter(mine).map(residual))));
    const adv = books.find((b) => b.account === '2203');
    expect(
      adv ? adv.credit.minus(adv.debit).toFixed(2) : '0.00',
      `advances ${party ?? 'ledger'} = Σ unallocated`,
    ).toBe(cents(sum(m.receipts.filter(mine).map((x) => x.unallocated))));
  }
  // Every document, in one read.
  const s = await snapshot(m, r);
  for (const p of PRODUCTS) {
    expect(
      [s.stock[p].onHand.toFixed(), s.stock[p].reserved.toFixed()],
      `stock ${p} = Σ moves`,
    ).toEqual([String(m.onHand[p]), String(reserved(m, p))]);
  }
  for (const a of PARTIES) {
    expect(s.exposure[a]?.toFixed(2), `exposure of ${a}`).toBe(cents(exposure(m, a)));
    expect(exposure(m, a) <= m.ceiling[a], `exposure of ${a} within its limit`).toBe(true);
    // From here on only the limit, or the (falling) exposure a credit note left above it.
    m.ceiling[a] = maxB(m.limit[a], exposure(m, a));
  }
  for (const [n, i] of m.invoices.entries()) {
    const real = s.invoices[n]!;
    const res = invoiceResidual(real);
    expect([real.billToId, res.toFixed()], `bill-to, residual of ${i.id}`).toEqual([
      i.billTo,
      cents(residual(i)),
    ]);
    expect(!res.isNegative() && res.lessThanOrEqual(real.gross), '0 ≤ residual ≤ total').toBe(true);
  }
  for (const [n, x] of m.receipts.entries()) {
    const real = s.receipts[n]!;
    expect([real.payerId, receiptUnallocated(real).toFixed()], `receipt ${x.id}`).toEqual([
      x.payer,
      cents(x.unallocated),
    ]);
  }
  for (const [n, o] of m.orders.entries()) {
    const so = s.orders[n]!;
    expect(
      so.lines.map((l) => [
        l.lineNo,
        l.productId,
        l.unitPrice.toFixed(),
        l.gross.toFixed(),
        ...[l.quantity.value, l.delivered, l.returned, l.invoiced, l.credited].map((x) =>
          x.toFixed(),
        ),
      ]),
      `quantity ledger of ${o.id}`,
    ).toEqual(
      o.lines.map((l) => [
        l.lineNo,
        l.p,
        cents(l.net),
        cents(l.q * l.g),
        ...[l.q, l.delivered, l.returned, l.invoiced, l.credited].map(String),
      ]),
    );
    expect(
      [so.revision, so.billedGross.toFixed(), so.creditedGross.toFixed(), so.paid.toFixed()],
      `revision, billed, credited, paid of ${o.id}`,
    ).toEqual([o.revision, cents(o.billed), cents(o.creditedGross), cents(o.paid)]);
    expect(orderStatus(so), `status of ${o.id}`).toBe(status(o));
    // Paid shares of a multi-order invoice must add up per order: when its invoices are all
    // settled or credited, an order has nothing left to collect.
    if (status(o) === 'to_collect') {
      expect(
        m.invoices.some((i) => residual(i) > 0n && i.lines.some((l) => l.order === n)),
        `${o.id} is to_collect: one of its invoices is open`,
      ).toBe(true);
    }
    if (o.quote !== null) {
      // The order as converted (its first revision if amended since) = the quote's accepted lines.
      const mq = m.quotes[o.quote]!;
      let asConverted = so.lines;
      if (o.revision > 1) {
        const revs = await r.tc.salesOrderRevisions(r.tenant, o.id);
        if (!revs.ok || !revs.value) throw new Error('salesOrderRevisions failed');
        expect(revs.value.length, `revisions kept of ${o.id}`).toBe(o.revision - 1);
        asConverted = revs.value[0]!.lines;
      }
      expect(asConverted.map(lineView), `order ${o.id} as converted = its quote's lines`).toEqual(
        mq.lines.map((l) => [l.p, String(l.q), cents(l.net)]),
      );
    }
  }
  for (const [n, mq] of m.quotes.entries()) {
    const q = s.quotes[n]!;
    expect(
      [q.status, q.version, q.history.map((h) => [h.version, h.status]), q.lines.map(lineView)],
      `quote ${mq.id}`,
    ).toEqual([
      mq.status,
      mq.version,
      mq.history.map((st, i) => [i + 1, st]),
      mq.lines.map((l) => [l.p, String(l.q), cents(l.net)]),
    ]);
    expect(q.gross.toFixed(), `gross of quote ${mq.id}`).toBe(
      cents(sum(mq.lines.map((l) => l.q * grossOf(l.p, l.net)))),
    );
    const order = mq.order === null ? null : m.orders[mq.order]!;
    expect(
      [q.orderId, q.status === 'converted' ? q.approval?.decision : null],
      `conversion of quote ${mq.id}`,
    ).toEqual([order?.id ?? null, order ? 'approved' : null]);
  }
}

type Cmd = fc.AsyncCommand<Model, Real>;

/** Picks from `items`, three times in four among those `good` ones. */
function pick<T>(items: T[], k: number, good: (x: T) => boolean): T {
  const fit = items.filter(good);
  if (k % 4 !== 0 && fit.length > 0) return fit[k % fit.length]!;
  return items[k % items.length]!;
}
/** `items[target]` when a macro command aimed this one at it, else {@link pick}. */
function choose<T>(items: T[], target: number | undefined, k: number, good: (x: T) => boolean): T {
  return target === undefined ? pick(items, k, good) : items[target]!;
}
/** Aims a command at the order, invoice(s) or quote at `target`. */
function aim<C extends { target?: number | undefined }>(c: C, target: number): C {
  c.target = target;
  return c;
}
const code = (res: { ok: boolean; error?: { code: string } }) =>
  res.ok ? 'OK' : (res.error as { code: string }).code;

class Draft implements Cmd {
  constructor(
    readonly customer: Cust,
    readonly p1: number,
    readonly p2: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const lines = [];
    if (this.p1 > 0) lines.push({ productId: 'P1', quantity: String(this.p1) });
    if (this.p2 > 0) lines.push({ productId: 'P2', quantity: String(this.p2) });
    const res = await r.tc.draftSalesOrder(r.tenant, {
      customerId: this.customer,
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
      if (q > 0) ml.push(newLine(p, ml.length + 1, BigInt(q), LIST_NET[p]));
    }
    expect(res.value.billToId).toBe(BILL_TO[this.customer]);
    m.orders.push(newOrder(res.value.id, this.customer, ml, null));
    await checkInvariants(m, r);
  }
  toString = () => `draft(${this.customer}, P1×${this.p1}, P2×${this.p2})`;
}

function newLine(p: P, lineNo: number, q: bigint, net: bigint): MLine {
  const g = grossOf(p, net);
  return { p, lineNo, net, g, q, delivered: 0n, returned: 0n, invoiced: 0n, credited: 0n };
}
function newOrder(id: string, customer: Cust, lines: MLine[], quote: number | null): MOrder {
  return {
    id,
    customer,
    state: 'draft',
    linked: false,
    lines,
    billed: 0n,
    creditedGross: 0n,
    paid: 0n,
    revision: 1,
    quote,
  };
}

abstract class OnOrder implements Cmd {
  abstract readonly source: State;
  target?: number;
  constructor(readonly k: number) {}
  check = (m: Readonly<Model>) => m.orders.length > 0;
  abstract run(m: Model, r: Real): Promise<void>;
  /** The orders this command is meant for (picked three times in four). */
  good(o: MOrder): boolean {
    return o.state === this.source;
  }
  order(m: Model) {
    return choose(m.orders, this.target, this.k, (o) => this.good(o));
  }
}

/** What a confirmation/reopen (or an amendment of a confirmed order) adds, and whether it fits. */
function expectReserve(m: Model, o: MOrder, lines: MLine[]): string {
  const account = BILL_TO[o.customer];
  const before = exposure(m, account);
  const saved = { state: o.state, lines: o.lines, linked: o.linked };
  Object.assign(o, { state: 'confirmed', lines, linked: true });
  const after = exposure(m, account);
  const need = PRODUCTS.map((p) => reserved(m, p));
  Object.assign(o, saved);
  if (after > before && after > m.limit[account]) return 'CREDIT_LIMIT_EXCEEDED';
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
  /** Mostly orders that shipped something (a short close or a finished order). */
  override good(o: MOrder) {
    return o.state === 'confirmed' && o.lines.some((l) => l.delivered > 0n);
  }
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
  readonly source = 'draft' as const;
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
    if (expected === 'OK') {
      o.lines = lines;
      o.revision += 1;
    }
    await checkInvariants(m, r);
  }
  override toString = () => `amend(${this.k}, line ${this.line}, ${this.qty})`;
}

const openToDeliver = (l: MLine) => l.q > l.delivered;

class Deliver extends OnOrder {
  readonly source = 'confirmed' as const;
  constructor(
    k: number,
    readonly line: number,
    readonly qty: number,
    /** Deliver all that is open on the line (else `qty`). */
    readonly rest: boolean,
  ) {
    super(k);
  }
  override good(o: MOrder) {
    return o.state === 'confirmed' && o.lines.some(openToDeliver);
  }
  override async run(m: Model, r: Real) {
    const o = this.order(m);
    const l = pick(o.lines, this.line, openToDeliver);
    const q = this.rest && l.q > l.delivered ? l.q - l.delivered : BigInt(this.qty);
    const res = await r.tc.deliverSalesOrder(r.tenant, {
      orderId: o.id,
      lines: [{ lineNo: l.lineNo, quantity: String(q) }],
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
        lines: [{ lineNo: 1, orderLineNo: l.lineNo, p: l.p, qty: q, returned: 0n }],
      });
      expect(res.value.lines[0]?.orderLineNo).toBe(l.lineNo);
    }
    await checkInvariants(m, r);
  }
  override toString = () =>
    `deliver(${this.k}, line ${this.line}, ${this.rest ? 'rest' : this.qty})`;
}

/** What a line may still be invoiced (by delivery, the default invoice policy). */
const billable = (l: MLine) => max0(l.delivered - l.returned - (l.invoiced - l.credited));
const invoiceable = (o: MOrder) =>
  ['confirmed', 'closed'].includes(o.state) && o.lines.some((l) => billable(l) > 0n);

/**
 * The outcome of invoicing `orders` (in this order) on one invoice, checked against `res` and
 * applied to the model.
 */
function expectInvoice(
  m: Model,
  orders: readonly MOrder[],
  res: Awaited<ReturnType<Real['tc']['invoice']>>,
) {
  const distinct = [...new Set(orders)];
  const lines: MInvoiceLine[] = [];
  for (const o of distinct) {
    for (const l of o.lines) {
      const b = billable(l);
      if (b === 0n) continue;
      lines.push({
        lineNo: lines.length + 1,
        order: m.orders.indexOf(o),
        orderLineNo: l.lineNo,
        p: l.p,
        g: l.g,
        qty: b,
        credited: 0n,
      });
    }
  }
  const billTo = BILL_TO[distinct[0]!.customer];
  const expected = distinct.some((o) => !['confirmed', 'closed'].includes(o.state))
    ? 'ILLEGAL_TRANSITION'
    : distinct.some((o) => BILL_TO[o.customer] !== billTo)
      ? 'PARTY_MISMATCH'
      : lines.length === 0
        ? 'NOTHING_TO_INVOICE'
        : 'OK';
  expect(code(res)).toBe(expected);
  if (!res.ok) return;
  for (const il of lines) {
    const o = m.orders[il.order]!;
    o.lines.find((x) => x.lineNo === il.orderLineNo)!.invoiced += il.qty;
    o.billed += il.qty * il.g;
  }
  const gross = sum(lines.map((l) => l.qty * l.g));
  expect(
    [
      res.value.gross.toFixed(),
      res.value.billToId,
      res.value.orderIds,
      res.value.lines.map((l) => [l.orderId, l.orderLineNo, l.quantity.value.toFixed()]),
    ],
    'invoice',
  ).toEqual([
    cents(gross),
    billTo,
    [...new Set(lines.map((l) => m.orders[l.order]!.id))],
    lines.map((l) => [m.orders[l.order]!.id, l.orderLineNo, String(l.qty)]),
  ]);
  m.invoices.push({ id: res.value.id, billTo, lines, gross, credited: 0n, settled: 0n });
}

class InvoiceOne extends OnOrder {
  readonly source = 'confirmed' as const;
  override good(o: MOrder) {
    return invoiceable(o);
  }
  override async run(m: Model, r: Real) {
    const o = this.order(m);
    const res = await r.tc.invoiceSalesOrder(r.tenant, { orderId: o.id });
    expectInvoice(m, [o], res);
    await checkInvariants(m, r);
  }
  override toString = () => `invoice(${this.k})`;
}

/** Head-office billing: two orders on one invoice (subsidiaries billed to HQ, mostly). */
class InvoiceMany implements Cmd {
  target?: number;
  constructor(
    readonly k1: number,
    readonly k2: number,
  ) {}
  check = (m: Readonly<Model>) => m.orders.length > 0;
  async run(m: Model, r: Real) {
    const a = choose(m.orders, this.target, this.k1, invoiceable);
    const b = pick(
      m.orders,
      this.k2,
      (o) => o !== a && invoiceable(o) && BILL_TO[o.customer] === BILL_TO[a.customer],
    );
    const res = await r.tc.invoice(r.tenant, { orderIds: [a.id, b.id] });
    expectInvoice(m, [a, b], res);
    await checkInvariants(m, r);
  }
  toString = () => `invoiceMany(${this.k1}, ${this.k2})`;
}

class Receive implements Cmd {
  constructor(
    readonly payer: Party,
    readonly amount: bigint,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const res = await r.tc.recordReceipt(r.tenant, {
      payerId: this.payer,
      amount: CNY(this.amount),
    });
    if (!res.ok) throw new Error(`receipt failed: ${res.error.message}`);
    m.receipts.push({ id: res.value.id, payer: this.payer, unallocated: this.amount });
    await checkInvariants(m, r);
  }
  toString = () => `receipt(${this.payer}, ${cents(this.amount)})`;
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
    const inv = pick(m.invoices, this.ii, (x) => residual(x) > 0n && mayPay(rc.payer, x.billTo));
    const cap = minB(rc.unallocated, residual(inv));
    const amt = this.how === 'max' ? cap : this.how === 'over' ? cap + 1n : this.amount;
    const res = await r.tc.writeOff(r.tenant, {
      receiptId: rc.id,
      invoiceId: inv.id,
      amount: CNY(amt),
    });
    const expected =
      amt <= 0n
        ? 'VALIDATION_FAILED'
        : amt > cap
          ? 'OVER_ALLOCATION'
          : !mayPay(rc.payer, inv.billTo)
            ? 'PARTY_MISMATCH'
            : 'OK';
    expect(code(res)).toBe(expected);
    if (expected === 'OK') {
      rc.unallocated -= amt;
      inv.settled += amt;
      payOrders(m, inv, amt);
    }
    await checkInvariants(m, r);
  }
  toString = () => `writeOff(r${this.ri}, i${this.ii}, ${this.how} ${cents(this.amount)})`;
}

type SettleMode =
  | 'full'
  | 'part'
  | 'diff'
  | 'bigDiff'
  | 'overInvoice'
  | 'overReceipt'
  | 'unbalanced';

/**
 * A many-to-many settlement (核销): several receipts over several invoices in one command,
 * optionally with a small difference written off. Amounts are built to fit (or, per `mode`, not
 * to); the expected outcome is then derived from the amounts alone.
 */
class Settle implements Cmd {
  /** The invoices to settle (indices), when a macro command chose them. */
  only?: number[];
  constructor(
    readonly ris: readonly number[],
    readonly iis: readonly number[],
    readonly mode: SettleMode,
    readonly pct: number,
    readonly diff: bigint,
  ) {}
  check = (m: Readonly<Model>) => m.invoices.length > 0;
  async run(m: Model, r: Real) {
    const invs =
      this.only?.map((i) => m.invoices[i]!) ??
      this.iis.map((k) => pick(m.invoices, k, (x) => residual(x) > 0n));
    const rcs =
      m.receipts.length === 0
        ? []
        : this.ris.map((k) =>
            pick(
              m.receipts,
              k,
              (x) => x.unallocated > 0n && invs.every((i) => mayPay(x.payer, i.billTo)),
            ),
          );
    // Invoice amounts: all or part of what is left of each (an invoice may be listed twice).
    const leftI = new Map<MInvoice, bigint>();
    const iAmts: [MInvoice, bigint][] = [];
    for (const inv of invs) {
      const left = leftI.get(inv) ?? residual(inv);
      const a = this.mode === 'part' ? maxB(1n, (left * BigInt(this.pct)) / 100n) : left;
      if (left <= 0n) continue;
      leftI.set(inv, left - a);
      iAmts.push([inv, a]);
    }
    if (iAmts.length === 0) iAmts.push([invs[0]!, 1n]);
    if (this.mode === 'overInvoice') iAmts[0]![1] += 1n;
    const total = sum(iAmts.map(([, a]) => a));
    const d =
      this.mode === 'diff'
        ? minB(this.diff, total)
        : this.mode === 'bigDiff'
          ? SMALL_DIFFERENCE + this.diff
          : 0n;
    // Receipt amounts: cover total − difference in receipt order.
    let need = max0(total - d);
    const leftR = new Map<MReceipt, bigint>();
    const rAmts: [MReceipt, bigint][] = [];
    for (const rc of rcs) {
      if (need === 0n) break;
      const left = leftR.get(rc) ?? rc.unallocated;
      const a = minB(left, need);
      if (a <= 0n) continue;
      leftR.set(rc, left - a);
      rAmts.push([rc, a]);
      need -= a;
    }
    if (need > 0n && rcs.length > 0) {
      if (rAmts.length > 0) rAmts[rAmts.length - 1]![1] += need;
      else rAmts.push([rcs[0]!, need]);
    }
    if (this.mode === 'overReceipt' && rAmts.length > 0) {
      const extra = (leftR.get(rAmts[0]![0]) ?? 0n) + 1n;
      rAmts[0]![1] += extra;
      iAmts[iAmts.length - 1]![1] += extra;
    }
    if (this.mode === 'unbalanced') {
      if (rAmts.length > 0) rAmts[0]![1] += 1n;
      else iAmts[0]![1] += 1n;
    }
    const res = await r.tc.settle(r.tenant, {
      receipts: rAmts.map(([rc, a]) => ({ receiptId: rc.id, amount: CNY(a) })),
      invoices: iAmts.map(([inv, a]) => ({ invoiceId: inv.id, amount: CNY(a) })),
      ...(d > 0n ? { difference: { amount: CNY(d), reason: 'bank charge' } } : {}),
    });
    // The expected outcome, from the amounts alone.
    const askedR = new Map<MReceipt, bigint>();
    for (const [rc, a] of rAmts) askedR.set(rc, (askedR.get(rc) ?? 0n) + a);
    const askedI = new Map<MInvoice, bigint>();
    for (const [inv, a] of iAmts) askedI.set(inv, (askedI.get(inv) ?? 0n) + a);
    const expected =
      sum(rAmts.map(([, a]) => a)) + d !== sum(iAmts.map(([, a]) => a))
        ? 'SETTLEMENT_UNBALANCED'
        : d > SMALL_DIFFERENCE
          ? 'DIFFERENCE_TOO_LARGE'
          : [...askedR].some(([rc, a]) => a > rc.unallocated) ||
              [...askedI].some(([inv, a]) => a > residual(inv))
            ? 'OVER_ALLOCATION'
            : [...askedR.keys()].some((rc) =>
                  [...askedI.keys()].some((inv) => !mayPay(rc.payer, inv.billTo)),
                )
              ? 'PARTY_MISMATCH'
              : 'OK';
    expect(code(res), 'settle').toBe(expected);
    if (res.ok) {
      // Money from receipts in order to invoices in order; the difference takes the tail.
      const pairs: (string | null)[][] = [];
      const queue = rAmts.map(([rc, a]) => ({ rc, left: a }));
      let qi = 0;
      for (const [inv, a] of iAmts) {
        let want = a;
        while (want > 0n && qi < queue.length) {
          const src = queue[qi]!;
          const take = minB(want, src.left);
          if (take > 0n) pairs.push([src.rc.id, inv.id, cents(take), 'allocation']);
          want -= take;
          src.left -= take;
          if (src.left === 0n) qi++;
        }
        if (want > 0n) pairs.push([null, inv.id, cents(want), 'difference']);
      }
      expect(
        res.value.writeOffs.map((w) => [w.receiptId, w.invoiceId, w.amount.toFixed(), w.kind]),
        'settlement pairs',
      ).toEqual(pairs);
      for (const [rc, a] of askedR) rc.unallocated -= a;
      for (const [inv, a] of askedI) {
        inv.settled += a;
        payOrders(m, inv, a);
      }
    }
    await checkInvariants(m, r);
  }
  toString = () =>
    `settle(r[${this.ris}], i[${this.iis}], ${this.mode} ${this.pct}% diff ${this.diff})`;
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
      m.orders[d.order]!.lines.find((x) => x.lineNo === dl.orderLineNo)!.returned += q;
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
      let gross = 0n;
      for (const [k, l] of inv.lines.entries()) {
        const q = open[k]!;
        if (q === 0n) continue;
        l.credited += q;
        gross += q * l.g;
        const o = m.orders[l.order]!;
        o.lines.find((x) => x.lineNo === l.orderLineNo)!.credited += q;
        o.creditedGross += q * l.g;
      }
      const toInvoice = minB(gross, residual(inv));
      inv.credited += toInvoice;
      // Unchecked: the part beyond the residual leaves the goods delivered-not-invoiced again.
      m.ceiling[inv.billTo] = maxB(m.ceiling[inv.billTo], exposure(m, inv.billTo));
      expect(res.value.gross.toFixed()).toBe(cents(gross));
      if (gross > toInvoice) {
        expect(res.value.balanceId).not.toBeNull();
        m.receipts.push({
          id: res.value.balanceId as string,
          payer: inv.billTo,
          unallocated: gross - toInvoice,
        });
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

// ---- quotes ----

/** Requested quote lines: P1 and/or P2, each at the list price (0) or a typed one (1, 2). */
interface QuoteAsk {
  readonly p1: number;
  readonly p2: number;
  readonly price1: number;
  readonly price2: number;
}
function quoteLines(a: QuoteAsk) {
  const model: MQuoteLine[] = [];
  const input = [];
  for (const [p, q, price] of [
    ['P1', a.p1, a.price1],
    ['P2', a.p2, a.price2],
  ] as const) {
    if (q === 0) continue;
    const net = price === 0 ? LIST_NET[p] : TYPED_NET[p][price - 1]!;
    model.push({ p, q: BigInt(q), net });
    input.push({
      productId: p,
      quantity: String(q),
      ...(price === 0 ? {} : { unitPrice: CNY(net) }),
    });
  }
  return { model, input };
}
const askString = (a: QuoteAsk) => `P1×${a.p1}@${a.price1}, P2×${a.p2}@${a.price2}`;

class CreateQuote implements Cmd {
  constructor(
    readonly customer: Cust,
    readonly ask: QuoteAsk,
    readonly validity: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const { model, input } = quoteLines(this.ask);
    // 0: yesterday (born lapsed, refused), 1: today (valid through today), else later.
    const validUntil =
      this.validity === 0 ? '2026-11-21' : this.validity === 1 ? TODAY : '2026-12-31';
    const res = await r.tc.createQuote(r.tenant, {
      customerId: this.customer,
      priceListId: 'PL',
      validUntil,
      lines: input,
    });
    const expected = input.length === 0 || this.validity === 0 ? 'VALIDATION_FAILED' : 'OK';
    expect(code(res)).toBe(expected);
    if (res.ok) {
      m.quotes.push({
        id: res.value.id,
        customer: this.customer,
        version: 1,
        status: 'draft',
        history: [],
        lines: model,
        order: null,
      });
    }
    await checkInvariants(m, r);
  }
  toString = () => `createQuote(${this.customer}, ${askString(this.ask)}, v${this.validity})`;
}

/** The version a caller names: the latest, or (`stale`) one that is not. */
const versionOf = (q: MQuote, stale: boolean) =>
  stale ? (q.version > 1 ? q.version - 1 : q.version + 1) : q.version;

class ReviseQuote implements Cmd {
  target?: number;
  constructor(
    readonly k: number,
    readonly ask: QuoteAsk,
    readonly stale: boolean,
  ) {}
  check = (m: Readonly<Model>) => m.quotes.length > 0;
  async run(m: Model, r: Real) {
    const q = choose(m.quotes, this.target, this.k, (x) => x.status !== 'converted');
    const { model, input } = quoteLines(this.ask);
    const res = await r.tc.reviseQuote(r.tenant, {
      quoteId: q.id,
      version: versionOf(q, this.stale),
      lines: input,
    });
    const expected =
      input.length === 0
        ? 'VALIDATION_FAILED'
        : this.stale
          ? 'QUOTE_NOT_LATEST'
          : q.status === 'converted'
            ? 'ILLEGAL_TRANSITION'
            : 'OK';
    expect(code(res)).toBe(expected);
    if (res.ok) {
      q.history.push(q.status);
      q.version += 1;
      q.status = 'draft';
      q.lines = model;
    }
    await checkInvariants(m, r);
  }
  toString = () => `reviseQuote(${this.k}, ${askString(this.ask)}${this.stale ? ', stale' : ''})`;
}

class SubmitQuote implements Cmd {
  target?: number;
  constructor(readonly k: number) {}
  check = (m: Readonly<Model>) => m.quotes.length > 0;
  async run(m: Model, r: Real) {
    const q = choose(m.quotes, this.target, this.k, (x) => x.status === 'draft');
    const res = await r.tc.submitQuote(r.tenant, { quoteId: q.id });
    const expected = q.status === 'draft' ? 'OK' : 'ILLEGAL_TRANSITION';
    expect(code(res)).toBe(expected);
    if (res.ok) q.status = 'submitted';
    await checkInvariants(m, r);
  }
  toString = () => `submitQuote(${this.k})`;
}

class DecideQuote implements Cmd {
  target?: number;
  constructor(
    readonly k: number,
    readonly approve: boolean,
  ) {}
  check = (m: Readonly<Model>) => m.quotes.length > 0;
  async run(m: Model, r: Real) {
    const q = choose(m.quotes, this.target, this.k, (x) => x.status === 'submitted');
    const res = this.approve
      ? await r.tc.approveQuote(r.tenant, { quoteId: q.id, approverId: 'boss' })
      : await r.tc.rejectQuote(r.tenant, { quoteId: q.id, approverId: 'boss', reason: 'too dear' });
    const expected = q.status === 'submitted' ? 'OK' : 'ILLEGAL_TRANSITION';
    expect(code(res)).toBe(expected);
    if (res.ok) q.status = this.approve ? 'approved' : 'rejected';
    await checkInvariants(m, r);
  }
  toString = () => `${this.approve ? 'approve' : 'reject'}Quote(${this.k})`;
}

class ConvertQuote implements Cmd {
  target?: number;
  constructor(
    readonly k: number,
    readonly want: 'approved' | 'converted',
    readonly stale: boolean,
  ) {}
  check = (m: Readonly<Model>) => m.quotes.length > 0;
  async run(m: Model, r: Real) {
    const q = choose(m.quotes, this.target, this.k, (x) => x.status === this.want);
    const res = await r.tc.convertQuote(r.tenant, {
      quoteId: q.id,
      warehouseId: 'W',
      ...(this.stale ? { version: versionOf(q, true) } : {}),
    });
    const expected = this.stale
      ? 'QUOTE_NOT_LATEST'
      : q.status === 'converted'
        ? 'QUOTE_ALREADY_CONVERTED'
        : q.status !== 'approved'
          ? 'QUOTE_NOT_APPROVED'
          : 'OK';
    expect(code(res)).toBe(expected);
    if (res.ok) {
      const lines = q.lines.map((l, i) => newLine(l.p, i + 1, l.q, l.net));
      expect([res.value.order.state, res.value.order.customerId, res.value.quote.orderId]).toEqual([
        'draft',
        q.customer,
        res.value.order.id,
      ]);
      expect(res.value.order.gross.toFixed()).toBe(cents(sum(lines.map((l) => l.q * l.g))));
      m.orders.push(newOrder(res.value.order.id, q.customer, lines, m.quotes.indexOf(q)));
      q.status = 'converted';
      q.order = m.orders.length - 1;
    }
    await checkInvariants(m, r);
  }
  toString = () => `convertQuote(${this.k}, ${this.want}${this.stale ? ', stale' : ''})`;
}

// ---- macro commands: drive one document a step along its flow ----

/**
 * Moves one order a step along its flow by running the command for its status — confirm,
 * deliver the rest of a line, invoice it (alone or with another order to the same bill-to
 * party), or collect it (a receipt if none can pay, then a settlement of its open invoices) —
 * so that runs reach deep states; every expectation is the aimed command's own.
 */
/** An order's statuses along its flow. */
const STAGES = ['draft', 'to_deliver', 'partially_delivered', 'to_invoice', 'to_collect'];

class Advance implements Cmd {
  constructor(
    readonly k: number,
    readonly x: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const inFlight = (o: MOrder) => !['completed', 'cancelled', 'closed'].includes(status(o));
    if (!m.orders.some(inFlight)) {
      const c = (['SUB', 'SUB2', 'OWN'] as const)[this.x % 3]!;
      return new Draft(c, 1 + (this.x % 3), this.x % 4).run(m, r);
    }
    // Half the time the order furthest along (depth first), else any order under way.
    const stage = (o: MOrder) => STAGES.indexOf(status(o));
    const ahead = m.orders.reduce((a, o) => (inFlight(o) && stage(o) > stage(a) ? o : a));
    const at = m.orders.indexOf(this.x % 2 === 0 ? ahead : pick(m.orders, this.k, inFlight));
    const o = m.orders[at]!;
    switch (status(o)) {
      case 'draft':
        return aim(new Confirm(0), at).run(m, r);
      case 'to_deliver':
      case 'partially_delivered':
        return aim(new Deliver(0, 1, 1, true), at).run(m, r);
      case 'to_invoice':
        return this.invoice(m, r, at);
      case 'to_collect':
        return this.collect(m, r, at);
      // Nothing left to do on it: close it (or try to reopen it).
      default:
        return this.x % 3 === 0
          ? aim(new Reopen(0), at).run(m, r)
          : aim(new Close(0), at).run(m, r);
    }
  }
  /** Head-office billing when another order of the bill-to party waits too; else mostly alone. */
  async invoice(m: Model, r: Real, at: number) {
    const o = m.orders[at]!;
    const partner = m.orders.some(
      (x) => x !== o && invoiceable(x) && BILL_TO[x.customer] === BILL_TO[o.customer],
    );
    if (partner || this.x % 4 === 0) return aim(new InvoiceMany(0, this.x), at).run(m, r);
    // Now and then let another order catch up first, so that two wait for one invoice.
    const other = m.orders.findIndex(
      (x) => x !== o && BILL_TO[x.customer] === BILL_TO[o.customer] && status(x) !== 'to_invoice',
    );
    if (
      this.x % 2 === 1 &&
      other >= 0 &&
      ['to_deliver', 'partially_delivered', 'draft'].includes(status(m.orders[other]!))
    ) {
      const step =
        status(m.orders[other]!) === 'draft' ? new Confirm(0) : new Deliver(0, 1, 1, true);
      return aim(step, other).run(m, r);
    }
    return aim(new InvoiceOne(0), at).run(m, r);
  }
  /**
   * Collects an order: its open invoices — with the bill-to party's other open invoices, half
   * the time, and for a self-billed subsidiary now and then its head office's too, paid by the
   * head office — from the receipts there are, after recording what is missing (in two parts,
   * half the time).
   */
  async collect(m: Model, r: Real, at: number) {
    const mine = (inv: MInvoice) => inv.lines.some((l) => l.order === at);
    const billTo = BILL_TO[m.orders[at]!.customer];
    const also = (inv: MInvoice) =>
      (this.x % 2 === 1 && inv.billTo === billTo) || (this.x % 3 === 0 && inv.billTo === 'HQ');
    const open = m.invoices
      .flatMap((inv, i) => (residual(inv) > 0n && (mine(inv) || also(inv)) ? [i] : []))
      .slice(0, 4);
    if (!open.some((i) => mine(m.invoices[i]!))) return aim(new Close(0), at).run(m, r);
    const invs = open.map((i) => m.invoices[i]!);
    const due = sum(invs.map(residual));
    const payers = PARTIES.filter((p) => invs.every((inv) => mayPay(p, inv.billTo)));
    const payer = payers.includes('OWN') && this.x % 2 === 0 ? 'OWN' : 'HQ';
    const funds = sum(
      m.receipts
        .filter((x) => invs.every((inv) => mayPay(x.payer, inv.billTo)))
        .map((x) => x.unallocated),
    );
    if (funds < due) {
      const short = due - funds + BigInt(this.x);
      const first = this.x % 2 === 0 && short > 1n ? short / 2n : short;
      await new Receive(payer, first).run(m, r);
      if (first < short) await new Receive(payer, short - first).run(m, r);
    }
    const mode: SettleMode = this.x % 4 === 0 ? 'part' : this.x % 7 === 0 ? 'diff' : 'full';
    const settle = new Settle([1, 2, 3], [0], mode, 50, 7n);
    settle.only = open;
    return settle.run(m, r);
  }
  toString = () => `advance(${this.k}, ${this.x})`;
}

/**
 * Moves one quote a step: submit, approve (or now and then reject), convert (again, if it picked
 * a converted one: refused), or revise a rejected one — or makes one when none is under way.
 */
class AdvanceQuote implements Cmd {
  constructor(
    readonly k: number,
    readonly x: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    if (!m.quotes.some((q) => q.status !== 'converted')) {
      const ask = { p1: this.x % 3, p2: 1 + (this.x % 4), price1: this.x % 3, price2: this.x % 2 };
      return new CreateQuote(this.x % 3 === 0 ? 'OWN' : 'SUB2', ask, 2).run(m, r);
    }
    const at = m.quotes.indexOf(pick(m.quotes, this.k, (q) => q.status !== 'converted'));
    const q = m.quotes[at]!;
    switch (q.status) {
      case 'draft':
        return aim(new SubmitQuote(0), at).run(m, r);
      case 'submitted':
        return aim(new DecideQuote(0, this.x % 5 !== 0), at).run(m, r);
      case 'rejected': {
        const ask = { p1: this.x % 4, p2: 1 + (this.x % 3), price1: this.x % 3, price2: 0 };
        return aim(new ReviseQuote(0, ask, false), at).run(m, r);
      }
      default:
        // approved (convert it) or converted (convert it again: refused).
        return aim(new ConvertQuote(0, 'approved', false), at).run(m, r);
    }
  }
  toString = () => `advanceQuote(${this.k}, ${this.x})`;
}

const k = fc.nat(50);
const cust = fc.constantFrom<Cust>('SUB', 'SUB', 'SUB2', 'OWN');
const draftArb = fc
  .tuple(cust, fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }))
  .map(([c, a, b]) => new Draft(c, a, b));
const writeOffArb = fc
  .tuple(
    fc.nat(20),
    fc.nat(20),
    fc.constantFrom('max', 'exact', 'over'),
    fc.bigInt({ min: 0n, max: 8_000n }),
  )
  .map(([a, b, how, amt]) => new WriteOff(a, b, how as 'max' | 'exact' | 'over', amt));
const askArb: fc.Arbitrary<QuoteAsk> = fc.record({
  p1: fc.integer({ min: 0, max: 5 }),
  p2: fc.integer({ min: 0, max: 6 }),
  price1: fc.nat(2),
  price2: fc.nat(2),
});
const settleArb = fc
  .tuple(
    fc.array(fc.nat(20), { minLength: 0, maxLength: 3 }),
    fc.array(fc.nat(20), { minLength: 1, maxLength: 3 }),
    fc.constantFrom<SettleMode>(
      'full',
      'full',
      'part',
      'part',
      'diff',
      'bigDiff',
      'overInvoice',
      'overReceipt',
      'unbalanced',
    ),
    fc.integer({ min: 1, max: 99 }),
    fc.bigInt({ min: 1n, max: 150n }),
  )
  .map(([rs, is, mode, pct, diff]) => new Settle(rs, is, mode, pct, diff));
const deliverArb = fc
  .tuple(k, fc.nat(3), fc.integer({ min: 1, max: 7 }), fc.boolean())
  .map(([a, b, c, rest]) => new Deliver(a, b, c, rest));
/** The command mix: each entry is drawn equally often (macro commands carry the flow forward). */
const commandArbs = [
  draftArb,
  draftArb,
  k.map((x) => new Confirm(x)),
  fc.tuple(k, fc.nat(3), fc.integer({ min: 1, max: 8 })).map(([a, b, c]) => new Amend(a, b, c)),
  k.map((x) => new Cancel(x)),
  k.map((x) => new Close(x)),
  k.map((x) => new Reopen(x)),
  deliverArb,
  deliverArb,
  k.map((x) => new InvoiceOne(x)),
  fc.tuple(k, k).map(([a, b]) => new InvoiceMany(a, b)),
  fc
    .tuple(fc.constantFrom<Party>('HQ', 'HQ', 'OWN'), fc.bigInt({ min: 1n, max: 15_000n }))
    .map(([p, a]) => new Receive(p, a)),
  writeOffArb,
  settleArb,
  settleArb,
  fc.tuple(fc.nat(20), fc.integer({ min: 1, max: 4 })).map(([a, b]) => new Return(a, b)),
  fc.nat(20).map((a) => new CreditNote(a)),
  fc
    .tuple(fc.constantFrom('P1', 'P2'), fc.integer({ min: 1, max: 15 }))
    .map(([p, q]) => new Restock(p as P, q)),
  fc.tuple(cust, askArb, fc.nat(5)).map(([c, a, v]) => new CreateQuote(c, a, v)),
  fc.tuple(k, askArb, fc.nat(5)).map(([x, a, s]) => new ReviseQuote(x, a, s === 0)),
  k.map((x) => new SubmitQuote(x)),
  fc.tuple(k, fc.nat(4)).map(([x, a]) => new DecideQuote(x, a !== 0)),
  fc
    .tuple(
      k,
      fc.constantFrom<'approved' | 'converted'>('approved', 'approved', 'converted'),
      fc.nat(7),
    )
    .map(([x, w, s]) => new ConvertQuote(x, w, s === 0)),
  ...Array.from({ length: 10 }, () => fc.tuple(k, k).map(([a, b]) => new Advance(a, b))),
  ...Array.from({ length: 3 }, () => fc.tuple(k, k).map(([a, b]) => new AdvanceQuote(a, b))),
];

/** Registers SUB2 (billed to HQ, head office HQ) and OWN (self-billed, head office HQ). */
async function seedHeadOffice(tc: Real['tc'], tenant: TenantId, ownLimit: bigint) {
  unwrap(
    await tc.registerCustomer(tenant, {
      id: 'SUB2',
      name: 'Second subsidiary',
      billToId: 'HQ',
      headOfficeId: 'HQ',
      shipTo: [{ id: 'S9', name: 'Terminal 9', address: 'D' }],
    }),
  );
  unwrap(
    await tc.registerCustomer(tenant, {
      id: 'OWN',
      name: 'Self-billed subsidiary',
      headOfficeId: 'HQ',
      shipTo: [{ id: 'O1', name: 'Own dock', address: 'E' }],
    }),
  );
  unwrap(await tc.setCreditLimit(tenant, { customerId: 'OWN', limit: CNY(ownLimit) }));
}

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
      await seedHeadOffice(tc, tenant, 12000n);
      const model: Model = {
        limit: { HQ: 20000n, OWN: 12000n },
        ceiling: { HQ: 20000n, OWN: 12000n },
        onHand: { P1: 12n, P2: 20n },
        orders: [],
        deliveries: [],
        invoices: [],
        receipts: [],
        quotes: [],
      };
      await fc.asyncModelRun(() => ({ model, real: { tc, tenant, store } }), cmds);
    }),
    { numRuns, seed: Number(process.env.TRADECORE_FC_SEED ?? 20261122), endOnFailure: true },
  );
}
