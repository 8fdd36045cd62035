/**
 * What every shipping-obligation rule answers: the change it allows, or the rule that refuses it.
 * A refusal names its rule by a stable id and says how the API presents it: `invalid_transition`
 * (409, the id as a `reasons` entry) when the record's state forbids the act, `validation_failed`
 * (the id and message as the field error at `path`) when the request itself is wrong.
 */

export type ObligationRule =
  // Bad requests (validation_failed).
  | "invalid_date"
  | "ship_date_in_past"
  | "ship_date_too_late"
  | "invalid_reason"
  | "reply_kind_not_allowed"
  | "message_required"
  | "tracking_number_required"
  | "invalid_time"
  | "opened_at_in_future"
  | "amount_not_positive"
  | "evidence_required"
  // Acts the records' state forbids (invalid_transition).
  | "shipment_not_shipped"
  | "shipment_not_awaiting_shipment"
  | "ticket_already_open"
  | "after_urge_shipment"
  | "reply_window_closed"
  | "ticket_not_awaiting_reply"
  | "ticket_not_awaiting_buyer"
  | "answer_window_closed"
  | "second_chance_needs_ship_later"
  | "ticket_closed"
  | "ship_by_passed"
  | "proposal_limit_reached"
  | "proposal_already_accepted"
  | "proposal_pending"
  | "proposal_expired"
  | "proposal_already_answered";

export type Refusal =
  | { ok: false; code: "invalid_transition"; rule: ObligationRule; message: string }
  | {
      ok: false;
      code: "validation_failed";
      rule: ObligationRule;
      /** The request field at fault, as in problem+json `errors[].path`. */
      path: string;
      message: string;
    };

export function forbidden(rule: ObligationRule, message: string): Refusal {
  return { ok: false, code: "invalid_transition", rule, message };
}

export function invalid(path: string, rule: ObligationRule, message: string): Refusal {
  return { ok: false, code: "validation_failed", rule, path, message };
}
