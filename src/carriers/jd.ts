/**
 * JD Logistics: the real JOS router when JD_APP_KEY, JD_APP_SECRET and JD_ACCESS_TOKEN are set
 * (JD_VENDOR_CODE is then required too), else the local sandbox. JOS has no separate test host
 * for these APIs: testing uses the same router with a test app's 24-hour token.
 */
import { z } from "zod";
import { createJdAdapter, type JdSettings } from "../../adapters/jd/index.ts";
import {
  JD_SANDBOX_ACCESS_TOKEN,
  JD_SANDBOX_APP_KEY,
  JD_SANDBOX_APP_SECRET,
  JD_SANDBOX_VENDOR_CODE,
} from "../../adapters/jd/sandbox.ts";
import { ConfigError } from "../config.ts";
import { createCarrierPool } from "../resilience/carrier-pool.ts";
import { type CarrierModule, noSandboxError, readCarrierEnv } from "./carrier-module.ts";

/** The JOS router (JSON flavour: the SDKs pick the JSON parser because the path ends in json). */
const jdRouter = "https://api.jd.com/routerjson";

const jdEnv = {
  JD_BASE_URL: z.url().default(jdRouter),
  JD_APP_KEY: z.string().min(1).optional(),
  JD_APP_SECRET: z.string().min(1).optional(),
  JD_ACCESS_TOKEN: z.string().min(1).optional(),
  /** 商家编码: the intercept's `vendorCode` and the trace query's `customerCode`. */
  JD_VENDOR_CODE: z.string().min(1).optional(),
};

function hasJdCredentials(env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(env.JD_APP_KEY && env.JD_APP_SECRET && env.JD_ACCESS_TOKEN);
}

/** The JD gateway module: its variables, credentials check and (polled) push URL. */
export const jdCarrier: CarrierModule = {
  hasCredentials: (config) => hasJdCredentials(config.carrierEnvironment),

  build: ({ config, sandbox }) => {
    const env = readCarrierEnv(config, jdEnv);
    if (env.JD_APP_KEY && env.JD_APP_SECRET && env.JD_ACCESS_TOKEN) {
      if (!env.JD_VENDOR_CODE) {
        throw new ConfigError(
          "Invalid carrier configuration:\n  JD_VENDOR_CODE: required with JD_APP_KEY (商家编码)",
        );
      }
      const settings: JdSettings = {
        baseUrl: env.JD_BASE_URL,
        appKey: env.JD_APP_KEY,
        appSecret: env.JD_APP_SECRET,
        accessToken: env.JD_ACCESS_TOKEN,
        vendorCode: env.JD_VENDOR_CODE,
      };
      const dispatcher = createCarrierPool(settings.baseUrl, config.http);
      return { adapter: createJdAdapter(settings, { dispatcher }), mode: "live" };
    }
    if (!sandbox) {
      throw noSandboxError("JD_APP_KEY / JD_APP_SECRET / JD_ACCESS_TOKEN");
    }
    const settings: JdSettings = {
      baseUrl: `${sandbox.url}/jd/routerjson`,
      appKey: JD_SANDBOX_APP_KEY,
      appSecret: JD_SANDBOX_APP_SECRET,
      accessToken: JD_SANDBOX_ACCESS_TOKEN,
      vendorCode: JD_SANDBOX_VENDOR_CODE,
    };
    const dispatcher = createCarrierPool(settings.baseUrl, config.http);
    return { adapter: createJdAdapter(settings, { dispatcher }), mode: "sandbox" };
  },

  // JD outcomes are polled and its adapter refuses every push; the URL exists for uniformity.
  sandboxPushUrl: (gatewayUrl) => `${gatewayUrl}/v1/carriers/jd/callbacks`,
};
