/**
 * `DeadlineRepository` on SQLite: the `deadlines` table is the scheduler's queue, leased like the
 * `jobs` table (jobs.ts): one conditional UPDATE leases, and every later write of the holder is
 * fenced by the lease it was given. Deadlines are enqueued by the repository of the change that
 * sets them, inside its write (`enqueueDeadlines`).
 */
import { and, asc, eq, inArray, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import type { DeadlineRecord, DeadlineRepository, HeldDeadline } from "../deadline-records.ts";
import { deadlinesTable } from "../schema.ts";
import type { Db, SqliteConnection } from "./connection.ts";

const deadlines = deadlinesTable;

/** Inside a write: enqueues deadlines; one already there (same id) is left as it is. */
export function enqueueDeadlines(db: Db, records: readonly DeadlineRecord[]): void {
  if (records.length > 0) {
    db.insert(deadlines)
      .values([...records])
      .onConflictDoNothing()
      .run();
  }
}

export function sqliteDeadlines({ db, read, write }: SqliteConnection): DeadlineRepository {
  return {
    claimDue(now, leaseUntil, limit) {
      if (limit <= 0) {
        return Promise.resolve([]);
      }
      return write(() => {
        const due = db
          .select({ id: deadlines.id })
          .from(deadlines)
          .where(and(lte(deadlines.dueAt, now), leaseIsFree(now)))
          .orderBy(asc(deadlines.dueAt), asc(deadlines.id))
          .limit(limit)
          .all();
        if (due.length === 0) {
          return [];
        }
        const claimed = db
          .update(deadlines)
          .set({ leaseUntil })
          .where(
            and(
              inArray(
                deadlines.id,
                due.map((each) => each.id),
              ),
              leaseIsFree(now),
            ),
          )
          .returning()
          .all();
        // RETURNING has no defined order; the earliest due runs first.
        return claimed.sort(earliestFirst);
      });
    },

    complete(held) {
      return write(() => {
        db.delete(deadlines).where(heldBy(held)).run();
      });
    },

    reschedule(held, dueAt, lastError) {
      return write(() => {
        db.update(deadlines)
          .set({ dueAt, lastError, attempts: sql`${deadlines.attempts} + 1`, leaseUntil: null })
          .where(heldBy(held))
          .run();
      });
    },

    openFor(subjectId) {
      return read(() =>
        db
          .select()
          .from(deadlines)
          .where(eq(deadlines.subjectId, subjectId))
          .orderBy(asc(deadlines.dueAt), asc(deadlines.id))
          .all(),
      );
    },
  };
}

/** A deadline nobody holds: never leased, or its holder's lease ran out (it crashed or hung). */
function leaseIsFree(now: string): SQL {
  return or(isNull(deadlines.leaseUntil), lte(deadlines.leaseUntil, now)) ?? sql`1`;
}

/** The deadline still under the lease its holder took. */
function heldBy(held: HeldDeadline): SQL {
  return (
    and(eq(deadlines.id, held.id), sql`${deadlines.leaseUntil} IS ${held.leaseUntil}`) ?? sql`0`
  );
}

function earliestFirst(a: DeadlineRecord, b: DeadlineRecord): number {
  return a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
