/**
 * The dashboard's webhooks pages over the real app and store (both stores): adding an endpoint
 * (its secret shown once), the list, rotation, deletion, the delivery log and retry, refused URLs
 * and forms, and merchant B kept away from all of A's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chinaTime } from "../../../src/dashboard/views/format.ts";
import { interceptBody } from "../../harness.ts";
import { type Receiver, startReceiver } from "../../webhooks/receiver.ts";
import { type DashboardFixture, dashboardFixture } from "./fixtures.ts";

let fixture: DashboardFixture;
let receiver: Receiver;
/** What the receiver answers next. */
let answer = 204;
beforeAll(async () => {
  fixture = await dashboardFixture();
  receiver = await startReceiver((_request, response) => response.writeHead(answer).end());
});
afterAll(async () => {
  await fixture.gateway.close();
  await receiver.close();
});

const receiverUrl = (path: string) => `http://127.0.0.1:${receiver.port}${path}`;
let parcels = 0;

/** Adds an endpoint through the form as merchant A; returns its id and the page after it. */
async function addEndpoint(form: Record<string, string | string[]>) {
  const csrf = await fixture.a.csrfToken();
  const posted = await fixture.a.post("/dashboard/webhooks", { ...form, csrf });
  expect(posted.status, posted.text).toBe(303);
  const id = /^\/dashboard\/webhooks\/(we_[^?]+)\?secret=created$/.exec(posted.location ?? "")?.[1];
  expect(id, posted.location ?? "").toBeDefined();
  return { id: String(id), location: String(posted.location) };
}

/** A new interception of merchant A (its events go to A's endpoints). */
async function interceptAsA(): Promise<void> {
  parcels += 1;
  const trackingNumber = `SF15000000000${String(parcels).padStart(2, "0")}`;
  fixture.sf.states.set(trackingNumber, "in_transit");
  const created = await fixture.gateway.intercept(
    fixture.gateway.merchantA,
    `wh-${parcels}`,
    interceptBody({ trackingNumber, orderId: `ORD-WH-${parcels}` }),
  );
  expect(created.status).toBe(201);
}

async function storedEndpoint(id: string) {
  return fixture.gateway.services.webhooks.getEndpoint(fixture.gateway.merchantA.id, id);
}

async function deliveriesOf(id: string) {
  return fixture.gateway.services.webhooks.deliveries(fixture.gateway.merchantA.id, id, {
    limit: 100,
  });
}

describe("adding an endpoint", () => {
  it("shows its secret once, on the page after the form, then lists it without the secret", async () => {
    const { id, location } = await addEndpoint({
      url: receiverUrl("/added"),
      events: ["interception.locked", "interception.succeeded"],
      description: "ERP hold",
    });
    const { secret } = await storedEndpoint(id);
    expect(secret).toMatch(/^whsec_/);
    const first = await fixture.a.get(location);
    expect(first.status, first.text).toBe(200);
    expect(first.text).toContain(secret);
    expect(first.text).toContain("The endpoint is added. This is its signing secret.");
    expect(first.text).toContain("Copy it now: it is shown only this once.");
    expect(first.text).toContain("interception.locked, interception.succeeded");

    const again = await fixture.a.get(location);
    expect(again.status).toBe(200);
    expect(again.text, "a reload does not show it again").not.toContain(secret);
    expect(again.text).not.toContain("Copy it now");

    const list = await fixture.a.get("/dashboard/webhooks");
    expect(list.status).toBe(200);
    expect(list.text).toContain(`href="/dashboard/webhooks/${id}"`);
    expect(list.text).toContain(receiverUrl("/added"));
    expect(list.text).toContain("ERP hold");
    expect(list.text).not.toContain(secret);
  });

  it("subscribes to all events when none is ticked", async () => {
    const { id } = await addEndpoint({ url: receiverUrl("/all") });
    expect((await storedEndpoint(id)).events).toBeNull();
    expect((await fixture.a.get(`/dashboard/webhooks/${id}`)).text).toContain("All events");
  });

  it("refuses a URL the guard refuses, with its reason, storing nothing", async () => {
    const before = await fixture.gateway.services.webhooks.listEndpoints(
      fixture.gateway.merchantA.id,
    );
    const csrf = await fixture.a.csrfToken();
    const refused = await fixture.a.post("/dashboard/webhooks", {
      url: "ftp://hooks.example.com/x",
      description: "kept",
      csrf,
    });
    expect(refused.status, refused.text).toBe(400);
    expect(refused.text).toContain("This URL was not accepted, and nothing was saved");
    expect(refused.text).toContain("https://");
    expect(refused.text, "the form keeps what was typed").toContain(
      'value="ftp://hooks.example.com/x"',
    );
    const unknownEvent = await fixture.a.post("/dashboard/webhooks", {
      url: receiverUrl("/x"),
      events: "interception.exploded",
      csrf,
    });
    expect(unknownEvent.status, unknownEvent.text).toBe(400);
    expect(unknownEvent.text).toContain("nothing was saved");
    expect(
      await fixture.gateway.services.webhooks.listEndpoints(fixture.gateway.merchantA.id),
    ).toEqual(before);
  });
});

describe("an endpoint's page", () => {
  it("rotates the secret, showing the new one once and saying the old one signs 24 h more", async () => {
    const { id } = await addEndpoint({ url: receiverUrl("/rotated") });
    const old = (await storedEndpoint(id)).secret;
    const csrf = await fixture.a.csrfToken();
    const posted = await fixture.a.post(`/dashboard/webhooks/${id}/rotate`, { csrf });
    expect(posted.status, posted.text).toBe(303);
    const stored = await storedEndpoint(id);
    expect(stored.secret).not.toBe(old);
    expect(stored.previousSecret).toBe(old);
    const page = await fixture.a.get(String(posted.location));
    expect(page.text).toContain(stored.secret);
    expect(page.text).not.toContain(old);
    expect(page.text).toContain("the old secret also signs deliveries for 24 hours more");
    expect((await fixture.a.get(String(posted.location))).text).not.toContain(stored.secret);
  });

  it("deletes the endpoint: gone from the list, its page a 404", async () => {
    const { id } = await addEndpoint({ url: receiverUrl("/deleted") });
    const csrf = await fixture.a.csrfToken();
    const posted = await fixture.a.post(`/dashboard/webhooks/${id}/delete`, { csrf });
    expect(posted.status, posted.text).toBe(303);
    expect(posted.location).toBe("/dashboard/webhooks?notice=deleted");
    const list = await fixture.a.get(String(posted.location));
    expect(list.text).toContain("The endpoint is deleted.");
    expect(list.text).not.toContain(receiverUrl("/deleted"));
    expect((await fixture.a.get(`/dashboard/webhooks/${id}`)).status).toBe(404);
  });

  it("lists deliveries newest first with status, attempts, last answer, error and next attempt, and retries one", async () => {
    const { id } = await addEndpoint({
      url: receiverUrl("/log"),
      events: ["interception.created"],
    });
    answer = 500;
    await interceptAsA();
    await fixture.gateway.webhookWorker.runOnce();
    const [failing] = await deliveriesOf(id);
    expect(failing).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500 });
    let page = await fixture.a.get(`/dashboard/webhooks/${id}`);
    const row = (deliveryId: string) =>
      new RegExp(`<tr id="${deliveryId}">([\\s\\S]*?)</tr>`).exec(page.text)?.[1] ?? "";
    const failingRow = row(String(failing?.id));
    expect(failingRow, page.text).toContain("interception.created");
    expect(failingRow).toContain(">Pending</span>");
    expect(failingRow).toContain(">500<");
    expect(failingRow).toContain(chinaTime(String(failing?.nextAttemptAt)));
    expect(failingRow).toContain(`aria-label="Retry delivery ${failing?.id}"`);

    answer = 204;
    await interceptAsA();
    await fixture.gateway.webhookWorker.runOnce();
    const deliveries = await deliveriesOf(id);
    expect(deliveries).toHaveLength(2);
    const [newest] = deliveries;
    page = await fixture.a.get(`/dashboard/webhooks/${id}`);
    expect(row(String(newest?.id))).toContain(">Delivered</span>");
    expect(row(String(newest?.id))).toContain(">204<");
    expect(page.text.indexOf(String(newest?.id)), "newest first").toBeLessThan(
      page.text.indexOf(String(failing?.id)),
    );

    // The failing one, retried by hand: due now, delivered at the worker's next round.
    const received = receiver.requests.length;
    const csrf = await fixture.a.csrfToken();
    const retried = await fixture.a.post(`/dashboard/webhook-deliveries/${failing?.id}/retry`, {
      csrf,
    });
    expect(retried.status, retried.text).toBe(303);
    expect(retried.location).toBe(`/dashboard/webhooks/${id}?notice=retried`);
    expect((await fixture.a.get(String(retried.location))).text).toContain(
      "The delivery will be attempted again now.",
    );
    expect(await fixture.gateway.webhookWorker.runOnce()).toBeGreaterThanOrEqual(1);
    page = await fixture.a.get(`/dashboard/webhooks/${id}`);
    expect(row(String(failing?.id))).toContain(">Delivered</span>");
    expect(row(String(failing?.id))).toMatch(/<td class="mono">2<\/td>/);
    expect(receiver.requests.length).toBeGreaterThan(received);
  });

  it("pages through the deliveries, newest first", async () => {
    const { id } = await addEndpoint({
      url: receiverUrl("/paged"),
      events: ["interception.created"],
    });
    for (let i = 0; i < 26; i++) {
      await interceptAsA();
    }
    const all = (await deliveriesOf(id)).map((delivery) => delivery.id);
    expect(all).toHaveLength(26);
    const rowIds = (html: string) => [...html.matchAll(/<tr id="(whd_[^"]+)">/g)].map((m) => m[1]);
    const first = await fixture.a.get(`/dashboard/webhooks/${id}`);
    expect(rowIds(first.text)).toEqual(all.slice(0, 25));
    const next = /href="([^"]+)" rel="next"/.exec(first.text)?.[1]?.replaceAll("&amp;", "&");
    expect(next).toBeDefined();
    const second = await fixture.a.get(String(next));
    expect(rowIds(second.text)).toEqual(all.slice(25));
    expect(second.text).not.toContain('rel="next"');
  });
});

describe("the webhooks forms", () => {
  it("refuse a post without this session's CSRF token, changing nothing", async () => {
    const { id } = await addEndpoint({ url: receiverUrl("/csrf") });
    await interceptAsA();
    const [delivery] = await deliveriesOf(id);
    const before = {
      endpoints: await fixture.gateway.services.webhooks.listEndpoints(
        fixture.gateway.merchantA.id,
      ),
      endpoint: await storedEndpoint(id),
      delivery,
    };
    const forms: Array<[string, Record<string, string>]> = [
      ["/dashboard/webhooks", { url: receiverUrl("/csrf-new") }],
      [`/dashboard/webhooks/${id}/rotate`, {}],
      [`/dashboard/webhooks/${id}/delete`, {}],
      [`/dashboard/webhook-deliveries/${delivery?.id}/retry`, {}],
    ];
    for (const [path, form] of forms) {
      for (const csrf of [undefined, "", "wrong-token"]) {
        const page = await fixture.a.post(path, csrf === undefined ? form : { ...form, csrf });
        expect(page.status, `${path} with ${csrf}`).toBe(403);
        expect(page.text).toContain("Nothing was changed.");
      }
    }
    expect(
      await fixture.gateway.services.webhooks.listEndpoints(fixture.gateway.merchantA.id),
    ).toEqual(before.endpoints);
    expect(await storedEndpoint(id)).toEqual(before.endpoint);
    expect((await deliveriesOf(id))[0]).toEqual(before.delivery);
  });
});

describe("merchant B", () => {
  it("sees nothing of A's endpoints or deliveries, and gets a 404 for A's ids", async () => {
    const { id } = await addEndpoint({ url: receiverUrl("/only-a"), description: "A's ERP" });
    await interceptAsA();
    const [delivery] = await deliveriesOf(id);
    const endpointBefore = await storedEndpoint(id);

    const list = await fixture.b.get("/dashboard/webhooks");
    expect(list.status).toBe(200);
    expect(list.text).toContain("No endpoints yet.");
    expect(list.text).not.toContain("only-a");
    expect(list.text).not.toContain(id);
    const page = await fixture.b.get(`/dashboard/webhooks/${id}`);
    expect(page.status).toBe(404);
    expect(page.text).not.toContain("only-a");
    expect((await fixture.b.get(`/dashboard/webhooks/${id}?cursor=${delivery?.id}`)).status).toBe(
      404,
    );

    const csrf = await fixture.b.csrfToken();
    for (const path of [
      `/dashboard/webhooks/${id}/rotate`,
      `/dashboard/webhooks/${id}/delete`,
      `/dashboard/webhook-deliveries/${delivery?.id}/retry`,
    ]) {
      const posted = await fixture.b.post(path, { csrf });
      expect(posted.status, path).toBe(404);
    }
    expect(await storedEndpoint(id)).toEqual(endpointBefore);
    expect((await deliveriesOf(id))[0]).toEqual(delivery);
  });
});
