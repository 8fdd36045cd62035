/**
 * The durable scheduler's worker: every pass leases the deadlines that are due from the store
 * (deadline-records.ts) and runs each one's handler (src/scheduler/handlers.ts), then completes it
 * or gives it back for its next time. A deadline set in the past is due at the next pass; one
 * whose holder died is taken over once its lease lapses (SQLite) or pg-boss expires it
 * (PostgreSQL), so nothing due is lost to a restart or a crash, and several instances act on each
 * deadline once.
 */
import type { Clock } from "../clock.ts";
import { errorText, type Logger } from "../logger.ts";
import type { SchedulerDeps } from "../scheduler/deps.ts";
import { type DeadlineOutcome, deadlineHandlers } from "../scheduler/handlers.ts";
import type { DeadlineRecord } from "../store/store.ts";
import { IntervalPass } from "./interval-pass.ts";

export interface DeadlineWorkerOptions extends SchedulerDeps {
  logger: Logger;
  now: Clock;
  intervalMs: number;
  /** How long a worker holds a deadline: well past one handler's carrier call. */
  leaseMs: number;
  /** Deadlines taken per pass (each runs at most one carrier call). */
  batchSize: number;
}

/** After a handler throws (a bug, the database away), its deadline is due again this much later. */
const afterCrashMs = 60_000;

export class DeadlineWorker {
  private readonly passes: IntervalPass;

  constructor(private readonly options: DeadlineWorkerOptions) {
    this.passes = new IntervalPass(
      () =>
        this.runDue()
          .then(() => undefined)
          .catch((error: unknown) => {
            this.options.logger.error("deadline worker pass failed", { error: errorText(error) });
          }),
      options.intervalMs,
    );
  }

  start(): void {
    this.passes.start();
  }

  /** Stops taking deadlines and waits for the pass in progress. */
  stop(): Promise<void> {
    return this.passes.stop();
  }

  /** One pass: runs every deadline due now (within the batch); returns how many ran. */
  async runDue(): Promise<number> {
    const { store, now, leaseMs, batchSize } = this.options;
    const at = now();
    const due = await store.deadlines.claimDue(
      at.toISOString(),
      new Date(at.getTime() + leaseMs).toISOString(),
      batchSize,
    );
    await Promise.all(due.map((deadline) => this.run(deadline)));
    return due.length;
  }

  private async run(deadline: DeadlineRecord): Promise<void> {
    const { store, logger, now } = this.options;
    let outcome: DeadlineOutcome;
    try {
      outcome = await deadlineHandlers[deadline.kind](deadline, this.options);
    } catch (error) {
      logger.error("deadline handler failed", { deadlineId: deadline.id, error: errorText(error) });
      outcome = {
        done: false,
        at: new Date(now().getTime() + afterCrashMs).toISOString(),
        reason: errorText(error),
      };
    }
    if (outcome.done) {
      await store.deadlines.complete(deadline);
    } else {
      await store.deadlines.reschedule(deadline, outcome.at, outcome.reason);
    }
  }
}
