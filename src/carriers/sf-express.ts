/**
 * SF Express: the real open platform when SF_PARTNER_ID and SF_CHECKWORD are set (SF's test
 * environment unless SF_BASE_URL says otherwise), else the local sandbox.
 */
import { z } from "zod";
import { carrierPushSecret } from "../../adapters/sandbox-kit/secret.ts";
import { createSfExpressAdapter } from "../../adapters/sf-express/index.ts";
import { SF_SANDBOX_CHECKWORD, SF_SANDBOX_PARTNER_ID } from "../../adapters/sf-express/sandbox.ts";
import { createCarrierPool } from "../resilience/carrier-pool.ts";
import { type CarrierModule, noSandboxError, readCarrierEnv } from "./carrier-module.ts";

/** SF's own test environment; production must be chosen explicitly with SF_BASE_URL. */
const sfTestEnvironment = "https://sfapi-sbox.sf-express.com/std/service";

const sfEnv = {
  SF_BASE_URL: z.url().default(sfTestEnvironment),
  SF_PARTNER_ID: z.string().min(1).optional(),
  SF_CHECKWORD: z.string().min(1).optional(),
  /** The platform's monthly card, billed for platform-paid returns and redirects. */
  SF_MONTHLY_CARD_NO: z.string().min(1).optional(),
  /** Secret carried in the route-push URL registered at SF (SF's pushes are unsigned). */
  SF_PUSH_TOKEN: z.string().min(8, "must be at least 8 characters").optional(),
};

export const sfExpressCarrier: CarrierModule = {
  hasCredentials: (config) =>
    Boolean(config.carrierEnvironment.SF_PARTNER_ID && config.carrierEnvironment.SF_CHECKWORD),

  build: ({ config, sandbox }) => {
    const env = readCarrierEnv(config, sfEnv);
    if (env.SF_PARTNER_ID && env.SF_CHECKWORD) {
      if (!env.SF_PUSH_TOKEN) {
        throw noSandboxError(
          "SF_PUSH_TOKEN (required with SF_PARTNER_ID, to authenticate route pushes)",
        );
      }
      const settings = {
        baseUrl: env.SF_BASE_URL,
        partnerId: env.SF_PARTNER_ID,
        checkWord: env.SF_CHECKWORD,
        monthlyCardNo: env.SF_MONTHLY_CARD_NO ?? "",
        pushToken: env.SF_PUSH_TOKEN,
      };
      const dispatcher = createCarrierPool(settings.baseUrl, config.http);
      return { adapter: createSfExpressAdapter(settings, { dispatcher }), mode: "live" };
    }
    if (!sandbox) {
      throw noSandboxError("SF_PARTNER_ID / SF_CHECKWORD");
    }
    const settings = {
      baseUrl: `${sandbox.url}/sf-express/std/service`,
      partnerId: SF_SANDBOX_PARTNER_ID,
      checkWord: SF_SANDBOX_CHECKWORD,
      monthlyCardNo: "7551234567",
      pushToken: carrierPushSecret(sandbox.secret, "sf-express"),
    };
    const dispatcher = createCarrierPool(settings.baseUrl, config.http);
    return { adapter: createSfExpressAdapter(settings, { dispatcher }), mode: "sandbox" };
  },

  // SF pushes carry no signature; the secret token in the configured URL authenticates them.
  sandboxPushUrl: (gatewayUrl, runSecret) =>
    `${gatewayUrl}/v1/carriers/sf-express/callbacks?token=${carrierPushSecret(runSecret, "sf-express")}`,
};
