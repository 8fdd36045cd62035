/**
 * `Store` on SQLite through drizzle and better-sqlite3.
 *
 * better-sqlite3 is synchronous and its transactions cannot span an `await` (the transaction
 * would commit before the awaited work ran), so every multi-statement operation below is one
 * synchronous `db.transaction(...)` and no carrier call can ever sit inside one. Writing
 * transactions are `BEGIN IMMEDIATE`: they take the write lock up front, so a read-then-write
 * cannot fail half-way with SQLITE_BUSY when another connection wrote in between (a deferred
 * transaction cannot upgrade a stale read snapshot and does not wait on `busy_timeout` for it).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import type { SQL } from "drizzle-orm";
import { and, asc, desc, eq, inArray, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import type { CarrierId } from "../../contracts/carrier-adapter.ts";
import {
  apiKeysTable,
  idempotencyKeysTable,
  interceptionEventsTable,
  interceptionsTable,
  jobsTable,
  merchantsTable,
} from "./schema.ts";
import {
  type ApiKeyRecord,
  type IdempotencyClaim,
  IdempotencyConflictError,
  type InterceptionEventRecord,
  type InterceptionFilter,
  type InterceptionRecord,
  type InterceptionTransition,
  type InterceptionWithEvents,
  type JobRecord,
  type MerchantRecord,
  ParcelBusyError,
  type Store,
} from "./store.ts";

/** The store plus the raw connection, for tests and benchmarks that inspect pragmas or tables. */
export type SqliteStore = Store & { readonly database: Database.Database };

type Db = BetterSQLite3Database;
type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
type Reader = Db | Tx;

// Resolved from this file, not the cwd, so the server, scripts and tests find the same folder.
const migrationsFolder = fileURLToPath(new URL("../../drizzle/", import.meta.url));

const immediate = { behavior: "immediate" } as const;

/** Opens (creating if needed) the database at `path`, applies migrations, returns the store. */
export function openSqliteStore(options: { path: string }): SqliteStore {
  const inMemory = options.path === ":memory:" || options.path === "";
  if (!inMemory) {
    mkdirSync(dirname(options.path), { recursive: true });
  }
  const sqlite = new Database(options.path);
  try {
    if (!inMemory) {
      // Readers no longer block the writer; an in-memory database cannot use WAL.
      sqlite.pragma("journal_mode = WAL");
    }
    // This build defaults WAL to NORMAL, which can lose the last commits on power loss; the
    // gateway promises the interception is durable before it calls the carrier.
    sqlite.pragma("synchronous = FULL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    const db = drizzle({ client: sqlite });
    migrate(db, { migrationsFolder });
    return createStore(sqlite, db);
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/**
 * The hot reads, compiled once: building each query through drizzle on every call was a third
 * of the intercept path's CPU in the benchmark's profile.
 */
function prepareReads(db: Db) {
  return {
    merchantById: db
      .select()
      .from(merchantsTable)
      .where(eq(merchantsTable.id, sql.placeholder("id")))
      .prepare(),
    apiKeyById: db
      .select()
      .from(apiKeysTable)
      .where(eq(apiKeysTable.id, sql.placeholder("id")))
      .prepare(),
    interceptionById: db
      .select()
      .from(interceptionsTable)
      .where(eq(interceptionsTable.id, sql.placeholder("id")))
      .prepare(),
    eventsOf: db
      .select({
        at: interceptionEventsTable.at,
        status: interceptionEventsTable.status,
        detail: interceptionEventsTable.detail,
        carrierEventId: interceptionEventsTable.carrierEventId,
      })
      .from(interceptionEventsTable)
      .where(eq(interceptionEventsTable.interceptionId, sql.placeholder("id")))
      .orderBy(asc(interceptionEventsTable.id))
      .prepare(),
    statusOf: db
      .select({ status: interceptionsTable.status })
      .from(interceptionsTable)
      .where(eq(interceptionsTable.id, sql.placeholder("id")))
      .prepare(),
    carrierEvent: db
      .select({ id: interceptionEventsTable.id })
      .from(interceptionEventsTable)
      .where(
        and(
          eq(interceptionEventsTable.interceptionId, sql.placeholder("id")),
          eq(interceptionEventsTable.carrierEventId, sql.placeholder("carrierEventId")),
        ),
      )
      .prepare(),
    parcelInterceptions: db
      .select()
      .from(interceptionsTable)
      .where(
        and(
          eq(interceptionsTable.carrier, sql.placeholder("carrier")),
          eq(interceptionsTable.trackingNumber, sql.placeholder("trackingNumber")),
        ),
      )
      .orderBy(asc(interceptionsTable.id))
      .prepare(),
  };
}

function createStore(sqlite: Database.Database, db: Db): SqliteStore {
  const reads = prepareReads(db);

  /** One interception and its history, read in one snapshot; `merchantId` null for any. */
  // The prepared statements run on the same connection, so inside this read transaction.
  const readOne = (id: string, merchantId: string | null): InterceptionWithEvents | null =>
    db.transaction(() => {
      const row = reads.interceptionById.get({ id });
      if (!row || (merchantId !== null && row.merchantId !== merchantId)) {
        return null;
      }
      return { ...row, events: reads.eventsOf.all({ id }) };
    });

  const store = {
    get database() {
      return sqlite;
    },

    async createMerchant(merchant: MerchantRecord) {
      db.insert(merchantsTable).values(merchant).run();
    },

    async getMerchant(id: string) {
      return reads.merchantById.get({ id }) ?? null;
    },

    async createApiKey(key: ApiKeyRecord) {
      db.insert(apiKeysTable).values(key).run();
    },

    async getApiKey(id: string) {
      return reads.apiKeyById.get({ id }) ?? null;
    },

    async revokeApiKey(merchantId: string, keyId: string, at: string) {
      // Revoking twice keeps the first time: that is when the key stopped being trusted.
      const result = db
        .update(apiKeysTable)
        .set({ revokedAt: sql`coalesce(${apiKeysTable.revokedAt}, ${at})` })
        .where(and(eq(apiKeysTable.id, keyId), eq(apiKeysTable.merchantId, merchantId)))
        .run();
      return result.changes > 0;
    },

    async claimIdempotencyKey(claim: {
      merchantId: string;
      key: string;
      fingerprint: string;
      now: string;
      lockedUntil: string;
    }): Promise<IdempotencyClaim> {
      return db.transaction((tx): IdempotencyClaim => {
        // INSERT … ON CONFLICT DO NOTHING is the claim itself; never SELECT-then-INSERT.
        const inserted = tx
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
          .returning({ key: idempotencyKeysTable.key })
          .get();
        if (inserted) {
          return { outcome: "claimed", interceptionId: null };
        }
        const keyWhere = and(
          eq(idempotencyKeysTable.merchantId, claim.merchantId),
          eq(idempotencyKeysTable.key, claim.key),
        );
        const existing = tx.select().from(idempotencyKeysTable).where(keyWhere).get();
        if (!existing) {
          // Unreachable inside an immediate transaction: the conflicting row cannot vanish.
          throw new Error(`Idempotency key ${claim.key} conflicted but is missing.`);
        }
        if (existing.fingerprint !== claim.fingerprint) {
          return { outcome: "mismatch" };
        }
        if (existing.state === "completed") {
          if (existing.responseStatus === null || existing.responseBody === null) {
            throw new Error(`Idempotency key ${claim.key} is completed without a response.`);
          }
          return {
            outcome: "completed",
            status: existing.responseStatus,
            body: existing.responseBody,
          };
        }
        if (existing.lockedUntil > claim.now) {
          return { outcome: "in_progress" };
        }
        // The previous owner's lock ran out: it crashed or hung. Take over, and hand back what it
        // managed to store so the caller answers from that instead of intercepting twice.
        tx.update(idempotencyKeysTable)
          .set({ lockedUntil: claim.lockedUntil })
          .where(keyWhere)
          .run();
        return { outcome: "claimed", interceptionId: existing.interceptionId };
      }, immediate);
    },

    async completeIdempotencyKey(done: {
      merchantId: string;
      key: string;
      status: number;
      body: string;
    }) {
      db.update(idempotencyKeysTable)
        .set({ state: "completed", responseStatus: done.status, responseBody: done.body })
        .where(
          and(
            eq(idempotencyKeysTable.merchantId, done.merchantId),
            eq(idempotencyKeysTable.key, done.key),
          ),
        )
        .run();
    },

    async releaseIdempotencyKey(merchantId: string, key: string, now: string) {
      const unfinished = and(
        eq(idempotencyKeysTable.merchantId, merchantId),
        eq(idempotencyKeysTable.key, key),
        ne(idempotencyKeysTable.state, "completed"),
      );
      db.transaction((tx) => {
        // A claim that stored nothing is forgotten: the client simply retries.
        tx.delete(idempotencyKeysTable)
          .where(and(unfinished, isNull(idempotencyKeysTable.interceptionId)))
          .run();
        // One that stored its interception is unlocked instead: the retry answers from it.
        tx.update(idempotencyKeysTable).set({ lockedUntil: now }).where(unfinished).run();
      }, immediate);
    },

    async deleteIdempotencyKeysBefore(before: string) {
      return db.delete(idempotencyKeysTable).where(lt(idempotencyKeysTable.createdAt, before)).run()
        .changes;
    },

    async insertInterception(input: {
      interception: InterceptionRecord;
      event: InterceptionEventRecord;
      job: JobRecord | null;
      idempotency: { merchantId: string; key: string } | null;
    }) {
      const { interception, event, job, idempotency } = input;
      db.transaction((tx) => {
        try {
          tx.insert(interceptionsTable).values(interception).run();
        } catch (error) {
          if (
            String((error as Error).message).includes(
              "interceptions.carrier, interceptions.tracking_number",
            )
          ) {
            throw new ParcelBusyError(interception.carrier, interception.trackingNumber);
          }
          throw error;
        }
        tx.insert(interceptionEventsTable)
          .values({ interceptionId: interception.id, ...event })
          .run();
        if (job) {
          tx.insert(jobsTable).values(job).run();
        }
        if (idempotency) {
          // Only link a key nobody linked yet: if a takeover already stored its interception,
          // storing this one too would intercept the parcel twice.
          const linked = tx
            .update(idempotencyKeysTable)
            .set({ interceptionId: interception.id })
            .where(
              and(
                eq(idempotencyKeysTable.merchantId, idempotency.merchantId),
                eq(idempotencyKeysTable.key, idempotency.key),
                isNull(idempotencyKeysTable.interceptionId),
              ),
            )
            .run();
          if (linked.changes !== 1) {
            throw new IdempotencyConflictError(idempotency.merchantId, idempotency.key);
          }
        }
      }, immediate);
    },

    async getInterception(merchantId: string, id: string) {
      return readOne(id, merchantId);
    },

    async getInterceptionById(id: string) {
      return readOne(id, null);
    },

    async listInterceptions(
      merchantId: string,
      filter: InterceptionFilter,
      page: { limit: number; before?: string },
    ): Promise<InterceptionWithEvents[]> {
      if (page.limit <= 0) {
        // SQLite reads LIMIT -1 as "no limit"; an empty page is what the caller asked for.
        return [];
      }
      const conditions: SQL[] = [eq(interceptionsTable.merchantId, merchantId)];
      if (filter.orderId !== undefined) {
        conditions.push(eq(interceptionsTable.orderId, filter.orderId));
      }
      if (filter.trackingNumber !== undefined) {
        conditions.push(eq(interceptionsTable.trackingNumber, filter.trackingNumber));
      }
      if (filter.status !== undefined) {
        conditions.push(eq(interceptionsTable.status, filter.status));
      }
      if (filter.carrier !== undefined) {
        // The filter is any string (an unknown carrier simply matches nothing), the column a
        // CarrierId, so compare in SQL rather than cast.
        conditions.push(sql`${interceptionsTable.carrier} = ${filter.carrier}`);
      }
      if (page.before !== undefined) {
        conditions.push(lt(interceptionsTable.id, page.before));
      }
      // One read transaction so the page and its events come from the same snapshot.
      return db.transaction((tx) => {
        const rows = tx
          .select()
          .from(interceptionsTable)
          .where(and(...conditions))
          .orderBy(desc(interceptionsTable.id))
          .limit(page.limit)
          .all();
        const events = loadEvents(
          tx,
          rows.map((row) => row.id),
        );
        return rows.map((row) => ({ ...row, events: events.get(row.id) ?? [] }));
      });
    },

    async findInterceptionsForParcel(
      merchantId: string | null,
      carrier: CarrierId,
      trackingNumber: string,
    ): Promise<InterceptionRecord[]> {
      const rows = reads.parcelInterceptions.all({ carrier, trackingNumber });
      return merchantId === null ? rows : rows.filter((row) => row.merchantId === merchantId);
    },

    async transitionInterception(id: string, transition: InterceptionTransition) {
      return db.transaction((tx) => {
        const row = reads.statusOf.get({ id });
        if (!row) {
          return "not_found" as const;
        }
        if (!transition.from.includes(row.status)) {
          return "status_mismatch" as const;
        }
        const carrierEventId = transition.event.carrierEventId ?? null;
        if (carrierEventId !== null) {
          const seen = reads.carrierEvent.get({ id, carrierEventId });
          if (seen) {
            return "duplicate_event" as const;
          }
        }
        const status = transition.to ?? row.status;
        // The status guard is repeated in the UPDATE so the write is conditional on its own,
        // whatever isolation a future backend gives the read above.
        const updated = tx
          .update(interceptionsTable)
          .set({ ...transition.patch, status, updatedAt: transition.event.at })
          .where(
            and(
              eq(interceptionsTable.id, id),
              inArray(interceptionsTable.status, [...transition.from]),
            ),
          )
          .run();
        if (updated.changes !== 1) {
          return "status_mismatch" as const;
        }
        tx.insert(interceptionEventsTable)
          .values({
            interceptionId: id,
            at: transition.event.at,
            status,
            detail: transition.event.detail,
            carrierEventId,
          })
          .run();
        if (transition.completeJobId !== undefined) {
          tx.delete(jobsTable)
            .where(
              and(eq(jobsTable.id, transition.completeJobId), eq(jobsTable.interceptionId, id)),
            )
            .run();
        }
        if (transition.scheduleJob) {
          tx.insert(jobsTable).values(transition.scheduleJob).run();
        }
        return "applied" as const;
      }, immediate);
    },

    async claimJob(jobId: string, now: string, leaseUntil: string) {
      // One conditional UPDATE: of two workers racing for the job, exactly one sees a row back.
      return (
        db
          .update(jobsTable)
          .set({ leaseUntil })
          .where(and(eq(jobsTable.id, jobId), leaseIsFree(now)))
          .returning()
          .get() ?? null
      );
    },

    async claimDueJobs(now: string, leaseUntil: string, limit: number) {
      if (limit <= 0) {
        return [];
      }
      return db.transaction((tx) => {
        const due = tx
          .select({ id: jobsTable.id })
          .from(jobsTable)
          .where(and(lte(jobsTable.runAt, now), leaseIsFree(now)))
          .orderBy(asc(jobsTable.runAt), asc(jobsTable.id))
          .limit(limit)
          .all();
        if (due.length === 0) {
          return [];
        }
        const claimed = tx
          .update(jobsTable)
          .set({ leaseUntil })
          .where(
            and(
              inArray(
                jobsTable.id,
                due.map((job) => job.id),
              ),
              leaseIsFree(now),
            ),
          )
          .returning()
          .all();
        // RETURNING has no defined order; callers run the oldest work first.
        return claimed.sort((a, b) => compareText(a.runAt, b.runAt) || compareText(a.id, b.id));
      }, immediate);
    },

    async rescheduleJob(jobId: string, runAt: string, lastError: string, maybeSent = false) {
      db.update(jobsTable)
        .set({
          runAt,
          attempts: sql`${jobsTable.attempts} + 1`,
          lastError,
          leaseUntil: null,
          ...(maybeSent ? { maybeSent: true } : {}),
        })
        .where(eq(jobsTable.id, jobId))
        .run();
    },

    async completeJob(jobId: string) {
      db.delete(jobsTable).where(eq(jobsTable.id, jobId)).run();
    },

    async getJobForInterception(interceptionId: string) {
      return (
        db
          .select()
          .from(jobsTable)
          .where(eq(jobsTable.interceptionId, interceptionId))
          .orderBy(asc(jobsTable.runAt), asc(jobsTable.id))
          .limit(1)
          .get() ?? null
      );
    },

    async close() {
      sqlite.close();
    },
  } satisfies SqliteStore;
  return store;
}

/** A job nobody holds: never leased, or the holder's lease ran out (it crashed or hung). */
function leaseIsFree(now: string): SQL {
  return or(isNull(jobsTable.leaseUntil), lte(jobsTable.leaseUntil, now)) ?? sql`1`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Events of many interceptions in one query, oldest first per interception. */
function loadEvents(reader: Reader, ids: string[]): Map<string, InterceptionEventRecord[]> {
  const byInterception = new Map<string, InterceptionEventRecord[]>();
  if (ids.length === 0) {
    return byInterception;
  }
  const rows = reader
    .select({
      interceptionId: interceptionEventsTable.interceptionId,
      at: interceptionEventsTable.at,
      status: interceptionEventsTable.status,
      detail: interceptionEventsTable.detail,
      carrierEventId: interceptionEventsTable.carrierEventId,
    })
    .from(interceptionEventsTable)
    .where(inArray(interceptionEventsTable.interceptionId, ids))
    .orderBy(asc(interceptionEventsTable.interceptionId), asc(interceptionEventsTable.id))
    .all();
  for (const { interceptionId, ...event } of rows) {
    const list = byInterception.get(interceptionId);
    if (list) {
      list.push(event);
    } else {
      byInterception.set(interceptionId, [event]);
    }
  }
  return byInterception;
}
