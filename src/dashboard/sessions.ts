/**
 * Dashboard sign-in: an API key opens a server-side session; the browser holds only a random
 * token, the store only its SHA-256. Every request checks the session's idle and absolute ends
 * and the key it was opened with, so revoking the key ends the session at once. Knows nothing of
 * HTTP: the dashboard's routes carry the token in a cookie.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Clock } from "../clock.ts";
import type { MerchantService } from "../services/merchants.ts";
import type { MerchantRecord, Store } from "../store/store.ts";

/** A session ends after this long without a request. */
export const sessionIdleMs = 30 * 60_000;
/** And after this long in any case. */
export const sessionLifetimeMs = 12 * 60 * 60_000;
/** `lastSeenAt` is written at most this often: not one write per page view. */
const touchEveryMs = 60_000;
/** Ended sessions deleted per sign-in, so the table does not grow without a worker's help. */
const pruneBatch = 100;

/** A signed-in request's session: whose it is, and the token its forms must echo. */
export interface ActiveSession {
  merchant: MerchantRecord;
  apiKeyId: string;
  csrfToken: string;
}

export class DashboardSessions {
  constructor(
    private readonly store: Store,
    private readonly merchants: MerchantService,
    private readonly now: Clock,
  ) {}

  /**
   * Opens a session for a valid, unrevoked key; returns the token to hand to the browser, or
   * null for any key that does not sign in (unknown, revoked, malformed: one answer for all).
   */
  async signIn(apiKey: string): Promise<string | null> {
    const authenticated = await this.merchants.authenticate(apiKey);
    if (!authenticated) {
      return null;
    }
    const now = this.now();
    await this.store.dashboardSessions.deleteEnded({
      now: now.toISOString(),
      idleSince: new Date(now.getTime() - sessionIdleMs).toISOString(),
      limit: pruneBatch,
    });
    const token = randomBytes(32).toString("base64url");
    await this.store.dashboardSessions.create({
      tokenHash: hashToken(token),
      merchantId: authenticated.merchant.id,
      apiKeyId: authenticated.keyId,
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + sessionLifetimeMs).toISOString(),
    });
    return token;
  }

  /** The live session a token stands for, or null (none, ended, or its key revoked). */
  async resume(token: string): Promise<ActiveSession | null> {
    const tokenHash = hashToken(token);
    const found = await this.store.dashboardSessions.get(tokenHash);
    if (!found) {
      return null;
    }
    const { session, merchant, keyRevokedAt } = found;
    const now = this.now().getTime();
    const idleEnd = Date.parse(session.lastSeenAt) + sessionIdleMs;
    if (keyRevokedAt !== null || now >= Date.parse(session.expiresAt) || now >= idleEnd) {
      await this.store.dashboardSessions.delete(tokenHash);
      return null;
    }
    if (now - Date.parse(session.lastSeenAt) >= touchEveryMs) {
      await this.store.dashboardSessions.touch(tokenHash, new Date(now).toISOString());
    }
    return { merchant, apiKeyId: session.apiKeyId, csrfToken: csrfTokenOf(token) };
  }

  async signOut(token: string): Promise<void> {
    await this.store.dashboardSessions.delete(hashToken(token));
  }
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * The session's CSRF token: derived from the session token, so it needs no storage, differs
 * per session, and cannot be computed from anything the store holds.
 */
function csrfTokenOf(sessionToken: string): string {
  return createHmac("sha256", sessionToken).update("dashboard-csrf").digest("base64url");
}

/** Constant-time check of a form's CSRF token against the session's. */
export function csrfTokenMatches(session: ActiveSession, presented: string): boolean {
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(session.csrfToken).digest();
  return timingSafeEqual(a, b);
}
