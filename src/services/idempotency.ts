/**
 * Idempotency keys (API.md): the first request under a key does the work and its answer is
 * stored; a replay gets that answer byte for byte; the same key with another body is refused; a
 * duplicate arriving while the first is at work gets 409. Generic over the operation, so every
 * write taken under a key follows the same rules.
 *
 * An operation has the shape of every gateway write: a first commit that stores the work before
 * any carrier call, then the carrier, then a last commit with the outcome. A key never seen is
 * claimed in that first commit and completed in the last one, so on the common path the key
 * costs no commit of its own. A key seen before, or claimed by a concurrent request meanwhile,
 * is claimed first on its own: the claim decides replays, mismatches, requests in progress and
 * takeovers of a key whose holder crashed.
 */
import { createHash } from "node:crypto";
import {
  type IdempotencyCompletion,
  IdempotencyConflictError,
  type IdempotencyKeyClaim,
  type IdempotencyRepository,
} from "../store/store.ts";
import { ServiceError } from "./service-error.ts";

/** An answer as stored under a key: a status and the serialized body, replayed as they are. */
export interface StoredAnswer {
  status: number;
  body: string;
}

/** The answer to send, and whether it replays an earlier request's. */
export interface IdempotentAnswer extends StoredAnswer {
  replayed: boolean;
}

/** What the first commit of an operation stored, or the result it came to storing nothing. */
export type Started<Stored, Result> = { stored: Stored } | { result: Result };

/** How stored work ended, and the completion its last commit carried (null if none did). */
export interface Finished<Result> {
  result: Result;
  completedWith: IdempotencyCompletion | null;
}

export interface IdempotentOperation<Stored, Result> {
  /**
   * Decides and stores the work in one commit. With `claim` (a key never seen), that commit
   * claims the key too, and throws IdempotencyConflictError if another request claimed it. A
   * result reached with nothing stored (a refusal) is answered as it is.
   */
  start(claim: IdempotencyKeyClaim | undefined): Promise<Started<Stored, Result>>;
  /**
   * Finishes the stored work. Its last commit carries `completion(result)` when it can; a
   * finish that cannot says so with a null `completedWith`, and the key is completed after it.
   */
  finish(
    stored: Stored,
    completion: (result: Result) => IdempotencyCompletion,
  ): Promise<Finished<Result>>;
  /** The result of the work an earlier holder of the key stored (its id) before it failed. */
  resume(storedId: string): Promise<Result>;
  /** The answer stored for a result. */
  encode(result: Result): StoredAnswer;
}

/** The answer to send, and the result this request came to (null for a replay). */
export interface Idempotent<Result> {
  answer: IdempotentAnswer;
  result: Result | null;
}

/**
 * Runs `operation` once per `(merchantId, key)`. A failure lets go of the key: forgotten if
 * nothing was stored (the client simply retries), unlocked if the work was, so that a retry
 * answers from it instead of waiting out the lock.
 */
export async function withIdempotency<Stored, Result>(
  keys: IdempotencyRepository,
  claim: IdempotencyKeyClaim,
  operation: IdempotentOperation<Stored, Result>,
): Promise<Idempotent<Result>> {
  if (!(await keys.has(claim.merchantId, claim.key))) {
    const answered = await underNewKey(keys, claim, operation);
    if (answered) {
      return answered;
    }
  }
  return underClaim(keys, claim, operation);
}

/** Null when a concurrent request claimed the key first: the caller goes through the claim. */
async function underNewKey<Stored, Result>(
  keys: IdempotencyRepository,
  claim: IdempotencyKeyClaim,
  operation: IdempotentOperation<Stored, Result>,
): Promise<Idempotent<Result> | null> {
  let started: Started<Stored, Result>;
  try {
    started = await operation.start(claim);
  } catch (error) {
    if (error instanceof IdempotencyConflictError) {
      return null;
    }
    // Nothing to let go of: a failure before the first commit holds no key (it may now be
    // another request's).
    throw error;
  }
  if ("stored" in started) {
    return finishHeld(keys, claim, operation, started.stored);
  }
  // Nothing stored: the key is claimed and answered at once, unless another request has it now.
  const answer = operation.encode(started.result);
  if (!(await keys.storeResponse({ ...claim, ...answer }))) {
    return null;
  }
  return { answer: { ...answer, replayed: false }, result: started.result };
}

async function underClaim<Stored, Result>(
  keys: IdempotencyRepository,
  claim: IdempotencyKeyClaim,
  operation: IdempotentOperation<Stored, Result>,
): Promise<Idempotent<Result>> {
  const claimed = await keys.claim(claim);
  switch (claimed.outcome) {
    case "mismatch":
      throw new ServiceError(
        "idempotency_key_reused",
        "This Idempotency-Key was already used with a different request body.",
      );
    case "in_progress":
      throw new ServiceError(
        "request_in_progress",
        "A request with this Idempotency-Key is still being processed; retry shortly.",
        { retryAfterSeconds: 1 },
      );
    case "completed":
      return {
        answer: { status: claimed.status, body: claimed.body, replayed: true },
        result: null,
      };
    case "claimed":
      break;
  }
  let started: Started<Stored, Result>;
  try {
    started =
      claimed.interceptionId !== null
        ? { result: await operation.resume(claimed.interceptionId) }
        : await operation.start(undefined);
  } catch (error) {
    if (error instanceof IdempotencyConflictError) {
      // A newer request took this key over after our lock ran out; it owns the answer.
      throw new ServiceError(
        "request_in_progress",
        "Another request now holds this Idempotency-Key.",
        { retryAfterSeconds: 1, cause: error },
      );
    }
    await keys.release(claim.merchantId, claim.key, claim.now);
    throw error;
  }
  if ("stored" in started) {
    return finishHeld(keys, claim, operation, started.stored);
  }
  return complete(keys, claim, operation.encode(started.result), started.result);
}

/** Finishes work stored under the key this request holds. */
async function finishHeld<Stored, Result>(
  keys: IdempotencyRepository,
  claim: IdempotencyKeyClaim,
  operation: IdempotentOperation<Stored, Result>,
  stored: Stored,
): Promise<Idempotent<Result>> {
  const { merchantId, key } = claim;
  let finished: Finished<Result>;
  try {
    finished = await operation.finish(stored, (result) => ({
      merchantId,
      key,
      ...operation.encode(result),
    }));
  } catch (error) {
    await keys.release(merchantId, key, claim.now);
    throw error;
  }
  const { result, completedWith } = finished;
  if (!completedWith) {
    return complete(keys, claim, operation.encode(result), result);
  }
  return {
    answer: { status: completedWith.status, body: completedWith.body, replayed: false },
    result,
  };
}

async function complete<Result>(
  keys: IdempotencyRepository,
  claim: IdempotencyKeyClaim,
  answer: StoredAnswer,
  result: Result,
): Promise<Idempotent<Result>> {
  await keys.complete({ merchantId: claim.merchantId, key: claim.key, ...answer });
  return { answer: { ...answer, replayed: false }, result };
}

/**
 * SHA-256 of a request with keys sorted, so key order does not make a different request; a key
 * whose value is undefined counts as left out.
 */
export function fingerprintOf(request: unknown): string {
  return createHash("sha256").update(canonicalJson(request)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(",")}]`;
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, each]) => each !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, each]) => `${JSON.stringify(key)}:${canonicalJson(each)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
