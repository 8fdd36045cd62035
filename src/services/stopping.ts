/**
 * Stopping an interception the merchant asked to stop (`POST /v1/interceptions/{id}/cancel`, bulk
 * release, the dashboard's buttons): a lock is released, a pending request withdrawn before the
 * carrier sees it, a submitted one cancelled at the carrier. Every way of stopping holds the
 * interception's job first, so no worker calls the carrier meanwhile, and refuses when an earlier
 * call may already have reached the carrier.
 */
import type { EventActor } from "../../contracts/interception.ts";
import type { CancelEnd } from "../jobs/cancel.ts";
import { newJob } from "../jobs/new-job.ts";
import type { JobRunner } from "../jobs/runner.ts";
import type { InterceptionRecord, InterceptionTransition } from "../store/store.ts";
import { carrierFor, countStatus, leaseUntil, type ServiceDeps } from "./deps.ts";
import { handOver } from "./hand-over.ts";
import { ServiceError } from "./service-error.ts";

export class InterceptionStopping {
  constructor(
    private readonly deps: ServiceDeps,
    /** Runs the carrier cancel a request stores, within the request's deadline. */
    private readonly jobs: JobRunner,
  ) {}

  /**
   * Stops the interception as its status allows. Returns false when the carrier's cancel is
   * stored but not answered yet (the worker goes on asking).
   */
  async cancel(record: InterceptionRecord, actor: EventActor): Promise<boolean> {
    switch (record.status) {
      case "locked":
        await this.releaseLock(record, actor);
        return true;
      case "pending":
        await this.stopWithJobHeld(record, {
          from: ["pending"],
          to: "cancelled",
          event: {
            at: this.deps.now().toISOString(),
            detail: "Withdrawn by the merchant before the carrier was reached.",
            actor,
          },
        });
        return true;
      case "submitted":
        return this.cancelAtCarrier(record, actor);
      default:
        throw new ServiceError(
          "invalid_transition",
          `An interception that is ${record.status} cannot be cancelled.`,
        );
    }
  }

  /** Releases a lock; anything no longer locked is 409 (never withdrawn instead). */
  async release(record: InterceptionRecord, actor: EventActor): Promise<void> {
    if (record.status !== "locked") {
      throw new ServiceError(
        "invalid_transition",
        `The interception is ${record.status}, no longer locked.`,
      );
    }
    await this.releaseLock(record, actor);
  }

  /** The one rule that releases a lock (its pickup cancel, if any, held first). */
  private releaseLock(record: InterceptionRecord, actor: EventActor): Promise<void> {
    return this.stopWithJobHeld(record, {
      from: ["locked"],
      to: "released",
      event: {
        at: this.deps.now().toISOString(),
        detail: "Lock released by the merchant: the order may ship again.",
        actor,
      },
    });
  }

  /**
   * Stops a locked or pending interception. Its job (a pickup cancel or a submit) is held first,
   * so no worker calls the carrier meanwhile; a job in flight right now means 409.
   */
  private async stopWithJobHeld(
    record: InterceptionRecord,
    transition: InterceptionTransition,
  ): Promise<void> {
    const { store } = this.deps;
    const job = await store.jobs.forInterception(record.id);
    const now = this.deps.now().toISOString();
    // A lapsed lease: its holder crashed or hung, maybe after reaching the carrier.
    const holderLost = job?.leaseUntil != null && job.leaseUntil <= now;
    if (job?.maybeSent || holderLost) {
      // The carrier may already have acted on the job's request (a reply was lost): stopping
      // here could leave the parcel doing one thing while the merchant thinks it does another.
      throw maybeActed();
    }
    const held = job ? await store.jobs.claim(job.id, now, leaseUntil(this.deps)) : null;
    if (job && !held) {
      throw new ServiceError(
        "request_in_progress",
        "The carrier is being called for this interception right now; retry in a moment.",
        { retryAfterSeconds: 1 },
      );
    }
    if (held?.maybeSent) {
      // Marked between the read above and the claim (a run that just lost its reply).
      await store.jobs.release(held);
      throw maybeActed();
    }
    await this.transitionOrConflict(record, {
      ...transition,
      ...(held ? { completeJobId: held.id } : {}),
    });
    if (transition.to) {
      countStatus(this.deps, transition.to, record.carrier);
    }
  }

  /**
   * Stores a `cancel` job with an event, leased to this request, then runs it (see
   * jobs/cancel.ts), so a cancellation the merchant was told about is never lost. Returns true
   * once the carrier cancelled, false while the carrier has not answered (a cancel already under
   * way included); a refusal, or the interception decided meanwhile, is a 409 saying so.
   */
  private async cancelAtCarrier(record: InterceptionRecord, actor: EventActor): Promise<boolean> {
    const { store } = this.deps;
    const carrier = carrierFor(this.deps, record.carrier);
    const { adapter } = carrier.resilient;
    if (!carrier.capabilities.cancel || !record.carrierReference) {
      throw new ServiceError(
        "invalid_transition",
        `${adapter.displayName} cannot withdraw an accepted interception.`,
      );
    }
    const at = this.deps.now().toISOString();
    const job = { ...newJob(record.id, "cancel", at), leaseUntil: leaseUntil(this.deps) };
    // Before the cancel is stored: the carrier call this request makes.
    this.deps.carrierBudget.reserve(record.merchantId, 1);
    const stored = await store.interceptions.transition(record.id, {
      from: ["submitted"],
      event: {
        at,
        detail: "Cancellation asked by the merchant: the carrier is being asked.",
        actor,
      },
      scheduleJob: job,
    });
    if (stored !== "applied") {
      this.deps.carrierBudget.giveBack(record.merchantId, 1);
    }
    if (stored === "job_exists") {
      // Another request's cancel is under way.
      return false;
    }
    if (stored !== "applied") {
      throw new ServiceError(
        "invalid_transition",
        "The interception changed while this request ran; read it again and retry.",
      );
    }
    let end: CancelEnd;
    try {
      end = await this.jobs.runCancel(job, this.deps.now().getTime() + this.deps.requestDeadlineMs);
    } catch (error) {
      // The cancel is stored: the worker carries on with it.
      await handOver(this.deps, this.jobs, job, error);
      return false;
    }
    if (end.kind === "cancelled") {
      return true;
    }
    if (end.kind === "ended") {
      throw new ServiceError("invalid_transition", end.detail);
    }
    // Waiting for another attempt, or moved on: a push or poll may have decided it meanwhile.
    const after = await store.interceptions.getById(record.id);
    if (after?.status === "cancelled") {
      return true;
    }
    if (after?.status === "submitted" && end.kind === "waiting") {
      return false;
    }
    throw new ServiceError(
      "invalid_transition",
      `The interception became ${after?.status} before the carrier cancelled it.`,
    );
  }

  private async transitionOrConflict(
    record: InterceptionRecord,
    transition: InterceptionTransition,
  ): Promise<void> {
    const result = await this.deps.store.interceptions.transition(record.id, transition);
    if (result !== "applied") {
      throw new ServiceError(
        "invalid_transition",
        "The interception changed while this request ran; read it again and retry.",
      );
    }
  }
}

/** The 409 for stopping an interception whose job may already have reached the carrier. */
function maybeActed(): ServiceError {
  return new ServiceError(
    "invalid_transition",
    "The carrier may already have acted on this interception (an earlier call was cut off before its reply); try again once its outcome is known.",
  );
}
