/** Merchant B sees and changes nothing of merchant A's on any dashboard page. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

const trackingNumbersOfA = [
  "SF1000000000001",
  "SF1000000000002",
  "SF1000000000003",
  "ZT1000000000001",
  "SF1000000000004",
];

describe("merchant B on the dashboard", () => {
  it("lists none of A's interceptions, by any filter", async () => {
    const queries = [
      "",
      "?status=locked",
      "?status=submitted",
      "?carrier=zto",
      "?orderId=ORD-A-1",
      "?trackingNumber=SF1000000000001",
      `?cursor=${encodeURIComponent("icp_ZZZZZZZZZZZZZZZZZZZZZZZZZZ")}`,
    ];
    for (const query of queries) {
      const page = await fixture.b.get(`/dashboard/interceptions${query}`);
      expect(page.status, query).toBe(200);
      const listed = listedTrackingNumbers(page.text);
      expect(
        listed.filter((n) => trackingNumbersOfA.includes(n)),
        query,
      ).toEqual([]);
    }
    expect(listedTrackingNumbers((await fixture.b.get("/dashboard/interceptions")).text)).toEqual([
      "SF2000000000001",
    ]);
  });

  it("gets the same not-found page for A's interception as for one that does not exist", async () => {
    const missingId = "icp_00000000000000000000000000";
    const missing = await fixture.b.get(`/dashboard/interceptions/${missingId}`);
    for (const trackingNumber of trackingNumbersOfA) {
      const id = idOf(fixture, trackingNumber);
      const page = await fixture.b.get(`/dashboard/interceptions/${id}`);
      expect(page.status).toBe(404);
      // The same page, but for the asked id in the language links.
      expect(page.text.replaceAll(id, missingId)).toBe(missing.text);
      expect(page.text).not.toContain(trackingNumber);
    }
  });

  it("sees only its own locks, and can neither cancel nor release A's", async () => {
    const locks = await fixture.b.get("/dashboard/locks");
    expect(locks.text).toContain(`value="${fixture.lockOfB}"`);
    for (const trackingNumber of trackingNumbersOfA) {
      expect(locks.text).not.toContain(trackingNumber);
    }
    const csrf = await fixture.b.csrfToken();
    const lockOfA = idOf(fixture, "SF1000000000002");
    const cancel = await fixture.b.post(`/dashboard/interceptions/${lockOfA}/cancel`, { csrf });
    expect(cancel.status).toBe(404);
    const release = await fixture.b.post("/dashboard/locks/release", {
      csrf,
      ids: [lockOfA, idOf(fixture, "SF1000000000003")],
    });
    expect(release.text).not.toContain("Released:");
    expect(release.text).not.toContain("SF1000000000002");
    for (const trackingNumber of ["SF1000000000002", "SF1000000000003"]) {
      const record = await fixture.gateway.services.interceptions.get(
        fixture.gateway.merchantA.id,
        idOf(fixture, trackingNumber),
      );
      expect(record.status, trackingNumber).toBe("locked");
    }
  });
});
