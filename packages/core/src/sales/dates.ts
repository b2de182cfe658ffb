/**
 * Calendar-date arithmetic on `YYYY-MM-DD` strings (UTC days), for due dates and validity
 * periods. Pure: no clock is read; today comes from the caller.
 *
 * @module
 */
import { TradecoreBug } from '../kernel/errors';

const DAY_MS = 86_400_000;

function epochDay(date: string): number {
  const t = Date.parse(`${date}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(t)) {
    throw new TradecoreBug('INVALID_DATE', `not a calendar date YYYY-MM-DD: ${date}`);
  }
  return t / DAY_MS;
}

/** `date` plus `days` (may be negative): `addDays('2026-11-30', 1)` is `'2026-12-01'`. */
export function addDays(date: string, days: number): string {
  if (!Number.isSafeInteger(days)) {
    throw new TradecoreBug('INVALID_DAYS', `not a whole number of days: ${days}`);
  }
  return new Date((epochDay(date) + days) * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return epochDay(to) - epochDay(from);
}

/** The calendar date (UTC) of an ISO-8601 instant: `'2026-11-22T08:00:00.000Z'` → `'2026-11-22'`. */
export function dateOfInstant(instant: string): string {
  const t = Date.parse(instant);
  if (Number.isNaN(t)) throw new TradecoreBug('INVALID_INSTANT', `not an instant: ${instant}`);
  return new Date(t).toISOString().slice(0, 10);
}
