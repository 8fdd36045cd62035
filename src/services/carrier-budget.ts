/**
 * Each merchant's budget of carrier calls per minute, apart from the HTTP rate limit: a cheap
 * request can cost a carrier query, and some carriers bill each one (Kuaidi100). A token bucket
 * per merchant (the HTTP rate limit's), holding a minute's calls and refilled continuously.
 *
 * A request takes, before its first carrier call, the calls it may make, all at once, so a
 * refused request has called and stored nothing; what it then did not need goes back. A call
 * counts once, whatever its retries. The worker's calls are not counted: they serve requests
 * already accepted, which must not be dropped, and the job schedules bound them. In memory, so
 * per process, like the HTTP rate limit.
 */
import type { Clock } from "../clock.ts";
import { RateLimiter } from "../rate-limiter.ts";
import { ServiceError } from "./service-error.ts";

export class CarrierCallBudget {
  private readonly buckets: RateLimiter;

  constructor(
    private readonly callsPerMinute: number,
    now: Clock,
  ) {
    this.buckets = new RateLimiter({ burst: callsPerMinute, perSecond: callsPerMinute / 60 }, () =>
      now().getTime(),
    );
  }

  /**
   * Takes `calls` from the merchant's budget, or throws 429 `rate_limited` with `Retry-After`
   * (seconds until there is room for them) and takes nothing.
   */
  reserve(merchantId: string, calls: number): void {
    if (calls === 0) {
      return;
    }
    const { retryAfterMs } = this.buckets.take(merchantId, calls);
    if (retryAfterMs > 0) {
      const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
      throw new ServiceError(
        "rate_limited",
        `This merchant's carrier-call budget (${this.callsPerMinute} calls per minute) is used up; retry in ${seconds} s.`,
        { retryAfterSeconds: seconds },
      );
    }
  }

  /** Puts back calls a request reserved but did not make. */
  giveBack(merchantId: string, calls: number): void {
    if (calls > 0) {
      this.buckets.giveBack(merchantId, calls);
    }
  }
}
