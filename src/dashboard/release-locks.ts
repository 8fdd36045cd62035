/**
 * Bulk release of the locks a merchant picked on the locks page: each through
 * `InterceptionService.release`, the one release rule that `POST /v1/interceptions/release` and
 * a cancel of a locked interception also follow, so each release is an ordinary status change
 * (with its event). The API's bulk release picks locks by order ids or lock age; the page picks
 * them one by one, hence this loop. Repeating it is harmless: an interception no longer locked is
 * skipped, with its status. No HTTP here.
 */
import type { EventActor } from "../../contracts/interception.ts";
import type { InterceptionStatus } from "../../contracts/normalized.ts";
import type { InterceptionService } from "../services/interceptions.ts";
import { ServiceError } from "../services/service-error.ts";

export interface LockRelease {
  released: Array<{ id: string; trackingNumber: string }>;
  skipped: Array<
    | { id: string; trackingNumber: string; status: InterceptionStatus }
    | { id: string; trackingNumber: string | null; error: string }
  >;
}

/** At most this many ids per form: a page shows fewer. */
export const maxReleasesPerRequest = 200;

export async function releasePickedLocks(
  interceptions: InterceptionService,
  merchantId: string,
  ids: readonly string[],
  /** Who asked: the session's API key. */
  actor: EventActor,
): Promise<LockRelease> {
  const result: LockRelease = { released: [], skipped: [] };
  for (const id of [...new Set(ids)].slice(0, maxReleasesPerRequest)) {
    try {
      const record = await interceptions.get(merchantId, id);
      if (record.status !== "locked") {
        result.skipped.push({ id, trackingNumber: record.trackingNumber, status: record.status });
        continue;
      }
      await interceptions.release(merchantId, id, actor);
      result.released.push({ id, trackingNumber: record.trackingNumber });
    } catch (error) {
      if (!(error instanceof ServiceError)) {
        throw error;
      }
      // Another merchant's id reads as missing, as everywhere.
      result.skipped.push({ id, trackingNumber: null, error: error.message });
    }
  }
  return result;
}
