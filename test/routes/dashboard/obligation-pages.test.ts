/**
 * The shipments and tickets pages over the real app and store (both stores), on a clock the test
 * holds still: what each shows, its filters, the time left on each deadline, and overdue marked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyId } from "../../../src/auth/api-keys.ts";
import { DashboardClient } from "../../support/dashboard-client.ts";
import { hour, type ObligationsFixture, obligationsFixture } from "./obligations-fixture.ts";

let fixture: ObligationsFixture;
beforeAll(async () => {
  fixture = await obligationsFixture();
});
afterAll(async () => {
  await fixture.gateway.close();
});

function shipmentId(orderId: string): string {
  return fixture.shipments.get(orderId) ?? "";
}

function ticketId(name: string): string {
  return fixture.tickets.get(name) ?? "";
}

/** The order ids a list links to, top to bottom. */
function listedOrders(html: string, kind: "shipments" | "tickets"): string[] {
  const link = new RegExp(`<a class="mono" href="/dashboard/${kind}/[^"]+">([^<]+)</a>`, "g");
  return [...html.matchAll(link)].map((match) => match[1] ?? "");
}

/** The table row that links to a record. */
function rowOf(html: string, path: string): string {
  const at = html.indexOf(`href="${path}"`);
  expect(at, `no row links to ${path}`).toBeGreaterThan(0);
  return html.slice(html.lastIndexOf("<tr", at), html.indexOf("</tr>", at));
}

describe("the shipments page", () => {
  it("lists the merchant's shipments newest first, each with its status and the time left to ship", async () => {
    const page = await fixture.a.get("/dashboard/shipments");
    expect(page.status, page.text).toBe(200);
    expect(listedOrders(page.text, "shipments")).toEqual([
      "ORD-S-4",
      "ORD-S-3",
      "ORD-S-2",
      "ORD-S-1",
    ]);
    const dueSoon = rowOf(page.text, `/dashboard/shipments/${shipmentId("ORD-S-1")}`);
    expect(dueSoon).toContain(">Awaiting shipment</span>");
    expect(dueSoon).toContain('<span class="deadline due-soon">');
    expect(dueSoon).toContain("2026-12-01 13:00 (UTC+8)");
    expect(dueSoon).toContain("3 h left");
    const late = rowOf(page.text, `/dashboard/shipments/${shipmentId("ORD-S-2")}`);
    expect(late).toContain('<span class="deadline overdue">');
    expect(late).toContain("overdue by 1 h");
    const shipped = rowOf(page.text, `/dashboard/shipments/${shipmentId("ORD-S-3")}`);
    expect(shipped).toContain(">Shipped</span>");
    expect(shipped).toContain("SF3000000000001");
    expect(shipped).toContain("1 d 16 h left");
  });

  it("filters by status and order id", async () => {
    const cases: Array<[string, string[]]> = [
      ["status=shipped", ["ORD-S-4", "ORD-S-3"]],
      ["status=awaiting_shipment", ["ORD-S-2", "ORD-S-1"]],
      ["status=collected", []],
      ["orderId=ORD-S-2", ["ORD-S-2"]],
      ["status=shipped&orderId=ORD-S-2", []],
    ];
    for (const [query, expected] of cases) {
      const page = await fixture.a.get(`/dashboard/shipments?${query}`);
      expect(page.status, query).toBe(200);
      expect(listedOrders(page.text, "shipments"), query).toEqual(expected);
    }
    const none = await fixture.a.get("/dashboard/shipments?status=collected");
    expect(none.text).toContain("No shipments match these filters.");
  });

  it("pages on from a cursor, keeping the filters", async () => {
    const page = await fixture.a.get(
      `/dashboard/shipments?status=awaiting_shipment&cursor=${shipmentId("ORD-S-2")}`,
    );
    expect(listedOrders(page.text, "shipments")).toEqual(["ORD-S-1"]);
    expect(page.text).toContain('href="/dashboard/shipments?status=awaiting_shipment"');
  });

  it("shows one shipment: its facts, deadlines, tickets, proposals and timeline with actors", async () => {
    const page = await fixture.a.get(`/dashboard/shipments/${shipmentId("ORD-S-1")}`);
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain("<h1>Order ORD-S-1</h1>");
    expect(page.text).toContain("3 h left");
    // Its urge-shipment ticket, with what is due on it next.
    const ticket = rowOf(page.text, `/dashboard/tickets/${ticketId("urgeShipment")}`);
    expect(ticket).toContain("Urge shipment");
    expect(ticket).toContain("Awaiting your reply");
    expect(ticket).toContain("23 h left");
    // Its proposals, oldest first: one the buyer rejected, then one awaiting the buyer until 3 h
    // from now (the earlier of 24 h and shipBy).
    const proposals = page.text.slice(
      page.text.indexOf('id="proposals-heading"'),
      page.text.indexOf('id="timeline-heading"'),
    );
    const rows = [...proposals.matchAll(/<tr><td>.*?<\/tr>/g)].map((row) =>
      row[0].replace(/<[^>]+>/g, "|").replace(/\|+/g, "|"),
    );
    expect(rows).toEqual([
      "|2026-12-01 10:00|2026-12-02|Rejected|2026-12-01 13:00|2026-12-01 10:00|",
      "|2026-12-01 10:00|2026-12-03|Awaiting the buyer|2026-12-01 13:00|—|",
    ]);
    // The timeline names who registered it: the merchant's key.
    const keyId = apiKeyId(fixture.gateway.merchantA.apiKey) ?? "no key id";
    const timeline = page.text.slice(page.text.indexOf('id="timeline-heading"'));
    expect(timeline).toContain("<strong>Registered</strong> Registered.");
    expect(timeline).toContain(`By: API key ${keyId}`);
  });

  it("shows a shipped shipment's carrier, and one with no tickets or proposals says so", async () => {
    const page = await fixture.a.get(`/dashboard/shipments/${shipmentId("ORD-S-2")}`);
    expect(page.text).toContain("No buyer has urged this order.");
    expect(page.text).toContain("No ship date was proposed.");
    expect(page.text).toContain("overdue by 1 h");
    const shipped = await fixture.a.get(`/dashboard/shipments/${shipmentId("ORD-S-3")}`);
    expect(shipped.text).toContain('<dd class="mono">SF3000000000001</dd>');
    expect(shipped.text).toContain(
      "<strong>Shipped</strong> Shipped with sf-express SF3000000000001.",
    );
  });
});

describe("the tickets page", () => {
  it("lists the merchant's tickets newest first with what is due next, overdue ones marked", async () => {
    const page = await fixture.a.get("/dashboard/tickets");
    expect(page.status, page.text).toBe(200);
    expect(listedOrders(page.text, "tickets")).toEqual(["ORD-S-4", "ORD-S-3", "ORD-S-1"]);
    const overdue = rowOf(page.text, `/dashboard/tickets/${ticketId("overdue")}`);
    expect(overdue).toContain('<tr class="overdue-row">');
    expect(overdue).toContain(">Overdue</span>");
    // It was due 24 h after it was opened 25 h ago.
    expect(overdue).toContain("overdue by 1 h");
    const collection = rowOf(page.text, `/dashboard/tickets/${ticketId("urgeCollection")}`);
    expect(collection).toContain("Urge collection");
    expect(collection).toContain('<span class="deadline-kind">Reply</span>');
    expect(collection).toContain("2026-12-02 08:00 (UTC+8)");
    expect(collection).toContain("22 h left");
  });

  it("filters by status and type", async () => {
    const cases: Array<[string, string[]]> = [
      ["status=overdue", ["ORD-S-4"]],
      ["status=awaiting_merchant", ["ORD-S-3", "ORD-S-1"]],
      ["type=urge_shipment", ["ORD-S-1"]],
      ["type=urge_collection&status=awaiting_merchant", ["ORD-S-3"]],
      ["status=resolved", []],
    ];
    for (const [query, expected] of cases) {
      const page = await fixture.a.get(`/dashboard/tickets?${query}`);
      expect(listedOrders(page.text, "tickets"), query).toEqual(expected);
    }
    const none = await fixture.a.get("/dashboard/tickets?status=resolved");
    expect(none.text).toContain("No tickets match these filters.");
  });

  it("shows one ticket: its deadline with the time left, its timeline, and the reply forms it takes", async () => {
    const page = await fixture.a.get(`/dashboard/tickets/${ticketId("urgeShipment")}`);
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain("<h1>Urge shipment · order ORD-S-1</h1>");
    expect(page.text).toContain("23 h left");
    expect(page.text).toContain("No reply yet.");
    expect(page.text).toContain("<strong>Opened</strong> The buyer urged shipment;");
    // One form per kind of reply, each with the session's token; the configured reasons offered.
    for (const form of ["ship_later", "cannot_ship"]) {
      expect(page.text).toContain(`id="form-${form}"`);
    }
    expect(page.text, "not shipped yet: no 'shipped' reply").not.toContain('id="form-shipped"');
    for (const reason of ["out_of_stock", "production_delay", "address_problem", "other"]) {
      expect(page.text).toContain(`<option value="${reason}"`);
    }
    expect(page.text).toContain("China time, at most 30 days from today.");
    expect(page.text).not.toContain('id="form-compensate"');
  });

  it("offers nothing on an overdue urge-collection ticket", async () => {
    const page = await fixture.a.get(`/dashboard/tickets/${ticketId("overdue")}`);
    expect(page.text).toContain("Nothing to do on this ticket now.");
    expect(page.text).not.toContain('<form method="post" action="/dashboard/tickets/');
    expect(page.text).toContain("<strong>Overdue</strong>");
    expect(page.text).toContain("overdue by 1 h");
  });

  it("speaks Chinese", async () => {
    const page = await fixture.a.get(`/dashboard/tickets?lang=zh-CN`);
    expect(page.text).toContain("<h1>工单</h1>");
    expect(page.text).toContain("剩余 22 小时");
    expect(page.text).toContain("已超时 1 小时");
    expect(page.text).toContain("催揽收");
    const shipments = await fixture.a.get("/dashboard/shipments");
    expect(shipments.text).toContain("剩余 3 小时");
    await fixture.a.get("/dashboard/shipments?lang=en");
  });
  it("has no script, loads nothing from elsewhere, and labels every field of its forms", async () => {
    // Each page with the number of fields its forms show (filters, replies, the sign-out's none).
    const pages: Array<[string, number]> = [
      ["/dashboard/shipments", 2],
      [`/dashboard/shipments/${shipmentId("ORD-S-1")}`, 0],
      ["/dashboard/tickets", 2],
      [`/dashboard/tickets/${ticketId("urgeShipment")}`, 3],
      [`/dashboard/tickets/${ticketId("urgeCollection")}`, 2],
    ];
    for (const [path, fieldCount] of pages) {
      const page = await fixture.a.get(path);
      expect(page.headers.get("content-security-policy"), path).toContain("default-src 'none'");
      expect(page.text, path).not.toMatch(/<script/i);
      const urls = [...page.text.matchAll(/(?:href|src|action)="([^"]*)"/g)].map((m) => m[1]);
      for (const url of urls) {
        expect(url, `${path}: ${url}`).toMatch(/^(\/dashboard|#)/);
      }
      // Each visible field has a label naming it: by `for`, or by wrapping it (radio buttons).
      const fields = [...page.text.matchAll(/<(input|select|textarea)\b([^>]*)>/g)]
        .map((match) => match[2] ?? "")
        .filter((attributes) => !/type="(hidden|radio)"/.test(attributes));
      expect(fields.length, path).toBe(fieldCount);
      for (const attributes of fields) {
        const id = /\bid="([^"]+)"/.exec(attributes)?.[1];
        expect(id, `${path}: ${attributes}`).toBeDefined();
        expect(page.text, `${path}: label for ${id}`).toContain(`<label for="${id}">`);
      }
      // Every form that changes something carries the session's token.
      const posts = [...page.text.matchAll(/<form method="post"[^>]*>([\s\S]*?)<\/form>/g)];
      for (const [form] of posts) {
        expect(form, path).toMatch(/<input type="hidden" name="csrf" value="[^"]+"\/>/);
      }
    }
  });

  // Last: signing in at the later time ends the fixture's idle sessions.
  it("counts down on the gateway's clock", async () => {
    fixture.clock.advance(21 * hour + 30 * 60_000);
    try {
      // A session of its own: the fixture's would end idle over so long a jump.
      const later = new DashboardClient(fixture.gateway.app);
      await later.signIn(fixture.gateway.merchantA.apiKey);
      const page = await later.get(`/dashboard/tickets/${ticketId("urgeCollection")}`);
      expect(page.text).toContain('<span class="deadline due-soon">');
      expect(page.text).toContain("30 min left");
    } finally {
      fixture.clock.advance(-(21 * hour + 30 * 60_000));
    }
  });
});
