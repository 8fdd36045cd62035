/**
 * SF Express in the gateway: the real open platform when SF_PARTNER_ID, SF_CHECKWORD and
 * SF_PUSH_TOKEN are set (SF's test environment unless SF_BASE_URL says otherwise), else the
 * local sandbox.
 */
import { z } from "zod";
import { defineCarrier } from "../../src/carriers/definition.ts";
import { carrierPushSecret } from "../sandbox-kit/secret.ts";
import { createSfExpressAdapter, SfExpressSettingsSchema } from "./index.ts";
import { createSfExpressSandbox, SF_SANDBOX_CHECKWORD, SF_SANDBOX_PARTNER_ID } from "./sandbox.ts";

/** SF's own test environment; production must be chosen explicitly with SF_BASE_URL. */
const sfTestEnvironment = "https://sfapi-sbox.sf-express.com/std/service";

export const sfExpressDefinition = defineCarrier({
  id: "sf-express",
  variables: {
    SF_BASE_URL: z.url().default(sfTestEnvironment),
    SF_PARTNER_ID: z.string().min(1).optional(),
    SF_CHECKWORD: z.string().min(1).optional(),
    /** The platform's monthly card, billed for platform-paid returns and redirects. */
    SF_MONTHLY_CARD_NO: z.string().min(1).optional(),
    /** Secret carried in the route-push URL registered at SF (SF's pushes are unsigned). */
    SF_PUSH_TOKEN: z.string().min(8, "must be at least 8 characters").optional(),
  },
  required: ["SF_PARTNER_ID", "SF_CHECKWORD", "SF_PUSH_TOKEN"],
  settings: SfExpressSettingsSchema,
  liveSettings: (env) => ({
    baseUrl: env.SF_BASE_URL,
    partnerId: env.SF_PARTNER_ID,
    checkWord: env.SF_CHECKWORD,
    monthlyCardNo: env.SF_MONTHLY_CARD_NO ?? "",
    pushToken: env.SF_PUSH_TOKEN,
  }),
  sandboxSettings: (_env, sandbox) => ({
    baseUrl: `${sandbox.url}/sf-express/std/service`,
    partnerId: SF_SANDBOX_PARTNER_ID,
    checkWord: SF_SANDBOX_CHECKWORD,
    monthlyCardNo: "7551234567",
    pushToken: carrierPushSecret(sandbox.secret, "sf-express"),
  }),
  // SF Express accepts one successful interception per waybill (SF 快递管家 API notes).
  ruleDefaults: { oneInterceptionPerParcel: true },
  create: (settings, pool) =>
    createSfExpressAdapter(settings, { dispatcher: pool(settings.baseUrl) }),
  sandbox: {
    app: (world) => createSfExpressSandbox(world),
    // SF pushes carry no signature; the secret token in the configured URL authenticates them.
    pushUrl: (gatewayUrl, runSecret) =>
      `${gatewayUrl}/v1/carriers/sf-express/callbacks?token=${carrierPushSecret(runSecret, "sf-express")}`,
  },
});
