/**
 * Bulk release of the locks a merchant picked on the locks page: each through the same service
 * path as `POST /v1/interceptions/{id}/cancel` on a locked interception, so each release is an
 * ordinary status change (with its event). Repeating it is harmless: an interception no longer
 * locked is skipped, with its status. No HTTP here.
 */
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

export async function releaseLocks(
  interceptions: InterceptionService,
  merchantId: string,
  ids: readonly string[],
): Promise<LockRelease> {
  const result: LockRelease = { released: [], skipped: [] };
  for (const id of [...new Set(ids)].slice(0, maxReleasesPerRequest)) {
    try {
      const record = await interceptions.get(merchantId, id);
      if (record.status !== "locked") {
        result.skipped.push({ id, trackingNumber: record.trackingNumber, status: record.status });
        continue;
      }
      const { interception } = await interceptions.cancel(merchantId, id);
      result.released.push({ id, trackingNumber: interception.trackingNumber });
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
