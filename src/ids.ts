/**
 * Time-ordered ids (`icp_…`, `job_…`, `mer_…`): a prefix and a monotonic ULID, so text order is
 * creation order. Random bytes come from a pooled buffer: ulid's default source asks the OS for
 * one byte per character, which showed up in the intercept hot path's profile.
 */
import { randomFillSync } from "node:crypto";
import { monotonicFactory } from "ulid";

const pool = Buffer.alloc(4096);
let offset = pool.length;

/** A uniform value in [0, 1) with 8 bits of entropy: ulid only needs one of 32 symbols. */
function pooledRandom(): number {
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const byte = pool[offset] ?? 0;
  offset += 1;
  return byte / 256;
}

const nextUlid = monotonicFactory(pooledRandom);

/** A new id with the given prefix, e.g. `newId("icp")` → `icp_01J…`. */
export function newId(
  prefix: "icp" | "job" | "mer" | "we" | "evt" | "whd" | "shp" | "sdp" | "tkt",
): string {
  return `${prefix}_${nextUlid()}`;
}
