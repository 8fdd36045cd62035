/** The dashboard's pages over the real app and store (both stores). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chinaTime } from "../../../src/dashboard/views/format.ts";
import { interceptBody } from "../../harness.ts";
import { DashboardClient } from "../../support/dashboard-client.ts";
import {
  type DashboardFixture,
  dashboardFixture,
  idOf,
  listedTrackingNumbers,
} from "./fixtures.ts";

let fixture: DashboardFixture;
beforeAll(async () => {
  fixture = await dashboardFixture();
});
afterAll(async () => {
  await fixture.gateway.close();
});

describe("the interceptions page", () => {
  it("lists the merchant's interceptions newest first, each with its tracking number and status as text", async () => {
    const page = await fixture.a.get("/dashboard/interceptions");
    expect(page.status, page.text).toBe(200);
    expect(listedTrackingNumbers(page.text)).toEqual([
      "SF1000000000004",
      "ZT1000000000001",
      "SF1000000000003",
      "SF1000000000002",
      "SF1000000000001",
    ]);
    expect(fixture.ofA.get("SF1000000000001")?.status).toBe("submitted");
    expect(page.text).toContain(">Submitted</span>");
    expect(page.text).toContain(">Locked</span>");
    expect(page.text).toContain(">Failed</span>");
  });

  it("filters by status, carrier, order id and tracking number", async () => {
    const cases: Array<[string, string[]]> = [
      ["status=locked", ["SF1000000000003", "SF1000000000002"]],
      ["carrier=zto", ["ZT1000000000001"]],
      ["orderId=ORD-A-2", ["SF1000000000002"]],
      ["trackingNumber=SF1000000000001", ["SF1000000000001"]],
      ["status=locked&orderId=ORD-A-1", []],
    ];
    for (const [query, expected] of cases) {
      const page = await fixture.a.get(`/dashboard/interceptions?${query}`);
      expect(listedTrackingNumbers(page.text), query).toEqual(expected);
    }
    const none = await fixture.a.get("/dashboard/interceptions?status=locked&orderId=ORD-A-1");
    expect(none.text).toContain("No interceptions match these filters.");
  });

  it("filters by creation date in China time, both ends included", async () => {
    const createdAt = (
      await fixture.gateway.services.interceptions.list(
        fixture.gateway.merchantA.id,
        {},
        { limit: 1 },
      )
    )[0]?.createdAt;
    const today = chinaTime(createdAt ?? "").slice(0, 10);
    const dayMs = 24 * 60 * 60_000;
    const shift = (days: number) =>
      new Date(Date.parse(`${today}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10);
    const cases: Array<[string, number]> = [
      [`from=${today}&to=${today}`, 5],
      [`from=${shift(1)}`, 0],
      [`to=${shift(-1)}`, 0],
      [`from=${shift(-1)}&to=${today}`, 5],
    ];
    for (const [query, count] of cases) {
      const page = await fixture.a.get(`/dashboard/interceptions?${query}`);
      expect(listedTrackingNumbers(page.text).length, query).toBe(count);
    }
  });

  it("refuses a date it cannot read, with a message and no rows", async () => {
    const page = await fixture.a.get("/dashboard/interceptions?from=2026-13-45");
    expect(page.status).toBe(400);
    expect(page.text).toContain("Created from: use a date such as 2026-11-21.");
    expect(listedTrackingNumbers(page.text)).toEqual([]);
  });
});

describe("paging", () => {
  it("shows 50 rows a page, with next and first page links that keep the filters", async () => {
    const { gateway, sf } = fixture;
    for (let n = 0; n < 52; n += 1) {
      const trackingNumber = `SF3${String(n).padStart(12, "0")}`;
      sf.states.set(trackingNumber, "not_collected");
      const created = await gateway.intercept(
        gateway.merchantB,
        `page-${n}`,
        interceptBody({ trackingNumber, orderId: `ORD-PAGE-${n}` }),
      );
      expect(created.status).toBe(201);
    }
    const first = await fixture.b.get("/dashboard/interceptions?status=locked");
    const firstRows = listedTrackingNumbers(first.text);
    expect(firstRows).toHaveLength(50);
    expect(firstRows[0]).toBe("SF3000000000051");
    const next =
      /href="(\/dashboard\/interceptions\?status=locked&amp;cursor=[^"]+)" rel="next"/.exec(
        first.text,
      )?.[1];
    expect(next, first.text).toBeDefined();
    const second = await fixture.b.get((next ?? "").replaceAll("&amp;", "&"));
    expect(listedTrackingNumbers(second.text)).toEqual([
      "SF3000000000001",
      "SF3000000000000",
      "SF2000000000001",
    ]);
    expect(second.text).not.toContain('rel="next"');
    expect(second.text).toContain('href="/dashboard/interceptions?status=locked"');
  });
});

describe("one interception", () => {
  it("shows its summary, cost and timeline", async () => {
    const page = await fixture.a.get(
      `/dashboard/interceptions/${idOf(fixture, "SF1000000000001")}`,
    );
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain("Parcel SF1000000000001");
    expect(page.text).toContain("ORD-A-1");
    expect(page.text).toContain("Free return (pickup service)");
    expect(page.text).toContain("Accepted and stored; the carrier is being asked.");
    expect(page.text).toContain("Accepted by the carrier");
    expect(page.text).toContain("Cancel interception");
  });

  it("shows a failure's advice, and offers no action", async () => {
    const page = await fixture.a.get(
      `/dashboard/interceptions/${idOf(fixture, "SF1000000000004")}`,
    );
    expect(fixture.ofA.get("SF1000000000004")?.status).toBe("failed");
    const failure = await fixture.gateway.services.interceptions.get(
      fixture.gateway.merchantA.id,
      idOf(fixture, "SF1000000000004"),
    );
    expect(page.text).toContain("Why it failed");
    expect(page.text).toContain(escapeHtml(failure.failure?.advice ?? "missing advice"));
    expect(page.text).toContain("Nothing can be changed in this status.");
    expect(page.text).not.toContain("/cancel");
  });

  it("cancels a submitted interception through the carrier, and says so", async () => {
    const id = idOf(fixture, "SF1000000000001");
    const csrf = await fixture.a.csrfToken();
    const posted = await fixture.a.post(`/dashboard/interceptions/${id}/cancel`, { csrf });
    expect(posted.status, posted.text).toBe(303);
    expect(posted.location).toBe(`/dashboard/interceptions/${id}?notice=cancelled`);
    expect(fixture.sf.callsOf("cancel")).toHaveLength(1);
    const page = await fixture.a.get(posted.location ?? "");
    expect(page.text).toContain("The interception is cancelled.");
    expect(page.text).toContain(">Cancelled</span>");

    const again = await fixture.a.post(`/dashboard/interceptions/${id}/cancel`, { csrf });
    expect(again.status, "a cancelled one cannot be cancelled").toBe(409);
    expect(again.text).toContain("Not done:");
  });

  it("releases a lock", async () => {
    const id = idOf(fixture, "SF1000000000002");
    const csrf = await fixture.a.csrfToken();
    const posted = await fixture.a.post(`/dashboard/interceptions/${id}/cancel`, { csrf });
    expect(posted.location).toBe(`/dashboard/interceptions/${id}?notice=released`);
    const record = await fixture.gateway.services.interceptions.get(
      fixture.gateway.merchantA.id,
      id,
    );
    expect(record.status).toBe("released");
  });
});

describe("the locks page", () => {
  it("lists the locks held and releases the selected ones, skipping any no longer locked", async () => {
    const locks = await fixture.a.get("/dashboard/locks");
    const lockId = idOf(fixture, "SF1000000000003");
    expect(locks.text).toContain(`value="${lockId}"`);
    expect(locks.text).not.toContain(`value="${idOf(fixture, "ZT1000000000001")}"`);

    const csrf = await fixture.a.csrfToken();
    const released = idOf(fixture, "SF1000000000002");
    const posted = await fixture.a.post("/dashboard/locks/release", {
      csrf,
      ids: [lockId, released],
    });
    expect(posted.status, posted.text).toBe(200);
    expect(posted.text).toContain("Released: 1.");
    expect(posted.text).toContain("Not released: SF1000000000002 (Released).");
    expect(posted.text).toContain("No locks are held.");
    const record = await fixture.gateway.services.interceptions.get(
      fixture.gateway.merchantA.id,
      lockId,
    );
    expect(record.status).toBe("released");

    const repeated = await fixture.a.post("/dashboard/locks/release", { csrf, ids: [lockId] });
    expect(repeated.text, "repeating it is harmless").toContain(
      "Not released: SF1000000000003 (Released).",
    );
    const empty = await fixture.a.post("/dashboard/locks/release", { csrf });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("Select at least one lock to release.");
  });
});

describe("language", () => {
  it("follows Accept-Language: Chinese for zh, English otherwise", async () => {
    const zh = new DashboardClient(fixture.gateway.app, {
      "accept-language": "zh-CN,zh;q=0.9,en;q=0.8",
    });
    const login = await zh.get("/dashboard/login");
    expect(login.text).toContain('<html lang="zh-CN">');
    expect(login.text).toContain("登录商户控制台");
    expect(login.headers.get("content-language")).toBe("zh-CN");
    await zh.signIn(fixture.gateway.merchantA.apiKey);
    const list = await zh.get("/dashboard/interceptions");
    expect(list.text).toContain("拦截记录");
    expect(list.text).toContain("运单号");

    const en = new DashboardClient(fixture.gateway.app, { "accept-language": "fr;q=1, en;q=0.5" });
    expect((await en.get("/dashboard/login")).text).toContain("Sign in to your dashboard");
    const none = new DashboardClient(fixture.gateway.app);
    expect((await none.get("/dashboard/login")).text).toContain('<html lang="en">');
  });

  it("switches with ?lang= and remembers the choice over Accept-Language", async () => {
    const browser = new DashboardClient(fixture.gateway.app, { "accept-language": "en" });
    await browser.signIn(fixture.gateway.merchantA.apiKey);
    const switched = await browser.get("/dashboard/interceptions?status=locked&lang=zh-CN");
    expect(switched.text).toContain('<html lang="zh-CN">');
    expect(switched.text, "the switch keeps the filters").toContain(
      'href="/dashboard/interceptions?status=locked&amp;lang=en"',
    );
    const later = await browser.get("/dashboard/locks");
    expect(later.text).toContain("锁单时间");
    const back = await browser.get("/dashboard/locks?lang=en");
    expect(back.text).toContain("Locked since");
  });
});

describe("what the pages load", () => {
  it("serves its own stylesheet, no script, nothing from elsewhere", async () => {
    const css = await fixture.a.get("/dashboard/assets/dashboard.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
    for (const path of [
      "/dashboard/login",
      "/dashboard/interceptions",
      `/dashboard/interceptions/${idOf(fixture, "SF1000000000001")}`,
      "/dashboard/locks",
      "/dashboard/costs",
    ]) {
      const page = await fixture.a.get(path);
      expect(page.headers.get("content-security-policy"), path).toContain("default-src 'none'");
      expect(page.text, path).not.toMatch(/<script/i);
      const urls = [...page.text.matchAll(/(?:href|src|action)="([^"]*)"/g)].map((m) => m[1]);
      for (const url of urls) {
        expect(url, `${path}: ${url}`).toMatch(/^(\/dashboard|#)/);
      }
    }
  });

  it("answers an unknown dashboard path with a page, not JSON", async () => {
    const page = await fixture.a.get("/dashboard/nothing-here");
    expect(page.status).toBe(404);
    expect(page.text).toContain("There is no such page or interception.");
  });
});

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}
