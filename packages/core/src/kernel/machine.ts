/**
 * State machines declared as data. A definition is a table of `(from, event) → to`; it is
 * validated once (known states, no duplicate edges, every state reachable, nothing leaves a
 * final state) and `transition` is a pure lookup returning a typed result.
 *
 * @module
 */
import { type IllegalTransitionError, TradecoreBug } from './errors';
import { err, ok, type Result } from './result';

/** One edge of a machine. */
export interface TransitionEdge<S extends string, E extends string> {
  /** Source state. */
  readonly from: S;
  /** The event that fires it. */
  readonly event: E;
  /** Target state. */
  readonly to: S;
}

/** A machine as data. */
export interface MachineDefinition<S extends string, E extends string> {
  /** Name used in errors and events, e.g. `sales-order`. */
  readonly name: string;
  /** State a new document starts in. */
  readonly initial: S;
  /** All states. */
  readonly states: readonly S[];
  /** States nothing leaves. */
  readonly final: readonly S[];
  /** The transition table. */
  readonly transitions: readonly TransitionEdge<S, E>[];
}

/** A validated machine with an index for O(1) lookups. */
export interface Machine<S extends string, E extends string> extends MachineDefinition<S, E> {
  /** `from → event → to`. */
  readonly index: ReadonlyMap<S, ReadonlyMap<E, S>>;
}

/** A transition that happened. */
export interface Transitioned<S extends string, E extends string> {
  /** Source state. */
  readonly from: S;
  /** Event. */
  readonly event: E;
  /** Target state. */
  readonly to: S;
}

/**
 * Validates and indexes a machine definition. Throws a {@link TradecoreBug} with code
 * `INVALID_MACHINE` if the table is inconsistent — a definition error is a bug, found at
 * start-up, not at run time.
 */
export function defineMachine<S extends string, E extends string>(
  def: MachineDefinition<S, E>,
): Machine<S, E> {
  const fail = (msg: string): never => {
    throw new TradecoreBug('INVALID_MACHINE', `${def.name}: ${msg}`);
  };
  const states = new Set<S>(def.states);
  if (states.size !== def.states.length) fail('duplicate state');
  if (!states.has(def.initial)) fail(`initial state ${def.initial} is not a state`);
  for (const f of def.final) if (!states.has(f)) fail(`final state ${f} is not a state`);
  const index = new Map<S, Map<E, S>>();
  for (const t of def.transitions) {
    if (!states.has(t.from)) fail(`transition from unknown state ${t.from}`);
    if (!states.has(t.to)) fail(`transition to unknown state ${t.to}`);
    if (def.final.includes(t.from)) fail(`final state ${t.from} has an outgoing transition`);
    const m = index.get(t.from) ?? new Map<E, S>();
    if (m.has(t.event)) fail(`two transitions for (${t.from}, ${t.event})`);
    m.set(t.event, t.to);
    index.set(t.from, m);
  }
  const seen = new Set<S>([def.initial]);
  const queue: S[] = [def.initial];
  while (queue.length > 0) {
    const s = queue.shift() as S;
    for (const to of index.get(s)?.values() ?? []) {
      if (!seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  for (const s of states) if (!seen.has(s)) fail(`state ${s} is unreachable from ${def.initial}`);
  return { ...def, index };
}

/**
 * Adds states and transitions to a machine (integrator extension) and validates the result.
 */
export function extendMachine<
  S extends string,
  E extends string,
  S2 extends string,
  E2 extends string,
>(
  base: MachineDefinition<S, E>,
  extra: {
    states?: readonly S2[];
    final?: readonly (S | S2)[];
    transitions: readonly TransitionEdge<S | S2, E | E2>[];
  },
): Machine<S | S2, E | E2> {
  return defineMachine<S | S2, E | E2>({
    name: base.name,
    initial: base.initial,
    states: [...base.states, ...(extra.states ?? [])],
    final: extra.final ?? base.final,
    transitions: [...base.transitions, ...extra.transitions],
  });
}

/** The events allowed from `state`. */
export function allowedEvents<S extends string, E extends string>(m: Machine<S, E>, state: S): E[] {
  return [...(m.index.get(state)?.keys() ?? [])];
}

/** Looks up `(from, event)`; an edge the table lacks is an {@link IllegalTransitionError}. */
export function transition<S extends string, E extends string>(
  m: Machine<S, E>,
  from: S,
  event: E,
): Result<Transitioned<S, E>, IllegalTransitionError> {
  const to = m.index.get(from)?.get(event);
  if (to === undefined) {
    const allowed = allowedEvents(m, from);
    return err({
      code: 'ILLEGAL_TRANSITION',
      message: `${m.name}: cannot ${event} from ${from} (allowed: ${allowed.length ? allowed.join(', ') : 'none'})`,
      machine: m.name,
      from,
      event,
      allowed,
    });
  }
  return ok({ from, event, to });
}
