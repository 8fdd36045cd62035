/**
 * The cost ledger (API.md "Costs and bulk release"): interceptions counted and their fees summed
 * per group (carrier, payer, mode, any subset in any order) and per currency, in integer minor
 * units. Pure: the caller reads the lines (a page at a time) and adds them.
 *
 * - `quoted` sums the fees carriers quoted when accepting; `final` sums the fees carriers
 *   reported at the end. An interception without a final fee adds nothing to `final`: not its
 *   quote, because `final` is what carriers actually charged, and a quote standing in for it
 *   would make the two columns indistinguishable. The gap between them is what is still open.
 * - A fee is never converted: each currency has its own sum, and a currency appears in a row
 *   only when at least one fee of the group was in it.
 * - Without grouping there is one row, even for no interceptions (count 0); with grouping, one
 *   row per group that has interceptions.
 * - Rows are ordered by their group's values, compared in the order of `groupBy`; sums by
 *   currency code. The same lines give the same rows, whatever order they were added in.
 */
import type { CostDimension } from "../../contracts/costs.ts";
import type { Cost } from "../../contracts/interception.ts";
import type { CostMode, Money, Payer } from "../../contracts/normalized.ts";
import { fromMinorUnitsSum, toMinorUnits } from "./money.ts";

/** What the ledger reads of one interception. */
export interface LedgerLine {
  carrier: string;
  cost: Pick<Cost, "payer" | "mode" | "quoted" | "final">;
}

/** One group: its values for the grouped dimensions, its count and its sums per currency. */
export interface LedgerRow {
  carrier?: string;
  payer?: Payer;
  mode?: CostMode;
  count: number;
  quoted: Money[];
  final: Money[];
}

interface Group {
  values: Pick<LedgerRow, CostDimension>;
  count: number;
  quoted: Map<string, bigint>;
  final: Map<string, bigint>;
}

/** Sums lines into groups as they are added; `rows()` reads the result at any point. */
export class CostLedger {
  private readonly groups = new Map<string, Group>();

  constructor(private readonly groupBy: readonly CostDimension[]) {}

  add(lines: Iterable<LedgerLine>): this {
    for (const line of lines) {
      const values = this.valuesOf(line);
      const key = JSON.stringify(this.groupBy.map((dimension) => values[dimension]));
      let group = this.groups.get(key);
      if (!group) {
        group = { values, count: 0, quoted: new Map(), final: new Map() };
        this.groups.set(key, group);
      }
      group.count += 1;
      addFee(group.quoted, line.cost.quoted);
      addFee(group.final, line.cost.final);
    }
    return this;
  }

  rows(): LedgerRow[] {
    const groups = [...this.groups.values()];
    if (this.groupBy.length === 0 && groups.length === 0) {
      return [{ count: 0, quoted: [], final: [] }];
    }
    groups.sort((a, b) => {
      for (const dimension of this.groupBy) {
        const order = compareText(a.values[dimension] ?? "", b.values[dimension] ?? "");
        if (order !== 0) {
          return order;
        }
      }
      return 0;
    });
    return groups.map((group) => ({
      ...group.values,
      count: group.count,
      quoted: moneyOf(group.quoted),
      final: moneyOf(group.final),
    }));
  }

  /** The line's values for the grouped dimensions, in `groupBy` order. */
  private valuesOf(line: LedgerLine): Pick<LedgerRow, CostDimension> {
    const all = { carrier: line.carrier, payer: line.cost.payer, mode: line.cost.mode };
    const values: Pick<LedgerRow, CostDimension> = {};
    for (const dimension of this.groupBy) {
      Object.assign(values, { [dimension]: all[dimension] });
    }
    return values;
  }
}

/** The ledger of `lines` grouped by `groupBy`, in one call. */
export function sumCosts(
  groupBy: readonly CostDimension[],
  lines: Iterable<LedgerLine>,
): LedgerRow[] {
  return new CostLedger(groupBy).add(lines).rows();
}

function addFee(sums: Map<string, bigint>, fee: Money | null): void {
  if (fee) {
    sums.set(fee.currency, (sums.get(fee.currency) ?? 0n) + BigInt(toMinorUnits(fee.amount)));
  }
}

function moneyOf(sums: Map<string, bigint>): Money[] {
  return [...sums.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([currency, minor]) => ({ amount: fromMinorUnitsSum(minor), currency }));
}

/** Code-unit order: the same on every machine, unlike a locale's. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
