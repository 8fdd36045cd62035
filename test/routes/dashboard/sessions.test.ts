/**
 * Dashboard sign-in, sessions and sign-out, over the real app and store (both stores: the
 * postgres project runs test/routes too).
 */
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { apiKeyId } from "../../../src/auth/api-keys.ts";
import { sessionIdleMs, sessionLifetimeMs } from "../../../src/dashboard/sessions.ts";
import { manualClock } from "../../fakes/clock.ts";
import { FakeCarrier } from "../../fakes/fake-carrier.ts";
import { adminToken, createTestGateway, type TestGateway } from "../../harness.ts";
import { DashboardClient } from "../../support/dashboard-client.ts";

let gateway: TestGateway | null = null;
afterEach(async () => {
  await gateway?.close();
  gateway = null;
});

async function start(env: Record<string, string> = {}) {
  const clock = manualClock();
  gateway = await createTestGateway(new FakeCarrier().adapter, env, { now: clock.now });
  return { gateway, clock, browser: new DashboardClient(gateway.app) };
}

describe("signing in", () => {
  it("opens a session: an HttpOnly, SameSite=Strict cookie for /dashboard, whose token the store holds only hashed", async () => {
    const { gateway, browser } = await start();
    const signedIn = await browser.signIn(gateway.merchantA.apiKey);
    expect(signedIn.status, signedIn.text).toBe(303);
    expect(signedIn.location).toBe("/dashboard/interceptions");
    const cookie = signedIn.headers.getSetCookie().find((line) => line.startsWith("gw_session="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/dashboard/);
    expect(cookie, "plain http: no Secure").not.toMatch(/Secure/);

    const token = browser.cookies.get("gw_session") ?? "";
    expect(token.length).toBeGreaterThanOrEqual(43);
    const hash = createHash("sha256").update(token).digest("hex");
    expect(await gateway.store.dashboardSessions.get(token), "by the token itself").toBeNull();
    expect((await gateway.store.dashboardSessions.get(hash))?.merchant.id).toBe(
      gateway.merchantA.id,
    );

    const page = await browser.get("/dashboard/interceptions");
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain("Merchant A");
  });

  it("marks the cookie Secure when the dashboard is served over https", async () => {
    const { gateway } = await start({ PUBLIC_URL: "https://gateway.example.com" });
    const browser = new DashboardClient(gateway.app);
    const signedIn = await browser.signIn(gateway.merchantA.apiKey);
    const cookie = signedIn.headers.getSetCookie().find((line) => line.startsWith("gw_session="));
    expect(cookie).toMatch(/Secure/);
  });

  it("gives unknown, revoked and malformed keys the same page and no session", async () => {
    const { gateway } = await start();
    const revoked = await gateway.services.merchants.issueKey(gateway.merchantB.id);
    await gateway.services.merchants.revokeKey(gateway.merchantB.id, revoked.keyId);
    const unknown = `${apiKeyId(gateway.merchantA.apiKey)}_${"x".repeat(43)}`;
    const answers = [];
    for (const key of [unknown, revoked.apiKey, "not-a-key", ""]) {
      const browser = new DashboardClient(gateway.app);
      const page = await browser.signIn(key);
      expect(browser.cookies.has("gw_session"), key).toBe(false);
      answers.push({ status: page.status, text: page.text });
    }
    expect(answers[0]?.status).toBe(401);
    expect(answers[0]?.text).toContain("That key did not sign you in");
    for (const answer of answers) {
      expect(answer).toEqual(answers[0]);
    }
  });

  it("limits attempts per key id like the API, with Retry-After", async () => {
    const { gateway } = await start({ RATE_LIMIT_BURST: "3", RATE_LIMIT_PER_SECOND: "0.01" });
    const browser = new DashboardClient(gateway.app);
    const wrong = `${apiKeyId(gateway.merchantA.apiKey)}_${"x".repeat(43)}`;
    const statuses = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      statuses.push((await browser.signIn(wrong)).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    const throttled = await browser.signIn(gateway.merchantA.apiKey);
    expect(throttled.status, "the right key too, once its id is throttled").toBe(429);
    expect(throttled.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(throttled.text).toContain("Too many attempts");
  });

  it("sends visitors without a session to the sign-in page, on every page", async () => {
    const { gateway, browser } = await start();
    for (const path of ["/dashboard", "/dashboard/interceptions", "/dashboard/locks"]) {
      const page = await browser.get(path);
      expect(page.status, path).toBe(303);
      expect(page.location, path).toBe("/dashboard/login");
    }
    const forged = new DashboardClient(gateway.app);
    forged.cookies.set("gw_session", "made-up-token");
    const page = await forged.get("/dashboard/interceptions");
    expect(page.location).toBe("/dashboard/login?ended=1");
  });
});

describe("ending a session", () => {
  it("signs out: the cookie is cleared and the old token no longer works", async () => {
    const { gateway, browser } = await start();
    await browser.signIn(gateway.merchantA.apiKey);
    const token = browser.cookies.get("gw_session") ?? "";
    const csrf = await browser.csrfToken();
    const out = await browser.post("/dashboard/logout", { csrf });
    expect(out.status, out.text).toBe(303);
    expect(out.location).toBe("/dashboard/login?signedOut=1");
    expect(browser.cookies.has("gw_session")).toBe(false);
    expect((await browser.get("/dashboard/login?signedOut=1")).text).toContain(
      "You are signed out",
    );

    const replay = new DashboardClient(gateway.app);
    replay.cookies.set("gw_session", token);
    expect((await replay.get("/dashboard/interceptions")).status).toBe(303);
  });

  it("ends when the key it was opened with is revoked, at the next request", async () => {
    const { gateway, browser } = await start();
    await browser.signIn(gateway.merchantA.apiKey);
    expect((await browser.get("/dashboard/interceptions")).status).toBe(200);

    const keyId = apiKeyId(gateway.merchantA.apiKey);
    const revoked = await gateway.call(
      null,
      "DELETE",
      `/admin/merchants/${gateway.merchantA.id}/keys/${keyId}`,
      { headers: { authorization: `Bearer ${adminToken}` } },
    );
    expect(revoked.status).toBe(204);

    const page = await browser.get("/dashboard/interceptions");
    expect(page.status).toBe(303);
    expect(page.location).toBe("/dashboard/login?ended=1");
    expect(browser.cookies.has("gw_session")).toBe(false);
  });

  it("ends after the idle timeout, and stays alive while used", async () => {
    const { gateway, browser, clock } = await start();
    await browser.signIn(gateway.merchantA.apiKey);
    clock.advance(sessionIdleMs - 60_000);
    expect((await browser.get("/dashboard/interceptions")).status, "used in time").toBe(200);
    clock.advance(sessionIdleMs - 60_000);
    expect((await browser.get("/dashboard/interceptions")).status, "idle clock restarted").toBe(
      200,
    );
    clock.advance(sessionIdleMs);
    const page = await browser.get("/dashboard/interceptions");
    expect(page.location, "idle too long").toBe("/dashboard/login?ended=1");
  });

  it("ends at its absolute lifetime however active it is", async () => {
    const { gateway, browser, clock } = await start();
    await browser.signIn(gateway.merchantA.apiKey);
    const step = sessionIdleMs / 2;
    for (let elapsed = step; elapsed < sessionLifetimeMs; elapsed += step) {
      clock.advance(step);
      const page = await browser.get("/dashboard/locks");
      expect(page.status, `after ${elapsed / 60_000} min`).toBe(200);
    }
    clock.advance(step);
    expect((await browser.get("/dashboard/locks")).location).toBe("/dashboard/login?ended=1");
  });
});
