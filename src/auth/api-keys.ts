/**
 * API keys: `igk_<id>_<secret>`. The `igk_<id>` part is visible (in logs, in the key list) and
 * finds the key; the 256-bit secret is never stored, only the SHA-256 of the whole key, compared
 * in constant time. A fast hash is enough for machine-made keys of this entropy.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const keyPattern = /^(igk_[0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  id: string;
  key: string;
  hash: string;
}

/** Makes a fresh key; show `key` once, store `id` and `hash`. */
export function generateApiKey(): NewApiKey {
  const id = `igk_${randomBytes(8).toString("hex")}`;
  const key = `${id}_${randomBytes(32).toString("base64url")}`;
  return { id, key, hash: hashApiKey(key) };
}

/** The visible id of a well-formed key, or null. */
export function apiKeyId(key: string): string | null {
  return keyPattern.exec(key)?.[1] ?? null;
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Constant-time comparison of a presented key with a stored hash. */
export function apiKeyMatches(key: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiKey(key), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/** Constant-time comparison of two secrets of any length (e.g. the admin token). */
export function secretsMatch(presented: string, expected: string): boolean {
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
