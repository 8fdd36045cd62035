/** A submit whose earlier attempt may have reached the carrier, its reply lost. */
import type { RegisteredCarrier } from "../carriers/registry.ts";
import type { ServiceDeps } from "../services/deps.ts";
import type { InterceptionRecord, JobRecord } from "../store/store.ts";
import { askOutcome, outcomeQuery, recordPolled } from "./carrier-outcome.ts";
import { retrySubmitLater } from "./submit-retry.ts";

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
export async function decidedDespiteLostReply(
  deps: ServiceDeps,
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
  const asked = await askOutcome(carrier, query, deadline);
  if (!asked.ok) {
    // Not knowing is no licence to send again: ask again later.
    await retrySubmitLater(
      deps,
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
  if ((await recordPolled(deps, record, asked.value, job.id)) !== "applied") {
    await deps.store.jobs.complete(job);
  }
  return true;
}
