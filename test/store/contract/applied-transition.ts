/**
 * The contract of what a transition leaves, and of its idempotency completion. A request answers
 * from the interception it holds, changed by `appliedTransition`, instead of reading it back: the
 * store must leave exactly that. A transition's completion commits with it, or not at all.
 */

import { describe, expect, it } from "vitest";
import { gatewayActor } from "../../../src/domain/actors.ts";
import { appliedTransition } from "../../../src/store/applied-transition.ts";
import type {
  IdempotencyKeyClaim,
  InterceptionRecord,
  InterceptionTransition,
  InterceptionWithEvents,
  Store,
} from "../../../src/store/store.ts";
import { at, createdEvent, freeRedirect, icpId, interception } from "./fixtures.ts";
import type { ContractSubject } from "./index.ts";

const claim: IdempotencyKeyClaim = {
  merchantId: "mer_a",
  key: "key-1",
  fingerprint: "fp-1",
  now: at(0),
  lockedUntil: at(60),
};

/** Stores `record` under the key `claim` names, as a request's first commit does. */
async function storeUnderKey(store: Store, record: InterceptionRecord): Promise<void> {
  await store.interceptions.insert({
    interception: record,
    event: createdEvent(record.createdAt),
    job: null,
    idempotency: { merchantId: claim.merchantId, key: claim.key, claim },
  });
}

export function appliedTransitionContract(subject: ContractSubject): void {
  /** Stores `record`, applies `transitions` in turn, and compares the two at each step. */
  async function expectStoredAsApplied(
    record: InterceptionRecord,
    transitions: InterceptionTransition[],
  ): Promise<void> {
    const { store } = subject;
    await storeUnderKey(store, record);
    let held: InterceptionWithEvents = { ...record, events: [createdEvent(record.createdAt)] };
    for (const transition of transitions) {
      expect(await store.interceptions.transition(record.id, transition)).toBe("applied");
      held = appliedTransition(held, transition);
      expect(await store.interceptions.get(record.merchantId, record.id)).toEqual(held);
    }
  }

  describe("appliedTransition leaves what the store stores", () => {
    it("a submit's acceptance, then the carrier's push with its event id", async () => {
      const paid = { ...freeRedirect, payer: "merchant", mode: "paid_redirect" } as const;
      await expectStoredAsApplied(interception(icpId(0), "mer_a", { cost: paid }), [
        {
          from: ["pending"],
          to: "submitted",
          patch: {
            carrierReference: "SF-REF-1",
            cost: { ...paid, quoted: { amount: "12.00", currency: "CNY" } },
          },
          event: { at: at(1), detail: "Accepted by the carrier.", actor: gatewayActor },
        },
        {
          from: ["submitted"],
          to: "succeeded",
          patch: { parcelState: "returned", successLikelihood: "low" },
          event: {
            at: at(3600),
            detail: "Returned.",
            carrierEventId: "sf-evt-1",
            actor: gatewayActor,
          },
        },
      ]);
    });

    it("an update that keeps the status", async () => {
      await expectStoredAsApplied(interception(icpId(0), "mer_a"), [
        {
          from: ["pending"],
          patch: { parcelState: "out_for_delivery", successLikelihood: "low" },
          event: { at: at(1), detail: "The parcel is out for delivery.", actor: gatewayActor },
        },
      ]);
    });

    it("a redirect that fails charges nothing, whatever the patch says", async () => {
      const id = icpId(0);
      await expectStoredAsApplied(interception(id, "mer_a"), [
        {
          from: ["pending"],
          to: "failed",
          patch: {
            cost: { ...freeRedirect, quoted: { amount: "12.00", currency: "CNY" } },
            failure: { code: "carrier_refused", message: "Refused.", advice: "Call them." },
          },
          event: { at: at(1), detail: "Refused by the carrier.", actor: gatewayActor },
        },
      ]);
      expect((await subject.store.interceptions.get("mer_a", id))?.cost.mode).toBe("none");
    });
  });

  describe("a transition's idempotency completion", () => {
    const answer = { merchantId: claim.merchantId, key: claim.key, status: 201, body: "{}" };

    it("commits with the transition: the key then replays the answer", async () => {
      const { store } = subject;
      const id = icpId(0);
      await storeUnderKey(store, interception(id, "mer_a"));
      const result = await store.interceptions.transition(id, {
        from: ["pending"],
        to: "submitted",
        event: { at: at(1), detail: "Accepted by the carrier.", actor: gatewayActor },
        completeIdempotency: answer,
      });
      expect(result).toBe("applied");
      expect(await store.idempotency.claim({ ...claim, now: at(2) })).toEqual({
        outcome: "completed",
        status: 201,
        body: "{}",
      });
    });

    it("is not stored when the transition does not apply", async () => {
      const { store } = subject;
      const id = icpId(0);
      await storeUnderKey(store, interception(id, "mer_a"));
      const result = await store.interceptions.transition(id, {
        from: ["submitted"],
        to: "succeeded",
        event: { at: at(1), detail: "Returned.", actor: gatewayActor },
        completeIdempotency: answer,
      });
      expect(result).toBe("status_mismatch");
      // Still held by its request, which has not answered.
      expect(await store.idempotency.claim({ ...claim, now: at(2) })).toEqual({
        outcome: "in_progress",
      });
    });
  });
}
