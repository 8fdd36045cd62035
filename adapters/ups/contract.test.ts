/**
 * UPS against the shared contract suite: against the local sandbox twice (outcome polled from
 * tracking, and pushed by Track Alert), and against UPS's CIE test environment when
 * UPS_CLIENT_ID and UPS_CLIENT_SECRET are set.
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
import { createUpsAdapter, type UpsSettings } from "./index.ts";
import {
  createUpsSandbox,
  UPS_SANDBOX_CLIENT_ID,
  UPS_SANDBOX_CLIENT_SECRET,
  UPS_SANDBOX_REDIRECT_ADDRESS,
  UPS_SANDBOX_REQUESTER,
  UPS_SANDBOX_TRACK_ALERT_TOKEN,
} from "./sandbox.ts";

/** A fresh 1Z number (1Z + 16 digits, within UPS's alphanumeric pattern), unique within the run. */
const fresh1Z = (): string => uniqueNumber("1Z", 16);

/** 1Z followed by zeros: well-formed, so the adapter asks UPS, which does not know it. */
const UNKNOWN_1Z = "1Z0000000000000000";

/**
 * Track Alert pushes carry UPS's `x-api-key` (our client id) and our secret URL token: a push
 * missing or faking either must be refused.
 */
function forgedUpsPushes(genuine: IncomingCallback | null): IncomingCallback[] {
  const push = genuine ?? {
    url: "http://127.0.0.1/callbacks?token=x",
    headers: { "x-api-key": "x" },
    body: "{}",
    receivedAt: new Date(),
  };
  const withoutKey = Object.fromEntries(
    Object.entries(push.headers).filter(([name]) => name.toLowerCase() !== "x-api-key"),
  );
  return [
    { ...push, url: push.url.replace(/token=[^&]*/, "token=not-the-token") },
    { ...push, url: push.url.replace(/\?.*$/, "") },
    { ...push, headers: withoutKey },
    { ...push, headers: { ...withoutKey, "x-api-key": "NOT_THE_CLIENT_ID" } },
  ];
}

function describeAgainstSandbox(mode: "poll" | "push"): void {
  describe(`UPS adapter against the local sandbox (outcome by ${mode})`, () => {
    // The suite reads `settings` lazily (inside tests), after beforeAll has started the sandbox.
    const settings: UpsSettings = {
      baseUrl: "http://127.0.0.1:1/ups",
      clientId: UPS_SANDBOX_CLIENT_ID,
      clientSecret: UPS_SANDBOX_CLIENT_SECRET,
      requester: UPS_SANDBOX_REQUESTER,
      ...(mode === "push" ? { trackAlertToken: UPS_SANDBOX_TRACK_ALERT_TOKEN } : {}),
    };
    const sandbox = useCarrierSandbox("/ups", createUpsSandbox, ({ url }) => {
      settings.baseUrl = `${url}/ups`;
    });

    runCarrierContractSuite({
      carrier: "ups",
      makeAdapter: () => createUpsAdapter(settings, { dispatcher: loopbackPool(settings.baseUrl) }),
      makeAdapterWithWrongCredentials: () =>
        createUpsAdapter(
          { ...settings, clientSecret: "NOT_THE_SECRET" },
          { dispatcher: loopbackPool(settings.baseUrl) },
        ),
      sandbox,
      ...(mode === "push"
        ? {
            pushUrl: (receiverUrl: string) =>
              `${receiverUrl}?token=${UPS_SANDBOX_TRACK_ALERT_TOKEN}`,
            forgedPushes: forgedUpsPushes,
          }
        : {}),
      trackingNumbers: { unknown: UNKNOWN_1Z, fresh: fresh1Z },
      redirectTo: UPS_SANDBOX_REDIRECT_ADDRESS,
    });
  });
}

describeAgainstSandbox("poll");
describeAgainstSandbox("push");

// Credentials are read here only: this block is the one place the tests touch UPS itself.
// CIE answers Delivery Intercept only for fixed transId + tracking number pairs (carriers.md
// §1), which a derived transId never matches, so only the state-independent checks run:
// unknown parcel, wrong credentials, capabilities, and a known parcel when one is given.
describeWithCredentials(
  "UPS adapter against UPS's CIE test environment",
  {
    required: ["UPS_CLIENT_ID", "UPS_CLIENT_SECRET"],
    optional: [
      "UPS_BASE_URL",
      "UPS_KNOWN_TRACKING_NUMBER",
      "UPS_REQUESTER_NAME",
      "UPS_REQUESTER_PHONE",
    ],
  },
  ({ UPS_CLIENT_ID: clientId, UPS_CLIENT_SECRET: clientSecret }) => {
    const real: UpsSettings = {
      baseUrl: process.env.UPS_BASE_URL ?? "https://wwwcie.ups.com",
      clientId,
      clientSecret,
      requester: {
        name: process.env.UPS_REQUESTER_NAME ?? UPS_SANDBOX_REQUESTER.name,
        telephone: process.env.UPS_REQUESTER_PHONE ?? UPS_SANDBOX_REQUESTER.telephone,
      },
    };
    runCarrierContractSuite({
      carrier: "ups",
      makeAdapter: () => createUpsAdapter(real, { dispatcher: realEnvironmentPool(real.baseUrl) }),
      makeAdapterWithWrongCredentials: () =>
        createUpsAdapter(
          { ...real, clientSecret: `${clientSecret}-wrong` },
          { dispatcher: realEnvironmentPool(real.baseUrl) },
        ),
      trackingNumbers: {
        unknown: UNKNOWN_1Z,
        fresh: fresh1Z,
        ...(process.env.UPS_KNOWN_TRACKING_NUMBER
          ? { known: process.env.UPS_KNOWN_TRACKING_NUMBER }
          : {}),
      },
    });
  },
);
