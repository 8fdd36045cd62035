/** GET /v1/carriers — each carrier with its actions, rules and circuit state. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { CarrierListSchema } from "../../../contracts/carriers.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, problemResponses } from "../../http/openapi.ts";

const route = createRoute({
  method: "get",
  path: "/v1/carriers",
  operationId: "listCarriers",
  summary: "List carriers, their rules and circuit state",
  security: bearerSecurity,
  responses: {
    200: {
      description: "The carriers.",
      content: { "application/json": { schema: CarrierListSchema } },
    },
    ...problemResponses(401, 429, 500),
  },
});

export function registerListCarriers(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, (c) => {
    const data = c
      .get("services")
      .carriers.all()
      .map(({ id, mode, capabilities, rules, resilient }) => {
        const { actions, cancel, outcome, feeQuote, pickupCancel } = capabilities;
        return {
          id,
          displayName: resilient.adapter.displayName,
          mode,
          actions: actions.filter((action) => rules.actions.includes(action)),
          capabilities: { cancel, outcome, feeQuote, pickupCancel },
          rules: {
            valueCeiling: rules.valueCeiling,
            currencies: rules.currencies,
            blockedCategories: rules.blockedCategories,
            freeRedirectsPerOrder: rules.freeRedirectsPerOrder,
            refusePaidRedirects: rules.refusePaidRedirects,
            oneInterceptionPerParcel: rules.oneInterceptionPerParcel,
            countries: rules.countries,
          },
          circuitState: resilient.circuitState,
        };
      });
    return c.json({ data }, 200);
  });
}
