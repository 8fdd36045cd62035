/**
 * Calendar dates of the shipping obligations. API.md: dates (`YYYY-MM-DD`) and "23:59:59" are
 * China time (UTC+8, contracts/china-time.ts), so a date's last second is 15:59:59 UTC of the
 * same date, and an instant's date in China is the next UTC date from 16:00 UTC on.
 */
import { chinaWallClockOf, instantOfChinaWallClock } from "../../../contracts/china-time.ts";

/** A real calendar date `YYYY-MM-DD` (checked by `parseChinaDate`), read in China time. */
export type ChinaDate = string & { readonly __brand: "ChinaDate" };

const dayMs = 86_400_000;

/**
 * `text` as a date when it is exactly `YYYY-MM-DD` and a day the calendar has (2026-02-29 and
 * 2026-02-30 are not); else null.
 */
export function parseChinaDate(text: string): ChinaDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) {
    return null;
  }
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const utc = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 02-30 into March and month 13 into the next year: a real date comes back as is.
  const real =
    utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === day;
  return real ? (text as ChinaDate) : null;
}

/** The last second of `date` in China, as ISO-8601 UTC: 2026-12-05 → 2026-12-05T15:59:59.000Z. */
export function endOfChinaDay(date: ChinaDate): string {
  return instantOfChinaWallClock(`${date}T23:59:59`).toISOString();
}

/** The date an instant falls on in China (2026-12-05T16:00:00Z is 2026-12-06). */
export function chinaDateOf(instant: Date): ChinaDate {
  return chinaWallClockOf(instant).slice(0, 10) as ChinaDate;
}

/** Whole days from `from` to `to`: 1 from a date to the next, negative when `to` is earlier. */
export function daysBetween(from: ChinaDate, to: ChinaDate): number {
  return (Date.parse(to) - Date.parse(from)) / dayMs;
}
