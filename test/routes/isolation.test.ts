import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { createTestGateway, interceptBody, json, type TestGateway } from "../harness.ts";

let carrier: FakeCarrier;
let gateway: TestGateway;
let submittedId: string;
let lockedId: string;
let shipmentId: string;
let proposalId: string;
let ticketId: string;

beforeAll(async () => {
  carrier = new FakeCarrier();
  carrier.states.set("SF1400000000001", "in_transit");
  carrier.states.set("SF1400000000002", "not_collected");
  gateway = await createTestGateway(carrier.adapter);
  submittedId = String(
    (await json(await gateway.intercept(gateway.merchantA, "a1", interceptBody()))).body.id,
  );
  lockedId = String(
    (
      await json(
        await gateway.intercept(
          gateway.merchantA,
          "a2",
          interceptBody({ trackingNumber: "SF1400000000002" }),
        ),
      )
    ).body.id,
  );
  const shipment = await gateway.call(gateway.merchantA, "POST", "/v1/shipments", {
    body: {
      orderId: "ORD-20261121-0001",
      category: "apparel",
      paidAt: new Date(Date.now() - 3_600_000).toISOString(),
      shipBy: new Date(Date.now() + 47 * 3_600_000).toISOString(),
    },
    headers: { "idempotency-key": "a3" },
  });
  shipmentId = String((await json(shipment)).body.id);
  const proposal = await gateway.call(
    gateway.merchantA,
    "POST",
    `/v1/shipments/${shipmentId}/ship-date-proposals`,
    { body: { shipDate: tomorrow() } },
  );
  proposalId = String((await json(proposal)).body.id);
  const ticket = await gateway.call(
    gateway.merchantA,
    "POST",
    `/v1/shipments/${shipmentId}/tickets`,
    {
      body: { type: "urge_shipment" },
    },
  );
  ticketId = String((await json(ticket)).body.id);
});

/** Tomorrow's date (UTC), today or later in China. */
function tomorrow(): string {
  return new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
}

/** Merchant A's ids of the resource a path acts on. */
function idsOfA(path: string): string[] {
  if (path.startsWith("/v1/ship-date-proposals/")) {
    return [proposalId];
  }
  if (path.startsWith("/v1/tickets/")) {
    return [ticketId];
  }
  return path.startsWith("/v1/shipments/") ? [shipmentId] : [submittedId, lockedId];
}

/** A body the route would accept from its owner, so only the ownership check can refuse it. */
function validBody(method: string, path: string): unknown {
  if (path === "/v1/shipments/{id}/ship") {
    return { carrier: "sf-express", trackingNumber: "SF1400000000003" };
  }
  if (path === "/v1/shipments/{id}/ship-date-proposals") {
    return { shipDate: tomorrow() };
  }
  const ticketBodies: Record<string, unknown> = {
    "/v1/shipments/{id}/tickets": { type: "urge_shipment" },
    "/v1/tickets/{id}/replies": { kind: "cannot_ship", reason: "out_of_stock" },
    "/v1/tickets/{id}/buyer-response": { accepted: false },
    "/v1/tickets/{id}/second-chance": { kind: "buyer_caused", evidence: "chat log" },
  };
  if (path in ticketBodies) {
    return ticketBodies[path];
  }
  return method === "GET" ? undefined : {};
}
afterAll(async () => {
  await gateway.close();
});

describe("merchant B against merchant A's records", () => {
  it("cannot read them: 404, exactly as for an id that does not exist", async () => {
    for (const id of [submittedId, lockedId]) {
      const response = await json(
        await gateway.call(gateway.merchantB, "GET", `/v1/interceptions/${id}`),
      );
      const missing = await json(
        await gateway.call(
          gateway.merchantB,
          "GET",
          "/v1/interceptions/icp_00000000000000000000000000",
        ),
      );
      expect(response.status, response.text).toBe(404);
      expect(response.body.code).toBe(missing.body.code);
      expect(response.body.title).toBe(missing.body.title);
    }
  });

  it("cannot list them, by any filter", async () => {
    for (const query of [
      "",
      "?trackingNumber=SF1400000000001",
      "?orderId=ORD-20261121-0001",
      "?status=submitted",
    ]) {
      const response = await json(
        await gateway.call(gateway.merchantB, "GET", `/v1/interceptions${query}`),
      );
      expect(response.body, query).toEqual({ data: [], nextCursor: null });
    }
  });

  it("cannot cancel them, and nothing changes", async () => {
    for (const id of [submittedId, lockedId]) {
      const response = await gateway.call(
        gateway.merchantB,
        "POST",
        `/v1/interceptions/${id}/cancel`,
      );
      expect(response.status).toBe(404);
    }
    expect(carrier.callsOf("cancel")).toEqual([]);
    const submitted = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${submittedId}`),
    );
    const locked = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${lockedId}`),
    );
    expect(submitted.body.status).toBe("submitted");
    expect(locked.body.status).toBe("locked");
  });

  it("sees A's parcel in eligibility as a parcel the carrier does not know", async () => {
    // The whole comparison with an unknown parcel, for every route, is in parcel-owners.test.ts.
    const response = await json(
      await gateway.call(gateway.merchantB, "POST", "/v1/eligibility", { body: interceptBody() }),
    );
    expect(response.body.reasons, response.text).toEqual([
      expect.objectContaining({ code: "unknown_parcel" }),
    ]);
  });
});

describe("the BOLA matrix: every route with an id, from the OpenAPI document", () => {
  it("answers 404 to merchant B for each of merchant A's ids, with no side effect", async () => {
    const openapi = (await json(await gateway.call(null, "GET", "/openapi.json"))).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(openapi.paths)
      .filter(([path]) => path.startsWith("/v1/") && path.includes("{id}"))
      .flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => ({ path, method: method.toUpperCase() })),
      );
    expect(routes.length, JSON.stringify(routes)).toBeGreaterThanOrEqual(2);
    for (const { path, method } of routes) {
      for (const id of idsOfA(path)) {
        const body = validBody(method, path);
        const response = await gateway.call(gateway.merchantB, method, path.replace("{id}", id), {
          ...(body === undefined ? {} : { body }),
        });
        expect(response.status, `${method} ${path} with A's ${id}`).toBe(404);
      }
    }
    expect(carrier.callsOf("cancel")).toEqual([]);
    const submitted = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${submittedId}`),
    );
    const locked = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${lockedId}`),
    );
    expect([submitted.body.status, locked.body.status]).toEqual(["submitted", "locked"]);
    const shipment = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/shipments/${shipmentId}`),
    );
    expect(shipment.body.status).toBe("awaiting_shipment");
    expect(
      shipment.body.proposals,
      "B neither proposed on A's shipment nor answered A's proposal",
    ).toEqual([expect.objectContaining({ id: proposalId, status: "awaiting_buyer" })]);
    const ticket = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/tickets/${ticketId}`),
    );
    expect(ticket.body, ticket.text).toMatchObject({ status: "awaiting_merchant", replies: [] });
    expect(ticket.body.events).toHaveLength(1);
  });

  it("keeps merchant keys out of the admin routes", async () => {
    for (const [method, path] of [
      ["POST", "/admin/merchants"],
      ["POST", `/admin/merchants/${gateway.merchantA.id}/keys`],
      [
        "DELETE",
        `/admin/merchants/${gateway.merchantA.id}/keys/${gateway.merchantA.apiKey.slice(0, 20)}`,
      ],
    ] as const) {
      const response = await gateway.call(gateway.merchantB, method, path, {
        body: { name: "x", pickupService: true },
      });
      expect(response.status, `${method} ${path}`).toBe(401);
    }
    expect((await gateway.call(gateway.merchantA, "GET", "/v1/carriers")).status).toBe(200);
  });
});
