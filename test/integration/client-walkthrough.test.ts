/**
 * The README's walk-through driven through the typed client (client/), against the real server
 * and the carrier sandboxes over loopback, on SQLite and on PostgreSQL: what a storefront that
 * imports the client sees.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../adapters/sandbox-kit/server.ts";
import {
  createGatewayClient,
  type GatewayClient,
  GatewayProblemError,
  type Interception,
  type InterceptionRequest,
} from "../../client/index.ts";
import { sandboxPushUrls } from "../../src/carriers/modules.ts";
import { loadConfig } from "../../src/config.ts";
import { type RunningGateway, startGateway } from "../../src/server.ts";
import { freshPostgresDatabase } from "../support/postgres.ts";
import { eventually, http } from "./loopback.ts";

const adminToken = "integration-admin-token-01234";
let waybillCounter = 0;

function interceptRequest(trackingNumber: string): InterceptionRequest {
  return {
    carrier: "sf-express",
    trackingNumber,
    orderId: `ORD-${trackingNumber}`,
    action: "intercept",
    reason: "buyer_cancelled",
    parcel: { declaredValue: { amount: "899.00", currency: "CNY" }, category: "apparel" },
  };
}

describe.each(["sqlite", "postgres"] as const)(
  "the README walk-through through the client, on %s",
  (engine) => {
    let directory: string;
    let sandbox: RunningSandbox;
    let gateway: RunningGateway;
    let client: GatewayClient;

    /** Step 1 of the walk-through: a parcel in the SF sandbox; returns its waybill number. */
    async function sandboxParcel(state: string, outcomeDelayMs = 50): Promise<string> {
      waybillCounter += 1;
      const trackingNumber = `SF16${String(Date.now()).slice(-7)}${String(waybillCounter).padStart(4, "0")}`;
      const created = await http("POST", `${sandbox.url}/_sandbox/parcels`, {
        carrier: "sf-express",
        trackingNumber,
        state,
        interceptOutcome: "success",
        outcomeDelayMs,
      });
      expect(created.status, created.text).toBe(201);
      return trackingNumber;
    }

    async function carrierOperations(trackingNumber: string): Promise<string[]> {
      const seen = await http(
        "GET",
        `${sandbox.url}/_sandbox/parcels/sf-express/${trackingNumber}`,
      );
      return (seen.body.calls as Array<{ operation: string }>).map((call) => call.operation);
    }

    beforeAll(async () => {
      directory = mkdtempSync(join(tmpdir(), "gateway-client-"));
      const databaseUrl =
        engine === "sqlite"
          ? `file:${join(directory, "gateway.db")}`
          : await freshPostgresDatabase();
      sandbox = await startSandbox({ port: 0, host: "127.0.0.1" });
      gateway = await startGateway(
        loadConfig({
          GATEWAY_PORT: "0",
          DATABASE_URL: databaseUrl,
          ADMIN_TOKEN: adminToken,
          LOG_LEVEL: "error",
          WORKER_INTERVAL_MS: "50",
        }),
        sandbox,
      );
      const pushUrl = sandboxPushUrls(gateway.url, sandbox.secret)["sf-express"];
      await http("POST", `${sandbox.url}/_sandbox/push-urls`, {
        carrier: "sf-express",
        url: pushUrl,
      });
      const merchant = await http(
        "POST",
        `${gateway.url}/admin/merchants`,
        { name: "Client merchant", pickupService: true },
        { authorization: `Bearer ${adminToken}` },
      );
      expect(merchant.status, merchant.text).toBe(201);
      client = createGatewayClient({ baseUrl: gateway.url, apiKey: merchant.body.apiKey });
    });

    afterAll(async () => {
      await gateway?.close();
      await sandbox?.close();
      rmSync(directory, { recursive: true, force: true });
    });

    it("checks eligibility, intercepts, follows the carrier's push to succeeded and lists it", async () => {
      const trackingNumber = await sandboxParcel("in_transit");

      const eligibility = await client.checkEligibility(interceptRequest(trackingNumber));
      expect(eligibility).toMatchObject({ eligible: true, reasons: [], parcelState: "in_transit" });

      const key = `client-${trackingNumber}`;
      const created = await client.intercept(interceptRequest(trackingNumber), {
        idempotencyKey: key,
      });
      expect(created).toMatchObject({
        status: "submitted",
        cost: { payer: "platform", mode: "free_return", quoted: null },
      });
      // The same key again is a replay: the same interception, and no second carrier call.
      const replayed = await client.intercept(interceptRequest(trackingNumber), {
        idempotencyKey: key,
      });
      expect(replayed.id).toBe(created.id);

      const outcome = await eventually(
        () => client.getInterception(created.id),
        (interception: Interception) => interception.status === "succeeded",
      );
      expect(outcome).toMatchObject({ status: "succeeded", parcelState: "returned" });
      expect(outcome.events.map((event) => event.status)).toEqual([
        "pending",
        "submitted",
        "succeeded",
      ]);

      const listed = await client.listInterceptions({ trackingNumber });
      expect(listed).toEqual({ data: [outcome], nextCursor: null });
      expect(await carrierOperations(trackingNumber)).toEqual(["track", "intercept"]);
    });

    it("raises a refusal as a GatewayProblemError with its reasons", async () => {
      const trackingNumber = await sandboxParcel("delivered");
      const refused = await client
        .intercept(interceptRequest(trackingNumber))
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(GatewayProblemError);
      expect(refused).toMatchObject({
        status: 422,
        code: "not_eligible",
        reasons: [expect.objectContaining({ code: "already_delivered" })],
        requestId: expect.any(String),
      });
      expect(await carrierOperations(trackingNumber)).toEqual(["track"]);
    });

    it("locks a parcel not yet collected and releases it; cancels a submitted one at the carrier", async () => {
      const notCollected = await sandboxParcel("not_collected");
      const locked = await client.intercept(interceptRequest(notCollected));
      expect(locked).toMatchObject({ status: "locked", cost: { mode: "none" } });
      expect((await client.cancelInterception(locked.id)).status).toBe("released");

      const inTransit = await sandboxParcel("in_transit", 60_000);
      const submitted = await client.intercept(interceptRequest(inTransit));
      expect(submitted.status).toBe("submitted");
      expect((await client.cancelInterception(submitted.id)).status).toBe("cancelled");
      expect(await carrierOperations(inTransit)).toContain("cancel");

      const again = await client.cancelInterception(submitted.id).catch((error: unknown) => error);
      expect(again).toMatchObject({ status: 409, code: "invalid_transition" });
    });

    it("lists the carriers, and reaches other paths through raw typed access", async () => {
      const carriers = await client.listCarriers();
      expect(carriers.data.map((carrier) => carrier.id)).toContain("sf-express");
      const health = await client.raw.GET("/healthz");
      expect(health.response.status).toBe(200);
      const missing = await client
        .getInterception("icp_does_not_exist")
        .catch((error: unknown) => error);
      expect(missing).toMatchObject({ status: 404, code: "not_found" });
    });
  },
);
