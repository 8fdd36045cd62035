/**
 * How the contract suite calls an adapter: a signal per call, a fresh intercept command, one
 * adapter per call (its pool always released), and the optional operations its capabilities
 * say it has.
 */
import {
  type CarrierAdapter,
  type CarrierCapabilities,
  capabilitiesOf,
  type InterceptCommand,
  type OptionalOperation,
} from "../carrier-adapter.ts";
import { callContext } from "../testing.ts";

/** A signal for one carrier call; generous, the dispatcher's own timeouts are shorter. */
export function ctx(ms = 5_000): { signal: AbortSignal } {
  return callContext(ms);
}

export function randomRef(): string {
  return `ref-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export function interceptCommand(trackingNumber: string): InterceptCommand {
  return {
    reference: randomRef(),
    trackingNumber,
    reason: "buyer_cancelled",
    payment: { payer: "platform", mode: "free_return" },
  };
}

/** Runs one adapter call and always releases the adapter's pool. */
export async function withAdapter<T>(
  make: () => CarrierAdapter,
  run: (adapter: CarrierAdapter) => Promise<T>,
): Promise<T> {
  const adapter = make();
  try {
    return await run(adapter);
  } finally {
    await adapter.close();
  }
}

/** Reads an adapter's capabilities (they do not depend on the network). */
export function makeCapabilities(make: () => CarrierAdapter): CarrierCapabilities {
  const adapter = make();
  void adapter.close();
  return capabilitiesOf(adapter);
}

/**
 * An operation the capabilities say the adapter has: the suite asks only for those. Adapters are
 * plain objects over closures, so the method needs no `this`.
 */
export function offered<K extends OptionalOperation>(
  adapter: CarrierAdapter,
  name: K,
): NonNullable<CarrierAdapter[K]> {
  const operation = adapter[name];
  if (operation === undefined) {
    throw new Error(`${adapter.id} has no ${name}`);
  }
  return operation;
}
