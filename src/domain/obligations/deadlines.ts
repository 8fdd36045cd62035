/**
 * How every shipping-obligation deadline is read. A deadline is the first late instant: an act
 * strictly before it is on time, an act at it or after it is late, and the scheduler acts on it
 * at that very instant (seed 002: collected "before 23:59:59"; a reply "by dueAt" means before it).
 * One rule for every window, so the scheduler and the request handlers never disagree about
 * the instant itself.
 */

/** True when `deadline` has come at `at`: at the deadline itself, it is late. */
export function hasPassed(deadline: string, at: Date | string): boolean {
  return time(at) >= Date.parse(deadline);
}

/** `at` plus `ms`, as ISO-8601 UTC. */
export function addMs(at: Date | string, ms: number): string {
  return new Date(time(at) + ms).toISOString();
}

/** The earlier of two instants (ISO-8601 UTC). */
export function earlier(a: string, b: string): string {
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

function time(at: Date | string): number {
  return typeof at === "string" ? Date.parse(at) : at.getTime();
}
