import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../src/config.ts";
import {
  defaultObligationRules,
  ObligationRulesSchema,
  replyReasons,
  shipLaterMaxDaysFor,
} from "../../../src/domain/obligations/rules.ts";

const day = 86_400_000;

function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("the shipping-obligation rules are data", () => {
  it("defaults to the seeds: 24 h windows, 30 / 15 days, 3 proposals, six reasons", () => {
    expect(ObligationRulesSchema.parse(defaultObligationRules)).toEqual({
      urgeCollectionWindowMs: day,
      urgeShipmentReplyWindowMs: day,
      shipLaterAnswerWindowMs: day,
      collectAfterShipWindowMs: day,
      proposalAnswerWindowMs: day,
      maxProposals: 3,
      shipLaterMaxDays: 30,
      shipLaterMaxDaysFresh: 15,
      freshCategories: ["fresh"],
      reasons: [
        "out_of_stock",
        "production_delay",
        "logistics_delay",
        "buyer_requested",
        "address_problem",
        "other",
      ],
    });
    expect(loadConfig({}).obligations).toEqual(defaultObligationRules);
  });

  it.each([
    ["fresh", 15],
    [" Fresh ", 15],
    ["FRESH", 15],
    ["apparel", 30],
    ["fresh_flowers", 30],
  ])("category %j may ship later by at most %i days", (category, days) => {
    expect(shipLaterMaxDaysFor(category, defaultObligationRules)).toBe(days);
  });

  it("reads every rule from the environment", () => {
    const { obligations } = loadConfig({
      URGE_COLLECTION_WINDOW_MS: "1000",
      URGE_SHIPMENT_REPLY_WINDOW_MS: "2000",
      SHIP_LATER_ANSWER_WINDOW_MS: "3000",
      COLLECT_AFTER_SHIP_WINDOW_MS: "4000",
      SHIP_DATE_PROPOSAL_WINDOW_MS: "5000",
      SHIP_DATE_PROPOSALS_MAX: "5",
      SHIP_LATER_MAX_DAYS: "20",
      SHIP_LATER_MAX_DAYS_FRESH: "7",
      FRESH_CATEGORIES: "fresh, seafood ,",
      TICKET_REPLY_REASONS: "out_of_stock,other",
    });
    expect(obligations).toEqual({
      urgeCollectionWindowMs: 1000,
      urgeShipmentReplyWindowMs: 2000,
      shipLaterAnswerWindowMs: 3000,
      collectAfterShipWindowMs: 4000,
      proposalAnswerWindowMs: 5000,
      maxProposals: 5,
      shipLaterMaxDays: 20,
      shipLaterMaxDaysFresh: 7,
      freshCategories: ["fresh", "seafood"],
      reasons: ["out_of_stock", "other"],
    });
    expect(shipLaterMaxDaysFor("Seafood", obligations)).toBe(7);
  });

  it("stops the start on a bad value, naming the variable", () => {
    const message = configError(() =>
      loadConfig({
        URGE_COLLECTION_WINDOW_MS: "0",
        SHIP_DATE_PROPOSALS_MAX: "three",
        SHIP_LATER_MAX_DAYS: "-1",
        TICKET_REPLY_REASONS: "out_of_stock,weather",
      }),
    );
    for (const name of [
      "URGE_COLLECTION_WINDOW_MS",
      "SHIP_DATE_PROPOSALS_MAX",
      "SHIP_LATER_MAX_DAYS",
      "TICKET_REPLY_REASONS",
    ]) {
      expect(message).toContain(name);
    }
    expect(configError(() => loadConfig({ TICKET_REPLY_REASONS: "," }))).toContain(
      "TICKET_REPLY_REASONS",
    );
  });

  it("offers only the reasons API.md fixes", () => {
    expect(
      ObligationRulesSchema.safeParse({ ...defaultObligationRules, reasons: [] }).success,
    ).toBe(false);
    expect(
      ObligationRulesSchema.safeParse({ ...defaultObligationRules, reasons: ["weather"] }).success,
    ).toBe(false);
    expect(replyReasons).toHaveLength(6);
  });

  it("the README documents every variable", () => {
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    const names = [
      "URGE_COLLECTION_WINDOW_MS",
      "URGE_SHIPMENT_REPLY_WINDOW_MS",
      "SHIP_LATER_ANSWER_WINDOW_MS",
      "COLLECT_AFTER_SHIP_WINDOW_MS",
      "SHIP_DATE_PROPOSAL_WINDOW_MS",
      "SHIP_DATE_PROPOSALS_MAX",
      "SHIP_LATER_MAX_DAYS",
      "SHIP_LATER_MAX_DAYS_FRESH",
      "FRESH_CATEGORIES",
      "TICKET_REPLY_REASONS",
    ];
    expect(names.filter((name) => !readme.includes(`| \`${name}\` |`))).toEqual([]);
  });
});
