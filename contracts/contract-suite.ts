/**
 * The shared carrier contract suite: what every adapter + sandbox pair must do, in the
 * gateway's normalized terms. Each carrier's `contract.test.ts` calls
 * `runCarrierContractSuite` against its sandbox (all scenarios) and, when credentials are
 * given, against the carrier's own test environment (only the state-independent part).
 * This file declares the suite; the sandbox's scenarios (tracking and actions, faults, outcomes)
 * and the helpers they share live in `contract-suite/`.
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  type CarrierAdapter,
  type CarrierId,
  capabilitiesOf,
  type IncomingCallback,
} from "./carrier-adapter.ts";
import { ctx, makeCapabilities, withAdapter } from "./contract-suite/adapter-calls.ts";
import { itIf } from "./contract-suite/conditional.ts";
import { declareFaults } from "./contract-suite/faults.ts";
import { declareOutcomes } from "./contract-suite/outcomes.ts";
import { sandboxControl } from "./contract-suite/sandbox-control.ts";
import type { SandboxSection } from "./contract-suite/section.ts";
import { declareTrackAndActions } from "./contract-suite/track-and-actions.ts";
import type { Address } from "./normalized.ts";
import { expectCarrierError, show } from "./testing.ts";

export interface CarrierContractSuiteOptions {
  carrier: CarrierId;
  /**
   * A fresh adapter with working credentials; the suite closes it after each test. Carriers that
   * send their callback URL with each request (Kuaidi100) must use `callbackUrl` when given.
   */
  makeAdapter: (overrides?: { callbackUrl?: string }) => CarrierAdapter;
  /** The same adapter with credentials the carrier must refuse. */
  makeAdapterWithWrongCredentials: () => CarrierAdapter;
  /**
   * The sandbox to set scenarios up through (API.md "Carrier sandboxes"). Without it only the
   * state-independent checks run (for a carrier's real test environment).
   */
  sandbox?: {
    /** Base URL of the sandbox process (control API at `/_sandbox/...`). */
    controlUrl: string;
  };
  /**
   * For carriers that push outcomes: the URL the carrier should push to, given the receiver's
   * URL (e.g. with the secret token that authenticates SF's unsigned pushes).
   */
  pushUrl?: (receiverUrl: string) => string;
  /**
   * Pushes the adapter must refuse as `auth_failed`: forged from a genuine push when one is
   * given, else made up (for the state-independent part).
   */
  forgedPushes?: (genuine: IncomingCallback | null) => IncomingCallback[];
  trackingNumbers: {
    /** A tracking number the carrier does not know. */
    unknown: string;
    /** A new, never-used tracking number in the carrier's format (sandbox scenarios). */
    fresh: () => string;
    /** A real parcel the carrier knows (optional; real test environments). */
    known?: string;
  };
  /** Where redirects go; a plausible default is used when absent. */
  redirectTo?: Address;
}

const defaultAddress: Address = {
  name: "Li Lei",
  phone: "13800138000",
  country: "CN",
  province: "广东省",
  city: "深圳市",
  district: "南山区",
  line1: "科技园路 1 号",
  line2: "A 栋 1201",
  postalCode: "518057",
};

/** Declares the contract suite for one adapter (+ sandbox). */
export function runCarrierContractSuite(options: CarrierContractSuiteOptions): void {
  const { carrier, makeAdapter, trackingNumbers } = options;
  const redirectTo = options.redirectTo ?? defaultAddress;

  describe(`carrier contract: ${carrier} (state-independent)`, () => {
    it("reports an unknown parcel as unknown_parcel, not retryable", async () => {
      const result = await withAdapter(makeAdapter, (a) => a.track(trackingNumbers.unknown, ctx()));
      expectCarrierError(result, "unknown_parcel", false);
    });

    it("reports wrong credentials as auth_failed, not retryable", async () => {
      const tn = trackingNumbers.known ?? trackingNumbers.unknown;
      const result = await withAdapter(options.makeAdapterWithWrongCredentials, (a) =>
        a.track(tn, ctx()),
      );
      expectCarrierError(result, "auth_failed", false);
    });

    itIf(trackingNumbers.known !== undefined, "tracks a known parcel", async () => {
      const tn = trackingNumbers.known ?? "";
      const result = await withAdapter(makeAdapter, (a) => a.track(tn, ctx()));
      expect(result.ok, show(result)).toBe(true);
    });

    it("offers an action or a pickup cancel", async () => {
      await withAdapter(makeAdapter, async (a) => {
        const caps = capabilitiesOf(a);
        expect(caps.actions.length > 0 || caps.pickupCancel, show(caps)).toBe(true);
      });
    });

    itIf(options.forgedPushes !== undefined, "refuses an unauthenticated push", async () => {
      await withAdapter(makeAdapter, async (a) => {
        for (const forged of options.forgedPushes?.(null) ?? []) {
          expectCarrierError(a.parseCallback(forged), "auth_failed", false);
        }
      });
    });
  });

  const sandbox = options.sandbox;
  if (sandbox === undefined) {
    return;
  }

  describe(`carrier contract: ${carrier} against its sandbox`, () => {
    const section: SandboxSection = {
      options,
      capabilities: makeCapabilities(makeAdapter),
      sandbox: sandboxControl(sandbox, carrier, trackingNumbers.fresh),
      redirectTo,
    };

    afterAll(async () => {
      await section.sandbox.close();
    });

    declareTrackAndActions(section);
    declareFaults(section);
    declareOutcomes(section);
  });
}
