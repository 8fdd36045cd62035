/**
 * Cainiao / Taobao TOP: the real TOP gateway when CAINIAO_APP_KEY, CAINIAO_APP_SECRET and
 * CAINIAO_SESSION are set (production unless CAINIAO_BASE_URL says otherwise, e.g. TOP's sandbox
 * `https://gw.api.tbsandbox.com/router/rest`), else the local sandbox.
 */
import { z } from "zod";
import { createCainiaoAdapter } from "../../adapters/cainiao/index.ts";
import {
  CAINIAO_SANDBOX_APP_KEY,
  CAINIAO_SANDBOX_SESSION,
} from "../../adapters/cainiao/sandbox.ts";
import { carrierPushSecret } from "../../adapters/sandbox-kit/secret.ts";
import { ConfigError } from "../config.ts";
import { createCarrierPool } from "../resilience/carrier-pool.ts";
import { type CarrierModule, noSandboxError, readCarrierEnv } from "./carrier-module.ts";

/** TOP's production gateway; its sandbox must be chosen explicitly with CAINIAO_BASE_URL. */
const topProduction = "https://eco.taobao.com/router/rest";

const credentialNames = ["CAINIAO_APP_KEY", "CAINIAO_APP_SECRET", "CAINIAO_SESSION"] as const;

const cainiaoEnv = {
  CAINIAO_BASE_URL: z.url().default(topProduction),
  CAINIAO_APP_KEY: z.string().min(1).optional(),
  /** Signs every call and verifies the signed result notifications. */
  CAINIAO_APP_SECRET: z.string().min(1).optional(),
  /** The seller's TOP access token. */
  CAINIAO_SESSION: z.string().min(1).optional(),
  /** `tms_cp_code`, the express company the merchant ships with. */
  CAINIAO_CP_CODE: z
    .string()
    .regex(/^[A-Z0-9_]{2,32}$/, "must be a TOP carrier code such as YTO")
    .default("YTO"),
  /** How far a push's signed timestamp may be from its arrival (TOP's own tolerance: ±10 min). */
  CAINIAO_PUSH_WINDOW_MS: z.coerce
    .number()
    .int()
    .min(1)
    .default(10 * 60_000),
};

export const cainiaoCarrier: CarrierModule = {
  hasCredentials: (config) =>
    credentialNames.every((name) => Boolean(config.carrierEnvironment[name])),

  build: ({ config, sandbox }) => {
    const env = readCarrierEnv(config, cainiaoEnv);
    const missing = credentialNames.filter((name) => !env[name]);
    if (env.CAINIAO_APP_KEY && env.CAINIAO_APP_SECRET && env.CAINIAO_SESSION) {
      const settings = {
        baseUrl: env.CAINIAO_BASE_URL,
        appKey: env.CAINIAO_APP_KEY,
        appSecret: env.CAINIAO_APP_SECRET,
        session: env.CAINIAO_SESSION,
        cpCode: env.CAINIAO_CP_CODE,
        pushWindowMs: env.CAINIAO_PUSH_WINDOW_MS,
      };
      const dispatcher = createCarrierPool(settings.baseUrl, config.http);
      return { adapter: createCainiaoAdapter(settings, { dispatcher }), mode: "live" };
    }
    if (missing.length < credentialNames.length) {
      // Half-configured credentials are a mistake, not a request for the sandbox.
      throw new ConfigError(
        `Invalid carrier configuration:\n  ${missing.join(", ")}: required with ${credentialNames
          .filter((name) => !missing.includes(name))
          .join(", ")}`,
      );
    }
    if (!sandbox) {
      throw noSandboxError(credentialNames.join(" / "));
    }
    const settings = {
      baseUrl: `${sandbox.url}/cainiao/router/rest`,
      appKey: CAINIAO_SANDBOX_APP_KEY,
      // It signs the calls and the sandbox's result notifications alike: the run's own.
      appSecret: carrierPushSecret(sandbox.secret, "cainiao"),
      session: CAINIAO_SANDBOX_SESSION,
      cpCode: env.CAINIAO_CP_CODE,
      pushWindowMs: env.CAINIAO_PUSH_WINDOW_MS,
    };
    const dispatcher = createCarrierPool(settings.baseUrl, config.http);
    return { adapter: createCainiaoAdapter(settings, { dispatcher }), mode: "sandbox" };
  },

  // Result notifications are signed with the app secret (TOP sign): no token in the URL.
  sandboxPushUrl: (gatewayUrl) => `${gatewayUrl}/v1/carriers/cainiao/callbacks`,
};
