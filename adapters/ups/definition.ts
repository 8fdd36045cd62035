/**
 * UPS in the gateway: the real APIs when UPS_CLIENT_ID, UPS_CLIENT_SECRET, UPS_REQUESTER_NAME and
 * UPS_REQUESTER_PHONE are set (UPS's CIE test environment unless UPS_BASE_URL says otherwise),
 * else the local sandbox. With UPS_TRACK_ALERT_TOKEN the outcome comes by Track Alert push,
 * otherwise by polling tracking.
 */
import { z } from "zod";
import { defineCarrier } from "../../src/carriers/definition.ts";
import { carrierPushSecret } from "../sandbox-kit/secret.ts";
import { createUpsAdapter, UpsSettingsSchema } from "./index.ts";
import {
  createUpsSandbox,
  UPS_SANDBOX_CLIENT_ID,
  UPS_SANDBOX_CLIENT_SECRET,
  UPS_SANDBOX_REQUESTER,
} from "./sandbox.ts";

/** UPS's Customer Integration Environment; production must be chosen with UPS_BASE_URL. */
const upsTestEnvironment = "https://wwwcie.ups.com";

export const upsDefinition = defineCarrier({
  id: "ups",
  variables: {
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
  },
  required: ["UPS_CLIENT_ID", "UPS_CLIENT_SECRET", "UPS_REQUESTER_NAME", "UPS_REQUESTER_PHONE"],
  settings: UpsSettingsSchema,
  liveSettings: (env) => ({
    baseUrl: env.UPS_BASE_URL,
    clientId: env.UPS_CLIENT_ID,
    clientSecret: env.UPS_CLIENT_SECRET,
    ...(env.UPS_TRACK_ALERT_TOKEN ? { trackAlertToken: env.UPS_TRACK_ALERT_TOKEN } : {}),
    requester: { name: env.UPS_REQUESTER_NAME, telephone: env.UPS_REQUESTER_PHONE },
  }),
  // The sandbox pushes Track Alert events to pushUrl, so the sandbox runs in push mode.
  sandboxSettings: (_env, sandbox) => ({
    baseUrl: `${sandbox.url}/ups`,
    clientId: UPS_SANDBOX_CLIENT_ID,
    clientSecret: UPS_SANDBOX_CLIENT_SECRET,
    trackAlertToken: carrierPushSecret(sandbox.secret, "ups"),
    requester: UPS_SANDBOX_REQUESTER,
  }),
  // UPS Delivery Intercept serves the US and Puerto Rico in USD; ~1000 CNY is about 140 USD.
  ruleDefaults: {
    currencies: ["USD"],
    valueCeiling: { amount: "140.00", currency: "USD" },
    countries: ["US", "PR"],
  },
  create: (settings, pool) => createUpsAdapter(settings, { dispatcher: pool(settings.baseUrl) }),
  sandbox: {
    app: (world) => createUpsSandbox(world),
    // Track Alert sends the client id as x-api-key; the token in the URL is the shared secret.
    pushUrl: (gatewayUrl, runSecret) =>
      `${gatewayUrl}/v1/carriers/ups/callbacks?token=${carrierPushSecret(runSecret, "ups")}`,
  },
});
