/**
 * The dashboard in a real Chromium (test/support/browser.ts) against the real gateway and the
 * carrier sandboxes, all on 127.0.0.1: sign in from the keyboard, filter, open a record, cancel
 * and release, bulk release, costs and their CSV, register a webhook endpoint (a receiver on
 * 127.0.0.1) and see its delivery, switch to Chinese (rendered with the CJK font), and never a
 * request to anywhere else; all with JavaScript turned off in the browser.
 * Screenshots go to test-results/dashboard/.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../adapters/sandbox-kit/server.ts";
import { sandboxPushUrls } from "../../src/carriers/modules.ts";
import { loadConfig } from "../../src/config.ts";
import { type RunningGateway, startGateway } from "../../src/server.ts";
import { http } from "../integration/loopback.ts";
import { launchChromium } from "../support/browser.ts";
import { type Receiver, startReceiver } from "../webhooks/receiver.ts";

const adminToken = "browser-admin-token-0123456789";
const screenshots = join(process.cwd(), "test-results", "dashboard");

let directory: string;
let sandbox: RunningSandbox;
let gateway: RunningGateway;
let apiKey: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** The merchant's webhook receiver, on 127.0.0.1 (the gateway allows private URLs here). */
let receiver: Receiver;
/** Every URL the browser asked for, and those the guard stopped (not on 127.0.0.1). */
const requested: string[] = [];
const stopped: string[] = [];
/** Tracking numbers by what the test does with them. */
const parcels = {
  toCancel: "SF1500000000101",
  toRelease: "SF1500000000102",
  bulk: ["SF1500000000103", "SF1500000000104"],
  failed: "SF1500000000105",
  succeeded: "SF1500000000106",
  submitted: ["SF1500000000107", "SF1500000000108"],
  webhook: "SF1500000000109",
};

async function intercept(
  trackingNumber: string,
  state: string,
  outcome: "success" | "failure",
  overrides: Record<string, unknown> = {},
) {
  const created = await http("POST", `${sandbox.url}/_sandbox/parcels`, {
    carrier: "sf-express",
    trackingNumber,
    state,
    interceptOutcome: outcome,
    // Long enough to stay submitted for the test, except where the outcome is the point.
    outcomeDelayMs:
      trackingNumber === parcels.failed || trackingNumber === parcels.succeeded ? 10 : 600_000,
  });
  expect(created.status, created.text).toBe(201);
  const accepted = await http(
    "POST",
    `${gateway.url}/v1/interceptions`,
    {
      carrier: "sf-express",
      trackingNumber,
      orderId: `ORD-${trackingNumber.slice(-4)}`,
      action: "intercept",
      reason: "buyer_cancelled",
      parcel: { declaredValue: { amount: "899.00", currency: "CNY" }, category: "apparel" },
      ...overrides,
    },
    { authorization: `Bearer ${apiKey}`, "idempotency-key": `browser-${trackingNumber}` },
  );
  expect(accepted.status, accepted.text).toBe(201);
  return String(accepted.body.id);
}

async function waitForStatus(id: string, status: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const current = await http("GET", `${gateway.url}/v1/interceptions/${id}`, undefined, {
      authorization: `Bearer ${apiKey}`,
    });
    if (current.body.status === status || Date.now() > deadline) {
      expect(current.body.status, current.text).toBe(status);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  directory = mkdtempSync(join(tmpdir(), "gateway-browser-"));
  sandbox = await startSandbox({ port: 0, host: "127.0.0.1" });
  receiver = await startReceiver((_request, response) => response.writeHead(204).end());
  gateway = await startGateway(
    loadConfig({
      GATEWAY_PORT: "0",
      DATABASE_URL: `file:${join(directory, "gateway.db")}`,
      ADMIN_TOKEN: adminToken,
      LOG_LEVEL: "error",
      WORKER_INTERVAL_MS: "50",
      WEBHOOK_WORKER_INTERVAL_MS: "50",
      WEBHOOK_ALLOW_PRIVATE_URLS: "true",
    }),
    sandbox,
  );
  const pushUrl = sandboxPushUrls(gateway.url, sandbox.secret)["sf-express"];
  await http("POST", `${sandbox.url}/_sandbox/push-urls`, { carrier: "sf-express", url: pushUrl });
  const merchant = await http(
    "POST",
    `${gateway.url}/admin/merchants`,
    { name: "Lotus Home Goods", pickupService: true },
    { authorization: `Bearer ${adminToken}` },
  );
  expect(merchant.status, merchant.text).toBe(201);
  apiKey = merchant.body.apiKey;

  await intercept(parcels.succeeded, "in_transit", "success");
  const failed = await intercept(parcels.failed, "in_transit", "failure");
  await intercept(parcels.toCancel, "in_transit", "success");
  await intercept(parcels.toRelease, "not_collected", "success");
  for (const trackingNumber of parcels.bulk) {
    await intercept(trackingNumber, "not_collected", "success");
  }
  await intercept(parcels.submitted[0] ?? "", "in_transit", "success");
  await intercept(parcels.submitted[1] ?? "", "in_transit", "success", {
    action: "redirect",
    reason: "address_error",
    redirectTo: {
      name: "Li Wei",
      phone: "13800138000",
      country: "CN",
      province: "Zhejiang",
      city: "Hangzhou",
      line1: "18 Wensan Road",
    },
  });
  await waitForStatus(failed, "failed");

  browser = await launchChromium();
  context = await browser.newContext({
    // Every flow works without JavaScript: the pages have none, and the test proves they need none.
    javaScriptEnabled: false,
    locale: "en-US",
    viewport: { width: 1280, height: 800 },
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
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await sandbox?.close();
  await receiver?.close();
  rmSync(directory, { recursive: true, force: true });
});

/** The tracking numbers in the interceptions table, top to bottom. */
async function listedTrackingNumbers(): Promise<string[]> {
  return page.locator("tbody td:nth-child(2) a").allTextContents();
}

describe("the dashboard in a browser", () => {
  it("signs in from the keyboard alone", async () => {
    await page.goto(`${gateway.url}/dashboard/interceptions`);
    expect(new URL(page.url()).pathname, "no session: the sign-in page").toBe("/dashboard/login");
    await page.screenshot({ path: join(screenshots, "login.png") });

    // The field is found by its label, and has the focus when the page opens.
    expect(await page.getByLabel("API key").getAttribute("name")).toBe("apiKey");
    await expect.poll(() => page.locator(":focus").getAttribute("id")).toBe("apiKey");
    await page.keyboard.type(apiKey);
    await page.keyboard.press("Tab");
    const focused = await page.locator(":focus").textContent();
    expect(focused, "Tab goes from the key to the button").toBe("Sign in");
    await page.keyboard.press("Shift+Tab");
    expect(await page.locator(":focus").getAttribute("id")).toBe("apiKey");
    await page.keyboard.press("Enter");
    await page.waitForURL("**/dashboard/interceptions");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Interceptions");
    expect(await listedTrackingNumbers()).toHaveLength(8);
    await page.screenshot({ path: join(screenshots, "interceptions.png"), fullPage: true });
  });

  it("filters by status, showing each row's status as text", async () => {
    await page.getByLabel("Status").selectOption("locked");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/status=locked/);
    expect((await listedTrackingNumbers()).sort()).toEqual(
      [parcels.toRelease, ...parcels.bulk].sort(),
    );
    expect(await page.locator("tbody td:nth-child(6)").allTextContents()).toEqual([
      "Locked",
      "Locked",
      "Locked",
    ]);
    await page.getByLabel("Tracking number").fill(parcels.toRelease);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/trackingNumber=/);
    expect(await listedTrackingNumbers()).toEqual([parcels.toRelease]);
  });

  it("opens a record and releases its lock", async () => {
    await page.getByRole("link", { name: parcels.toRelease }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe(`Parcel ${parcels.toRelease}`);
    await expect.poll(() => page.locator(".title-row .status").textContent()).toBe("Locked");
    await page.getByRole("button", { name: "Release lock" }).click();
    await expect
      .poll(() => page.getByRole("status").textContent())
      .toBe("The lock is released: the order may ship again.");
    expect(await page.locator(".title-row .status").textContent()).toBe("Released");
    expect(await page.locator("ol.timeline li").count()).toBe(2);
  });

  it("cancels a submitted interception at the carrier", async () => {
    await page.goto(`${gateway.url}/dashboard/interceptions?trackingNumber=${parcels.toCancel}`);
    await page.getByRole("link", { name: parcels.toCancel }).click();
    await page.waitForURL(/\/dashboard\/interceptions\/icp_/);
    await page.screenshot({ path: join(screenshots, "interception.png"), fullPage: true });
    await page.getByRole("button", { name: "Cancel interception" }).click();
    await expect
      .poll(() => page.getByRole("status").textContent())
      .toBe("The interception is cancelled.");
    expect(await page.locator(".title-row .status").textContent()).toBe("Cancelled");
    const calls = await http(
      "GET",
      `${sandbox.url}/_sandbox/parcels/sf-express/${parcels.toCancel}`,
    );
    expect(calls.body.calls.map((call: { operation: string }) => call.operation)).toContain(
      "cancel",
    );
  });

  it("shows a failure's advice", async () => {
    await page.goto(`${gateway.url}/dashboard/interceptions?status=failed`);
    await page.getByRole("link", { name: parcels.failed }).click();
    await expect.poll(() => page.locator("#failure-heading").textContent()).toBe("Why it failed");
    expect(await page.locator(".failure p").count()).toBe(2);
  });

  it("releases locks in bulk", async () => {
    await page.getByRole("link", { name: "Locks" }).click();
    await page.waitForURL("**/dashboard/locks");
    for (const trackingNumber of parcels.bulk) {
      await page.getByLabel(`Select ${trackingNumber}`).check();
    }
    await page.screenshot({ path: join(screenshots, "locks.png"), fullPage: true });
    await page.getByRole("button", { name: "Release selected locks" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Released: 2.");
    expect(await page.locator("td.empty").textContent()).toBe("No locks are held.");
  });

  it("shows the costs of the month, with a CSV download", async () => {
    await page.getByRole("link", { name: "Costs" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Costs");
    expect(await page.locator("tbody tr").count()).toBeGreaterThan(0);
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download CSV" }).click();
    const csv = await download;
    expect(csv.suggestedFilename()).toMatch(/^costs-.*\.csv$/);
    await page.screenshot({ path: join(screenshots, "costs.png"), fullPage: true });
  });

  it("registers a webhook endpoint, sees its delivery, and retries it", async () => {
    await page.getByRole("link", { name: "Webhooks" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Webhooks");
    const url = `http://127.0.0.1:${receiver.port}/hooks`;
    await page.getByLabel("URL", { exact: true }).fill(url);
    await page.getByLabel("interception.created").check();
    await page.getByLabel("Description").fill("ERP order hold");
    await page.screenshot({ path: join(screenshots, "webhooks.png"), fullPage: true });
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await page.waitForURL(/\/dashboard\/webhooks\/we_/);
    const secret = String(await page.locator("#new-secret").textContent());
    expect(secret).toMatch(/^whsec_/);
    expect(await page.getByText("Copy it now: it is shown only this once.").count()).toBe(1);
    await page.screenshot({ path: join(screenshots, "webhook-secret.png"), fullPage: true });
    const endpointPage = page.url().split("?")[0] ?? "";

    // An interception change: its `interception.created` event reaches the receiver.
    await intercept(parcels.webhook, "in_transit", "success");
    const row = page.locator("tbody tr").first();
    await expect
      .poll(
        async () => {
          await page.goto(endpointPage);
          return row.locator(".status").textContent();
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe("Delivered");
    expect(await row.locator("td:nth-child(2)").textContent()).toBe("interception.created");
    expect(await row.locator("td:nth-child(4)").textContent()).toBe("1");
    expect(await row.locator("td:nth-child(5)").textContent()).toBe("204");
    expect(await page.getByText(secret).count(), "the secret is not shown again").toBe(0);

    await row.getByRole("button", { name: /^Retry delivery whd_/ }).click();
    await expect
      .poll(() => page.getByRole("status").textContent())
      .toBe("The delivery will be attempted again now.");
    await expect
      .poll(
        async () => {
          await page.goto(endpointPage);
          return row.locator("td:nth-child(4)").textContent();
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe("2");
    expect(await row.locator(".status").textContent()).toBe("Delivered");
    // Both attempts reached the receiver with the same event id, signed with the page's secret.
    expect(receiver.requests).toHaveLength(2);
    const ids = receiver.requests.map((request) => {
      const headers = {
        "webhook-id": String(request.headers["webhook-id"]),
        "webhook-timestamp": String(request.headers["webhook-timestamp"]),
        "webhook-signature": String(request.headers["webhook-signature"]),
      };
      const event = new Webhook(secret).verify(request.body, headers) as { type: string };
      expect(event.type).toBe("interception.created");
      return headers["webhook-id"];
    });
    expect(new Set(ids).size).toBe(1);
    await page.screenshot({ path: join(screenshots, "webhook-endpoint.png"), fullPage: true });

    await page.getByRole("link", { name: "中文" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("接收地址");
    expect(await row.locator(".status").textContent()).toBe("已送达");
    await page.screenshot({ path: join(screenshots, "webhook-endpoint-zh.png"), fullPage: true });
    await page.getByRole("link", { name: "English" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Endpoint");
  });

  it("switches to Chinese, rendered with the CJK font", async () => {
    await page.goto(`${gateway.url}/dashboard/interceptions`);
    await page.getByRole("link", { name: "中文" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("拦截记录");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    const cdp = await context.newCDPSession(page);
    await cdp.send("DOM.enable");
    await cdp.send("CSS.enable");
    const { root } = await cdp.send("DOM.getDocument");
    const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector: "h1" });
    const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
    // The npm font's family (its bold face for the heading), not a box or a system fallback.
    expect(fonts.map((font) => font.familyName)).toEqual([
      expect.stringMatching(/^Noto Sans S Chinese/),
    ]);
    await page.screenshot({ path: join(screenshots, "interceptions-zh.png"), fullPage: true });

    // The choice holds on the next page, then switches back.
    await page.getByRole("link", { name: "锁单" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("锁单");
    await page.getByRole("link", { name: "English" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Locks");
  });

  it("signs out", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/dashboard\/login/);
    await page.goto(`${gateway.url}/dashboard/interceptions`);
    expect(new URL(page.url()).pathname).toBe("/dashboard/login");
  });

  it("never asked for anything but the gateway on 127.0.0.1", () => {
    expect(requested.length).toBeGreaterThan(10);
    expect(stopped).toEqual([]);
    const origin = new URL(gateway.url).origin;
    expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual([]);
  });
});
