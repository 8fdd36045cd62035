/**
 * The one retry schedule of webhook deliveries (README "Webhooks", API.md): an attempt that is
 * not answered 2xx within 10 s is tried again after 5 s, 30 s, 2 min, 10 min, 1 h, 6 h and 24 h,
 * so a delivery is attempted 8 times over about 31 h before it is `failed`. A manual retry of a
 * failed delivery makes one more attempt (it has used the schedule already).
 */
const second = 1_000;
const minute = 60 * second;
const hour = 60 * minute;

/** The wait after the 1st, 2nd, … failed attempt. */
export const deliveryRetryDelaysMs: readonly number[] = [
  5 * second,
  30 * second,
  2 * minute,
  10 * minute,
  hour,
  6 * hour,
  24 * hour,
];

/**
 * When to try again after a failed attempt, the delivery's `attempts`-th (counting this one), or
 * null once the schedule is used up (the delivery fails).
 */
export function nextAttemptAfter(attempts: number, failedAt: Date): string | null {
  const delay = deliveryRetryDelaysMs[attempts - 1];
  return delay === undefined ? null : new Date(failedAt.getTime() + delay).toISOString();
}
