/**
 * The interception workflow: assess, store, submit to the carrier, follow the outcome.
 *
 * Durability rule: an accepted request is committed (with its submit job) before any carrier
 * call; carrier calls run outside transactions; each outcome is committed together with the
 * job's completion. A request that cannot reach the carrier in time stays `pending` and its job
 * is finished by the worker.
 */
import { createHash } from "node:crypto";
import { ulid } from "ulid";
import type {
  CarrierReport,
  CarrierResult,
  SubmitAccepted,
} from "../../contracts/carrier-adapter.ts";
import type { Cost, EligibilityResult, InterceptionRequest } from "../../contracts/interception.ts";
import type { ParcelState } from "../../contracts/normalized.ts";
import type { CarrierRegistry, RegisteredCarrier } from "../carriers/registry.ts";
import { attributeCost } from "../domain/cost.ts";
import { decideEligibility, type EligibilityDecision } from "../domain/eligibility.ts";
import {
  carrierRefused,
  carrierReportedFailure,
  carrierUnreachable,
  notEligible,
} from "../domain/failure.ts";
import { statusesLeadingTo } from "../domain/status.ts";
import { GatewayError, problemBody } from "../http/problem.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import {
  IdempotencyConflictError,
  type InterceptionFilter,
  type InterceptionRecord,
  type InterceptionWithEvents,
  type JobRecord,
  type MerchantRecord,
  type Store,
} from "../store/store.ts";
import { toInterceptionResource } from "./resource.ts";

export interface InterceptionServiceOptions {
  store: Store;
  carriers: CarrierRegistry;
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
  /** Time a request may spend on carrier calls before answering `pending`. */
  requestDeadlineMs: number;
  /** How long a worker holds a job before another may take it over. */
  jobLeaseMs: number;
  /** Attempts after which a submit job gives up and the interception fails. */
  maxJobAttempts: number;
}

/** A stored response to send (and to replay for the same idempotency key). */
export interface StoredResponse {
  status: number;
  body: string;
  replayed: boolean;
}

interface Assessment {
  carrier: RegisteredCarrier;
  decision: EligibilityDecision;
  parcelState: ParcelState;
  cost: Cost;
}

/** Errors whose cause is the carrier refusing the parcel, not the carrier being unwell. */
const refusalCodes = new Set(["rejected", "already_intercepted", "unknown_parcel"]);

export class InterceptionService {
  constructor(private readonly options: InterceptionServiceOptions) {}

  /** `POST /v1/eligibility`: the same assessment as an intercept, with no side effects. */
  async checkEligibility(
    merchant: MerchantRecord,
    request: InterceptionRequest,
  ): Promise<EligibilityResult> {
    const assessment = await this.assess(merchant, request, this.deadline());
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
   */
  async create(
    merchant: MerchantRecord,
    idempotencyKey: string,
    request: InterceptionRequest,
    requestId: string,
  ): Promise<StoredResponse> {
    const carrier = this.carrierFor(request.carrier);
    assertActionSupported(carrier, request.action);

    const { store, now } = this.options;
    const claim = await store.claimIdempotencyKey({
      merchantId: merchant.id,
      key: idempotencyKey,
      fingerprint: fingerprintOf(request),
      now: now().toISOString(),
      // Long enough for the request's own carrier calls; after it, a crashed owner is taken over.
      lockedUntil: new Date(
        now().getTime() + this.options.requestDeadlineMs * 2 + 10_000,
      ).toISOString(),
    });
    switch (claim.outcome) {
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
        return { status: claim.status, body: claim.body, replayed: true };
      case "claimed":
        break;
    }

    const key = { merchantId: merchant.id, key: idempotencyKey };
    let response: { status: number; body: string };
    try {
      response = claim.interceptionId
        ? await this.responseFor(merchant.id, claim.interceptionId)
        : await this.createFresh(merchant, request, key, requestId);
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
      // Nothing was stored under this key (or what was is linked to it): the client may retry.
      await store.releaseIdempotencyKey(merchant.id, idempotencyKey);
      throw error;
    }
    await store.completeIdempotencyKey({ ...key, status: response.status, body: response.body });
    return { ...response, replayed: false };
  }

  async get(merchantId: string, id: string): Promise<InterceptionWithEvents> {
    const record = await this.options.store.getInterception(merchantId, id);
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
    return this.options.store.listInterceptions(merchantId, filter, page);
  }

  /**
   * `POST /v1/interceptions/{id}/cancel`: releases a lock, withdraws a pending request before
   * the carrier sees it, or asks the carrier to cancel a submitted one.
   */
  async cancel(merchantId: string, id: string): Promise<InterceptionWithEvents> {
    const { store } = this.options;
    const record = await this.get(merchantId, id);
    const at = this.options.now().toISOString();

    if (record.status === "locked") {
      await this.transitionOrConflict(record, {
        from: ["locked"],
        to: "released",
        event: { at, detail: "Lock released by the merchant: the order may ship again." },
      });
      return this.get(merchantId, id);
    }

    if (record.status === "pending") {
      const job = await store.getJobForInterception(record.id);
      // Hold the job ourselves so no worker sends it to the carrier while we cancel.
      const held = job ? await store.claimJob(job.id, at, this.leaseUntil()) : null;
      if (job && !held) {
        throw new GatewayError(
          "request_in_progress",
          "The carrier is being called for this interception right now; retry in a moment.",
          { headers: { "retry-after": "1" } },
        );
      }
      await this.transitionOrConflict(record, {
        from: ["pending"],
        to: "cancelled",
        event: { at, detail: "Withdrawn by the merchant before the carrier was reached." },
        ...(held ? { completeJobId: held.id } : {}),
      });
      return this.get(merchantId, id);
    }

    if (record.status === "submitted") {
      const carrier = this.carrierFor(record.carrier);
      if (!carrier.resilient.adapter.capabilities.cancel || !record.carrierReference) {
        throw new GatewayError(
          "invalid_transition",
          `${carrier.resilient.adapter.displayName} cannot withdraw an accepted interception.`,
        );
      }
      const command = {
        reference: record.id,
        trackingNumber: record.trackingNumber,
        carrierReference: record.carrierReference,
        action: record.action,
      };
      const result = await carrier.resilient.call(
        "cancel",
        (ctx) => carrier.resilient.adapter.cancel(command, ctx),
        { deadline: this.deadline() },
      );
      if (!result.ok) {
        if (refusalCodes.has(result.error.code) || result.error.code === "auth_failed") {
          throw new GatewayError(
            "invalid_transition",
            `The carrier refused to cancel: ${result.error.message}`,
          );
        }
        throw new GatewayError(
          "carrier_unavailable",
          `The carrier could not be reached to cancel (${result.error.message}); retry later.`,
          { headers: { "retry-after": "30" } },
        );
      }
      await this.transitionOrConflict(record, {
        from: ["submitted"],
        to: "cancelled",
        event: {
          at: this.options.now().toISOString(),
          detail: "Cancelled at the carrier by the merchant.",
        },
      });
      return this.get(merchantId, id);
    }

    throw new GatewayError(
      "invalid_transition",
      `An interception that is ${record.status} cannot be cancelled.`,
    );
  }

  /**
   * Runs a submit job the caller has already leased: asks the carrier to intercept or redirect
   * and commits the outcome together with the job's completion.
   */
  async processSubmitJob(job: JobRecord, deadline: number): Promise<void> {
    const { store, logger } = this.options;
    const record = await store.getInterceptionById(job.interceptionId);
    if (record?.status !== "pending") {
      await store.completeJob(job.id);
      return;
    }
    const carrier = this.carrierFor(record.carrier);

    if (record.parcelState === "unknown") {
      // The request was accepted while the carrier could not be asked: decide eligibility now.
      const merchant = await store.getMerchant(record.merchantId);
      if (!merchant) {
        throw new Error(`interception ${record.id} has no merchant ${record.merchantId}`);
      }
      const assessment = await this.assess(merchant, record, deadline, record.id);
      if (assessment.parcelState === "unknown") {
        await this.retryLater(job, record, "the carrier's tracking could not be reached");
        return;
      }
      const settled = await this.settleLateAssessment(job, record, assessment);
      if (settled) {
        return;
      }
    }

    const command = {
      reference: record.id,
      trackingNumber: record.trackingNumber,
      reason: record.reason,
      payment: { payer: record.cost.payer, mode: record.cost.mode },
      ...(record.note ? { note: record.note } : {}),
    };
    const adapter = carrier.resilient.adapter;
    const redirectTo = record.redirectTo;
    const result: CarrierResult<SubmitAccepted> =
      record.action === "redirect" && redirectTo
        ? await carrier.resilient.call(
            "redirect",
            (ctx) => adapter.redirect({ ...command, redirectTo }, ctx),
            {
              deadline,
            },
          )
        : await carrier.resilient.call("intercept", (ctx) => adapter.intercept(command, ctx), {
            deadline,
          });

    const at = this.options.now().toISOString();
    if (result.ok) {
      await store.transitionInterception(record.id, {
        from: ["pending"],
        to: "submitted",
        patch: {
          carrierReference: result.value.carrierReference,
          cost: { ...record.cost, quoted: result.value.fee ?? record.cost.quoted },
        },
        event: {
          at,
          detail: `Accepted by the carrier (reference ${result.value.carrierReference}).`,
        },
        completeJobId: job.id,
      });
      this.count("submitted", record.carrier);
      return;
    }

    const error = result.error;
    if (error.code === "already_intercepted" && job.lastError?.startsWith("outcome_unknown")) {
      // Our earlier attempt reached the carrier but its reply was lost; the carrier now holds
      // the interception we sent (under our reference), so this is our acceptance, not a refusal.
      await store.transitionInterception(record.id, {
        from: ["pending"],
        to: "submitted",
        patch: { carrierReference: record.id },
        event: { at, detail: "Accepted by the carrier (confirmed after a lost reply)." },
        completeJobId: job.id,
      });
      this.count("submitted", record.carrier);
      return;
    }
    if (refusalCodes.has(error.code)) {
      await store.transitionInterception(record.id, {
        from: ["pending"],
        to: "failed",
        patch: { failure: carrierRefused(`carrier_${error.code}`, error.message) },
        event: { at, detail: `Refused by the carrier: ${error.message}` },
        completeJobId: job.id,
      });
      this.count("failed", record.carrier);
      return;
    }
    logger.warn("carrier submit deferred", {
      interceptionId: record.id,
      carrier: record.carrier,
      code: error.code,
      message: error.message,
    });
    await this.retryLater(job, record, `${error.code}: ${error.message}`, error.retryAfterMs);
  }

  /**
   * Applies carrier outcome reports (from a push): duplicates are ignored, a status never moves
   * back, and a report for a parcel the gateway is not intercepting changes nothing.
   */
  async applyCarrierReports(carrierId: string, reports: CarrierReport[]): Promise<number> {
    const carrier = this.carrierFor(carrierId);
    const { store } = this.options;
    let applied = 0;
    for (const report of reports) {
      const interceptions = await store.findInterceptionsForParcel(
        null,
        carrier.id,
        report.trackingNumber,
      );
      for (const record of interceptions.filter(
        (each) => each.status === "pending" || each.status === "submitted",
      )) {
        const lowChance =
          report.parcelState === "at_delivery_station" || report.parcelState === "out_for_delivery";
        const patch = {
          parcelState: report.parcelState,
          ...(lowChance ? { successLikelihood: "low" as const } : {}),
          ...(report.fee ? { cost: { ...record.cost, final: report.fee } } : {}),
        };
        const event = { at: report.at, detail: report.detail, carrierEventId: report.eventId };
        const job = await store.getJobForInterception(record.id);
        const result =
          report.outcome === null
            ? await store.transitionInterception(record.id, {
                from: ["pending", "submitted"],
                patch,
                event,
              })
            : await store.transitionInterception(record.id, {
                from: statusesLeadingTo(report.outcome),
                to: report.outcome,
                patch:
                  report.outcome === "failed"
                    ? { ...patch, failure: carrierReportedFailure(report.detail) }
                    : patch,
                event,
                ...(job ? { completeJobId: job.id } : {}),
              });
        if (result === "applied") {
          applied += 1;
          if (report.outcome) {
            this.count(report.outcome, carrier.id);
          }
        }
      }
    }
    return applied;
  }

  private async createFresh(
    merchant: MerchantRecord,
    request: InterceptionRequest,
    idempotency: { merchantId: string; key: string },
    requestId: string,
  ): Promise<{ status: number; body: string }> {
    const { store, now } = this.options;
    const deadline = this.deadline();
    const assessment = await this.assess(merchant, request, deadline);
    if (!assessment.decision.eligible) {
      const error = new GatewayError("not_eligible", "The parcel cannot be intercepted.", {
        reasons: assessment.decision.reasons,
      });
      this.count("not_eligible", request.carrier);
      return { status: 422, body: JSON.stringify(problemBody(error, requestId)) };
    }

    const id = `icp_${ulid()}`;
    const at = now().toISOString();
    const locked = assessment.decision.disposition === "lock";
    const interception: InterceptionRecord = {
      id,
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
      status: locked ? "locked" : "pending",
      parcelState: assessment.parcelState,
      successLikelihood: assessment.decision.successLikelihood,
      carrierReference: null,
      cost: assessment.cost,
      failure: null,
      createdAt: at,
      updatedAt: at,
    };
    const job: JobRecord | null = locked
      ? null
      : {
          id: `job_${ulid()}`,
          interceptionId: id,
          kind: "submit",
          runAt: at,
          attempts: 0,
          leaseUntil: null,
          lastError: null,
        };
    await store.insertInterception({
      interception,
      event: {
        at,
        status: interception.status,
        detail: locked
          ? "Not collected by the carrier yet: held (locked) in the warehouse, no carrier call."
          : "Accepted and stored; the carrier is being asked.",
        carrierEventId: null,
      },
      job,
      idempotency,
    });
    this.count(interception.status, interception.carrier);

    if (job) {
      const leased = await store.claimJob(job.id, now().toISOString(), this.leaseUntil());
      if (leased) {
        await this.processSubmitJob(leased, deadline);
      }
    }
    return this.responseFor(merchant.id, id);
  }

  /** Tracks the parcel (within the deadline) and applies the rules. */
  private async assess(
    merchant: MerchantRecord,
    request: Pick<InterceptionRequest, "carrier" | "trackingNumber" | "action" | "parcel">,
    deadline: number,
    excludeId?: string,
  ): Promise<Assessment> {
    const carrier = this.carrierFor(request.carrier);
    assertActionSupported(carrier, request.action);
    const tracked = await carrier.resilient.call(
      "track",
      (ctx) => carrier.resilient.adapter.track(request.trackingNumber, ctx),
      { deadline },
    );
    const unknownParcel = !tracked.ok && tracked.error.code === "unknown_parcel";
    const parcelState = tracked.ok ? tracked.value.state : null;
    const earlier = (
      await this.options.store.findInterceptionsForParcel(
        merchant.id,
        carrier.id,
        request.trackingNumber,
      )
    ).filter((record) => record.id !== excludeId);
    const decision = decideEligibility({
      request,
      rules: carrier.rules,
      parcelState,
      unknownParcel,
      earlier,
    });
    const cost = attributeCost({
      action: request.action,
      pickupService: merchant.pickupService,
      earlierRedirects: decision.earlierRedirects,
      locked: decision.disposition === "lock",
      rules: carrier.rules,
    });
    return { carrier, decision, parcelState: parcelState ?? "unknown", cost };
  }

  /**
   * Commits what a late assessment decided when it ends the job (refused, or not collected so
   * locked). Returns false when the interception should go on to the carrier.
   */
  private async settleLateAssessment(
    job: JobRecord,
    record: InterceptionRecord,
    assessment: Assessment,
  ): Promise<boolean> {
    const { store } = this.options;
    const at = this.options.now().toISOString();
    const base = {
      parcelState: assessment.parcelState,
      successLikelihood: assessment.decision.successLikelihood,
      cost: assessment.cost,
    };
    if (!assessment.decision.eligible) {
      await store.transitionInterception(record.id, {
        from: ["pending"],
        to: "failed",
        patch: { ...base, failure: notEligible(assessment.decision.reasons) },
        event: {
          at,
          detail: "Refused once the carrier could be asked: the parcel is not eligible.",
        },
        completeJobId: job.id,
      });
      return true;
    }
    if (assessment.decision.disposition === "lock") {
      await store.transitionInterception(record.id, {
        from: ["pending"],
        to: "locked",
        patch: base,
        event: { at, detail: "Not collected by the carrier yet: held (locked), no carrier call." },
        completeJobId: job.id,
      });
      return true;
    }
    await store.transitionInterception(record.id, {
      from: ["pending"],
      patch: base,
      event: { at, detail: `The carrier reports the parcel ${assessment.parcelState}.` },
    });
    Object.assign(record, base);
    return false;
  }

  /** Gives the job back with exponential backoff, or fails the interception past the horizon. */
  private async retryLater(
    job: JobRecord,
    record: InterceptionRecord,
    reason: string,
    retryAfterMs = 0,
  ) {
    const { store, now } = this.options;
    if (job.attempts + 1 >= this.options.maxJobAttempts) {
      await store.transitionInterception(record.id, {
        from: ["pending"],
        to: "failed",
        patch: { failure: carrierUnreachable(reason) },
        event: {
          at: now().toISOString(),
          detail: "Gave up: the carrier could not be reached in time.",
        },
        completeJobId: job.id,
      });
      this.count("failed", record.carrier);
      return;
    }
    const backoff = Math.min(1_000 * 2 ** job.attempts, 5 * 60_000);
    const runAt = new Date(now().getTime() + Math.max(backoff, retryAfterMs)).toISOString();
    await store.rescheduleJob(job.id, runAt, reason);
  }

  private async transitionOrConflict(
    record: InterceptionRecord,
    transition: Parameters<Store["transitionInterception"]>[1],
  ): Promise<void> {
    const result = await this.options.store.transitionInterception(record.id, transition);
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

  private carrierFor(id: string): RegisteredCarrier {
    const carrier = this.options.carriers.get(id);
    if (!carrier) {
      throw new GatewayError("unknown_carrier", `The gateway has no adapter for carrier "${id}".`);
    }
    return carrier;
  }

  private deadline(): number {
    return this.options.now().getTime() + this.options.requestDeadlineMs;
  }

  private leaseUntil(): string {
    return new Date(this.options.now().getTime() + this.options.jobLeaseMs).toISOString();
  }

  private count(status: string, carrier: string): void {
    this.options.metrics.increment(
      "gateway_interceptions_total",
      "Interceptions by status reached.",
      {
        carrier,
        status,
      },
    );
  }
}

function assertActionSupported(
  carrier: RegisteredCarrier,
  action: InterceptionRequest["action"],
): void {
  if (!carrier.resilient.adapter.capabilities.actions.includes(action)) {
    throw new GatewayError(
      "action_not_supported",
      `${carrier.resilient.adapter.displayName} does not support "${action}".`,
      {
        reasons: [
          { code: "action_not_supported", message: `The carrier cannot ${action} parcels.` },
        ],
      },
    );
  }
}

/** SHA-256 of the request with keys sorted, so key order does not make a different request. */
export function fingerprintOf(request: InterceptionRequest): string {
  return createHash("sha256").update(canonicalJson(request)).digest("hex");
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
