/**
 * What an applied transition leaves of an interception, as every store stores it (see
 * `InterceptionRepository.transition`): a caller holding the interception it changed answers
 * from this instead of reading the row back. The store contract (test/store/contract) holds
 * every store to it.
 */
import { chargesNothingOnceIn, noCharge } from "../domain/cost.ts";
import type {
  InterceptionRecord,
  InterceptionTransition,
  InterceptionWithEvents,
} from "./store.ts";

/**
 * The columns a transition writes: its patch, the no-charge rule (applied here, where every
 * status change passes, so no caller can forget it), the status and the update time.
 */
export function transitionColumns(
  current: Pick<InterceptionRecord, "action" | "status">,
  transition: InterceptionTransition,
) {
  const status = transition.to ?? current.status;
  return {
    ...transition.patch,
    ...(chargesNothingOnceIn(current.action, status) ? { cost: noCharge() } : {}),
    status,
    updatedAt: transition.event.at,
  };
}

export function appliedTransition(
  record: InterceptionWithEvents,
  transition: InterceptionTransition,
): InterceptionWithEvents {
  const columns = transitionColumns(record, transition);
  const { at, detail, carrierEventId = null, actor } = transition.event;
  return {
    ...record,
    ...columns,
    events: [...record.events, { at, status: columns.status, detail, carrierEventId, actor }],
  };
}
