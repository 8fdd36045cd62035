/**
 * `poll`: asks where a submitted interception stands (the carrier's own poll where it has one,
 * else its tracking, for a push carrier whose push may have been lost), until the carrier
 * reports an outcome or the poll horizon passes.
 */

import type { InterceptionStatus } from "../../contracts/normalized.ts";
import type { RegisteredCarrier } from "../carriers/registry.ts";
import { gatewayActor } from "../domain/actors.ts";
import { outcomeNeverConfirmed } from "../domain/failure.ts";
import type { ServiceDeps } from "../services/deps.ts";
import type { InterceptionWithEvents, JobRecord } from "../store/store.ts";
import { askOutcome, outcomeQuery, recordPolled } from "./carrier-outcome.ts";
import { crashNote, fail } from "./job-ends.ts";
import type { JobHandler } from "./job-handler.ts";
import { acceptedAt, nextPoll, pollHorizonPassed, retryAt, sinceAccepted } from "./retry-policy.ts";

/**
 * What a poll records (an outcome never confirmed) holds only while the carrier has not decided
 * (see job-ends.ts).
 */
const worksOn: InterceptionStatus = "submitted";

export const pollJob: JobHandler = {
  worksOn,
  run: poll,
  /**
   * A poll's attempts count its polls, not its crashes: within its horizon it polls again. Past
   * it, or with its carrier gone, nothing will ask the carrier again.
   */
  async crashed(deps, job, record, error) {
    const horizonMs = deps.carriers.get(record.carrier)?.poll.horizonMs;
    if (pollHorizonPassed(deps, record, horizonMs)) {
      await giveUpPolling(deps, job, record, horizonMs);
      return;
    }
    await deps.store.jobs.reschedule(job, retryAt(deps, job), crashNote(error));
  },
};

async function poll(
  deps: ServiceDeps,
  job: JobRecord,
  record: InterceptionWithEvents,
  carrier: RegisteredCarrier,
  deadline: number,
): Promise<void> {
  if (pollHorizonPassed(deps, record, carrier.poll.horizonMs)) {
    await giveUpPolling(deps, job, record, carrier.poll.horizonMs);
    return;
  }
  const query = outcomeQuery(record, record.carrierReference ?? record.id, acceptedAt(record));
  const result = await askOutcome(carrier, query, deadline);
  if (result.ok && result.value.outcome !== null) {
    await recordPolled(deps, record, result.value, job.id);
    return;
  }
  const next = nextPoll(deps, record, carrier, job.attempts + 1);
  if (result.ok && result.value.parcelState !== record.parcelState) {
    // The parcel moved: its new state, this poll's end and the next poll commit together.
    const moved = await recordPolled(deps, record, result.value, job.id, next);
    if (moved === "applied") {
      return;
    }
  }
  await deps.store.jobs.reschedule(
    job,
    next.runAt,
    result.ok ? "no outcome yet" : `${result.error.code}: ${result.error.message}`,
  );
}

/**
 * The carrier accepted the interception but never confirmed an outcome within the horizon (its
 * age stands in when the carrier is gone): it ends so, as nothing will ask the carrier again.
 */
function giveUpPolling(
  deps: ServiceDeps,
  job: JobRecord,
  record: InterceptionWithEvents,
  horizonMs: number | undefined,
): Promise<void> {
  return fail(
    deps,
    job,
    record,
    worksOn,
    outcomeNeverConfirmed(horizonMs ?? sinceAccepted(deps, record)),
    "Gave up polling: the carrier never confirmed an outcome.",
    gatewayActor,
  );
}
