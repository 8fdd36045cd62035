/**
 * The order's free redirect (DOMAIN.md "Redirect", seed 003): one per order, across its parcels
 * and carriers; later ones paid by the merchant; a redirect that fails or is withdrawn does not
 * use it and charges nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CarrierReport } from "../../contracts/carrier-adapter.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { createTestGateway, interceptBody, json, type TestGateway } from "../harness.ts";

let carrier: FakeCarrier;
let gateway: TestGateway;

const parcels = ["SF1400000000011", "SF1400000000012", "SF1400000000013"] as const;
const redirectTo = {
  name: "Li Lei",
  phone: "13800138000",
  country: "CN",
  city: "深圳市",
  line1: "科技园路 1 号",
};
const free = { payer: "platform", mode: "free_redirect", settlement: "none" };
const paid = { payer: "merchant", mode: "paid_redirect", settlement: "offline" };
const nothing = { payer: "none", mode: "none", quoted: null, final: null, settlement: "none" };

beforeEach(async () => {
  carrier = new FakeCarrier();
  for (const trackingNumber of parcels) {
    carrier.states.set(trackingNumber, "in_transit");
  }
  gateway = await createTestGateway(carrier.adapter);
});
afterEach(async () => {
  await gateway.close();
});

/** Redirects one parcel of an order for merchant A; returns the Interception (201 expected). */
async function redirect(trackingNumber: string, orderId = "ORD-1") {
  const response = await json(
    await gateway.intercept(
      gateway.merchantA,
      `${trackingNumber}-${Math.random()}`,
      interceptBody({ action: "redirect", redirectTo, trackingNumber, orderId }),
    ),
  );
  expect(response.status, response.text).toBe(201);
  return response.body;
}

async function read(id: unknown) {
  const response = await json(
    await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${String(id)}`),
  );
  return response.body;
}

/** The fake carrier's push of an outcome for one parcel. */
function push(report: Partial<CarrierReport> & Pick<CarrierReport, "trackingNumber">) {
  const full: CarrierReport = {
    eventId: `evt-${Math.random()}`,
    at: "2026-11-21T09:00:00.000Z",
    outcome: "failed",
    parcelState: "in_transit",
    detail: "address could not be changed",
    fee: null,
    ...report,
  };
  return gateway.call(null, "POST", "/v1/carriers/sf-express/callbacks?token=fake-token", {
    rawBody: JSON.stringify([full]),
  });
}

describe("one free redirect per order", () => {
  it("makes the order's first redirect free and the redirect of its second parcel paid", async () => {
    const first = await redirect(parcels[0]);
    expect(first).toMatchObject({ status: "submitted", cost: free });
    const second = await redirect(parcels[1]);
    expect(second).toMatchObject({ status: "submitted", cost: paid });
    // Eligibility says the same about a third redirect of the first order.
    const eligibility = await json(
      await gateway.call(gateway.merchantA, "POST", "/v1/eligibility", {
        body: interceptBody({
          action: "redirect",
          redirectTo,
          trackingNumber: parcels[2],
          orderId: "ORD-1",
        }),
      }),
    );
    expect(eligibility.body, eligibility.text).toMatchObject({ eligible: true, cost: paid });
    // Another order has its own free redirect.
    expect(await redirect(parcels[2], "ORD-2")).toMatchObject({ cost: free });
  });

  it("does not count another merchant's order of the same id", async () => {
    expect(await redirect(parcels[0])).toMatchObject({ cost: free });
    const response = await json(
      await gateway.intercept(
        gateway.merchantB,
        "b1",
        interceptBody({ action: "redirect", redirectTo, trackingNumber: parcels[1] }),
      ),
    );
    expect(response.body, response.text).toMatchObject({ status: "submitted", cost: free });
  });

  it("a redirect refused by the carrier charges nothing and leaves the free one to the next", async () => {
    carrier.scriptedErrors.redirect.push("rejected");
    const refused = await redirect(parcels[0]);
    expect(refused).toMatchObject({ status: "failed", cost: nothing });
    expect(await redirect(parcels[1])).toMatchObject({ status: "submitted", cost: free });
  });

  it("a redirect the carrier reports failed charges nothing, free or paid, and frees the free one", async () => {
    const first = await redirect(parcels[0]);
    const second = await redirect(parcels[1]);
    expect(second).toMatchObject({ cost: paid });

    // The paid one fails: it shows no charge (it used to still show paid_redirect).
    expect((await push({ trackingNumber: parcels[1] })).status).toBe(200);
    expect(await read(second.id)).toMatchObject({ status: "failed", cost: nothing });

    // The free one fails: the order's next redirect is free again.
    expect((await push({ trackingNumber: parcels[0] })).status).toBe(200);
    expect(await read(first.id)).toMatchObject({ status: "failed", cost: nothing });
    expect(await redirect(parcels[2])).toMatchObject({ status: "submitted", cost: free });
  });

  it("a redirect withdrawn by the merchant charges nothing and does not use the free one", async () => {
    const first = await redirect(parcels[0]);
    const cancelled = await json(
      await gateway.call(gateway.merchantA, "POST", `/v1/interceptions/${String(first.id)}/cancel`),
    );
    expect(cancelled.body, cancelled.text).toMatchObject({ status: "cancelled", cost: nothing });
    expect(await redirect(parcels[1])).toMatchObject({ cost: free });
  });

  it("keeps a later redirect paid when the free one fails after it was accepted", async () => {
    // The paid redirect was sent to the carrier as the merchant's: its cost stands. It still
    // holds the order's one free slot's place, so the next redirect is paid too.
    await redirect(parcels[0]);
    const second = await redirect(parcels[1]);
    await push({ trackingNumber: parcels[0] });
    expect(await read(second.id)).toMatchObject({ status: "submitted", cost: paid });
    expect(await redirect(parcels[2])).toMatchObject({ cost: paid });
  });

  it("a succeeded redirect keeps using the order's free one", async () => {
    await redirect(parcels[0]);
    await push({ trackingNumber: parcels[0], outcome: "succeeded", detail: "redirected" });
    expect(await redirect(parcels[1])).toMatchObject({ cost: paid });
  });
});
