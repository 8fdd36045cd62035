/** The contract of `store.interceptions.transition`. */

import { beforeEach, describe, expect, it } from "vitest";
import { carrierActor, gatewayActor } from "../../../src/domain/actors.ts";
import type { Store } from "../../../src/store/store.ts";
import { at, icpId, interception, job, seed } from "./fixtures.ts";
import type { ContractSubject } from "./index.ts";

export function transitionsContract(subject: ContractSubject): void {
  describe("interceptions.transition", () => {
    let store: Store;
    let id: string;

    beforeEach(async () => {
      store = subject.store;
      id = icpId(1);
      await seed(store, interception(id, "mer_a"));
    });

    it("moves forward only from the expected statuses", async () => {
      const submitted = await store.interceptions.transition(id, {
        from: ["pending"],
        to: "submitted",
        patch: { carrierReference: "SF-REF-1", parcelState: "at_delivery_station" },
        event: { at: at(5), detail: "Accepted by the carrier.", actor: gatewayActor },
      });
      expect(submitted).toBe("applied");

      const backwards = await store.interceptions.transition(id, {
        from: ["pending"],
        to: "submitted",
        event: { at: at(6), detail: "Replayed submit.", actor: gatewayActor },
      });
      expect(backwards).toBe("status_mismatch");

      const read = await store.interceptions.getById(id);
      expect(read?.status).toBe("submitted");
      expect(read?.carrierReference).toBe("SF-REF-1");
      expect(read?.parcelState).toBe("at_delivery_station");
      expect(read?.updatedAt, "status_mismatch changes nothing").toBe(at(5));
      expect(read?.events.map((event) => [event.status, event.detail])).toEqual([
        ["pending", "Stored."],
        ["submitted", "Accepted by the carrier."],
      ]);
      expect(
        await store.interceptions.transition("icp_missing", {
          from: ["pending"],
          event: { at: at(7), detail: "x", actor: gatewayActor },
        }),
      ).toBe("not_found");
    });

    it("ignores a carrier report it has already recorded", async () => {
      const report = {
        from: ["pending", "submitted"] as const,
        to: "submitted" as const,
        patch: { parcelState: "out_for_delivery" as const, successLikelihood: "low" as const },
        event: {
          at: at(5),
          detail: "Out for delivery.",
          carrierEventId: "sf-evt-1",
          actor: gatewayActor,
        },
      };
      expect(await store.interceptions.transition(id, report)).toBe("applied");
      const repeat = {
        ...report,
        patch: { parcelState: "delivered" as const },
        event: { ...report.event, at: at(9), actor: gatewayActor },
      };
      expect(await store.interceptions.transition(id, repeat)).toBe("duplicate_event");

      const read = await store.interceptions.getById(id);
      expect(read?.parcelState, "the repeat changed nothing").toBe("out_for_delivery");
      expect(read?.updatedAt).toBe(at(5));
      expect(read?.events.map((event) => event.carrierEventId)).toEqual([null, "sf-evt-1"]);

      // The same carrier event id on another interception is a different report.
      const other = icpId(2);
      await seed(store, interception(other, "mer_a"));
      expect(await store.interceptions.transition(other, report)).toBe("applied");
    });

    it("leaves a patched column alone when its value is undefined, and sets one patched to null", async () => {
      await store.interceptions.transition(id, {
        from: ["pending"],
        patch: {
          carrierReference: "SF-REF-1",
          failure: { code: "x", message: "y", advice: "z" },
        },
        event: { at: at(2), detail: "Reference known.", actor: gatewayActor },
      });
      await store.interceptions.transition(id, {
        from: ["pending"],
        to: "submitted",
        patch: { carrierReference: undefined, failure: null, parcelState: "returned" },
        event: { at: at(3), detail: "Submitted.", actor: gatewayActor },
      });
      const read = await store.interceptions.getById(id);
      expect(read).toMatchObject({
        status: "submitted",
        carrierReference: "SF-REF-1",
        parcelState: "returned",
        failure: null,
      });
    });

    it("updates without a status change and records the event under the current status", async () => {
      expect(
        await store.interceptions.transition(id, {
          from: ["pending"],
          patch: {
            cost: {
              payer: "merchant",
              mode: "paid_redirect",
              quoted: { amount: "12.00", currency: "CNY" },
              final: null,
              settlement: "offline",
            },
            failure: { code: "x", message: "y", advice: "z" },
          },
          event: { at: at(3), detail: "Quote received.", actor: carrierActor("sf-express") },
        }),
      ).toBe("applied");
      const read = await store.interceptions.getById(id);
      expect(read?.status).toBe("pending");
      expect(read?.cost.quoted).toEqual({ amount: "12.00", currency: "CNY" });
      expect(read?.failure).toEqual({ code: "x", message: "y", advice: "z" });
      expect(read?.events.at(-1)).toEqual({
        at: at(3),
        status: "pending",
        detail: "Quote received.",
        carrierEventId: null,
        actor: { type: "carrier", id: "sf-express" },
      });
    });

    it("completes and schedules jobs in the same transaction as the status change", async () => {
      const followUp = job("job_poll", id, at(60));
      expect(
        await store.interceptions.transition(id, {
          from: ["pending"],
          to: "submitted",
          event: { at: at(5), detail: "Accepted.", actor: gatewayActor },
          completeJobId: `job_${id}`,
          scheduleJob: followUp,
        }),
      ).toBe("applied");
      expect(await store.jobs.forInterception(id)).toEqual(followUp);

      // A second job of the same kind: neither the status change nor the event happens.
      expect(
        await store.interceptions.transition(id, {
          from: ["submitted"],
          event: { at: at(9), detail: "Scheduled again.", actor: gatewayActor },
          scheduleJob: job("job_other", id, at(90)),
        }),
      ).toBe("job_exists");
      const read = await store.interceptions.getById(id);
      expect(read?.status).toBe("submitted");
      expect(read?.events).toHaveLength(2);
      expect(await store.jobs.forInterception(id)).toEqual(followUp);
    });

    it("deletes every job of an interception that reaches a final status", async () => {
      const cancel = { ...job("job_cancel", id, at(30)), kind: "cancel" as const };
      expect(
        await store.interceptions.transition(id, {
          from: ["pending"],
          event: { at: at(5), detail: "Cancel asked.", actor: gatewayActor },
          scheduleJob: cancel,
        }),
      ).toBe("applied");
      expect(await store.jobs.forInterception(id, "cancel")).toEqual(cancel);
      expect(await store.jobs.forInterception(id, "submit")).not.toBeNull();

      // Decided by a report that names no job: neither job has anything left to do.
      expect(
        await store.interceptions.transition(id, {
          from: ["pending"],
          to: "succeeded",
          event: { at: at(9), detail: "Returned to sender.", actor: gatewayActor },
        }),
      ).toBe("applied");
      expect(await store.jobs.forInterception(id)).toBeNull();
    });
  });
}
