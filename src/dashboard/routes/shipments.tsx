/**
 * The shipments pages: the filtered list, and one shipment with its deadlines, timeline, tickets
 * and ship-date proposals. Read only: shipments change through the API (the storefront registers,
 * ships and refunds them).
 */
import type { Hono } from "hono";
import type { AppServices } from "../../http/env.ts";
import type { ShipmentFilter } from "../../store/shipment-records.ts";
import { carrierNames } from "../carriers.ts";
import type { DashboardEnv } from "../env.ts";
import { frameOf, renderPage } from "../middleware.tsx";
import { ticketRowOf } from "../ticket-rows.ts";
import { ShipmentPage } from "../views/shipment.tsx";
import { type ShipmentFilterFields, ShipmentsPage, shipmentStatuses } from "../views/shipments.tsx";
import { pageOf, pageSize } from "./paging.ts";

export function registerShipmentPages(dashboard: Hono<DashboardEnv>): void {
  dashboard.get("/shipments", async (c) => {
    const services = c.get("services");
    const query = (name: string) => c.req.query(name)?.trim() ?? "";
    const fields: ShipmentFilterFields = { status: query("status"), orderId: query("orderId") };
    const cursor = query("cursor");
    const filter: ShipmentFilter = {};
    const status = shipmentStatuses.find((known) => known === fields.status);
    if (status) {
      filter.status = status;
    }
    if (fields.orderId) {
      filter.orderId = fields.orderId;
    }
    const rows = await services.shipments.list(c.get("session").merchant.id, filter, {
      limit: pageSize + 1,
      ...(cursor ? { before: cursor } : {}),
    });
    const { page, firstHref, nextHref } = pageOf(c, "/dashboard/shipments", rows, cursor);
    return renderPage(
      c,
      <ShipmentsPage
        frame={frameOf(c)}
        fields={fields}
        rows={page}
        carriers={carrierMap(services)}
        now={services.now()}
        firstHref={firstHref}
        nextHref={nextHref}
      />,
    );
  });

  dashboard.get("/shipments/:id", async (c) => {
    const services = c.get("services");
    // Merchant-scoped: another merchant's shipment is not found, and its tickets never read.
    const shipment = await services.shipments.get(c.get("session").merchant.id, c.req.param("id"));
    const [tickets, proposals] = await Promise.all([
      services.store.tickets.ofShipment(shipment.id),
      // As each stands now: one past its answer time reads expired before the scheduler writes it.
      services.proposals.ofShipment(c.get("session").merchant.id, shipment.id),
    ]);
    return renderPage(
      c,
      <ShipmentPage
        frame={frameOf(c)}
        shipment={shipment}
        carrierName={
          shipment.carrier ? (carrierMap(services).get(shipment.carrier) ?? shipment.carrier) : null
        }
        tickets={tickets.map((ticket) => ticketRowOf(ticket, shipment, services.obligations))}
        proposals={proposals}
        now={services.now()}
      />,
    );
  });
}

function carrierMap(services: AppServices): Map<string, string> {
  return new Map(carrierNames(services).map((carrier) => [carrier.id, carrier.name]));
}
