/**
 * `cancel`: asks the carrier to cancel a submitted interception, as the merchant asked. The
 * request that asked runs the job itself and answers by how it ended.
 */

import type { InterceptionStatus } from "../../contracts/normalized.ts";
import type { RegisteredCarrier } from "../carriers/registry.ts";
import { carrierActor } from "../domain/actors.ts";
import { isRefusal, mayHaveActed } from "../domain/carrier-errors.ts";
import { statusesLeadingTo } from "../domain/status.ts";
import { countStatus, type ServiceDeps } from "../services/deps.ts";
import type { InterceptionRecord, JobRecord } from "../store/store.ts";
import { askOutcome, outcomeQuery, recordPolled } from "./carrier-outcome.ts";
import { endJob } from "./job-ends.ts";
import { type JobHandler, logFieldsOf } from "./job-handler.ts";
import { type FailedAttempt, retryOrGiveUp } from "./retry-policy.ts";

/**
 * How a cancel job's run ended: the carrier cancelled; the job ended without cancelling (a
 * refusal, or giving up: `detail` says which); it waits for another attempt; or the
 * interception was decided otherwise meanwhile.
 */
export type CancelEnd =
  | { kind: "cancelled" }
  | { kind: "ended"; detail: string }
  | { kind: "waiting" }
  | { kind: "moved_on" };

/**
 * What a cancel records without cancelling (a refusal, giving up) holds only while the
 * interception is still submitted (see job-ends.ts).
 */
const worksOn: InterceptionStatus = "submitted";

export const cancelJob: JobHandler = {
  worksOn,
  run: async (deps, job, record, carrier, deadline) => {
    await cancel(deps, job, record, carrier, deadline);
  },
  /** Failing the interception would be wrong: only its cancellation is in trouble. */
  crashed: async (deps, job, record, error) => {
    // The reason ends up in an event if the cancel gives up: no stack there.
    await retryCancelLater(deps, job, record, "the gateway failed on it", {
      maybeSent: true,
      lastError: error,
    });
  },
};

/**
 * Asks the carrier to cancel a submitted interception. A refusal ends the job with an event
 * saying why; an outage or a lost reply tries again later. Cancelling twice is cancelling
 * once, so a cancel whose reply was lost is sent again, after asking a carrier that can be
 * asked whether it already shows an outcome; a refusal of that repeat may only mean the first
 * cancel went through, so it decides nothing. Giving up leaves the interception as it is: the
 * interception itself may still succeed, and its outcome still comes.
 */
export async function cancel(
  deps: ServiceDeps,
  job: JobRecord,
  record: InterceptionRecord,
  carrier: RegisteredCarrier,
  deadline: number,
): Promise<CancelEnd> {
  const { adapter } = carrier.resilient;
  if (!adapter.cancel || !record.carrierReference) {
    throw new Error(`cancel job ${job.id} for ${record.carrier}, which cannot cancel`);
  }
  if (job.maybeSent && adapter.pollOutcome) {
    const query = outcomeQuery(record, record.carrierReference, record.createdAt);
    const asked = await askOutcome(carrier, query, deadline);
    if (!asked.ok) {
      return retryCancelLater(deps, job, record, `${asked.error.code}: ${asked.error.message}`, {
        retryAfterMs: asked.error.retryAfterMs,
      });
    }
    if (asked.value.outcome !== null) {
      // A final outcome: recording it ends the job with every other job of the interception.
      await recordPolled(deps, record, asked.value, job.id);
      await deps.store.jobs.complete(job);
      return { kind: "moved_on" };
    }
  }
  const carrierCancel = adapter.cancel.bind(adapter);
  const command = {
    reference: record.id,
    trackingNumber: record.trackingNumber,
    carrierReference: record.carrierReference,
    action: record.action,
  };
  const result = await carrier.resilient.call("cancel", (ctx) => carrierCancel(command, ctx), {
    deadline,
    log: logFieldsOf(job),
  });
  if (result.ok) {
    const detail = "Cancelled at the carrier by the merchant.";
    if (
      await endJob(
        deps,
        job,
        record,
        statusesLeadingTo("cancelled"),
        detail,
        carrierActor(record.carrier),
        "cancelled",
      )
    ) {
      countStatus(deps, "cancelled", record.carrier);
      return { kind: "cancelled" };
    }
    const now = await deps.store.interceptions.getById(record.id);
    if (now?.status !== "cancelled") {
      // Decided otherwise meanwhile (a push or a poll): the carrier now holds a cancellation
      // of an interception the gateway recorded as decided. Someone must look at it.
      deps.logger.error("carrier cancelled an interception already decided", {
        interceptionId: record.id,
        carrier: record.carrier,
        status: now?.status,
      });
    }
    return { kind: "moved_on" };
  }
  const { code, message } = result.error;
  if (isRefusal(code)) {
    return endWithoutCancelling(
      deps,
      job,
      record,
      job.maybeSent
        ? `The carrier refused a repeated cancel (${message}); the first may have gone through, and the carrier's report will tell.`
        : `The carrier refused to cancel: ${message}`,
    );
  }
  if (code === "auth_failed") {
    deps.logger.error("carrier refused our credentials on cancel", { carrier: record.carrier });
  }
  return retryCancelLater(deps, job, record, `${code}: ${message}`, {
    retryAfterMs: result.error.retryAfterMs,
    maybeSent: mayHaveActed(code),
  });
}

/**
 * Gives the cancel back for a later attempt, or gives it up once it has used its attempts.
 * `reason` is merchant-safe (it goes into the give-up event); `lastError`, kept on the job,
 * is `reason` unless given.
 */
async function retryCancelLater(
  deps: ServiceDeps,
  job: JobRecord,
  record: InterceptionRecord,
  reason: string,
  attempt: Partial<FailedAttempt>,
): Promise<CancelEnd> {
  const retried = await retryOrGiveUp(
    deps,
    job,
    { ...attempt, lastError: attempt.lastError ?? reason },
    () =>
      endWithoutCancelling(
        deps,
        job,
        record,
        `Gave up cancelling at the carrier (${reason}); the interception goes on.`,
      ),
  );
  return retried === "retrying" ? { kind: "waiting" } : retried;
}

/** Ends the cancel with an event saying why it did not cancel, unless decided meanwhile. */
async function endWithoutCancelling(
  deps: ServiceDeps,
  job: JobRecord,
  record: InterceptionRecord,
  detail: string,
): Promise<CancelEnd> {
  return (await endJob(deps, job, record, [worksOn], detail, carrierActor(record.carrier)))
    ? { kind: "ended", detail }
    : { kind: "moved_on" };
}
