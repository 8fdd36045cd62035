/**
 * The contract suite's scenarios for tracking and for each action the adapter offers (pickup
 * cancel, intercept, redirect, cancel), each against a parcel the sandbox was given.
 */
import { describe, expect, it } from "vitest";
import type { RedirectCommand } from "../carrier-adapter.ts";
import type { ParcelState } from "../normalized.ts";
import { expectCarrierError, show } from "../testing.ts";
import { ctx, interceptCommand, offered, randomRef, withAdapter } from "./adapter-calls.ts";
import { describeIf } from "./conditional.ts";
import type { SandboxSection } from "./section.ts";

const allStates: ParcelState[] = [
  "not_collected",
  "in_transit",
  "at_delivery_station",
  "out_for_delivery",
  "delivered",
  "returned",
  "unknown",
];

export function declareTrackAndActions({
  options,
  capabilities,
  sandbox,
  redirectTo,
}: SandboxSection): void {
  const { makeAdapter, trackingNumbers } = options;
  const { putParcel, callsOf } = sandbox;
  const intercepts = capabilities.actions.includes("intercept");
  const redirects = capabilities.actions.includes("redirect");

  describe("track", () => {
    it.each(allStates)("maps a %s parcel", async (state) => {
      const tn = await putParcel(state);
      const result = await withAdapter(makeAdapter, (a) => a.track(tn, ctx()));
      expect(result.ok, show(result)).toBe(true);
      if (result.ok) {
        expect(result.value.state, show(result)).toBe(state);
        expect(result.value.trackingNumber).toBe(tn);
      }
      const calls = await callsOf(tn);
      expect(
        calls.map((c) => c.operation),
        show(calls),
      ).toEqual(["track"]);
    });

    it("answers unknown_parcel for a tracking number the sandbox does not know", async () => {
      const result = await withAdapter(makeAdapter, (a) => a.track(trackingNumbers.fresh(), ctx()));
      expectCarrierError(result, "unknown_parcel", false);
    });
  });

  describeIf(capabilities.pickupCancel, "pickup cancel", () => {
    it("cancels the pickup of a parcel the carrier has not collected", async () => {
      const tn = await putParcel("not_collected");
      const result = await withAdapter(makeAdapter, async (a) =>
        offered(a, "cancelPickup")(
          { reference: randomRef(), trackingNumber: tn, reason: "buyer_cancelled" },
          ctx(),
        ),
      );
      expect(result, show(result)).toEqual({ ok: true, value: { cancelled: true } });
      const calls = await callsOf(tn);
      expect(
        calls.map((c) => c.operation),
        show(calls),
      ).toEqual(["cancel"]);
    });

    it("refuses to cancel the pickup of a collected parcel", async () => {
      const tn = await putParcel("in_transit");
      const result = await withAdapter(makeAdapter, async (a) =>
        offered(a, "cancelPickup")(
          { reference: randomRef(), trackingNumber: tn, reason: "buyer_cancelled" },
          ctx(),
        ),
      );
      expectCarrierError(result, "rejected", false);
    });
  });

  describeIf(intercepts, "intercept", () => {
    it("accepts an intercept of an in-transit parcel, once", async () => {
      const tn = await putParcel("in_transit", { outcomeDelayMs: 60_000 });
      const first = await withAdapter(makeAdapter, (a) =>
        offered(a, "intercept")(interceptCommand(tn), ctx()),
      );
      expect(first.ok, show(first)).toBe(true);
      if (first.ok) {
        expect(first.value.carrierReference, show(first)).toMatch(/\S/);
      }
      const calls = await callsOf(tn);
      expect(
        calls.filter((c) => c.operation === "intercept"),
        show(calls),
      ).toHaveLength(1);

      const second = await withAdapter(makeAdapter, (a) =>
        offered(a, "intercept")(interceptCommand(tn), ctx()),
      );
      expectCarrierError(second, "already_intercepted", false);
    });

    it("refuses an intercept of a delivered (or, without pickup cancel, not-collected) parcel", async () => {
      const states = capabilities.pickupCancel ? ["delivered"] : ["delivered", "not_collected"];
      for (const state of states as ParcelState[]) {
        const tn = await putParcel(state);
        const result = await withAdapter(makeAdapter, (a) =>
          offered(a, "intercept")(interceptCommand(tn), ctx()),
        );
        expect(result.ok, show(result)).toBe(false);
        if (!result.ok) {
          expect(result.error.retryable, show(result)).toBe(false);
          expect(["rejected", "unknown_parcel"], show(result)).toContain(result.error.code);
        }
      }
    });

    it("refuses an intercept of an unknown parcel as unknown_parcel", async () => {
      const result = await withAdapter(makeAdapter, (a) =>
        offered(a, "intercept")(interceptCommand(trackingNumbers.fresh()), ctx()),
      );
      expectCarrierError(result, "unknown_parcel", false);
    });
  });

  describeIf(redirects, "redirect", () => {
    it("accepts a redirect of an in-transit parcel", async () => {
      const tn = await putParcel("in_transit", { outcomeDelayMs: 60_000 });
      const command: RedirectCommand = {
        ...interceptCommand(tn),
        reason: "address_error",
        payment: { payer: "platform", mode: "free_redirect" },
        redirectTo,
      };
      const result = await withAdapter(makeAdapter, (a) => offered(a, "redirect")(command, ctx()));
      expect(result.ok, show(result)).toBe(true);
      const calls = await callsOf(tn);
      expect(
        calls.map((c) => c.operation),
        show(calls),
      ).toEqual(["redirect"]);
    });
  });

  describeIf(capabilities.cancel && intercepts, "cancel", () => {
    it("cancels an accepted intercept", async () => {
      const tn = await putParcel("in_transit", { outcomeDelayMs: 60_000 });
      const command = interceptCommand(tn);
      const accepted = await withAdapter(makeAdapter, (a) =>
        offered(a, "intercept")(command, ctx()),
      );
      expect(accepted.ok, show(accepted)).toBe(true);
      if (!accepted.ok) {
        return;
      }
      const cancelled = await withAdapter(makeAdapter, (a) =>
        offered(a, "cancel")(
          {
            reference: command.reference,
            trackingNumber: tn,
            carrierReference: accepted.value.carrierReference,
            action: "intercept",
          },
          ctx(),
        ),
      );
      expect(cancelled, show(cancelled)).toEqual({ ok: true, value: { cancelled: true } });
      const calls = await callsOf(tn);
      expect(
        calls.map((c) => c.operation),
        show(calls),
      ).toEqual(["intercept", "cancel"]);
    });
  });
}
