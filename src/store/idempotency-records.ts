/**
 * The idempotency aggregate of the store seam (store.ts): who holds each idempotency key, and the
 * answer to replay for it.
 */

export type IdempotencyClaim =
  /** This request owns the key now. `interceptionId` is set when an earlier owner crashed after
   * storing the interception: the caller must answer from it instead of creating another. */
  | { outcome: "claimed"; interceptionId: string | null }
  | { outcome: "mismatch" }
  | { outcome: "in_progress" }
  | { outcome: "completed"; status: number; body: string };

/**
 * A request's claim on an idempotency key, held until `lockedUntil`. A type, not an interface,
 * so it binds as a statement's named parameters.
 */
export type IdempotencyKeyClaim = {
  merchantId: string;
  key: string;
  fingerprint: string;
  now: string;
  lockedUntil: string;
};

/** The answer a key's request gave, stored for replays. A type, for the same reason. */
export type IdempotencyCompletion = {
  merchantId: string;
  key: string;
  status: number;
  body: string;
};

/**
 * Thrown by `interceptions.insert` when the idempotency key is not this request's to use: its
 * lock expired and a newer request took the key over and stored its own interception, or a
 * concurrent request claimed a key this one was about to claim. The insert is rolled back, so
 * the parcel is not intercepted twice.
 */
export class IdempotencyConflictError extends Error {
  constructor(merchantId: string, key: string) {
    super(`Idempotency key ${JSON.stringify(key)} of ${merchantId} is not held by this request.`);
    this.name = "IdempotencyConflictError";
  }
}

/** Idempotency keys: who holds each, and the answer to replay. */
export interface IdempotencyRepository {
  /** Whether `(merchantId, key)` was ever claimed (and not yet pruned or released). */
  has(merchantId: string, key: string): Promise<boolean>;
  /** Atomically claims `(merchantId, key)`; see IdempotencyClaim. */
  claim(claim: IdempotencyKeyClaim): Promise<IdempotencyClaim>;
  /**
   * Claims a key nobody holds and stores its answer at once (a refusal under a new key).
   * Returns false, changing nothing, when the key exists.
   */
  storeResponse(claim: IdempotencyKeyClaim & { status: number; body: string }): Promise<boolean>;
  /** Stores the response to replay for this key. */
  complete(done: IdempotencyCompletion): Promise<void>;
  /**
   * Lets go of a claim whose request failed: forgotten when it stored nothing (the client simply
   * retries); unlocked when it stored its interception, so a retry answers from that.
   */
  release(merchantId: string, key: string, now: string): Promise<void>;
  /**
   * Deletes up to `limit` keys created before `before`, oldest first; returns how many. Bounded
   * so one prune never holds the write lock long: call again while it returns `limit`.
   */
  deleteCreatedBefore(before: string, limit: number): Promise<number>;
}
