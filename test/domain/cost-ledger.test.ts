import { describe, expect, it } from "vitest";
import type { Cost } from "../../contracts/interception.ts";
import { CostLedger, type LedgerLine, sumCosts } from "../../src/domain/cost-ledger.ts";
import { fromMinorUnitsSum } from "../../src/domain/money.ts";

function line(carrier: string, cost: Partial<Cost> & Pick<Cost, "payer" | "mode">): LedgerLine {
  return { carrier, cost: { quoted: null, final: null, ...cost } };
}
const cny = (amount: string) => ({ amount, currency: "CNY" });
const usd = (amount: string) => ({ amount, currency: "USD" });

const lines: LedgerLine[] = [
  line("sf-express", {
    payer: "merchant",
    mode: "paid_redirect",
    quoted: cny("12.50"),
    final: cny("13"),
  }),
  line("ups", { payer: "merchant", mode: "paid_redirect", quoted: usd("7.05"), final: usd("7.1") }),
  line("sf-express", { payer: "merchant", mode: "collect_on_delivery", quoted: cny("0.01") }),
  line("sf-express", { payer: "platform", mode: "free_return" }),
  line("ups", {
    payer: "merchant",
    mode: "paid_redirect",
    quoted: cny("100.99"),
    final: usd("0.95"),
  }),
  line("zto", { payer: "none", mode: "none" }),
];

describe("the cost ledger", () => {
  it.each([
    {
      groupBy: [],
      rows: [
        {
          count: 6,
          quoted: [cny("113.50"), usd("7.05")],
          final: [cny("13.00"), usd("8.05")],
        },
      ],
    },
    {
      groupBy: ["carrier"],
      rows: [
        { carrier: "sf-express", count: 3, quoted: [cny("12.51")], final: [cny("13.00")] },
        { carrier: "ups", count: 2, quoted: [cny("100.99"), usd("7.05")], final: [usd("8.05")] },
        { carrier: "zto", count: 1, quoted: [], final: [] },
      ],
    },
    {
      groupBy: ["payer", "mode"],
      rows: [
        {
          payer: "merchant",
          mode: "collect_on_delivery",
          count: 1,
          quoted: [cny("0.01")],
          final: [],
        },
        {
          payer: "merchant",
          mode: "paid_redirect",
          count: 3,
          quoted: [cny("113.49"), usd("7.05")],
          final: [cny("13.00"), usd("8.05")],
        },
        { payer: "none", mode: "none", count: 1, quoted: [], final: [] },
        { payer: "platform", mode: "free_return", count: 1, quoted: [], final: [] },
      ],
    },
    {
      // The order of groupBy orders the rows (and the keys): mode first here.
      groupBy: ["mode", "carrier"],
      rows: [
        {
          mode: "collect_on_delivery",
          carrier: "sf-express",
          count: 1,
          quoted: [cny("0.01")],
          final: [],
        },
        { mode: "free_return", carrier: "sf-express", count: 1, quoted: [], final: [] },
        { mode: "none", carrier: "zto", count: 1, quoted: [], final: [] },
        {
          mode: "paid_redirect",
          carrier: "sf-express",
          count: 1,
          quoted: [cny("12.50")],
          final: [cny("13.00")],
        },
        {
          mode: "paid_redirect",
          carrier: "ups",
          count: 2,
          quoted: [cny("100.99"), usd("7.05")],
          final: [usd("8.05")],
        },
      ],
    },
  ] as const)("groups by [$groupBy]", ({ groupBy, rows }) => {
    const result = sumCosts(groupBy, lines);
    expect(result).toEqual(rows);
    // Key order too: the grouped dimensions in groupBy order, then count and the sums.
    expect(result.map((row) => Object.keys(row))).toEqual(
      rows.map(() => [...groupBy, "count", "quoted", "final"]),
    );
  });

  it("gives one empty row without grouping, and none with it, for no interceptions", () => {
    expect(sumCosts([], [])).toEqual([{ count: 0, quoted: [], final: [] }]);
    expect(sumCosts(["carrier"], [])).toEqual([]);
  });

  it("adds page by page to the same result, whatever the order of the lines", () => {
    const byPages = new CostLedger(["carrier", "payer"]).add(lines.slice(0, 2)).add(lines.slice(2));
    expect(byPages.rows()).toEqual(sumCosts(["carrier", "payer"], [...lines].reverse()));
  });

  it("does not count a quote as a final fee: an interception without one adds nothing to final", () => {
    const quotedOnly = [
      line("ups", { payer: "merchant", mode: "paid_redirect", quoted: usd("5") }),
    ];
    expect(sumCosts([], quotedOnly)).toEqual([{ count: 1, quoted: [usd("5.00")], final: [] }]);
  });

  it("sums in integer minor units: no float drift, and past the integers a number holds", () => {
    const tenths = Array.from({ length: 10 }, () =>
      line("sf-express", { payer: "merchant", mode: "paid_redirect", quoted: cny("0.1") }),
    );
    // 0.1 added ten times as floats is 0.9999999999999999.
    expect(sumCosts([], tenths)[0]?.quoted).toEqual([cny("1.00")]);
    const huge = Array.from({ length: 200 }, () =>
      line("sf-express", {
        payer: "merchant",
        mode: "paid_redirect",
        final: cny("999999999999.99"),
      }),
    );
    expect(sumCosts([], huge)[0]?.final).toEqual([cny("199999999999998.00")]);
  });
});

describe("fromMinorUnitsSum", () => {
  it.each([
    [0n, "0.00"],
    [5n, "0.05"],
    [100n, "1.00"],
    [89950n, "899.50"],
    [12345678901234567890n, "123456789012345678.90"],
  ])("%s → %s", (minor, text) => {
    expect(fromMinorUnitsSum(minor)).toBe(text);
  });
});
