/**
 * A gateway with a few interceptions of merchant A (and one of B) over two fake carriers, and a
 * signed-in dashboard client for each merchant.
 */
import { FakeCarrier } from "../../fakes/fake-carrier.ts";
import { createTestGateway, interceptBody, json, type TestGateway } from "../../harness.ts";
import { DashboardClient } from "../../support/dashboard-client.ts";

export interface DashboardFixture {
  gateway: TestGateway;
  sf: FakeCarrier;
  zto: FakeCarrier;
  /** Merchant A's interceptions by tracking number: id and status. */
  ofA: Map<string, { id: string; status: string }>;
  lockOfB: string;
  a: DashboardClient;
  b: DashboardClient;
}

export async function dashboardFixture(): Promise<DashboardFixture> {
  const sf = new FakeCarrier();
  const zto = new FakeCarrier({ id: "zto" });
  sf.states.set("SF1000000000001", "in_transit");
  sf.states.set("SF1000000000002", "not_collected");
  sf.states.set("SF1000000000003", "not_collected");
  sf.states.set("SF1000000000004", "in_transit");
  zto.states.set("ZT1000000000001", "in_transit");
  sf.states.set("SF2000000000001", "not_collected");
  const gateway = await createTestGateway([sf.adapter, zto.adapter]);
  const ofA = new Map<string, { id: string; status: string }>();
  const parcels = [
    ["sf-express", "SF1000000000001", "ORD-A-1"],
    ["sf-express", "SF1000000000002", "ORD-A-2"],
    ["sf-express", "SF1000000000003", "ORD-A-3"],
    ["zto", "ZT1000000000001", "ORD-A-4"],
  ] as const;
  for (const [carrier, trackingNumber, orderId] of parcels) {
    const created = await json(
      await gateway.intercept(
        gateway.merchantA,
        trackingNumber,
        interceptBody({ carrier, trackingNumber, orderId }),
      ),
    );
    if (created.status !== 201) {
      throw new Error(created.text);
    }
    ofA.set(trackingNumber, { id: String(created.body.id), status: String(created.body.status) });
  }
  // A carrier refusal: a failed interception with the merchant's advice.
  sf.scriptedErrors.intercept.push("rejected");
  const failed = await json(
    await gateway.intercept(
      gateway.merchantA,
      "failed",
      interceptBody({ trackingNumber: "SF1000000000004", orderId: "ORD-A-5" }),
    ),
  );
  ofA.set("SF1000000000004", { id: String(failed.body.id), status: String(failed.body.status) });
  const ofB = await json(
    await gateway.intercept(
      gateway.merchantB,
      "b1",
      interceptBody({ trackingNumber: "SF2000000000001", orderId: "ORD-B-1" }),
    ),
  );
  const a = new DashboardClient(gateway.app);
  const b = new DashboardClient(gateway.app);
  await a.signIn(gateway.merchantA.apiKey);
  await b.signIn(gateway.merchantB.apiKey);
  return { gateway, sf, zto, ofA, lockOfB: String(ofB.body.id), a, b };
}

/** The id of merchant A's interception of a parcel. */
export function idOf(fixture: DashboardFixture, trackingNumber: string): string {
  const found = fixture.ofA.get(trackingNumber);
  if (!found) {
    throw new Error(`No interception of ${trackingNumber}`);
  }
  return found.id;
}

/** The tracking numbers in a list page's table, in order. */
export function listedTrackingNumbers(html: string): string[] {
  return [
    ...html.matchAll(/<a class="mono" href="\/dashboard\/interceptions\/[^"]+">([^<]+)<\/a>/g),
  ].map((match) => match[1] ?? "");
}
