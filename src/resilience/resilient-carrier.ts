/**
 * Calls one carrier through retry (outside) and its circuit breaker (inside), within a total
 * deadline. Order after Microsoft's standard resilience handler: total timeout → retry →
 * breaker → attempt timeout.
 *
 * - Only errors the adapter marked `retryable` are retried, with jitter.
 * - Business refusals (unknown parcel, rejected, already intercepted) and auth failures are
 *   answers, not outages: never retried, never counted against the breaker.
 * - While the breaker is open nothing is sent and nothing is retried.
 * - A carrier's Retry-After is believed up to `retryAfterCapMs`: every carrier result passes
 *   through here, so a carrier answering "come back in a century" parks nothing for longer.
 * - Deadlines are read on the gateway's clock (`now`), the one its services compute them with;
 *   only real waits (attempt timeouts, retry delays) use real timers.
 */
import CircuitBreaker from "opossum";
import pRetry, { AbortError } from "p-retry";
import type {
  CallContext,
  CarrierAdapter,
  CarrierError,
  CarrierResult,
} from "../../contracts/carrier-adapter.ts";
import type { Clock } from "../clock.ts";
import { isOutage } from "../domain/carrier-errors.ts";
import type { LogFields, Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";

export interface ResilienceSettings {
  /** Longest single attempt, under the pool's own connect/headers/body timeouts. */
  attemptTimeoutMs: number;
  retries: number;
  minRetryDelayMs: number;
  maxRetryDelayMs: number;
  /** The longest Retry-After believed, here and for a job's next run. */
  retryAfterCapMs: number;
  breaker: {
    /** Opens when more than this share of calls in the window failed. */
    errorThresholdPercentage: number;
    /** Calls needed in the window before the breaker may open. */
    volumeThreshold: number;
    /** Time open before one trial call is let through. */
    resetTimeoutMs: number;
    rollingCountTimeoutMs: number;
  };
}

export type CircuitState = "closed" | "open" | "half_open";

/** Thrown inside the breaker so opossum counts the failure; unwrapped before returning. */
class CarrierFailure extends Error {
  constructor(readonly carrierError: CarrierError) {
    super(carrierError.message);
  }
}

type Attempt = (ctx: CallContext) => Promise<CarrierResult<unknown>>;

export class ResilientCarrier {
  readonly adapter: CarrierAdapter;
  private readonly breaker: CircuitBreaker<[Attempt, CallContext], CarrierResult<unknown>>;

  constructor(
    adapter: CarrierAdapter,
    private readonly settings: ResilienceSettings,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly now: Clock,
  ) {
    this.adapter = adapter;
    this.breaker = new CircuitBreaker(
      async (attempt: Attempt, ctx: CallContext) => {
        const result = this.withRetryAfterCapped(await attempt(ctx));
        if (!result.ok && isOutage(result.error.code)) {
          throw new CarrierFailure(result.error);
        }
        return result;
      },
      {
        name: adapter.id,
        // Attempts are bounded by undici and an AbortSignal per call; opossum's own timeout would
        // only abandon the promise while the request goes on (opossum #673).
        timeout: false,
        errorThresholdPercentage: settings.breaker.errorThresholdPercentage,
        volumeThreshold: settings.breaker.volumeThreshold,
        resetTimeout: settings.breaker.resetTimeoutMs,
        rollingCountTimeout: settings.breaker.rollingCountTimeoutMs,
        rollingPercentilesEnabled: false,
        enableSnapshots: false,
      },
    );
    const logState = (state: CircuitState) => () =>
      this.logger.warn("circuit breaker changed state", { carrier: adapter.id, state });
    this.breaker.on("open", logState("open"));
    this.breaker.on("halfOpen", logState("half_open"));
    this.breaker.on("close", logState("closed"));
  }

  get circuitState(): CircuitState {
    if (this.breaker.opened) {
      return "open";
    }
    return this.breaker.halfOpen ? "half_open" : "closed";
  }

  /**
   * Calls the breaker would let through now: any number while closed, one (its trial) while
   * half-open and the trial is not out yet, none otherwise. The worker reads it so as not to
   * take jobs that could only fail fast.
   */
  get admittedCalls(): number {
    if (this.breaker.closed) {
      return Number.POSITIVE_INFINITY;
    }
    return this.breaker.halfOpen && this.breaker.pendingClose ? 1 : 0;
  }

  /**
   * What any call would answer now without reaching the carrier: the open-circuit error while
   * the breaker admits no call, else null. For answers that must read like a call's without
   * making one (another merchant's parcel, see assessment.ts).
   */
  get shortCircuit(): CarrierError | null {
    return this.admittedCalls === 0 ? this.openCircuitError() : null;
  }

  /**
   * Runs `operation` with retries until `deadline` (epoch ms on the gateway's clock). Never
   * throws for carrier trouble: the last error comes back as data. `log` names what the call is
   * for (interception, job) in the log lines that carry each failure's `diagnostic`.
   */
  async call<T>(
    operation: string,
    run: (ctx: CallContext) => Promise<CarrierResult<T>>,
    options: { deadline: number; log?: LogFields },
  ): Promise<CarrierResult<T>> {
    const carrier = this.adapter.id;
    if (this.breaker.opened) {
      // Fail fast, before any timer or retry: an open circuit sends nothing anyway.
      this.countCall(operation, "circuit_open");
      return { ok: false, error: this.openCircuitError() };
    }
    const started = performance.now();
    const attemptOnce = async (): Promise<CarrierResult<unknown>> => {
      const remaining = options.deadline - this.now().getTime();
      if (remaining <= 0) {
        throw new AbortError(new CarrierFailure(this.deadlineError()));
      }
      // Not AbortSignal.timeout: its timer cannot be cleared, so every attempt, answered or not,
      // would build a DOMException (with its stack) on the event loop when the time ran out.
      const attemptTimeout = new AbortController();
      const timer = setTimeout(
        () =>
          attemptTimeout.abort(new DOMException("The carrier attempt timed out.", "TimeoutError")),
        Math.min(this.settings.attemptTimeoutMs, remaining),
      );
      try {
        const result = await this.breaker.fire(run as Attempt, { signal: attemptTimeout.signal });
        this.countCall(operation, result.ok ? "ok" : result.error.code);
        return result;
      } catch (error) {
        if (error instanceof CarrierFailure) {
          // Counted per attempt, so a 500 that a retry then hides still shows in the metric.
          this.countCall(operation, error.carrierError.code);
          throw error;
        }
        if (CircuitBreaker.isOurError(error as Error)) {
          // Open (or half-open and busy): the carrier was not called; retrying now is pointless.
          this.countCall(operation, "circuit_open");
          throw new AbortError(new CarrierFailure(this.openCircuitError()));
        }
        throw error;
      } finally {
        clearTimeout(timer);
      }
    };

    let result: CarrierResult<T>;
    try {
      result = (await pRetry(attemptOnce, {
        retries: this.settings.retries,
        minTimeout: this.settings.minRetryDelayMs,
        maxTimeout: this.settings.maxRetryDelayMs,
        factor: 2,
        randomize: true,
        maxRetryTime: Math.max(0, options.deadline - this.now().getTime()),
        shouldRetry: ({ error }) =>
          error instanceof CarrierFailure &&
          error.carrierError.retryable &&
          this.waitFits(error.carrierError, options.deadline),
        onFailedAttempt: async ({ error, retriesLeft }) => {
          if (error instanceof CarrierFailure) {
            this.logger.info("carrier attempt failed", {
              ...options.log,
              carrier,
              operation,
              code: error.carrierError.code,
              message: error.carrierError.message,
              ...(error.carrierError.diagnostic
                ? { diagnostic: error.carrierError.diagnostic }
                : {}),
            });
            // p-retry calls this before deciding: wait for Retry-After only when a retry follows.
            const wait = error.carrierError.retryAfterMs ?? 0;
            const retrying =
              retriesLeft > 0 &&
              error.carrierError.retryable &&
              this.waitFits(error.carrierError, options.deadline);
            if (wait > 0 && retrying) {
              await new Promise((resolve) => setTimeout(resolve, wait));
            }
          }
        },
      })) as CarrierResult<T>;
    } catch (error) {
      if (!(error instanceof CarrierFailure)) {
        throw error;
      }
      result = { ok: false, error: error.carrierError };
    }

    this.logger.debug("carrier call", {
      carrier,
      operation,
      ok: result.ok,
      ms: Math.round(performance.now() - started),
    });
    return result;
  }

  /** One carrier attempt (a retry is another), or one call the open breaker kept back. */
  private countCall(operation: string, outcome: string): void {
    this.metrics.increment(
      "gateway_carrier_calls_total",
      "Carrier call attempts (each retry counts) by outcome.",
      { carrier: this.adapter.id, operation, outcome },
    );
  }

  /** A carrier's Retry-After, believed only up to the configured cap. */
  private withRetryAfterCapped(result: CarrierResult<unknown>): CarrierResult<unknown> {
    const asked = result.ok ? undefined : result.error.retryAfterMs;
    if (result.ok || asked === undefined || asked <= this.settings.retryAfterCapMs) {
      return result;
    }
    this.logger.warn("carrier Retry-After capped", {
      carrier: this.adapter.id,
      askedMs: asked,
      cappedMs: this.settings.retryAfterCapMs,
    });
    return { ok: false, error: { ...result.error, retryAfterMs: this.settings.retryAfterCapMs } };
  }

  /** Stops the breaker's timers. */
  shutdown(): void {
    this.breaker.shutdown();
  }

  /** A Retry-After longer than the time left is not worth waiting for in this request. */
  private waitFits(error: CarrierError, deadline: number): boolean {
    return this.now().getTime() + (error.retryAfterMs ?? 0) < deadline;
  }

  private deadlineError(): CarrierError {
    return {
      carrier: this.adapter.id,
      code: "unavailable",
      message: "The carrier did not answer within the request's deadline.",
      retryable: true,
    };
  }

  private openCircuitError(): CarrierError {
    return {
      carrier: this.adapter.id,
      code: "unavailable",
      message:
        "The circuit breaker is open: the carrier failed repeatedly and is given time to recover.",
      retryable: true,
    };
  }
}
