/**
 * 415 `unsupported_media_type` on every route that takes a JSON body, read from the served
 * OpenAPI document so a new JSON route is covered without touching this file.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { chinaDateOf } from "../../src/domain/obligations/china-time.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import {
  adminToken,
  createTestGateway,
  interceptBody,
  json,
  type TestGateway,
} from "../harness.ts";

let carrier: FakeCarrier;
let gateway: TestGateway;
/** A shipment of merchant A's, for the routes that act on one. */
let shipmentId: string;
/** Another, still awaiting shipment when a date is proposed (the first is shipped, refunded). */
let proposalShipmentId: string;
/** Another, awaiting shipment, to open a ticket on. */
let ticketShipmentId: string;
/** An urge-shipment ticket of merchant A's (on a third shipment), for the ticket routes. */
let ticketId: string;

beforeEach(async () => {
  carrier = new FakeCarrier();
  carrier.states.set("SF1400000000001", "in_transit");
  gateway = await createTestGateway(carrier.adapter);
  const shipment = await json(
    await gateway.call(gateway.merchantA, "POST", "/v1/shipments", {
      body: {
        orderId: "ORD-20261121-0001",
        category: "apparel",
        paidAt: new Date(Date.now() - 3_600_000).toISOString(),
        shipBy: new Date(Date.now() + 47 * 3_600_000).toISOString(),
      },
      headers: { "idempotency-key": "media-type-shipment" },
    }),
  );
  shipmentId = String(shipment.body.id);
  const another = await json(
    await gateway.call(gateway.merchantA, "POST", "/v1/shipments", {
      body: {
        orderId: "ORD-20261121-0003",
        category: "apparel",
        paidAt: new Date(Date.now() - 3_600_000).toISOString(),
        shipBy: new Date(Date.now() + 47 * 3_600_000).toISOString(),
      },
      headers: { "idempotency-key": "media-type-proposal-shipment" },
    }),
  );
  proposalShipmentId = String(another.body.id);
  const awaiting = async (key: string) =>
    String(
      (
        await json(
          await gateway.call(gateway.merchantA, "POST", "/v1/shipments", {
            body: {
              orderId: key,
              category: "apparel",
              paidAt: new Date(Date.now() - 3_600_000).toISOString(),
              shipBy: new Date(Date.now() + 47 * 3_600_000).toISOString(),
            },
            headers: { "idempotency-key": key },
          }),
        )
      ).body.id,
    );
  ticketShipmentId = await awaiting("media-type-ticket-shipment");
  const ticket = await json(
    await gateway.call(
      gateway.merchantA,
      "POST",
      `/v1/shipments/${await awaiting("media-type-ticket")}/tickets`,
      { body: { type: "urge_shipment" } },
    ),
  );
  ticketId = String(ticket.body.id);
});
afterEach(async () => {
  await gateway.close();
});

interface JsonRoute {
  method: string;
  path: string;
}

/** Every operation whose request body is declared as `application/json`. */
async function jsonRoutes(): Promise<JsonRoute[]> {
  const document = (await json(await gateway.call(null, "GET", "/openapi.json"))).body as {
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
  };
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([, operation]) => operation.requestBody?.content["application/json"])
      .map(([method]) => ({ method: method.toUpperCase(), path })),
  );
}

/** The route's path with merchant A's ids in it. */
function concretePath(route: JsonRoute): string {
  if (route.path === "/v1/shipments/{id}/ship-date-proposals") {
    return `/v1/shipments/${proposalShipmentId}/ship-date-proposals`;
  }
  if (route.path === "/v1/shipments/{id}/tickets") {
    return `/v1/shipments/${ticketShipmentId}/tickets`;
  }
  return route.path
    .replace("/v1/shipments/{id}/", `/v1/shipments/${shipmentId}/`)
    .replace("/v1/tickets/{id}/", `/v1/tickets/${ticketId}/`);
}

/** A body each route would accept, and the credentials and headers it needs. */
function validRequest(route: JsonRoute): { body: unknown; headers: Record<string, string> } {
  const merchant = { authorization: `Bearer ${gateway.merchantA.apiKey}` };
  if (route.path === "/v1/shipments") {
    return {
      body: {
        orderId: "ORD-20261121-0002",
        category: "apparel",
        paidAt: new Date(Date.now() - 3_600_000).toISOString(),
        shipBy: new Date(Date.now() + 47 * 3_600_000).toISOString(),
      },
      headers: { ...merchant, "idempotency-key": "media-type-2" },
    };
  }
  if (route.path === "/v1/shipments/{id}/ship") {
    return {
      body: { carrier: "sf-express", trackingNumber: "SF1400000000009" },
      headers: merchant,
    };
  }
  if (route.path === "/v1/shipments/{id}/refund") {
    return { body: {}, headers: merchant };
  }
  if (route.path === "/v1/shipments/{id}/ship-date-proposals") {
    return {
      body: { shipDate: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10) },
      headers: merchant,
    };
  }
  // In the document's order: the reply, the buyer's answer, the second chance, one after another.
  const ticketBodies: Record<string, unknown> = {
    "/v1/shipments/{id}/tickets": { type: "urge_shipment" },
    "/v1/tickets/{id}/replies": {
      kind: "ship_later",
      reason: "out_of_stock",
      shipDate: chinaDateOf(new Date(Date.now() + 5 * 86_400_000)),
    },
    "/v1/tickets/{id}/buyer-response": { accepted: true },
    "/v1/tickets/{id}/second-chance": { kind: "buyer_caused", evidence: "chat log" },
  };
  if (route.path in ticketBodies) {
    return { body: ticketBodies[route.path], headers: merchant };
  }
  if (route.path === "/v1/interceptions") {
    return { body: interceptBody(), headers: { ...merchant, "idempotency-key": "media-type-1" } };
  }
  if (route.path === "/v1/eligibility") {
    return { body: interceptBody(), headers: merchant };
  }
  if (route.path === "/v1/webhook-endpoints") {
    // Loopback is allowed here: the test gateway runs in demo mode. Never posted to.
    return { body: { url: "http://127.0.0.1:9/hooks" }, headers: merchant };
  }
  if (route.path === "/v1/interceptions/release") {
    return { body: { orderIds: ["ORD-20261121-0001"] }, headers: merchant };
  }
  if (route.path === "/admin/merchants") {
    return {
      body: { name: "Tea House", pickupService: true },
      headers: { authorization: `Bearer ${adminToken}` },
    };
  }
  throw new Error(`No valid request known for ${route.method} ${route.path}: add one here.`);
}

/** Each way of not sending JSON, as the raw request init (headers and body) it takes. */
const wrongBodies: Array<{
  name: string;
  request: (body: unknown) => { contentType?: string; body?: string | Uint8Array };
}> = [
  {
    name: "text/plain",
    request: (body) => ({ contentType: "text/plain", body: JSON.stringify(body) }),
  },
  {
    name: "a form body",
    request: () => ({
      contentType: "application/x-www-form-urlencoded",
      body: "name=Tea+House&pickupService=true&carrier=sf-express",
    }),
  },
  {
    // Bytes, not a string: a string body would make the Request add `text/plain` itself.
    name: "no content type (a JSON body)",
    request: (body) => ({ body: new TextEncoder().encode(JSON.stringify(body)) }),
  },
  { name: "no content type and no body", request: () => ({}) },
  { name: "an empty content type and no body", request: () => ({ contentType: "" }) },
];

describe("415 unsupported_media_type on every JSON route", () => {
  it("finds the JSON routes in the OpenAPI document", async () => {
    expect(await jsonRoutes()).toEqual(
      expect.arrayContaining([
        { method: "POST", path: "/v1/interceptions" },
        { method: "POST", path: "/v1/eligibility" },
        { method: "POST", path: "/admin/merchants" },
      ]),
    );
  });

  for (const wrong of wrongBodies) {
    it(`refuses ${wrong.name}, and nothing is changed`, async () => {
      const handlers = [
        vi.spyOn(gateway.services.interceptions, "create"),
        vi.spyOn(gateway.services.interceptions, "checkEligibility"),
        vi.spyOn(gateway.services.merchants, "create"),
        vi.spyOn(gateway.services.webhooks, "createEndpoint"),
        vi.spyOn(gateway.services.interceptions, "releaseLocks"),
        vi.spyOn(gateway.services.shipments, "create"),
        vi.spyOn(gateway.services.shipments, "ship"),
        vi.spyOn(gateway.services.shipments, "refund"),
        vi.spyOn(gateway.services.proposals, "propose"),
        vi.spyOn(gateway.services.tickets, "open"),
        vi.spyOn(gateway.services.tickets, "reply"),
        vi.spyOn(gateway.services.tickets, "answerAsBuyer"),
        vi.spyOn(gateway.services.tickets, "secondChance"),
      ];
      const routes = await jsonRoutes();
      for (const route of routes) {
        const valid = validRequest(route);
        const { contentType, body } = wrong.request(valid.body);
        const response = await gateway.app.request(concretePath(route), {
          method: route.method,
          headers: {
            ...valid.headers,
            ...(contentType !== undefined ? { "content-type": contentType } : {}),
          },
          ...(body !== undefined ? { body } : {}),
        });
        const result = await json(response);
        const label = `${route.method} ${route.path}: ${result.text}`;
        expect(result.status, label).toBe(415);
        expect(response.headers.get("content-type"), label).toBe("application/problem+json");
        expect(result.body, label).toMatchObject({ status: 415, code: "unsupported_media_type" });
      }
      for (const handler of handlers) {
        expect(handler).not.toHaveBeenCalled();
      }
      expect(carrier.calls).toEqual([]);
      for (const key of ["media-type-1", "media-type-2"]) {
        expect(await gateway.store.idempotency.has(gateway.merchantA.id, key)).toBe(false);
      }
      const list = await json(await gateway.call(gateway.merchantA, "GET", "/v1/interceptions"));
      expect(list.body.data, list.text).toEqual([]);
    });
  }

  it("accepts application/json with parameters", async () => {
    for (const route of await jsonRoutes()) {
      const valid = validRequest(route);
      const response = await gateway.app.request(concretePath(route), {
        method: route.method,
        headers: { ...valid.headers, "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify(valid.body),
      });
      expect(
        response.status,
        `${route.method} ${route.path}: ${await response.text()}`,
      ).toBeLessThan(300);
    }
  });

  it("keeps routes without a body working with no content type", async () => {
    const created = await json(
      await gateway.intercept(gateway.merchantA, "media-type-cancel", interceptBody()),
    );
    expect(created.status, created.text).toBe(201);
    const cancelled = await gateway.app.request(`/v1/interceptions/${created.body.id}/cancel`, {
      method: "POST",
      headers: { authorization: `Bearer ${gateway.merchantA.apiKey}` },
    });
    expect(cancelled.status, await cancelled.text()).toBeLessThan(300);
  });
});
