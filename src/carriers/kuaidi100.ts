/**
 * Kuaidi100: the real APIs when KUAIDI100_KEY and KUAIDI100_SECRET are set, else the local
 * sandbox. Kuaidi100 takes the callback URL with each intercept, so the gateway's public URL
 * decides where results come back.
 */
import { z } from "zod";
import { createKuaidi100Adapter, type Kuaidi100Settings } from "../../adapters/kuaidi100/index.ts";
import {
  KUAIDI100_SANDBOX_CUSTOMER,
  KUAIDI100_SANDBOX_KEY,
  KUAIDI100_SANDBOX_SECRET,
} from "../../adapters/kuaidi100/sandbox.ts";
import { carrierPushSecret } from "../../adapters/sandbox-kit/secret.ts";
import type { CarrierAdapter } from "../../contracts/carrier-adapter.ts";
import { ConfigError, type GatewayConfig } from "../config.ts";
import { type CarrierHttpSettings, createCarrierPool } from "../resilience/carrier-pool.ts";
import {
  type CarrierMode,
  type CarrierModule,
  noSandboxError,
  readCarrierEnv,
  type SandboxLink,
} from "./carrier-module.ts";

const kuaidi100Env = {
  KUAIDI100_BASE_URL: z.url().default("https://api.kuaidi100.com"),
  KUAIDI100_QUERY_URL: z.url().default("https://poll.kuaidi100.com"),
  KUAIDI100_KEY: z.string().min(1).optional(),
  KUAIDI100_SECRET: z.string().min(1).optional(),
  /** The real-time query API's customer id. */
  KUAIDI100_CUSTOMER: z.string().min(1).optional(),
  /** Sent with each intercept; Kuaidi100 signs the result callback with it. */
  KUAIDI100_SALT: z.string().min(8, "must be at least 8 characters").optional(),
  /** The Kuaidi100 company code this carrier stands for (`kuaidicom`). */
  KUAIDI100_COMPANY: z
    .string()
    .regex(/^[a-z0-9]+$/, "must be a lowercase Kuaidi100 company code, e.g. yuantong")
    .default("yuantong"),
};

/** The gateway endpoint Kuaidi100 posts intercept results to, for the carrier it stands for. */
export function callbackUrlOf(gatewayUrl: string, carrier: "kuaidi100" | "zto"): string {
  return `${gatewayUrl.replace(/\/+$/, "")}/v1/carriers/${carrier}/callbacks`;
}

/** Builds the adapter with one pool per origin (the label and query APIs are two hosts). */
function buildAdapter(settings: Kuaidi100Settings, http: CarrierHttpSettings): CarrierAdapter {
  const dispatcher = createCarrierPool(settings.baseUrl, http);
  const sameOrigin = new URL(settings.baseUrl).origin === new URL(settings.queryUrl).origin;
  return createKuaidi100Adapter(settings, {
    dispatcher,
    ...(sameOrigin ? {} : { queryDispatcher: createCarrierPool(settings.queryUrl, http) }),
  });
}

/**
 * Builds a Kuaidi100 adapter for one company code, calling back to `callbackUrl`: Kuaidi100
 * itself (KUAIDI100_COMPANY), or ZTO routed through Kuaidi100 (`zhongtong`).
 */
export function buildKuaidi100For(
  config: GatewayConfig,
  sandbox: SandboxLink | null,
  target: { company?: string; callbackUrl: string },
): { adapter: CarrierAdapter; mode: CarrierMode } {
  const env = readCarrierEnv(config, kuaidi100Env);
  const company = target.company ?? env.KUAIDI100_COMPANY;
  if (env.KUAIDI100_KEY && env.KUAIDI100_SECRET) {
    if (!env.KUAIDI100_SALT || !env.KUAIDI100_CUSTOMER) {
      throw new ConfigError(
        "KUAIDI100_SALT and KUAIDI100_CUSTOMER are required with KUAIDI100_KEY: the salt signs " +
          "intercept result callbacks, the customer id signs tracking queries.",
      );
    }
    const settings: Kuaidi100Settings = {
      baseUrl: env.KUAIDI100_BASE_URL,
      queryUrl: env.KUAIDI100_QUERY_URL,
      key: env.KUAIDI100_KEY,
      secret: env.KUAIDI100_SECRET,
      customer: env.KUAIDI100_CUSTOMER,
      salt: env.KUAIDI100_SALT,
      company,
      callbackUrl: target.callbackUrl,
    };
    return { adapter: buildAdapter(settings, config.http), mode: "live" };
  }
  if (!sandbox) {
    throw noSandboxError("KUAIDI100_KEY / KUAIDI100_SECRET");
  }
  const settings: Kuaidi100Settings = {
    baseUrl: `${sandbox.url}/kuaidi100`,
    queryUrl: `${sandbox.url}/kuaidi100`,
    key: KUAIDI100_SANDBOX_KEY,
    secret: KUAIDI100_SANDBOX_SECRET,
    customer: KUAIDI100_SANDBOX_CUSTOMER,
    // Kuaidi100 signs each callback with the salt sent in the request: the sandbox needs no copy.
    salt: carrierPushSecret(sandbox.secret, "kuaidi100"),
    company,
    callbackUrl: target.callbackUrl,
  };
  return { adapter: buildAdapter(settings, config.http), mode: "sandbox" };
}

/** The Kuaidi100 carrier module: its variables, credentials check and adapter builder. */
export const kuaidi100Carrier: CarrierModule = {
  hasCredentials: (config) =>
    Boolean(config.carrierEnvironment.KUAIDI100_KEY && config.carrierEnvironment.KUAIDI100_SECRET),

  build: ({ config, sandbox }) =>
    buildKuaidi100For(config, sandbox, {
      callbackUrl: callbackUrlOf(config.publicUrl, "kuaidi100"),
    }),

  // The callback URL travels with each intercept request and the callback is signed with the
  // request's salt, so the URL carries no token; the sandbox pushes to the URL it was given.
  sandboxPushUrl: (gatewayUrl) => callbackUrlOf(gatewayUrl, "kuaidi100"),
};
