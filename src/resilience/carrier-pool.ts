/** One undici pool per carrier, with timeouts and a response cap fit for a gateway. */
import { Pool } from "undici";

export interface CarrierHttpSettings {
  connectTimeoutMs: number;
  /** Time to the first response byte; undici's default of 300 s is far too long here. */
  headersTimeoutMs: number;
  /** Longest silence between body chunks. */
  bodyTimeoutMs: number;
  /** Cap on sockets to one carrier, so a slow carrier cannot take every connection. */
  maxConnections: number;
  /** A larger reply is cut off: a faulty carrier must not exhaust our memory. */
  maxResponseBytes: number;
}

/** Creates the pool for a carrier's base URL (its origin is what the pool connects to). */
export function createCarrierPool(baseUrl: string, settings: CarrierHttpSettings): Pool {
  return new Pool(new URL(baseUrl).origin, {
    connections: settings.maxConnections,
    connectTimeout: settings.connectTimeoutMs,
    headersTimeout: settings.headersTimeoutMs,
    bodyTimeout: settings.bodyTimeoutMs,
    maxResponseSize: settings.maxResponseBytes,
    keepAliveTimeout: 4_000,
  });
}
