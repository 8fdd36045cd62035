import { describe, expect, it } from "vitest";
import { chinaTimeToIso, formatChinaTime } from "../../../adapters/china-time.ts";
import {
  type ChinaDate,
  chinaDateOf,
  daysBetween,
  endOfChinaDay,
  parseChinaDate,
} from "../../../src/domain/obligations/china-time.ts";

function date(text: string): ChinaDate {
  const parsed = parseChinaDate(text);
  if (parsed === null) {
    throw new Error(`not a date: ${text}`);
  }
  return parsed;
}

describe("parseChinaDate: strict YYYY-MM-DD, real calendar dates only", () => {
  it.each([
    "2026-12-05",
    "2028-02-29", // leap day
    "2000-02-29", // divisible by 400: leap
    "2026-01-31",
    "2026-04-30",
    "2026-12-31",
  ])("accepts %s", (text) => {
    expect(parseChinaDate(text)).toBe(text);
  });

  it.each([
    "2026-02-29", // not a leap year
    "2100-02-29", // divisible by 100, not by 400
    "2026-02-30",
    "2026-04-31",
    "2026-13-01",
    "2026-00-10",
    "2026-12-00",
    "2026-12-32",
    "2026-1-05",
    "2026/12/05",
    "20261205",
    " 2026-12-05",
    "2026-12-05T00:00:00Z",
    "",
  ])("refuses %j", (text) => {
    expect(parseChinaDate(text)).toBeNull();
  });
});

describe("endOfChinaDay: 23:59:59 China time (UTC+8)", () => {
  it.each([
    ["2026-12-05", "2026-12-05T15:59:59.000Z"],
    ["2028-02-29", "2028-02-29T15:59:59.000Z"],
    ["2026-12-31", "2026-12-31T15:59:59.000Z"],
    ["2027-01-01", "2027-01-01T15:59:59.000Z"],
    // No daylight saving: summer and winter alike are UTC+8.
    ["2026-07-01", "2026-07-01T15:59:59.000Z"],
  ])("%s ends at %s", (text, end) => {
    expect(endOfChinaDay(date(text))).toBe(end);
  });
});

describe("chinaDateOf: the date an instant falls on in China", () => {
  it.each([
    // 23:59:59 China time on 12-05 is still 12-05; one second later it is 12-06 in China while
    // still 12-05 in UTC.
    ["2026-12-05T15:59:59.000Z", "2026-12-05"],
    ["2026-12-05T15:59:59.999Z", "2026-12-05"],
    ["2026-12-05T16:00:00.000Z", "2026-12-06"],
    ["2026-12-05T23:59:59.000Z", "2026-12-06"],
    ["2026-12-05T00:00:00.000Z", "2026-12-05"],
    // Across the year, the month end and the leap day.
    ["2026-12-31T16:00:00.000Z", "2027-01-01"],
    ["2028-02-28T16:00:00.000Z", "2028-02-29"],
    ["2028-02-29T16:00:00.000Z", "2028-03-01"],
    ["2026-04-30T16:00:00.000Z", "2026-05-01"],
  ])("%s is %s", (instant, expected) => {
    expect(chinaDateOf(new Date(instant))).toBe(expected);
  });
});

describe("daysBetween", () => {
  it.each([
    ["2026-12-05", "2026-12-05", 0],
    ["2026-12-05", "2026-12-06", 1],
    ["2026-12-06", "2026-12-05", -1],
    ["2026-12-01", "2026-12-31", 30],
    ["2026-12-15", "2027-01-14", 30],
    ["2028-02-01", "2028-03-02", 30], // through a leap day
    ["2026-02-01", "2026-03-03", 30],
    ["2026-01-31", "2026-03-02", 30],
  ])("%s → %s is %i", (from, to, days) => {
    expect(daysBetween(date(from), date(to))).toBe(days);
  });
});

describe("the carrier adapters' China time reads the same zone", () => {
  it("a China wall-clock time round-trips through the shared conversion", () => {
    expect(chinaTimeToIso("2026-12-05 23:59:59")).toBe("2026-12-05T15:59:59.000Z");
    expect(formatChinaTime(new Date("2026-12-05T16:00:00.000Z"))).toBe("2026-12-06 00:00:00");
  });
});
