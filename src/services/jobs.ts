/**
 * The work the gateway owes carriers, run outside any transaction by the request that created
 * it (within its deadline) or later by the worker:
 * - `submit`: ask the carrier to intercept or redirect a pending interception;
 * - `poll`: ask where a submitted interception stands: the carrier's own poll where it has one,
 *   else its tracking (a push carrier whose push may have been lost);
 * - `cancel`: ask the carrier to cancel a submitted interception (the merchant asked);
 * - `cancel_pickup`: cancel the pickup of a locked parcel the carrier has not collected.
 * Each outcome is committed together with the job's completion or its next run.
 */

import type {
  CallContext,
  CarrierResult,
  OutcomeQuery,
  PolledOutcome,
  SubmitAccepted,
} from "../../contracts/carrier-adapter.ts";
import type { Failure } from "../../contracts/interception.ts";
import type { InterceptionStatus } from "../../contracts/normalized.ts";
import type { RegisteredCarrier } from "../carriers/registry.ts";
import { isRefusal, mayHaveActed } from "../domain/carrier-errors.ts";
import {
  carrierRefused,
  carrierUnreachable,
  internalFailure,
  notEligible,
  outcomeNeverConfirmed,
  pickupCancelRefused,
  submitOutcomeUnknown,
} from "../domain/failure.ts";
import { outcomeFromTracking } from "../domain/tracking-outcome.ts";
import { newId } from "../ids.ts";
import type { LogFields } from "../logger.ts";
import type {
  InterceptionRecord,
  InterceptionWithEvents,
  JobRecord,
  MerchantRecord,
  TransitionResult,
} from "../store/store.ts";
import { type Assessment, assess } from "./assessment.ts";
import { carrierFor, countStatus, type ServiceDeps } from "./deps.ts";
import { recordCarrierReport } from "./outcomes.ts";

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
 * A cancel given back for a later attempt: after the carrier's `Retry-After`, possibly received
 * by the carrier; `lastError`, kept on the job, is the merchant-safe reason unless given.
 */
interface CancelRetry {
  retryAfterMs?: number;
  maybeSent?: boolean;
  lastError?: string;
}

export class JobRunner {
  constructor(private readonly deps: ServiceDeps) {}

  /**
   * A job whose run threw (a bug): retried with backoff like a carrier failure, and failed once
   * it has used its attempts, so it cannot loop forever: with an internal error, or as
   * `outcome_unknown` when the carrier may have received the request. A poll is polled again
   * within its horizon and ends as an outcome never confirmed past it (`pollCrashed`); a cancel
   * gives up its cancellation only. `error` (with its stack) stays in the job's `lastError` and
   * the log; what the merchant sees of it says only that the gateway failed.
   */
  async crashed(job: JobRecord, error: string): Promise<void> {
    const record = await this.deps.store.interceptions.getById(job.interceptionId);
    if (!record) {
      await this.deps.store.jobs.complete(job);
      return;
    }
    if (job.kind === "cancel") {
      // Failing the interception would be wrong: only its cancellation is in trouble.
      // The reason ends up in an event if the cancel gives up: no stack there.
      await this.retryCancelLater(job, record, "the gateway failed on it", {
        maybeSent: true,
        lastError: error,
      });
      return;
    }
    if (job.kind === "poll") {
      await this.pollCrashed(job, record, error);
      return;
    }
    if (job.attempts + 1 >= this.deps.maxJobAttempts && record.status !== "released") {
      await this.deps.store.interceptions.transition(record.id, {
        from: ["pending", "submitted", "locked"],
        to: "failed",
        patch: {
          // A submit that crashed may have crashed after its request left.
          failure:
            job.kind === "submit"
              ? submitOutcomeUnknown("the gateway failed on it")
              : internalFailure(),
        },
        event: {
          at: this.deps.now().toISOString(),
          detail: "Gave up: the gateway failed on this interception.",
        },
        completeJobId: job.id,
      });
      return;
    }
    await this.deps.store.jobs.reschedule(
      job,
      this.retryAt(job, 0),
      `crashed: ${error.slice(0, 500)}`,
      // The run may have crashed after its request reached the carrier.
      true,
    );
  }

  /**
   * A poll's attempts count its polls, not its crashes: within its horizon it polls again.
   * Past it, or with its carrier gone, nothing will ask the carrier again: the carrier accepted
   * the interception, so it ends as an outcome never confirmed.
   */
  private async pollCrashed(
    job: JobRecord,
    record: InterceptionWithEvents,
    error: string,
  ): Promise<void> {
    const horizonMs = this.deps.carriers.get(record.carrier)?.poll.horizonMs;
    const age = this.deps.now().getTime() - Date.parse(acceptedAt(record));
    if (horizonMs !== undefined && age <= horizonMs) {
      await this.deps.store.jobs.reschedule(
        job,
        this.retryAt(job, 0),
        `crashed: ${error.slice(0, 500)}`,
      );
      return;
    }
    await this.fail(
      job,
      record,
      "submitted",
      outcomeNeverConfirmed(horizonMs ?? age),
      "Gave up polling: the carrier never confirmed an outcome.",
    );
  }

  /** Runs a job the caller has leased. */
  async run(job: JobRecord, deadline: number): Promise<void> {
    const record = await this.deps.store.interceptions.getById(job.interceptionId);
    const expected = {
      submit: "pending",
      poll: "submitted",
      cancel: "submitted",
      cancel_pickup: "locked",
    }[job.kind];
    if (record?.status !== expected) {
      // The interception moved on (cancelled, released, decided by a push): nothing left to do.
      await this.deps.store.jobs.complete(job);
      return;
    }
    const carrier = carrierFor(this.deps, record.carrier);
    switch (job.kind) {
      case "submit":
        return this.submit(job, record, carrier, deadline);
      case "poll":
        return this.poll(job, record, carrier, deadline);
      case "cancel":
        await this.cancel(job, record, carrier, deadline);
        return;
      case "cancel_pickup":
        return this.cancelPickup(job, record, carrier, deadline);
    }
  }

  private async submit(
    job: JobRecord,
    record: InterceptionRecord,
    carrier: RegisteredCarrier,
    deadline: number,
  ): Promise<void> {
    const { store, now } = this.deps;
    if (record.parcelState === "unknown") {
      // Accepted while the carrier could not be asked: decide eligibility now.
      const merchant = await store.merchants.get(record.merchantId);
      if (!merchant) {
        throw new Error(`interception ${record.id} has no merchant ${record.merchantId}`);
      }
      const assessment = await assess(this.deps, merchant, record, deadline, record.id);
      if (await this.settleLateAssessment(job, record, merchant, assessment, deadline)) {
        return;
      }
    }

    if (await this.decidedDespiteLostReply(job, record, carrier, deadline)) {
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
    const result: CarrierResult<SubmitAccepted> =
      record.action === "redirect" && redirectTo
        ? await carrier.resilient.call(
            "redirect",
            (ctx) => adapter.redirect({ ...command, redirectTo }, ctx),
            { deadline, log: logFieldsOf(job) },
          )
        : await carrier.resilient.call("intercept", (ctx) => adapter.intercept(command, ctx), {
            deadline,
            log: logFieldsOf(job),
          });

    const at = now().toISOString();
    // Our earlier attempt may have reached the carrier with its reply lost: the carrier now holds
    // the interception we sent (under our reference), so "already intercepted" is our acceptance.
    const lostReplyConfirmed =
      !result.ok && result.error.code === "already_intercepted" && job.maybeSent;
    if (result.ok || lostReplyConfirmed) {
      const carrierReference = result.ok ? result.value.carrierReference : record.id;
      const fee = result.ok ? result.value.fee : null;
      const applied = await store.interceptions.transition(record.id, {
        from: ["pending"],
        to: "submitted",
        patch: { carrierReference, cost: { ...record.cost, quoted: fee ?? record.cost.quoted } },
        event: {
          at,
          detail: result.ok
            ? `Accepted by the carrier (reference ${carrierReference}).`
            : "Accepted by the carrier (confirmed after a lost reply).",
        },
        completeJobId: job.id,
        // Polled carriers are asked on the poll schedule; push carriers are checked later by
        // tracking, in case their push never arrives (the gateway was down when it came).
        scheduleJob: this.pollJob(record, 0, carrier),
      });
      if (applied !== "applied") {
        // The interception moved on (cancelled) while the carrier was accepting it: the carrier
        // now holds an interception the gateway does not. Someone must look at it.
        this.deps.logger.error("carrier accepted an interception the gateway no longer holds", {
          interceptionId: record.id,
          carrier: record.carrier,
          result: applied,
        });
        return;
      }
      countStatus(this.deps, "submitted", record.carrier);
      return;
    }

    const error = result.error;
    if (isRefusal(error.code)) {
      await this.fail(
        job,
        record,
        "pending",
        carrierRefused(`carrier_${error.code}`, error.message),
        `Refused by the carrier: ${error.message}`,
      );
      return;
    }
    this.deps.logger.warn("carrier submit deferred", {
      ...logFieldsOf(job),
      carrier: record.carrier,
      code: error.code,
      message: error.message,
      ...(error.diagnostic ? { diagnostic: error.diagnostic } : {}),
    });
    await this.retryLater(
      job,
      record,
      `${error.code}: ${error.message}`,
      error.retryAfterMs,
      mayHaveActed(error.code),
    );
  }

  private async poll(
    job: JobRecord,
    record: InterceptionWithEvents,
    carrier: RegisteredCarrier,
    deadline: number,
  ): Promise<void> {
    const { store, now } = this.deps;
    const submittedAt = acceptedAt(record);
    if (now().getTime() - Date.parse(submittedAt) > carrier.poll.horizonMs) {
      await this.fail(
        job,
        record,
        "submitted",
        outcomeNeverConfirmed(carrier.poll.horizonMs),
        "Gave up polling: the carrier never confirmed an outcome.",
      );
      return;
    }
    const query = outcomeQuery(record, record.carrierReference ?? record.id, submittedAt);
    const result = await this.askOutcome(carrier, query, deadline);
    if (result.ok && result.value.outcome !== null) {
      await this.recordPolled(record, result.value, job.id);
      return;
    }
    const next = this.pollJob(record, job.attempts + 1, carrier);
    if (result.ok && result.value.parcelState !== record.parcelState) {
      // The parcel moved: its new state, this poll's end and the next poll commit together.
      const moved = await this.recordPolled(record, result.value, job.id, next);
      if (moved === "applied") {
        return;
      }
    }
    await store.jobs.reschedule(
      job,
      next.runAt,
      result.ok ? "no outcome yet" : `${result.error.code}: ${result.error.message}`,
    );
  }

  /**
   * Runs a cancel job the caller has leased, like `run`, and says how it ended: for the request
   * that asked for the cancel, which answers accordingly.
   */
  async runCancel(job: JobRecord, deadline: number): Promise<CancelEnd> {
    const record = await this.deps.store.interceptions.getById(job.interceptionId);
    if (record?.status !== "submitted") {
      await this.deps.store.jobs.complete(job);
      return { kind: "moved_on" };
    }
    return this.cancel(job, record, carrierFor(this.deps, record.carrier), deadline);
  }

  /**
   * Asks the carrier to cancel a submitted interception. A refusal ends the job with an event
   * saying why; an outage or a lost reply tries again later. Cancelling twice is cancelling
   * once, so a cancel whose reply was lost is sent again, after asking a carrier that can be
   * asked whether it already shows an outcome; a refusal of that repeat may only mean the first
   * cancel went through, so it decides nothing. Giving up leaves the interception as it is: the
   * interception itself may still succeed, and its outcome still comes.
   */
  private async cancel(
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
      const asked = await this.askOutcome(carrier, query, deadline);
      if (!asked.ok) {
        return this.retryCancelLater(job, record, `${asked.error.code}: ${asked.error.message}`, {
          retryAfterMs: asked.error.retryAfterMs,
        });
      }
      if (asked.value.outcome !== null) {
        // A final outcome: recording it ends the job with every other job of the interception.
        await this.recordPolled(record, asked.value, job.id);
        await this.deps.store.jobs.complete(job);
        return { kind: "moved_on" };
      }
    }
    const cancel = adapter.cancel.bind(adapter);
    const command = {
      reference: record.id,
      trackingNumber: record.trackingNumber,
      carrierReference: record.carrierReference,
      action: record.action,
    };
    const result = await carrier.resilient.call("cancel", (ctx) => cancel(command, ctx), {
      deadline,
      log: logFieldsOf(job),
    });
    if (result.ok) {
      const detail = "Cancelled at the carrier by the merchant.";
      if (await this.endJob(job, record, "submitted", detail, "cancelled")) {
        countStatus(this.deps, "cancelled", record.carrier);
        return { kind: "cancelled" };
      }
      const now = await this.deps.store.interceptions.getById(record.id);
      if (now?.status !== "cancelled") {
        // Decided otherwise meanwhile (a push or a poll): the carrier now holds a cancellation
        // of an interception the gateway recorded as decided. Someone must look at it.
        this.deps.logger.error("carrier cancelled an interception already decided", {
          interceptionId: record.id,
          carrier: record.carrier,
          status: now?.status,
        });
      }
      return { kind: "moved_on" };
    }
    const { code, message } = result.error;
    if (isRefusal(code)) {
      const detail = job.maybeSent
        ? `The carrier refused a repeated cancel (${message}); the first may have gone through, and the carrier's report will tell.`
        : `The carrier refused to cancel: ${message}`;
      return (await this.endJob(job, record, "submitted", detail))
        ? { kind: "ended", detail }
        : { kind: "moved_on" };
    }
    if (code === "auth_failed") {
      this.deps.logger.error("carrier refused our credentials on cancel", {
        carrier: record.carrier,
      });
    }
    return this.retryCancelLater(job, record, `${code}: ${message}`, {
      retryAfterMs: result.error.retryAfterMs,
      maybeSent: mayHaveActed(code),
    });
  }

  /**
   * Ends a job with an event while the interception is still `from` (moving it `to` a status
   * when given). Returns false when the interception had moved on: the job is dropped then.
   */
  private async endJob(
    job: JobRecord,
    record: InterceptionRecord,
    from: InterceptionStatus,
    detail: string,
    to?: InterceptionStatus,
  ): Promise<boolean> {
    const applied = await this.deps.store.interceptions.transition(record.id, {
      from: [from],
      ...(to ? { to } : {}),
      event: { at: this.deps.now().toISOString(), detail },
      completeJobId: job.id,
    });
    if (applied !== "applied") {
      await this.deps.store.jobs.complete(job);
    }
    return applied === "applied";
  }

  private async retryCancelLater(
    job: JobRecord,
    record: InterceptionRecord,
    reason: string,
    { retryAfterMs = 0, maybeSent = false, lastError = reason }: CancelRetry = {},
  ): Promise<CancelEnd> {
    if (job.attempts + 1 >= this.deps.maxJobAttempts) {
      const detail = `Gave up cancelling at the carrier (${reason}); the interception goes on.`;
      return (await this.endJob(job, record, "submitted", detail))
        ? { kind: "ended", detail }
        : { kind: "moved_on" };
    }
    await this.deps.store.jobs.reschedule(
      job,
      this.retryAt(job, retryAfterMs),
      lastError,
      maybeSent,
    );
    return { kind: "waiting" };
  }

  private async cancelPickup(
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
    const cancelPickup = adapter.cancelPickup.bind(adapter);
    const command = {
      reference: record.id,
      trackingNumber: record.trackingNumber,
      reason: record.reason,
    };
    const result = await carrier.resilient.call(
      "cancel_pickup",
      (ctx) => cancelPickup(command, ctx),
      { deadline, log: logFieldsOf(job) },
    );
    if (result.ok) {
      await this.deps.store.interceptions.transition(record.id, {
        from: ["locked"],
        event: {
          at: this.deps.now().toISOString(),
          detail: "Pickup cancelled at the carrier: it will not collect the parcel.",
        },
        completeJobId: job.id,
      });
      return;
    }
    if (isRefusal(result.error.code) && job.maybeSent) {
      // An earlier cancel may have gone through (its reply was lost), and this refusal may only
      // say so: it proves nothing either way. The lock holds; the merchant decides.
      await this.endJob(
        job,
        record,
        "locked",
        `The carrier refused a repeated pickup cancel (${result.error.message}); the first may have gone through: check the pickup with the carrier.`,
      );
      return;
    }
    if (isRefusal(result.error.code)) {
      await this.fail(
        job,
        record,
        "locked",
        pickupCancelRefused(result.error.message),
        `The carrier refused to cancel the pickup: ${result.error.message}`,
      );
      return;
    }
    await this.retryLater(
      job,
      record,
      `${result.error.code}: ${result.error.message}`,
      result.error.retryAfterMs,
      mayHaveActed(result.error.code),
    );
  }

  /**
   * After a submit whose reply was lost (`outcome_unknown`), asks the carrier before sending
   * again: its own poll where it has one, else its tracking (SF, Kuaidi100 and Cainiao publish
   * no interception status query). A parcel tracking shows returned or delivered decides an
   * intercept without a second submit; a redirect on such a carrier is simply sent again. When
   * the carrier shows nothing, the submit is sent again under the same reference, which the
   * carrier recognises as a repeat (SF cusId, UPS transId, Kuaidi100 orderId, Cainiao
   * outer_order_id, JD cancelOperator) rather than a second interception. When the carrier
   * cannot be asked, the job waits for a later attempt. Returns true when the job is dealt with
   * (an outcome recorded, or the job rescheduled).
   */
  private async decidedDespiteLostReply(
    job: JobRecord,
    record: InterceptionRecord,
    carrier: RegisteredCarrier,
    deadline: number,
  ): Promise<boolean> {
    const { adapter } = carrier.resilient;
    // Tracking alone never decides a redirect (see tracking-outcome.ts): nothing to ask then.
    if (!job.maybeSent || (!adapter.pollOutcome && record.action !== "intercept")) {
      return false;
    }
    const query = outcomeQuery(record, record.id, record.createdAt);
    const asked = await this.askOutcome(carrier, query, deadline);
    if (!asked.ok) {
      // Not knowing is no licence to send again: ask again later.
      await this.retryLater(
        job,
        record,
        `could not ask the carrier about an earlier submit: ${asked.error.code}: ${asked.error.message}`,
        asked.error.retryAfterMs,
        true,
      );
      return true;
    }
    if (asked.value.outcome === null) {
      return false;
    }
    // Not applied: decided meanwhile (a push, say). Either way there is nothing left to send.
    if ((await this.recordPolled(record, asked.value, job.id)) !== "applied") {
      await this.deps.store.jobs.complete(job);
    }
    return true;
  }

  /**
   * Commits what a late assessment decided when it ends the job (refused, or not collected so
   * locked), or gives the job back while the carrier's tracking still cannot be reached. Returns
   * false when the interception should go on to the carrier.
   *
   * The carrier has now confirmed the parcel (or said it does not know it), so an accepted
   * outcome binds the parcel to the merchant in its own transaction. If another merchant bound
   * it meanwhile, the parcel is assessed again, now reading as one the carrier does not know (no
   * carrier call), and the interception is refused as for any such parcel.
   */
  private async settleLateAssessment(
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
      await this.retryLater(job, record, "the carrier's tracking could not be reached");
      return true;
    }
    const { store } = this.deps;
    const at = this.deps.now().toISOString();
    const base = {
      parcelState: assessment.parcelState,
      successLikelihood: assessment.decision.successLikelihood,
      cost: assessment.cost,
    };
    if (!assessment.decision.eligible) {
      await store.interceptions.transition(record.id, {
        from: ["pending"],
        to: "failed",
        patch: { ...base, failure: notEligible(assessment.decision.reasons) },
        event: {
          at,
          detail: "Refused once the carrier could be asked: the parcel is not eligible.",
        },
        completeJobId: job.id,
      });
      countStatus(this.deps, "failed", record.carrier);
      return true;
    }
    let result: TransitionResult;
    if (assessment.decision.disposition === "lock") {
      const pickupCancel = assessment.carrier.resilient.adapter.capabilities.pickupCancel;
      result = await store.interceptions.transition(record.id, {
        from: ["pending"],
        to: "locked",
        patch: base,
        event: { at, detail: "Not collected by the carrier yet: held (locked) in the warehouse." },
        completeJobId: job.id,
        ...(pickupCancel ? { scheduleJob: newJob(record.id, "cancel_pickup", at) } : {}),
        bindParcel: true,
      });
      if (result === "applied") {
        countStatus(this.deps, "locked", record.carrier);
        return true;
      }
    } else {
      result = await store.interceptions.transition(record.id, {
        from: ["pending"],
        patch: base,
        event: { at, detail: `The carrier reports the parcel ${assessment.parcelState}.` },
        bindParcel: true,
      });
      if (result === "applied") {
        Object.assign(record, base);
        return false;
      }
    }
    if (result === "parcel_of_another_merchant") {
      const again = await assess(this.deps, merchant, record, deadline, record.id);
      return this.settleLateAssessment(job, record, merchant, again, deadline);
    }
    // The interception moved on meanwhile (withdrawn, say): nothing left to send.
    await store.jobs.complete(job);
    return true;
  }

  /**
   * Gives the job back with exponential backoff, or fails the interception past the horizon.
   * `maybeSent` records for good that this attempt may have reached the carrier.
   */
  private async retryLater(
    job: JobRecord,
    record: InterceptionRecord,
    reason: string,
    retryAfterMs = 0,
    maybeSent = false,
  ): Promise<void> {
    if (job.attempts + 1 >= this.deps.maxJobAttempts) {
      const from = record.status === "locked" ? "locked" : "pending";
      // A submit that may have reached the carrier did not simply fail: its outcome is unknown.
      const failure =
        job.kind === "submit" && (job.maybeSent || maybeSent)
          ? submitOutcomeUnknown(reason)
          : carrierUnreachable(reason);
      await this.fail(
        job,
        record,
        from,
        failure,
        "Gave up: the carrier could not be reached in time.",
      );
      return;
    }
    await this.deps.store.jobs.reschedule(job, this.retryAt(job, retryAfterMs), reason, maybeSent);
  }

  /**
   * When a failed job runs again: 1 s doubling up to 5 min, or the carrier's Retry-After (never
   * above CARRIER_RETRY_AFTER_CAP_MS: the resilient carrier caps it for every call).
   */
  private retryAt(job: JobRecord, retryAfterMs: number): string {
    const backoff = Math.min(1_000 * 2 ** job.attempts, 5 * 60_000);
    return new Date(this.deps.now().getTime() + Math.max(backoff, retryAfterMs)).toISOString();
  }

  private async fail(
    job: JobRecord,
    record: InterceptionRecord,
    from: "pending" | "submitted" | "locked",
    failure: Failure,
    detail: string,
  ): Promise<void> {
    const result = await this.deps.store.interceptions.transition(record.id, {
      from: [from],
      to: "failed",
      patch: { failure },
      event: { at: this.deps.now().toISOString(), detail },
      completeJobId: job.id,
    });
    if (result === "applied") {
      countStatus(this.deps, "failed", record.carrier);
    }
  }

  /**
   * Records what a poll or tracking check answered, as a carrier report. Its event id names the
   * answer, so the same answer polled again is not recorded twice.
   */
  private recordPolled(
    record: InterceptionRecord,
    polled: PolledOutcome,
    jobId: string | null,
    followUp: JobRecord | null = null,
  ) {
    return recordCarrierReport(
      this.deps,
      record,
      {
        ...polled,
        eventId: `poll:${polled.outcome ?? polled.parcelState}`,
        trackingNumber: record.trackingNumber,
        at: this.deps.now().toISOString(),
      },
      jobId,
      followUp,
    );
  }

  /**
   * Where a submitted interception stands: the carrier's own poll where it has one, else what
   * its tracking shows (the fallback for a push that never arrived). One resilient call.
   */
  private askOutcome(
    carrier: RegisteredCarrier,
    query: OutcomeQuery,
    deadline: number,
  ): Promise<CarrierResult<PolledOutcome>> {
    return carrier.resilient.call("poll", (ctx) => this.askOutcomeOnce(carrier, query, ctx), {
      deadline,
      log: { interceptionId: query.reference },
    });
  }

  private async askOutcomeOnce(
    carrier: RegisteredCarrier,
    query: OutcomeQuery,
    ctx: CallContext,
  ): Promise<CarrierResult<PolledOutcome>> {
    const { adapter } = carrier.resilient;
    if (adapter.pollOutcome) {
      return adapter.pollOutcome(query, ctx);
    }
    const tracked = await adapter.track(query.trackingNumber, ctx);
    if (!tracked.ok) {
      return tracked;
    }
    const outcome = outcomeFromTracking(query.action, tracked.value.state);
    return {
      ok: true,
      value: {
        outcome,
        parcelState: tracked.value.state,
        detail: `Tracking shows the parcel ${tracked.value.state.replaceAll("_", " ")} (no push received).`,
        fee: null,
      },
    };
  }

  /**
   * The next poll of a submitted interception, with backoff: from the poll schedule for carriers
   * that are polled, from the later push-fallback delay for carriers that push.
   */
  private pollJob(
    record: InterceptionRecord,
    attempts: number,
    carrier: RegisteredCarrier,
  ): JobRecord {
    const first =
      carrier.resilient.adapter.capabilities.outcome === "poll"
        ? carrier.poll.initialDelayMs
        : carrier.poll.pushFallbackDelayMs;
    const delay = Math.min(first * 2 ** attempts, Math.max(first, carrier.poll.maxIntervalMs));
    const runAt = new Date(this.deps.now().getTime() + delay).toISOString();
    return { ...newJob(record.id, "poll", runAt), attempts };
  }
}

/**
 * When the carrier accepted the interception: its first event in `submitted`. Later events keep
 * that status too (parcel moves, a cancel asked or refused) and must not move the poll's
 * horizon or the carrier's trace window.
 */
function acceptedAt(record: InterceptionWithEvents): string {
  return record.events.find((event) => event.status === "submitted")?.at ?? record.createdAt;
}

/** What a job's log lines name: the interception (what the merchant sees) and the job. */
function logFieldsOf(job: JobRecord): LogFields {
  return { interceptionId: job.interceptionId, jobId: job.id };
}

/** What a carrier is asked about an interception it accepted (or may have). */
function outcomeQuery(
  record: InterceptionRecord,
  carrierReference: string,
  submittedAt: string,
): OutcomeQuery {
  return {
    reference: record.id,
    trackingNumber: record.trackingNumber,
    carrierReference,
    action: record.action,
    submittedAt,
  };
}

/** A fresh, unleased job. */
export function newJob(interceptionId: string, kind: JobRecord["kind"], runAt: string): JobRecord {
  return {
    id: newId("job"),
    interceptionId,
    kind,
    runAt,
    attempts: 0,
    leaseUntil: null,
    lastError: null,
    maybeSent: false,
  };
}
