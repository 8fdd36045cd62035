/** Merchant B sees and changes nothing of merchant A's shipments and tickets on the dashboard. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ObligationsFixture, obligationsFixture } from "./obligations-fixture.ts";

let fixture: ObligationsFixture;
beforeAll(async () => {
  fixture = await obligationsFixture();
});
afterAll(async () => {
  await fixture.gateway.close();
});

const ordersOfA = ["ORD-S-1", "ORD-S-2", "ORD-S-3", "ORD-S-4"];

function idsOfA(): string[] {
  return [
    ...ordersOfA.map((orderId) => fixture.shipments.get(orderId) ?? ""),
    ...["urgeShipment", "urgeCollection", "overdue"].map((name) => fixture.tickets.get(name) ?? ""),
  ];
}

describe("merchant B on the shipments and tickets pages", () => {
  it("lists none of A's shipments or tickets, by any filter", async () => {
    const pages = [
      "/dashboard/shipments",
      "/dashboard/shipments?status=shipped",
      "/dashboard/shipments?status=awaiting_shipment",
      "/dashboard/shipments?orderId=ORD-S-1",
      `/dashboard/shipments?cursor=${encodeURIComponent("shp_ZZZZZZZZZZZZZZZZZZZZZZZZZZ")}`,
      "/dashboard/tickets",
      "/dashboard/tickets?status=overdue",
      "/dashboard/tickets?type=urge_shipment",
      `/dashboard/tickets?cursor=${encodeURIComponent("tkt_ZZZZZZZZZZZZZZZZZZZZZZZZZZ")}`,
    ];
    for (const path of pages) {
      const page = await fixture.b.get(path);
      expect(page.status, path).toBe(200);
      // The rows only: the filter form shows back the order id asked for.
      const rows = page.text.slice(page.text.indexOf("<tbody>"));
      for (const text of [...ordersOfA, ...idsOfA()]) {
        expect(rows, `${path} shows ${text}`).not.toContain(text);
      }
    }
    expect((await fixture.b.get("/dashboard/shipments")).text).toContain("ORD-B-1");
    expect((await fixture.b.get("/dashboard/tickets")).text).toContain(
      `/dashboard/tickets/${fixture.tickets.get("ofB")}`,
    );
  });

  it("gets the same not-found page for A's shipment or ticket as for one that does not exist", async () => {
    const cases: Array<[string, string[]]> = [
      ["shipments", ordersOfA.map((orderId) => fixture.shipments.get(orderId) ?? "")],
      [
        "tickets",
        ["urgeShipment", "urgeCollection", "overdue"].map(
          (name) => fixture.tickets.get(name) ?? "",
        ),
      ],
    ];
    for (const [kind, ids] of cases) {
      const missingId = `${kind === "shipments" ? "shp" : "tkt"}_00000000000000000000000000`;
      const missing = await fixture.b.get(`/dashboard/${kind}/${missingId}`);
      expect(missing.status).toBe(404);
      for (const id of ids) {
        const page = await fixture.b.get(`/dashboard/${kind}/${id}`);
        expect(page.status, id).toBe(404);
        // The same page, but for the asked id in the language links.
        expect(page.text.replaceAll(id, missingId)).toBe(missing.text);
        for (const orderId of ordersOfA) {
          expect(page.text).not.toContain(orderId);
        }
      }
    }
  });

  it("can neither reply to nor take a second chance on A's ticket", async () => {
    const csrf = await fixture.b.csrfToken();
    const id = fixture.tickets.get("urgeShipment") ?? "";
    const before = await fixture.gateway.store.tickets.get(fixture.gateway.merchantA.id, id);
    const forms: Array<[string, Record<string, string>]> = [
      ["replies", { kind: "ship_later", reason: "out_of_stock", shipDate: "2026-12-05" }],
      ["replies", { kind: "bribe" }],
      ["second-chance", { kind: "compensate", amount: "10.00", currency: "CNY" }],
      ["second-chance", { kind: "compensate", amount: "bad", currency: "CNY" }],
    ];
    for (const [form, fields] of forms) {
      const page = await fixture.b.post(`/dashboard/tickets/${id}/${form}`, { csrf, ...fields });
      expect(page.status, `${form} ${fields.kind}`).toBe(404);
      expect(page.text).not.toContain("ORD-S-1");
    }
    expect(await fixture.gateway.store.tickets.get(fixture.gateway.merchantA.id, id)).toEqual(
      before,
    );
  });
});
