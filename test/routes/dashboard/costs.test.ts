/** The costs page and its CSV: the ledger of `GET /v1/costs`, per merchant (both stores). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chinaTime } from "../../../src/dashboard/views/format.ts";
import { type DashboardFixture, dashboardFixture } from "./fixtures.ts";

let fixture: DashboardFixture;
let today: string;
beforeAll(async () => {
  fixture = await dashboardFixture();
  today = chinaTime(fixture.gateway.services.now().toISOString()).slice(0, 10);
});
afterAll(async () => {
  await fixture.gateway.close();
});

/** The body rows of the page's table, cell texts. */
function tableRows(html: string): string[][] {
  const body = /<tbody>(.*)<\/tbody>/s.exec(html)?.[1] ?? "";
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((row) =>
    [...(row[1] ?? "").matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((cell) => cell[1] ?? ""),
  );
}

describe("the costs page", () => {
  it("counts this month's interceptions per carrier by default", async () => {
    const page = await fixture.a.get("/dashboard/costs");
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain(`value="${today.slice(0, 8)}01"`);
    // Both fake carriers call themselves "SF Express (fake)"; the counts tell them apart.
    expect(tableRows(page.text)).toEqual([
      ["SF Express (fake)", "4", "—", "—"],
      ["SF Express (fake)", "1", "—", "—"],
    ]);
  });

  it("groups by what is asked, and only the merchant's own interceptions", async () => {
    const query = `from=${today}&to=${today}&groupBy=payer`;
    const a = tableRows((await fixture.a.get(`/dashboard/costs?${query}`)).text);
    expect(a).toEqual([
      ["No one", "2", "—", "—"],
      ["Platform", "3", "—", "—"],
    ]);
    const b = tableRows((await fixture.b.get(`/dashboard/costs?${query}`)).text);
    expect(b).toEqual([["No one", "1", "—", "—"]]);
    const none = tableRows(
      (await fixture.a.get(`/dashboard/costs?from=${today}&to=${today}`)).text,
    );
    expect(none, "no grouping: one line").toEqual([["5", "—", "—"]]);
  });

  it("downloads the same ledger as CSV with a header row", async () => {
    const csv = await fixture.a.get(
      `/dashboard/costs.csv?from=${today}&to=${today}&groupBy=payer&groupBy=mode`,
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).toContain("attachment");
    expect(csv.text).toBe(
      "payer,mode,count,currency,quoted,final\r\nnone,none,2,,,\r\nplatform,free_return,3,,,\r\n",
    );
  });

  it("refuses a period it cannot read", async () => {
    for (const query of ["from=2026-02-30&to=2026-03-01", `from=${today}&to=2000-01-01`]) {
      const page = await fixture.a.get(`/dashboard/costs?${query}`);
      expect(page.status, query).toBe(400);
      expect(page.text).toContain("Give a period with dates such as 2026-11-01");
      expect((await fixture.a.get(`/dashboard/costs.csv?${query}`)).status).toBe(400);
    }
  });
});
