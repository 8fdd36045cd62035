/**
 * A date the merchant promises to ship by (a `ship_later` reply, a ship-date proposal): a real
 * calendar date, read in China time, that has not ended yet. Today counts: its 23:59:59 China
 * time is still ahead.
 */
import { type ChinaDate, chinaDateOf, daysBetween, parseChinaDate } from "./china-time.ts";
import { invalid, type Refusal } from "./decision.ts";

export function readShipDate(text: string | undefined, now: Date): ChinaDate | Refusal {
  const date = text === undefined ? null : parseChinaDate(text);
  if (date === null) {
    return invalid("shipDate", "invalid_date", "shipDate must be a calendar date, YYYY-MM-DD.");
  }
  if (daysBetween(chinaDateOf(now), date) < 0) {
    return invalid(
      "shipDate",
      "ship_date_in_past",
      `shipDate ${date} has passed (today is ${chinaDateOf(now)} in China).`,
    );
  }
  return date;
}
