/**
 * How a claim on an idempotency key that is already stored is decided, the same on every store:
 * the store reads the key (locked, inside its transaction) and relocks it when this says the
 * claim takes it over.
 */
import type { IdempotencyClaim, IdempotencyKeyClaim } from "./store.ts";

/** The stored key's columns the decision reads. */
export interface StoredKey {
  fingerprint: string;
  state: string;
  responseStatus: number | null;
  responseBody: string | null;
  lockedUntil: string;
  interceptionId: string | null;
}

/**
 * `claimed` means a takeover: the previous owner's lock ran out (it crashed or hung), and what it
 * managed to store is handed back so the caller answers from that instead of intercepting twice.
 * The store must then relock the key until `claim.lockedUntil`.
 */
export function decideClaimOnStoredKey(
  existing: StoredKey,
  claim: IdempotencyKeyClaim,
): IdempotencyClaim {
  if (existing.fingerprint !== claim.fingerprint) {
    return { outcome: "mismatch" };
  }
  if (existing.state === "completed") {
    if (existing.responseStatus === null || existing.responseBody === null) {
      throw new Error(`Idempotency key ${claim.key} is completed without a response.`);
    }
    return { outcome: "completed", status: existing.responseStatus, body: existing.responseBody };
  }
  if (existing.lockedUntil > claim.now) {
    return { outcome: "in_progress" };
  }
  return { outcome: "claimed", interceptionId: existing.interceptionId };
}
