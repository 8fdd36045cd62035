/**
 * The typed list of carrier modules: every CarrierId has one, so a carrier id without an
 * adapter fails the type check. Only the server imports this (it pulls in every adapter).
 */
import { type CarrierId, carrierIds } from "../../contracts/carrier-adapter.ts";
import type { Clock } from "../clock.ts";
import type { GatewayConfig } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import type { GatewayMode } from "../store/store.ts";
import { cainiaoCarrier } from "./cainiao.ts";
import type { CarrierBuildInput, CarrierModule } from "./carrier-module.ts";
import { jdCarrier } from "./jd.ts";
import { kuaidi100Carrier } from "./kuaidi100.ts";
import { type CarrierRegistry, registryOf } from "./registry.ts";
import { sfExpressCarrier } from "./sf-express.ts";
import { upsCarrier } from "./ups.ts";
import { ztoCarrier } from "./zto.ts";

export const carrierModules: Record<CarrierId, CarrierModule> = {
  "sf-express": sfExpressCarrier,
  ups: upsCarrier,
  jd: jdCarrier,
  kuaidi100: kuaidi100Carrier,
  cainiao: cainiaoCarrier,
  zto: ztoCarrier,
};

/** Builds every carrier from the configuration. */
export function buildCarrierRegistry(
  input: CarrierBuildInput,
  metrics: Metrics,
  logger: Logger,
  now: Clock,
): CarrierRegistry {
  // Without a sandbox, a carrier without credentials is left out (requests for it get
  // unknown_carrier) rather than pointed at a sandbox that would fake its answers.
  const usable = carrierIds.filter(
    (id) => input.sandbox || carrierModules[id].hasCredentials(input.config),
  );
  for (const id of carrierIds.filter((each) => !usable.includes(each))) {
    logger.warn("carrier disabled: no credentials and no sandbox", { carrier: id });
  }
  const built = usable.map((id) =>
    carrierModules[id].build({
      ...input,
      config: { ...input.config, http: input.config.carriers[id].http },
    }),
  );
  return registryOf(built, input.config, metrics, logger, now);
}

/** Carriers that have no credentials configured and so need the sandbox. */
export function carriersNeedingSandbox(config: GatewayConfig): CarrierId[] {
  return carrierIds.filter((id) => !carrierModules[id].hasCredentials(config));
}

/**
 * Demo mode: no carrier has credentials, so every carrier uses a sandbox and the demo merchant
 * is set up. Live mode: at least one real carrier. A database serves one mode only.
 */
export function gatewayModeOf(config: GatewayConfig): GatewayMode {
  return carriersNeedingSandbox(config).length === carrierIds.length ? "demo" : "live";
}

/** The callback URLs the sandboxes of a run push to, for a gateway at `gatewayUrl`. */
export function sandboxPushUrls(gatewayUrl: string, runSecret: string): Record<CarrierId, string> {
  return Object.fromEntries(
    carrierIds.map((id) => [id, carrierModules[id].sandboxPushUrl(gatewayUrl, runSecret)]),
  ) as Record<CarrierId, string>;
}
