import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.ts";
import { registerCreateShipment } from "./create.ts";
import { registerGetShipment } from "./get.ts";
import { registerListShipments } from "./list.ts";
import { registerRefundShipment } from "./refund.ts";
import { registerShipShipment } from "./ship.ts";

/** The shipment resource's routes. */
export function registerShipmentRoutes(app: OpenAPIHono<AppEnv>): void {
  registerCreateShipment(app);
  registerListShipments(app);
  registerGetShipment(app);
  registerShipShipment(app);
  registerRefundShipment(app);
}
