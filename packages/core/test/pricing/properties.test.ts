/**
 * The laws of the engine, over random books, contexts and orders:
 *
 * - the compiled index and a naive linear scan always agree;
 * - results do not depend on the order rules (groups, floors) were stored in;
 * - an exclusive group applies at most one rule per line;
 * - explain's winner equals the applied price (same result, last step = unit price);
 * - a price below the binding floor is always flagged, with gap = floor − price;
 * - a patched book resolves exactly like one compiled from scratch.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/kernel/codec';
import { unwrap } from '../../src/kernel/result';
import {
  compilePriceBook,
  explain,
  type PricingChange,
  type PricingData,
  patchPriceBook,
  resolveOrder,
  resolveOrderNaive,
} from '../../src/pricing';
import type { PriceList } from '../../src/pricing/price-list';
import { contextArb, dataArb, linesArb, ruleArb } from './arbitraries';
import { D } from './fixtures';

const RUNS = 300;
const compile = (d: PricingData) => unwrap(compilePriceBook(d));
const text = (v: unknown) => canonicalJson(v);

describe('pricing laws', () => {
  it('the compiled index and a naive linear scan always agree', () => {
    fc.assert(
      fc.property(dataArb(25), contextArb, linesArb, (data, ctx, lines) => {
        const b = compile(data);
        expect(text(resolveOrder(b, ctx, lines))).toBe(text(resolveOrderNaive(b, ctx, lines)));
      }),
      { numRuns: RUNS },
    );
  });

  it('results do not depend on the order records were stored in', () => {
    fc.assert(
      fc.property(
        dataArb(20).chain((d) =>
          fc.record({
            data: fc.constant(d),
            rules: fc.shuffledSubarray([...d.rules], { minLength: d.rules.length }),
            groups: fc.shuffledSubarray([...d.groups], { minLength: d.groups.length }),
            floors: fc.shuffledSubarray([...d.floors], { minLength: d.floors.length }),
          }),
        ),
        contextArb,
        linesArb,
        ({ data, rules, groups, floors }, ctx, lines) => {
          const a = resolveOrder(compile(data), ctx, lines);
          const b = resolveOrder(compile({ ...data, rules, groups, floors }), ctx, lines);
          expect(text(b)).toBe(text(a));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('an exclusive group applies at most one rule per line', () => {
    fc.assert(
      fc.property(dataArb(25), contextArb, linesArb, (data, ctx, lines) => {
        const b = compile(data);
        const r = resolveOrder(b, ctx, lines);
        if (!r.ok) return;
        for (const l of r.value.lines) {
          const perGroup = new Map<string, number>();
          for (const id of l.applied) {
            const g = b.rules.get(id)?.group;
            if (g?.policy === 'exclusive') perGroup.set(g.id, (perGroup.get(g.id) ?? 0) + 1);
          }
          for (const n of perGroup.values()) expect(n).toBe(1);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("explain's winner equals the applied price", () => {
    fc.assert(
      fc.property(dataArb(25), contextArb, linesArb, fc.nat(), (data, ctx, lines, k) => {
        const b = compile(data);
        const i = k % lines.length;
        const e = explain(b, ctx, lines, i);
        const r = resolveOrder(b, ctx, lines);
        if (!r.ok) return;
        const l = r.value.lines[i]!;
        // the same result; explain only adds notes to the steps
        const bare = e.result.ok
          ? { ...e.result.value, steps: e.result.value.steps.map(({ note: _, ...st }) => st) }
          : e.result;
        expect(JSON.parse(text(bare))).toEqual(JSON.parse(text(l)));
        expect(e.winners).toEqual(l.applied);
        expect(e.steps.at(-1)?.price.equals(l.unitPrice.amount)).toBe(true);
        const applied = e.candidates
          .filter((c) => c.status === 'applied' && c.effect !== 'free-goods')
          .map((c) => c.ruleId);
        expect([...applied].sort()).toEqual([...l.applied].sort());
        expect(e.candidates.every((c) => c.status === 'applied' || c.reason !== undefined)).toBe(
          true,
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('a price below the binding floor is always flagged with its gap', () => {
    fc.assert(
      fc.property(dataArb(25), contextArb, linesArb, (data, ctx, lines) => {
        const r = resolveOrder(compile(data), ctx, lines);
        if (!r.ok) return;
        for (const l of r.value.lines) {
          if (l.floor === undefined) continue;
          const below = l.unitPrice.lessThan(l.floor.floor);
          expect(l.floor.below).toBe(below);
          expect(l.floor.gap.amount.toString()).toBe(
            below ? l.floor.floor.subtract(l.unitPrice).amount.toString() : '0',
          );
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a patched book resolves exactly like one compiled from scratch', () => {
    const ids = fc.integer({ min: 0, max: 30 }).map((i) => `r${i}`);
    fc.assert(
      fc.property(
        dataArb(15).chain((d) =>
          fc.record({
            data: fc.constant(d),
            upserts: fc.uniqueArray(ruleArb(ids, [...d.groups.map((g) => g.id), 'agreements']), {
              maxLength: 6,
              selector: (r) => r.id,
            }),
            removals: fc.subarray(d.rules.map((r) => r.id)),
            policy: fc.constantFrom(
              'exclusive',
              'additive',
              'compound',
              'best-for-customer' as const,
            ),
            listPercent: fc.integer({ min: -30, max: 0 }),
            floorRemovals: fc.subarray(d.floors.map((f) => f.id)),
          }),
        ),
        contextArb,
        linesArb,
        ({ data, upserts, removals, policy, listPercent, floorRemovals }, ctx, lines) => {
          const book = compile(data);
          const g0 = { ...(data.groups[0] as PricingData['groups'][number]), policy };
          const retail = data.priceLists[0] as PriceList;
          const dealer: PriceList = {
            ...(data.priceLists[1] as PriceList),
            basedOn: { priceListId: 'retail', percent: D(listPercent) },
          };
          const changes: PricingChange[] = [
            ...removals.map((id) => ({ kind: 'price-rule' as const, id, value: undefined })),
            ...upserts.map((r) => ({ kind: 'price-rule' as const, id: r.id, value: r })),
            { kind: 'price-rule-group', id: g0.id, value: g0 },
            { kind: 'price-list', id: 'dealer', value: dealer },
            ...floorRemovals.map((id) => ({ kind: 'price-floor' as const, id, value: undefined })),
          ];
          const patched = unwrap(patchPriceBook(book, changes));
          const removed = new Set([...removals, ...upserts.map((r) => r.id)]);
          const scratch = compile({
            ...data,
            priceLists: [retail, dealer],
            groups: data.groups.map((g) => (g.id === g0.id ? g0 : g)),
            rules: [...data.rules.filter((r) => !removed.has(r.id)), ...upserts],
            floors: data.floors.filter((f) => !floorRemovals.includes(f.id)),
          });
          expect(text(resolveOrder(patched, ctx, lines))).toBe(
            text(resolveOrder(scratch, ctx, lines)),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});
