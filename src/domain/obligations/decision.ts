/**
 * What every shipping-obligation rule answers: the change it allows, or the rule that refuses it.
 * A refusal names its rule by a stable id and says how the API presents it: `invalid_transition`
 * (409, the id as a `reasons` entry) when the record's state forbids the act, `validation_failed`
 * (the id and message as the field error at `path`) when the request itself is wrong.
 */
import type { obligationRefusalCodes } from "../../../contracts/problem.ts";

/** Bad requests (validation_failed): the id and message are the field error at its path. */
export type ObligationValidationRule =
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
  | "evidence_required";

/** Acts the records' state forbids (invalid_transition): public reason codes (contracts). */
export type ObligationRefusalRule = (typeof obligationRefusalCodes)[number];

export type ObligationRule = ObligationValidationRule | ObligationRefusalRule;

export type Refusal =
  | { ok: false; code: "invalid_transition"; rule: ObligationRefusalRule; message: string }
  | {
      ok: false;
      code: "validation_failed";
      rule: ObligationValidationRule;
      /** The request field at fault, as in problem+json `errors[].path`. */
      path: string;
      message: string;
    };

export function forbidden(rule: ObligationRefusalRule, message: string): Refusal {
  return { ok: false, code: "invalid_transition", rule, message };
}

export function invalid(path: string, rule: ObligationValidationRule, message: string): Refusal {
  return { ok: false, code: "validation_failed", rule, path, message };
}
