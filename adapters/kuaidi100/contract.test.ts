/**
 * Kuaidi100 against the shared contract suite: always against the local sandbox, and against
 * Kuaidi100's own API (read-only, state-independent part) when KUAIDI100_KEY, KUAIDI100_SECRET
 * and KUAIDI100_CUSTOMER are set.
 */

import { describe, expect, it } from "vitest";
import type { IncomingCallback, InterceptCommand } from "../../contracts/carrier-adapter.ts";
import { runCarrierContractSuite } from "../../contracts/contract-suite.ts";
import {
  callContext,
  describeWithCredentials,
  loopbackPool,
  realEnvironmentPool,
  show,
  uniqueNumber,
  useCarrierSandbox,
} from "../../contracts/testing.ts";
import { getParcel, putParcel } from "../sandbox-kit/world.ts";
import { callbackSign, labelSign } from "./client.ts";
import { createKuaidi100Adapter, type Kuaidi100Settings } from "./index.ts";
import {
  createKuaidi100Sandbox,
  KUAIDI100_SANDBOX_CUSTOMER,
  KUAIDI100_SANDBOX_KEY,
  KUAIDI100_SANDBOX_SALT,
  KUAIDI100_SANDBOX_SECRET,
} from "./sandbox.ts";

/** A fresh YTO-format waybill number (YT + 13 digits), unique within the run. */
const freshWaybill = (prefix = "YT"): string => uniqueNumber(prefix, 13);

/**
 * Pushes the adapter must refuse: a genuine push re-signed with another salt, its param altered
 * under the original sign, and one without a sign; made-up ones when there is no genuine push.
 */
function forgedKuaidi100Pushes(genuine: IncomingCallback | null): IncomingCallback[] {
  const fields = new URLSearchParams(genuine?.body ?? "");
  const param =
    fields.get("param") ??
    JSON.stringify({ kuaidinum: "YT0000000000000", orderId: "ref-x", status: "success" });
  const sign = fields.get("sign") ?? callbackSign(param, "not-the-salt");
  const base = genuine ?? {
    url: "http://127.0.0.1/v1/carriers/kuaidi100/callbacks",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "",
    receivedAt: new Date(),
  };
  const form = (entries: Record<string, string>): IncomingCallback => ({
    ...base,
    body: new URLSearchParams(entries).toString(),
  });
  return [
    form({ param, sign: callbackSign(param, "not-the-salt") }),
    form({ param: param.replace(/"status":"[a-z]+"/, '"status":"success","x":1'), sign }),
    form({ param }),
  ];
}

describe("Kuaidi100 adapter against the local sandbox", () => {
  // The suite reads `settings` lazily (inside tests), after beforeAll has started the sandbox.
  const settings: Kuaidi100Settings = {
    baseUrl: "http://127.0.0.1:1/kuaidi100",
    queryUrl: "http://127.0.0.1:1/kuaidi100",
    key: KUAIDI100_SANDBOX_KEY,
    secret: KUAIDI100_SANDBOX_SECRET,
    customer: KUAIDI100_SANDBOX_CUSTOMER,
    salt: KUAIDI100_SANDBOX_SALT,
    company: "yuantong",
    callbackUrl: "http://127.0.0.1:1/v1/carriers/kuaidi100/callbacks",
  };
  const make = (overrides: Partial<Kuaidi100Settings> = {}) => {
    const merged = { ...settings, ...overrides };
    return createKuaidi100Adapter(merged, { dispatcher: loopbackPool(merged.baseUrl) });
  };

  const sandbox = useCarrierSandbox("/kuaidi100", createKuaidi100Sandbox, ({ url }) => {
    settings.baseUrl = `${url}/kuaidi100`;
    settings.queryUrl = `${url}/kuaidi100`;
  });

  runCarrierContractSuite({
    carrier: "kuaidi100",
    makeAdapter: (overrides) =>
      make(overrides?.callbackUrl ? { callbackUrl: overrides.callbackUrl } : {}),
    makeAdapterWithWrongCredentials: () => make({ key: "NOT_THE_KEY", secret: "NOT_THE_SECRET" }),
    sandbox,
    forgedPushes: forgedKuaidi100Pushes,
    trackingNumbers: { unknown: "YT0000000000000", fresh: () => freshWaybill() },
  });

  describe("sandbox specifics", () => {
    function interceptCommand(trackingNumber: string): InterceptCommand {
      return {
        reference: `ref-${freshWaybill("R")}`,
        trackingNumber,
        reason: "buyer_cancelled",
        payment: { payer: "merchant", mode: "collect_on_delivery" },
      };
    }

    it("looks zhongtong waybills up among the world's zto parcels", async () => {
      const tn = freshWaybill("ZT");
      putParcel(sandbox.world, { carrier: "zto", trackingNumber: tn, state: "in_transit" });
      const zto = make({ company: "zhongtong" });
      const yto = make();
      try {
        const tracked = await zto.track(tn, callContext());
        expect(tracked.ok && tracked.value.state, show(tracked)).toBe("in_transit");
        const elsewhere = await yto.track(tn, callContext());
        expect(elsewhere.ok ? null : elsewhere.error.code).toBe("unknown_parcel");
      } finally {
        await zto.close();
        await yto.close();
      }
      expect(getParcel(sandbox.world, "zto", tn)?.calls.map((c) => c.operation)).toEqual(["track"]);
    });

    it("answers a retry with the same orderId as accepted, without a second instruction", async () => {
      const tn = freshWaybill();
      putParcel(sandbox.world, {
        carrier: "kuaidi100",
        trackingNumber: tn,
        state: "in_transit",
        outcomeDelayMs: 60_000,
      });
      const command = interceptCommand(tn);
      const adapter = make();
      try {
        expect((await adapter.intercept(command, callContext())).ok).toBe(true);
        const again = await adapter.intercept(command, callContext());
        expect(again, show(again)).toEqual({
          ok: true,
          value: { carrierReference: command.reference, fee: null },
        });
      } finally {
        await adapter.close();
      }
      const parcel = getParcel(sandbox.world, "kuaidi100", tn);
      expect(parcel?.instructions).toHaveLength(1);
      expect(parcel?.calls.map((c) => [c.operation, c.accepted, c.repeat ?? false])).toEqual([
        ["intercept", true, false],
        ["intercept", true, true],
      ]);
      expect(parcel?.calls[0]?.body).toMatchObject({ interceptPayType: "CONSIGNEE" });
    });

    it("pushes the outcome to the callbackUrl of the intercept request", async () => {
      const tn = freshWaybill();
      putParcel(sandbox.world, {
        carrier: "kuaidi100",
        trackingNumber: tn,
        state: "in_transit",
        outcomeDelayMs: 10,
      });
      // No push URL is registered for kuaidi100 here: only the request names where to push.
      expect(sandbox.world.pushUrls.kuaidi100).toBeUndefined();
      const callbackUrl = `${sandbox.url}/_sandbox/no-receiver/${tn}`;
      const adapter = make({ callbackUrl });
      try {
        const accepted = await adapter.intercept(interceptCommand(tn), callContext());
        expect(accepted.ok, show(accepted)).toBe(true);
      } finally {
        await adapter.close();
      }
      const deadline = Date.now() + 2_000;
      while (!sandbox.world.pushes.some((p) => p.trackingNumber === tn) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(sandbox.world.pushes.filter((p) => p.trackingNumber === tn)).toMatchObject([
        { carrier: "kuaidi100", url: callbackUrl, result: 404 },
      ]);
    });

    it("requires a callbackUrl for yuantong, as Kuaidi100 documents", async () => {
      const tn = freshWaybill();
      putParcel(sandbox.world, { carrier: "kuaidi100", trackingNumber: tn, state: "in_transit" });
      const response = await fetch(`${sandbox.url}/kuaidi100/label/order`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: signedLabelForm({
          kuaidicom: "yuantong",
          kuaidinum: tn,
          interceptType: "RETURN_SEND_ADDR",
        }),
      });
      expect(await response.json()).toMatchObject({ code: 400 });
      expect(getParcel(sandbox.world, "kuaidi100", tn)?.calls.map((c) => c.accepted)).toEqual([
        false,
      ]);
    });
  });
});

/** A correctly signed sandbox label form, for requests the adapter would never build. */
function signedLabelForm(param: unknown): string {
  const text = JSON.stringify(param);
  const t = String(Date.now());
  return new URLSearchParams({
    method: "interceptOrder",
    key: KUAIDI100_SANDBOX_KEY,
    t,
    sign: labelSign(text, t, KUAIDI100_SANDBOX_KEY, KUAIDI100_SANDBOX_SECRET),
    param: text,
  }).toString();
}

// Credentials are read here only: this block is the one place the tests touch Kuaidi100 itself.
// Kuaidi100 publishes no test environment, so only the read-only, state-independent checks run.
describeWithCredentials(
  "Kuaidi100 adapter against Kuaidi100's API",
  {
    required: ["KUAIDI100_KEY", "KUAIDI100_SECRET", "KUAIDI100_CUSTOMER"],
    optional: [
      "KUAIDI100_SALT",
      "KUAIDI100_COMPANY",
      "KUAIDI100_BASE_URL",
      "KUAIDI100_QUERY_URL",
      "KUAIDI100_KNOWN_WAYBILL",
    ],
  },
  ({ KUAIDI100_KEY: key, KUAIDI100_SECRET: secret, KUAIDI100_CUSTOMER: customer }) => {
    const real: Kuaidi100Settings = {
      baseUrl: process.env.KUAIDI100_BASE_URL ?? "https://api.kuaidi100.com",
      queryUrl: process.env.KUAIDI100_QUERY_URL ?? "https://poll.kuaidi100.com",
      key,
      secret,
      customer,
      salt: process.env.KUAIDI100_SALT ?? "real-env-salt-0123",
      company: process.env.KUAIDI100_COMPANY ?? "yuantong",
      callbackUrl: "https://gateway.invalid/v1/carriers/kuaidi100/callbacks",
    };
    const makeReal = (overrides: Partial<Kuaidi100Settings> = {}) => {
      const merged = { ...real, ...overrides };
      return createKuaidi100Adapter(merged, {
        dispatcher: realEnvironmentPool(merged.baseUrl),
        queryDispatcher: realEnvironmentPool(merged.queryUrl),
      });
    };
    runCarrierContractSuite({
      carrier: "kuaidi100",
      makeAdapter: () => makeReal(),
      makeAdapterWithWrongCredentials: () => makeReal({ key: `${key}-wrong` }),
      forgedPushes: forgedKuaidi100Pushes,
      trackingNumbers: {
        unknown: "YT0000000000000",
        fresh: () => freshWaybill(),
        ...(process.env.KUAIDI100_KNOWN_WAYBILL
          ? { known: process.env.KUAIDI100_KNOWN_WAYBILL }
          : {}),
      },
    });
  },
);
