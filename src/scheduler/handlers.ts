/**
 * What the scheduler does when a deadline falls due: one handler per kind, in a map the type
 * checker keeps complete (a new `DeadlineKind` without a handler fails `tsc`). Handlers act on
 * the record as it stands, not as it was when the deadline was set: a subject that moved on
 * (collected, refunded, its `shipBy` moved) makes the deadline do nothing. They are idempotent, as
 * a deadline may run twice (a holder lost after acting, before completing it).
 */
import type { DeadlineKind, DeadlineRecord } from "../store/store.ts";
import type { SchedulerDeps } from "./deps.ts";
import { followCollection } from "./follow-collection.ts";
import { proposalExpiry } from "./proposal-expiry.ts";
import { shipByPassed } from "./ship-by.ts";
import { ticketDue } from "./ticket-due.ts";

/** What became of a run: nothing left to do, or due again at `at` (with why, for the record). */
export type DeadlineOutcome = { done: true } | { done: false; at: string; reason: string };

export type DeadlineHandler = (
  deadline: DeadlineRecord,
  deps: SchedulerDeps,
) => Promise<DeadlineOutcome>;

export const deadlineHandlers: Record<DeadlineKind, DeadlineHandler> = {
  ship_by: shipByPassed,
  follow_collection: followCollection,
  ticket_due: ticketDue,
  proposal_expiry: proposalExpiry,
};
