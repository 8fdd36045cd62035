/**
 * The carriers the gateway runs with: each adapter wrapped once, at start-up, with its circuit
 * breaker and rules. `modules.ts` builds them from the configuration; tests pass fakes.
 */
import {
  type CarrierAdapter,
  type CarrierCapabilities,
  type CarrierId,
  capabilitiesOf,
} from "../../contracts/carrier-adapter.ts";
import type { Clock } from "../clock.ts";
import type { PollSchedule } from "../config/carrier-settings.ts";
import type { GatewayConfig } from "../config.ts";
import type { CarrierRules } from "../domain/rules.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import { type CircuitState, ResilientCarrier } from "../resilience/resilient-carrier.ts";
import type { CarrierMode } from "./definition.ts";

export interface RegisteredCarrier {
  id: CarrierId;
  mode: CarrierMode;
  /** Read once from the adapter's operations. */
  capabilities: CarrierCapabilities;
  rules: CarrierRules;
  poll: PollSchedule;
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
  /** The gateway's clock: the one its services compute carrier-call deadlines with. */
  now: Clock,
): CarrierRegistry {
  const carriers = new Map<CarrierId, RegisteredCarrier>();
  for (const { adapter, mode } of adapters) {
    carriers.set(adapter.id, {
      id: adapter.id,
      mode,
      capabilities: capabilitiesOf(adapter),
      rules: config.carriers[adapter.id].rules,
      poll: config.carriers[adapter.id].poll,
      resilient: new ResilientCarrier(adapter, config.resilience, metrics, logger, now),
    });
  }
  return new CarrierRegistry(carriers);
}
