/**
 * `JobRepository` on SQLite: the work owed to carriers, leased to one runner at a time. Jobs are
 * enqueued by the interception repository, in the transaction of the change that owes them.
 */
import type { SQL } from "drizzle-orm";
import { and, asc, eq, gt, inArray, isNull, lte, notInArray, or, sql } from "drizzle-orm";
import type { CarrierId } from "../../../contracts/carrier-adapter.ts";
import { interceptionsTable, jobsTable } from "../schema.ts";
import type { CarrierRoom, HeldJob, JobRecord, JobRepository } from "../store.ts";
import type { SqliteConnection } from "./connection.ts";

/*
 * The queries that join jobs to their interceptions are CROSS JOINs: SQLite then keeps jobs, the
 * small table, as the outer loop (its documented way to fix a join order). As inner joins, the
 * planner started from the interceptions of the carrier (interceptions_parcel_idx) and probed
 * jobs for each, i.e. read every interception the carrier ever had: ~1 s of the event loop per
 * worker pass, with the write lock held, at 1M interceptions.
 */
export function sqliteJobs({ db, read, write }: SqliteConnection): JobRepository {
  return {
    claim(jobId: string, now: string, leaseUntil: string) {
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

    async claimDue(
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
              .crossJoin(interceptionsTable)
              .where(
                and(
                  eq(jobsTable.interceptionId, interceptionsTable.id),
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

    reschedule(job: HeldJob, runAt: string, lastError: string, maybeSent = false) {
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

    complete(job: HeldJob) {
      return write(() => {
        db.delete(jobsTable).where(heldBy(job)).run();
      });
    },

    release(job: HeldJob) {
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
          .crossJoin(interceptionsTable)
          .where(
            and(
              eq(interceptionsTable.id, jobsTable.interceptionId),
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

    forInterception(interceptionId: string, kind?: JobRecord["kind"]) {
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
