/**
 * The working state of one line while the waterfall runs, the list-price lookup, and the
 * tracer `explain()` attaches. Resolution and explanation share this code: a tracer only
 * records, it never changes a decision.
 *
 * @module
 */
import { type Currency, resolveCurrency } from '../money/currency';
import { Dec } from '../money/decimal';
import type { PriceBook } from './book';
import type { CompiledRule } from './compiled';
import type { PricingContext, PricingLine } from './context';
import type { CompiledEntry } from './derive';
import type { PricingError, RateMissingError } from './errors';
import type {
  CandidateReport,
  FreeGoodsGrant,
  NextBreak,
  PriceStage,
  PriceStep,
  PriceWarning,
  RejectReasonCode,
} from './outcome';
import { ONE, stockUnitsPer, toOrderCurrency, toTaxBasis, unitsPer } from './units';

/**
 * A waterfall step with one fixed shape (absent parts are `undefined`, which encodes like a
 * missing field), so the hot path allocates one small object per step.
 */
export function makeStep(
  stage: PriceStage,
  price: Dec,
  currency: string,
  ruleId: string | undefined,
  groupId: string | undefined,
  note: string | undefined,
): PriceStep {
  return { stage, price, currency, ruleId, groupId, note };
}

/** Appends `v` to `a`, creating the array when there is none. */
export function append<T>(a: T[] | undefined, v: T): T[] {
  if (a === undefined) return [v];
  a.push(v);
  return a;
}

const NO_RULES: readonly string[] = Object.freeze([]);

/** What `explain()` records while a line is evaluated. */
export interface Tracer {
  /** Every candidate, in evaluation order. */
  readonly candidates: CandidateReport[];
  /** Breaks within reach. */
  readonly nextBreaks: NextBreak[];
}

/** A candidate that passed every check, with what the checks computed. */
export interface Qualified {
  /** The rule. */
  readonly rule: CompiledRule;
  /** The break that applies. */
  readonly tierIndex: number;
  /** Rule units per line unit. */
  readonly k: Dec;
  /** The measured quantity or amount (free goods, breaks). */
  readonly basis: Dec | undefined;
  /** The other list's price (formula rules). */
  readonly listPrice: Dec | undefined;
}

/** The state of one line during evaluation. */
export class LineEval {
  /** Current price (order currency and tax basis, per line unit); undefined = none yet. */
  price: Dec | undefined = undefined;
  /** The list price the waterfall started from. */
  base: Dec | undefined = undefined;
  /** Steps so far. */
  readonly steps: PriceStep[] = [];
  /** Rules applied so far (a shared empty array until the first one). */
  applied: readonly string[] = NO_RULES;
  /** Warnings so far. */
  warnings: PriceWarning[] | undefined = undefined;
  /** Gathered candidates. */
  readonly candidates: CompiledRule[] = [];
  /** Free goods earned by the line alone. */
  freeGoods: FreeGoodsGrant[] | undefined = undefined;
  /** Qualified order-wide free-goods rules (settled at order level). */
  groupFree: Qualified[] | undefined = undefined;
  /** Qualified agreements with contract bounds (checked against the final price). */
  bounded: Qualified[] | undefined = undefined;
  private cost: Dec | null | undefined = undefined;

  /** Starts the evaluation of line `index`. */
  constructor(
    /** The book. */
    readonly book: PriceBook,
    /** The order context. */
    readonly ctx: PricingContext,
    /** The line. */
    readonly line: PricingLine,
    /** Its index in the order. */
    readonly index: number,
    /** The tracer, when explaining. */
    readonly tracer: Tracer | undefined,
    /** The order currency, resolved once per order. */
    readonly currency: Currency = resolveCurrency(ctx.currency),
  ) {}

  /** True when explaining (callers format messages and notes only then). */
  get explaining(): boolean {
    return this.tracer !== undefined;
  }

  /** Records a step in the order currency (`note`: pass one only when explaining). */
  step(
    stage: PriceStage,
    price: Dec,
    ruleId: string | undefined,
    groupId: string | undefined,
    note: string | undefined,
  ): void {
    this.steps.push(makeStep(stage, price, this.ctx.currency, ruleId, groupId, note));
  }

  /** Records that a rule changed the price. */
  markApplied(ruleId: string): void {
    if (this.applied === NO_RULES) this.applied = [ruleId];
    else (this.applied as string[]).push(ruleId);
  }

  /** Adds a warning. */
  warn(w: PriceWarning): void {
    this.warnings = append(this.warnings, w);
  }

  /**
   * Cost per line unit in the order currency (net), or `undefined` when the line has no cost
   * or its currency has no rate (then a warning says so).
   */
  costPerLineUnit(): Dec | undefined {
    if (this.cost !== undefined) return this.cost ?? undefined;
    const c = this.line.cost;
    let v: Dec | undefined;
    if (c !== undefined) {
      const per = stockUnitsPer(this.line, this.line.unit);
      const perLine = per === undefined ? undefined : per === ONE ? c.amount : c.amount.times(per);
      v = perLine === undefined ? undefined : toOrderCurrency(this.ctx, perLine, c.currency.code);
      if (perLine !== undefined && v === undefined) {
        this.warn({
          code: 'COST_RATE_MISSING',
          message: `no rate from ${c.currency.code} to ${this.ctx.currency} on ${this.ctx.date}: cost and margin left out`,
        });
      }
    }
    this.cost = v ?? null;
    return v;
  }

  /**
   * Records a rejected candidate (only when explaining; callers guard with
   * {@link LineEval.explaining} so the message is never formatted otherwise).
   */
  reject(rule: CompiledRule, code: RejectReasonCode, message: string): void {
    if (this.tracer === undefined) return;
    this.tracer.candidates.push(report(rule, 'rejected', { code, message }));
  }

  /** Turns a candidate recorded as applied into a rejection (order-level decisions). */
  overrule(ruleId: string, code: RejectReasonCode, message: string): void {
    const c = this.tracer?.candidates;
    if (c === undefined) return;
    const i = c.findIndex((x) => x.ruleId === ruleId && x.status === 'applied');
    const was = c[i];
    if (was !== undefined) c[i] = { ...was, status: 'rejected', reason: { code, message } };
  }

  /** Records an applied candidate (only when explaining). */
  accept(q: Qualified): void {
    if (this.tracer === undefined) return;
    const t = q.rule.tiers[q.tierIndex];
    this.tracer.candidates.push(report(q.rule, 'applied', undefined, t?.from));
  }
}

function report(
  r: CompiledRule,
  status: 'applied' | 'rejected',
  reason: CandidateReport['reason'],
  tierFrom?: Dec,
): CandidateReport {
  return {
    ruleId: r.id,
    name: r.name,
    kind: r.kind,
    groupId: r.group.id,
    policy: r.group.policy,
    effect: r.effect,
    specificity: r.specificity,
    priority: r.priority,
    status,
    ...(reason === undefined ? {} : { reason }),
    ...(tierFrom === undefined ? {} : { tierFrom }),
  };
}

/** The rate-missing error for a price input in `from`. */
export function rateMissing(ctx: PricingContext, from: string, what: string): RateMissingError {
  return {
    code: 'RATE_MISSING',
    message: `${what} is in ${from}; no rate from ${from} to ${ctx.currency} on ${ctx.date}`,
    from,
    to: ctx.currency,
    date: ctx.date,
  };
}

/**
 * The price of the line's product in list `listId` on the context's date, per line unit, in the
 * order currency and tax basis: an entry in the line's unit, else — when the list converts
 * units — the first valid entry in a unit the product converts from. Records the `base`, `unit`, `currency` and `tax-basis`
 * steps when `steps` is given. `undefined` when the list has no valid price, or when a needed
 * rate is missing (then `failure.error` says so).
 */
export function listPrice(
  book: PriceBook,
  ctx: PricingContext,
  line: PricingLine,
  listId: string,
  steps: PriceStep[] | undefined,
  explain: boolean,
  failure: PriceInputFailure,
): Dec | undefined {
  const list = book.lists.get(listId);
  if (list === undefined || ctx.date < list.validFrom || ctx.date > list.validTo) return undefined;
  const entries = list.entries.get(line.productId);
  if (entries === undefined) return undefined;
  const date = ctx.date;
  let pick: CompiledEntry | undefined;
  for (const e of entries) {
    if (e.unit === line.unit && e.validFrom <= date && date <= e.validTo) {
      pick = e;
      break;
    }
  }
  let k: Dec | undefined;
  if (pick === undefined && list.convertUnits) {
    for (const e of entries) {
      if (e.validFrom > date || date > e.validTo) continue;
      k = unitsPer(line, line.unit, e.unit);
      if (k !== undefined) {
        pick = e;
        break;
      }
    }
  }
  if (pick === undefined) return undefined;
  let p = pick.price;
  const from = pick;
  steps?.push(
    makeStep(
      'base',
      p,
      list.currency,
      undefined,
      undefined,
      explain ? baseNote(list.id, from) : undefined,
    ),
  );
  if (k !== undefined) {
    p = p.times(k);
    const factor = k;
    steps?.push(
      makeStep(
        'unit',
        p,
        list.currency,
        undefined,
        undefined,
        explain ? `1 ${line.unit} = ${factor.toString()} ${from.unit}` : undefined,
      ),
    );
  }
  if (list.currency !== ctx.currency) {
    const c = toOrderCurrency(ctx, p, list.currency);
    if (c === undefined) {
      failure.error = rateMissing(ctx, list.currency, `price list ${list.id}`);
      return undefined;
    }
    const rate = ctx.rates?.get(list.currency)?.toString();
    steps?.push(
      makeStep(
        'currency',
        c,
        ctx.currency,
        undefined,
        undefined,
        explain ? `× ${rate} ${list.currency}→${ctx.currency}` : undefined,
      ),
    );
    p = c;
  }
  if (list.priceIncludesTax !== ctx.priceIncludesTax) {
    p = toTaxBasis(p, list.priceIncludesTax, ctx.priceIncludesTax, line.taxRate);
    const how = list.priceIncludesTax ? 'gross → net ÷' : 'net → gross ×';
    steps?.push(
      makeStep(
        'tax-basis',
        p,
        ctx.currency,
        undefined,
        undefined,
        explain ? `${how} ${line.taxRate.plus(1)}` : undefined,
      ),
    );
  }
  return p;
}

function baseNote(listId: string, e: CompiledEntry): string {
  const via = e.via.map((v) => `${v.priceListId} ${v.price.toString()} → `).join('');
  return `list ${listId}: ${via}${e.price.toString()} per ${e.unit}`;
}

/** Where {@link listPrice} reports an error (a missing rate) without a union return type. */
export interface PriceInputFailure {
  /** The error, when there is one. */
  error: PricingError | undefined;
}

/** True when `v` is a {@link PricingError}. */
export function isPricingError(v: unknown): v is PricingError {
  return typeof v === 'object' && v !== null && !(v instanceof Dec) && !Dec.isDecimal(v);
}
