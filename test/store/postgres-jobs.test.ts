/**
 * The PostgreSQL store's job queue on pg-boss (src/store/postgres/jobs.ts), against a real
 * PostgreSQL: what the queue promises beyond the store contract (enqueued in the caller's
 * transaction, once; per-carrier room; a lost holder's job taken over as maybe-sent; each job of a
 * batch ended on its own; instances never sharing a job). pg-boss judges due and lapsed by the
 * database's clock, so times here are relative to the real now: due means `runAt` in the past.
 */
import pg from "pg";
import PgBoss from "pg-boss";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CarrierId } from "../../contracts/carrier-adapter.ts";
import type { PgJobQueue } from "../../src/store/postgres/job-queue.ts";
import {
  type PgJobQueueOptions,
  startPgJobQueue,
} from "../../src/store/postgres/job-queue-start.ts";
import { bossSchema } from "../../src/store/postgres/jobs-rows.ts";
import { inTransaction } from "../../src/store/postgres/transaction.ts";
import type { CarrierRoom, JobRecord } from "../../src/store/store.ts";
import { freshPostgresDatabase } from "../support/postgres.ts";
import { blocksRead } from "../support/prepared-plans.ts";

/** ISO time `seconds` from the real now (negative: in the past, so due). */
function fromNow(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString();
}

function job(id: string, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id,
    interceptionId: `icp_${id}`,
    kind: "submit",
    runAt: fromNow(-60),
    attempts: 0,
    leaseUntil: null,
    lastError: null,
    maybeSent: false,
    ...overrides,
  };
}

interface Instance {
  pool: pg.Pool;
  queue: PgJobQueue;
  errors: Error[];
}

let url: string;
let instances: Instance[];

async function startInstance(options: Partial<PgJobQueueOptions> = {}): Promise<Instance> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const errors: Error[] = [];
  try {
    const queue = await startPgJobQueue({
      pool,
      leaseMs: 30_000,
      onError: (error) => errors.push(error),
      ...options,
    });
    const instance = { pool, queue, errors };
    instances.push(instance);
    return instance;
  } catch (error) {
    await pool.end();
    throw error;
  }
}

beforeEach(async () => {
  url = await freshPostgresDatabase("jobs");
  instances = [];
});

afterEach(async () => {
  for (const { pool, queue, errors } of instances) {
    await queue.stop();
    await pool.end();
    expect(errors, "pg-boss reported errors").toEqual([]);
  }
});

async function enqueue(
  { pool, queue }: Instance,
  record: JobRecord,
  carrier: CarrierId = "sf-express",
): Promise<void> {
  await inTransaction(pool, ({ client }) => queue.enqueue(client, record, carrier));
}

/** Leases due jobs as the worker would, with room for `total` of them, `perCarrier` of each. */
async function claimDue(
  { queue }: Instance,
  total: number,
  perCarrier: CarrierRoom["perCarrier"] = { "sf-express": total },
  excluding: string[] = [],
): Promise<JobRecord[]> {
  const claimed = await queue.claimDue(fromNow(0), fromNow(30), { total, perCarrier }, excluding);
  return claimed.map(({ job: each }) => each);
}

/** pg-boss's rows for a job id of ours, in any state. */
async function bossRows(pool: pg.Pool, jobId: string): Promise<Array<{ state: string }>> {
  const { rows } = await pool.query<{ state: string }>(
    `SELECT state FROM ${bossSchema}.job WHERE data->>'jobId' = $1`,
    [jobId],
  );
  return rows;
}

describe("PostgreSQL job queue on pg-boss", () => {
  it("enqueues in the caller's transaction: nothing when it rolls back", async () => {
    const instance = await startInstance();
    const { pool, queue } = instance;
    const rolledBack = await pool.connect();
    try {
      await rolledBack.query("BEGIN");
      await queue.enqueue(rolledBack, job("job_gone"), "sf-express");
      await rolledBack.query("ROLLBACK");
    } finally {
      rolledBack.release();
    }
    expect(await queue.forInterception("icp_job_gone")).toBeNull();
    expect(await bossRows(pool, "job_gone")).toEqual([]);

    const kept = job("job_kept");
    await enqueue(instance, kept);
    expect(await queue.forInterception("icp_job_kept")).toEqual(kept);
    expect((await claimDue(instance, 10)).map((each) => each.id)).toEqual(["job_kept"]);
  });

  it("enqueues a replayed job once, even after it ran", async () => {
    const instance = await startInstance();
    const record = job("job_1");
    await enqueue(instance, record);
    await enqueue(instance, record);
    expect(await bossRows(instance.pool, "job_1")).toEqual([{ state: "created" }]);

    const [claimed] = await claimDue(instance, 10);
    expect(claimed?.id).toBe("job_1");
    await instance.queue.complete(claimed as JobRecord);
    await enqueue(instance, record);
    expect(await bossRows(instance.pool, "job_1"), "kept completed, not enqueued again").toEqual([
      { state: "completed" },
    ]);
    expect(await claimDue(instance, 10)).toEqual([]);
  });

  it("leases due jobs within each carrier's room and the total, oldest first", async () => {
    const instance = await startInstance();
    const due: Array<[CarrierId, string]> = [
      ["sf-express", "job_a"],
      ["jd", "job_b"],
      ["sf-express", "job_c"],
      ["kuaidi100", "job_d"],
      ["jd", "job_e"],
      ["sf-express", "job_f"],
      ["jd", "job_g"],
    ];
    // One transaction each, so pg-boss's creation order (its fetch order) is this order.
    for (const [carrier, id] of due) {
      await enqueue(instance, job(id), carrier);
    }
    await enqueue(instance, job("job_later", { runAt: fromNow(3600) }), "sf-express");
    const claim = async (total: number, perCarrier: CarrierRoom["perCarrier"]) =>
      (await instance.queue.claimDue(fromNow(0), fromNow(30), { total, perCarrier })).map(
        ({ job: claimed, carrier }) => `${carrier} ${claimed.id}`,
      );

    expect(await claim(3, { "sf-express": 1, jd: 5 }), "Kuaidi100 left out").toEqual([
      "sf-express job_a",
      "jd job_b",
      "jd job_e",
    ]);
    expect(await claim(10, { "sf-express": 0, jd: 5, kuaidi100: 1 }), "SF has no room").toEqual([
      "kuaidi100 job_d",
      "jd job_g",
    ]);
    expect(await claim(10, { "sf-express": 5 }), "job_later not due").toEqual([
      "sf-express job_c",
      "sf-express job_f",
    ]);
    expect(await claim(10, { "sf-express": 5, jd: 5, kuaidi100: 5 }), "all leased").toEqual([]);
    expect(await claim(0, { "sf-express": 5 })).toEqual([]);
  });

  it("takes over a lapsed lease, marked maybe-sent; the lost holder's writes change nothing", async () => {
    // The shortest lease pg-boss has (1 s); a lost holder's job is offered again at once.
    const instance = await startInstance({
      leaseMs: 1_000,
      lostHolderRetry: { limit: 3, delaySeconds: 0, backoff: false },
    });
    await enqueue(instance, job("job_1"));
    const [lost] = await claimDue(instance, 10);
    expect(lost).toMatchObject({ id: "job_1", maybeSent: false });
    expect(await claimDue(instance, 10), "lease live").toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await expireLapsedLeases();
    const [current] = await claimDue(instance, 10);
    expect(current).toMatchObject({ id: "job_1", maybeSent: true, attempts: 0 });
    expect(current?.leaseUntil).not.toBe(lost?.leaseUntil);

    const stale = lost as JobRecord;
    await instance.queue.reschedule(stale, fromNow(-1), "woke up late");
    await instance.queue.release(stale);
    await instance.queue.complete(stale);
    expect(await instance.queue.forInterception("icp_job_1"), "still the new holder's").toEqual(
      current,
    );

    // Sticky: given back by its new holder, the job stays maybe-sent.
    await instance.queue.reschedule(current as JobRecord, fromNow(-1), "carrier timeout");
    expect(await claimDue(instance, 10)).toMatchObject([
      { id: "job_1", maybeSent: true, attempts: 1, lastError: "carrier timeout" },
    ]);
  });

  it("does not hand a worker a job it still runs, though its lease lapsed", async () => {
    const instance = await startInstance({
      leaseMs: 1_000,
      lostHolderRetry: { limit: 3, delaySeconds: 0, backoff: false },
    });
    await enqueue(instance, job("job_1"));
    const [slow] = await claimDue(instance, 10);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await expireLapsedLeases();
    expect(await claimDue(instance, 10, undefined, ["job_1"]), "still running here").toEqual([]);
    // Given back for another worker, maybe sent: the slow run may reach the carrier yet.
    const [other] = await claimDue(instance, 10);
    expect(other).toMatchObject({ id: "job_1", maybeSent: true });
    await instance.queue.complete(slow as JobRecord);
    expect(await instance.queue.forInterception("icp_job_1"), "the slow run is fenced").toEqual(
      other,
    );
  });

  it("ends each job of a batch on its own: one that fails does not re-run its neighbours", async () => {
    const instance = await startInstance();
    for (const id of ["job_1", "job_2", "job_3"]) {
      await enqueue(instance, job(id));
    }
    const batch = await claimDue(instance, 10);
    expect(batch.map((each) => each.id)).toEqual(["job_1", "job_2", "job_3"]);
    const [first, failing, third] = batch as [JobRecord, JobRecord, JobRecord];

    await instance.queue.complete(first);
    await instance.queue.reschedule(failing, fromNow(-1), "carrier timeout");
    await instance.queue.complete(third);

    expect(await claimDue(instance, 10), "only the failed job again").toMatchObject([
      { id: "job_2", attempts: 1, lastError: "carrier timeout", maybeSent: false },
    ]);
    expect(await instance.queue.forInterception("icp_job_1")).toBeNull();
    expect(await instance.queue.forInterception("icp_job_3")).toBeNull();
  });

  it("never hands one job to two instances fetching at once", async () => {
    // Started together on an empty database: pg-boss installs its schema once.
    const [one, two, three] = await Promise.all([
      startInstance(),
      startInstance(),
      startInstance(),
    ]);
    const carriers: CarrierId[] = ["sf-express", "jd"];
    const ids = Array.from({ length: 60 }, (_, index) => `job_${String(index).padStart(2, "0")}`);
    await inTransaction((one as Instance).pool, async ({ client }) => {
      for (const [index, id] of ids.entries()) {
        await (one as Instance).queue.enqueue(client, job(id), carriers[index % 2] as CarrierId);
      }
    });

    const drain = async (instance: Instance): Promise<string[]> => {
      const taken: string[] = [];
      for (;;) {
        const batch = await claimDue(instance, 7, { "sf-express": 4, jd: 4 });
        if (batch.length === 0) {
          return taken;
        }
        taken.push(...batch.map((each) => each.id));
      }
    };
    const taken = await Promise.all([two, three].map((instance) => drain(instance as Instance)));
    const all = taken.flat();
    expect(all.length, "no job twice").toBe(new Set(all).size);
    expect([...all].sort()).toEqual(ids);
  });
});

describe("a request's hold on a job", () => {
  it("keeps workers off a job stored held, until the request gives it back", async () => {
    const instance = await startInstance();
    const { queue } = instance;
    // As a request stores its submit to run right away: held for a lease.
    const held = job("job_1", { runAt: fromNow(0), leaseUntil: fromNow(30) });
    await enqueue(instance, held);
    expect(await claimDue(instance, 10), "not for a worker").toEqual([]);
    expect(await queue.claim("job_1", fromNow(0), fromNow(30)), "nor another request").toBeNull();
    expect(await queue.forInterception("icp_job_1")).toEqual(held);

    await queue.reschedule({ id: "job_1", leaseUntil: fromNow(-5) }, fromNow(-1), "not its lease");
    expect(await queue.forInterception("icp_job_1"), "fenced").toEqual(held);
    await queue.reschedule(held, fromNow(-1), "carrier timeout");
    expect(await claimDue(instance, 10)).toMatchObject([
      { id: "job_1", attempts: 1, lastError: "carrier timeout", maybeSent: false },
    ]);
  });

  it("hands a job whose hold lapsed to a worker, maybe sent", async () => {
    const instance = await startInstance();
    // The request crashed mid-run: its short hold runs out.
    await enqueue(instance, job("job_1", { runAt: fromNow(0), leaseUntil: fromNow(0.05) }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await claimDue(instance, 10)).toMatchObject([{ id: "job_1", maybeSent: true }]);
  });

  it("holds a job for one claimant at a time, and gives it back untouched", async () => {
    const instance = await startInstance();
    const { queue } = instance;
    const waiting = job("job_1", { runAt: fromNow(600), attempts: 2, lastError: "busy" });
    await enqueue(instance, waiting);
    const claims = await Promise.all([
      queue.claim("job_1", fromNow(0), fromNow(30)),
      queue.claim("job_1", fromNow(0), fromNow(30)),
    ]);
    const winners = claims.filter((claimed) => claimed !== null);
    expect(winners, "one claim wins").toHaveLength(1);
    expect(winners[0]).toEqual({ ...waiting, leaseUntil: expect.any(String) });

    await queue.release(winners[0] as JobRecord);
    expect(await queue.forInterception("icp_job_1")).toEqual(waiting);
    expect(await queue.claim("job_missing", fromNow(0), fromNow(30))).toBeNull();

    // The claimant's now against the holder's lease, as in every store: past it, a takeover.
    const lost = await queue.claim("job_1", fromNow(0), fromNow(30));
    expect(await queue.claim("job_1", fromNow(29), fromNow(60)), "lease live").toBeNull();
    const taken = await queue.claim("job_1", fromNow(31), fromNow(60));
    expect(taken, "its holder was lost").toMatchObject({ id: "job_1", maybeSent: true });
    await queue.release(lost as JobRecord);
    expect(await queue.forInterception("icp_job_1"), "the lost holder is fenced").toEqual(taken);

    await enqueue(instance, job("job_2"));
    const [running] = await claimDue(instance, 10);
    expect(running?.id).toBe("job_2");
    expect(await queue.claim("job_2", fromNow(0), fromNow(30)), "a worker runs it").toBeNull();
  });
});

describe("jobs in the interception's transaction", () => {
  it("finds, ends and removes an interception's open jobs", async () => {
    const instance = await startInstance();
    const { pool, queue } = instance;
    const poll = job("job_poll", { interceptionId: "icp_1", kind: "poll" });
    const cancel = job("job_cancel", { interceptionId: "icp_1", kind: "cancel" });
    await enqueue(instance, poll);
    await enqueue(instance, cancel);
    await enqueue(instance, job("job_other", { interceptionId: "icp_2", kind: "poll" }));
    const inTx = <T>(work: (client: pg.PoolClient) => Promise<T>) =>
      inTransaction(pool, ({ client }) => work(client));

    expect(await inTx((client) => queue.hasOpenJob(client, "icp_1", "poll", null))).toBe(true);
    expect(
      await inTx((client) => queue.hasOpenJob(client, "icp_1", "poll", "job_poll")),
      "except the one being completed",
    ).toBe(false);
    expect(await inTx((client) => queue.hasOpenJob(client, "icp_1", "submit", null))).toBe(false);
    // The rule is pg-boss's unique index too: a second open poll is not enqueued.
    await enqueue(instance, job("job_poll_2", { interceptionId: "icp_1", kind: "poll" }));
    expect(await bossRows(pool, "job_poll_2")).toEqual([]);

    // A worker runs the poll; the transition that records its answer completes it, unfenced.
    const [running] = await claimDue(instance, 1);
    expect(running?.id).toBe("job_poll");
    await inTx((client) => queue.remove(client, "icp_2", "job_poll"));
    expect(await bossRows(pool, "job_poll"), "another interception's id").toEqual([
      { state: "active" },
    ]);
    await inTx((client) => queue.remove(client, "icp_1", "job_poll"));
    expect(await bossRows(pool, "job_poll")).toEqual([{ state: "completed" }]);
    expect(await queue.forInterception("icp_1")).toEqual(cancel);

    // A final status: every job of the interception ends, the others' stay.
    await inTx((client) => queue.removeAllFor(client, "icp_1"));
    expect(await queue.forInterception("icp_1")).toBeNull();
    expect(await bossRows(pool, "job_cancel")).toEqual([{ state: "cancelled" }]);
    expect(await queue.forInterception("icp_2", "poll")).toMatchObject({ id: "job_other" });
  });
});

describe("bringForwardPolls", () => {
  it("spreads the late polls of the carriers over the window, once", async () => {
    const instance = await startInstance();
    const { queue } = instance;
    const poll = (id: string, runAt: string) => job(id, { kind: "poll", runAt });
    const now = fromNow(0);
    const at = (seconds: number) => new Date(Date.parse(now) + seconds * 1000).toISOString();
    await enqueue(instance, poll("job_1", at(900)), "sf-express");
    await enqueue(instance, poll("job_2", at(1800)), "sf-express");
    await enqueue(instance, poll("job_3", at(900)), "kuaidi100");
    await enqueue(instance, poll("job_4", at(900)), "jd");
    await enqueue(instance, poll("job_5", at(10)), "sf-express");
    await enqueue(instance, poll("job_6", at(900)), "sf-express");
    const held = await queue.claim("job_6", now, at(300));
    await enqueue(instance, job("job_7", { runAt: at(900) }), "sf-express");

    const input = { carriers: ["sf-express", "kuaidi100"] as const, now, windowMs: 60_000 };
    expect(await queue.bringForwardPolls(input)).toBe(3);
    const runAt = async (id: string) => (await queue.forInterception(`icp_${id}`))?.runAt;
    // Soonest due first, evenly over the minute; nothing else about the job changes.
    expect(await runAt("job_1")).toBe(at(0));
    expect(await runAt("job_3")).toBe(at(20));
    expect(await queue.forInterception("icp_job_2")).toEqual(poll("job_2", at(40)));
    expect(await runAt("job_4"), "a carrier not asked about").toBe(at(900));
    expect(await runAt("job_5"), "already due within the window").toBe(at(10));
    expect(await queue.forInterception("icp_job_6"), "held").toEqual(held);
    expect(await runAt("job_7"), "a submit, not a poll").toBe(at(900));
    expect(await claimDue(instance, 10), "brought forward, hence due").toMatchObject([
      { id: "job_1" },
    ]);

    // A second start (another instance) finds nothing left to bring forward.
    expect(await queue.bringForwardPolls({ ...input, now: at(5) })).toBe(0);
    expect(await runAt("job_2")).toBe(at(40));
    expect(await queue.bringForwardPolls({ ...input, carriers: [] })).toBe(0);
  });
});

/** What pg-boss's maintenance does every few seconds, once: lapsed leases go back to `retry`. */
async function expireLapsedLeases(): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const maintenance = new PgBoss({
    db: { executeSql: (text, values) => pool.query(text, values) },
    schema: bossSchema,
    supervise: false,
    schedule: false,
  });
  try {
    await maintenance.start();
    await maintenance.expire();
    await maintenance.stop();
  } finally {
    await pool.end();
  }
}

describe("a held job found among many open ones", () => {
  it("is locked through its primary key: what it reads does not grow with the queue", async () => {
    // One connection, so the statements the queue prepares are the ones examined below.
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    const errors: Error[] = [];
    const queue = await startPgJobQueue({ pool, leaseMs: 30_000, onError: (e) => errors.push(e) });
    const instance = { pool, queue, errors };
    instances.push(instance);
    const target = job("job_target");
    await enqueue(instance, target);
    // Used a few times while the queue is small, as right after a start: PostgreSQL may settle
    // on one plan for the connection then.
    for (let round = 0; round < 6; round += 1) {
      const now = 100 * round;
      expect(await queue.claim(target.id, fromNow(now), fromNow(now + 30))).not.toBeNull();
    }
    for (let n = 0; n < 400; n += 1) {
      await enqueue(instance, job(`job_other_${n}`));
    }
    const { rows } = await pool.query<{ id: string }>(
      `SELECT id FROM ${bossSchema}.job WHERE data->>'jobId' = 'job_target'`,
    );
    const blocks = await blocksRead(pool, "AS open FROM", ["{jobs.sf-express}", rows[0]?.id ?? ""]);
    // Its partition's primary key and the row: a handful of pages. Through pg-boss's (name,
    // state) index it read every open job of the queue (108 pages here).
    expect(blocks).toBeLessThan(30);
  });
});
