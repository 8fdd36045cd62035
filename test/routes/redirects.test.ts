/**
 * The order's free redirect (DOMAIN.md "Redirect", seed 003): one per order, across its parcels
 * and carriers; later ones paid by the merchant; a redirect that fails or is withdrawn does not
 * use it and charges nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  it("reads the order's redirects only for a redirect, not for a plain intercept", async () => {
    const read = gateway.store.interceptions.redirectsOfOrder.bind(gateway.store);
    const orders: string[] = [];
    gateway.store.interceptions.redirectsOfOrder = (merchantId, orderId) => {
      orders.push(orderId);
      return read(merchantId, orderId);
    };
    const intercepted = await json(
      await gateway.intercept(
        gateway.merchantA,
        "plain",
        interceptBody({ trackingNumber: parcels[0], orderId: "ORD-PLAIN" }),
      ),
    );
    expect(intercepted.status, intercepted.text).toBe(201);
    expect(orders).toEqual([]);
    await redirect(parcels[1], "ORD-R");
    expect(orders).toEqual(["ORD-R"]);
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

  it("gives the free one back when it fails, even while a paid redirect of the order is live", async () => {
    // The paid redirect was sent to the carrier as the merchant's: its cost stands. It holds no
    // free redirect, so once the free one fails the order's next redirect is free again.
    await redirect(parcels[0]);
    const second = await redirect(parcels[1]);
    await push({ trackingNumber: parcels[0] });
    expect(await read(second.id)).toMatchObject({ status: "submitted", cost: paid });
    expect(await redirect(parcels[2])).toMatchObject({ status: "submitted", cost: free });
  });

  it("a succeeded redirect keeps using the order's free one", async () => {
    await redirect(parcels[0]);
    await push({ trackingNumber: parcels[0], outcome: "succeeded", detail: "redirected" });
    expect(await redirect(parcels[1])).toMatchObject({ cost: paid });
  });
});

describe("two redirects of one order sent at the same moment", () => {
  /**
   * Redirects two parcels of one order at once: both ask the carrier's tracking (and so count
   * the order's redirects) before either is stored.
   */
  async function redirectBothAtOnce(target: TestGateway, fake: FakeCarrier) {
    const release = fake.holdTracks();
    const pending = [parcels[0], parcels[1]].map(async (trackingNumber) =>
      json(
        await target.intercept(
          target.merchantA,
          `race-${trackingNumber}`,
          interceptBody({ action: "redirect", redirectTo, trackingNumber, orderId: "ORD-1" }),
        ),
      ),
    );
    while (fake.callsOf("track").length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    release();
    return Promise.all(pending);
  }

  it("makes exactly one of them free, asking the carrier's tracking once per parcel", async () => {
    const answers = await redirectBothAtOnce(gateway, carrier);
    const texts = JSON.stringify(answers.map((answer) => answer.text));
    expect(
      answers.map((answer) => answer.status),
      texts,
    ).toEqual([201, 201]);
    const modes = answers.map((answer) => (answer.body.cost as { mode: string }).mode).sort();
    expect(modes, texts).toEqual(["free_redirect", "paid_redirect"]);
    // The loser was assessed again from the tracking cache, not by asking the carrier.
    expect(carrier.callsOf("track")).toHaveLength(2);
  });

  it("refuses the second with free_redirect_used when paid redirects are refused", async () => {
    const directory = mkdtempSync(join(tmpdir(), "redirects-"));
    const file = join(directory, "carriers.json");
    writeFileSync(file, JSON.stringify({ "sf-express": { rules: { refusePaidRedirects: true } } }));
    const fake = new FakeCarrier();
    for (const trackingNumber of parcels) {
      fake.states.set(trackingNumber, "in_transit");
    }
    const target = await createTestGateway(fake.adapter, { CARRIER_CONFIG_FILE: file });
    try {
      const answers = await redirectBothAtOnce(target, fake);
      const texts = JSON.stringify(answers.map((answer) => answer.text));
      const accepted = answers.filter((answer) => answer.status === 201);
      const refused = answers.filter((answer) => answer.status === 422);
      expect(accepted, texts).toHaveLength(1);
      expect(accepted[0]?.body.cost, texts).toMatchObject(free);
      expect(refused[0]?.body.reasons, texts).toEqual([
        expect.objectContaining({ code: "free_redirect_used" }),
      ]);
      expect(fake.callsOf("redirect")).toHaveLength(1);
    } finally {
      await target.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
