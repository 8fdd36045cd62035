/**
 * When a shipped parcel counts as collected, and how often the gateway looks until it is (API.md
 * "Shipments and shipping obligations"). Pure: the scheduler's handler and the carriers' pushes
 * both decide with these.
 */
import type { TrackingEvent, TrackResult } from "../../contracts/carrier-adapter.ts";
import type { ParcelState } from "../../contracts/normalized.ts";

/** States that say nothing of collection: the parcel still waits, or the carrier cannot tell. */
const notYetCollected: ReadonlySet<ParcelState> = new Set(["not_collected", "unknown"]);

/** Whether a parcel in this state has been scanned in by the carrier. */
export function isPastCollection(state: ParcelState): boolean {
  return !notYetCollected.has(state);
}

/**
 * The carrier's scan-in time: the earliest tracking event whose state is past `not_collected`.
 * Null while the parcel is not collected. A carrier that reports a collected state with no dated
 * event gives no scan time: `fallback` (when the gateway learnt of it) stands in.
 */
export function collectionScanTime(tracking: TrackResult, fallback: string): string | null {
  const scans = tracking.events
    .filter((event: TrackingEvent) => isPastCollection(event.state))
    .map((event) => event.at)
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  const first = scans[0];
  if (first !== undefined) {
    return new Date(first).toISOString();
  }
  return isPastCollection(tracking.state) ? fallback : null;
}

/** The first look is a minute after shipping; each look after waits twice as long, up to an hour. */
const firstLookMs = 60_000;
const longestWaitMs = 60 * 60_000;

/** When to look at the tracking again after `looks` looks that did not see the parcel collected. */
export function nextCollectionLook(now: Date, looks: number): string {
  const wait = Math.min(firstLookMs * 2 ** Math.min(looks, 16), longestWaitMs);
  return new Date(now.getTime() + wait).toISOString();
}
