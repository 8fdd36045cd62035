/**
 * How a shipping-obligation change meets a concurrent one: the rules decide on what was read, the
 * store writes only while the records are still at the versions read, and a write that finds them
 * moved (`stale`) is decided again on a fresh read. A few tries, then a retryable refusal: the
 * record is changing right now.
 */
import { ServiceError } from "./service-error.ts";

export async function decideOnFreshReads<T>(
  subject: string,
  decide: () => Promise<T | "stale">,
  tries = 3,
): Promise<T> {
  for (let attempt = 0; attempt < tries; attempt += 1) {
    const result = await decide();
    if (result !== "stale") {
      return result;
    }
  }
  throw new ServiceError(
    "internal",
    `${subject} kept changing while this change was decided: nothing was changed. Retry shortly.`,
    { retryAfterSeconds: 1 },
  );
}
