/**
 * UPS: the real APIs when UPS_CLIENT_ID and UPS_CLIENT_SECRET are set (UPS's CIE test
 * environment unless UPS_BASE_URL says otherwise), else the local sandbox. With
 * UPS_TRACK_ALERT_TOKEN the outcome comes by Track Alert push, otherwise by polling tracking.
 */
import { z } from "zod";
import { carrierPushSecret } from "../../adapters/sandbox-kit/secret.ts";
import { createUpsAdapter, type UpsSettings } from "../../adapters/ups/index.ts";
import {
  UPS_SANDBOX_CLIENT_ID,
  UPS_SANDBOX_CLIENT_SECRET,
  UPS_SANDBOX_REQUESTER,
} from "../../adapters/ups/sandbox.ts";
import { ConfigError } from "../config.ts";
import { createCarrierPool } from "../resilience/carrier-pool.ts";
import { type CarrierModule, noSandboxError, readCarrierEnv } from "./carrier-module.ts";

/** UPS's Customer Integration Environment; production must be chosen with UPS_BASE_URL. */
const upsTestEnvironment = "https://wwwcie.ups.com";

const upsEnv = {
  UPS_BASE_URL: z.url().default(upsTestEnvironment),
  UPS_CLIENT_ID: z.string().min(1).optional(),
  UPS_CLIENT_SECRET: z.string().min(1).optional(),
  /** Secret `token` in the Track Alert webhook URL registered at UPS; enables push mode. */
  UPS_TRACK_ALERT_TOKEN: z.string().min(8, "must be at least 8 characters").optional(),
  /** `requesterContactInfo` the Delivery Intercept spec requires on every request. */
  UPS_REQUESTER_NAME: z.string().min(1).max(30, "at most 30 characters").optional(),
  UPS_REQUESTER_PHONE: z
    .string()
    .regex(/^\+[0-9]{1,13}$/, "must be + and 1 to 13 digits, e.g. +14105550100")
    .optional(),
};

export const upsCarrier: CarrierModule = {
  hasCredentials: (config) =>
    Boolean(config.carrierEnvironment.UPS_CLIENT_ID && config.carrierEnvironment.UPS_CLIENT_SECRET),

  build: ({ config, sandbox }) => {
    const env = readCarrierEnv(config, upsEnv);
    const http = config.carriers.ups.http;
    if (env.UPS_CLIENT_ID && env.UPS_CLIENT_SECRET) {
      if (!env.UPS_REQUESTER_NAME || !env.UPS_REQUESTER_PHONE) {
        throw new ConfigError(
          "UPS_REQUESTER_NAME and UPS_REQUESTER_PHONE are required with UPS_CLIENT_ID: every " +
            "Delivery Intercept request names its requester (requesterContactInfo).",
        );
      }
      const settings: UpsSettings = {
        baseUrl: env.UPS_BASE_URL,
        clientId: env.UPS_CLIENT_ID,
        clientSecret: env.UPS_CLIENT_SECRET,
        ...(env.UPS_TRACK_ALERT_TOKEN ? { trackAlertToken: env.UPS_TRACK_ALERT_TOKEN } : {}),
        requester: { name: env.UPS_REQUESTER_NAME, telephone: env.UPS_REQUESTER_PHONE },
      };
      const dispatcher = createCarrierPool(settings.baseUrl, http);
      return { adapter: createUpsAdapter(settings, { dispatcher }), mode: "live" };
    }
    if (!sandbox) {
      throw noSandboxError("UPS_CLIENT_ID / UPS_CLIENT_SECRET");
    }
    // The sandbox pushes Track Alert events to sandboxPushUrl, so the sandbox runs in push mode.
    const settings: UpsSettings = {
      baseUrl: `${sandbox.url}/ups`,
      clientId: UPS_SANDBOX_CLIENT_ID,
      clientSecret: UPS_SANDBOX_CLIENT_SECRET,
      trackAlertToken: carrierPushSecret(sandbox.secret, "ups"),
      requester: UPS_SANDBOX_REQUESTER,
    };
    const dispatcher = createCarrierPool(settings.baseUrl, http);
    return { adapter: createUpsAdapter(settings, { dispatcher }), mode: "sandbox" };
  },

  // Track Alert sends the client id as x-api-key; the token in the URL is the shared secret.
  sandboxPushUrl: (gatewayUrl, runSecret) =>
    `${gatewayUrl}/v1/carriers/ups/callbacks?token=${carrierPushSecret(runSecret, "ups")}`,
};
