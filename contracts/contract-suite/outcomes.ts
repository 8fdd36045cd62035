/**
 * The contract suite's outcomes: an accepted intercept or redirect ends in the sandbox, and the
 * adapter reads how it ended, from the carrier's push or by polling, whichever the carrier does.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { CarrierAdapter, IncomingCallback } from "../carrier-adapter.ts";
import { expectCarrierError, show } from "../testing.ts";
import { ctx, interceptCommand, offered, withAdapter } from "./adapter-calls.ts";
import { describeIf } from "./conditional.ts";
import { type PushReceiver, startReceiver } from "./push-receiver.ts";
import type { SandboxSection } from "./section.ts";

/** How long a polled outcome may take in the sandbox before the suite gives up. */
const pollDeadlineMs = 5_000;

export function declareOutcomes({
  options,
  capabilities,
  sandbox,
  redirectTo,
}: SandboxSection): void {
  const { carrier, makeAdapter } = options;
  const { putParcel, controlCall } = sandbox;

  const outcomeCases = [
    { action: "intercept", interceptOutcome: "success", outcome: "succeeded", state: "returned" },
    { action: "intercept", interceptOutcome: "failure", outcome: "failed", state: "delivered" },
    {
      action: "redirect",
      interceptOutcome: "success",
      outcome: "succeeded",
      state: "in_transit",
    },
  ] as const;
  const supportedCases = outcomeCases.filter((c) => capabilities.actions.includes(c.action));

  /** Sends an intercept or a redirect of `tn` and expects the carrier to accept it. */
  async function submit(
    adapter: CarrierAdapter,
    action: "intercept" | "redirect",
    tn: string,
  ): Promise<{ reference: string; carrierReference: string }> {
    const base = interceptCommand(tn);
    const accepted =
      action === "intercept"
        ? await offered(adapter, "intercept")(base, ctx())
        : await offered(adapter, "redirect")(
            { ...base, payment: { payer: "merchant", mode: "paid_redirect" }, redirectTo },
            ctx(),
          );
    expect(accepted.ok, show(accepted)).toBe(true);
    return {
      reference: base.reference,
      carrierReference: accepted.ok ? accepted.value.carrierReference : "",
    };
  }

  describeIf(capabilities.outcome === "push" && supportedCases.length > 0, "outcome push", () => {
    let receiver: PushReceiver;
    let callbackUrl: string;

    beforeAll(async () => {
      receiver = await startReceiver();
      const base = `${receiver.url}/callbacks/${carrier}`;
      callbackUrl = options.pushUrl ? options.pushUrl(base) : base;
      const set = await controlCall("POST", "/_sandbox/push-urls", {
        carrier,
        url: callbackUrl,
      });
      expect(set.status, show(set)).toBe(200);
    });

    afterAll(async () => {
      await controlCall("POST", "/_sandbox/push-urls", { carrier, url: null });
      await receiver.close();
    });

    async function pushFor(trackingNumber: string): Promise<IncomingCallback> {
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline) {
        const push = receiver.received.find((p) => p.body.includes(trackingNumber));
        if (push !== undefined) {
          return push;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`no push for ${trackingNumber}; received ${show(receiver.received)}`);
    }

    it.each(supportedCases)(
      "pushes a $action that ends in $interceptOutcome, parsed as $outcome",
      async ({ action, interceptOutcome, outcome, state }) => {
        const tn = await putParcel("in_transit", { interceptOutcome, outcomeDelayMs: 50 });
        await withAdapter(
          () => makeAdapter({ callbackUrl }),
          (a) => submit(a, action, tn),
        );

        const push = await pushFor(tn);
        const adapter = makeAdapter({ callbackUrl });
        try {
          const parsed = adapter.parseCallback(push);
          expect(parsed.ok, show(parsed)).toBe(true);
          if (!parsed.ok) {
            return;
          }
          expect(parsed.value.reply.status).toBe(200);
          const decisive = parsed.value.reports.filter(
            (r) => r.trackingNumber === tn && r.outcome !== null,
          );
          expect(decisive, show(parsed)).toHaveLength(1);
          expect(decisive[0], show(parsed)).toMatchObject({ outcome, parcelState: state });
          expect(decisive[0]?.eventId, show(parsed)).toMatch(/\S/);

          for (const forged of options.forgedPushes?.(push) ?? []) {
            expectCarrierError(adapter.parseCallback(forged), "auth_failed", false);
          }
        } finally {
          await adapter.close();
        }
      },
    );
  });

  describeIf(
    capabilities.outcome === "poll" && supportedCases.length > 0,
    "outcome polling",
    () => {
      it.each(supportedCases)(
        "polls a $action that ends in $interceptOutcome as $outcome",
        async ({ action, interceptOutcome, outcome, state }) => {
          const tn = await putParcel("in_transit", { interceptOutcome, outcomeDelayMs: 50 });
          await withAdapter(makeAdapter, async (a) => {
            const submittedAt = new Date().toISOString();
            const { reference, carrierReference } = await submit(a, action, tn);
            const query = {
              reference,
              trackingNumber: tn,
              carrierReference,
              action,
              submittedAt,
            };
            const pollOutcome = offered(a, "pollOutcome");
            const first = await pollOutcome(query, ctx());
            expect(first.ok, show(first)).toBe(true);
            const deadline = Date.now() + pollDeadlineMs;
            for (;;) {
              const polled = await pollOutcome(query, ctx());
              expect(polled.ok, show(polled)).toBe(true);
              if (polled.ok && polled.value.outcome !== null) {
                expect(polled.value, show(polled)).toMatchObject({ outcome, parcelState: state });
                return;
              }
              if (Date.now() > deadline) {
                throw new Error(`no decisive outcome for ${tn}: ${show(polled)}`);
              }
              await new Promise((resolve) => setTimeout(resolve, 30));
            }
          });
        },
      );
    },
  );
}
