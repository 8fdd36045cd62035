/**
 * Admin routes (ADMIN_TOKEN): create merchants, issue and revoke their keys. A key is shown once.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  CreatedMerchantSchema,
  CreateMerchantSchema,
  IssuedKeySchema,
} from "../../../contracts/carriers.ts";
import type { AppEnv } from "../../http/env.ts";
import { problemResponses } from "../../http/openapi.ts";
import { GatewayError } from "../../http/problem.ts";

const adminSecurity = [{ adminToken: [] as string[] }];
const MerchantParamSchema = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "mer_01JD3Q2K6W6R8Z7Y5X4V3T2S1R" }),
});

const createMerchantRoute = createRoute({
  method: "post",
  path: "/admin/merchants",
  operationId: "createMerchant",
  summary: "Create a merchant and its first API key",
  security: adminSecurity,
  request: {
    body: { content: { "application/json": { schema: CreateMerchantSchema } }, required: true },
  },
  responses: {
    201: {
      description: "Created; the key is shown this once.",
      content: { "application/json": { schema: CreatedMerchantSchema } },
    },
    ...problemResponses(400, 401, 404, 413, 415, 500),
  },
});

const issueKeyRoute = createRoute({
  method: "post",
  path: "/admin/merchants/{id}/keys",
  operationId: "issueMerchantKey",
  summary: "Issue another API key",
  security: adminSecurity,
  request: { params: MerchantParamSchema },
  responses: {
    201: {
      description: "Issued; shown this once.",
      content: { "application/json": { schema: IssuedKeySchema } },
    },
    ...problemResponses(401, 404, 500),
  },
});

const revokeKeyRoute = createRoute({
  method: "delete",
  path: "/admin/merchants/{id}/keys/{keyId}",
  operationId: "revokeMerchantKey",
  summary: "Revoke an API key (401 from the next request on)",
  security: adminSecurity,
  request: {
    params: MerchantParamSchema.extend({
      keyId: z
        .string()
        .max(64)
        .openapi({ param: { name: "keyId", in: "path" }, example: "igk_3f9a0c1d2e4b5a6f" }),
    }),
  },
  responses: {
    204: { description: "Revoked." },
    ...problemResponses(401, 404, 500),
  },
});

export function registerAdminRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(createMerchantRoute, async (c) => {
    const created = await c.get("services").merchants.create(c.req.valid("json"));
    return c.json(
      {
        id: created.merchant.id,
        name: created.merchant.name,
        pickupService: created.merchant.pickupService,
        apiKey: created.apiKey,
        keyId: created.keyId,
      },
      201,
    );
  });

  app.openapi(issueKeyRoute, async (c) => {
    const { merchants } = c.get("services");
    const { id } = c.req.valid("param");
    if (!(await merchants.get(id))) {
      throw new GatewayError("not_found", `No merchant ${id}.`);
    }
    return c.json(await merchants.issueKey(id), 201);
  });

  app.openapi(revokeKeyRoute, async (c) => {
    const { id, keyId } = c.req.valid("param");
    if (!(await c.get("services").merchants.revokeKey(id, keyId))) {
      throw new GatewayError("not_found", `Merchant ${id} has no key ${keyId}.`);
    }
    return c.body(null, 204);
  });
}
