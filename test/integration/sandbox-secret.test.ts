/**
 * Demo mode's sandboxes authenticate their pushes with secrets made fresh at each start and
 * shared only inside the process: the constants in the code and README settle nothing, and the
 * control API never shows the secret.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { carrierPushSecret, withoutSecrets } from "../../adapters/sandbox-kit/secret.ts";
import { startSandbox } from "../../adapters/sandbox-kit/server.ts";
import { SF_SANDBOX_PUSH_TOKEN } from "../../adapters/sf-express/sandbox.ts";
import { loadConfig } from "../../src/config.ts";
import { type RunningGateway, startGateway } from "../../src/server.ts";
import { eventually, freePort, http, type JsonBody } from "./loopback.ts";

let directory: string;
let gateway: RunningGateway;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "gateway-secret-"));
  const port = await freePort();
  // Demo mode as `npm start` runs it: no credentials, no SANDBOX_URL, sandboxes in-process.
  gateway = await startGateway(
    loadConfig({
      GATEWAY_PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SANDBOX_PORT: "0",
      DATABASE_URL: `file:${join(directory, "gateway.db")}`,
      LOG_LEVEL: "error",
      WORKER_INTERVAL_MS: "50",
    }),
  );
});

afterAll(async () => {
  await gateway?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe("the sandboxes' push secrets", () => {
  it("are random per start and different per carrier", async () => {
    const first = await startSandbox({ port: 0 });
    const second = await startSandbox({ port: 0 });
    await first.close();
    await second.close();
    expect(first.secret).not.toBe(second.secret);
    expect(first.secret.length).toBeGreaterThanOrEqual(32);
    expect(carrierPushSecret(first.secret, "sf-express")).not.toBe(
      carrierPushSecret(first.secret, "ups"),
    );
  });

  it("settle a demo interception by push, and the control API does not reveal them", async () => {
    expect(gateway.mode).toBe("demo");
    const sandboxUrl = String(gateway.sandboxUrl);
    const apiKey = String(gateway.demo?.apiKey);
    const trackingNumber = `SF16${String(Date.now()).slice(-9)}`;
    const parcel = await http("POST", `${sandboxUrl}/_sandbox/parcels`, {
      carrier: "sf-express",
      trackingNumber,
      state: "in_transit",
      outcomeDelayMs: 50,
    });
    expect(parcel.status, parcel.text).toBe(201);
    const created = await http(
      "POST",
      `${gateway.url}/v1/interceptions`,
      {
        carrier: "sf-express",
        trackingNumber,
        orderId: `ORD-${trackingNumber}`,
        action: "intercept",
        reason: "buyer_cancelled",
        parcel: { declaredValue: { amount: "199.00", currency: "CNY" }, category: "apparel" },
      },
      { authorization: `Bearer ${apiKey}`, "idempotency-key": `key-${trackingNumber}` },
    );
    expect(created.status, created.text).toBe(201);

    // The forged push comes first, with the constant the sandbox code exports: refused.
    const forged = await http(
      "POST",
      `${gateway.url}/v1/carriers/sf-express/callbacks?token=${SF_SANDBOX_PUSH_TOKEN}`,
      { waybillNo: trackingNumber },
    );
    expect(forged.status, forged.text).toBe(401);

    // The push comes 50 ms after SF accepts; the bound only turns a lost push into a failure
    // (the fallback poll is 15 min away), with room for a loaded machine.
    const deadline = Date.now() + 10_000;
    let current = created;
    while (current.body.status !== "succeeded" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      current = await http("GET", `${gateway.url}/v1/interceptions/${created.body.id}`, undefined, {
        authorization: `Bearer ${apiKey}`,
      });
    }
    expect(current.body.status, current.text).toBe("succeeded");

    // The sandbox logs a push when the gateway's answer is back, which can be just after the
    // gateway committed the outcome the loop above saw.
    const loggedPush = (read: { body: JsonBody }) =>
      (read.body.pushes as Array<{ trackingNumber: string; url: string }>).find(
        (each) => each.trackingNumber === trackingNumber,
      );
    const pushes = await eventually(
      () => http("GET", `${sandboxUrl}/_sandbox/pushes`),
      (read) => loggedPush(read) !== undefined,
    );
    const push = loggedPush(pushes);
    expect(push?.url, pushes.text).toBe(
      `${gateway.url}/v1/carriers/sf-express/callbacks?token=redacted`,
    );
  });
});

describe("withoutSecrets", () => {
  it("hides every query value and keeps the rest of the URL", () => {
    expect(withoutSecrets("http://127.0.0.1:8080/v1/carriers/ups/callbacks?token=s3cret&a=1")).toBe(
      "http://127.0.0.1:8080/v1/carriers/ups/callbacks?token=redacted&a=redacted",
    );
    expect(withoutSecrets("http://127.0.0.1:8080/v1/carriers/jd/callbacks")).toBe(
      "http://127.0.0.1:8080/v1/carriers/jd/callbacks",
    );
  });
});
