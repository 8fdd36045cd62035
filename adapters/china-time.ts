/**
 * SF, JD, Kuaidi100 and Cainiao write times as `yyyy-MM-dd HH:mm:ss` with no zone, meaning China
 * Standard Time (UTC+8, no daylight saving); each adapter's README says whether that zone is
 * documented or assumed. ZTO also sends epoch milliseconds, so it parses its times itself.
 */

const chinaOffsetMs = 8 * 3_600_000;

/** ISO-8601 UTC for a China wall-clock time; other formats through `Date.parse`, else the text. */
export function chinaTimeToIso(text: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (match === null) {
    const parsed = Date.parse(text);
    return Number.isNaN(parsed) ? text : new Date(parsed).toISOString();
  }
  const [, year, month, day, hour, minute, second] = match;
  return new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}+08:00`).toISOString();
}

/** A Date as a China wall-clock time, `yyyy-MM-dd HH:mm:ss`. */
export function formatChinaTime(date: Date): string {
  return new Date(date.getTime() + chinaOffsetMs).toISOString().slice(0, 19).replace("T", " ");
}
