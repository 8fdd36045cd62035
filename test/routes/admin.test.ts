import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StoreBusyError } from "../../src/store/busy.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { adminToken, createTestGateway, json, type TestGateway } from "../harness.ts";

let gateway: TestGateway;
const admin = { authorization: `Bearer ${adminToken}` };

beforeEach(async () => {
  gateway = await createTestGateway(new FakeCarrier().adapter);
});
afterEach(async () => {
  await gateway.close();
});

describe("merchants and keys", () => {
  it("creates a merchant with a key shown once, stored only as a hash", async () => {
    const created = await json(
      await gateway.call(null, "POST", "/admin/merchants", {
        body: { name: "Tea House", pickupService: false },
        headers: admin,
      }),
    );
    expect(created.status, created.text).toBe(201);
    const apiKey = String(created.body.apiKey);
    expect(apiKey).toMatch(/^igk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.body).toMatchObject({
      name: "Tea House",
      pickupService: false,
      keyId: apiKey.slice(0, 20),
    });

    const stored = (await gateway.store.merchants.getApiKeyWithMerchant(String(created.body.keyId)))
      ?.key;
    expect(stored?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(apiKey.slice(21));

    const carriers = await gateway.call(
      { id: String(created.body.id), apiKey },
      "GET",
      "/v1/carriers",
    );
    expect(carriers.status).toBe(200);
  });

  it("issues another key and revokes one: 401 from the next request on", async () => {
    const merchant = gateway.merchantA;
    const issued = await json(
      await gateway.call(null, "POST", `/admin/merchants/${merchant.id}/keys`, { headers: admin }),
    );
    expect(issued.status, issued.text).toBe(201);
    const second = { id: merchant.id, apiKey: String(issued.body.apiKey) };
    expect((await gateway.call(second, "GET", "/v1/carriers")).status).toBe(200);

    const revoked = await gateway.call(
      null,
      "DELETE",
      `/admin/merchants/${merchant.id}/keys/${issued.body.keyId}`,
      {
        headers: admin,
      },
    );
    expect(revoked.status).toBe(204);
    expect((await gateway.call(second, "GET", "/v1/carriers")).status).toBe(401);
    // The first key still works.
    expect((await gateway.call(merchant, "GET", "/v1/carriers")).status).toBe(200);
  });

  it("cannot revoke another merchant's key or issue keys for a missing merchant", async () => {
    const keyIdOfA = gateway.merchantA.apiKey.slice(0, 20);
    const crossed = await gateway.call(
      null,
      "DELETE",
      `/admin/merchants/${gateway.merchantB.id}/keys/${keyIdOfA}`,
      {
        headers: admin,
      },
    );
    expect(crossed.status).toBe(404);
    expect((await gateway.call(gateway.merchantA, "GET", "/v1/carriers")).status).toBe(200);
    const missing = await gateway.call(null, "POST", "/admin/merchants/mer_missing/keys", {
      headers: admin,
    });
    expect(missing.status).toBe(404);
  });

  it("validates the body", async () => {
    const response = await json(
      await gateway.call(null, "POST", "/admin/merchants", { body: { name: "" }, headers: admin }),
    );
    expect(response.status, response.text).toBe(400);
    expect(response.body.code).toBe("validation_failed");
  });
});

describe("a database held by another process", () => {
  it("answers an honest, retryable problem once the bounded wait is spent", async () => {
    gateway.store.merchants.create = async () => {
      throw new StoreBusyError(5_000, new Error("database is locked"));
    };
    const response = await gateway.call(null, "POST", "/admin/merchants", {
      body: { name: "Tea House", pickupService: false },
      headers: admin,
    });
    const problem = await json(response);
    expect(problem.status, problem.text).toBe(500);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(problem.body).toMatchObject({ code: "internal" });
    expect(String(problem.body.detail)).toContain("database is busy");
  });
});
