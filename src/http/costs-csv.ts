/**
 * The cost ledger as CSV (RFC 4180): a header row, then one line per group and currency, so a
 * spreadsheet can sum a column without mixing currencies.
 *
 * Columns: the grouped dimensions in `groupBy` order, then `count`, `currency`, `quoted`,
 * `final`. A group with fees in two currencies has two lines, each repeating the group's values
 * and its `count` (the group's, not the currency's); a group with no fee at all has one line with
 * `currency`, `quoted` and `final` empty. An amount is empty when the group had no fee of that
 * kind in that currency (`0.00` means fees that summed to zero). Lines end with CRLF.
 */
import type { CostDimension } from "../../contracts/costs.ts";
import type { LedgerRow } from "../domain/cost-ledger.ts";

export const csvContentType = "text/csv; charset=utf-8";

export function costLedgerCsv(groupBy: readonly CostDimension[], rows: LedgerRow[]): string {
  const lines: string[][] = [[...groupBy, "count", "currency", "quoted", "final"]];
  for (const row of rows) {
    const group = [...groupBy.map((dimension) => row[dimension] ?? ""), String(row.count)];
    const quoted = new Map(row.quoted.map((money) => [money.currency, money.amount]));
    const final = new Map(row.final.map((money) => [money.currency, money.amount]));
    const currencies = [...new Set([...quoted.keys(), ...final.keys()])].sort();
    if (currencies.length === 0) {
      lines.push([...group, "", "", ""]);
    }
    for (const currency of currencies) {
      lines.push([...group, currency, quoted.get(currency) ?? "", final.get(currency) ?? ""]);
    }
  }
  return lines.map((fields) => `${fields.map(csvField).join(",")}\r\n`).join("");
}

/**
 * One field, quoted when it holds a comma, a quote or a line break (quotes doubled). The values
 * here are carrier ids, enum values, currency codes and numbers, never a merchant's free text, so
 * there is no spreadsheet formula to neutralize.
 */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
