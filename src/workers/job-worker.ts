/**
 * The background worker: leases due jobs (submits that could not reach the carrier in time or
 * whose worker died, outcome polls, pickup cancels) and runs them; prunes idempotency keys past
 * their retention.
 */
import { errorText, type Logger } from "../logger.ts";
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
  /** Keys deleted per transaction when pruning; the worker yields between batches. */
  pruneBatchSize: number;
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
          .then(
            () => undefined,
            // A pass that fails (the database busy, say) is logged; the next tick tries again.
            (error: unknown) => {
              this.options.logger.error("worker pass failed", { error: errorText(error) });
            },
          )
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

  /**
   * One pass: up to `batchSize` due jobs, each leased just before it runs (so no lease expires
   * while it waits its turn). Exposed so tests can drive the worker step by step.
   */
  async runOnce(): Promise<number> {
    const { store, interceptions, logger, now } = this.options;
    const startedAt = now();
    let ran = 0;
    while (ran < this.options.batchSize && !this.stopping) {
      const at = now();
      const [job] = await store.claimDueJobs(
        at.toISOString(),
        new Date(at.getTime() + this.options.jobLeaseMs).toISOString(),
        1,
      );
      if (!job) {
        break;
      }
      ran += 1;
      try {
        await interceptions.jobs.run(job, now().getTime() + this.options.jobDeadlineMs);
      } catch (error) {
        // A bug in one job must not stop the others, nor run again at once forever.
        logger.error("job crashed", { jobId: job.id, kind: job.kind, error: errorText(error) });
        await interceptions.jobs.crashed(job, errorText(error));
      }
    }
    await this.pruneIdempotencyKeys(startedAt);
    return ran;
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
      const deleted = await store.deleteIdempotencyKeysBefore(before, pruneBatchSize);
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
