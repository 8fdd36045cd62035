/**
 * The interception workflow as the API sees it: assess, store, hand the carrier work to a job,
 * answer; read, list and cancel.
 *
 * Durability rule: an accepted request is committed (with its first job) before any carrier
 * call; carrier calls run outside transactions; each outcome is committed together with the
 * job's completion. A request that cannot reach the carrier in time stays `pending` and its job
 * is finished by the worker.
 */
import { createHash } from "node:crypto";
import type { CarrierReport } from "../../contracts/carrier-adapter.ts";
import type { EligibilityResult, InterceptionRequest } from "../../contracts/interception.ts";
import type { EligibilityReason } from "../../contracts/problem.ts";
import { noCharge } from "../domain/cost.ts";
import { GatewayError, problemBody } from "../http/problem.ts";
import { newId } from "../ids.ts";
import type { CancelEnd } from "../jobs/cancel.ts";
import { newJob } from "../jobs/new-job.ts";
import type { JobRunner } from "../jobs/runner.ts";
import { errorText } from "../logger.ts";
import {
  IdempotencyConflictError,
  type IdempotencyKeyClaim,
  type InterceptionFilter,
  type InterceptionRecord,
  type InterceptionTransition,
  type InterceptionWithEvents,
  type JobRecord,
  type MerchantRecord,
  OrderRedirectsChangedError,
  ParcelBusyError,
  ParcelOfAnotherMerchantError,
} from "../store/store.ts";
import { type Assessment, assess, carrierCanEverDo, refuseImpossibleAction } from "./assessment.ts";
import { carrierFor, countStatus, leaseUntil, type ServiceDeps } from "./deps.ts";
import { applyCarrierReports } from "./outcomes.ts";
import { toInterceptionResource } from "./resource.ts";

/** A stored response to send (and to replay for the same idempotency key). */
export interface StoredResponse {
  status: number;
  body: string;
  replayed: boolean;
}

/** An answer to store under the idempotency key. */
interface Answer {
  status: number;
  body: string;
}

/** What assessing a new request ended in: the stored interception and its job, or a refusal. */
type Assessed = { interception: InterceptionRecord; job: JobRecord | null } | { refusal: Answer };

/** How many times one request assesses a redirect whose order's redirects keep changing. */
const maxAssessments = 3;

/** What `createFresh` answered, and whether it claimed the idempotency key doing so. */
interface FreshResponse {
  response: Answer;
  keyClaimed: boolean;
}

export class InterceptionService {
  constructor(
    private readonly deps: ServiceDeps,
    /** Runs the job a request stores, within the request's deadline. */
    private readonly jobs: JobRunner,
  ) {}

  /** `POST /v1/eligibility`: the same assessment as an intercept, with no side effects. */
  async checkEligibility(
    merchant: MerchantRecord,
    request: InterceptionRequest,
  ): Promise<EligibilityResult> {
    const carrier = carrierFor(this.deps, request.carrier);
    if (!carrierCanEverDo(carrier, request.action)) {
      // An answer, not an error: this carrier cannot take the action, whatever the parcel.
      return {
        eligible: false,
        reasons: [
          {
            code: "action_not_supported",
            message: `The carrier cannot ${request.action} parcels.`,
          },
        ],
        parcelState: "unknown",
        successLikelihood: "normal",
        cost: noCharge(),
      };
    }
    this.deps.carrierBudget.reserve(merchant.id, this.trackingCalls(merchant, request));
    const assessment = await assess(this.deps, merchant, request, this.deadline());
    return {
      eligible: assessment.decision.eligible,
      reasons: assessment.decision.reasons,
      parcelState: assessment.parcelState,
      successLikelihood: assessment.decision.successLikelihood,
      cost: assessment.cost,
    };
  }

  /**
   * `POST /v1/interceptions`, idempotent per merchant and key: a replay returns the first
   * response, a different body under the same key is refused, a concurrent one gets 409.
   *
   * A key never seen is claimed in the transaction that stores the interception (or its
   * refusal): one commit fewer before the carrier is called. A key seen before, or claimed by a
   * concurrent request meanwhile, goes through the claim, which decides replays, mismatches,
   * requests in progress and takeovers.
   */
  async create(
    merchant: MerchantRecord,
    idempotencyKey: string,
    request: InterceptionRequest,
    requestId: string,
  ): Promise<StoredResponse> {
    refuseImpossibleAction(carrierFor(this.deps, request.carrier), request.action);
    const { now } = this.deps;
    const claim: IdempotencyKeyClaim = {
      merchantId: merchant.id,
      key: idempotencyKey,
      fingerprint: fingerprintOf(request),
      now: now().toISOString(),
      // Long enough for the request's own carrier calls; after it, a crashed owner is taken over.
      lockedUntil: new Date(
        now().getTime() + this.deps.requestDeadlineMs * 2 + 10_000,
      ).toISOString(),
    };
    if (!(await this.deps.store.idempotency.has(merchant.id, idempotencyKey))) {
      const answered = await this.createUnderNewKey(merchant, request, claim, requestId);
      if (answered) {
        return answered;
      }
    }
    return this.createUnderClaim(merchant, request, claim, requestId);
  }

  /** Null when a concurrent request claimed the key first: the caller answers as a duplicate. */
  private async createUnderNewKey(
    merchant: MerchantRecord,
    request: InterceptionRequest,
    claim: IdempotencyKeyClaim,
    requestId: string,
  ): Promise<StoredResponse | null> {
    const { store } = this.deps;
    let created: FreshResponse;
    try {
      const idempotency = { merchantId: claim.merchantId, key: claim.key, claim };
      created = await this.createFresh(merchant, request, idempotency, requestId);
    } catch (error) {
      if (error instanceof IdempotencyConflictError) {
        return null;
      }
      // Nothing to release here: a failure before the insert left no key (the key may now be
      // another request's), and one after it was released by createFresh.
      throw error;
    }
    if (created.keyClaimed) {
      await store.idempotency.complete({ ...claim, ...created.response });
    } else if (!(await store.idempotency.storeResponse({ ...claim, ...created.response }))) {
      return null;
    }
    this.countAnswer(request.carrier, created.response);
    return { ...created.response, replayed: false };
  }

  private async createUnderClaim(
    merchant: MerchantRecord,
    request: InterceptionRequest,
    claim: IdempotencyKeyClaim,
    requestId: string,
  ): Promise<StoredResponse> {
    const { store, now } = this.deps;
    const claimed = await store.idempotency.claim(claim);
    switch (claimed.outcome) {
      case "mismatch":
        throw new GatewayError(
          "idempotency_key_reused",
          "This Idempotency-Key was already used with a different request body.",
        );
      case "in_progress":
        throw new GatewayError(
          "request_in_progress",
          "A request with this Idempotency-Key is still being processed; retry shortly.",
          { headers: { "retry-after": "1" } },
        );
      case "completed":
        return { status: claimed.status, body: claimed.body, replayed: true };
      case "claimed":
        break;
    }

    const key = { merchantId: claim.merchantId, key: claim.key };
    let response: { status: number; body: string };
    try {
      response = claimed.interceptionId
        ? await this.responseFor(merchant.id, claimed.interceptionId)
        : (await this.createFresh(merchant, request, key, requestId)).response;
    } catch (error) {
      if (error instanceof IdempotencyConflictError) {
        // A newer request took this key over after our lock expired; it owns the answer.
        throw new GatewayError(
          "request_in_progress",
          "Another request now holds this Idempotency-Key.",
          {
            headers: { "retry-after": "1" },
          },
        );
      }
      await store.idempotency.release(claim.merchantId, claim.key, now().toISOString());
      throw error;
    }
    await store.idempotency.complete({ ...key, status: response.status, body: response.body });
    this.countAnswer(request.carrier, response);
    return { ...response, replayed: false };
  }

  /**
   * Counts a refusal once it is the answer: one built by a request that then lost its key to a
   * concurrent duplicate is never sent.
   */
  private countAnswer(carrier: string, response: { status: number }): void {
    if (response.status === 422) {
      countStatus(this.deps, "not_eligible", carrier);
    }
  }

  async get(merchantId: string, id: string): Promise<InterceptionWithEvents> {
    const record = await this.deps.store.interceptions.get(merchantId, id);
    if (!record) {
      throw new GatewayError("not_found", `No interception ${id} for this merchant.`);
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
  ): Promise<{ interception: InterceptionWithEvents; done: boolean }> {
    const record = await this.get(merchantId, id);
    const at = this.deps.now().toISOString();
    let done = true;
    switch (record.status) {
      case "locked":
        await this.stopWithJobHeld(record, {
          from: ["locked"],
          to: "released",
          event: { at, detail: "Lock released by the merchant: the order may ship again." },
        });
        break;
      case "pending":
        await this.stopWithJobHeld(record, {
          from: ["pending"],
          to: "cancelled",
          event: { at, detail: "Withdrawn by the merchant before the carrier was reached." },
        });
        break;
      case "submitted":
        done = await this.cancelAtCarrier(record);
        break;
      default:
        throw new GatewayError(
          "invalid_transition",
          `An interception that is ${record.status} cannot be cancelled.`,
        );
    }
    return { interception: await this.get(merchantId, id), done };
  }

  /** Applies a carrier push's reports; see outcomes.ts. */
  applyCarrierReports(carrierId: string, reports: CarrierReport[]): Promise<number> {
    return applyCarrierReports(this.deps, carrierId, reports);
  }

  /**
   * Assesses, stores and submits a new interception; with `idempotency.claim` the key is claimed
   * in the same transaction as the interception. `keyClaimed` is false for a refusal, which
   * stored nothing.
   */
  private async createFresh(
    merchant: MerchantRecord,
    request: InterceptionRequest,
    idempotency: { merchantId: string; key: string; claim?: IdempotencyKeyClaim },
    requestId: string,
  ): Promise<FreshResponse> {
    const { store } = this.deps;
    const deadline = this.deadline();
    // Before any carrier call: the tracking call, then the job's call right after the insert.
    this.deps.carrierBudget.reserve(merchant.id, this.trackingCalls(merchant, request) + 1);
    let stored: Assessed;
    try {
      stored = await this.assessAndStore(merchant, request, idempotency, requestId, deadline);
    } catch (error) {
      // Nothing was stored, so the job's carrier call will not be made.
      this.deps.carrierBudget.giveBack(merchant.id, 1);
      throw error;
    }
    if ("refusal" in stored) {
      this.deps.carrierBudget.giveBack(merchant.id, 1);
      return { response: stored.refusal, keyClaimed: false };
    }
    const { interception, job } = stored;
    const { id, createdAt: at } = interception;
    if (!job) {
      // A lock the carrier cannot act on: no carrier call after the assessment.
      this.deps.carrierBudget.giveBack(merchant.id, 1);
    }
    countStatus(this.deps, interception.status, interception.carrier);

    try {
      if (job) {
        try {
          await this.jobs.run(job, deadline);
        } catch (error) {
          await this.handOver(job, error);
          throw error;
        }
      }
      return { response: await this.responseFor(merchant.id, id), keyClaimed: true };
    } catch (error) {
      // The interception is stored under this request's key: unlock the key so that a retry
      // answers from the interception instead of waiting out the lock.
      await store.idempotency.release(idempotency.merchantId, idempotency.key, at);
      throw error;
    }
  }

  /**
   * Assesses the request and stores the interception it accepts, or answers the refusal. A
   * redirect whose order gained or lost a free redirect between its assessment and its insert
   * is assessed again (the tracking cache answers, so the carrier is not asked twice), a bounded
   * number of times.
   */
  private async assessAndStore(
    merchant: MerchantRecord,
    request: InterceptionRequest,
    idempotency: { merchantId: string; key: string; claim?: IdempotencyKeyClaim },
    requestId: string,
    deadline: number,
  ): Promise<Assessed> {
    for (let assessments = 1; ; assessments += 1) {
      const assessment = await assess(this.deps, merchant, request, deadline);
      if (!assessment.decision.eligible) {
        return { refusal: this.refusal(requestId, assessment.decision.reasons) };
      }
      const interception = this.newInterception(merchant, request, assessment);
      const locked = interception.status === "locked";
      const capabilities = assessment.carrier.capabilities;
      // A lock needs the carrier only to cancel a booked pickup, where the carrier can. The job
      // is stored already leased to this request, which runs it right after the insert.
      const kind = locked ? (capabilities.pickupCancel ? "cancel_pickup" : null) : "submit";
      const at = interception.createdAt;
      const job = kind
        ? { ...newJob(interception.id, kind, at), leaseUntil: leaseUntil(this.deps) }
        : null;
      try {
        await this.deps.store.interceptions.insert({
          interception,
          event: {
            at,
            status: interception.status,
            detail: locked
              ? "Not collected by the carrier yet: held (locked) in the warehouse."
              : "Accepted and stored; the carrier is being asked.",
            carrierEventId: null,
          },
          job,
          idempotency,
          ...(assessment.freeRedirects !== undefined
            ? { assumedFreeRedirects: assessment.freeRedirects }
            : {}),
        });
        return { interception, job };
      } catch (error) {
        if (error instanceof OrderRedirectsChangedError) {
          if (assessments < maxAssessments) {
            continue;
          }
          throw new GatewayError(
            "internal",
            "Other redirects of this order were being stored at the same time. Retry shortly (with the same Idempotency-Key).",
            { headers: { "retry-after": "1" } },
          );
        }
        if (error instanceof ParcelOfAnotherMerchantError) {
          // Another merchant's request for this parcel was stored first. Assessed again, the
          // parcel now reads as unknown (no carrier call): the same answer as for any such one.
          const again = await assess(this.deps, merchant, request, deadline);
          return { refusal: this.refusal(requestId, again.decision.reasons) };
        }
        if (!(error instanceof ParcelBusyError)) {
          throw error;
        }
        // Another request for this parcel won the race past the eligibility check.
        return {
          refusal: this.refusal(requestId, [
            {
              code: "already_intercepted",
              message: "Another interception of this parcel is still under way.",
            },
          ]),
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

  /** A 422 not_eligible answer, stored under the idempotency key like any other answer. */
  private refusal(
    requestId: string,
    reasons: EligibilityReason[],
  ): { status: number; body: string } {
    const error = new GatewayError("not_eligible", "The parcel cannot be intercepted.", {
      reasons,
    });
    return { status: 422, body: JSON.stringify(problemBody(error, requestId)) };
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
      throw new GatewayError(
        "request_in_progress",
        "The carrier is being called for this interception right now; retry in a moment.",
        { headers: { "retry-after": "1" } },
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
  private async cancelAtCarrier(record: InterceptionRecord): Promise<boolean> {
    const { store } = this.deps;
    const carrier = carrierFor(this.deps, record.carrier);
    const { adapter } = carrier.resilient;
    if (!carrier.capabilities.cancel || !record.carrierReference) {
      throw new GatewayError(
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
      event: { at, detail: "Cancellation asked by the merchant: the carrier is being asked." },
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
      throw new GatewayError(
        "invalid_transition",
        "The interception changed while this request ran; read it again and retry.",
      );
    }
    let end: CancelEnd;
    try {
      end = await this.jobs.runCancel(job, this.deadline());
    } catch (error) {
      // The cancel is stored: the worker carries on with it.
      await this.handOver(job, error);
      return false;
    }
    if (end.kind === "cancelled") {
      return true;
    }
    if (end.kind === "ended") {
      throw new GatewayError("invalid_transition", end.detail);
    }
    // Waiting for another attempt, or moved on: a push or poll may have decided it meanwhile.
    const after = await store.interceptions.getById(record.id);
    if (after?.status === "cancelled") {
      return true;
    }
    if (after?.status === "submitted" && end.kind === "waiting") {
      return false;
    }
    throw new GatewayError(
      "invalid_transition",
      `The interception became ${after?.status} before the carrier cancelled it.`,
    );
  }

  /**
   * A job this request ran threw: it goes to the worker now (see `JobRunner.crashed`) rather
   * than when its lease runs out. Never throws: the caller reports the original error.
   */
  private async handOver(job: JobRecord, error: unknown): Promise<void> {
    const text = errorText(error);
    this.deps.logger.error("job crashed in a request", {
      jobId: job.id,
      kind: job.kind,
      error: text,
    });
    try {
      await this.jobs.crashed(job, text);
    } catch (handOverError) {
      this.deps.logger.error("could not hand a crashed job to the worker", {
        jobId: job.id,
        error: String(handOverError),
      });
    }
  }

  private async transitionOrConflict(
    record: InterceptionRecord,
    transition: InterceptionTransition,
  ): Promise<void> {
    const result = await this.deps.store.interceptions.transition(record.id, transition);
    if (result !== "applied") {
      throw new GatewayError(
        "invalid_transition",
        "The interception changed while this request ran; read it again and retry.",
      );
    }
  }

  private async responseFor(
    merchantId: string,
    id: string,
  ): Promise<{ status: number; body: string }> {
    const record = await this.get(merchantId, id);
    return { status: 201, body: JSON.stringify(toInterceptionResource(record)) };
  }

  /** The tracking call an assessment makes: none while the merchant's answer is cached. */
  private trackingCalls(merchant: MerchantRecord, request: InterceptionRequest): number {
    return this.deps.tracking.fresh(merchant.id, request.carrier, request.trackingNumber) ? 0 : 1;
  }

  private deadline(): number {
    return this.deps.now().getTime() + this.deps.requestDeadlineMs;
  }
}

/** The 409 for stopping an interception whose job may already have reached the carrier. */
function maybeActed(): GatewayError {
  return new GatewayError(
    "invalid_transition",
    "The carrier may already have acted on this interception (an earlier call was cut off before its reply); try again once its outcome is known.",
  );
}

/**
 * SHA-256 of the request with keys sorted, so key order does not make a different request;
 * `redirectTo: null` and `items: []` mean the same as leaving them out.
 */
export function fingerprintOf(request: InterceptionRequest): string {
  const { redirectTo, items, ...rest } = request;
  const normalized = {
    ...rest,
    ...(redirectTo ? { redirectTo } : {}),
    ...(items && items.length > 0 ? { items } : {}),
  };
  return createHash("sha256").update(canonicalJson(normalized)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(",")}]`;
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, each]) => each !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, each]) => `${JSON.stringify(key)}:${canonicalJson(each)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
