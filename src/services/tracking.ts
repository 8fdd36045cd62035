/**
 * A short memory of the carriers' tracking answers, so that an eligibility check followed by the
 * intercept asks the carrier's tracking once (Kuaidi100 bills each query).
 *
 * - Only successful answers are kept. A parcel the carrier does not know (`unknown_parcel`) may
 *   be known minutes later, once its waybill is registered, and an outage says nothing about
 *   the parcel: both are asked again next time.
 * - Entries are per merchant, carrier and tracking number: one merchant's requests never change
 *   what (or how fast) another merchant's requests are answered.
 * - Only assessments read it (requests, and the worker's late assessment). The worker's outcome
 *   checks (polls, push fallbacks, the check before re-sending after a lost reply) decide an
 *   outcome from what tracking shows now, so they always ask the carrier.
 * - In memory, so per process: with several instances each has its own, and a request whose
 *   eligibility check went to another instance simply tracks once more.
 */
import type { CarrierResult, TrackResult } from "../../contracts/carrier-adapter.ts";
import type { RegisteredCarrier } from "../carriers/registry.ts";
import type { Clock } from "../clock.ts";
import type { MerchantRecord } from "../store/store.ts";
import type { ServiceDeps } from "./deps.ts";

interface Entry {
  trackedAt: number;
  tracking: TrackResult;
}

/** Most entries kept: past it the oldest go first, so memory stays bounded under any load. */
const maxEntries = 10_000;

export class TrackingCache {
  /** In insertion order, which is age order: a refreshed entry is deleted and set again. */
  private readonly entries = new Map<string, Entry>();

  /** `ttlMs` 0 keeps nothing. */
  constructor(
    private readonly ttlMs: number,
    private readonly now: Clock,
  ) {}

  /** The answer tracked less than `ttlMs` ago for this merchant's parcel, or null. */
  fresh(merchantId: string, carrier: string, trackingNumber: string): TrackResult | null {
    const key = keyOf(merchantId, carrier, trackingNumber);
    const entry = this.entries.get(key);
    if (!entry) {
      return null;
    }
    if (this.now().getTime() - entry.trackedAt >= this.ttlMs) {
      this.entries.delete(key);
      return null;
    }
    return entry.tracking;
  }

  remember(
    merchantId: string,
    carrier: string,
    trackingNumber: string,
    tracking: TrackResult,
  ): void {
    if (this.ttlMs === 0) {
      return;
    }
    const key = keyOf(merchantId, carrier, trackingNumber);
    const at = this.now().getTime();
    this.entries.delete(key);
    this.entries.set(key, { trackedAt: at, tracking });
    this.forgetOldest(at);
  }

  /** Answers still fresh: one window's worth of tracked parcels, at most `maxEntries`. */
  freshCount(): number {
    this.forgetOldest(this.now().getTime());
    return this.entries.size;
  }

  /**
   * Drops expired answers from the old end, and the oldest past `maxEntries`. Parcels are rarely
   * tracked twice, so an answer left for `fresh` to expire would stay until the cap pushed it
   * out: under steady load the cache would fill to the cap with stale answers (a 10 min
   * benchmark saw the heap grow 6 MiB over the first 3 min doing that).
   */
  private forgetOldest(at: number): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= maxEntries && at - entry.trackedAt < this.ttlMs) {
        return;
      }
      this.entries.delete(key);
    }
  }
}

function keyOf(merchantId: string, carrier: string, trackingNumber: string): string {
  return JSON.stringify([merchantId, carrier, trackingNumber]);
}

/**
 * The parcel's tracking for an assessment: the merchant's fresh cached answer, else one
 * resilient call to the carrier, remembered when it succeeds.
 */
export async function trackForAssessment(
  deps: ServiceDeps,
  merchant: MerchantRecord,
  carrier: RegisteredCarrier,
  trackingNumber: string,
  deadline: number,
): Promise<CarrierResult<TrackResult>> {
  const cached = deps.tracking.fresh(merchant.id, carrier.id, trackingNumber);
  if (cached) {
    return { ok: true, value: cached };
  }
  const tracked = await carrier.resilient.call(
    "track",
    (ctx) => carrier.resilient.adapter.track(trackingNumber, ctx),
    { deadline },
  );
  // A parcel not collected yet may be scanned in any minute; a cached "not collected" could
  // lock an order in the warehouse whose parcel is already on its way, so it is never kept.
  if (tracked.ok && tracked.value.state !== "not_collected") {
    deps.tracking.remember(merchant.id, carrier.id, trackingNumber, tracked.value);
  }
  return tracked;
}
