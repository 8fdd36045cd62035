/**
 * The costs page and its CSV download: the same ledger as `GET /v1/costs` (the same service),
 * over a period of China-time dates with the last one included.
 */
import type { Context, Hono } from "hono";
import type { CostDimension } from "../../../contracts/costs.ts";
import { costLedgerCsv, csvContentType } from "../../http/costs-csv.ts";
import type { CostLedgerResult } from "../../services/costs.ts";
import { carrierNames } from "../carriers.ts";
import type { DashboardEnv } from "../env.ts";
import { frameOf, renderPage } from "../middleware.tsx";
import { CostsPage, dimensions } from "../views/costs.tsx";
import { chinaDateStart, chinaTime } from "../views/format.ts";

interface CostQuery {
  from: string;
  to: string;
  groupBy: CostDimension[];
  /** Null when the dates cannot be read or the period is empty. */
  ledger: Promise<CostLedgerResult> | null;
}

export function registerCostPages(dashboard: Hono<DashboardEnv>): void {
  dashboard.get("/costs", async (c) => {
    const query = costQuery(c);
    const rows = query.ledger ? (await query.ledger).rows : null;
    const search = new URLSearchParams({ from: query.from, to: query.to });
    for (const dimension of query.groupBy) {
      search.append("groupBy", dimension);
    }
    return renderPage(
      c,
      <CostsPage
        frame={frameOf(c)}
        from={query.from}
        to={query.to}
        groupBy={query.groupBy}
        rows={rows}
        carriers={new Map(carrierNames(c.get("services")).map((one) => [one.id, one.name]))}
        csvHref={`/dashboard/costs.csv?${search}`}
      />,
      rows ? 200 : 400,
    );
  });

  dashboard.get("/costs.csv", async (c) => {
    const query = costQuery(c);
    if (!query.ledger) {
      return c.text("Give a period: from and to as YYYY-MM-DD, from not after to.", 400);
    }
    const ledger = await query.ledger;
    return c.body(costLedgerCsv(ledger.groupBy, ledger.rows), 200, {
      "content-type": csvContentType,
      "content-disposition": `attachment; filename="costs-${query.from}-${query.to}.csv"`,
    });
  });
}

/**
 * The period and grouping asked for; by default this month so far, in China time, grouped by
 * carrier.
 */
function costQuery(c: Context<DashboardEnv>): CostQuery {
  const today = chinaTime(c.get("services").now().toISOString()).slice(0, 10);
  const from = c.req.query("from")?.trim() || `${today.slice(0, 8)}01`;
  const to = c.req.query("to")?.trim() || today;
  const asked = c.req.queries("groupBy") ?? (c.req.query("from") ? [] : ["carrier"]);
  const groupBy = dimensions.filter((dimension) => asked.includes(dimension));
  const start = chinaDateStart(from);
  const end = chinaDateStart(to, true);
  const ledger =
    start && end && start < end
      ? c
          .get("services")
          .interceptions.costs(c.get("session").merchant.id, { from: start, to: end, groupBy })
      : null;
  return { from, to, groupBy, ledger };
}
