/**
 * The background worker: leases due jobs (submits that could not reach the carrier in time or
 * whose worker died, outcome polls, cancels, pickup cancels) and runs them; prunes idempotency
 * keys past their retention.
 *
 * Jobs run concurrently, within a bound in all and a bound per carrier, so a carrier that hangs
 * holds only its own slots: the other carriers' jobs never wait behind its timeouts. A carrier
 * whose circuit breaker is open gets no job until its half-open trial, and then one.
 */
import { type CarrierId, carrierIds } from "../../contracts/carrier-adapter.ts";
import type { CarrierRegistry } from "../carriers/registry.ts";
import type { Clock } from "../clock.ts";
import type { JobRunner } from "../jobs/runner.ts";
import { errorText, type Logger } from "../logger.ts";
import type { CarrierRoom, JobRecord, Store } from "../store/store.ts";
import { IntervalPass } from "./interval-pass.ts";

export interface WorkerOptions {
  store: Store;
  jobs: JobRunner;
  /** Read for each carrier's breaker: how many calls it would let through. */
  carriers: CarrierRegistry;
  logger: Logger;
  now: Clock;
  intervalMs: number;
  jobLeaseMs: number;
  /** Budget for one job's carrier calls. */
  jobDeadlineMs: number;
  /** Jobs run at once: in all, and of one carrier. */
  concurrency: { total: number; perCarrier: number };
  /** Idempotency keys are kept at least this long (API.md: 24 h). */
  idempotencyRetentionMs: number;
  /** Keys deleted per transaction when pruning; the worker yields between batches. */
  pruneBatchSize: number;
}

interface RunningJob {
  carrier: CarrierId;
  /** Settles when the job has ended; never rejects. */
  done: Promise<void>;
}

export class JobWorker {
  /** The timer's passes (claiming, pruning). */
  private readonly passes: IntervalPass;
  /** The last claim: claims run one after another, so two never count the same free slot. */
  private claiming: Promise<unknown> = Promise.resolve();
  private readonly running = new Map<string, RunningJob>();
  private lastPrune = 0;
  private stopping = false;

  constructor(private readonly options: WorkerOptions) {
    this.passes = new IntervalPass(() => this.tick(), options.intervalMs);
  }

  start(): void {
    this.passes.start();
  }

  /** Stops taking new jobs and waits for the jobs in flight. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.passes.stop();
    await this.claiming;
    // No claim starts a job any more: the jobs in flight now are the last ones.
    await Promise.all([...this.running.values()].map((job) => job.done));
  }

  /**
   * Runs the jobs due when it starts, concurrently within the bounds, each leased just before it
   * runs; as a job ends, its slot goes to the next due job. Resolves with how many ran once none
   * is left in flight. Exposed so tests can drive the worker step by step.
   */
  async runOnce(): Promise<number> {
    const startedAt = this.options.now();
    let ran = 0;
    for (;;) {
      ran += await this.fillFreeSlots(startedAt);
      if (this.running.size === 0) {
        break;
      }
      await Promise.race([...this.running.values()].map((job) => job.done));
    }
    await this.pruneIdempotencyKeys(startedAt);
    return ran;
  }

  private async tick(): Promise<void> {
    try {
      const at = this.options.now();
      await this.fillFreeSlots(at);
      await this.pruneIdempotencyKeys(at);
    } catch (error) {
      // A pass that fails (the database busy, say) is logged; the next tick tries again.
      this.options.logger.error("worker pass failed", { error: errorText(error) });
    }
  }

  /** Leases jobs due by `dueBy` for the free slots and starts them; returns how many. */
  private fillFreeSlots(dueBy: Date): Promise<number> {
    const claim = this.claiming.then(() => this.claimAndStart(dueBy));
    this.claiming = claim.catch(() => undefined);
    return claim;
  }

  private async claimAndStart(dueBy: Date): Promise<number> {
    if (this.stopping) {
      return 0;
    }
    const room = this.freeRoom();
    if (room.total <= 0) {
      return 0;
    }
    const { store, now, jobLeaseMs } = this.options;
    // A job still running here whose lease ran out is due again, but must not run twice at once
    // in this worker: another worker may take it over, this one waits for its own run to end.
    const claimed = await store.jobs.claimDue(
      dueBy.toISOString(),
      new Date(now().getTime() + jobLeaseMs).toISOString(),
      room,
      [...this.running.keys()],
    );
    for (const { job, carrier } of claimed) {
      this.startJob(job, carrier);
    }
    return claimed.length;
  }

  /**
   * The slots free now: in all, and per carrier what both its bound and its breaker admit, less
   * its jobs in flight. A carrier the gateway has no adapter for has no breaker to ask: its jobs
   * are still run, and crash into `jobs.crashed`, which ends them.
   */
  private freeRoom(): CarrierRoom {
    const { total, perCarrier } = this.options.concurrency;
    const busy = new Map<CarrierId, number>();
    for (const { carrier } of this.running.values()) {
      busy.set(carrier, (busy.get(carrier) ?? 0) + 1);
    }
    const room: CarrierRoom = { total: total - this.running.size, perCarrier: {} };
    for (const id of carrierIds) {
      const admitted =
        this.options.carriers.get(id)?.resilient.admittedCalls ?? Number.POSITIVE_INFINITY;
      room.perCarrier[id] = Math.max(0, Math.min(perCarrier, admitted) - (busy.get(id) ?? 0));
    }
    return room;
  }

  private startJob(job: JobRecord, carrier: CarrierId): void {
    const done = this.runJob(job).finally(() => {
      this.running.delete(job.id);
      this.refill();
    });
    this.running.set(job.id, { carrier, done });
  }

  private async runJob(job: JobRecord): Promise<void> {
    const { jobs, logger, now } = this.options;
    try {
      await jobs.run(job, now().getTime() + this.options.jobDeadlineMs);
    } catch (error) {
      // A bug in one job must not stop the others, nor run again at once forever.
      logger.error("job crashed", { jobId: job.id, kind: job.kind, error: errorText(error) });
      try {
        await jobs.crashed(job, errorText(error));
      } catch (failure) {
        // Its lease runs out and the job is taken over later, marked maybe sent.
        logger.error("crashed job could not be recorded", {
          jobId: job.id,
          error: errorText(failure),
        });
      }
    }
  }

  /** A slot came free: while the worker runs on its timer, the next due job takes it at once. */
  private refill(): void {
    if (!this.passes.started) {
      return;
    }
    this.fillFreeSlots(this.options.now()).catch((error: unknown) => {
      this.options.logger.error("worker pass failed", { error: errorText(error) });
    });
  }

  private async pruneIdempotencyKeys(at: Date): Promise<void> {
    if (at.getTime() - this.lastPrune < 60 * 60_000) {
      return;
    }
    this.lastPrune = at.getTime();
    const before = new Date(at.getTime() - this.options.idempotencyRetentionMs).toISOString();
    const { store, pruneBatchSize } = this.options;
    let pruned = 0;
    // Batch after batch, each its own short transaction; between them the event loop serves
    // requests and their writes take the lock in turn.
    for (;;) {
      const deleted = await store.idempotency.deleteCreatedBefore(before, pruneBatchSize);
      pruned += deleted;
      if (deleted < pruneBatchSize || this.stopping) {
        break;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (pruned > 0) {
      this.options.logger.info("pruned idempotency keys", { pruned });
    }
  }
}
