/**
 * `submit`: asks the carrier to intercept or redirect a pending interception. The request that
 * stored the interception runs it within its deadline; the worker runs it when that was not
 * enough. On acceptance the interception is submitted and its first poll scheduled.
 */

import {
  type CarrierResult,
  notOffered,
  type SubmitAccepted,
} from "../../contracts/carrier-adapter.ts";
import type { RegisteredCarrier } from "../carriers/registry.ts";
import { carrierActor } from "../domain/actors.ts";
import { isRefusal, mayHaveActed } from "../domain/carrier-errors.ts";
import { carrierRefused, submitOutcomeUnknown } from "../domain/failure.ts";
import { statusesLeadingTo } from "../domain/status.ts";
import { countStatus, type ServiceDeps } from "../services/deps.ts";
import type { InterceptionRecord, JobRecord } from "../store/store.ts";
import { fail, retryCrashed } from "./job-ends.ts";
import { type JobHandler, logFieldsOf } from "./job-handler.ts";
import { nextPoll } from "./retry-policy.ts";
import { assessLate } from "./submit-late-assessment.ts";
import { decidedDespiteLostReply } from "./submit-lost-reply.ts";
import { retrySubmitLater, submitWorksOn } from "./submit-retry.ts";

export const submitJob: JobHandler = {
  worksOn: submitWorksOn,
  run: submit,
  // A submit that crashed may have crashed after its request left.
  crashed: (deps, job, record, error) =>
    retryCrashed(deps, job, record, error, submitOutcomeUnknown("the gateway failed on it")),
};

async function submit(
  deps: ServiceDeps,
  job: JobRecord,
  record: InterceptionRecord,
  carrier: RegisteredCarrier,
  deadline: number,
): Promise<void> {
  // Accepted while the carrier could not be asked: decide eligibility now.
  if (
    record.parcelState === "unknown" &&
    (await assessLate(deps, job, record, carrier, deadline))
  ) {
    return;
  }
  if (await decidedDespiteLostReply(deps, job, record, carrier, deadline)) {
    return;
  }

  const command = {
    reference: record.id,
    trackingNumber: record.trackingNumber,
    reason: record.reason,
    payment: { payer: record.cost.payer, mode: record.cost.mode },
    ...(record.note ? { note: record.note } : {}),
  };
  const { adapter } = carrier.resilient;
  const redirectTo = record.redirectTo;
  const log = logFieldsOf(job);
  const result: CarrierResult<SubmitAccepted> =
    record.action === "redirect" && redirectTo
      ? await carrier.resilient.call(
          "redirect",
          (ctx) =>
            adapter.redirect?.({ ...command, redirectTo }, ctx) ?? notOffered(adapter, "redirect"),
          { deadline, log },
        )
      : await carrier.resilient.call(
          "intercept",
          (ctx) => adapter.intercept?.(command, ctx) ?? notOffered(adapter, "intercept"),
          { deadline, log },
        );

  // Our earlier attempt may have reached the carrier with its reply lost: the carrier now holds
  // the interception we sent (under our reference), so "already intercepted" is our acceptance.
  const lostReplyConfirmed =
    !result.ok && result.error.code === "already_intercepted" && job.maybeSent;
  if (result.ok || lostReplyConfirmed) {
    const carrierReference = result.ok ? result.value.carrierReference : record.id;
    const fee = result.ok ? result.value.fee : null;
    const applied = await deps.store.interceptions.transition(record.id, {
      from: statusesLeadingTo("submitted"),
      to: "submitted",
      patch: { carrierReference, cost: { ...record.cost, quoted: fee ?? record.cost.quoted } },
      event: {
        at: deps.now().toISOString(),
        detail: result.ok
          ? `Accepted by the carrier (reference ${carrierReference}).`
          : "Accepted by the carrier (confirmed after a lost reply).",
        actor: carrierActor(record.carrier),
      },
      completeJobId: job.id,
      // Polled carriers are asked on the poll schedule; push carriers are checked later by
      // tracking, in case their push never arrives (the gateway was down when it came).
      scheduleJob: nextPoll(deps, record, carrier, 0),
    });
    if (applied !== "applied") {
      // The interception moved on (cancelled) while the carrier was accepting it: the carrier
      // now holds an interception the gateway does not. Someone must look at it.
      deps.logger.error("carrier accepted an interception the gateway no longer holds", {
        interceptionId: record.id,
        carrier: record.carrier,
        result: applied,
      });
      return;
    }
    countStatus(deps, "submitted", record.carrier);
    return;
  }

  const error = result.error;
  if (isRefusal(error.code)) {
    await fail(
      deps,
      job,
      record,
      submitWorksOn,
      carrierRefused(`carrier_${error.code}`, error.message),
      `Refused by the carrier: ${error.message}`,
      carrierActor(record.carrier),
    );
    return;
  }
  deps.logger.warn("carrier submit deferred", {
    ...log,
    carrier: record.carrier,
    code: error.code,
    message: error.message,
    ...(error.diagnostic ? { diagnostic: error.diagnostic } : {}),
  });
  await retrySubmitLater(
    deps,
    job,
    record,
    `${error.code}: ${error.message}`,
    error.retryAfterMs,
    mayHaveActed(error.code),
  );
}
