import { afterEach, beforeEach, describe, expect, it } from "vitest";
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

beforeEach(async () => {
  carrier = new FakeCarrier();
  carrier.states.set("SF1400000000001", "in_transit");
  gateway = await createTestGateway(carrier.adapter);
});
afterEach(async () => {
  await gateway.close();
});

/** Nothing stored and no carrier call other than tracking. */
async function expectNothingStored() {
  const list = await json(await gateway.call(gateway.merchantA, "GET", "/v1/interceptions"));
  expect(list.body.data, list.text).toEqual([]);
  expect(carrier.calls.filter((call) => call.operation !== "track")).toEqual([]);
}

async function expectProblem(response: Response, status: number, code: string) {
  const result = await json(response);
  expect(result.status, result.text).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  expect(result.body).toMatchObject({
    status,
    code,
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(result.body.requestId).toBe(response.headers.get("x-request-id"));
  return result.body;
}

describe("bad input changes nothing", () => {
  it("malformed JSON → 400 validation_failed", async () => {
    const response = await gateway.call(gateway.merchantA, "POST", "/v1/interceptions", {
      rawBody: '{"carrier": "sf-express",',
      headers: { "idempotency-key": "k1" },
    });
    await expectProblem(response, 400, "validation_failed");
    await expectNothingStored();
  });

  it("missing fields → 400 naming each one", async () => {
    const { parcel: _parcel, orderId: _orderId, ...incomplete } = interceptBody();
    const body = await expectProblem(
      await gateway.intercept(gateway.merchantA, "k1", incomplete),
      400,
      "validation_failed",
    );
    expect((body.errors as Array<{ path: string }>).map((error) => error.path).sort()).toEqual([
      "orderId",
      "parcel",
    ]);
    await expectNothingStored();
  });

  it("a redirect without an address, or an intercept with one → 400", async () => {
    await expectProblem(
      await gateway.intercept(gateway.merchantA, "k1", interceptBody({ action: "redirect" })),
      400,
      "validation_failed",
    );
    const redirectTo = { name: "A", phone: "123", country: "CN", city: "X", line1: "Y" };
    await expectProblem(
      await gateway.intercept(gateway.merchantA, "k2", interceptBody({ redirectTo })),
      400,
      "validation_failed",
    );
    await expectNothingStored();
  });

  it("a float-like or negative amount and unknown fields → 400", async () => {
    for (const amount of ["899.999", "-1.00", "1e3"]) {
      const body = interceptBody({
        parcel: { declaredValue: { amount, currency: "CNY" }, category: "apparel" },
      });
      await expectProblem(
        await gateway.intercept(gateway.merchantA, `k-${amount}`, body),
        400,
        "validation_failed",
      );
    }
    await expectProblem(
      await gateway.intercept(gateway.merchantA, "k-extra", {
        ...interceptBody(),
        merchantId: "mer_x",
      }),
      400,
      "validation_failed",
    );
    await expectNothingStored();
  });

  it("unknown carrier → 400 unknown_carrier", async () => {
    await expectProblem(
      await gateway.intercept(gateway.merchantA, "k1", interceptBody({ carrier: "pigeon-post" })),
      400,
      "unknown_carrier",
    );
    await expectNothingStored();
    expect(carrier.calls).toEqual([]);
  });

  it("a body over 64 KiB → 413 before any handler, declared or chunked", async () => {
    const huge = JSON.stringify(interceptBody({ note: "x".repeat(70 * 1024) }));
    await expectProblem(
      await gateway.call(gateway.merchantA, "POST", "/v1/interceptions", {
        rawBody: huge,
        headers: { "idempotency-key": "k1", "content-length": String(Buffer.byteLength(huge)) },
      }),
      413,
      "payload_too_large",
    );
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let index = 0; index < 70; index += 1) {
          controller.enqueue(new TextEncoder().encode("x".repeat(1024)));
        }
        controller.close();
      },
    });
    const response = await gateway.app.request("/v1/interceptions", {
      method: "POST",
      headers: {
        authorization: `Bearer ${gateway.merchantA.apiKey}`,
        "idempotency-key": "k2",
        "content-type": "application/json",
        "transfer-encoding": "chunked",
      },
      body: chunked,
      duplex: "half",
    } as RequestInit);
    await expectProblem(response, 413, "payload_too_large");
    await expectNothingStored();
    expect(carrier.calls).toEqual([]);
  });

  it("conflicting Content-Length and Transfer-Encoding: the real size decides, 413 before any handler", async () => {
    const big = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("x".repeat(70 * 1024)));
        controller.close();
      },
    });
    const response = await gateway.app.request("/v1/interceptions", {
      method: "POST",
      headers: {
        authorization: `Bearer ${gateway.merchantA.apiKey}`,
        "idempotency-key": "k-conflict",
        "content-type": "application/json",
        "content-length": "20",
        "transfer-encoding": "chunked",
      },
      body: big,
      duplex: "half",
    } as RequestInit);
    await expectProblem(response, 413, "payload_too_large");
    await expectNothingStored();
  });

  it("no Idempotency-Key → 400 idempotency_key_required; a malformed one → 400", async () => {
    await expectProblem(
      await gateway.call(gateway.merchantA, "POST", "/v1/interceptions", { body: interceptBody() }),
      400,
      "idempotency_key_required",
    );
    await expectProblem(
      await gateway.intercept(gateway.merchantA, "x".repeat(256), interceptBody()),
      400,
      "validation_failed",
    );
    await expectNothingStored();
  });
});

describe("refusals", () => {
  it("a delivered parcel → 422 not_eligible, nothing stored, no intercept call", async () => {
    carrier.states.set("SF1400000000001", "delivered");
    const body = await expectProblem(
      await gateway.intercept(gateway.merchantA, "k1", interceptBody()),
      422,
      "not_eligible",
    );
    expect(body.reasons).toEqual([{ code: "already_delivered", message: expect.any(String) }]);
    await expectNothingStored();
  });

  it("names every reason that applies", async () => {
    const body = await expectProblem(
      await gateway.intercept(
        gateway.merchantA,
        "k1",
        interceptBody({
          parcel: { declaredValue: { amount: "1000.01", currency: "CNY" }, category: "fresh" },
        }),
      ),
      422,
      "not_eligible",
    );
    expect((body.reasons as Array<{ code: string }>).map((reason) => reason.code).sort()).toEqual([
      "category_not_interceptable",
      "value_above_limit",
    ]);
  });

  it("each of seed 003's eight categories, trimmed or in any case → 422; apparel → 201", async () => {
    const refused = [
      "fresh",
      "virtual",
      "jewellery",
      "antiques",
      "second_hand",
      "tea",
      "large_appliance",
      "custom_made",
      " Fresh ",
      "TEA",
      "\tJewellery",
      "Large_Appliance ",
    ];
    for (const [index, category] of refused.entries()) {
      const body = await expectProblem(
        await gateway.intercept(
          gateway.merchantA,
          `k${index}`,
          interceptBody({
            parcel: { declaredValue: { amount: "99.00", currency: "CNY" }, category },
          }),
        ),
        422,
        "not_eligible",
      );
      expect(body.reasons, JSON.stringify(category)).toEqual([
        { code: "category_not_interceptable", message: expect.any(String) },
      ]);
    }
    await expectNothingStored();
    const accepted = await json(
      await gateway.intercept(
        gateway.merchantA,
        "k-apparel",
        interceptBody({
          parcel: { declaredValue: { amount: "99.00", currency: "CNY" }, category: " Apparel " },
        }),
      ),
    );
    expect(accepted.status, accepted.text).toBe(201);
  });

  it("an unknown tracking number → 422 unknown_parcel", async () => {
    const body = await expectProblem(
      await gateway.intercept(
        gateway.merchantA,
        "k1",
        interceptBody({ trackingNumber: "SF9999999999999" }),
      ),
      422,
      "not_eligible",
    );
    expect(body.reasons).toEqual([{ code: "unknown_parcel", message: expect.any(String) }]);
  });

  it("a second interception of the same parcel → 422 already_intercepted", async () => {
    expect((await gateway.intercept(gateway.merchantA, "k1", interceptBody())).status).toBe(201);
    const body = await expectProblem(
      await gateway.intercept(gateway.merchantA, "k2", interceptBody()),
      422,
      "not_eligible",
    );
    expect(body.reasons).toEqual([{ code: "already_intercepted", message: expect.any(String) }]);
    expect(carrier.callsOf("intercept")).toHaveLength(1);
  });

  it("cancelling a released lock → 409 invalid_transition", async () => {
    carrier.states.set("SF1400000000001", "not_collected");
    const created = await json(await gateway.intercept(gateway.merchantA, "k1", interceptBody()));
    const path = `/v1/interceptions/${created.body.id}/cancel`;
    expect((await gateway.call(gateway.merchantA, "POST", path)).status).toBe(200);
    await expectProblem(
      await gateway.call(gateway.merchantA, "POST", path),
      409,
      "invalid_transition",
    );
  });
});

describe("authentication and plumbing", () => {
  it("401 without a key, with a malformed one, or with a well-formed unknown one", async () => {
    await expectProblem(await gateway.call(null, "GET", "/v1/interceptions"), 401, "unauthorized");
    for (const apiKey of ["nonsense", `igk_0123456789abcdef_${"A".repeat(43)}`]) {
      await expectProblem(
        await gateway.call({ id: "x", apiKey }, "GET", "/v1/carriers"),
        401,
        "unauthorized",
      );
    }
  });

  it("echoes the caller's X-Request-Id, and makes one up otherwise", async () => {
    const echoed = await gateway.call(null, "GET", "/healthz", {
      headers: { "x-request-id": "trace-123" },
    });
    expect(echoed.headers.get("x-request-id")).toBe("trace-123");
    const fresh = await gateway.call(null, "GET", "/healthz");
    expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("an unknown route → 404 problem", async () => {
    await expectProblem(
      await gateway.call(gateway.merchantA, "GET", "/v1/nothing-here"),
      404,
      "not_found",
    );
  });

  it("admin routes need the admin token", async () => {
    await expectProblem(
      await gateway.call(null, "POST", "/admin/merchants", {
        body: { name: "X", pickupService: true },
      }),
      401,
      "unauthorized",
    );
    await expectProblem(
      await gateway.call(gateway.merchantA, "POST", "/admin/merchants", {
        body: { name: "X", pickupService: true },
      }),
      401,
      "unauthorized",
    );
    const ok = await gateway.call(null, "POST", "/admin/merchants", {
      body: { name: "X", pickupService: true },
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(ok.status).toBe(201);
  });
});

describe("admin routes are off without ADMIN_TOKEN", () => {
  it("answers 404 for every admin call", async () => {
    const noAdmin = await createTestGateway(new FakeCarrier().adapter, { ADMIN_TOKEN: "" });
    try {
      const response = await noAdmin.call(null, "POST", "/admin/merchants", {
        body: { name: "X", pickupService: true },
        headers: { authorization: "Bearer anything-at-all-here" },
      });
      expect(response.status).toBe(404);
    } finally {
      await noAdmin.close();
    }
  });
});
