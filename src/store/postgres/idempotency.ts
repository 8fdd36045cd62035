/**
 * `IdempotencyRepository` on PostgreSQL. Every instance shares the keys: a request and its replay
 * may land on different instances, and must agree on who holds a key.
 *
 * Races are decided by the primary key (merchant_id, key): a claim is `INSERT … ON CONFLICT DO
 * NOTHING`, which waits for a concurrent claim's transaction and then finds the key taken; a
 * takeover of a lapsed lock reads the row `FOR UPDATE`, so of two retries taking over at once the
 * second sees the first's fresh lock.
 */
import { and, asc, eq, isNull, lt, ne, sql } from "drizzle-orm";
import type pg from "pg";
import { decideClaimOnStoredKey } from "../idempotency-claim.ts";
import type {
  IdempotencyClaim,
  IdempotencyCompletion,
  IdempotencyKeyClaim,
  IdempotencyRepository,
} from "../store.ts";
import { idempotencyKeysTable } from "./schema.ts";
import { autocommit, inTransaction, type PgDb } from "./transaction.ts";

/** The key `(merchantId, key)`. */
export function keyNamed(merchantId: string, key: string) {
  return and(eq(idempotencyKeysTable.merchantId, merchantId), eq(idempotencyKeysTable.key, key));
}

/** Inserts the claim as a new key in progress; true when this call created it. */
export async function insertClaim(db: PgDb, claim: IdempotencyKeyClaim): Promise<boolean> {
  const inserted = await db
    .insert(idempotencyKeysTable)
    .values({
      merchantId: claim.merchantId,
      key: claim.key,
      fingerprint: claim.fingerprint,
      state: "in_progress",
      lockedUntil: claim.lockedUntil,
      createdAt: claim.now,
    })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeysTable.key });
  return inserted.length === 1;
}

/** Stores the answer to replay for a key (in the caller's transaction, or on its own). */
export async function completeKey(db: PgDb, done: IdempotencyCompletion): Promise<void> {
  await db
    .update(idempotencyKeysTable)
    .set({ state: "completed", responseStatus: done.status, responseBody: done.body })
    .where(keyNamed(done.merchantId, done.key));
}

/**
 * Times a claim starts over when the key it conflicted with is gone before it could read it
 * (released or pruned in between): rare, and each round is short.
 */
const claimRounds = 3;

export function pgIdempotencyRepository(pool: pg.Pool, db: PgDb): IdempotencyRepository {
  /** One round of `claim`; null when the conflicting key vanished before it was read. */
  const claimOnce = (claim: IdempotencyKeyClaim) =>
    inTransaction(pool, async ({ db: tx }): Promise<IdempotencyClaim | null> => {
      if (await insertClaim(tx, claim)) {
        return { outcome: "claimed", interceptionId: null };
      }
      const [existing] = await tx
        .select()
        .from(idempotencyKeysTable)
        .where(keyNamed(claim.merchantId, claim.key))
        .for("update");
      if (!existing) {
        return null;
      }
      const decided = decideClaimOnStoredKey(existing, claim);
      if (decided.outcome === "claimed") {
        await tx
          .update(idempotencyKeysTable)
          .set({ lockedUntil: claim.lockedUntil })
          .where(keyNamed(claim.merchantId, claim.key));
      }
      return decided;
    });

  return {
    async has(merchantId: string, key: string) {
      const rows = await db
        .select({ key: idempotencyKeysTable.key })
        .from(idempotencyKeysTable)
        .where(keyNamed(merchantId, key));
      return rows.length > 0;
    },

    async claim(claim: IdempotencyKeyClaim) {
      for (let round = 1; round <= claimRounds; round += 1) {
        const outcome = await claimOnce(claim);
        if (outcome) {
          return outcome;
        }
      }
      throw new Error(`Idempotency key ${claim.key} kept vanishing while being claimed.`);
    },

    async storeResponse(claim: IdempotencyKeyClaim & { status: number; body: string }) {
      // Claimed and completed in one statement: a key that exists is left as it is.
      const inserted = await autocommit(pool, () =>
        db
          .insert(idempotencyKeysTable)
          .values({
            merchantId: claim.merchantId,
            key: claim.key,
            fingerprint: claim.fingerprint,
            state: "completed",
            lockedUntil: claim.lockedUntil,
            responseStatus: claim.status,
            responseBody: claim.body,
            createdAt: claim.now,
          })
          .onConflictDoNothing()
          .returning({ key: idempotencyKeysTable.key }),
      );
      return inserted.length === 1;
    },

    complete(done: IdempotencyCompletion) {
      return autocommit(pool, () => completeKey(db, done));
    },

    async release(merchantId: string, key: string, now: string) {
      const unfinished = and(
        keyNamed(merchantId, key),
        ne(idempotencyKeysTable.state, "completed"),
      );
      await inTransaction(pool, async ({ db: tx }) => {
        // A claim that stored nothing is forgotten: the client simply retries.
        await tx
          .delete(idempotencyKeysTable)
          .where(and(unfinished, isNull(idempotencyKeysTable.interceptionId)));
        // One that stored its interception is unlocked instead: the retry answers from it.
        await tx.update(idempotencyKeysTable).set({ lockedUntil: now }).where(unfinished);
      });
    },

    async deleteCreatedBefore(before: string, limit: number) {
      // Oldest first, at most `limit` rows; SKIP LOCKED so instances pruning at the same time
      // take different keys instead of queueing behind each other (or behind a live claim).
      const oldest = db
        .select({ merchantId: idempotencyKeysTable.merchantId, key: idempotencyKeysTable.key })
        .from(idempotencyKeysTable)
        .where(lt(idempotencyKeysTable.createdAt, before))
        .orderBy(asc(idempotencyKeysTable.createdAt))
        .limit(limit)
        .for("update", { skipLocked: true });
      const result = await autocommit(pool, () =>
        db
          .delete(idempotencyKeysTable)
          .where(
            sql`(${idempotencyKeysTable.merchantId}, ${idempotencyKeysTable.key}) in ${oldest}`,
          ),
      );
      return result.rowCount ?? 0;
    },
  };
}
