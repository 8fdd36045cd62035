/**
 * Runs the work the gateway owes carriers, outside any transaction, for the request that
 * created it (within its deadline) or later for the worker. Each kind of job has its handler
 * (see handlers.ts); each outcome is committed together with the job's completion or its next
 * run.
 */
import type { InterceptionStatus } from "../../contracts/normalized.ts";
import type { RegisteredCarrier } from "../carriers/registry.ts";
import { carrierFor, type ServiceDeps } from "../services/deps.ts";
import type { InterceptionWithEvents, JobRecord, Store } from "../store/store.ts";
import { type CancelEnd, cancel, cancelJob } from "./cancel.ts";
import { jobHandlers } from "./handlers.ts";

export class JobRunner {
  constructor(private readonly deps: ServiceDeps) {}

  /** Runs a job the caller has leased. */
  async run(job: JobRecord, deadline: number): Promise<void> {
    const handler = jobHandlers[job.kind];
    const record = await this.workToDo(job, handler.worksOn);
    if (record) {
      await handler.run(this.deps, job, record, carrierFor(this.deps, record.carrier), deadline);
    }
  }

  /**
   * Runs the job a request has just stored (leased to it) on the interception and carrier the
   * request holds, so neither is read or looked up again, through the request's `store` (see
   * services/own-run.ts).
   */
  async runStored(
    job: JobRecord,
    record: InterceptionWithEvents,
    carrier: RegisteredCarrier,
    deadline: number,
    store: Store,
  ): Promise<void> {
    await jobHandlers[job.kind].run({ ...this.deps, store }, job, record, carrier, deadline);
  }

  /**
   * Runs a cancel job the caller has leased, like `run`, and says how it ended: for the request
   * that asked for the cancel, which answers accordingly.
   */
  async runCancel(job: JobRecord, deadline: number): Promise<CancelEnd> {
    const record = await this.workToDo(job, cancelJob.worksOn);
    if (!record) {
      return { kind: "moved_on" };
    }
    return cancel(this.deps, job, record, carrierFor(this.deps, record.carrier), deadline);
  }

  /** A job whose run threw (a bug): its handler retries it or gives up (see `JobHandler`). */
  async crashed(job: JobRecord, error: string): Promise<void> {
    const record = await this.deps.store.interceptions.getById(job.interceptionId);
    if (!record) {
      await this.deps.store.jobs.complete(job);
      return;
    }
    await jobHandlers[job.kind].crashed(this.deps, job, record, error);
  }

  /**
   * The job's interception while it is still `worksOn`; otherwise it moved on (cancelled,
   * released, decided by a push), nothing is left to do, and the job ends.
   */
  private async workToDo(
    job: JobRecord,
    worksOn: InterceptionStatus,
  ): Promise<InterceptionWithEvents | null> {
    const record = await this.deps.store.interceptions.getById(job.interceptionId);
    if (record?.status !== worksOn) {
      await this.deps.store.jobs.complete(job);
      return null;
    }
    return record;
  }
}
