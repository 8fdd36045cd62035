import { describe, expect, it } from "vitest";
import type { ParcelState } from "../../contracts/normalized.ts";
import { decideEligibility, type EligibilityInput } from "../../src/domain/eligibility.ts";
import { defaultCarrierRules } from "../../src/domain/rules.ts";

function input(overrides: Partial<EligibilityInput> = {}): EligibilityInput {
  return {
    request: {
      action: "intercept",
      parcel: { declaredValue: { amount: "899.00", currency: "CNY" }, category: "apparel" },
    },
    rules: defaultCarrierRules,
    actionOffered: true,
    parcelState: "in_transit",
    destinationCountry: null,
    unknownParcel: false,
    earlier: [],
    orderRedirects: 0,
    ...overrides,
  };
}

function withValue(amount: string, currency = "CNY", category = "apparel") {
  return {
    action: "intercept" as const,
    parcel: { declaredValue: { amount, currency }, category },
  };
}

describe("declared value and currency", () => {
  it.each([
    ["0.01", true],
    ["999.99", true],
    ["1000", true],
    ["1000.00", true],
    ["1000.01", false],
    ["1200.00", false],
  ])("%s CNY eligible: %s", (amount, eligible) => {
    const decision = decideEligibility(input({ request: withValue(amount) }));
    expect(decision.eligible, JSON.stringify(decision)).toBe(eligible);
    if (!eligible) {
      expect(decision.reasons.map((reason) => reason.code)).toEqual(["value_above_limit"]);
    }
  });

  it("refuses another currency, even below the ceiling's number", () => {
    const decision = decideEligibility(input({ request: withValue("10.00", "USD") }));
    expect(decision.reasons.map((reason) => reason.code)).toEqual(["currency_not_supported"]);
  });

  it("follows a configured ceiling", () => {
    const rules = { ...defaultCarrierRules, valueCeiling: { amount: "500.00", currency: "CNY" } };
    expect(decideEligibility(input({ rules, request: withValue("500.00") })).eligible).toBe(true);
    expect(decideEligibility(input({ rules, request: withValue("500.01") })).eligible).toBe(false);
  });
});

describe("category", () => {
  const seed003 = [
    "fresh",
    "virtual",
    "jewellery",
    "antiques",
    "second_hand",
    "tea",
    "large_appliance",
    "custom_made",
  ];

  it.each(seed003)("refuses %s goods by default (seed 003)", (category) => {
    const decision = decideEligibility(input({ request: withValue("10.00", "CNY", category) }));
    expect(decision.reasons.map((reason) => reason.code)).toEqual(["category_not_interceptable"]);
  });

  it.each([" Fresh ", "FRESH", "TEA", "\tSecond_Hand\n", " custom_made"])(
    "matches %j case-insensitively after trimming",
    (category) => {
      const decision = decideEligibility(input({ request: withValue("10.00", "CNY", category) }));
      expect(decision.reasons.map((reason) => reason.code)).toEqual(["category_not_interceptable"]);
    },
  );

  it("trims and folds the configured names too", () => {
    const rules = { ...defaultCarrierRules, blockedCategories: [" Perfume "] };
    const decision = decideEligibility(
      input({ rules, request: withValue("10.00", "CNY", "PERFUME") }),
    );
    expect(decision.reasons.map((reason) => reason.code)).toEqual(["category_not_interceptable"]);
    expect(
      decideEligibility(input({ rules, request: withValue("10.00", "CNY", "tea") })).eligible,
    ).toBe(true);
  });

  it.each(["apparel", "general", "electronics", "freshwater_fishing_rod"])(
    "accepts %s",
    (category) => {
      expect(
        decideEligibility(input({ request: withValue("10.00", "CNY", category) })).eligible,
      ).toBe(true);
    },
  );
});

describe("parcel state", () => {
  const cases: Array<[ParcelState, boolean, "lock" | "carrier", "normal" | "low"]> = [
    ["not_collected", true, "lock", "normal"],
    ["in_transit", true, "carrier", "normal"],
    ["at_delivery_station", true, "carrier", "low"],
    ["out_for_delivery", true, "carrier", "low"],
    ["delivered", false, "carrier", "normal"],
    ["returned", false, "carrier", "normal"],
    ["unknown", true, "carrier", "normal"],
  ];
  it.each(cases)(
    "%s → eligible %s, %s, likelihood %s",
    (parcelState, eligible, disposition, likelihood) => {
      const decision = decideEligibility(input({ parcelState }));
      expect(decision.eligible, JSON.stringify(decision)).toBe(eligible);
      expect(decision.disposition).toBe(disposition);
      expect(decision.successLikelihood).toBe(likelihood);
      if (!eligible) {
        expect(decision.reasons.map((reason) => reason.code)).toEqual(["already_delivered"]);
      }
    },
  );

  it("names an unknown parcel", () => {
    const decision = decideEligibility(input({ parcelState: null, unknownParcel: true }));
    expect(decision.reasons.map((reason) => reason.code)).toEqual(["unknown_parcel"]);
  });

  it("leaves an unreachable carrier's parcel to the worker", () => {
    const decision = decideEligibility(input({ parcelState: null }));
    expect(decision).toMatchObject({ eligible: true, disposition: "carrier" });
  });
});

describe("every reason at once", () => {
  it("names all refusals, not just the first", () => {
    const decision = decideEligibility(
      input({
        request: {
          action: "redirect",
          parcel: { declaredValue: { amount: "5000.00", currency: "CNY" }, category: "fresh" },
        },
        actionOffered: false,
        parcelState: "delivered",
        earlier: [{ action: "intercept", status: "submitted" }],
      }),
    );
    expect(decision.reasons.map((reason) => reason.code).sort()).toEqual(
      [
        "action_not_supported",
        "already_delivered",
        "already_intercepted",
        "category_not_interceptable",
        "value_above_limit",
      ].sort(),
    );
  });
});

describe("carrier capabilities and countries", () => {
  it("refuses an action the carrier does not offer once the parcel is collected", () => {
    const decision = decideEligibility(input({ actionOffered: false }));
    expect(decision.reasons.map((reason) => reason.code)).toEqual(["action_not_supported"]);
  });

  it("still locks a parcel not collected yet, which needs no carrier action", () => {
    const decision = decideEligibility(
      input({ actionOffered: false, parcelState: "not_collected" }),
    );
    expect(decision).toMatchObject({ eligible: true, disposition: "lock" });
  });

  it("refuses a destination outside the carrier's countries, and only then", () => {
    const rules = { ...defaultCarrierRules, countries: ["US", "PR"] };
    for (const [country, eligible] of [
      ["US", true],
      ["PR", true],
      ["CA", false],
      [null, true],
    ] as const) {
      const decision = decideEligibility(input({ rules, destinationCountry: country }));
      expect(decision.eligible, String(country)).toBe(eligible);
      if (!eligible) {
        expect(decision.reasons.map((reason) => reason.code)).toEqual(["country_not_supported"]);
      }
    }
  });
});

describe("earlier interceptions of the parcel", () => {
  it("refuses while another one is under way", () => {
    for (const status of ["pending", "submitted", "locked"] as const) {
      const decision = decideEligibility(input({ earlier: [{ action: "intercept", status }] }));
      expect(
        decision.reasons.map((reason) => reason.code),
        status,
      ).toEqual(["already_intercepted"]);
    }
  });

  it("allows a new attempt after a failed, cancelled or released one", () => {
    for (const status of ["failed", "cancelled", "released"] as const) {
      expect(
        decideEligibility(input({ earlier: [{ action: "intercept", status }] })).eligible,
        status,
      ).toBe(true);
    }
  });

  it("allows a second redirect unless the carrier takes one interception per parcel", () => {
    const earlier = [{ action: "redirect" as const, status: "succeeded" as const }];
    const redirect = { action: "redirect" as const, parcel: input().request.parcel };
    const open = decideEligibility(input({ request: redirect, earlier, orderRedirects: 1 }));
    expect(open).toMatchObject({ eligible: true });
    const oneOnly = decideEligibility(
      input({
        request: redirect,
        earlier,
        orderRedirects: 1,
        rules: { ...defaultCarrierRules, oneInterceptionPerParcel: true },
      }),
    );
    expect(oneOnly.reasons.map((reason) => reason.code)).toEqual(["already_intercepted"]);
  });
});

describe("the order's free redirect", () => {
  const redirect = { action: "redirect" as const, parcel: input().request.parcel };
  const rules = { ...defaultCarrierRules, refusePaidRedirects: true };

  it("refuses a paid redirect only where the carrier is configured to", () => {
    const used = decideEligibility(input({ request: redirect, orderRedirects: 1, rules }));
    expect(used.reasons).toEqual([
      {
        code: "free_redirect_used",
        message: "This order's free redirect has been used and paid redirects are not offered.",
      },
    ]);
    expect(decideEligibility(input({ request: redirect, orderRedirects: 1 })).eligible).toBe(true);
  });

  it("counts the order's redirects, not the parcel's", () => {
    // This parcel was never redirected; another parcel of the order was.
    expect(decideEligibility(input({ request: redirect, orderRedirects: 1, rules })).eligible).toBe(
      false,
    );
    // This parcel's earlier redirect does not count unless the order's count says so.
    const earlier = [{ action: "redirect" as const, status: "failed" as const }];
    expect(
      decideEligibility(input({ request: redirect, earlier, orderRedirects: 0, rules })).eligible,
    ).toBe(true);
  });

  it("allows as many free ones as configured", () => {
    const two = { ...rules, freeRedirectsPerOrder: 2 };
    expect(
      decideEligibility(input({ request: redirect, orderRedirects: 1, rules: two })).eligible,
    ).toBe(true);
    expect(
      decideEligibility(input({ request: redirect, orderRedirects: 2, rules: two })).eligible,
    ).toBe(false);
  });

  it("never refuses an intercept for the order's redirects", () => {
    expect(decideEligibility(input({ orderRedirects: 5, rules })).eligible).toBe(true);
  });
});
