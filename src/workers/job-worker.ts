/**
 * The background worker: leases due jobs (submits that could not reach the carrier in time or
 * whose worker died, outcome polls, pickup cancels) and runs them; prunes idempotency keys past
 * their retention.
 */
import type { Logger } from "../logger.ts";
import type { InterceptionService } from "../services/interceptions.ts";
import type { Store } from "../store/store.ts";

export interface WorkerOptions {
  store: Store;
  interceptions: InterceptionService;
  logger: Logger;
  now: () => Date;
  intervalMs: number;
  jobLeaseMs: number;
  /** Budget for one job's carrier calls. */
  jobDeadlineMs: number;
  batchSize: number;
  /** Idempotency keys are kept at least this long (API.md: 24 h). */
  idempotencyRetentionMs: number;
}

export class JobWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private lastPrune = 0;
  private stopping = false;

  constructor(private readonly options: WorkerOptions) {}

  start(): void {
    if (this.timer) {
      return;
    }
    this.timer = setInterval(() => {
      if (!this.running) {
        this.running = this.runOnce()
          .then(() => undefined)
          .finally(() => {
            this.running = null;
          });
      }
    }, this.options.intervalMs);
  }

  /** Stops taking new jobs and waits for the batch in flight. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    await this.running;
  }

  /** One pass: lease due jobs and run them. Exposed so tests can drive the worker step by step. */
  async runOnce(): Promise<number> {
    const { store, interceptions, logger, now } = this.options;
    const startedAt = now();
    const jobs = await store.claimDueJobs(
      startedAt.toISOString(),
      new Date(startedAt.getTime() + this.options.jobLeaseMs).toISOString(),
      this.options.batchSize,
    );
    for (const job of jobs) {
      if (this.stopping) {
        // Draining: give the leases back now, so a restarted gateway need not wait for expiry.
        await store.releaseJob(job.id);
        continue;
      }
      try {
        await interceptions.jobs.run(job, now().getTime() + this.options.jobDeadlineMs);
      } catch (error) {
        // A bug in one job must not stop the others; its lease expires and it runs again.
        logger.error("job crashed", { jobId: job.id, kind: job.kind, error: String(error) });
      }
    }
    await this.pruneIdempotencyKeys(startedAt);
    return jobs.length;
  }

  private async pruneIdempotencyKeys(at: Date): Promise<void> {
    if (at.getTime() - this.lastPrune < 60 * 60_000) {
      return;
    }
    this.lastPrune = at.getTime();
    const before = new Date(at.getTime() - this.options.idempotencyRetentionMs).toISOString();
    const pruned = await this.options.store.deleteIdempotencyKeysBefore(before);
    if (pruned > 0) {
      this.options.logger.info("pruned idempotency keys", { pruned });
    }
  }
}
