/**
 * `POST /v1/interceptions/release`: releases the merchant's matching locks one at a time, each
 * through the same path as its own cancel (`InterceptionService.release`), so each gets the same
 * transition, event and jobs as a single release and there is one release rule, not two.
 *
 * Repeat-safe: a lock released by an earlier call is no longer matched; one that moved on between
 * the read and its release (released meanwhile, collected by the carrier, its pickup cancel in
 * flight) is skipped with the code and reason its cancel would have answered. Anything else (the
 * database failing) is thrown: what was released stays released, and the call can be repeated.
 */
import type { ReleaseResult } from "../../contracts/release.ts";
import type { LockCriteria, Store } from "../store/store.ts";
import { ServiceError } from "./service-error.ts";

/** Locks released by one call at most: a call stays short; `more` says to call again. */
export const releaseBatchSize = 500;

export async function releaseLocks(
  store: Store,
  release: (id: string) => Promise<void>,
  merchantId: string,
  criteria: LockCriteria,
): Promise<ReleaseResult> {
  const locks = await store.interceptions.lockedOf(
    merchantId,
    {
      ...(criteria.orderIds ? { orderIds: [...new Set(criteria.orderIds)] } : {}),
      // Lock times are stored as `toISOString()` text and compared as text.
      ...(criteria.lockedBefore
        ? { lockedBefore: new Date(criteria.lockedBefore).toISOString() }
        : {}),
    },
    releaseBatchSize + 1,
  );
  const result: ReleaseResult = {
    released: [],
    skipped: [],
    more: locks.length > releaseBatchSize,
  };
  for (const lock of locks.slice(0, releaseBatchSize)) {
    try {
      await release(lock.id);
      result.released.push(lock.id);
    } catch (error) {
      if (!(error instanceof ServiceError)) {
        throw error;
      }
      result.skipped.push({ id: lock.id, code: error.code, reason: error.message });
    }
  }
  return result;
}
