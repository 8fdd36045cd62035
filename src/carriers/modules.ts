/**
 * The gateway's carriers, built from the configuration (each carrier's variables, read at start
 * by its definition) and the sandboxes, if any. Only the server imports this.
 */
import { type CarrierId, carrierIds } from "../../contracts/carrier-adapter.ts";
import type { Clock } from "../clock.ts";
import type { GatewayConfig } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import type { GatewayMode } from "../store/store.ts";
import type { SandboxLink } from "./definition.ts";
import { carrierDefinitions } from "./definitions.ts";
import { type CarrierRegistry, registryOf } from "./registry.ts";

/** Builds every carrier from the configuration. */
export function buildCarrierRegistry(
  input: { config: GatewayConfig; sandbox: SandboxLink | null },
  metrics: Metrics,
  logger: Logger,
  now: Clock,
): CarrierRegistry {
  const { config, sandbox } = input;
  // Without a sandbox, a carrier without credentials is left out (requests for it get
  // unknown_carrier) rather than pointed at a sandbox that would fake its answers.
  const usable = carrierIds.filter((id) => sandbox || config.carriers[id].setup.live);
  for (const id of carrierIds.filter((each) => !usable.includes(each))) {
    logger.warn("carrier disabled: no credentials and no sandbox", { carrier: id });
  }
  const built = usable.map((id) =>
    config.carriers[id].setup.build({
      http: config.carriers[id].http,
      publicUrl: config.publicUrl,
      sandbox,
    }),
  );
  return registryOf(built, config, metrics, logger, now);
}

/** Carriers that have no credentials configured and so need the sandbox. */
export function carriersNeedingSandbox(config: GatewayConfig): CarrierId[] {
  return carrierIds.filter((id) => !config.carriers[id].setup.live);
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
    carrierIds.map((id) => [id, carrierDefinitions[id].sandbox.pushUrl(gatewayUrl, runSecret)]),
  ) as Record<CarrierId, string>;
}
