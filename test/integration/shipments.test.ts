/**
 * Shipments over real HTTP on loopback: the gateway server and the carrier sandboxes as under
 * `npm start`. A shipped SF parcel and a shipped JD parcel, each with an open urge-collection
 * ticket, are scanned in at their sandboxes (`not_collected` → `in_transit`); the gateway's own
 * looks at each carrier's tracking find the scan (and SF, which pushes every route, pushes it
 * too), both shipments become `collected` at the carrier's scan time, and both tickets resolve
 * `collected`, with `ticket.resolved` delivered to the merchant's webhook endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../adapters/sandbox-kit/server.ts";
import type { RunningGateway } from "../../src/server.ts";
import { type Receiver, startReceiver } from "../webhooks/receiver.ts";
import { eventually, http, type JsonBody } from "./loopback.ts";
import { type LoopbackGateway, startLoopbackGateway } from "./loopback-gateway.ts";

let stack: LoopbackGateway;
let sandbox: RunningSandbox;
let gateway: RunningGateway;
let apiKey: string;
let receiver: Receiver;

const asMerchant = (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${apiKey}`,
  ...extra,
});

beforeAll(async () => {
  stack = await startLoopbackGateway({
    env: {
      WORKER_INTERVAL_MS: "50",
      COLLECTION_LOOK_FIRST_MS: "100",
      COLLECTION_LOOK_LONGEST_MS: "200",
      WEBHOOK_WORKER_INTERVAL_MS: "50",
      WEBHOOK_ALLOW_PRIVATE_URLS: "true",
    },
    merchant: { name: "Shipments merchant", pickupService: false },
  });
  ({ gateway, sandbox, apiKey } = stack);
  receiver = await startReceiver((_request, response) => {
    response.writeHead(204).end();
  });
  const endpoint = await http(
    "POST",
    `${gateway.url}/v1/webhook-endpoints`,
    { url: `http://127.0.0.1:${receiver.port}/hooks`, events: ["ticket.resolved"] },
    asMerchant(),
  );
  expect(endpoint.status, endpoint.text).toBe(201);
});

afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

/** Registers and ships a shipment of a sandbox parcel that is not collected yet. */
async function shipNotCollected(carrier: string, trackingNumber: string): Promise<string> {
  const parcel = await http("POST", `${sandbox.url}/_sandbox/parcels`, {
    carrier,
    trackingNumber,
    state: "not_collected",
  });
  expect(parcel.status, parcel.text).toBe(201);
  const now = Date.now();
  const created = await http(
    "POST",
    `${gateway.url}/v1/shipments`,
    {
      orderId: `ORD-${trackingNumber}`,
      category: "apparel",
      paidAt: new Date(now - 3_600_000).toISOString(),
      shipBy: new Date(now + 47 * 3_600_000).toISOString(),
    },
    asMerchant({ "idempotency-key": `ship-${trackingNumber}` }),
  );
  expect(created.status, created.text).toBe(201);
  const id = String(created.body.id);
  const shipped = await http(
    "POST",
    `${gateway.url}/v1/shipments/${id}/ship`,
    { carrier, trackingNumber },
    asMerchant(),
  );
  expect(shipped.status, shipped.text).toBe(200);
  return id;
}

async function readShipment(id: string) {
  return http("GET", `${gateway.url}/v1/shipments/${id}`, undefined, asMerchant());
}

describe("following collection over loopback", () => {
  it("sees SF and JD parcels scanned in at their sandboxes: collected at the carrier's scan time, their urge-collection tickets resolved", async () => {
    const parcels = [
      { carrier: "sf-express", trackingNumber: `SF16${String(Date.now()).slice(-9)}` },
      { carrier: "jd", trackingNumber: `JDVA${String(Date.now()).slice(-11)}` },
    ];
    const ids = await Promise.all(
      parcels.map((parcel) => shipNotCollected(parcel.carrier, parcel.trackingNumber)),
    );
    // The gateway has looked at least once and found nothing collected yet.
    await eventually(
      async () =>
        Promise.all(
          parcels.map(async (parcel) => {
            const seen = await http(
              "GET",
              `${sandbox.url}/_sandbox/parcels/${parcel.carrier}/${parcel.trackingNumber}`,
            );
            return (seen.body.calls as Array<{ operation: string }>).filter(
              (call) => call.operation === "track",
            ).length;
          }),
        ),
      (counts) => counts.every((count) => count > 0),
    );
    for (const id of ids) {
      expect((await readShipment(id)).body.status).toBe("shipped");
    }
    const tickets: string[] = [];
    for (const id of ids) {
      const opened = await http(
        "POST",
        `${gateway.url}/v1/shipments/${id}/tickets`,
        { type: "urge_collection" },
        asMerchant(),
      );
      expect(opened.status, opened.text).toBe(201);
      expect(opened.body.status).toBe("awaiting_merchant");
      tickets.push(String(opened.body.id));
    }

    const scans: string[] = [];
    for (const parcel of parcels) {
      const advanced = await http("POST", `${sandbox.url}/_sandbox/parcels/advance`, {
        ...parcel,
        state: "in_transit",
      });
      expect(advanced.status, advanced.text).toBe(200);
      const history = advanced.body.history as Array<{ kind: string; at: string }>;
      scans.push(history.find((entry) => entry.kind === "collected")?.at ?? "");
    }

    for (const [index, id] of ids.entries()) {
      const collected = await eventually(
        () => readShipment(id),
        (read) => read.body.status === "collected",
      );
      expect(collected.body, collected.text).toMatchObject({ status: "collected" });
      // Carriers report scan times to the second in China time; the gateway keeps what they say.
      const scan = Date.parse(scans[index] ?? "");
      const collectedAt = Date.parse(String(collected.body.collectedAt));
      expect(
        Math.abs(collectedAt - scan),
        `${collected.body.collectedAt} vs ${scans[index]}`,
      ).toBeLessThan(1_000);
      expect(collected.body.events.at(-1)).toMatchObject({
        type: "collected",
        actor: { type: "carrier", id: parcels[index]?.carrier },
      });
    }
    for (const [index, id] of tickets.entries()) {
      const resolved = await eventually(
        () => http("GET", `${gateway.url}/v1/tickets/${id}`, undefined, asMerchant()),
        (read) => read.body.status === "resolved",
      );
      expect(resolved.body, resolved.text).toMatchObject({
        shipmentId: ids[index],
        status: "resolved",
        resolution: "collected",
      });
    }
    const delivered = await eventually(
      async () => receiver.requests.map((request) => JSON.parse(request.body) as JsonBody),
      (events) => tickets.every((id) => events.some((event) => event.data.id === id)),
    );
    for (const id of tickets) {
      expect(
        delivered.find((event) => event.data.id === id),
        JSON.stringify(delivered),
      ).toMatchObject({
        type: "ticket.resolved",
        data: { status: "resolved", resolution: "collected" },
      });
    }
    // A push is logged when the gateway's answer is back, which can be after its commit.
    const sfPushesIn = (read: { body: JsonBody }) =>
      (read.body.pushes as Array<{ trackingNumber: string; acknowledged: boolean }>).filter(
        (push) => push.trackingNumber === parcels[0]?.trackingNumber,
      );
    const pushes = await eventually(
      () => http("GET", `${sandbox.url}/_sandbox/pushes`),
      (read) => sfPushesIn(read).length > 0 && sfPushesIn(read).every((push) => push.acknowledged),
    );
    const sfPushes = sfPushesIn(pushes);
    expect(sfPushes.length, pushes.text).toBeGreaterThan(0);
    expect(
      sfPushes.every((push) => push.acknowledged),
      pushes.text,
    ).toBe(true);
  });
});
