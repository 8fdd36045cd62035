/**
 * SF, JD, Kuaidi100 and Cainiao write times as `yyyy-MM-dd HH:mm:ss` with no zone, meaning China
 * Standard Time (UTC+8, no daylight saving); each adapter's README says whether that zone is
 * documented or assumed. ZTO also sends epoch milliseconds, so it parses its times itself. The
 * zone itself is contracts/china-time.ts, shared with the gateway's shipping deadlines.
 */
import { chinaWallClockOf, instantOfChinaWallClock } from "../contracts/china-time.ts";

/** ISO-8601 UTC for a China wall-clock time; other formats through `Date.parse`, else the text. */
export function chinaTimeToIso(text: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(text.trim());
  if (match === null) {
    const parsed = Date.parse(text);
    return Number.isNaN(parsed) ? text : new Date(parsed).toISOString();
  }
  const [, date, time] = match;
  return instantOfChinaWallClock(`${date}T${time}`).toISOString();
}

/** A Date as a China wall-clock time, `yyyy-MM-dd HH:mm:ss`. */
export function formatChinaTime(date: Date): string {
  return chinaWallClockOf(date).replace("T", " ");
}
