/**
 * The typed carrier registry: every CarrierId has a module, so a carrier id without an adapter
 * fails the type check. Each carrier gets its pool, adapter and circuit breaker once, at start-up.
 */
import type { CarrierAdapter, CarrierId } from "../../contracts/carrier-adapter.ts";
import { carrierIds } from "../../contracts/carrier-adapter.ts";
import type { GatewayConfig } from "../config.ts";
import type { CarrierRules } from "../domain/rules.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import { type CircuitState, ResilientCarrier } from "../resilience/resilient-carrier.ts";
import type { CarrierBuildInput, CarrierMode, CarrierModule } from "./carrier-module.ts";
import { sfExpressCarrier } from "./sf-express.ts";

export type { CarrierMode } from "./carrier-module.ts";

/** Every carrier's gateway-side module; a carrier id without one fails the type check. */
export const carrierModules: Record<CarrierId, CarrierModule> = {
  "sf-express": sfExpressCarrier,
};

export interface RegisteredCarrier {
  id: CarrierId;
  mode: CarrierMode;
  rules: CarrierRules;
  resilient: ResilientCarrier;
}

export class CarrierRegistry {
  constructor(private readonly carriers: ReadonlyMap<CarrierId, RegisteredCarrier>) {}

  /** The carrier for an id from a request, or null when the gateway has no adapter for it. */
  get(id: string): RegisteredCarrier | null {
    return this.carriers.get(id as CarrierId) ?? null;
  }

  all(): RegisteredCarrier[] {
    return [...this.carriers.values()];
  }

  circuitStates(): Array<{ carrier: CarrierId; state: CircuitState }> {
    return this.all().map((carrier) => ({
      carrier: carrier.id,
      state: carrier.resilient.circuitState,
    }));
  }

  /** Stops breakers and closes connection pools. */
  async close(): Promise<void> {
    for (const carrier of this.carriers.values()) {
      carrier.resilient.shutdown();
      await carrier.resilient.adapter.close();
    }
  }
}

/** Wraps ready adapters (real or fake) with their breakers and rules. */
export function registryOf(
  adapters: Array<{ adapter: CarrierAdapter; mode: CarrierMode }>,
  config: GatewayConfig,
  metrics: Metrics,
  logger: Logger,
): CarrierRegistry {
  const carriers = new Map<CarrierId, RegisteredCarrier>();
  for (const { adapter, mode } of adapters) {
    carriers.set(adapter.id, {
      id: adapter.id,
      mode,
      rules: config.rules[adapter.id],
      resilient: new ResilientCarrier(adapter, config.resilience, metrics, logger),
    });
  }
  return new CarrierRegistry(carriers);
}

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
