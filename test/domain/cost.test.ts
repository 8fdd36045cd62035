import { describe, expect, it } from "vitest";
import {
  attributeCost,
  chargesNothingOnceIn,
  holdsFreeRedirect,
  noCharge,
} from "../../src/domain/cost.ts";
import { fromMinorUnits, toMinorUnits } from "../../src/domain/money.ts";
import { defaultCarrierRules } from "../../src/domain/rules.ts";

const base = { rules: defaultCarrierRules, orderRedirects: 0, locked: false };

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

  it("pays an order's first redirect, then charges the merchant, settled offline", () => {
    expect(attributeCost({ ...base, action: "redirect", pickupService: false })).toMatchObject({
      payer: "platform",
      mode: "free_redirect",
    });
    expect(
      attributeCost({ ...base, action: "redirect", pickupService: true, orderRedirects: 1 }),
    ).toEqual({
      payer: "merchant",
      mode: "paid_redirect",
      quoted: null,
      final: null,
      settlement: "offline",
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

describe("a redirect that fails or is withdrawn", () => {
  it("does not hold the order's free redirect; a paid one never holds it", () => {
    const free = { mode: "free_redirect" } as const;
    for (const status of ["pending", "submitted", "succeeded"] as const) {
      expect(holdsFreeRedirect({ status, cost: free }), status).toBe(true);
      expect(holdsFreeRedirect({ status, cost: { mode: "paid_redirect" } }), status).toBe(false);
    }
    for (const status of ["failed", "cancelled"] as const) {
      expect(holdsFreeRedirect({ status, cost: free }), status).toBe(false);
    }
    // A redirect of a parcel not collected yet is a lock, which charges nothing at all.
    for (const status of ["locked", "released"] as const) {
      expect(holdsFreeRedirect({ status, cost: { mode: "none" } }), status).toBe(false);
    }
  });

  it("charges nothing once failed or cancelled; a return keeps its cost", () => {
    expect(chargesNothingOnceIn("redirect", "failed")).toBe(true);
    expect(chargesNothingOnceIn("redirect", "cancelled")).toBe(true);
    for (const status of ["pending", "submitted", "succeeded", "locked", "released"] as const) {
      expect(chargesNothingOnceIn("redirect", status), status).toBe(false);
    }
    // A failed return: the buyer is asked to refuse delivery, so the freight may still be due.
    expect(chargesNothingOnceIn("intercept", "failed")).toBe(false);
    expect(chargesNothingOnceIn("intercept", "cancelled")).toBe(false);
    expect(noCharge()).toEqual({
      payer: "none",
      mode: "none",
      quoted: null,
      final: null,
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
