/**
 * Recording what a carrier reports about an interception, whether it pushed it (callbacks) or
 * the gateway polled for it. Status only moves forward and a repeated report changes nothing.
 */
import type { CarrierReport } from "../../contracts/carrier-adapter.ts";
import { carrierActor } from "../domain/actors.ts";
import { carrierReportedFailure } from "../domain/failure.ts";
import { statusesLeadingTo } from "../domain/status.ts";
import type { InterceptionRecord, JobRecord, TransitionResult } from "../store/store.ts";
import { carrierFor, countStatus, type ServiceDeps } from "./deps.ts";

/**
 * Records one report for one interception, completing its job when the report decides it (or
 * replacing it with `followUp` when it does not).
 */
export async function recordCarrierReport(
  deps: ServiceDeps,
  record: InterceptionRecord,
  report: CarrierReport,
  jobId: string | null,
  /** With no outcome yet: the job that replaces `jobId`, committed with the report. */
  followUp: JobRecord | null = null,
): Promise<TransitionResult> {
  const lowChance =
    report.parcelState === "at_delivery_station" || report.parcelState === "out_for_delivery";
  const patch = {
    parcelState: report.parcelState,
    ...(lowChance ? { successLikelihood: "low" as const } : {}),
    ...(report.fee ? { cost: { ...record.cost, final: report.fee } } : {}),
  };
  const event = {
    at: report.at,
    detail: report.detail,
    carrierEventId: report.eventId,
    actor: carrierActor(record.carrier),
  };
  if (report.outcome === null) {
    return deps.store.interceptions.transition(record.id, {
      from: ["pending", "submitted"],
      patch,
      event,
      ...(jobId && followUp ? { completeJobId: jobId, scheduleJob: followUp } : {}),
    });
  }
  const result = await deps.store.interceptions.transition(record.id, {
    from: statusesLeadingTo(report.outcome),
    to: report.outcome,
    patch:
      report.outcome === "failed"
        ? { ...patch, failure: carrierReportedFailure(report.detail) }
        : patch,
    event,
    ...(jobId ? { completeJobId: jobId } : {}),
  });
  if (result === "applied") {
    countStatus(deps, report.outcome, record.carrier);
  }
  return result;
}

/**
 * Applies the reports of one carrier push. A report about a parcel the gateway is not
 * intercepting, or about one already decided, changes nothing. Returns how many applied.
 */
export async function applyCarrierReports(
  deps: ServiceDeps,
  carrierId: string,
  reports: CarrierReport[],
): Promise<number> {
  const carrier = carrierFor(deps, carrierId);
  let applied = 0;
  for (const report of reports) {
    const interceptions = await deps.store.interceptions.findForParcel(
      null,
      carrier.id,
      report.trackingNumber,
    );
    for (const record of interceptions) {
      if (record.status !== "pending" && record.status !== "submitted") {
        continue;
      }
      // Accepted while the carrier could not be asked, it has not been sent yet (its late
      // assessment comes first), so no report is about it; and its parcel may be another
      // merchant's, whose report this is.
      if (record.status === "pending" && record.parcelState === "unknown") {
        continue;
      }
      // A report naming another interception (an earlier one, since finished) is not this one's.
      if (
        report.reference &&
        report.reference !== record.id &&
        report.reference !== record.carrierReference
      ) {
        continue;
      }
      const job = report.outcome ? await deps.store.jobs.forInterception(record.id) : null;
      if ((await recordCarrierReport(deps, record, report, job?.id ?? null)) === "applied") {
        applied += 1;
      }
    }
  }
  return applied;
}
