/**
 * Who caused an interception event (its `actor`): the merchant's request (by the API key that
 * authenticated it), the carrier (its push, its reply to a call, its tracking), or the gateway
 * itself (a timeout, giving up, a crash it recovered from).
 */
import type { EventActor } from "../../contracts/interception.ts";

export const gatewayActor: EventActor = { type: "gateway", id: null };

export function carrierActor(carrier: string): EventActor {
  return { type: "carrier", id: carrier };
}

export function apiKeyActor(keyId: string): EventActor {
  return { type: "api_key", id: keyId };
}
