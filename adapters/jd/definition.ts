/**
 * JD Logistics in the gateway: the real JOS router when JD_APP_KEY, JD_APP_SECRET,
 * JD_ACCESS_TOKEN and JD_VENDOR_CODE are set, else the local sandbox. JOS has no separate test
 * host for these APIs: testing uses the same router with a test app's 24-hour token.
 */
import { z } from "zod";
import { defineCarrier } from "../../src/carriers/definition.ts";
import { createJdAdapter, JdSettingsSchema } from "./index.ts";
import {
  createJdSandbox,
  JD_SANDBOX_ACCESS_TOKEN,
  JD_SANDBOX_APP_KEY,
  JD_SANDBOX_APP_SECRET,
  JD_SANDBOX_VENDOR_CODE,
} from "./sandbox.ts";

/** The JOS router (JSON flavour: the SDKs pick the JSON parser because the path ends in json). */
const jdRouter = "https://api.jd.com/routerjson";

export const jdDefinition = defineCarrier({
  id: "jd",
  variables: {
    JD_BASE_URL: z.url().default(jdRouter),
    JD_APP_KEY: z.string().min(1).optional(),
    JD_APP_SECRET: z.string().min(1).optional(),
    JD_ACCESS_TOKEN: z.string().min(1).optional(),
    /** 商家编码: the intercept's `vendorCode` and the trace query's `customerCode`. */
    JD_VENDOR_CODE: z.string().min(1).optional(),
  },
  required: ["JD_APP_KEY", "JD_APP_SECRET", "JD_ACCESS_TOKEN", "JD_VENDOR_CODE"],
  settings: JdSettingsSchema,
  liveSettings: (env) => ({
    baseUrl: env.JD_BASE_URL,
    appKey: env.JD_APP_KEY,
    appSecret: env.JD_APP_SECRET,
    accessToken: env.JD_ACCESS_TOKEN,
    vendorCode: env.JD_VENDOR_CODE,
  }),
  sandboxSettings: (_env, sandbox) => ({
    baseUrl: `${sandbox.url}/jd/routerjson`,
    appKey: JD_SANDBOX_APP_KEY,
    appSecret: JD_SANDBOX_APP_SECRET,
    accessToken: JD_SANDBOX_ACCESS_TOKEN,
    vendorCode: JD_SANDBOX_VENDOR_CODE,
  }),
  // JD's intercept API has no redirect.
  ruleDefaults: { actions: ["intercept"] },
  create: (settings, pool) => createJdAdapter(settings, { dispatcher: pool(settings.baseUrl) }),
  sandbox: {
    app: (world) => createJdSandbox(world),
    // JD outcomes are polled and its adapter refuses every push; the URL exists for uniformity.
    pushUrl: (gatewayUrl) => `${gatewayUrl}/v1/carriers/jd/callbacks`,
  },
});
