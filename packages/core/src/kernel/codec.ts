/**
 * Encoding of domain values to plain JSON for storage and the outbox. Money, quantities and
 * decimals become tagged objects with exact decimal strings (never floats), e.g.
 * `{ "$type": "money", "amount": "12.30", "currency": "CNY" }`.
 *
 * @module
 */
import { Dec } from '../money/decimal';
import { Money } from '../money/money';
import { Quantity } from '../money/quantity';
import type { Json, JsonObject } from '../ports/store';
import { TradecoreBug } from './errors';

/**
 * Encodes a domain value (objects, arrays, Money, Quantity, Dec, primitives) to JSON.
 *
 * With `memo`, the encoding of every frozen object or array is remembered there and reused the
 * next time the same (frozen, hence unchanged) object is met — for aggregates that share
 * unchanged parts between versions. The JSON returned may then share parts with earlier results:
 * treat it as read-only.
 */
export function encode(value: unknown, memo?: WeakMap<object, Json>): Json {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value === undefined) return null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new TradecoreBug('ENCODE_NON_FINITE', 'cannot encode a non-finite number');
    return value;
  }
  if (value instanceof Money) return { $type: 'money', ...value.toJSON() };
  if (value instanceof Quantity)
    return { $type: 'qty', value: value.value.toFixed(), unit: value.unit };
  if (Dec.isDecimal(value)) return { $type: 'dec', value: (value as Dec).toFixed() };
  if (typeof value === 'object') {
    const frozen = memo !== undefined && Object.isFrozen(value);
    if (frozen) {
      const hit = memo.get(value);
      if (hit !== undefined) return hit;
    }
    let out: Json;
    if (Array.isArray(value)) out = value.map((v) => encode(v, memo));
    else {
      const o: JsonObject = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v !== undefined) o[k] = encode(v, memo);
      }
      out = o;
    }
    if (frozen) memo.set(value, out);
    return out;
  }
  throw new TradecoreBug('ENCODE_UNSUPPORTED', `cannot encode a value of type ${typeof value}`);
}

/** Encodes an object (see {@link encode}). */
export function encodeObject(value: object): JsonObject {
  return encode(value) as JsonObject;
}

/** Decodes what {@link encode} produced back to domain values. */
export function decode<T = unknown>(json: Json): T {
  return decodeAny(json) as T;
}

function decodeAny(json: Json): unknown {
  if (json === null || typeof json !== 'object') return json;
  if (Array.isArray(json)) return json.map(decodeAny);
  switch (json.$type) {
    case 'money':
      return Money.of(json.amount as string, json.currency as string);
    case 'qty':
      return Quantity.of(json.value as string, json.unit as string);
    case 'dec':
      return new Dec(json.value as string);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) out[k] = decodeAny(v);
  return out;
}

/**
 * Canonical JSON text of a value: object keys sorted, domain values encoded. Two inputs that
 * mean the same thing give the same text (used to compare idempotent replays).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(encode(value)));
}

function sortKeys(j: Json): Json {
  if (j === null || typeof j !== 'object') return j;
  if (Array.isArray(j)) return j.map(sortKeys);
  const out: JsonObject = {};
  for (const k of Object.keys(j).sort()) out[k] = sortKeys(j[k] as Json);
  return out;
}
