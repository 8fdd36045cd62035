/** Every dashboard form that changes something is refused, changing nothing, without its token. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DashboardClient } from "../../support/dashboard-client.ts";
import { type DashboardFixture, dashboardFixture, idOf } from "./fixtures.ts";

let fixture: DashboardFixture;
beforeAll(async () => {
  fixture = await dashboardFixture();
});
afterAll(async () => {
  await fixture.gateway.close();
});

async function statusOf(trackingNumber: string): Promise<string> {
  const record = await fixture.gateway.services.interceptions.get(
    fixture.gateway.merchantA.id,
    idOf(fixture, trackingNumber),
  );
  return record.status;
}

describe("a form without this session's CSRF token", () => {
  it("is refused with a page saying nothing changed, on every form", async () => {
    const other = new DashboardClient(fixture.gateway.app);
    await other.signIn(fixture.gateway.merchantA.apiKey);
    const anotherSessionsToken = await other.csrfToken();
    const lock = idOf(fixture, "SF1000000000002");
    const submitted = idOf(fixture, "SF1000000000001");
    const forms: Array<[string, Record<string, string | string[]>]> = [
      [`/dashboard/interceptions/${lock}/cancel`, {}],
      [`/dashboard/interceptions/${submitted}/cancel`, {}],
      ["/dashboard/locks/release", { ids: [lock] }],
      ["/dashboard/logout", {}],
    ];
    for (const [path, form] of forms) {
      for (const csrf of [undefined, "", "wrong-token", anotherSessionsToken]) {
        const page = await fixture.a.post(path, csrf === undefined ? form : { ...form, csrf });
        expect(page.status, `${path} with ${csrf}`).toBe(403);
        expect(page.text).toContain("This form was not accepted");
        expect(page.text).toContain("Nothing was changed.");
      }
    }
    expect(await statusOf("SF1000000000002")).toBe("locked");
    expect(await statusOf("SF1000000000001")).toBe("submitted");
    expect(fixture.sf.callsOf("cancel")).toHaveLength(0);
    expect((await fixture.a.get("/dashboard/interceptions")).status, "still signed in").toBe(200);
  });

  it("is refused when it comes from another site, even with the right token", async () => {
    const csrf = await fixture.a.csrfToken();
    const lock = idOf(fixture, "SF1000000000002");
    const page = await fixture.a.post(
      `/dashboard/interceptions/${lock}/cancel`,
      { csrf },
      { origin: "https://attacker.example" },
    );
    expect(page.status).toBe(403);
    expect(await statusOf("SF1000000000002")).toBe("locked");

    const login = await new DashboardClient(fixture.gateway.app).post(
      "/dashboard/login",
      { apiKey: fixture.gateway.merchantA.apiKey },
      { origin: "https://attacker.example" },
    );
    expect(login.status, "no sign-in from another site's form").toBe(403);
  });

  it("is accepted from this dashboard's own page with the session's token", async () => {
    const csrf = await fixture.a.csrfToken();
    const lock = idOf(fixture, "SF1000000000002");
    const page = await fixture.a.post(
      `/dashboard/interceptions/${lock}/cancel`,
      { csrf },
      { origin: "http://127.0.0.1" },
    );
    expect(page.status, page.text).toBe(303);
    expect(await statusOf("SF1000000000002")).toBe("released");
  });
});
