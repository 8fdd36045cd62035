/** `IdempotencyRepository` on SQLite: who holds each key, and the answer to replay. */
import { and, asc, eq, inArray, isNull, lt, ne, sql } from "drizzle-orm";
import { decideClaimOnStoredKey } from "../idempotency-claim.ts";
import { idempotencyKeysTable } from "../schema.ts";
import type {
  IdempotencyClaim,
  IdempotencyCompletion,
  IdempotencyKeyClaim,
  IdempotencyRepository,
} from "../store.ts";
import type { Db, SqliteConnection } from "./connection.ts";

/** The idempotency key bound as `merchantId` and `key`, in prepared reads and writes alike. */
const idempotencyKeyNamed = and(
  eq(idempotencyKeysTable.merchantId, sql.placeholder("merchantId")),
  eq(idempotencyKeysTable.key, sql.placeholder("key")),
);

/**
 * The key statements of the request path, compiled once; storing an interception claims and
 * links its key with them too (interceptions.ts). Values are bound by name. drizzle types no
 * placeholder in `set()`, hence `sql` there.
 */
export function keyStatements(db: Db) {
  const p = sql.placeholder;
  return {
    keyByName: db.select().from(idempotencyKeysTable).where(idempotencyKeyNamed).prepare(),
    /** Returns the key when this call claimed it, nothing when it exists. */
    claimKey: db
      .insert(idempotencyKeysTable)
      .values({
        merchantId: p("merchantId"),
        key: p("key"),
        fingerprint: p("fingerprint"),
        state: "in_progress",
        lockedUntil: p("lockedUntil"),
        createdAt: p("now"),
      })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeysTable.key })
      .prepare(),
    relockKey: db
      .update(idempotencyKeysTable)
      .set({ lockedUntil: sql`${p("lockedUntil")}` })
      .where(idempotencyKeyNamed)
      .prepare(),
    completeKey: db
      .update(idempotencyKeysTable)
      .set({
        state: "completed",
        responseStatus: sql`${p("status")}`,
        responseBody: sql`${p("body")}`,
      })
      .where(idempotencyKeyNamed)
      .prepare(),
    // Only link a key nobody linked yet: if a takeover already stored its interception, storing
    // this one too would intercept the parcel twice.
    linkKey: db
      .update(idempotencyKeysTable)
      .set({ interceptionId: sql`${p("interceptionId")}` })
      .where(and(idempotencyKeyNamed, isNull(idempotencyKeysTable.interceptionId)))
      .prepare(),
  };
}

export type KeyStatements = ReturnType<typeof keyStatements>;

export function sqliteIdempotency(
  { db, read, write }: SqliteConnection,
  keys: KeyStatements,
): IdempotencyRepository {
  return {
    has(merchantId: string, key: string) {
      return read(() => keys.keyByName.get({ merchantId, key }) !== undefined);
    },

    claim(claim: IdempotencyKeyClaim): Promise<IdempotencyClaim> {
      return write((): IdempotencyClaim => {
        // INSERT … ON CONFLICT DO NOTHING is the claim itself; never SELECT-then-INSERT.
        if (keys.claimKey.get(claim)) {
          return { outcome: "claimed", interceptionId: null };
        }
        const existing = keys.keyByName.get(claim);
        if (!existing) {
          // Unreachable inside an immediate transaction: the conflicting row cannot vanish.
          throw new Error(`Idempotency key ${claim.key} conflicted but is missing.`);
        }
        const decided = decideClaimOnStoredKey(existing, claim);
        if (decided.outcome === "claimed") {
          keys.relockKey.run(claim);
        }
        return decided;
      });
    },

    storeResponse(claim: IdempotencyKeyClaim & { status: number; body: string }) {
      return write(() => {
        if (!keys.claimKey.get(claim)) {
          return false;
        }
        keys.completeKey.run(claim);
        return true;
      });
    },

    complete(done: IdempotencyCompletion) {
      return write(() => {
        keys.completeKey.run(done);
      });
    },

    release(merchantId: string, key: string, now: string) {
      const unfinished = and(
        eq(idempotencyKeysTable.merchantId, merchantId),
        eq(idempotencyKeysTable.key, key),
        ne(idempotencyKeysTable.state, "completed"),
      );
      return write(() => {
        // A claim that stored nothing is forgotten: the client simply retries.
        db.delete(idempotencyKeysTable)
          .where(and(unfinished, isNull(idempotencyKeysTable.interceptionId)))
          .run();
        // One that stored its interception is unlocked instead: the retry answers from it.
        db.update(idempotencyKeysTable).set({ lockedUntil: now }).where(unfinished).run();
      });
    },

    deleteCreatedBefore(before: string, limit: number) {
      // Oldest first, at most `limit` rows: one prune never holds the write lock for long.
      const oldest = db
        .select({ rowid: sql`rowid` })
        .from(idempotencyKeysTable)
        .where(lt(idempotencyKeysTable.createdAt, before))
        .orderBy(asc(idempotencyKeysTable.createdAt))
        .limit(limit);
      return write(
        () => db.delete(idempotencyKeysTable).where(inArray(sql`rowid`, oldest)).run().changes,
      );
    },
  };
}
