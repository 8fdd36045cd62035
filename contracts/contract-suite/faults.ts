/**
 * The contract suite's faults: the sandbox fails the carrier's next call (a 500, a reset, a
 * timeout, throttling, wrong credentials) and the adapter must say so in normalized terms, with
 * an honest `retryable`.
 */
import { describe, expect, it } from "vitest";
import type { CarrierResult } from "../carrier-adapter.ts";
import { expectCarrierError, show } from "../testing.ts";
import { ctx, interceptCommand, offered, withAdapter } from "./adapter-calls.ts";
import { itIf } from "./conditional.ts";
import type { SandboxSection } from "./section.ts";

export function declareFaults({ options, capabilities, sandbox }: SandboxSection): void {
  const { makeAdapter } = options;
  const { putParcel, fault, callsOf } = sandbox;
  const intercepts = capabilities.actions.includes("intercept");

  describe("faults", () => {
    it("maps an HTTP 500 to unavailable, retryable", async () => {
      const tn = await putParcel("in_transit");
      await fault("error500");
      const result = await withAdapter(makeAdapter, (a) => a.track(tn, ctx()));
      expectCarrierError(result, "unavailable", true);
      expect(await callsOf(tn)).toEqual([]);
    });

    itIf(
      intercepts,
      "maps an HTTP 500 during an intercept to outcome_unknown, not retryable",
      async () => {
        // A 500 may come after the carrier acted: the gateway must ask before sending again.
        const tn = await putParcel("in_transit", { outcomeDelayMs: 60_000 });
        await fault("error500");
        const result = await withAdapter(makeAdapter, (a) =>
          offered(a, "intercept")(interceptCommand(tn), ctx()),
        );
        expectCarrierError(result, "outcome_unknown", false);
      },
    );

    itIf(
      intercepts,
      "maps a reset during an intercept to outcome_unknown, not retryable",
      async () => {
        const tn = await putParcel("in_transit", { outcomeDelayMs: 60_000 });
        await fault("reset");
        const result = await withAdapter(makeAdapter, (a) =>
          offered(a, "intercept")(interceptCommand(tn), ctx()),
        );
        expectCarrierError(result, "outcome_unknown", false);
        expect(await callsOf(tn)).toEqual([]);
      },
    );

    it("maps a carrier timeout on a read to outcome_unknown, retryable", async () => {
      const tn = await putParcel("in_transit");
      await fault("timeout");
      const result = await withAdapter(makeAdapter, (a) => a.track(tn, ctx(300)));
      expectCarrierError(result, "outcome_unknown", true);
    });

    it("maps the carrier's throttling answer to rate_limited, retryable", async () => {
      const tn = await putParcel("in_transit");
      await fault("rate_limited");
      const result = await withAdapter(makeAdapter, (a) => a.track(tn, ctx()));
      expectCarrierError(result, "rate_limited", true);
      // The fault is consumed: the next call is served.
      const next = await withAdapter(makeAdapter, (a) => a.track(tn, ctx()));
      expect(next.ok, show(next)).toBe(true);
    });

    it("maps wrong credentials to auth_failed, not retryable, and serves nothing", async () => {
      const tn = await putParcel("in_transit");
      const result = await withAdapter(
        options.makeAdapterWithWrongCredentials,
        (a): Promise<CarrierResult<unknown>> =>
          intercepts ? offered(a, "intercept")(interceptCommand(tn), ctx()) : a.track(tn, ctx()),
      );
      expectCarrierError(result, "auth_failed", false);
      expect(await callsOf(tn)).toEqual([]);
    });
  });
}
