/**
 * `Store` on SQLite through drizzle and better-sqlite3.
 *
 * better-sqlite3 is synchronous and its transactions cannot span an `await` (the transaction
 * would commit before the awaited work ran), so every write below is one synchronous function
 * and no carrier call can ever sit inside one. Writes go through `GroupCommit`: those of one
 * event-loop turn share a `BEGIN IMMEDIATE` transaction, each in its own savepoint, and their
 * promises settle after its COMMIT. IMMEDIATE takes the write lock up front, so a read-then-write
 * cannot fail half-way with SQLITE_BUSY when another connection wrote in between (a deferred
 * transaction cannot upgrade a stale read snapshot and does not wait on `busy_timeout` for it).
 *
 * The statements of the request path are compiled once (`prepareReads`, `prepareWrites`).
 *
 * A lock held by another connection (`npm run merchant`, a backup) is never waited for on the
 * event loop beyond a few milliseconds of `busy_timeout`: writes (GroupCommit) and reads
 * (`read`) try again on timers, within a bounded wait (busy.ts).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import type { SQL } from "drizzle-orm";
import {
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  gt,
  inArray,
  isNull,
  lt,
  lte,
  ne,
  notInArray,
  or,
  sql,
} from "drizzle-orm";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import type { CarrierId } from "../../contracts/carrier-adapter.ts";
import { chargesNothingOnceIn, holdsFreeRedirect, noCharge } from "../domain/cost.ts";
import { isFinal } from "../domain/status.ts";
import { defaultMaxBusyWaitMs, retryWhileBusy } from "./busy.ts";
import { type CommitObserver, GroupCommit } from "./group-commit.ts";
import {
  apiKeysTable,
  gatewayMetaTable,
  idempotencyKeysTable,
  interceptionEventsTable,
  interceptionsTable,
  jobsTable,
  merchantsTable,
  parcelOwnersTable,
} from "./schema.ts";
import {
  type ApiKeyRecord,
  type CarrierRoom,
  type GatewayMode,
  type HeldJob,
  type IdempotencyClaim,
  IdempotencyConflictError,
  type IdempotencyKeyClaim,
  type InterceptionEventRecord,
  type InterceptionFilter,
  type InterceptionRecord,
  type InterceptionTransition,
  type InterceptionWithEvents,
  type JobRecord,
  type MerchantRecord,
  OrderRedirectsChangedError,
  ParcelBusyError,
  ParcelOfAnotherMerchantError,
  type Store,
  type TransitionResult,
} from "./store.ts";

/** The store plus the raw connection, for tests and benchmarks that inspect pragmas or tables. */
export type SqliteStore = Store & { readonly database: Database.Database };

type Db = BetterSQLite3Database;
type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
type Reader = Db | Tx;

// Resolved from this file, not the cwd, so the server, scripts and tests find the same folder.
const migrationsFolder = fileURLToPath(new URL("../../drizzle/", import.meta.url));

/** How long one SQLite call may sleep on a lock held elsewhere, blocking the event loop. */
export const defaultBusyTimeoutMs = 5;

/** While opening (nothing is served yet) a lock held elsewhere is waited for this long. */
const openBusyTimeoutMs = 5_000;

export interface SqliteStoreOptions {
  path: string;
  /** Hears of every group commit (for the commit-time metric). */
  onCommit?: CommitObserver;
  /** SQLite's own `busy_timeout` once open: keep it to a few ms, it blocks the event loop. */
  busyTimeoutMs?: number;
  /** The total time a write or read waits, on timers, for a lock held elsewhere. */
  maxBusyWaitMs?: number;
}

/** Opens (creating if needed) the database at `path`, applies migrations, returns the store. */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
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
    sqlite.pragma(`busy_timeout = ${openBusyTimeoutMs}`);
    // 64 MiB of page cache instead of the default 2 MiB: a GET of a random interception among
    // 100k read ~30 % faster in the benchmark, its b-tree pages no longer re-read from the OS.
    sqlite.pragma("cache_size = -65536");
    const db = drizzle({ client: sqlite });
    migrate(db, { migrationsFolder });
    sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? defaultBusyTimeoutMs}`);
    return createStore(sqlite, db, {
      onCommit: options.onCommit,
      maxBusyWaitMs: options.maxBusyWaitMs ?? defaultMaxBusyWaitMs,
    });
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/** The idempotency key bound as `merchantId` and `key`, in prepared reads and writes alike. */
const idempotencyKeyNamed = and(
  eq(idempotencyKeysTable.merchantId, sql.placeholder("merchantId")),
  eq(idempotencyKeysTable.key, sql.placeholder("key")),
);

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
    apiKeyWithMerchant: db
      .select({ key: apiKeysTable, merchant: merchantsTable })
      .from(apiKeysTable)
      .innerJoin(merchantsTable, eq(merchantsTable.id, apiKeysTable.merchantId))
      .where(eq(apiKeysTable.id, sql.placeholder("id")))
      .prepare(),
    keyByName: db.select().from(idempotencyKeysTable).where(idempotencyKeyNamed).prepare(),
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
    /** Another job of a kind for an interception (`except`: the one being completed, or null). */
    otherJobOfKind: db
      .select({ id: jobsTable.id })
      .from(jobsTable)
      .where(
        and(
          eq(jobsTable.interceptionId, sql.placeholder("id")),
          eq(jobsTable.kind, sql.placeholder("kind")),
          sql`${jobsTable.id} IS NOT ${sql.placeholder("except")}`,
        ),
      )
      .prepare(),
    statusOf: db
      .select({ status: interceptionsTable.status, action: interceptionsTable.action })
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
    parcelOwner: db
      .select({ merchantId: parcelOwnersTable.merchantId })
      .from(parcelOwnersTable)
      .where(
        and(
          eq(parcelOwnersTable.carrier, sql.placeholder("carrier")),
          eq(parcelOwnersTable.trackingNumber, sql.placeholder("trackingNumber")),
        ),
      )
      .prepare(),
    orderRedirects: db
      .select({
        id: interceptionsTable.id,
        status: interceptionsTable.status,
        cost: interceptionsTable.cost,
      })
      .from(interceptionsTable)
      .where(
        and(
          eq(interceptionsTable.merchantId, sql.placeholder("merchantId")),
          eq(interceptionsTable.orderId, sql.placeholder("orderId")),
          eq(interceptionsTable.action, "redirect"),
        ),
      )
      .orderBy(asc(interceptionsTable.id))
      .prepare(),
  };
}

/**
 * The writes of the request path, compiled once. Values are bound by name from the records.
 * Nullable JSON columns are bound already encoded: drizzle would encode a null as the text
 * `null` rather than SQL NULL. drizzle types no placeholder in `set()`, hence `sql` there.
 */
function prepareWrites(db: Db) {
  const p = sql.placeholder;
  return {
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
    insertInterception: db
      .insert(interceptionsTable)
      .values({
        id: p("id"),
        merchantId: p("merchantId"),
        carrier: p("carrier"),
        trackingNumber: p("trackingNumber"),
        orderId: p("orderId"),
        action: p("action"),
        reason: p("reason"),
        items: p("items"),
        parcel: p("parcel"),
        redirectTo: sql`${p("redirectTo")}`,
        note: p("note"),
        status: p("status"),
        parcelState: p("parcelState"),
        successLikelihood: p("successLikelihood"),
        carrierReference: p("carrierReference"),
        cost: p("cost"),
        failure: sql`${p("failure")}`,
        createdAt: p("createdAt"),
        updatedAt: p("updatedAt"),
      })
      .prepare(),
    // The first merchant to bind a parcel keeps it; a later bind changes nothing.
    bindParcel: db
      .insert(parcelOwnersTable)
      .values({
        carrier: p("carrier"),
        trackingNumber: p("trackingNumber"),
        merchantId: p("merchantId"),
        boundAt: p("boundAt"),
      })
      .onConflictDoNothing()
      .prepare(),
    insertEvent: db
      .insert(interceptionEventsTable)
      .values({
        interceptionId: p("interceptionId"),
        at: p("at"),
        status: p("status"),
        detail: p("detail"),
        carrierEventId: p("carrierEventId"),
      })
      .prepare(),
    insertJob: db
      .insert(jobsTable)
      .values({
        id: p("id"),
        interceptionId: p("interceptionId"),
        kind: p("kind"),
        runAt: p("runAt"),
        attempts: p("attempts"),
        maybeSent: p("maybeSent"),
        leaseUntil: p("leaseUntil"),
        lastError: p("lastError"),
      })
      .prepare(),
    deleteJobOf: db
      .delete(jobsTable)
      .where(and(eq(jobsTable.id, p("id")), eq(jobsTable.interceptionId, p("interceptionId"))))
      .prepare(),
    deleteJobsOf: db
      .delete(jobsTable)
      .where(eq(jobsTable.interceptionId, p("interceptionId")))
      .prepare(),
  };
}

/**
 * The UPDATE of a transition sets the columns of its patch, which differ between callers: one
 * statement is compiled per set of columns (a handful exist) and kept. Values are bound already
 * encoded (see `encodeColumns`).
 */
function transitionUpdates(db: Db) {
  const compiled = new Map<string, ReturnType<typeof compile>>();
  const compile = (columns: string[]) =>
    db
      .update(interceptionsTable)
      .set(Object.fromEntries(columns.map((column) => [column, sql`${sql.placeholder(column)}`])))
      .where(
        and(
          eq(interceptionsTable.id, sql.placeholder("id")),
          eq(interceptionsTable.status, sql.placeholder("fromStatus")),
        ),
      )
      .prepare();
  return (columns: string[]) => {
    const key = columns.join(",");
    let statement = compiled.get(key);
    if (!statement) {
      statement = compile(columns);
      compiled.set(key, statement);
    }
    return statement;
  };
}

const interceptionColumns = getTableColumns(interceptionsTable) as Record<
  string,
  { mapToDriverValue(value: unknown): unknown }
>;

/**
 * Interception fields as SQLite stores them (JSON as text); null stays SQL NULL. An undefined
 * field is left out, as drizzle's `set()` leaves such a column alone.
 */
function encodeColumns(fields: Record<string, unknown>): Record<string, unknown> {
  const encoded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) {
      continue;
    }
    const column = interceptionColumns[name];
    if (!column) {
      throw new Error(`interceptions has no column ${name}`);
    }
    encoded[name] = value === null ? null : column.mapToDriverValue(value);
  }
  return encoded;
}

function createStore(
  sqlite: Database.Database,
  db: Db,
  options: { onCommit: CommitObserver | undefined; maxBusyWaitMs: number },
): SqliteStore {
  const reads = prepareReads(db);
  const writes = prepareWrites(db);
  const transitionUpdate = transitionUpdates(db);
  const groupCommit = new GroupCommit(sqlite, options.onCommit, options.maxBusyWaitMs);
  const write = <T>(work: () => T): Promise<T> => groupCommit.run(work);
  // WAL readers rarely meet a lock, but a checkpoint or an exclusive writer elsewhere can hold one.
  const read = <T>(work: () => T): Promise<T> => retryWhileBusy(work, options.maxBusyWaitMs);

  /**
   * Inside a write: whether the parcel may be the merchant's, binding it to them when `bind`
   * (the carrier confirmed the parcel) and nobody has it yet. False when another merchant has it.
   */
  const bindOrCheckOwner = (
    parcel: Pick<InterceptionRecord, "carrier" | "trackingNumber" | "merchantId">,
    bind: boolean,
    at: string,
  ): boolean => {
    const { carrier, trackingNumber, merchantId } = parcel;
    const owner = reads.parcelOwner.get({ carrier, trackingNumber })?.merchantId;
    if (owner === undefined && bind) {
      writes.bindParcel.run({ carrier, trackingNumber, merchantId, boundAt: at });
      return true;
    }
    return owner === undefined || owner === merchantId;
  };

  /** How many of the merchant's redirects of the order hold a free one (DOMAIN.md "Redirect"). */
  const freeRedirectsOf = (merchantId: string, orderId: string): number =>
    reads.orderRedirects.all({ merchantId, orderId }).filter(holdsFreeRedirect).length;

  /**
   * One interception and its history, read in one snapshot; `merchantId` null for any. The
   * transaction function is made once: making one per call was 5 % of a GET.
   */
  // The prepared statements run on the same connection, so inside this read transaction.
  const readOne = sqlite.transaction(
    (id: string, merchantId: string | null): InterceptionWithEvents | null => {
      const row = reads.interceptionById.get({ id });
      if (!row || (merchantId !== null && row.merchantId !== merchantId)) {
        return null;
      }
      return { ...row, events: reads.eventsOf.all({ id }) };
    },
  );

  const flat = {
    get database() {
      return sqlite;
    },

    claimMode(mode: GatewayMode) {
      return write((): GatewayMode => {
        db.insert(gatewayMetaTable)
          .values({ key: "mode", value: mode })
          .onConflictDoNothing()
          .run();
        const recorded = db
          .select({ value: gatewayMetaTable.value })
          .from(gatewayMetaTable)
          .where(eq(gatewayMetaTable.key, "mode"))
          .get()?.value;
        if (recorded !== "demo" && recorded !== "live") {
          throw new Error(`gateway_meta holds an unknown mode ${JSON.stringify(recorded)}.`);
        }
        return recorded;
      });
    },

    createMerchant(merchant: MerchantRecord) {
      return write(() => {
        db.insert(merchantsTable).values(merchant).run();
      });
    },

    getMerchant(id: string) {
      return read(() => reads.merchantById.get({ id }) ?? null);
    },

    createApiKey(key: ApiKeyRecord) {
      return write(() => {
        db.insert(apiKeysTable).values(key).run();
      });
    },

    getApiKeyWithMerchant(id: string) {
      return read(() => reads.apiKeyWithMerchant.get({ id }) ?? null);
    },

    revokeApiKey(merchantId: string, keyId: string, at: string) {
      return write(() => {
        // Revoking twice keeps the first time: that is when the key stopped being trusted.
        const result = db
          .update(apiKeysTable)
          .set({ revokedAt: sql`coalesce(${apiKeysTable.revokedAt}, ${at})` })
          .where(and(eq(apiKeysTable.id, keyId), eq(apiKeysTable.merchantId, merchantId)))
          .run();
        return result.changes > 0;
      });
    },

    hasIdempotencyKey(merchantId: string, key: string) {
      return read(() => reads.keyByName.get({ merchantId, key }) !== undefined);
    },

    claimIdempotencyKey(claim: IdempotencyKeyClaim): Promise<IdempotencyClaim> {
      return write((): IdempotencyClaim => {
        // INSERT … ON CONFLICT DO NOTHING is the claim itself; never SELECT-then-INSERT.
        if (writes.claimKey.get(claim)) {
          return { outcome: "claimed", interceptionId: null };
        }
        const existing = reads.keyByName.get(claim);
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
        writes.relockKey.run(claim);
        return { outcome: "claimed", interceptionId: existing.interceptionId };
      });
    },

    storeIdempotentResponse(claim: IdempotencyKeyClaim & { status: number; body: string }) {
      return write(() => {
        if (!writes.claimKey.get(claim)) {
          return false;
        }
        writes.completeKey.run(claim);
        return true;
      });
    },

    completeIdempotencyKey(done: {
      merchantId: string;
      key: string;
      status: number;
      body: string;
    }) {
      return write(() => {
        writes.completeKey.run(done);
      });
    },

    releaseIdempotencyKey(merchantId: string, key: string, now: string) {
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

    deleteIdempotencyKeysBefore(before: string, limit: number) {
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

    insertInterception(input: {
      interception: InterceptionRecord;
      event: InterceptionEventRecord;
      job: JobRecord | null;
      idempotency: { merchantId: string; key: string; claim?: IdempotencyKeyClaim } | null;
      assumedFreeRedirects?: number;
    }) {
      const { interception, event, job, idempotency, assumedFreeRedirects } = input;
      return write(() => {
        if (idempotency?.claim && !writes.claimKey.get(idempotency.claim)) {
          throw new IdempotencyConflictError(idempotency.merchantId, idempotency.key);
        }
        // Checked before the parcel's open interception, so another merchant never learns
        // that one is under way.
        const { carrier, trackingNumber, merchantId } = interception;
        const confirmed = interception.parcelState !== "unknown";
        if (!bindOrCheckOwner(interception, confirmed, interception.createdAt)) {
          throw new ParcelOfAnotherMerchantError(carrier, trackingNumber);
        }
        // Counted in this transaction, so that of two redirects of one order stored at the same
        // moment only one can have assumed the free one is left.
        if (
          assumedFreeRedirects !== undefined &&
          freeRedirectsOf(merchantId, interception.orderId) !== assumedFreeRedirects
        ) {
          throw new OrderRedirectsChangedError(merchantId, interception.orderId);
        }
        try {
          writes.insertInterception.run({
            ...interception,
            ...encodeColumns({
              redirectTo: interception.redirectTo,
              failure: interception.failure,
            }),
          });
        } catch (error) {
          if (
            String((error as Error).message).includes(
              "interceptions.merchant_id, interceptions.carrier, interceptions.tracking_number",
            )
          ) {
            throw new ParcelBusyError(interception.carrier, interception.trackingNumber);
          }
          throw error;
        }
        writes.insertEvent.run({ interceptionId: interception.id, ...event });
        if (job) {
          writes.insertJob.run({ ...job });
        }
        if (idempotency) {
          const linked = writes.linkKey.run({ ...idempotency, interceptionId: interception.id });
          if (linked.changes !== 1) {
            throw new IdempotencyConflictError(idempotency.merchantId, idempotency.key);
          }
        }
      });
    },

    parcelOwner(carrier: CarrierId, trackingNumber: string) {
      return read(() => reads.parcelOwner.get({ carrier, trackingNumber })?.merchantId ?? null);
    },

    getInterception(merchantId: string, id: string) {
      return read(() => readOne(id, merchantId));
    },

    getInterceptionById(id: string) {
      return read(() => readOne(id, null));
    },

    listInterceptions(
      merchantId: string,
      filter: InterceptionFilter,
      page: { limit: number; before?: string },
    ): Promise<InterceptionWithEvents[]> {
      if (page.limit <= 0) {
        // SQLite reads LIMIT -1 as "no limit"; an empty page is what the caller asked for.
        return Promise.resolve([]);
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
      const readPage = () =>
        db.transaction((tx) => {
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
      return read(readPage);
    },

    async findInterceptionsForParcel(
      merchantId: string | null,
      carrier: CarrierId,
      trackingNumber: string,
    ): Promise<InterceptionRecord[]> {
      const rows = await read(() => reads.parcelInterceptions.all({ carrier, trackingNumber }));
      return merchantId === null ? rows : rows.filter((row) => row.merchantId === merchantId);
    },

    redirectsOfOrder(merchantId: string, orderId: string) {
      return read(() => reads.orderRedirects.all({ merchantId, orderId }));
    },

    transitionInterception(id: string, transition: InterceptionTransition) {
      return write((): TransitionResult => {
        const row = reads.statusOf.get({ id });
        if (!row) {
          return "not_found";
        }
        if (!transition.from.includes(row.status)) {
          return "status_mismatch";
        }
        const carrierEventId = transition.event.carrierEventId ?? null;
        if (carrierEventId !== null && reads.carrierEvent.get({ id, carrierEventId })) {
          return "duplicate_event";
        }
        const scheduled = transition.scheduleJob;
        // One job of a kind per interception: a second would be the same work twice.
        const sameWork =
          scheduled !== undefined &&
          reads.otherJobOfKind.get({
            id,
            kind: scheduled.kind,
            except: transition.completeJobId ?? null,
          });
        if (sameWork) {
          return "job_exists";
        }
        // Last of the checks: binding writes, so it comes once nothing else can refuse the update.
        if (transition.bindParcel) {
          const parcel = reads.interceptionById.get({ id });
          if (parcel && !bindOrCheckOwner(parcel, true, transition.event.at)) {
            return "parcel_of_another_merchant";
          }
        }
        const status = transition.to ?? row.status;
        // The status guard is repeated in the UPDATE so the write is conditional on its own,
        // whatever isolation a future backend gives the read above.
        const patch = encodeColumns({
          ...transition.patch,
          // Applied here, where every status change passes, so no caller can forget it.
          ...(chargesNothingOnceIn(row.action, status) ? { cost: noCharge() } : {}),
          status,
          updatedAt: transition.event.at,
        });
        const updated = transitionUpdate(Object.keys(patch)).run({
          ...patch,
          id,
          fromStatus: row.status,
        });
        if (updated.changes !== 1) {
          return "status_mismatch";
        }
        writes.insertEvent.run({
          interceptionId: id,
          at: transition.event.at,
          status,
          detail: transition.event.detail,
          carrierEventId,
        });
        if (isFinal(status)) {
          // Decided: whatever jobs are left (a poll beside a cancel, say) have nothing to do.
          writes.deleteJobsOf.run({ interceptionId: id });
        } else if (transition.completeJobId !== undefined) {
          writes.deleteJobOf.run({ id: transition.completeJobId, interceptionId: id });
        }
        if (transition.scheduleJob) {
          writes.insertJob.run({ ...transition.scheduleJob });
        }
        return "applied";
      });
    },

    claimJob(jobId: string, now: string, leaseUntil: string) {
      // One conditional UPDATE: of two workers racing for the job, exactly one sees a row back.
      return write(
        () =>
          db
            .update(jobsTable)
            .set(leaseTaken(leaseUntil))
            .where(and(eq(jobsTable.id, jobId), leaseIsFree(now)))
            .returning()
            .get() ?? null,
      );
    },

    async claimDueJobsByCarrier(
      now: string,
      leaseUntil: string,
      room: CarrierRoom,
      excluding: readonly string[] = [],
    ) {
      const carriers = (Object.entries(room.perCarrier) as Array<[CarrierId, number]>).filter(
        ([, free]) => free > 0,
      );
      if (room.total <= 0 || carriers.length === 0) {
        return [];
      }
      return write(() => {
        // Each carrier's oldest due jobs up to its room, then the oldest of those up to the total.
        const due = carriers
          .flatMap(([carrier, free]) =>
            db
              .select({
                id: jobsTable.id,
                runAt: jobsTable.runAt,
                carrier: interceptionsTable.carrier,
              })
              .from(jobsTable)
              .innerJoin(interceptionsTable, eq(jobsTable.interceptionId, interceptionsTable.id))
              .where(
                and(
                  eq(interceptionsTable.carrier, carrier),
                  lte(jobsTable.runAt, now),
                  leaseIsFree(now),
                  excluding.length > 0 ? notInArray(jobsTable.id, [...excluding]) : undefined,
                ),
              )
              .orderBy(asc(jobsTable.runAt), asc(jobsTable.id))
              .limit(free)
              .all(),
          )
          .sort(oldestJobFirst)
          .slice(0, room.total);
        if (due.length === 0) {
          return [];
        }
        const carrierOf = new Map(due.map((job) => [job.id, job.carrier]));
        const claimed = db
          .update(jobsTable)
          .set(leaseTaken(leaseUntil))
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
        return claimed
          .sort(oldestJobFirst)
          .map((job) => ({ job, carrier: carrierOf.get(job.id) as CarrierId }));
      });
    },

    rescheduleJob(job: HeldJob, runAt: string, lastError: string, maybeSent = false) {
      return write(() => {
        db.update(jobsTable)
          .set({
            runAt,
            attempts: sql`${jobsTable.attempts} + 1`,
            lastError,
            leaseUntil: null,
            ...(maybeSent ? { maybeSent: true } : {}),
          })
          .where(heldBy(job))
          .run();
      });
    },

    completeJob(job: HeldJob) {
      return write(() => {
        db.delete(jobsTable).where(heldBy(job)).run();
      });
    },

    releaseJob(job: HeldJob) {
      return write(() => {
        db.update(jobsTable).set({ leaseUntil: null }).where(heldBy(job)).run();
      });
    },

    bringForwardPolls(input: { carriers: readonly CarrierId[]; now: string; windowMs: number }) {
      const start = Date.parse(input.now);
      const windowEnd = new Date(start + input.windowMs).toISOString();
      return write(() => {
        if (input.carriers.length === 0) {
          return 0;
        }
        const late = db
          .select({ id: jobsTable.id })
          .from(jobsTable)
          .innerJoin(interceptionsTable, eq(interceptionsTable.id, jobsTable.interceptionId))
          .where(
            and(
              eq(jobsTable.kind, "poll"),
              gt(jobsTable.runAt, windowEnd),
              leaseIsFree(input.now),
              eq(interceptionsTable.status, "submitted"),
              inArray(interceptionsTable.carrier, [...input.carriers]),
            ),
          )
          .orderBy(asc(jobsTable.runAt), asc(jobsTable.id))
          .all();
        const bringForward = db
          .update(jobsTable)
          .set({ runAt: sql`${sql.placeholder("runAt")}` })
          .where(eq(jobsTable.id, sql.placeholder("id")))
          .prepare();
        late.forEach((job, index) => {
          const offset = Math.floor((input.windowMs * index) / late.length);
          bringForward.run({ id: job.id, runAt: new Date(start + offset).toISOString() });
        });
        return late.length;
      });
    },

    getJobForInterception(interceptionId: string, kind?: JobRecord["kind"]) {
      return read(
        () =>
          db
            .select()
            .from(jobsTable)
            .where(
              and(
                eq(jobsTable.interceptionId, interceptionId),
                kind === undefined ? undefined : eq(jobsTable.kind, kind),
              ),
            )
            .orderBy(asc(jobsTable.runAt), asc(jobsTable.id))
            .limit(1)
            .get() ?? null,
      );
    },

    async close() {
      // Writes still queued for the next batch are committed now, not dropped; if another
      // connection holds the lock, they fail with StoreBusyError (their callers see it) instead
      // of holding the close up.
      groupCommit.flush();
      sqlite.close();
    },
  };
  return {
    database: sqlite,
    meta: { claimMode: flat.claimMode },
    merchants: {
      create: flat.createMerchant,
      get: flat.getMerchant,
      createApiKey: flat.createApiKey,
      getApiKeyWithMerchant: flat.getApiKeyWithMerchant,
      revokeApiKey: flat.revokeApiKey,
    },
    idempotency: {
      has: flat.hasIdempotencyKey,
      claim: flat.claimIdempotencyKey,
      storeResponse: flat.storeIdempotentResponse,
      complete: flat.completeIdempotencyKey,
      release: flat.releaseIdempotencyKey,
      deleteCreatedBefore: flat.deleteIdempotencyKeysBefore,
    },
    interceptions: {
      insert: flat.insertInterception,
      parcelOwner: flat.parcelOwner,
      get: flat.getInterception,
      getById: flat.getInterceptionById,
      list: flat.listInterceptions,
      findForParcel: flat.findInterceptionsForParcel,
      redirectsOfOrder: flat.redirectsOfOrder,
      transition: flat.transitionInterception,
    },
    jobs: {
      claim: flat.claimJob,
      claimDue: flat.claimDueJobsByCarrier,
      reschedule: flat.rescheduleJob,
      complete: flat.completeJob,
      release: flat.releaseJob,
      bringForwardPolls: flat.bringForwardPolls,
      forInterception: flat.getJobForInterception,
    },
    close: flat.close,
  };
}

/**
 * The columns set when a job is leased. A job still carrying an earlier lease is taken over from
 * a holder that crashed or hung, maybe after its request reached the carrier: it is marked
 * maybe-sent, so its next run asks the carrier before sending anything again.
 */
function leaseTaken(leaseUntil: string) {
  return {
    leaseUntil,
    maybeSent: sql<boolean>`(${jobsTable.maybeSent} OR ${jobsTable.leaseUntil} IS NOT NULL)`,
  };
}

/** The job still under the lease its holder took (`IS`: a job run unleased has none). */
function heldBy(job: HeldJob): SQL {
  return and(eq(jobsTable.id, job.id), sql`${jobsTable.leaseUntil} IS ${job.leaseUntil}`) ?? sql`0`;
}

/** A job nobody holds: never leased, or the holder's lease ran out (it crashed or hung). */
function leaseIsFree(now: string): SQL {
  return or(isNull(jobsTable.leaseUntil), lte(jobsTable.leaseUntil, now)) ?? sql`1`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The order jobs are claimed and run in: due earliest first, ties by id. */
function oldestJobFirst(
  a: { runAt: string; id: string },
  b: { runAt: string; id: string },
): number {
  return compareText(a.runAt, b.runAt) || compareText(a.id, b.id);
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
