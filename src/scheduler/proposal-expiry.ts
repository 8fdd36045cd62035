/**
 * The `proposal_expiry` deadline: a ship-date proposal the buyer has not answered by its
 * `expiresAt` expires (`proposal.expired`); the shipment's original `shipBy` stands. One answered
 * meanwhile, or expired by an earlier run, is left as it is.
 */
import { ShipDateProposalService } from "../services/ship-date-proposals.ts";
import type { DeadlineRecord } from "../store/store.ts";
import type { SchedulerDeps } from "./deps.ts";
import type { DeadlineOutcome } from "./handlers.ts";

export async function proposalExpiry(
  deadline: DeadlineRecord,
  deps: SchedulerDeps,
): Promise<DeadlineOutcome> {
  const expiry = await new ShipDateProposalService(deps).expire(deadline.subjectId);
  // Run before `expiresAt` by this instance's clock (pg-boss reads the database's): due again then.
  return expiry.outcome === "not_due"
    ? { done: false, at: expiry.at, reason: "the proposal has not expired yet" }
    : { done: true };
}
