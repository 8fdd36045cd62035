import type { JobRunner } from "../jobs/runner.ts";
import { errorText } from "../logger.ts";
import type { JobRecord } from "../store/store.ts";
import type { ServiceDeps } from "./deps.ts";

/**
 * A job this request ran threw: it goes to the worker now (see `JobRunner.crashed`) rather
 * than when its lease runs out. Never throws: the caller reports the original error.
 */
export async function handOver(
  deps: Pick<ServiceDeps, "logger">,
  jobs: JobRunner,
  job: JobRecord,
  error: unknown,
): Promise<void> {
  const text = errorText(error);
  deps.logger.error("job crashed in a request", {
    jobId: job.id,
    kind: job.kind,
    error: text,
  });
  try {
    await jobs.crashed(job, text);
  } catch (handOverError) {
    deps.logger.error("could not hand a crashed job to the worker", {
      jobId: job.id,
      error: String(handOverError),
    });
  }
}
