/**
 * China Standard Time (Asia/Shanghai), the zone of the platform's shipping deadlines and of the
 * Chinese carriers' wire times: UTC+8 all year, since China has had no daylight saving since
 * 1991, so a fixed offset is exact and no time-zone database is needed. Both the carrier adapters
 * (adapters/china-time.ts: wire text) and the gateway's shipping obligations
 * (src/domain/obligations/china-time.ts: calendar dates) build on these two conversions; it lives
 * here because both sides already depend on contracts/ and neither should depend on the other.
 */

const chinaOffsetMs = 8 * 3_600_000;

/** An instant as the China wall clock reads it: `yyyy-MM-ddTHH:mm:ss`. */
export function chinaWallClockOf(instant: Date): string {
  return new Date(instant.getTime() + chinaOffsetMs).toISOString().slice(0, 19);
}

/**
 * The instant a China wall-clock reading `yyyy-MM-ddTHH:mm:ss` names. Like `Date` parsing, it
 * rolls a day past the month's end (up to 31) into the next month and is an invalid Date for
 * text it cannot read: callers that need a real calendar date check it first.
 */
export function instantOfChinaWallClock(wallClock: string): Date {
  return new Date(`${wallClock}+08:00`);
}
