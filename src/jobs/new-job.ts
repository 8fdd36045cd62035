/** A job as the gateway first stores it. */
import { newId } from "../ids.ts";
import type { JobRecord } from "../store/store.ts";

/** A fresh, unleased job. */
export function newJob(interceptionId: string, kind: JobRecord["kind"], runAt: string): JobRecord {
  return {
    id: newId("job"),
    interceptionId,
    kind,
    runAt,
    attempts: 0,
    leaseUntil: null,
    lastError: null,
    maybeSent: false,
  };
}
