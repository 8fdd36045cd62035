/**
 * When a job runs again and when it gives up, for every kind of job:
 * - a submit, cancel or pickup cancel whose attempt failed (the carrier could not be reached, or
 *   the run crashed) runs again after a backoff, and gives up once it has used `maxJobAttempts`
 *   attempts;
 * - a poll counts its polls, not its failures: it polls on its own schedule and gives up once
 *   the carrier's poll horizon has passed since the carrier accepted the interception.
 */
import type { RegisteredCarrier } from "../carriers/registry.ts";
import type { ServiceDeps } from "../services/deps.ts";
import type { InterceptionRecord, InterceptionWithEvents, JobRecord } from "../store/store.ts";
import { newJob } from "./new-job.ts";

/** The clock the policy reads. */
type Clock = Pick<ServiceDeps, "now">;

/** What the poll horizon reads of an interception. */
type Acceptance = Pick<InterceptionWithEvents, "events" | "createdAt">;

/** What a failed attempt leaves on its job when the job is given back. */
export interface FailedAttempt {
  /** Kept on the job and in the log; never shown to the merchant. */
  lastError: string;
  /** The carrier's Retry-After: the next attempt waits at least this long. */
  retryAfterMs?: number;
  /** The attempt may have reached the carrier: recorded for good on the job. */
  maybeSent?: boolean;
}

/**
 * Gives a job whose attempt failed back for a later attempt, or, once it has used its attempts,
 * gives up: `giveUp` does what that means for its kind, and its answer is returned. Returns
 * `"retrying"` when the job was given back.
 */
export async function retryOrGiveUp<T>(
  deps: ServiceDeps,
  job: JobRecord,
  attempt: FailedAttempt,
  giveUp: () => Promise<T>,
): Promise<T | "retrying"> {
  if (attemptsUsed(job, deps.maxJobAttempts)) {
    return giveUp();
  }
  await deps.store.jobs.reschedule(
    job,
    retryAt(deps, job, attempt.retryAfterMs),
    attempt.lastError,
    attempt.maybeSent,
  );
  return "retrying";
}

/** Whether a job whose attempt just failed has used its `maxJobAttempts` attempts. */
export function attemptsUsed(job: JobRecord, maxJobAttempts: number): boolean {
  // `attempts` counts the failed attempts before this one.
  return job.attempts + 1 >= maxJobAttempts;
}

/**
 * When a failed job runs again: 1 s doubling up to 5 min, or the carrier's Retry-After (never
 * above CARRIER_RETRY_AFTER_CAP_MS: the resilient carrier caps it for every call).
 */
export function retryAt(deps: Clock, job: JobRecord, retryAfterMs = 0): string {
  const backoff = Math.min(1_000 * 2 ** job.attempts, 5 * 60_000);
  return new Date(deps.now().getTime() + Math.max(backoff, retryAfterMs)).toISOString();
}

/**
 * Whether a submitted interception has been polled past its carrier's horizon (`horizonMs`),
 * counted from the carrier's acceptance. With no carrier to ask (its adapter gone since),
 * nothing will poll it again: the horizon has passed.
 */
export function pollHorizonPassed(
  deps: Clock,
  record: Acceptance,
  horizonMs: number | undefined,
): boolean {
  return horizonMs === undefined || sinceAccepted(deps, record) > horizonMs;
}

/** How long ago the carrier accepted the interception (ms). */
export function sinceAccepted(deps: Clock, record: Acceptance): number {
  return deps.now().getTime() - Date.parse(acceptedAt(record));
}

/**
 * When the carrier accepted the interception: its first event in `submitted`. Later events keep
 * that status too (parcel moves, a cancel asked or refused) and must not move the poll's
 * horizon or the carrier's trace window.
 */
export function acceptedAt(record: Acceptance): string {
  return record.events.find((event) => event.status === "submitted")?.at ?? record.createdAt;
}

/**
 * The next poll of a submitted interception after `attempts` polls, with backoff: from the poll
 * schedule for carriers that are polled, from the later push-fallback delay for carriers that
 * push.
 */
export function nextPoll(
  deps: ServiceDeps,
  record: InterceptionRecord,
  carrier: RegisteredCarrier,
  attempts: number,
): JobRecord {
  const first =
    carrier.capabilities.outcome === "poll"
      ? carrier.poll.initialDelayMs
      : carrier.poll.pushFallbackDelayMs;
  const delay = Math.min(first * 2 ** attempts, Math.max(first, carrier.poll.maxIntervalMs));
  const runAt = new Date(deps.now().getTime() + delay).toISOString();
  return { ...newJob(record.id, "poll", runAt), attempts };
}
