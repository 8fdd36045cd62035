/**
 * Cainiao against the shared contract suite: always against the local sandbox, and against
 * TOP's own sandbox (gw.api.tbsandbox.com) when CAINIAO_APP_KEY, CAINIAO_APP_SECRET and
 * CAINIAO_SESSION are set.
 */
import { describe } from "vitest";
import type { IncomingCallback } from "../../contracts/carrier-adapter.ts";
import { runCarrierContractSuite } from "../../contracts/contract-suite.ts";
import {
  describeWithCredentials,
  loopbackPool,
  realEnvironmentPool,
  uniqueNumber,
  useCarrierSandbox,
} from "../../contracts/testing.ts";
import { formatChinaTime } from "../china-time.ts";
import { DELIVERY_CUT_NOTIFY_METHOD, topSign } from "./client.ts";
import { type CainiaoSettings, createCainiaoAdapter } from "./index.ts";
import {
  CAINIAO_SANDBOX_APP_KEY,
  CAINIAO_SANDBOX_APP_SECRET,
  CAINIAO_SANDBOX_SESSION,
  createCainiaoSandbox,
} from "./sandbox.ts";

/** A fresh YTO-style waybill number (YT + 13 digits), unique within the run. */
const freshWaybill = (): string => uniqueNumber("YT", 13);

/**
 * Pushes the adapter must refuse: the genuine one with its result changed (sign no longer
 * matches), without a sign, signed with another secret, and from another app key.
 */
function forgedCainiaoPushes(genuine: IncomingCallback | null): IncomingCallback[] {
  const base: IncomingCallback = genuine ?? {
    url: "http://127.0.0.1/v1/carriers/cainiao/callbacks",
    headers: { "content-type": "application/x-www-form-urlencoded;charset=utf-8" },
    body: "",
    receivedAt: new Date(),
  };
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(base.body)) {
    params[key] = value;
  }
  if (genuine === null) {
    Object.assign(params, {
      method: DELIVERY_CUT_NOTIFY_METHOD,
      app_key: CAINIAO_SANDBOX_APP_KEY,
      timestamp: formatChinaTime(new Date()),
      format: "json",
      v: "2.0",
      sign_method: "md5",
      notify_cut_off_delivery_process_status_request: JSON.stringify({
        mail_no: "YT0000000000001",
        intercept_status: "1",
        tms_cp_code: "YTO",
      }),
    });
    params.sign = topSign(params, "NOT_THE_SECRET");
  }
  const encode = (p: Record<string, string>): IncomingCallback => ({
    ...base,
    body: new URLSearchParams(p).toString(),
  });
  const tampered = { ...params };
  const notify = tampered.notify_cut_off_delivery_process_status_request ?? "{}";
  tampered.notify_cut_off_delivery_process_status_request = notify.replace(
    /"intercept_status":"\d"/,
    '"intercept_status":"1"',
  );
  if (tampered.notify_cut_off_delivery_process_status_request === notify) {
    tampered.notify_cut_off_delivery_process_status_request = notify.replace("{", '{"x":1,');
  }
  const { sign: _sign, ...unsigned } = params;
  const otherSecret = { ...unsigned, sign: topSign(unsigned, "NOT_THE_SECRET") };
  const otherApp: Record<string, string> = { ...unsigned, app_key: "OTHER_APP" };
  otherApp.sign = topSign(otherApp, "NOT_THE_SECRET");
  return [encode(tampered), encode(unsigned), encode(otherSecret), encode(otherApp)];
}

describe("Cainiao adapter against the local sandbox", () => {
  // The suite reads `settings` lazily (inside tests), after beforeAll has started the sandbox.
  const settings: CainiaoSettings = {
    baseUrl: "http://127.0.0.1:1/cainiao/router/rest",
    appKey: CAINIAO_SANDBOX_APP_KEY,
    appSecret: CAINIAO_SANDBOX_APP_SECRET,
    session: CAINIAO_SANDBOX_SESSION,
    cpCode: "YTO",
    pushWindowMs: 10 * 60_000,
  };
  const sandbox = useCarrierSandbox("/cainiao", createCainiaoSandbox, ({ url }) => {
    settings.baseUrl = `${url}/cainiao/router/rest`;
  });

  runCarrierContractSuite({
    carrier: "cainiao",
    makeAdapter: () =>
      createCainiaoAdapter(settings, { dispatcher: loopbackPool(settings.baseUrl) }),
    makeAdapterWithWrongCredentials: () =>
      createCainiaoAdapter(
        { ...settings, appSecret: "NOT_THE_SECRET" },
        { dispatcher: loopbackPool(settings.baseUrl) },
      ),
    sandbox,
    forgedPushes: forgedCainiaoPushes,
    trackingNumbers: { unknown: "YT0000000000000", fresh: freshWaybill },
  });
});

// Credentials are read here only: this block is the one place the tests touch TOP itself.
describeWithCredentials(
  "Cainiao adapter against TOP's sandbox",
  {
    required: ["CAINIAO_APP_KEY", "CAINIAO_APP_SECRET", "CAINIAO_SESSION"],
    optional: ["CAINIAO_BASE_URL", "CAINIAO_CP_CODE", "CAINIAO_KNOWN_WAYBILL"],
  },
  ({ CAINIAO_APP_KEY: appKey, CAINIAO_APP_SECRET: appSecret, CAINIAO_SESSION: session }) => {
    const real: CainiaoSettings = {
      baseUrl: process.env.CAINIAO_BASE_URL ?? "https://gw.api.tbsandbox.com/router/rest",
      appKey,
      appSecret,
      session,
      cpCode: process.env.CAINIAO_CP_CODE ?? "YTO",
      pushWindowMs: 10 * 60_000,
    };
    runCarrierContractSuite({
      carrier: "cainiao",
      makeAdapter: () =>
        createCainiaoAdapter(real, { dispatcher: realEnvironmentPool(real.baseUrl) }),
      makeAdapterWithWrongCredentials: () =>
        createCainiaoAdapter(
          { ...real, appSecret: `${appSecret}-wrong` },
          { dispatcher: realEnvironmentPool(real.baseUrl) },
        ),
      forgedPushes: forgedCainiaoPushes,
      trackingNumbers: {
        unknown: "YT0000000000000",
        fresh: freshWaybill,
        ...(process.env.CAINIAO_KNOWN_WAYBILL ? { known: process.env.CAINIAO_KNOWN_WAYBILL } : {}),
      },
    });
  },
);
