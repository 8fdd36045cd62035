/**
 * SF Express against the shared contract suite: always against the local sandbox, and against
 * SF's own test environment when SF_PARTNER_ID and SF_CHECKWORD are set.
 */

import { Hono } from "hono";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IncomingCallback } from "../../contracts/carrier-adapter.ts";
import { runCarrierContractSuite } from "../../contracts/contract-suite.ts";
import type { SandboxEnv } from "../sandbox-kit/faults.ts";
import { composeSandboxApp, type RunningSandbox, serveSandbox } from "../sandbox-kit/serve.ts";
import { createWorld, type World } from "../sandbox-kit/world.ts";
import { createSfExpressAdapter, type SfExpressSettings } from "./index.ts";
import {
  createSfExpressSandbox,
  SF_SANDBOX_CHECKWORD,
  SF_SANDBOX_PARTNER_ID,
  SF_SANDBOX_PUSH_TOKEN,
} from "./sandbox.ts";

/** A fresh SF-format waybill number (SF + 13 digits), unique within the run. */
let counter = 0;
function freshWaybill(): string {
  counter += 1;
  const tail = `${Date.now() % 1_000_000_000}${String(counter).padStart(4, "0")}`;
  return `SF${tail.padStart(13, "0").slice(-13)}`;
}

function shortPool(baseUrl: string): Pool {
  return new Pool(new URL(baseUrl).origin, {
    connectTimeout: 1_000,
    headersTimeout: 2_000,
    bodyTimeout: 2_000,
    keepAliveTimeout: 10,
    keepAliveMaxTimeout: 10,
  });
}

describe("SF Express adapter against the local sandbox", () => {
  // The suite reads `settings` lazily (inside tests), after beforeAll has started the sandbox.
  let sandbox: RunningSandbox;
  const settings: SfExpressSettings = {
    baseUrl: "http://127.0.0.1:1/sf-express/std/service",
    partnerId: SF_SANDBOX_PARTNER_ID,
    checkWord: SF_SANDBOX_CHECKWORD,
    monthlyCardNo: "7551234567",
    pushToken: SF_SANDBOX_PUSH_TOKEN,
  };
  const sandboxOptions = { controlUrl: "" };

  beforeAll(async () => {
    const world = createWorld();
    sandbox = await serveSandbox(sfSandboxApp(world), world, { port: 0 });
    settings.baseUrl = `${sandbox.url}/sf-express/std/service`;
    sandboxOptions.controlUrl = sandbox.url;
  });

  afterAll(async () => {
    await sandbox.close();
  });

  runCarrierContractSuite({
    carrier: "sf-express",
    makeAdapter: () =>
      createSfExpressAdapter(settings, { dispatcher: shortPool(settings.baseUrl) }),
    makeAdapterWithWrongCredentials: () =>
      createSfExpressAdapter(
        { ...settings, checkWord: "NOT_THE_CHECKWORD" },
        { dispatcher: shortPool(settings.baseUrl) },
      ),
    sandbox: sandboxOptions,
    pushUrl: (receiverUrl) => `${receiverUrl}?token=${SF_SANDBOX_PUSH_TOKEN}`,
    forgedPushes: forgedSfPushes,
    trackingNumbers: { unknown: "SF0000000000000", fresh: freshWaybill },
  });
});

/** SF pushes are unsigned: a push without the secret token in its URL must be refused. */
function forgedSfPushes(genuine: IncomingCallback | null): IncomingCallback[] {
  const push = genuine ?? { url: "http://127.0.0.1/callbacks?token=x", headers: {}, body: "{}" };
  return [
    { ...push, url: push.url.replace(/token=[^&]*/, "token=not-the-token") },
    { ...push, url: push.url.replace(/\?.*$/, "") },
  ];
}

// Credentials are read here only: this block is the one place the tests touch SF itself.
const partnerId = process.env.SF_PARTNER_ID;
const checkWord = process.env.SF_CHECKWORD;
if (partnerId && checkWord) {
  const real: SfExpressSettings = {
    baseUrl: process.env.SF_BASE_URL ?? "https://sfapi-sbox.sf-express.com/std/service",
    partnerId,
    checkWord,
    monthlyCardNo: process.env.SF_MONTHLY_CARD_NO ?? "7551234567",
    pushToken: "real-env-push-token",
  };
  const realPool = (): Pool =>
    new Pool(new URL(real.baseUrl).origin, {
      connectTimeout: 5_000,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
      keepAliveTimeout: 10,
      keepAliveMaxTimeout: 10,
    });
  describe("SF Express adapter against SF's test environment", () => {
    runCarrierContractSuite({
      carrier: "sf-express",
      makeAdapter: () => createSfExpressAdapter(real, { dispatcher: realPool() }),
      makeAdapterWithWrongCredentials: () =>
        createSfExpressAdapter(
          { ...real, checkWord: `${checkWord}-wrong` },
          { dispatcher: realPool() },
        ),
      forgedPushes: forgedSfPushes,
      trackingNumbers: {
        unknown: "SF0000000000000",
        fresh: freshWaybill,
        ...(process.env.SF_KNOWN_WAYBILL ? { known: process.env.SF_KNOWN_WAYBILL } : {}),
      },
    });
  });
} else {
  describe.skip("SF Express adapter against SF's test environment (set SF_PARTNER_ID and SF_CHECKWORD; optional SF_BASE_URL, SF_MONTHLY_CARD_NO, SF_KNOWN_WAYBILL)", () => {
    it("needs SF_PARTNER_ID and SF_CHECKWORD", () => {});
  });
}

/** The control API plus SF's sandbox alone, so these tests do not depend on other carriers. */
function sfSandboxApp(world: World): Hono<SandboxEnv> {
  const mount = { basePath: "/sf-express", app: createSfExpressSandbox(world) };
  return composeSandboxApp(world, [mount], new Hono<SandboxEnv>());
}

describe("sandbox control API validation", () => {
  const app = sfSandboxApp(createWorld());

  it("answers 400 problem+json for a bad parcel body", async () => {
    const response = await app.request("/_sandbox/parcels", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ carrier: "sf-express", trackingNumber: "SF1", state: "lost" }),
    });
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(400);
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
