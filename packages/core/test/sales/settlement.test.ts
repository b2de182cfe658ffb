/**
 * Settlement plans (结算计划), pure: worked examples of generate / adjust / achieve / rescale,
 * and fast-check properties of their laws — Σ installments = total after every operation,
 * achieved installments never change, changed installments stay within their bounds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TenantId } from '../../src/kernel/brand';
import { fromUnits } from '../../src/money/allocate';
import { Dec } from '../../src/money/decimal';
import { Money } from '../../src/money/money';
import {
  achieveInstallment,
  adjustInstallments,
  cutPlanForReturn,
  generateSettlementPlan,
  type Installment,
  installmentBounds,
  installmentMachine,
  installmentsTotal,
  invoiceInstallment,
  lockedTotal,
  rescalePlan,
  type SettlementPlan,
  type SettlementRule,
  settlementRuleIssues,
  spreadInstallment,
  withinBounds,
} from '../../src/sales/settlement';
import { unitsToString } from '../money/arbitraries';

const AT = '2026-11-22T08:00:00.000Z';
const head = {
  id: 'SO-1',
  tenantId: 't1' as TenantId,
  orderId: 'SO-1',
  orderNumber: 'SO202611-00001',
  customerId: 'HQ',
  at: AT,
};
const cny = (a: string) => Money.of(a, 'CNY');

function rule(
  milestone: string,
  share: string,
  o: { dueDays?: number; min?: string; max?: string } = {},
): SettlementRule {
  return {
    milestone,
    share: new Dec(share),
    dueDays: o.dueDays ?? 0,
    minShare: o.min === undefined ? null : new Dec(o.min),
    maxShare: o.max === undefined ? null : new Dec(o.max),
  };
}

const contract = [
  rule('signing', '0.3'),
  rule('delivery', '0.6', { min: '0.5', max: '0.7' }),
  rule('acceptance', '0.1', { dueDays: 30, min: '0.05', max: '0.15' }),
];

function plan(total: Money, rules = contract): SettlementPlan {
  const p = generateSettlementPlan(head, total, rules);
  if (!p.ok) throw new Error(p.error.message);
  return p.value;
}

const amounts = (p: SettlementPlan) => p.installments.map((i) => i.amount.toFixed());

function ok<T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}`);
  return r.value;
}

describe('settlement plans — worked examples', () => {
  it('splits the contract total by share, exactly', () => {
    const p = plan(cny('1000.00'));
    expect(amounts(p)).toEqual(['300.00', '600.00', '100.00']);
    expect(p.installments.every((i) => i.status === 'open' && i.dueDate === null)).toBe(true);
    // 100.01: 30.003 / 60.006 / 10.001 → the odd cent goes to the largest remainder
    expect(amounts(plan(cny('100.01')))).toEqual(['30.00', '60.01', '10.00']);
    expect(amounts(plan(Money.of('1001', 'JPY')))).toEqual(['300', '601', '100']);
    expect(amounts(plan(cny('0.00')))).toEqual(['0.00', '0.00', '0.00']);
  });

  it('rejects unsound rules, naming the rule and the field', () => {
    const bad = generateSettlementPlan(head, cny('100.00'), [
      rule('signing', '0.3'),
      rule('signing', '0.5', { min: '0.6' }),
      rule('acceptance', '0.1', { max: '1.2' }),
    ]);
    expect(!bad.ok && bad.error.issues.map((i) => [i.path, i.rule])).toEqual([
      ['rules.1.milestone', 'unique'],
      ['rules.1.minShare', 'bounds'],
      ['rules.2.maxShare', 'share_range'],
      ['rules', 'shares_sum'],
    ]);
    expect(settlementRuleIssues(contract)).toEqual([]);
    expect(settlementRuleIssues([])).toEqual([
      { path: [], rule: 'too_small', message: 'needs at least one rule' },
    ]);
  });

  it('moves amounts between open installments within their bounds, the total unchanged', () => {
    const p = plan(cny('1000.00'));
    const moved = ok(
      adjustInstallments(
        p,
        [{ from: 'delivery', to: 'acceptance', amount: cny('50.00') }],
        '2026-11-23T00:00:00.000Z',
      ),
    );
    expect(amounts(moved)).toEqual(['300.00', '550.00', '150.00']);
    expect(moved.updatedAt).toBe('2026-11-23T00:00:00.000Z');
    expect(installmentsTotal(moved).equals(p.total)).toBe(true);
    const tooMuch = adjustInstallments(
      p,
      [{ from: 'delivery', to: 'acceptance', amount: cny('50.01') }],
      AT,
    );
    expect(!tooMuch.ok && tooMuch.error).toMatchObject({
      code: 'SETTLEMENT_OUT_OF_BOUNDS',
      field: 'moves.0.to',
      milestone: 'acceptance',
    });
    if (!tooMuch.ok && tooMuch.error.code === 'SETTLEMENT_OUT_OF_BOUNDS') {
      expect([tooMuch.error.min.toFixed(), tooMuch.error.max.toFixed()]).toEqual([
        '50.00',
        '150.00',
      ]);
    }
    // signing has no bounds but cannot go below zero
    const negative = adjustInstallments(
      p,
      [{ from: 'signing', to: 'delivery', amount: cny('300.01') }],
      AT,
    );
    expect(!negative.ok && negative.error).toMatchObject({
      code: 'SETTLEMENT_OUT_OF_BOUNDS',
      milestone: 'signing',
    });
    const unknown = adjustInstallments(
      p,
      [{ from: 'signing', to: 'handover', amount: cny('1.00') }],
      AT,
    );
    expect(!unknown.ok && unknown.error).toMatchObject({ code: 'NOT_FOUND', field: 'moves.0.to' });
    const usd = adjustInstallments(
      p,
      [{ from: 'signing', to: 'delivery', amount: Money.of('1.00', 'USD') }],
      AT,
    );
    expect(!usd.ok && usd.error).toMatchObject({
      code: 'CURRENCY_MISMATCH',
      field: 'moves.0.amount',
    });
  });

  it('achieving a milestone makes its installment due and locks it', () => {
    const p = plan(cny('1000.00'));
    const t = ok(achieveInstallment(p, 'acceptance', '2026-11-20', AT));
    const acc = t.plan.installments[2] as Installment;
    expect(acc).toMatchObject({ status: 'due', achievedOn: '2026-11-20', dueDate: '2026-12-20' });
    expect(t.event).toEqual({
      kind: 'settlement-installment',
      id: 'SO-1/acceptance',
      number: 'SO202611-00001',
      from: 'open',
      event: 'achieve',
      to: 'due',
    });
    const twice = achieveInstallment(t.plan, 'acceptance', '2026-11-21', AT);
    expect(!twice.ok && twice.error).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      from: 'due',
      allowed: ['invoice'],
    });
    const locked = adjustInstallments(
      t.plan,
      [{ from: 'delivery', to: 'acceptance', amount: cny('10.00') }],
      AT,
    );
    expect(!locked.ok && locked.error).toMatchObject({
      code: 'SETTLEMENT_INSTALLMENT_LOCKED',
      field: 'moves.0.to',
      status: 'due',
    });
    const billed = ok(invoiceInstallment(t.plan, 'acceptance', 'INV-1', AT));
    expect(billed.plan.installments[2]).toMatchObject({ status: 'invoiced', invoiceId: 'INV-1' });
    const early = invoiceInstallment(p, 'signing', 'INV-2', AT);
    expect(!early.ok && early.error.code).toBe('ILLEGAL_TRANSITION');
    expect(installmentMachine.final).toEqual(['invoiced']);
  });

  it('rescales to an amended total: achieved stays, open installments absorb it in proportion', () => {
    const p = ok(achieveInstallment(plan(cny('1000.00')), 'signing', '2026-11-22', AT)).plan;
    const up = ok(rescalePlan(p, cny('1200.00'), AT));
    // 900.00 over 600 : 100 → 771.428… and 128.571…
    expect(amounts(up)).toEqual(['300.00', '771.43', '128.57']);
    expect(up.total.toFixed()).toBe('1200.00');
    expect(up.installments[0]).toEqual(p.installments[0]);
    const down = ok(rescalePlan(p, cny('300.00'), AT));
    expect(amounts(down)).toEqual(['300.00', '0.00', '0.00']);
    // back up from all-zero open installments: spread by the rules' shares
    expect(amounts(ok(rescalePlan(down, cny('1000.00'), AT)))).toEqual([
      '300.00',
      '600.00',
      '100.00',
    ]);
    const below = rescalePlan(p, cny('299.99'), AT);
    expect(!below.ok && below.error).toMatchObject({ code: 'SETTLEMENT_BELOW_ACHIEVED' });
    expect(rescalePlan(p, cny('1000.00'), AT)).toEqual({ ok: true, value: p });
    const all = ['delivery', 'acceptance'].reduce(
      (q, m) => ok(achieveInstallment(q, m, '2026-11-22', AT)).plan,
      p,
    );
    const nothing = rescalePlan(all, cny('1100.00'), AT);
    expect(!nothing.ok && nothing.error.code).toBe('SETTLEMENT_NOTHING_OPEN');
    const usd = rescalePlan(p, Money.of('1200.00', 'USD'), AT);
    expect(!usd.ok && usd.error.code).toBe('CURRENCY_MISMATCH');
  });
});

// ---- properties ----

describe('settlement plans — returns', () => {
  it('takes a return off open installments in proportion, then due ones latest first; the billed rest is to credit', () => {
    // 1000.00: signing 300.00 invoiced, delivery 600.00 due, acceptance 100.00 open.
    let p = plan(cny('1000.00'));
    p = ok(achieveInstallment(p, 'signing', '2026-11-01', AT)).plan;
    p = ok(invoiceInstallment(p, 'signing', 'INV-1', AT)).plan;
    p = ok(achieveInstallment(p, 'delivery', '2026-11-20', AT)).plan;
    const a = cutPlanForReturn(p, cny('150.00'), AT);
    expect(amounts(a.plan)).toEqual(['300.00', '550.00', '0.00']);
    expect([a.plan.total.toFixed(), a.reduced.toFixed(), a.toCredit.toFixed()]).toEqual([
      '850.00',
      '150.00',
      '0.00',
    ]);
    expect(a.plan.installments.map((i) => i.status)).toEqual(['invoiced', 'due', 'open']);
    // More than is left unbilled: the rest was billed and must be credited.
    const b = cutPlanForReturn(a.plan, cny('600.00'), AT);
    expect(amounts(b.plan)).toEqual(['300.00', '0.00', '0.00']);
    expect([b.plan.total.toFixed(), b.reduced.toFixed(), b.toCredit.toFixed()]).toEqual([
      '300.00',
      '550.00',
      '50.00',
    ]);
    // Nothing unbilled at all: the plan is untouched (the same object).
    const c = cutPlanForReturn(b.plan, cny('10.00'), AT);
    expect(c.plan).toBe(b.plan);
    expect(c.toCredit.toFixed()).toBe('10.00');
  });

  it('keeps open installments in proportion when cutting them', () => {
    const p = plan(cny('100.00'), [rule('a', '0.5'), rule('b', '0.3'), rule('c', '0.2')]);
    const cut = cutPlanForReturn(p, cny('10.00'), AT);
    expect(amounts(cut.plan)).toEqual(['45.00', '27.00', '18.00']);
  });
});

const MILLION = 1_000_000;

/** `total` split by integer weights (sum exact). */
function allocateParts(total: Money, weights: number[]): Money[] {
  const sum = weights.reduce((a, w) => a + w, 0);
  let before = 0;
  return weights.map((w) => {
    const at = (x: number) => total.multiply(new Dec(x).dividedBy(sum)).round('down');
    const part = at(before + w).subtract(at(before));
    before += w;
    return part;
  });
}

/** Rules with shares in millionths summing to exactly 1, and bounds around each share. */
const rulesArb: fc.Arbitrary<SettlementRule[]> = fc
  .integer({ min: 1, max: 6 })
  .chain((n) =>
    fc
      .uniqueArray(fc.integer({ min: 1, max: MILLION - 1 }), {
        minLength: n - 1,
        maxLength: n - 1,
      })
      .map((cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), MILLION];
        return points.slice(1).map((p, i) => p - (points[i] as number));
      }),
  )
  .chain((shares) =>
    fc.tuple(
      ...shares.map((s) =>
        fc.record({
          share: fc.constant(s),
          min: fc.option(fc.integer({ min: 0, max: s }), { nil: null }),
          max: fc.option(fc.integer({ min: s, max: MILLION }), { nil: null }),
          dueDays: fc.integer({ min: 0, max: 90 }),
        }),
      ),
    ),
  )
  .map((rs) =>
    rs.map((r, i) => ({
      milestone: `m${i}`,
      share: new Dec(unitsToString(BigInt(r.share), 6)),
      dueDays: r.dueDays,
      minShare: r.min === null ? null : new Dec(unitsToString(BigInt(r.min), 6)),
      maxShare: r.max === null ? null : new Dec(unitsToString(BigInt(r.max), 6)),
    })),
  );

const currencyArb = fc.constantFrom('CNY', 'JPY', 'KWD');
const unitsArb = fc.bigInt({ min: 0n, max: 10n ** 11n });
const moneyOf = (units: bigint, code: string) =>
  Money.of(fromUnits(units, Money.zero(code).currency.minorUnits), code);

type Op =
  | { kind: 'adjust'; from: number; to: number; units: bigint }
  | { kind: 'achieve'; idx: number }
  | { kind: 'rescale'; units: bigint };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('adjust' as const),
      from: fc.nat(5),
      to: fc.nat(5),
      units: fc.bigInt({ min: 1n, max: 10n ** 10n }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('achieve' as const), idx: fc.nat(5) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rescale' as const), units: unitsArb }) },
);

const runs = { numRuns: 300 };

describe('settlement plans — laws', () => {
  it('generate: Σ installments = total, each within one minor unit of its share and within its bounds', () => {
    fc.assert(
      fc.property(currencyArb, unitsArb, rulesArb, (code, units, rules) => {
        const total = moneyOf(units, code);
        const p = plan(total, rules);
        expect(installmentsTotal(p).equals(total)).toBe(true);
        const unit = new Dec(`1e-${total.currency.minorUnits}`);
        p.installments.forEach((inst, i) => {
          const exact = total.amount.times((rules[i] as SettlementRule).share);
          expect(inst.amount.amount.minus(exact).abs().lessThan(unit)).toBe(true);
          expect(withinBounds(inst, total)).toBe(true);
        });
      }),
      runs,
    );
  });

  it('adjust / achieve / rescale: Σ = total always, achieved installments never change, changed ones stay in bounds', () => {
    fc.assert(
      fc.property(
        currencyArb,
        unitsArb,
        rulesArb,
        fc.array(opArb, { maxLength: 25 }),
        (code, units, rules, ops) => {
          let p = plan(moneyOf(units, code), rules);
          const frozen = new Map<string, Installment>();
          let rescaled = false;
          const n = p.installments.length;
          for (const op of ops) {
            const before = p;
            const beforeJson = JSON.stringify(before);
            if (op.kind === 'adjust') {
              const from = (p.installments[op.from % n] as Installment).milestone;
              const to = (p.installments[op.to % n] as Installment).milestone;
              const amount = moneyOf(op.units, code);
              const r = adjustInstallments(p, [{ from, to, amount }], AT);
              if (r.ok) {
                p = r.value;
                for (const m of [from, to]) {
                  const inst = p.installments.find((x) => x.milestone === m) as Installment;
                  expect(withinBounds(inst, p.total)).toBe(true);
                  expect(inst.amount.isNegative()).toBe(false);
                }
              } else {
                const locked = [from, to].some(
                  (m) => before.installments.find((x) => x.milestone === m)?.status !== 'open',
                );
                expect(r.error.code).toBe(
                  locked ? 'SETTLEMENT_INSTALLMENT_LOCKED' : 'SETTLEMENT_OUT_OF_BOUNDS',
                );
              }
            } else if (op.kind === 'achieve') {
              const m = (p.installments[op.idx % n] as Installment).milestone;
              const r = achieveInstallment(p, m, '2026-11-22', AT);
              expect(r.ok).toBe(!frozen.has(m));
              if (r.ok) {
                p = r.value.plan;
                frozen.set(m, p.installments.find((x) => x.milestone === m) as Installment);
              }
            } else {
              const newTotal = moneyOf(op.units, code);
              const locked = lockedTotal(p);
              const r = rescalePlan(p, newTotal, AT);
              if (newTotal.equals(p.total)) expect(r.ok).toBe(true);
              else if (newTotal.lessThan(locked))
                expect(!r.ok && r.error.code).toBe('SETTLEMENT_BELOW_ACHIEVED');
              else if (frozen.size === n)
                expect(!r.ok && r.error.code).toBe('SETTLEMENT_NOTHING_OPEN');
              else expect(r.ok).toBe(true);
              if (r.ok) {
                expect(r.value.total.equals(newTotal)).toBe(true);
                // the open ones are within one minor unit of their proportional share
                const open = p.installments.filter((i) => i.status === 'open');
                const w = open.map((i) => i.amount.amount);
                const sum = w.reduce((s, x) => s.plus(x), new Dec(0));
                if (!sum.isZero() && !newTotal.equals(p.total)) {
                  const rest = newTotal.amount.minus(locked.amount);
                  const unit = new Dec(`1e-${newTotal.currency.minorUnits}`);
                  for (const [k, i] of open.entries()) {
                    const after = r.value.installments.find(
                      (x) => x.milestone === i.milestone,
                    ) as Installment;
                    const exact = rest.times(w[k] as Dec).dividedBy(sum);
                    expect(after.amount.amount.minus(exact).abs().lessThan(unit)).toBe(true);
                  }
                }
                rescaled = rescaled || !newTotal.equals(p.total);
                p = r.value;
              }
            }
            // operations are pure: the plan they were given is untouched
            expect(JSON.stringify(before)).toBe(beforeJson);
            // Σ installments = total
            expect(installmentsTotal(p).equals(p.total)).toBe(true);
            // achieved installments never change
            for (const [m, inst] of frozen) {
              expect(p.installments.find((x) => x.milestone === m)).toEqual(inst);
            }
            // without an amendment, every installment stays within its bounds
            if (!rescaled) {
              for (const inst of p.installments) expect(withinBounds(inst, p.total)).toBe(true);
            }
          }
        },
      ),
      runs,
    );
  });

  it('return: reduced + toCredit = value, Σ = total, nothing grows, invoiced never changes, credit only when nothing unbilled is left', () => {
    fc.assert(
      fc.property(
        currencyArb,
        unitsArb,
        rulesArb,
        fc.array(fc.constantFrom('open', 'due', 'invoiced'), { minLength: 6, maxLength: 6 }),
        fc.array(unitsArb, { minLength: 1, maxLength: 4 }),
        (code, units, rules, statuses, returns) => {
          let p = plan(moneyOf(units, code), rules);
          p.installments.forEach((inst, i) => {
            const to = statuses[i] as string;
            if (to === 'open') return;
            p = ok(achieveInstallment(p, inst.milestone, '2026-11-20', AT)).plan;
            if (to === 'invoiced') p = ok(invoiceInstallment(p, inst.milestone, `I${i}`, AT)).plan;
          });
          for (const r of returns) {
            const value = moneyOf(r % (units + 1n), code);
            const before = p;
            const json = JSON.stringify(before);
            const cut = cutPlanForReturn(p, value, AT);
            expect(JSON.stringify(before)).toBe(json);
            expect(cut.reduced.add(cut.toCredit).equals(value)).toBe(true);
            expect(cut.toCredit.isNegative() || cut.reduced.isNegative()).toBe(false);
            expect(cut.plan.total.equals(before.total.subtract(cut.reduced))).toBe(true);
            expect(installmentsTotal(cut.plan).equals(cut.plan.total)).toBe(true);
            cut.plan.installments.forEach((inst, i) => {
              const was = before.installments[i] as Installment;
              expect(inst.status).toBe(was.status);
              expect(inst.amount.greaterThan(was.amount)).toBe(false);
              expect(inst.amount.isNegative()).toBe(false);
              if (was.status === 'invoiced') expect(inst).toEqual(was);
            });
            const unbilled = cut.plan.installments.filter((i) => i.status !== 'invoiced');
            if (cut.toCredit.isPositive()) {
              for (const i of unbilled) expect(i.amount.isZero()).toBe(true);
            }
            p = cut.plan;
          }
        },
      ),
      runs,
    );
  });

  it('spreadInstallment: parts add up; billing all that is left bills each line exactly its kept gross and VAT', () => {
    const lineArb = fc
      .record({
        gross: fc.bigInt({ min: 0n, max: 10n ** 9n }),
        taxPermille: fc.integer({ min: 0, max: 200 }),
        billedPermille: fc.integer({ min: 0, max: 1000 }),
      })
      .map((l) => {
        const gross = cny(fromUnits(l.gross, 2).toFixed(2));
        const tax = gross.multiply(new Dec(l.taxPermille).dividedBy(1000)).round('half-up');
        const billed = gross.multiply(new Dec(l.billedPermille).dividedBy(1000)).round('down');
        return { gross, tax, billed };
      });
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 5 }),
        (lines, cuts) => {
          let basis = lines.map((l, i) => ({
            lineNo: i + 1,
            keptGross: l.gross,
            keptTax: l.tax,
            billed: l.billed,
          }));
          const taxBilled = lines.map((l) => l.tax.multiply(0));
          const taxBefore = lines.map((l) =>
            l.gross.isZero()
              ? l.tax.multiply(0)
              : l.tax.multiply(l.billed.amount.dividedBy(l.gross.amount)).round('half-up'),
          );
          const left = Money.sum(
            basis.map((b) => b.keptGross.subtract(b.billed)),
            'CNY',
          );
          fc.pre(left.isPositive());
          const amounts = allocateParts(left, cuts);
          for (const amount of amounts) {
            const parts = spreadInstallment(amount, basis);
            expect(
              Money.sum(
                parts.map((p) => p.gross),
                'CNY',
              ).equals(amount),
            ).toBe(true);
            for (const p of parts) expect(p.net.add(p.tax).equals(p.gross)).toBe(true);
            parts.forEach((p, i) => {
              taxBilled[i] = (taxBilled[i] as Money).add(p.tax);
            });
            basis = basis.map((b, i) => ({
              ...b,
              billed: b.billed.add((parts[i] as { gross: Money }).gross),
            }));
          }
          basis.forEach((b, i) => {
            expect(b.billed.equals(b.keptGross)).toBe(true);
            if (!b.keptGross.isZero()) {
              expect((taxBilled[i] as Money).add(taxBefore[i] as Money).equals(b.keptTax)).toBe(
                true,
              );
            }
          });
        },
      ),
      runs,
    );
  });

  it('bounds: an amount allocated from a share within [min, max] is within the rounded bounds', () => {
    fc.assert(
      fc.property(currencyArb, unitsArb, rulesArb, (code, units, rules) => {
        const total = moneyOf(units, code);
        for (const r of rules) {
          const b = installmentBounds(r, total);
          expect(b.min.lessThanOrEqual(total.multiply(r.share))).toBe(true);
          expect(b.max.greaterThanOrEqual(total.multiply(r.share))).toBe(true);
          expect(b.min.fitsMinorUnits() && b.max.fitsMinorUnits()).toBe(true);
        }
      }),
      runs,
    );
  });
});
