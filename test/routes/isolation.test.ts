import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { createTestGateway, interceptBody, json, type TestGateway } from "../harness.ts";

let carrier: FakeCarrier;
let gateway: TestGateway;
let submittedId: string;
let lockedId: string;

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
});
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

  it("is not refused by A's interception of another parcel, nor sees it in eligibility", async () => {
    const response = await json(
      await gateway.call(gateway.merchantB, "POST", "/v1/eligibility", { body: interceptBody() }),
    );
    expect(response.body.reasons, response.text).toEqual([]);
  });
});
