/**
 * Kuaidi100 in the gateway: the real APIs when KUAIDI100_KEY, KUAIDI100_SECRET,
 * KUAIDI100_CUSTOMER and KUAIDI100_SALT are set, else the local sandbox. Kuaidi100 takes the
 * callback URL with each intercept, so the gateway's public URL decides where results come back.
 * ZTO reuses it to route interceptions through Kuaidi100 (`kuaidi100SettingsFor`).
 */
import type { Dispatcher } from "undici";
import { z } from "zod";
import type { CarrierAdapter } from "../../contracts/carrier-adapter.ts";
import {
  defineCarrier,
  type GatewayLink,
  noSandboxError,
  type SandboxLink,
} from "../../src/carriers/definition.ts";
import { carrierPushSecret } from "../sandbox-kit/secret.ts";
import {
  createKuaidi100Adapter,
  type Kuaidi100Settings,
  Kuaidi100SettingsSchema,
} from "./index.ts";
import {
  createKuaidi100Sandbox,
  KUAIDI100_SANDBOX_CUSTOMER,
  KUAIDI100_SANDBOX_KEY,
  KUAIDI100_SANDBOX_SECRET,
} from "./sandbox.ts";

export const kuaidi100Variables = {
  KUAIDI100_BASE_URL: z.url().default("https://api.kuaidi100.com"),
  KUAIDI100_QUERY_URL: z.url().default("https://poll.kuaidi100.com"),
  KUAIDI100_KEY: z.string().min(1).optional(),
  KUAIDI100_SECRET: z.string().min(1).optional(),
  /** The real-time query API's customer id: it signs tracking queries. */
  KUAIDI100_CUSTOMER: z.string().min(1).optional(),
  /** Sent with each intercept; Kuaidi100 signs the result callback with it. */
  KUAIDI100_SALT: z.string().min(8, "must be at least 8 characters").optional(),
  /** The Kuaidi100 company code this carrier stands for (`kuaidicom`). */
  KUAIDI100_COMPANY: z
    .string()
    .regex(/^[a-z0-9]+$/, "must be a lowercase Kuaidi100 company code, e.g. yuantong")
    .default("yuantong"),
};
type Kuaidi100Env = z.infer<z.ZodObject<typeof kuaidi100Variables>>;

const kuaidi100Required = [
  "KUAIDI100_KEY",
  "KUAIDI100_SECRET",
  "KUAIDI100_CUSTOMER",
  "KUAIDI100_SALT",
] as const;

/** Which company's parcels an adapter serves, and where its results are called back. */
interface Kuaidi100Target {
  company: string;
  callbackUrl: string;
}

/** The gateway endpoint Kuaidi100 posts intercept results to, for the carrier it stands for. */
export function callbackUrlOf(gatewayUrl: string, carrier: "kuaidi100" | "zto"): string {
  return `${gatewayUrl.replace(/\/+$/, "")}/v1/carriers/${carrier}/callbacks`;
}

function liveSettings(
  env: Kuaidi100Env & Record<(typeof kuaidi100Required)[number], string>,
  target: Kuaidi100Target,
): Kuaidi100Settings {
  return {
    baseUrl: env.KUAIDI100_BASE_URL,
    queryUrl: env.KUAIDI100_QUERY_URL,
    key: env.KUAIDI100_KEY,
    secret: env.KUAIDI100_SECRET,
    customer: env.KUAIDI100_CUSTOMER,
    salt: env.KUAIDI100_SALT,
    ...target,
  };
}

function sandboxSettings(sandbox: SandboxLink, target: Kuaidi100Target): Kuaidi100Settings {
  return {
    baseUrl: `${sandbox.url}/kuaidi100`,
    queryUrl: `${sandbox.url}/kuaidi100`,
    key: KUAIDI100_SANDBOX_KEY,
    secret: KUAIDI100_SANDBOX_SECRET,
    customer: KUAIDI100_SANDBOX_CUSTOMER,
    // Kuaidi100 signs each callback with the salt sent in the request: the sandbox needs no copy.
    salt: carrierPushSecret(sandbox.secret, "kuaidi100"),
    ...target,
  };
}

/**
 * Settings for another carrier's parcels routed through Kuaidi100 (ZTO, company `zhongtong`):
 * the real Kuaidi100 when its variables are set, else its sandbox.
 */
export function kuaidi100SettingsFor(
  env: Kuaidi100Env,
  gateway: GatewayLink,
  target: Kuaidi100Target,
): Kuaidi100Settings {
  const { KUAIDI100_KEY, KUAIDI100_SECRET, KUAIDI100_CUSTOMER, KUAIDI100_SALT } = env;
  if (KUAIDI100_KEY && KUAIDI100_SECRET && KUAIDI100_CUSTOMER && KUAIDI100_SALT) {
    const live = { ...env, KUAIDI100_KEY, KUAIDI100_SECRET, KUAIDI100_CUSTOMER, KUAIDI100_SALT };
    return liveSettings(live, target);
  }
  if (gateway.sandbox) {
    return sandboxSettings(gateway.sandbox, target);
  }
  throw noSandboxError(kuaidi100Required);
}

/** The adapter with one pool per origin (the label and query APIs are two hosts). */
export function createKuaidi100(
  settings: Kuaidi100Settings,
  pool: (baseUrl: string) => Dispatcher,
): CarrierAdapter {
  const sameOrigin = new URL(settings.baseUrl).origin === new URL(settings.queryUrl).origin;
  return createKuaidi100Adapter(settings, {
    dispatcher: pool(settings.baseUrl),
    ...(sameOrigin ? {} : { queryDispatcher: pool(settings.queryUrl) }),
  });
}

export const kuaidi100Definition = defineCarrier({
  id: "kuaidi100",
  variables: kuaidi100Variables,
  required: kuaidi100Required,
  settings: Kuaidi100SettingsSchema,
  liveSettings: (env, gateway) =>
    liveSettings(env, {
      company: env.KUAIDI100_COMPANY,
      callbackUrl: callbackUrlOf(gateway.publicUrl, "kuaidi100"),
    }),
  sandboxSettings: (env, sandbox, gateway) =>
    sandboxSettings(sandbox, {
      company: env.KUAIDI100_COMPANY,
      callbackUrl: callbackUrlOf(gateway.publicUrl, "kuaidi100"),
    }),
  ruleDefaults: {},
  create: createKuaidi100,
  sandbox: {
    app: (world) => createKuaidi100Sandbox(world),
    // The callback URL travels with each intercept request and the callback is signed with the
    // request's salt, so the URL carries no token; the sandbox pushes to the URL it was given.
    pushUrl: (gatewayUrl) => callbackUrlOf(gatewayUrl, "kuaidi100"),
  },
});
