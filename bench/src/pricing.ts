/**
 * `pnpm bench:pricing` — resolving 50-line orders against price books of 1k, 100k and 1M
 * customer agreements (plus the same lists, general rules, floors and free goods in each), by
 * the compiled index and, in the same run, by a naive linear scan over every rule. Prints line
 * resolutions/s, p50/p99 per order, compile time and heap bytes per agreement; the last line is
 * one JSON object.
 *
 * Throughput is the median of 5 rounds. Environment: TRADECORE_BENCH_PRICING_ORDERS (timed
 * orders per size, default 5000),
 * TRADECORE_BENCH_PRICING_SIZES (default `1000,100000,1000000`).
 * Run with `--expose-gc` (the script does) for the memory figure.
 */
import {
  canonicalJson,
  compilePriceBook,
  type PriceBook,
  type PricingContext,
  type PricingLine,
  resolveOrder,
  resolveOrderNaive,
  unwrap,
} from '@tradecore/core';
import { agreements, baseData, LINES, orderOf, PER_CUSTOMER, prng } from './pricing-data';
import { median, quantile, r } from './stats';

const ORDERS = Number(process.env.TRADECORE_BENCH_PRICING_ORDERS ?? 5000);
const SIZES = (process.env.TRADECORE_BENCH_PRICING_SIZES ?? '1000,100000,1000000')
  .split(',')
  .map(Number);
const DISTINCT_ORDERS = 500;
const ROUNDS = 5;
const WARMUP_MS = 2000;
const NAIVE_BUDGET_MS = Number(process.env.TRADECORE_BENCH_PRICING_NAIVE_MS ?? 3000);

type Order = { ctx: PricingContext; lines: PricingLine[] };
type Resolver = typeof resolveOrder;

const gc = (globalThis as { gc?: () => void }).gc;
function heap(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

function time(
  book: PriceBook,
  orders: readonly Order[],
  n: number,
  resolve: Resolver,
  budgetMs = Infinity,
  offset = 0,
) {
  const lat: number[] = [];
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  let lines = 0;
  for (let i = 0; i < n; i++) {
    const o = orders[(offset + i) % orders.length] as Order;
    const t0 = process.hrtime.bigint();
    const res = resolve(book, o.ctx, o.lines);
    lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (!res.ok) throw new Error(`order ${i}: ${res.error.code} ${res.error.message}`);
    lines += o.lines.length;
    if (Number(process.hrtime.bigint() - start) / 1e6 > budgetMs) break;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return {
    linesPerSec: lines / seconds,
    linesPerCpuSec: lines / ((cpu.user + cpu.system) / 1e6),
    p50: quantile(lat, 0.5),
    p99: quantile(lat, 0.99),
    orders: lat.length,
    lat,
  };
}

/**
 * The timed runs: `ROUNDS` rounds of `ORDERS / ROUNDS` orders; throughput is the median of the
 * rounds (these machines are shared and noisy), p50/p99 over every order.
 */
function rounds(book: PriceBook, orders: readonly Order[]) {
  const per = Math.max(1, Math.floor(ORDERS / ROUNDS));
  const speeds: number[] = [];
  const cpuSpeeds: number[] = [];
  const lat: number[] = [];
  for (let k = 0; k < ROUNDS; k++) {
    const t = time(book, orders, per, resolveOrder, Infinity, k * per);
    speeds.push(t.linesPerSec);
    cpuSpeeds.push(t.linesPerCpuSec);
    lat.push(...t.lat);
  }
  return {
    linesPerSec: median(speeds),
    linesPerCpuSec: median(cpuSpeeds),
    p50: quantile(lat, 0.5),
    p99: quantile(lat, 0.99),
    speeds,
  };
}

interface SizeFigures {
  agreements: number;
  compileMs: number;
  bytesPerAgreement: number;
  linesPerSec: number;
  linesPerCpuSec: number;
  rounds: number[];
  p50Ms: number;
  p99Ms: number;
  naiveLinesPerSec: number;
  naiveP50Ms: number;
  naiveOrders: number;
  ratio: number;
}

function benchSize(n: number): SizeFigures {
  const base = baseData();
  const empty = unwrap(compilePriceBook(base));
  const before = heap();
  let rules = agreements(n);
  const t0 = process.hrtime.bigint();
  const book = unwrap(compilePriceBook({ ...base, rules: [...base.rules, ...rules] }));
  const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
  rules = [];
  const after = heap();
  void empty;
  const customers = Math.max(1, Math.floor(n / PER_CUSTOMER));
  const rnd = prng(42);
  const orders: Order[] = Array.from({ length: DISTINCT_ORDERS }, () => orderOf(rnd, customers));
  // Warm up for WARMUP_MS: the JIT settles and the collector finishes sweeping what compiling
  // left behind (the source records of the book), as it would have long before real traffic.
  time(book, orders, 1_000_000, resolveOrder, WARMUP_MS);
  const fast = rounds(book, orders);
  const naive = time(book, orders, 1_000_000, resolveOrderNaive, NAIVE_BUDGET_MS);
  for (const o of orders.slice(0, Math.min(naive.orders, 20))) {
    const a = canonicalJson(resolveOrder(book, o.ctx, o.lines));
    const b = canonicalJson(resolveOrderNaive(book, o.ctx, o.lines));
    if (a !== b) throw new Error('the index and the naive scan disagree');
  }
  return {
    agreements: n,
    compileMs,
    bytesPerAgreement: (after - before) / n,
    linesPerSec: fast.linesPerSec,
    linesPerCpuSec: fast.linesPerCpuSec,
    rounds: fast.speeds,
    p50Ms: fast.p50,
    p99Ms: fast.p99,
    naiveLinesPerSec: naive.linesPerSec,
    naiveP50Ms: naive.p50,
    naiveOrders: naive.orders,
    ratio: fast.linesPerSec / naive.linesPerSec,
  };
}

function label(n: number): string {
  return n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n);
}

console.log(
  `pricing: ${ORDERS} orders × ${LINES} lines per size (after a ${WARMUP_MS / 1000} s warm-up); naive scan for ${NAIVE_BUDGET_MS / 1000} s per size; node ${process.version}`,
);
const figures: SizeFigures[] = [];
for (const n of SIZES) {
  const f = benchSize(n);
  figures.push(f);
  console.log(
    `${label(n).padStart(5)} agreements: ${r(f.linesPerSec, 0).toString().padStart(8)} lines/s (rounds ${f.rounds.map((x) => r(x / 1000, 0)).join('/')}k; ${r(f.linesPerCpuSec / 1000, 0)}k per CPU-second)  p50 ${r(f.p50Ms, 3)} ms  p99 ${r(f.p99Ms, 3)} ms per order | naive ${r(f.naiveLinesPerSec, 0)} lines/s (p50 ${r(f.naiveP50Ms, 1)} ms, ${f.naiveOrders} orders) | ×${r(f.ratio, 0)} | compile ${r(f.compileMs, 0)} ms, ${r(f.bytesPerAgreement, 0)} B/agreement`,
  );
}
const at = (n: number) => figures.find((f) => f.agreements === n);
const first = figures[0];
const last = figures[figures.length - 1];
if (first && last && first !== last) {
  console.log(
    `slowdown ${label(last.agreements)} vs ${label(first.agreements)}: ×${r(first.linesPerSec / last.linesPerSec, 2)}; index vs naive at ${label(last.agreements)}: ×${r(last.ratio, 0)}`,
  );
}
console.log(
  JSON.stringify({
    bench: 'pricing',
    linesPerSecAt1k: at(1000) ? r(at(1000)!.linesPerSec, 0) : null,
    linesPerSecAt100k: at(100_000) ? r(at(100_000)!.linesPerSec, 0) : null,
    linesPerSecAt1M: at(1_000_000) ? r(at(1_000_000)!.linesPerSec, 0) : null,
    naiveLinesPerSecAt1M: at(1_000_000) ? r(at(1_000_000)!.naiveLinesPerSec, 1) : null,
    bytesPerAgreement: last ? r(last.bytesPerAgreement, 0) : null,
  }),
);
