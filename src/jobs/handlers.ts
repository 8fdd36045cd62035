/** Every kind of job and its handler: a kind without one fails the type check. */
import type { JobRecord } from "../store/store.ts";
import { cancelJob } from "./cancel.ts";
import { cancelPickupJob } from "./cancel-pickup.ts";
import type { JobHandler } from "./job-handler.ts";
import { pollJob } from "./poll.ts";
import { submitJob } from "./submit.ts";

export const jobHandlers: Record<JobRecord["kind"], JobHandler> = {
  submit: submitJob,
  poll: pollJob,
  cancel: cancelJob,
  cancel_pickup: cancelPickupJob,
};
