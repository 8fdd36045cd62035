import { describe, expect, it } from "vitest";
import { attributeCost } from "../../src/domain/cost.ts";
import { fromMinorUnits, toMinorUnits } from "../../src/domain/money.ts";
import { defaultCarrierRules } from "../../src/domain/rules.ts";

const base = { rules: defaultCarrierRules, earlierRedirects: 0, locked: false };

describe("cost attribution (seed 003)", () => {
  it("makes a return free for a merchant on the pickup service", () => {
    expect(attributeCost({ ...base, action: "intercept", pickupService: true })).toEqual({
      payer: "platform",
      mode: "free_return",
      quoted: null,
      final: null,
      settlement: "none",
    });
  });

  it("collects the return freight on delivery from a merchant without it, settled offline", () => {
    expect(attributeCost({ ...base, action: "intercept", pickupService: false })).toMatchObject({
      payer: "merchant",
      mode: "collect_on_delivery",
      settlement: "offline",
    });
  });

  it("pays a parcel's first redirect, then charges the merchant", () => {
    expect(attributeCost({ ...base, action: "redirect", pickupService: false })).toMatchObject({
      payer: "platform",
      mode: "free_redirect",
    });
    expect(
      attributeCost({ ...base, action: "redirect", pickupService: true, earlierRedirects: 1 }),
    ).toMatchObject({
      payer: "merchant",
      mode: "paid_redirect",
    });
  });

  it("charges nothing for a lock", () => {
    expect(
      attributeCost({ ...base, action: "intercept", pickupService: false, locked: true }),
    ).toMatchObject({
      payer: "none",
      mode: "none",
      settlement: "none",
    });
  });
});

describe("money in minor units", () => {
  it.each([
    ["0", 0, "0.00"],
    ["0.1", 10, "0.10"],
    ["899.5", 89950, "899.50"],
    ["1000.00", 100000, "1000.00"],
    ["1000.01", 100001, "1000.01"],
  ])("%s → %i → %s", (amount, minor, formatted) => {
    expect(toMinorUnits(amount)).toBe(minor);
    expect(fromMinorUnits(minor)).toBe(formatted);
  });
});
