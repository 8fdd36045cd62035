/**
 * The ticket forms over the real app, store and tickets service (both stores), on a held clock:
 * a reply and a second chance change the ticket as the API would, as the session's key; a form
 * the rules refuse shows the rule's message with the form as sent and changes nothing; a form
 * without the session's CSRF token is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyId } from "../../../src/auth/api-keys.ts";
import type { TicketWithEvents } from "../../../src/store/ticket-records.ts";
import { json } from "../../harness.ts";
import { hour, type ObligationsFixture, obligationsFixture } from "./obligations-fixture.ts";

let fixture: ObligationsFixture;
beforeAll(async () => {
  fixture = await obligationsFixture();
});
afterAll(async () => {
  await fixture.gateway.close();
});

function ticketId(name: string): string {
  return fixture.tickets.get(name) ?? "";
}

async function stored(name: string): Promise<TicketWithEvents> {
  const found = await fixture.gateway.store.tickets.get(
    fixture.gateway.merchantA.id,
    ticketId(name),
  );
  if (!found) {
    throw new Error(`no ticket ${name}`);
  }
  return found;
}

async function send(
  name: string,
  form: "replies" | "second-chance",
  fields: Record<string, string>,
) {
  const csrf = await fixture.a.csrfToken();
  return fixture.a.post(`/dashboard/tickets/${ticketId(name)}/${form}`, { csrf, ...fields });
}

/** The page's error notice. */
function alertOf(html: string): string {
  return /<div class="notice error" role="alert">([^<]*)<\/div>/.exec(html)?.[1] ?? "";
}

describe("a form the rules refuse", () => {
  it("shows the rule's message and the form as sent, and changes nothing", async () => {
    const before = await stored("urgeCollection");
    const page = await send("urgeCollection", "replies", {
      kind: "changed_waybill",
      message: "Re-sent with a new waybill",
    });
    expect(page.status, page.text).toBe(422);
    expect(alertOf(page.text)).toBe(
      "Not done, nothing changed: changed_waybill needs the new trackingNumber.",
    );
    expect(page.text).toContain('value="changed_waybill" checked=""');
    expect(page.text).toContain(">Re-sent with a new waybill</textarea>");
    expect(await stored("urgeCollection")).toEqual(before);
  });

  it("refuses a ship-later date past the limit with the limit's own words", async () => {
    const before = await stored("urgeShipment");
    const page = await send("urgeShipment", "replies", {
      kind: "ship_later",
      reason: "out_of_stock",
      shipDate: "2027-01-01",
    });
    expect(page.status).toBe(422);
    expect(alertOf(page.text)).toBe(
      "Not done, nothing changed: shipDate must be at most 30 days after the reply (2026-12-01 in China) for category apparel.",
    );
    expect(page.text).toContain('value="2027-01-01"');
    expect(await stored("urgeShipment")).toEqual(before);
  });

  it("refuses a reply once the ticket is overdue (409: the state forbids it)", async () => {
    const before = await stored("overdue");
    const page = await send("overdue", "replies", { kind: "other", message: "Sorry" });
    expect(page.status).toBe(409);
    expect(alertOf(page.text)).toMatch(/^Not done, nothing changed: The reply was due before /);
    expect(await stored("overdue")).toEqual(before);
  });

  it("refuses a form with an unknown kind or a malformed amount before the service", async () => {
    const reply = await send("urgeShipment", "replies", { kind: "bribe" });
    expect(reply.status).toBe(400);
    expect(alertOf(reply.text)).toContain("kind must be one of");
    const amount = await send("urgeShipment", "second-chance", {
      kind: "compensate",
      amount: "12.345",
      currency: "CNY",
    });
    expect(amount.status).toBe(400);
    expect(alertOf(amount.text)).toContain("amount: a decimal string with at most two decimals");
  });
});

describe("a form the rules accept", () => {
  it("replies to an urge-collection ticket: resolved as replied, by the session's key", async () => {
    const page = await send("urgeCollection", "replies", {
      kind: "contacted_buyer",
      message: "Called the buyer: the courier comes at 15:00.",
    });
    expect(page.status, page.text).toBe(303);
    expect(page.location).toBe(`/dashboard/tickets/${ticketId("urgeCollection")}?notice=replied`);
    const shown = await fixture.a.get(page.location ?? "");
    expect(shown.text).toContain('role="status">Your reply is recorded.</div>');
    expect(shown.text).toContain(">Resolved</span>");
    expect(shown.text).toContain('<dd id="resolution">Replied</dd>');
    expect(shown.text).toContain("Called the buyer: the courier comes at 15:00.");
    expect(shown.text).toContain(
      `By: API key ${apiKeyId(fixture.gateway.merchantA.apiKey) ?? "no key id"}`,
    );
    const ticket = await stored("urgeCollection");
    expect([ticket.status, ticket.resolution]).toEqual(["resolved", "replied"]);
  });

  it("replies ship later to an urge-shipment ticket, then takes the second chance", async () => {
    const reply = await send("urgeShipment", "replies", {
      kind: "ship_later",
      reason: "production_delay",
      shipDate: "2026-12-06",
    });
    expect(reply.status, reply.text).toBe(303);
    const waiting = await fixture.a.get(reply.location ?? "");
    expect(waiting.text).toContain(">Awaiting the buyer</span>");
    expect(waiting.text).toContain("Production delay");
    expect(waiting.text).toContain('<dd class="mono">2026-12-06</dd>');
    expect(waiting.text).toContain('id="form-compensate"');
    expect(waiting.text).not.toContain('id="form-ship_later"');

    const zero = await send("urgeShipment", "second-chance", {
      kind: "compensate",
      amount: "0",
      currency: "CNY",
    });
    expect(zero.status).toBe(422);
    expect(alertOf(zero.text)).toBe(
      "Not done, nothing changed: The compensation must be more than zero.",
    );
    expect((await stored("urgeShipment")).secondChance).toBeNull();

    const paid = await send("urgeShipment", "second-chance", {
      kind: "compensate",
      amount: "30.00",
      currency: "CNY",
    });
    expect(paid.status, paid.text).toBe(303);
    const shown = await fixture.a.get(paid.location ?? "");
    expect(shown.text).toContain("Your second chance is recorded.");
    expect(shown.text).toContain("Compensated 30.00 CNY");
    expect(shown.text).toContain('<dd id="resolution">Compensated</dd>');
    const ticket = await stored("urgeShipment");
    expect([ticket.status, ticket.resolution]).toEqual(["resolved", "compensated"]);
  });
});

/** A new urge-shipment ticket of merchant A, made through the API; `ship` ships it after. */
async function urgeShipmentTicket(orderId: string, ship: boolean): Promise<string> {
  const { gateway } = fixture;
  const send = async (path: string, body: unknown, headers = {}) => {
    const answer = await json(
      await gateway.call(gateway.merchantA, "POST", path, { body, headers }),
    );
    expect(answer.status, answer.text).toBeLessThan(300);
    return String(answer.body.id);
  };
  const now = gateway.services.now().getTime();
  const shipment = await send(
    "/v1/shipments",
    {
      orderId,
      category: "apparel",
      paidAt: new Date(now - hour).toISOString(),
      shipBy: new Date(now + 30 * hour).toISOString(),
    },
    { "idempotency-key": `forms-${orderId}` },
  );
  const ticket = await send(`/v1/shipments/${shipment}/tickets`, { type: "urge_shipment" });
  if (ship) {
    await send(`/v1/shipments/${shipment}/ship`, {
      carrier: "sf-express",
      trackingNumber: `SF39${orderId.replace(/\D/g, "").padStart(11, "0")}`,
    });
  }
  fixture.tickets.set(orderId, ticket);
  return ticket;
}

describe("the other urge-shipment forms", () => {
  it("offers 'already shipped' once the shipment shipped, and takes it", async () => {
    await urgeShipmentTicket("ORD-S-5", true);
    const page = await fixture.a.get(`/dashboard/tickets/${ticketId("ORD-S-5")}`);
    expect(page.text).toContain('id="form-shipped"');
    const reply = await send("ORD-S-5", "replies", { kind: "shipped" });
    expect(reply.status, reply.text).toBe(303);
    const shown = await fixture.a.get(reply.location ?? "");
    expect(shown.text).toContain(">Awaiting shipment</span>");
    // Collection is due 24 h after shipping (seed 001's FAQ; shipped now, on the held clock).
    const due = /<dd id="due-next">(.*?)<\/dd>/.exec(shown.text)?.[1]?.replace(/<[^>]+>/g, "");
    expect(due).toBe("Collection 2026-12-02 10:00 (UTC+8) 1 d left");
  });

  it("sends a buyer-caused second chance for review, and refuses one without evidence", async () => {
    await urgeShipmentTicket("ORD-S-6", false);
    const later = await send("ORD-S-6", "replies", {
      kind: "ship_later",
      reason: "buyer_requested",
      shipDate: "2026-12-04",
    });
    expect(later.status, later.text).toBe(303);
    const before = await stored("ORD-S-6");
    const empty = await send("ORD-S-6", "second-chance", { kind: "buyer_caused", evidence: " " });
    expect(empty.status).toBe(422);
    expect(alertOf(empty.text)).toBe("Not done, nothing changed: buyer_caused needs evidence.");
    expect(await stored("ORD-S-6")).toEqual(before);
    const sent = await send("ORD-S-6", "second-chance", {
      kind: "buyer_caused",
      evidence: "The buyer asked to wait: https://chat.example/123",
    });
    expect(sent.status, sent.text).toBe(303);
    const shown = await fixture.a.get(sent.location ?? "");
    expect(shown.text).toContain(">Under review</span>");
    expect(shown.text).toContain(
      "The buyer caused it. Evidence: The buyer asked to wait: https://chat.example/123",
    );
    expect(shown.text).toContain("Nothing to do on this ticket now.");
    expect((await stored("ORD-S-6")).status).toBe("under_review");
  });
});

describe("a ticket form without this session's CSRF token", () => {
  it("is refused, changing nothing", async () => {
    const before = await stored("overdue");
    for (const [form, fields] of [
      ["replies", { kind: "other", message: "x" }],
      ["second-chance", { kind: "buyer_caused", evidence: "x" }],
    ] as const) {
      for (const csrf of [undefined, "", "wrong-token"]) {
        const page = await fixture.a.post(
          `/dashboard/tickets/${ticketId("overdue")}/${form}`,
          csrf === undefined ? fields : { ...fields, csrf },
        );
        expect(page.status, `${form} with ${csrf}`).toBe(403);
        expect(page.text).toContain("Nothing was changed.");
      }
    }
    expect(await stored("overdue")).toEqual(before);
  });
});
