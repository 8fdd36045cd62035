/**
 * The secret of one run of the sandboxes. Every secret a sandbox shares with the gateway to
 * authenticate its pushes (SF's push token, UPS's Track Alert token, Kuaidi100's salt, Cainiao's
 * app secret) is derived from it, so none is a constant anybody could read in the README or the
 * code and use to settle an interception. `npm start` makes a fresh one per start; `npm run
 * sandbox` and a gateway using it through SANDBOX_URL share it through SANDBOX_SECRET.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { CarrierId } from "../../contracts/carrier-adapter.ts";

/** A fresh run secret: 32 random bytes, base64url. */
export function newSandboxSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** One carrier's push secret for a run: its own, so one leaked token settles no other carrier. */
export function carrierPushSecret(runSecret: string, carrier: CarrierId): string {
  return createHmac("sha256", runSecret).update(carrier).digest("base64url");
}

/**
 * A URL with the values of its query parameters hidden: push URLs carry their secret token
 * there, and the control API lists where pushes went without giving the token away.
 */
export function withoutSecrets(url: string): string {
  const parsed = new URL(url);
  for (const name of [...new Set(parsed.searchParams.keys())]) {
    parsed.searchParams.set(name, "redacted");
  }
  return parsed.toString();
}
