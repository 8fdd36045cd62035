/** The costs page: the cost ledger of a period (a plain GET form) and its CSV download. */
import type { CostDimension } from "../../../contracts/costs.ts";
import type { Money } from "../../../contracts/normalized.ts";
import type { LedgerRow } from "../../domain/cost-ledger.ts";
import { DataTable } from "./data-table.tsx";
import { money } from "./format.ts";
import { Layout, Notice, type PageFrame } from "./layout.tsx";

export const dimensions: CostDimension[] = ["carrier", "payer", "mode"];

export function CostsPage(props: {
  frame: PageFrame;
  /** The period's China-time dates as typed, `to` included. */
  from: string;
  to: string;
  groupBy: CostDimension[];
  /** Null when the period could not be read. */
  rows: LedgerRow[] | null;
  carriers: Map<string, string>;
  csvHref: string;
}) {
  const { t } = props.frame;
  const headings: Record<CostDimension, string> = {
    carrier: t.list.carrier,
    payer: t.detail.paidBy,
    mode: t.detail.mode,
  };
  const value = (row: LedgerRow, dimension: CostDimension): string => {
    if (dimension === "carrier") {
      return props.carriers.get(row.carrier ?? "") ?? row.carrier ?? "";
    }
    if (dimension === "payer") {
      return row.payer ? t.payer[row.payer] : "";
    }
    return row.mode ? t.mode[row.mode] : "";
  };
  return (
    <Layout frame={props.frame} title={t.costs.title} current="costs">
      <h1>{t.costs.title}</h1>
      <p class="muted">{t.costs.intro}</p>
      <section class="panel" aria-labelledby="period-heading">
        <h2 id="period-heading">{t.list.filters}</h2>
        <form class="filters" method="get" action="/dashboard/costs">
          <div>
            <label for="c-from">{t.costs.from}</label>
            <input type="date" id="c-from" name="from" value={props.from} required />
          </div>
          <div>
            <label for="c-to">{t.costs.to}</label>
            <input type="date" id="c-to" name="to" value={props.to} required />
          </div>
          <fieldset class="choices">
            <legend>{t.costs.groupBy}</legend>
            {dimensions.map((dimension) => (
              <label class="choice">
                <input
                  type="checkbox"
                  name="groupBy"
                  value={dimension}
                  checked={props.groupBy.includes(dimension)}
                />{" "}
                {headings[dimension]}
              </label>
            ))}
          </fieldset>
          <div class="buttons">
            <button type="submit">{t.costs.show}</button>
            {props.rows ? (
              <a class="button secondary" href={props.csvHref} download="costs.csv">
                {t.costs.download}
              </a>
            ) : null}
          </div>
        </form>
        <p class="hint">{t.list.datesNote}</p>
      </section>
      {props.rows === null ? <Notice kind="error" text={t.costs.badPeriod} /> : null}
      <DataTable
        headers={[
          ...props.groupBy.map((dimension) => headings[dimension]),
          t.costs.count,
          t.costs.quoted,
          t.costs.final,
        ]}
        empty={t.costs.empty}
        rows={(props.rows ?? []).map((row) => (
          <tr>
            {props.groupBy.map((dimension) => (
              <td>{value(row, dimension)}</td>
            ))}
            <td class="mono">{String(row.count)}</td>
            <td class="mono">{sums(row.quoted)}</td>
            <td class="mono">{sums(row.final)}</td>
          </tr>
        ))}
      />
    </Layout>
  );
}

/** Sums in each currency, never converted: `12.50 CNY · 3.00 USD`. */
function sums(amounts: Money[]): string {
  return amounts.length === 0 ? "—" : amounts.map((amount) => money(amount)).join(" · ");
}
