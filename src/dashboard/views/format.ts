/**
 * How the pages write times and money. Times are shown in China time (UTC+8), the merchants'
 * own, as API.md's dates are; the pages say so.
 */
import type { Money } from "../../../contracts/normalized.ts";

const chinaOffsetMs = 8 * 60 * 60_000;

/** `2026-11-21 16:00` for `2026-11-21T08:00:00.000Z`. */
export function chinaTime(iso: string): string {
  const shifted = new Date(Date.parse(iso) + chinaOffsetMs).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}

/** `899.00 CNY`, or a dash when there is no amount. */
export function money(value: Money | null): string {
  return value ? `${value.amount} ${value.currency}` : "—";
}

/**
 * The instant a China-time date (`YYYY-MM-DD`) begins, as ISO UTC; with `dayAfter`, the instant
 * the next day begins (an inclusive "to" date as an exclusive bound). Null for anything else.
 */
export function chinaDateStart(date: string, dayAfter = false): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    return null;
  }
  const midnightUtc = Date.parse(`${date}T00:00:00.000Z`);
  if (Number.isNaN(midnightUtc) || new Date(midnightUtc).toISOString().slice(0, 10) !== date) {
    return null;
  }
  const dayMs = 24 * 60 * 60_000;
  return new Date(midnightUtc - chinaOffsetMs + (dayAfter ? dayMs : 0)).toISOString();
}
