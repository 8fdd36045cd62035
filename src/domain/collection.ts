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

/** How far apart the looks are (configuration; by default a minute, doubling up to an hour). */
export interface CollectionLooks {
  firstMs: number;
  longestMs: number;
}

export const defaultCollectionLooks: CollectionLooks = { firstMs: 60_000, longestMs: 3_600_000 };

/**
 * When to look at the tracking again after `looks` looks that did not see the parcel collected:
 * `firstMs` after the first, twice as long after each next, never more than `longestMs`.
 */
export function nextCollectionLook(now: Date, looks: number, spacing: CollectionLooks): string {
  const wait = Math.min(spacing.firstMs * 2 ** Math.min(looks, 30), spacing.longestMs);
  return new Date(now.getTime() + wait).toISOString();
}
