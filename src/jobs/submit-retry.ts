/** What a submit's failed attempts share: the status it works on and how it is retried. */
import type { InterceptionStatus } from "../../contracts/normalized.ts";
import { carrierUnreachable, submitOutcomeUnknown } from "../domain/failure.ts";
import type { ServiceDeps } from "../services/deps.ts";
import type { InterceptionRecord, JobRecord } from "../store/store.ts";
import { retryLater } from "./job-ends.ts";

/**
 * A submit's verdicts (refused, not eligible, given up) hold only while the interception is
 * still pending (see job-ends.ts).
 */
export const submitWorksOn: InterceptionStatus = "pending";

/**
 * Gives a submit whose carrier could not be reached back for a later attempt, or gives up. A
 * submit that may have reached the carrier (this attempt or an earlier one) did not simply
 * fail when it gives up: its outcome is unknown. `maybeSent` records for good that this
 * attempt may have reached the carrier.
 */
export function retrySubmitLater(
  deps: ServiceDeps,
  job: JobRecord,
  record: InterceptionRecord,
  reason: string,
  retryAfterMs = 0,
  maybeSent = false,
): Promise<void> {
  return retryLater(
    deps,
    job,
    record,
    submitWorksOn,
    { lastError: reason, retryAfterMs, maybeSent },
    job.maybeSent || maybeSent ? submitOutcomeUnknown(reason) : carrierUnreachable(reason),
  );
}
