/**
 * `cancel_pickup`: cancels the pickup of a locked parcel the carrier has not collected, so the
 * parcel stays in the merchant's warehouse.
 */

import type { InterceptionStatus } from "../../contracts/normalized.ts";
import type { RegisteredCarrier } from "../carriers/registry.ts";
import { carrierActor } from "../domain/actors.ts";
import { isRefusal, mayHaveActed } from "../domain/carrier-errors.ts";
import { carrierUnreachable, internalFailure, pickupCancelRefused } from "../domain/failure.ts";
import type { ServiceDeps } from "../services/deps.ts";
import type { InterceptionRecord, JobRecord } from "../store/store.ts";
import { endJob, fail, retryCrashed, retryLater } from "./job-ends.ts";
import { type JobHandler, logFieldsOf } from "./job-handler.ts";

/** What a pickup cancel records holds only while the lock does (see job-ends.ts). */
const worksOn: InterceptionStatus = "locked";

export const cancelPickupJob: JobHandler = {
  worksOn,
  run: cancelPickup,
  crashed: (deps, job, record, error) => retryCrashed(deps, job, record, error, internalFailure()),
};

async function cancelPickup(
  deps: ServiceDeps,
  job: JobRecord,
  record: InterceptionRecord,
  carrier: RegisteredCarrier,
  deadline: number,
): Promise<void> {
  const { adapter } = carrier.resilient;
  if (!adapter.cancelPickup) {
    throw new Error(
      `cancel_pickup job ${job.id} for ${record.carrier}, which cannot cancel pickups`,
    );
  }
  const cancel = adapter.cancelPickup.bind(adapter);
  const command = {
    reference: record.id,
    trackingNumber: record.trackingNumber,
    reason: record.reason,
  };
  const result = await carrier.resilient.call("cancel_pickup", (ctx) => cancel(command, ctx), {
    deadline,
    log: logFieldsOf(job),
  });
  if (result.ok) {
    await deps.store.interceptions.transition(record.id, {
      from: [worksOn],
      event: {
        at: deps.now().toISOString(),
        detail: "Pickup cancelled at the carrier: it will not collect the parcel.",
        actor: carrierActor(record.carrier),
      },
      completeJobId: job.id,
    });
    return;
  }
  const { code, message, retryAfterMs } = result.error;
  if (isRefusal(code) && job.maybeSent) {
    // An earlier cancel may have gone through (its reply was lost), and this refusal may only
    // say so: it proves nothing either way. The lock holds; the merchant decides.
    await endJob(
      deps,
      job,
      record,
      [worksOn],
      `The carrier refused a repeated pickup cancel (${message}); the first may have gone through: check the pickup with the carrier.`,
      carrierActor(record.carrier),
    );
    return;
  }
  if (isRefusal(code)) {
    await fail(
      deps,
      job,
      record,
      worksOn,
      pickupCancelRefused(message),
      `The carrier refused to cancel the pickup: ${message}`,
      carrierActor(record.carrier),
    );
    return;
  }
  const reason = `${code}: ${message}`;
  await retryLater(
    deps,
    job,
    record,
    worksOn,
    { lastError: reason, retryAfterMs, maybeSent: mayHaveActed(code) },
    carrierUnreachable(reason),
  );
}
