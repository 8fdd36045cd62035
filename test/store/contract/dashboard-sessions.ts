/** The contract of `store.dashboardSessions`. */
import { describe, expect, it } from "vitest";
import type { DashboardSessionRecord } from "../../../src/store/store.ts";
import { at, merchant } from "./fixtures.ts";
import type { ContractSubject } from "./index.ts";

function session(tokenHash: string, overrides: Partial<DashboardSessionRecord> = {}) {
  return {
    tokenHash,
    merchantId: "mer_a",
    apiKeyId: "igk_a",
    createdAt: at(0),
    lastSeenAt: at(0),
    expiresAt: at(3600),
    ...overrides,
  };
}

export function dashboardSessionsContract(subject: ContractSubject): void {
  describe("dashboard sessions", () => {
    const withKeys = async () => {
      const { store } = subject;
      for (const [id, merchantId] of [
        ["igk_a", "mer_a"],
        ["igk_b", "mer_b"],
      ] as const) {
        await store.merchants.createApiKey({
          id,
          merchantId,
          hash: id.padEnd(64, "0"),
          createdAt: at(0),
          revokedAt: null,
        });
      }
      return store;
    };

    it("reads a session with its merchant and its key's revocation, by token hash only", async () => {
      const store = await withKeys();
      await store.dashboardSessions.create(session("hash-a"));
      await store.dashboardSessions.create(
        session("hash-b", { merchantId: "mer_b", apiKeyId: "igk_b" }),
      );
      expect(await store.dashboardSessions.get("hash-a")).toEqual({
        session: session("hash-a"),
        merchant: merchant("mer_a"),
        keyRevokedAt: null,
      });
      expect((await store.dashboardSessions.get("hash-b"))?.merchant.id).toBe("mer_b");
      expect(await store.dashboardSessions.get("hash-missing")).toBeNull();

      await store.merchants.revokeApiKey("mer_a", "igk_a", at(10));
      expect((await store.dashboardSessions.get("hash-a"))?.keyRevokedAt, "revoked").toBe(at(10));
      expect((await store.dashboardSessions.get("hash-b"))?.keyRevokedAt, "other key").toBeNull();
    });

    it("moves lastSeenAt forward only, and deletes one session", async () => {
      const store = await withKeys();
      await store.dashboardSessions.create(session("hash-a"));
      await store.dashboardSessions.create(session("hash-other"));
      await store.dashboardSessions.touch("hash-a", at(60));
      await store.dashboardSessions.touch("hash-a", at(30));
      expect((await store.dashboardSessions.get("hash-a"))?.session.lastSeenAt).toBe(at(60));
      expect((await store.dashboardSessions.get("hash-other"))?.session.lastSeenAt).toBe(at(0));

      await store.dashboardSessions.delete("hash-a");
      expect(await store.dashboardSessions.get("hash-a")).toBeNull();
      expect(await store.dashboardSessions.get("hash-other")).not.toBeNull();
    });

    it("deletes ended sessions (past their end, or idle too long), a bounded number at a time", async () => {
      const store = await withKeys();
      await store.dashboardSessions.create(session("expired-1", { expiresAt: at(100) }));
      await store.dashboardSessions.create(session("expired-2", { expiresAt: at(200) }));
      await store.dashboardSessions.create(
        session("idle", { lastSeenAt: at(10), expiresAt: at(9000) }),
      );
      await store.dashboardSessions.create(
        session("live", { lastSeenAt: at(500), expiresAt: at(9000) }),
      );
      const ended = { now: at(300), idleSince: at(400) };

      expect(await store.dashboardSessions.deleteEnded({ ...ended, limit: 2 })).toBe(2);
      expect(await store.dashboardSessions.deleteEnded({ ...ended, limit: 2 })).toBe(1);
      expect(await store.dashboardSessions.deleteEnded({ ...ended, limit: 2 })).toBe(0);
      for (const gone of ["expired-1", "expired-2", "idle"]) {
        expect(await store.dashboardSessions.get(gone), gone).toBeNull();
      }
      expect(await store.dashboardSessions.get("live")).not.toBeNull();
    });
  });
}
