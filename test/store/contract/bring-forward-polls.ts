/** The contract of `store.jobs.bringForwardPolls`. */

import { beforeEach, describe, expect, it } from "vitest";
import { gatewayActor } from "../../../src/domain/actors.ts";
import type { InterceptionRecord, Store } from "../../../src/store/store.ts";
import { at, icpId, interception, job, seed } from "./fixtures.ts";
import type { ContractSubject } from "./index.ts";

export function bringForwardPollsContract(subject: ContractSubject): void {
  describe("jobs.bringForwardPolls", () => {
    let store: Store;
    beforeEach(() => {
      store = subject.store;
    });

    /** A submitted interception of `carrier` whose poll job `jobId` is due at `runAt`. */
    async function submittedWithPoll(
      seconds: number,
      carrier: InterceptionRecord["carrier"],
      jobId: string,
      runAt: string,
    ): Promise<string> {
      const id = icpId(seconds);
      await seed(store, interception(id, "mer_a", { carrier, status: "submitted" }), false);
      const result = await store.interceptions.transition(id, {
        from: ["submitted"],
        event: { at: at(seconds), detail: "Accepted by the carrier.", actor: gatewayActor },
        scheduleJob: { ...job(jobId, id, runAt), kind: "poll" },
      });
      expect(result).toBe("applied");
      return id;
    }

    it("spreads the late polls of submitted push interceptions over the window, once", async () => {
      const first = await submittedWithPoll(1, "sf-express", "job_1", at(900));
      const second = await submittedWithPoll(2, "sf-express", "job_2", at(1800));
      const third = await submittedWithPoll(3, "kuaidi100", "job_3", at(900));
      const polled = await submittedWithPoll(4, "jd", "job_4", at(900));
      const soon = await submittedWithPoll(5, "sf-express", "job_5", at(10));
      const held = await submittedWithPoll(6, "sf-express", "job_6", at(900));
      expect(await store.jobs.claim("job_6", at(-10), at(300))).not.toBeNull();
      const pending = icpId(7);
      await seed(store, interception(pending, "mer_a"), false);
      await store.interceptions.transition(pending, {
        from: ["pending"],
        event: { at: at(7), detail: "Deferred.", actor: gatewayActor },
        scheduleJob: job("job_7", pending, at(900)),
      });

      const input = {
        carriers: ["sf-express", "kuaidi100"] as const,
        now: at(0),
        windowMs: 60_000,
      };
      expect(await store.jobs.bringForwardPolls(input)).toBe(3);
      const runAt = async (id: string) => (await store.jobs.forInterception(id))?.runAt;
      // Soonest due first, evenly over the minute; nothing else about the job changes.
      expect(await runAt(first)).toBe(at(0));
      expect(await runAt(third)).toBe(at(20));
      expect(await runAt(second)).toBe(at(40));
      expect(await store.jobs.forInterception(second)).toEqual({
        ...job("job_2", second, at(40)),
        kind: "poll",
      });
      expect(await runAt(polled), "a carrier not asked about").toBe(at(900));
      expect(await runAt(soon), "already due within the window").toBe(at(10));
      expect(await store.jobs.forInterception(held), "leased by a live holder").toMatchObject({
        runAt: at(900),
        leaseUntil: at(300),
      });
      expect(await runAt(pending), "a submit, not a poll").toBe(at(900));

      // A second start (another instance) a little later finds nothing left to bring forward.
      expect(await store.jobs.bringForwardPolls({ ...input, now: at(5) })).toBe(0);
      expect(await runAt(second)).toBe(at(40));
      expect(await store.jobs.bringForwardPolls({ ...input, carriers: [] })).toBe(0);
    });
  });
}
