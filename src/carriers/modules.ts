/**
 * The typed list of carrier modules: every CarrierId has one, so a carrier id without an
 * adapter fails the type check. Only the server imports this (it pulls in every adapter).
 */
import { type CarrierId, carrierIds } from "../../contracts/carrier-adapter.ts";
import type { GatewayConfig } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import type { CarrierBuildInput, CarrierModule } from "./carrier-module.ts";
import { type CarrierRegistry, registryOf } from "./registry.ts";
import { sfExpressCarrier } from "./sf-express.ts";

export const carrierModules: Record<CarrierId, CarrierModule> = {
  "sf-express": sfExpressCarrier,
};

/** Builds every carrier from the configuration. */
export function buildCarrierRegistry(
  input: CarrierBuildInput,
  metrics: Metrics,
  logger: Logger,
): CarrierRegistry {
  const built = carrierIds.map((id) => carrierModules[id].build(input));
  return registryOf(built, input.config, metrics, logger);
}

/** Carriers that have no credentials configured and so need the sandbox. */
export function carriersNeedingSandbox(config: GatewayConfig): CarrierId[] {
  return carrierIds.filter((id) => !carrierModules[id].hasCredentials(config));
}

/** The callback URLs the sandboxes push to, for a gateway at `gatewayUrl`. */
export function sandboxPushUrls(gatewayUrl: string): Record<CarrierId, string> {
  return Object.fromEntries(
    carrierIds.map((id) => [id, carrierModules[id].sandboxPushUrl(gatewayUrl)]),
  ) as Record<CarrierId, string>;
}
