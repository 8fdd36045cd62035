/**
 * What an applied transition leaves of an interception, as every store stores it (see
 * `InterceptionRepository.transition`): a caller holding the interception it changed answers
 * from this instead of reading the row back. The store contract (test/store/contract) holds
 * every store to it.
 */
import { chargesNothingOnceIn, noCharge } from "../domain/cost.ts";
import type { InterceptionTransition, InterceptionWithEvents } from "./store.ts";

export function appliedTransition(
  record: InterceptionWithEvents,
  transition: InterceptionTransition,
): InterceptionWithEvents {
  const status = transition.to ?? record.status;
  const { at, detail, carrierEventId = null } = transition.event;
  return {
    ...record,
    ...transition.patch,
    ...(chargesNothingOnceIn(record.action, status) ? { cost: noCharge() } : {}),
    status,
    updatedAt: at,
    events: [...record.events, { at, status, detail, carrierEventId }],
  };
}
