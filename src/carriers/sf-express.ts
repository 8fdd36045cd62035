/** SF Express settings: the real platform when `SF_*` credentials are set, else the sandbox. */
import { createSfExpressAdapter } from "../../adapters/sf-express/index.ts";
import {
  SF_SANDBOX_CHECKWORD,
  SF_SANDBOX_PARTNER_ID,
  SF_SANDBOX_PUSH_TOKEN,
} from "../../adapters/sf-express/sandbox.ts";
import { ConfigError } from "../config.ts";
import { createCarrierPool } from "../resilience/carrier-pool.ts";
import type { CarrierBuilder } from "./registry.ts";

/** SF's own test environment; production must be chosen explicitly with SF_BASE_URL. */
const sfTestEnvironment = "https://sfapi-sbox.sf-express.com/std/service";

export const buildSfExpress: CarrierBuilder = ({ config, sandboxUrl }) => {
  const env = config.env;
  if (env.SF_PARTNER_ID && env.SF_CHECKWORD) {
    if (!env.SF_PUSH_TOKEN) {
      throw new ConfigError(
        "SF_PUSH_TOKEN: required with SF_PARTNER_ID, to authenticate SF's route pushes (8+ characters).",
      );
    }
    const baseUrl = env.SF_BASE_URL ?? sfTestEnvironment;
    const settings = {
      baseUrl,
      partnerId: env.SF_PARTNER_ID,
      checkWord: env.SF_CHECKWORD,
      monthlyCardNo: env.SF_MONTHLY_CARD_NO ?? "",
      pushToken: env.SF_PUSH_TOKEN,
    };
    const dispatcher = createCarrierPool(baseUrl, config.http);
    return { adapter: createSfExpressAdapter(settings, { dispatcher }), mode: "live" };
  }
  if (!sandboxUrl) {
    throw new ConfigError(
      "SF_PARTNER_ID / SF_CHECKWORD are not set and no sandbox is running: set them, or SANDBOX_URL.",
    );
  }
  const baseUrl = `${sandboxUrl}/sf-express/std/service`;
  const settings = {
    baseUrl,
    partnerId: SF_SANDBOX_PARTNER_ID,
    checkWord: SF_SANDBOX_CHECKWORD,
    monthlyCardNo: "7551234567",
    pushToken: SF_SANDBOX_PUSH_TOKEN,
  };
  const dispatcher = createCarrierPool(baseUrl, config.http);
  return { adapter: createSfExpressAdapter(settings, { dispatcher }), mode: "sandbox" };
};
