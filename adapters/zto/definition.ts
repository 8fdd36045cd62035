/**
 * ZTO in the gateway: the real ZOP gateway when ZTO_APP_KEY and ZTO_APP_SECRET are set (ZTO's
 * test gateway unless ZTO_BASE_URL says otherwise), else the local sandbox. ZTO itself only
 * tracks and cancels pickups; with ZTO_VIA_KUAIDI100=true a collected ZTO parcel is intercepted
 * or redirected through Kuaidi100 (company `zhongtong`), whose results come back by callback.
 */
import { z } from "zod";
import type { CarrierAdapter } from "../../contracts/carrier-adapter.ts";
import { defineCarrier, type GatewayLink } from "../../src/carriers/definition.ts";
import {
  callbackUrlOf,
  createKuaidi100,
  kuaidi100SettingsFor,
  kuaidi100Variables,
} from "../kuaidi100/definition.ts";
import { Kuaidi100SettingsSchema } from "../kuaidi100/index.ts";
import { createZtoAdapter, ZtoSettingsSchema } from "./index.ts";
import { createZtoSandbox, ZTO_SANDBOX_APP_KEY, ZTO_SANDBOX_APP_SECRET } from "./sandbox.ts";

/** ZTO's test gateway; production (`https://japi.zto.com`) must be chosen with ZTO_BASE_URL. */
const ztoTestEnvironment = "https://japi-test.zto.com";

/** ZTO's own settings, and Kuaidi100's when interceptions are routed through it. */
const ZtoRoutedSettingsSchema = z.object({
  zto: ZtoSettingsSchema,
  viaKuaidi100: Kuaidi100SettingsSchema.nullable(),
});

const variables = {
  ZTO_BASE_URL: z.url().default(ztoTestEnvironment),
  ZTO_APP_KEY: z.string().min(1).optional(),
  ZTO_APP_SECRET: z.string().min(1).optional(),
  /** Route ZTO interceptions through Kuaidi100 (needs Kuaidi100 credentials, or its sandbox). */
  ZTO_VIA_KUAIDI100: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((value) => value === "true" || value === "1"),
  // Kuaidi100's own: the route uses its credentials (or its sandbox).
  ...kuaidi100Variables,
};
type ZtoEnv = z.infer<z.ZodObject<typeof variables>>;

function viaKuaidi100(env: ZtoEnv, gateway: GatewayLink) {
  if (!env.ZTO_VIA_KUAIDI100) {
    return null;
  }
  return kuaidi100SettingsFor(env, gateway, {
    company: "zhongtong",
    callbackUrl: callbackUrlOf(gateway.publicUrl, "zto"),
  });
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

export const ztoDefinition = defineCarrier({
  id: "zto",
  variables,
  required: ["ZTO_APP_KEY", "ZTO_APP_SECRET"],
  settings: ZtoRoutedSettingsSchema,
  liveSettings: (env, gateway) => ({
    zto: { baseUrl: env.ZTO_BASE_URL, appKey: env.ZTO_APP_KEY, appSecret: env.ZTO_APP_SECRET },
    viaKuaidi100: viaKuaidi100(env, gateway),
  }),
  sandboxSettings: (env, sandbox, gateway) => ({
    zto: {
      baseUrl: `${sandbox.url}/zto`,
      appKey: ZTO_SANDBOX_APP_KEY,
      appSecret: ZTO_SANDBOX_APP_SECRET,
    },
    viaKuaidi100: viaKuaidi100(env, gateway),
  }),
  // ZTO can only cancel a pickup; intercepting a collected parcel needs Kuaidi100 routing.
  ruleDefaults: {},
  create: (settings, pool) => {
    const zto = createZtoAdapter(settings.zto, { dispatcher: pool(settings.zto.baseUrl) });
    return settings.viaKuaidi100
      ? routedThroughKuaidi100(zto, createKuaidi100(settings.viaKuaidi100, pool))
      : zto;
  },
  sandbox: {
    app: (world) => createZtoSandbox(world),
    // ZTO's sandbox pushes nothing (no interception to report) and the adapter refuses every
    // push, so the URL carries no token.
    pushUrl: (gatewayUrl) => `${gatewayUrl}/v1/carriers/zto/callbacks`,
  },
});
