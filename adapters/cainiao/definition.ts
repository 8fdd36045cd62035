/**
 * Cainiao / Taobao TOP in the gateway: the real TOP gateway when CAINIAO_APP_KEY,
 * CAINIAO_APP_SECRET and CAINIAO_SESSION are set (production unless CAINIAO_BASE_URL says
 * otherwise, e.g. TOP's sandbox `https://gw.api.tbsandbox.com/router/rest`), else the local
 * sandbox.
 */
import { z } from "zod";
import { defineCarrier } from "../../src/carriers/definition.ts";
import { carrierPushSecret } from "../sandbox-kit/secret.ts";
import { CainiaoSettingsSchema, createCainiaoAdapter } from "./index.ts";
import {
  CAINIAO_SANDBOX_APP_KEY,
  CAINIAO_SANDBOX_SESSION,
  createCainiaoSandbox,
} from "./sandbox.ts";

/** TOP's production gateway; its sandbox must be chosen explicitly with CAINIAO_BASE_URL. */
const topProduction = "https://eco.taobao.com/router/rest";

export const cainiaoDefinition = defineCarrier({
  id: "cainiao",
  variables: {
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
  },
  required: ["CAINIAO_APP_KEY", "CAINIAO_APP_SECRET", "CAINIAO_SESSION"],
  settings: CainiaoSettingsSchema,
  liveSettings: (env) => ({
    baseUrl: env.CAINIAO_BASE_URL,
    appKey: env.CAINIAO_APP_KEY,
    appSecret: env.CAINIAO_APP_SECRET,
    session: env.CAINIAO_SESSION,
    cpCode: env.CAINIAO_CP_CODE,
    pushWindowMs: env.CAINIAO_PUSH_WINDOW_MS,
  }),
  sandboxSettings: (env, sandbox) => ({
    baseUrl: `${sandbox.url}/cainiao/router/rest`,
    appKey: CAINIAO_SANDBOX_APP_KEY,
    // It signs the calls and the sandbox's result notifications alike: the run's own.
    appSecret: carrierPushSecret(sandbox.secret, "cainiao"),
    session: CAINIAO_SANDBOX_SESSION,
    cpCode: env.CAINIAO_CP_CODE,
    pushWindowMs: env.CAINIAO_PUSH_WINDOW_MS,
  }),
  // Cainiao's delivery cut stops a parcel; it does not reroute one.
  ruleDefaults: { actions: ["intercept"] },
  create: (settings, pool) =>
    createCainiaoAdapter(settings, { dispatcher: pool(settings.baseUrl) }),
  sandbox: {
    // The sandbox signs its result notifications with the app secret the gateway is given.
    app: (world, runSecret) =>
      createCainiaoSandbox(world, { appSecret: carrierPushSecret(runSecret, "cainiao") }),
    // Result notifications are signed with the app secret (TOP sign): no token in the URL.
    pushUrl: (gatewayUrl) => `${gatewayUrl}/v1/carriers/cainiao/callbacks`,
  },
});
