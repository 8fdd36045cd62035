/**
 * How a job's run ends when its carrier call did not simply succeed: each end is committed
 * together with the job's completion (or its next run).
 *
 * `from`, where given, is the status the job works on: deliberately narrower than every status
 * the interception could move from, because the job's verdict (a refusal, giving up) was reached
 * about the interception as the job found it. If a push or the merchant moved it meanwhile,
 * that verdict no longer applies and the job just ends.
 */
import type { EventActor, Failure } from "../../contracts/interception.ts";
import type { InterceptionStatus } from "../../contracts/normalized.ts";
import { gatewayActor } from "../domain/actors.ts";
import { statusesLeadingTo } from "../domain/status.ts";
import { countStatus, type ServiceDeps } from "../services/deps.ts";
import type { InterceptionRecord, JobRecord } from "../store/store.ts";
import { type FailedAttempt, retryOrGiveUp } from "./retry-policy.ts";

/** Fails the interception, ending the job, while it is still `from`. */
export async function fail(
  deps: ServiceDeps,
  job: JobRecord,
  record: InterceptionRecord,
  from: InterceptionStatus,
  failure: Failure,
  detail: string,
  /** The carrier for its refusal, the gateway when it gives up. */
  actor: EventActor,
): Promise<void> {
  const result = await deps.store.interceptions.transition(record.id, {
    from: [from],
    to: "failed",
    patch: { failure },
    event: { at: deps.now().toISOString(), detail, actor },
    completeJobId: job.id,
  });
  if (result === "applied") {
    countStatus(deps, "failed", record.carrier);
  }
}

/**
 * Ends a job with an event while the interception is in one of `from` (moving it `to` a status
 * when given). Returns false when the interception had moved on: the job is dropped then.
 */
export async function endJob(
  deps: ServiceDeps,
  job: JobRecord,
  record: InterceptionRecord,
  from: readonly InterceptionStatus[],
  detail: string,
  actor: EventActor,
  to?: InterceptionStatus,
): Promise<boolean> {
  const applied = await deps.store.interceptions.transition(record.id, {
    from,
    ...(to ? { to } : {}),
    event: { at: deps.now().toISOString(), detail, actor },
    completeJobId: job.id,
  });
  if (applied !== "applied") {
    await deps.store.jobs.complete(job);
  }
  return applied === "applied";
}

/**
 * Gives a job whose carrier call failed back for a later attempt, or, once it has used its
 * attempts, fails the interception (still `from`) with `failure`.
 */
export async function retryLater(
  deps: ServiceDeps,
  job: JobRecord,
  record: InterceptionRecord,
  from: InterceptionStatus,
  attempt: FailedAttempt,
  failure: Failure,
): Promise<void> {
  await retryOrGiveUp(deps, job, attempt, () =>
    fail(
      deps,
      job,
      record,
      from,
      failure,
      "Gave up: the carrier could not be reached in time.",
      gatewayActor,
    ),
  );
}

/**
 * A job whose run threw, given back as one that may have reached the carrier (it may have
 * crashed after its request left); once it has used its attempts, the interception fails with
 * `failure` from wherever it stands, as far as it can still fail.
 */
export async function retryCrashed(
  deps: ServiceDeps,
  job: JobRecord,
  record: InterceptionRecord,
  error: string,
  failure: Failure,
): Promise<void> {
  await retryOrGiveUp(deps, job, { lastError: crashNote(error), maybeSent: true }, () =>
    deps.store.interceptions.transition(record.id, {
      from: statusesLeadingTo("failed"),
      to: "failed",
      patch: { failure },
      event: {
        at: deps.now().toISOString(),
        detail: "Gave up: the gateway failed on this interception.",
        actor: gatewayActor,
      },
      completeJobId: job.id,
    }),
  );
}

/** What a crashed run leaves on its job: the error, cut short (a stack can be long). */
export function crashNote(error: string): string {
  return `crashed: ${error.slice(0, 500)}`;
}
