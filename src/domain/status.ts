/**
 * The interception status machine. Status only moves forward: a late or repeated carrier report
 * can never move an interception back.
 */
import type { InterceptionStatus } from "../../contracts/normalized.ts";

const nextStatuses: Record<InterceptionStatus, readonly InterceptionStatus[]> = {
  // pending → locked: the worker found, once the carrier answered, that it had not collected yet.
  pending: ["submitted", "succeeded", "failed", "cancelled", "locked"],
  submitted: ["succeeded", "failed", "cancelled"],
  // locked → failed: the carrier collected the parcel before its pickup could be cancelled.
  locked: ["released", "failed"],
  succeeded: [],
  failed: [],
  cancelled: [],
  released: [],
};

/** The statuses from which `to` may be reached. */
export function statusesLeadingTo(to: InterceptionStatus): InterceptionStatus[] {
  return (Object.keys(nextStatuses) as InterceptionStatus[]).filter((from) =>
    nextStatuses[from].includes(to),
  );
}

/** A status nothing follows: the interception is decided, and no job has work left on it. */
export function isFinal(status: InterceptionStatus): boolean {
  return nextStatuses[status].length === 0;
}
