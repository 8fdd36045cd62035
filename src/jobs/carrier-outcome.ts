/**
 * Asking a carrier where an interception it accepted (or may have) stands, and recording its
 * answer: the carrier's own poll where it has one, else what its tracking shows (SF, Kuaidi100
 * and Cainiao publish no interception status query; tracking is also the fallback for a push
 * that never arrived).
 */
import type {
  CallContext,
  CarrierResult,
  OutcomeQuery,
  PolledOutcome,
} from "../../contracts/carrier-adapter.ts";
import type { RegisteredCarrier } from "../carriers/registry.ts";
import { outcomeFromTracking } from "../domain/tracking-outcome.ts";
import type { ServiceDeps } from "../services/deps.ts";
import { recordCarrierReport } from "../services/outcomes.ts";
import type { InterceptionRecord, JobRecord, TransitionResult } from "../store/store.ts";

/** What a carrier is asked about an interception it accepted (or may have). */
export function outcomeQuery(
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

/** Where a submitted interception stands, in one resilient call. */
export function askOutcome(
  carrier: RegisteredCarrier,
  query: OutcomeQuery,
  deadline: number,
): Promise<CarrierResult<PolledOutcome>> {
  return carrier.resilient.call("poll", (ctx) => askOutcomeOnce(carrier, query, ctx), {
    deadline,
    log: { interceptionId: query.reference },
  });
}

async function askOutcomeOnce(
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
 * Records what a poll or tracking check answered, as a carrier report, ending the job `jobId`
 * when it decides the interception (or replacing it with `followUp` when it does not). Its
 * event id names the answer, so the same answer polled again is not recorded twice.
 */
export function recordPolled(
  deps: ServiceDeps,
  record: InterceptionRecord,
  polled: PolledOutcome,
  jobId: string,
  followUp: JobRecord | null = null,
): Promise<TransitionResult> {
  return recordCarrierReport(
    deps,
    record,
    {
      ...polled,
      eventId: `poll:${polled.outcome ?? polled.parcelState}`,
      trackingNumber: record.trackingNumber,
      at: deps.now().toISOString(),
    },
    jobId,
    followUp,
  );
}
