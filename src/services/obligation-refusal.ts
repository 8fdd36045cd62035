/**
 * How a shipping-obligation rule's refusal (src/domain/obligations/decision.ts) reaches the
 * caller: the state forbids the act → `invalid_transition` with the rule as its `reasons` entry;
 * the request is wrong → 422 `validation_failed` with the field at fault.
 */
import type { Refusal } from "../domain/obligations/decision.ts";
import { ServiceError } from "./service-error.ts";

export function refusalError(refusal: Refusal): ServiceError {
  if (refusal.code === "invalid_transition") {
    return new ServiceError("invalid_transition", refusal.message, {
      reasons: [{ code: refusal.rule, message: refusal.message }],
    });
  }
  return new ServiceError("validation_failed", refusal.message, {
    status: 422,
    errors: [{ path: refusal.path, message: `${refusal.rule}: ${refusal.message}` }],
  });
}
