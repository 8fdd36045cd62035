/** GET /v1/costs — the merchant's cost ledger over a period, as JSON or CSV. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { accepts } from "hono/accepts";
import { CostLedgerQuerySchema, CostLedgerSchema } from "../../../contracts/costs.ts";
import { costLedgerCsv, csvContentType } from "../../http/costs-csv.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, problemResponses } from "../../http/openapi.ts";

const route = createRoute({
  method: "get",
  path: "/v1/costs",
  operationId: "getCostLedger",
  summary: "Count interceptions and sum their fees per group and currency",
  description:
    "Over the merchant's interceptions created in [from, to): both are required, so a ledger " +
    "always names its period and the same request gives the same answer tomorrow. Sums are per " +
    "currency, never converted. `final` sums only the fees carriers reported at the end; an " +
    "interception without one adds nothing there. With `Accept: text/csv`, the same as CSV: a " +
    "header row (the grouped dimensions, `count`, `currency`, `quoted`, `final`), then one line " +
    "per group and currency.",
  security: bearerSecurity,
  request: { query: CostLedgerQuerySchema },
  responses: {
    200: {
      description: "The ledger.",
      content: {
        "application/json": { schema: CostLedgerSchema },
        "text/csv": {
          schema: z.string().openapi({
            example:
              "carrier,count,currency,quoted,final\r\nsf-express,3,CNY,12.50,13.00\r\nups,1,,,\r\n",
          }),
        },
      },
    },
    ...problemResponses(400, 401, 429, 500),
  },
});

export function registerCostLedger(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const ledger = await c.get("services").interceptions.costs(c.get("merchant").id, {
      from: query.from,
      to: query.to,
      groupBy: query.groupBy ?? [],
    });
    const format = accepts(c, {
      header: "Accept",
      supports: ["application/json", "text/csv"],
      default: "application/json",
    });
    if (format === "text/csv") {
      return c.body(costLedgerCsv(ledger.groupBy, ledger.rows), 200, {
        "content-type": csvContentType,
        "content-disposition": 'attachment; filename="costs.csv"',
      });
    }
    const { rows, ...period } = ledger;
    return c.json({ ...period, data: rows }, 200);
  });
}
