/**
 * A submit accepted while the carrier could not be asked about the parcel: its eligibility is
 * decided when the job runs, once the carrier answers.
 */

import type { RegisteredCarrier } from "../carriers/registry.ts";
import { carrierActor } from "../domain/actors.ts";
import { notEligible } from "../domain/failure.ts";
import { statusesLeadingTo } from "../domain/status.ts";
import { type Assessment, assess } from "../services/assessment.ts";
import { countStatus, type ServiceDeps } from "../services/deps.ts";
import type {
  InterceptionRecord,
  JobRecord,
  MerchantRecord,
  TransitionResult,
} from "../store/store.ts";
import { newJob } from "./new-job.ts";
import { retrySubmitLater, submitWorksOn } from "./submit-retry.ts";

/**
 * Assesses the parcel now and commits what that decided when it ends the job (refused, or not
 * collected so locked), or gives the job back while the carrier's tracking still cannot be
 * reached. Returns false when the interception should go on to the carrier (`record` then
 * carries the assessment).
 */
export async function assessLate(
  deps: ServiceDeps,
  job: JobRecord,
  record: InterceptionRecord,
  carrier: RegisteredCarrier,
  deadline: number,
): Promise<boolean> {
  const merchant = await deps.store.merchants.get(record.merchantId);
  if (!merchant) {
    throw new Error(`interception ${record.id} has no merchant ${record.merchantId}`);
  }
  const assessment = await assess(deps, carrier, merchant, record, deadline, record.id);
  return settleLateAssessment(deps, job, record, merchant, assessment, deadline);
}

/**
 * The carrier has now confirmed the parcel (or said it does not know it), so an accepted
 * outcome binds the parcel to the merchant in its own transaction. If another merchant bound
 * it meanwhile, the parcel is assessed again, now reading as one the carrier does not know (no
 * carrier call), and the interception is refused as for any such parcel.
 */
async function settleLateAssessment(
  deps: ServiceDeps,
  job: JobRecord,
  record: InterceptionRecord,
  merchant: MerchantRecord,
  assessment: Assessment,
  deadline: number,
): Promise<boolean> {
  if (assessment.trackingUnreachable) {
    // Checked here, not only by the caller: the re-assessment below, after another merchant
    // took the parcel, reads as unreachable while the carrier's breaker is open, and looping
    // on it would never end.
    await retrySubmitLater(deps, job, record, "the carrier's tracking could not be reached");
    return true;
  }
  const { store } = deps;
  const at = deps.now().toISOString();
  const base = {
    parcelState: assessment.parcelState,
    successLikelihood: assessment.decision.successLikelihood,
    cost: assessment.cost,
  };
  if (!assessment.decision.eligible) {
    await store.interceptions.transition(record.id, {
      from: [submitWorksOn],
      to: "failed",
      patch: { ...base, failure: notEligible(assessment.decision.reasons) },
      event: {
        at,
        detail: "Refused once the carrier could be asked: the parcel is not eligible.",
        actor: carrierActor(record.carrier),
      },
      completeJobId: job.id,
    });
    countStatus(deps, "failed", record.carrier);
    return true;
  }
  let result: TransitionResult;
  if (assessment.decision.disposition === "lock") {
    const pickupCancel = assessment.carrier.capabilities.pickupCancel;
    result = await store.interceptions.transition(record.id, {
      from: statusesLeadingTo("locked"),
      to: "locked",
      patch: base,
      event: {
        at,
        detail: "Not collected by the carrier yet: held (locked) in the warehouse.",
        actor: carrierActor(record.carrier),
      },
      completeJobId: job.id,
      ...(pickupCancel ? { scheduleJob: newJob(record.id, "cancel_pickup", at) } : {}),
      bindParcel: true,
    });
    if (result === "applied") {
      countStatus(deps, "locked", record.carrier);
      return true;
    }
  } else {
    result = await store.interceptions.transition(record.id, {
      from: [submitWorksOn],
      patch: base,
      event: {
        at,
        detail: `The carrier reports the parcel ${assessment.parcelState}.`,
        actor: carrierActor(record.carrier),
      },
      bindParcel: true,
    });
    if (result === "applied") {
      Object.assign(record, base);
      return false;
    }
  }
  if (result === "parcel_of_another_merchant") {
    const again = await assess(deps, assessment.carrier, merchant, record, deadline, record.id);
    return settleLateAssessment(deps, job, record, merchant, again, deadline);
  }
  // The interception moved on meanwhile (withdrawn, say): nothing left to send.
  await store.jobs.complete(job);
  return true;
}
