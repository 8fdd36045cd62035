/** The path parameter of the endpoint routes. */
import { z } from "@hono/zod-openapi";

export const EndpointIdParamSchema = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "we_01JD3Q2K6W6R8Z7Y5X4V3T2S1R" }),
});
