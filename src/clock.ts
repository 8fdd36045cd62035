/**
 * The gateway's one wall clock. Whatever stamps or compares the time of day (events, leases, job
 * run times, the tracking cache, the carrier-call budget, carrier deadlines, log lines) reads an
 * injected `Clock`, built once at start, so a test whose subject is time moves a fake one instead
 * of sleeping. Durations (request and commit times, the rate limiter's refill) are measured on
 * `performance.now()` instead: a monotonic clock, which wall time is not.
 */
export type Clock = () => Date;

/** The real clock. It reads `Date`, so vitest's fake timers move it too. */
export const systemClock: Clock = () => new Date();
