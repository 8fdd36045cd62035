/**
 * SF Express against the shared contract suite: always against the local sandbox, and against
 * SF's own test environment when SF_PARTNER_ID and SF_CHECKWORD are set.
 */

import { describe, expect, it } from "vitest";
import type { IncomingCallback } from "../../contracts/carrier-adapter.ts";
import { runCarrierContractSuite } from "../../contracts/contract-suite.ts";
import {
  carrierSandboxApp,
  describeWithCredentials,
  loopbackPool,
  realEnvironmentPool,
  show,
  uniqueNumber,
  useCarrierSandbox,
} from "../../contracts/testing.ts";
import { createWorld } from "../sandbox-kit/world.ts";
import { createSfExpressAdapter, type SfExpressSettings } from "./index.ts";
import {
  createSfExpressSandbox,
  SF_SANDBOX_CHECKWORD,
  SF_SANDBOX_PARTNER_ID,
  SF_SANDBOX_PUSH_TOKEN,
} from "./sandbox.ts";

/** A fresh SF-format waybill number (SF + 13 digits), unique within the run. */
const freshWaybill = (): string => uniqueNumber("SF", 13);

describe("SF Express adapter against the local sandbox", () => {
  // The suite reads `settings` lazily (inside tests), after beforeAll has started the sandbox.
  const settings: SfExpressSettings = {
    baseUrl: "http://127.0.0.1:1/sf-express/std/service",
    partnerId: SF_SANDBOX_PARTNER_ID,
    checkWord: SF_SANDBOX_CHECKWORD,
    monthlyCardNo: "7551234567",
    pushToken: SF_SANDBOX_PUSH_TOKEN,
  };
  const sandbox = useCarrierSandbox("/sf-express", createSfExpressSandbox, ({ url }) => {
    settings.baseUrl = `${url}/sf-express/std/service`;
  });

  runCarrierContractSuite({
    carrier: "sf-express",
    makeAdapter: () =>
      createSfExpressAdapter(settings, { dispatcher: loopbackPool(settings.baseUrl) }),
    makeAdapterWithWrongCredentials: () =>
      createSfExpressAdapter(
        { ...settings, checkWord: "NOT_THE_CHECKWORD" },
        { dispatcher: loopbackPool(settings.baseUrl) },
      ),
    sandbox,
    pushUrl: (receiverUrl) => `${receiverUrl}?token=${SF_SANDBOX_PUSH_TOKEN}`,
    forgedPushes: forgedSfPushes,
    trackingNumbers: { unknown: "SF0000000000000", fresh: freshWaybill },
  });
});

/** SF pushes are unsigned: a push without the secret token in its URL must be refused. */
function forgedSfPushes(genuine: IncomingCallback | null): IncomingCallback[] {
  const push = genuine ?? {
    url: "http://127.0.0.1/callbacks?token=x",
    headers: {},
    body: "{}",
    receivedAt: new Date(),
  };
  return [
    { ...push, url: push.url.replace(/token=[^&]*/, "token=not-the-token") },
    { ...push, url: push.url.replace(/\?.*$/, "") },
  ];
}

// Credentials are read here only: this block is the one place the tests touch SF itself.
describeWithCredentials(
  "SF Express adapter against SF's test environment",
  {
    required: ["SF_PARTNER_ID", "SF_CHECKWORD"],
    optional: ["SF_BASE_URL", "SF_MONTHLY_CARD_NO", "SF_KNOWN_WAYBILL"],
  },
  ({ SF_PARTNER_ID: partnerId, SF_CHECKWORD: checkWord }) => {
    const real: SfExpressSettings = {
      baseUrl: process.env.SF_BASE_URL ?? "https://sfapi-sbox.sf-express.com/std/service",
      partnerId,
      checkWord,
      monthlyCardNo: process.env.SF_MONTHLY_CARD_NO ?? "7551234567",
      pushToken: "real-env-push-token",
    };
    runCarrierContractSuite({
      carrier: "sf-express",
      makeAdapter: () =>
        createSfExpressAdapter(real, { dispatcher: realEnvironmentPool(real.baseUrl) }),
      makeAdapterWithWrongCredentials: () =>
        createSfExpressAdapter(
          { ...real, checkWord: `${checkWord}-wrong` },
          { dispatcher: realEnvironmentPool(real.baseUrl) },
        ),
      forgedPushes: forgedSfPushes,
      trackingNumbers: {
        unknown: "SF0000000000000",
        fresh: freshWaybill,
        ...(process.env.SF_KNOWN_WAYBILL ? { known: process.env.SF_KNOWN_WAYBILL } : {}),
      },
    });
  },
);

describe("sandbox control API validation", () => {
  const app = carrierSandboxApp(createWorld(), "/sf-express", createSfExpressSandbox);

  it("answers 400 problem+json for a bad parcel body", async () => {
    const response = await app.request("/_sandbox/parcels", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ carrier: "sf-express", trackingNumber: "SF1", state: "lost" }),
    });
    const body = await response.json();
    expect(response.status, show(body)).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(body).toMatchObject({
      code: "validation_failed",
      status: 400,
      errors: [{ path: "state" }],
    });
  });

  it("answers 400 for an unknown carrier or fault mode", async () => {
    const response = await app.request("/_sandbox/faults", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ carrier: "nope", mode: "explode", count: 0 }),
    });
    expect(response.status).toBe(400);
  });

  it("answers 404 problem+json for an unknown parcel, and forgets parcels on reset", async () => {
    const created = await app.request("/_sandbox/parcels", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ carrier: "sf-express", trackingNumber: "SF2", state: "in_transit" }),
    });
    expect(created.status).toBe(201);
    expect((await app.request("/_sandbox/parcels/sf-express/SF2")).status).toBe(200);
    expect((await app.request("/_sandbox/reset", { method: "POST" })).status).toBe(204);
    const gone = await app.request("/_sandbox/parcels/sf-express/SF2");
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: "not_found", status: 404 });
  });
});
