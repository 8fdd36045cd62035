/**
 * The shipments and tickets pages in a real Chromium (test/support/browser.ts) against the real
 * gateway and the carrier sandboxes, all on 127.0.0.1, with JavaScript turned off: shipments
 * registered and shipped and tickets opened through the API as a storefront would, then seen on
 * the tickets page with their time left, answered from the forms (an urge-collection reply; an
 * urge-shipment ship-later reply and a second chance), a shipment's page with its deadlines,
 * tickets and proposals, and never a request to anywhere else.
 * Screenshots go to test-results/dashboard/.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../adapters/sandbox-kit/server.ts";
import { loadConfig } from "../../src/config.ts";
import { type RunningGateway, startGateway } from "../../src/server.ts";
import { http } from "../integration/loopback.ts";
import { launchChromium } from "../support/browser.ts";

const adminToken = "browser-admin-token-0123456789";
const screenshots = join(process.cwd(), "test-results", "dashboard");
const hour = 3_600_000;

let directory: string;
let sandbox: RunningSandbox;
let gateway: RunningGateway;
let apiKey: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Every URL the browser asked for, and those the guard stopped (not on 127.0.0.1). */
const requested: string[] = [];
const stopped: string[] = [];
/** Ticket ids by what the test does with them. */
const tickets = { collection: "", shipment: "" };

/** A call to the gateway's API as the merchant's storefront. */
async function api(method: string, path: string, body?: unknown, headers = {}) {
  const answer = await http(method, `${gateway.url}${path}`, body, {
    authorization: `Bearer ${apiKey}`,
    ...headers,
  });
  expect(answer.status, `${method} ${path}: ${answer.text}`).toBeLessThan(300);
  return answer.body;
}

async function registerShipment(orderId: string): Promise<string> {
  const now = Date.now();
  const shipment = await api(
    "POST",
    "/v1/shipments",
    {
      orderId,
      category: "apparel",
      paidAt: new Date(now - 2 * hour).toISOString(),
      shipBy: new Date(now + 46 * hour).toISOString(),
    },
    { "idempotency-key": `browser-${orderId}` },
  );
  return String(shipment.id);
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  directory = mkdtempSync(join(tmpdir(), "gateway-browser-obligations-"));
  sandbox = await startSandbox({ port: 0, host: "127.0.0.1" });
  gateway = await startGateway(
    loadConfig({
      GATEWAY_PORT: "0",
      DATABASE_URL: `file:${join(directory, "gateway.db")}`,
      ADMIN_TOKEN: adminToken,
      LOG_LEVEL: "error",
      WORKER_INTERVAL_MS: "50",
    }),
    sandbox,
  );
  const merchant = await http(
    "POST",
    `${gateway.url}/admin/merchants`,
    { name: "Lotus Home Goods", pickupService: true },
    { authorization: `Bearer ${adminToken}` },
  );
  expect(merchant.status, merchant.text).toBe(201);
  apiKey = merchant.body.apiKey;

  // A shipped parcel the carrier has not collected: the buyer urges collection.
  const trackingNumber = "SF1600000000001";
  const parcel = await http("POST", `${sandbox.url}/_sandbox/parcels`, {
    carrier: "sf-express",
    trackingNumber,
    state: "not_collected",
  });
  expect(parcel.status, parcel.text).toBe(201);
  const shipped = await registerShipment("ORD-B-7001");
  await api("POST", `/v1/shipments/${shipped}/ship`, { carrier: "sf-express", trackingNumber });
  const collection = await api("POST", `/v1/shipments/${shipped}/tickets`, {
    type: "urge_collection",
  });
  tickets.collection = String(collection.id);
  // An order not shipped yet: the buyer urges shipment.
  const waiting = await registerShipment("ORD-B-7002");
  const shipment = await api("POST", `/v1/shipments/${waiting}/tickets`, {
    type: "urge_shipment",
  });
  tickets.shipment = String(shipment.id);
  // And the merchant proposes a later ship date to the buyer.
  const inTwoDays = new Date(Date.now() + 8 * hour + 2 * 24 * hour).toISOString().slice(0, 10);
  await api("POST", `/v1/shipments/${waiting}/ship-date-proposals`, { shipDate: inTwoDays });

  browser = await launchChromium();
  context = await browser.newContext({
    // Every flow works without JavaScript: the pages have none, and the test proves they need none.
    javaScriptEnabled: false,
    locale: "en-US",
    viewport: { width: 1280, height: 900 },
  });
  context.on("request", (request) => requested.push(request.url()));
  await context.route("**/*", async (route) => {
    if (new URL(route.request().url()).hostname === "127.0.0.1") {
      await route.continue();
    } else {
      stopped.push(route.request().url());
      await route.abort();
    }
  });
  context.setDefaultTimeout(10_000);
  page = await context.newPage();
  await page.goto(`${gateway.url}/dashboard/login`);
  await page.getByLabel("API key").fill(apiKey);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/dashboard/interceptions");
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await sandbox?.close();
  rmSync(directory, { recursive: true, force: true });
});

/** The row of the tickets table that links to a ticket. */
function ticketRow(id: string) {
  return page.locator("tbody tr", { has: page.locator(`a[href="/dashboard/tickets/${id}"]`) });
}

describe("shipments and tickets in a browser", () => {
  it("shows the open tickets with what is due next and the time left", async () => {
    await page.getByRole("link", { name: "Tickets", exact: true }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Tickets");
    const collection = ticketRow(tickets.collection);
    expect(await collection.locator("td:nth-child(2)").textContent()).toBe("ORD-B-7001");
    expect(await collection.locator("td:nth-child(3)").textContent()).toBe("Urge collection");
    expect(await collection.locator(".status").textContent()).toBe("Awaiting your reply");
    // Opened just now: due in 24 h, so 23 h and some minutes are left.
    expect(await collection.locator(".deadline .left").textContent()).toMatch(
      /^(23 h( \d+ min)?|1 d) left$/,
    );
    expect(await ticketRow(tickets.shipment).locator(".deadline-kind").textContent()).toBe("Reply");
    await page.screenshot({ path: join(screenshots, "tickets.png"), fullPage: true });
  });

  it("replies to the urge-collection ticket from its form, resolving it as replied", async () => {
    await ticketRow(tickets.collection).getByRole("link", { name: "ORD-B-7001" }).click();
    await page.waitForURL(`**/dashboard/tickets/${tickets.collection}`);
    await expect
      .poll(() => page.locator("h1").textContent())
      .toBe("Urge collection · order ORD-B-7001");
    const form = page.locator("#form-collection");
    // From the keyboard: the kind is picked, the message typed, Tab to the button, Enter.
    expect(await form.getByLabel("Contacted the buyer").isChecked()).toBe(true);
    await form.getByLabel("Message").focus();
    await page.keyboard.type("Called the buyer: the courier comes at 15:00.");
    await page.keyboard.press("Tab");
    expect(await page.locator(":focus").getAttribute("name")).toBe("trackingNumber");
    await page.keyboard.press("Tab");
    expect(await page.locator(":focus").textContent()).toBe("Send reply");
    await page.screenshot({ path: join(screenshots, "ticket-reply.png"), fullPage: true });
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Your reply is recorded.");
    expect(await page.locator(".title-row .status").textContent()).toBe("Resolved");
    expect(await page.locator("#resolution").textContent()).toBe("Replied");
    expect(await page.getByText("Called the buyer: the courier comes at 15:00.").count()).toBe(1);
    const ticket = await api("GET", `/v1/tickets/${tickets.collection}`);
    expect([ticket.status, ticket.resolution]).toEqual(["resolved", "replied"]);
  });

  it("answers the urge-shipment ticket with a later date, then takes the second chance", async () => {
    await page.goto(`${gateway.url}/dashboard/tickets/${tickets.shipment}`);
    const shipLater = page.locator("#form-ship_later");
    await shipLater.getByLabel("Reason").selectOption("production_delay");
    // A date the rules refuse first: the rule's own words, and nothing changed.
    await shipLater.getByLabel("Ship date").fill("2099-01-01");
    await shipLater.getByRole("button", { name: "Promise this date" }).click();
    await expect
      .poll(() => page.getByRole("alert").textContent())
      .toMatch(/^Not done, nothing changed: shipDate must be at most 30 days after the reply/);
    expect(await page.locator(".title-row .status").textContent()).toBe("Awaiting your reply");
    const inFiveDays = new Date(Date.now() + 8 * hour + 5 * 24 * hour).toISOString().slice(0, 10);
    await shipLater.getByLabel("Ship date").fill(inFiveDays);
    await shipLater.getByRole("button", { name: "Promise this date" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Your reply is recorded.");
    expect(await page.locator(".title-row .status").textContent()).toBe("Awaiting the buyer");

    const evidence = page.locator("#form-buyer_caused");
    await evidence
      .getByLabel("Evidence")
      .fill("The buyer asked to hold the order: chat log https://example.invalid/chat/7002");
    await page.screenshot({ path: join(screenshots, "ticket-second-chance.png"), fullPage: true });
    await evidence.getByRole("button", { name: "Send for review" }).click();
    await expect
      .poll(() => page.getByRole("status").textContent())
      .toBe("Your second chance is recorded.");
    expect(await page.locator(".title-row .status").textContent()).toBe("Under review");
    const ticket = await api("GET", `/v1/tickets/${tickets.shipment}`);
    expect(ticket.status).toBe("under_review");
    expect(ticket.secondChance.kind).toBe("buyer_caused");
  });

  it("shows a shipment with its deadlines and tickets, and in Chinese", async () => {
    await page.getByRole("link", { name: "ORD-B-7002" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Order ORD-B-7002");
    expect(await page.locator(".deadline .left").first().textContent()).toMatch(/^1 d \d+ h left$/);
    expect(await page.locator("#tickets-heading + .table-wrap .status").textContent()).toBe(
      "Under review",
    );
    const proposal = page.locator("#proposals-heading ~ .table-wrap tbody tr");
    expect(await proposal.locator("td:nth-child(3)").textContent()).toBe("Awaiting the buyer");
    await page.screenshot({ path: join(screenshots, "shipment.png"), fullPage: true });
    await page.getByRole("link", { name: "中文" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("订单 ORD-B-7002");
    expect(await page.locator(".deadline .left").first().textContent()).toMatch(/^剩余 1 天/);
    await page.screenshot({ path: join(screenshots, "shipment-zh.png"), fullPage: true });
    await page.getByRole("link", { name: "English" }).click();
    await page.getByRole("link", { name: "Shipments", exact: true }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Shipments");
    expect(await page.locator("tbody a.mono").allTextContents()).toEqual([
      "ORD-B-7002",
      "ORD-B-7001",
    ]);
  });

  it("never asked for anything but the gateway on 127.0.0.1", () => {
    expect(requested.length).toBeGreaterThan(5);
    expect(stopped).toEqual([]);
    const origin = new URL(gateway.url).origin;
    expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual([]);
  });
});
