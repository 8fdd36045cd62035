/**
 * The dashboard sessions aggregate of the store seam (store.ts): a merchant signed in to the
 * dashboard, with what every dashboard request checks.
 */
import type { MerchantRecord } from "./merchant-records.ts";

/** A signed-in dashboard session (src/dashboard/sessions.ts). */
export interface DashboardSessionRecord {
  /** Hex SHA-256 of the session token; the token itself is only in the browser's cookie. */
  tokenHash: string;
  merchantId: string;
  /** The API key the merchant signed in with: revoking it ends the session. */
  apiKeyId: string;
  createdAt: string;
  /** The last request seen (kept to the minute): the idle timeout counts from it. */
  lastSeenAt: string;
  /** The absolute end, however active the session is. */
  expiresAt: string;
}

/** A session with what every dashboard request checks: its merchant and its key's revocation. */
export interface DashboardSessionWithKey {
  session: DashboardSessionRecord;
  merchant: MerchantRecord;
  keyRevokedAt: string | null;
}

/** Dashboard sessions. */
export interface DashboardSessionRepository {
  create(session: DashboardSessionRecord): Promise<void>;
  /** The session, its merchant and its key, in one look-up; null when there is none. */
  get(tokenHash: string): Promise<DashboardSessionWithKey | null>;
  /** Moves `lastSeenAt` forward (never back). */
  touch(tokenHash: string, at: string): Promise<void>;
  delete(tokenHash: string): Promise<void>;
  /**
   * Deletes up to `limit` sessions that have ended: past `expiresAt` at `now`, or last seen
   * before `idleSince`. Returns how many.
   */
  deleteEnded(input: { now: string; idleSince: string; limit: number }): Promise<number>;
}
