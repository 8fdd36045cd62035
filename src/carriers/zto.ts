/**
 * ZTO: the real ZOP gateway when ZTO_APP_KEY and ZTO_APP_SECRET are set (ZTO's test gateway
 * unless ZTO_BASE_URL says otherwise), else the local sandbox. ZTO itself only tracks and
 * cancels pickups; with ZTO_VIA_KUAIDI100=true a collected ZTO parcel is intercepted or
 * redirected through Kuaidi100 (company `zhongtong`), whose results come back by callback.
 */
import { z } from "zod";
import { createZtoAdapter, type ZtoSettings } from "../../adapters/zto/index.ts";
import { ZTO_SANDBOX_APP_KEY, ZTO_SANDBOX_APP_SECRET } from "../../adapters/zto/sandbox.ts";
import type { CarrierAdapter } from "../../contracts/carrier-adapter.ts";
import { ConfigError, type GatewayConfig } from "../config.ts";
import { createCarrierPool } from "../resilience/carrier-pool.ts";
import {
  type CarrierMode,
  type CarrierModule,
  noSandboxError,
  readCarrierEnv,
  type SandboxLink,
} from "./carrier-module.ts";
import { buildKuaidi100For, callbackUrlOf } from "./kuaidi100.ts";

/** ZTO's test gateway; production (`https://japi.zto.com`) must be chosen with ZTO_BASE_URL. */
const ztoTestEnvironment = "https://japi-test.zto.com";

const ztoEnv = {
  ZTO_BASE_URL: z.url().default(ztoTestEnvironment),
  ZTO_APP_KEY: z.string().min(1).optional(),
  ZTO_APP_SECRET: z.string().min(1).optional(),
  /** Route ZTO interceptions through Kuaidi100 (needs Kuaidi100 credentials, or its sandbox). */
  ZTO_VIA_KUAIDI100: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((value) => value === "true" || value === "1"),
};

/** The app's settings: the real app when both credentials are set, else null. */
function liveSettings(env: {
  ZTO_BASE_URL: string;
  ZTO_APP_KEY?: string | undefined;
  ZTO_APP_SECRET?: string | undefined;
}): ZtoSettings | null {
  if (env.ZTO_APP_KEY && env.ZTO_APP_SECRET) {
    return { baseUrl: env.ZTO_BASE_URL, appKey: env.ZTO_APP_KEY, appSecret: env.ZTO_APP_SECRET };
  }
  // Half a credential pair is a typo, not a request for the sandbox: say which one is missing.
  if (env.ZTO_APP_KEY || env.ZTO_APP_SECRET) {
    const [missing, given] = env.ZTO_APP_KEY
      ? ["ZTO_APP_SECRET", "ZTO_APP_KEY"]
      : ["ZTO_APP_KEY", "ZTO_APP_SECRET"];
    throw new ConfigError(`Invalid carrier configuration:\n  ${missing}: required with ${given}`);
  }
  return null;
}

function buildZto(
  env: z.infer<z.ZodObject<typeof ztoEnv>>,
  config: GatewayConfig,
  sandbox: SandboxLink | null,
): { adapter: CarrierAdapter; mode: CarrierMode } {
  const live = liveSettings(env);
  if (live) {
    const dispatcher = createCarrierPool(live.baseUrl, config.http);
    return { adapter: createZtoAdapter(live, { dispatcher }), mode: "live" };
  }
  if (!sandbox) {
    throw noSandboxError("ZTO_APP_KEY / ZTO_APP_SECRET");
  }
  const settings: ZtoSettings = {
    baseUrl: `${sandbox.url}/zto`,
    appKey: ZTO_SANDBOX_APP_KEY,
    appSecret: ZTO_SANDBOX_APP_SECRET,
  };
  const dispatcher = createCarrierPool(settings.baseUrl, config.http);
  return { adapter: createZtoAdapter(settings, { dispatcher }), mode: "sandbox" };
}

/**
 * ZTO tracked and pickups cancelled by ZTO itself, interceptions and redirects (and their
 * callbacks) handled by a Kuaidi100 adapter for company `zhongtong`. Each operation is taken
 * from the adapter that has it, so the capabilities follow.
 */
export function routedThroughKuaidi100(
  zto: CarrierAdapter,
  kuaidi100: CarrierAdapter,
): CarrierAdapter {
  return {
    id: zto.id,
    displayName: "ZTO (intercepts through Kuaidi100)",
    quotesFees: kuaidi100.quotesFees,
    track: (trackingNumber, ctx) => zto.track(trackingNumber, ctx),
    ...(kuaidi100.intercept ? { intercept: kuaidi100.intercept } : {}),
    ...(kuaidi100.redirect ? { redirect: kuaidi100.redirect } : {}),
    ...(kuaidi100.cancel ? { cancel: kuaidi100.cancel } : {}),
    ...(zto.cancelPickup ? { cancelPickup: zto.cancelPickup } : {}),
    parseCallback: (request) => kuaidi100.parseCallback(request),
    close: async () => {
      await zto.close();
      await kuaidi100.close();
    },
  };
}

export const ztoCarrier: CarrierModule = {
  hasCredentials: (config) =>
    Boolean(config.carrierEnvironment.ZTO_APP_KEY && config.carrierEnvironment.ZTO_APP_SECRET),

  build: ({ config, sandbox }) => {
    const env = readCarrierEnv(config, ztoEnv);
    const zto = buildZto(env, config, sandbox);
    if (!env.ZTO_VIA_KUAIDI100) {
      return zto;
    }
    const kuaidi100 = buildKuaidi100For(config, sandbox, {
      company: "zhongtong",
      callbackUrl: callbackUrlOf(config.publicUrl, "zto"),
    });
    return { adapter: routedThroughKuaidi100(zto.adapter, kuaidi100.adapter), mode: zto.mode };
  },

  // ZTO's sandbox pushes nothing (no interception to report) and the adapter refuses every
  // push, so the URL carries no token.
  sandboxPushUrl: (gatewayUrl) => `${gatewayUrl}/v1/carriers/zto/callbacks`,
};
