/** What every kind of job provides the runner, and what its log lines name. */
import type { InterceptionStatus } from "../../contracts/normalized.ts";
import type { RegisteredCarrier } from "../carriers/registry.ts";
import type { LogFields } from "../logger.ts";
import type { ServiceDeps } from "../services/deps.ts";
import type { InterceptionWithEvents, JobRecord } from "../store/store.ts";

export interface JobHandler {
  /**
   * The status the job works on. Once its interception has left it (cancelled, released,
   * decided by a push), the job has nothing left to do: the runner ends it without running it.
   */
  readonly worksOn: InterceptionStatus;
  /** Runs the job, leased by the caller, on its interception (in `worksOn`) within `deadline`. */
  run(
    deps: ServiceDeps,
    job: JobRecord,
    record: InterceptionWithEvents,
    carrier: RegisteredCarrier,
    deadline: number,
  ): Promise<void>;
  /**
   * The job's run threw (a bug): it is retried like a failed attempt and gives up under the
   * retry policy, so it cannot loop forever. `error` (with its stack) stays in the job's
   * `lastError` and the log; what the merchant sees of it says only that the gateway failed.
   * `record` is the interception as it stands now, whatever its status.
   */
  crashed(
    deps: ServiceDeps,
    job: JobRecord,
    record: InterceptionWithEvents,
    error: string,
  ): Promise<void>;
}

/** What a job's log lines name: the interception (what the merchant sees) and the job. */
export function logFieldsOf(job: JobRecord): LogFields {
  return { interceptionId: job.interceptionId, jobId: job.id };
}
