/**
 * The interception workflow as the API sees it: assess, store, hand the carrier work to a job,
 * answer; read and list. Cancelling and releasing are stopping.ts's, the cost ledger costs.ts's,
 * bulk release bulk-release.ts's; this class is their one entry for routes and the dashboard.
 *
 * Durability rule: an accepted request is committed (with its first job) before any carrier
 * call; carrier calls run outside transactions; each outcome is committed together with the
 * job's completion. A request that cannot reach the carrier in time stays `pending` and its job
 * is finished by the worker.
 *
 * An intercept costs two commits: the interception with its job and its idempotency key's claim
 * before the carrier call, and the outcome with the key's answer after it. It reads nothing it
 * wrote: the answer is built from the records it holds.
 */
import type { CarrierReport } from "../../contracts/carrier-adapter.ts";
import type { Cost, EventActor, InterceptionRequest } from "../../contracts/interception.ts";
import type { ParcelState } from "../../contracts/normalized.ts";
import type { EligibilityReason } from "../../contracts/problem.ts";
import type { ReleaseResult } from "../../contracts/release.ts";
import type { RegisteredCarrier } from "../carriers/registry.ts";
import { noCharge } from "../domain/cost.ts";
import type { EligibilityDecision } from "../domain/eligibility.ts";
import { newId } from "../ids.ts";
import { newJob } from "../jobs/new-job.ts";
import type { JobRunner } from "../jobs/runner.ts";
import {
  type IdempotencyCompletion,
  type IdempotencyKeyClaim,
  type InterceptionFilter,
  type InterceptionRecord,
  type InterceptionWithEvents,
  type JobRecord,
  type LockCriteria,
  type MerchantRecord,
  OrderRedirectsChangedError,
  ParcelBusyError,
  ParcelOfAnotherMerchantError,
} from "../store/store.ts";
import { type Assessment, assess, carrierCanEverDo, refuseImpossibleAction } from "./assessment.ts";
import { releaseLocks } from "./bulk-release.ts";
import { type CostLedgerQuery, type CostLedgerResult, costLedger } from "./costs.ts";
import { carrierFor, countStatus, leaseUntil, type ServiceDeps } from "./deps.ts";
import { handOver } from "./hand-over.ts";
import {
  type Finished,
  fingerprintOf,
  type IdempotentAnswer,
  type Started,
  type StoredAnswer,
  withIdempotency,
} from "./idempotency.ts";
import { applyCarrierReports } from "./outcomes.ts";
import { OwnRun } from "./own-run.ts";
import { ServiceError } from "./service-error.ts";
import { InterceptionStopping } from "./stopping.ts";

/** What an intercept came to: the interception it stored, or the rules that refused it. */
export type InterceptResult =
  | { kind: "created"; interception: InterceptionWithEvents }
  | { kind: "refused"; reasons: EligibilityReason[] };

/** What an eligibility check found: the decision, where the parcel is, and who would pay. */
export interface EligibilityCheck {
  decision: Pick<EligibilityDecision, "eligible" | "reasons" | "successLikelihood">;
  parcelState: ParcelState;
  cost: Cost;
}

/** A new interception as its first commit stored it, with its first job if it has one. */
interface StoredInterception {
  interception: InterceptionWithEvents;
  job: JobRecord | null;
  /** The request's deadline for carrier calls, its job's included. */
  deadline: number;
}

/** How many times one request assesses a redirect whose order's redirects keep changing. */
const maxAssessments = 3;

export class InterceptionService {
  private readonly stopping: InterceptionStopping;

  constructor(
    private readonly deps: ServiceDeps,
    /** Runs the job a request stores, within the request's deadline. */
    private readonly jobs: JobRunner,
  ) {
    this.stopping = new InterceptionStopping(deps, jobs);
  }

  /** `POST /v1/eligibility`: the same assessment as an intercept, with no side effects. */
  async checkEligibility(
    merchant: MerchantRecord,
    request: InterceptionRequest,
  ): Promise<EligibilityCheck> {
    const carrier = carrierFor(this.deps, request.carrier);
    if (!carrierCanEverDo(carrier, request.action)) {
      // An answer, not an error: this carrier cannot take the action, whatever the parcel.
      return {
        decision: {
          eligible: false,
          reasons: [
            {
              code: "action_not_supported",
              message: `The carrier cannot ${request.action} parcels.`,
            },
          ],
          successLikelihood: "normal",
        },
        parcelState: "unknown",
        cost: noCharge(),
      };
    }
    this.deps.carrierBudget.reserve(merchant.id, this.trackingCalls(merchant, request));
    return assess(this.deps, carrier, merchant, request, this.deadline());
  }

  /**
   * `POST /v1/interceptions`, idempotent per merchant and key (see idempotency.ts): assesses and
   * stores the interception with its first job in one commit, runs that job (the carrier call),
   * and commits its outcome with the key's answer, which `encode` makes of the result.
   */
  async create(
    merchant: MerchantRecord,
    idempotencyKey: string,
    request: InterceptionRequest,
    encode: (result: InterceptResult) => StoredAnswer,
    /** Who asked (the API key): the new interception's first event says so. */
    actor: EventActor,
  ): Promise<IdempotentAnswer> {
    const carrier = carrierFor(this.deps, request.carrier);
    refuseImpossibleAction(carrier, request.action);
    const { now } = this.deps;
    const claim: IdempotencyKeyClaim = {
      merchantId: merchant.id,
      key: idempotencyKey,
      fingerprint: interceptFingerprint(request),
      now: now().toISOString(),
      // Long enough for the request's own carrier calls; after it, a crashed owner is taken over.
      lockedUntil: new Date(
        now().getTime() + this.deps.requestDeadlineMs * 2 + 10_000,
      ).toISOString(),
    };
    const { answer, result } = await withIdempotency(this.deps.store.idempotency, claim, {
      start: (keyClaim) =>
        this.start(
          merchant,
          carrier,
          request,
          {
            merchantId: merchant.id,
            key: idempotencyKey,
            ...(keyClaim ? { claim: keyClaim } : {}),
          },
          actor,
        ),
      finish: (stored, completion) => this.finish(stored, carrier, completion),
      resume: async (id) => ({
        kind: "created" as const,
        interception: await this.get(merchant.id, id),
      }),
      encode,
    });
    // Counted once it is the answer: a refusal that lost its key to a duplicate is never sent.
    if (result?.kind === "refused") {
      countStatus(this.deps, "not_eligible", request.carrier);
    }
    return answer;
  }

  async get(merchantId: string, id: string): Promise<InterceptionWithEvents> {
    const record = await this.deps.store.interceptions.get(merchantId, id);
    if (!record) {
      throw new ServiceError("not_found", `No interception ${id} for this merchant.`);
    }
    return record;
  }

  list(
    merchantId: string,
    filter: InterceptionFilter,
    page: { limit: number; before?: string },
  ): Promise<InterceptionWithEvents[]> {
    return this.deps.store.interceptions.list(merchantId, filter, page);
  }

  /**
   * `POST /v1/interceptions/{id}/cancel`: releases a lock, withdraws a pending request before
   * the carrier sees it, or asks the carrier to cancel a submitted one. `done` is false when
   * the carrier's cancel is stored but not answered yet (the worker goes on asking).
   */
  async cancel(
    merchantId: string,
    id: string,
    /** Who asked (the API key, or the merchant's dashboard session's key). */
    actor: EventActor,
  ): Promise<{ interception: InterceptionWithEvents; done: boolean }> {
    const done = await this.stopping.cancel(await this.get(merchantId, id), actor);
    return { interception: await this.get(merchantId, id), done };
  }

  /**
   * Releases one lock, as `cancel` does; an interception no longer locked is 409
   * `invalid_transition` (a release never withdraws a submitted one instead).
   */
  async release(merchantId: string, id: string, actor: EventActor): Promise<void> {
    await this.stopping.release(await this.get(merchantId, id), actor);
  }

  /** `POST /v1/interceptions/release`: the merchant's matching locks; see bulk-release.ts. */
  releaseLocks(
    merchantId: string,
    criteria: LockCriteria,
    /** Who asked: each release's event says so. */
    actor: EventActor,
  ): Promise<ReleaseResult> {
    return releaseLocks(
      this.deps.store,
      (id) => this.release(merchantId, id, actor),
      merchantId,
      criteria,
    );
  }

  /** `GET /v1/costs`: the merchant's cost ledger; see costs.ts. */
  costs(merchantId: string, query: CostLedgerQuery): Promise<CostLedgerResult> {
    return costLedger(this.deps.store, merchantId, query);
  }

  /** Applies a carrier push's reports; see outcomes.ts. */
  applyCarrierReports(carrierId: string, reports: CarrierReport[]): Promise<number> {
    return applyCarrierReports(this.deps, carrierId, reports);
  }

  /**
   * The intercept's first commit: assesses the request, then stores the interception it accepts
   * with its first job (and, with `idempotency.claim`, the key's claim), or comes to a refusal
   * that stores nothing.
   */
  private async start(
    merchant: MerchantRecord,
    carrier: RegisteredCarrier,
    request: InterceptionRequest,
    idempotency: { merchantId: string; key: string; claim?: IdempotencyKeyClaim },
    actor: EventActor,
  ): Promise<Started<StoredInterception, InterceptResult>> {
    const deadline = this.deadline();
    // Before any carrier call: the tracking call, then the job's call right after the insert.
    this.deps.carrierBudget.reserve(merchant.id, this.trackingCalls(merchant, request) + 1);
    let started: Started<StoredInterception, InterceptResult>;
    try {
      started = await this.assessAndStore(merchant, carrier, request, idempotency, deadline, actor);
    } catch (error) {
      // Nothing was stored, so the job's carrier call will not be made.
      this.deps.carrierBudget.giveBack(merchant.id, 1);
      throw error;
    }
    if ("result" in started) {
      this.deps.carrierBudget.giveBack(merchant.id, 1);
      return started;
    }
    const { interception, job } = started.stored;
    if (!job) {
      // A lock the carrier cannot act on: no carrier call after the assessment.
      this.deps.carrierBudget.giveBack(merchant.id, 1);
    }
    countStatus(this.deps, interception.status, interception.carrier);
    return started;
  }

  /**
   * Runs the stored interception's job, within the request's deadline, and answers from the
   * interception as the run left it. The run's last commit carries the key's answer (see
   * own-run.ts): the carrier's answer and the merchant's commit together.
   */
  private async finish(
    stored: StoredInterception,
    carrier: RegisteredCarrier,
    completion: (result: InterceptResult) => IdempotencyCompletion,
  ): Promise<Finished<InterceptResult>> {
    const { interception, job, deadline } = stored;
    if (!job) {
      return { result: { kind: "created", interception }, completedWith: null };
    }
    const run = new OwnRun(this.deps.store, interception, job, (record) =>
      completion({ kind: "created", interception: record }),
    );
    try {
      await this.jobs.runStored(job, interception, carrier, deadline, run.store);
    } catch (error) {
      await handOver(this.deps, this.jobs, job, error);
      throw error;
    }
    // Read back only when someone else changed the interception during the run.
    const record = run.record ?? (await this.get(interception.merchantId, interception.id));
    return { result: { kind: "created", interception: record }, completedWith: run.completedWith };
  }

  /**
   * Assesses the request and stores the interception it accepts, or comes to the refusal. A
   * redirect whose order gained or lost a free redirect between its assessment and its insert
   * is assessed again (the tracking cache answers, so the carrier is not asked twice), a bounded
   * number of times.
   */
  private async assessAndStore(
    merchant: MerchantRecord,
    carrier: RegisteredCarrier,
    request: InterceptionRequest,
    idempotency: { merchantId: string; key: string; claim?: IdempotencyKeyClaim },
    deadline: number,
    actor: EventActor,
  ): Promise<Started<StoredInterception, InterceptResult>> {
    for (let assessments = 1; ; assessments += 1) {
      const assessment = await assess(this.deps, carrier, merchant, request, deadline);
      if (!assessment.decision.eligible) {
        return { result: { kind: "refused", reasons: assessment.decision.reasons } };
      }
      const interception = this.newInterception(merchant, request, assessment);
      const locked = interception.status === "locked";
      const capabilities = carrier.capabilities;
      // A lock needs the carrier only to cancel a booked pickup, where the carrier can. The job
      // is stored already leased to this request, which runs it right after the insert.
      const kind = locked ? (capabilities.pickupCancel ? "cancel_pickup" : null) : "submit";
      const at = interception.createdAt;
      const job = kind
        ? { ...newJob(interception.id, kind, at), leaseUntil: leaseUntil(this.deps) }
        : null;
      const event = {
        at,
        status: interception.status,
        detail: locked
          ? "Not collected by the carrier yet: held (locked) in the warehouse."
          : "Accepted and stored; the carrier is being asked.",
        carrierEventId: null,
        actor,
      };
      try {
        await this.deps.store.interceptions.insert({
          interception,
          event,
          job,
          idempotency,
          ...(assessment.freeRedirects !== undefined
            ? { assumedFreeRedirects: assessment.freeRedirects }
            : {}),
        });
        return { stored: { interception: { ...interception, events: [event] }, job, deadline } };
      } catch (error) {
        if (error instanceof OrderRedirectsChangedError) {
          if (assessments < maxAssessments) {
            continue;
          }
          throw new ServiceError(
            "internal",
            "Other redirects of this order were being stored at the same time. Retry shortly (with the same Idempotency-Key).",
            { retryAfterSeconds: 1 },
          );
        }
        if (error instanceof ParcelOfAnotherMerchantError) {
          // Another merchant's request for this parcel was stored first. Assessed again, the
          // parcel now reads as unknown (no carrier call): the same answer as for any such one.
          const again = await assess(this.deps, carrier, merchant, request, deadline);
          return { result: { kind: "refused", reasons: again.decision.reasons } };
        }
        if (!(error instanceof ParcelBusyError)) {
          throw error;
        }
        // Another request for this parcel won the race past the eligibility check.
        return {
          result: {
            kind: "refused",
            reasons: [
              {
                code: "already_intercepted",
                message: "Another interception of this parcel is still under way.",
              },
            ],
          },
        };
      }
    }
  }

  /** The interception an accepted assessment stores: locked, or pending for the carrier. */
  private newInterception(
    merchant: MerchantRecord,
    request: InterceptionRequest,
    assessment: Assessment,
  ): InterceptionRecord {
    const at = this.deps.now().toISOString();
    return {
      id: newId("icp"),
      merchantId: merchant.id,
      carrier: assessment.carrier.id,
      trackingNumber: request.trackingNumber,
      orderId: request.orderId,
      action: request.action,
      reason: request.reason,
      items: request.items ?? [],
      parcel: request.parcel,
      redirectTo: request.redirectTo ?? null,
      note: request.note ?? null,
      status: assessment.decision.disposition === "lock" ? "locked" : "pending",
      parcelState: assessment.parcelState,
      successLikelihood: assessment.decision.successLikelihood,
      carrierReference: null,
      cost: assessment.cost,
      failure: null,
      createdAt: at,
      updatedAt: at,
    };
  }

  /** The tracking call an assessment makes: none while the merchant's answer is cached. */
  private trackingCalls(merchant: MerchantRecord, request: InterceptionRequest): number {
    return this.deps.tracking.fresh(merchant.id, request.carrier, request.trackingNumber) ? 0 : 1;
  }

  private deadline(): number {
    return this.deps.now().getTime() + this.deps.requestDeadlineMs;
  }
}

/**
 * What tells two intercept requests apart under one key: key order does not, and
 * `redirectTo: null` and `items: []` mean the same as leaving them out.
 */
function interceptFingerprint(request: InterceptionRequest): string {
  const { redirectTo, items, ...rest } = request;
  return fingerprintOf({
    ...rest,
    ...(redirectTo ? { redirectTo } : {}),
    ...(items && items.length > 0 ? { items } : {}),
  });
}
