/** Where each carrier's sandbox pushes outcomes: the gateway's callback route, with its token. */

import { SF_SANDBOX_PUSH_TOKEN } from "../../adapters/sf-express/sandbox.ts";
import type { CarrierId } from "../../contracts/carrier-adapter.ts";

/** The callback URLs a sandbox should push to for a gateway at `gatewayUrl`. */
export function sandboxPushUrls(gatewayUrl: string): Record<CarrierId, string> {
  return {
    // SF pushes carry no signature; the secret token in the configured URL authenticates them.
    "sf-express": `${gatewayUrl}/v1/carriers/sf-express/callbacks?token=${SF_SANDBOX_PUSH_TOKEN}`,
  };
}
