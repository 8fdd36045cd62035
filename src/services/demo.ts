/**
 * Demo mode's merchant: the demo merchant and the API key printed at start. DEMO_API_KEY keeps
 * that key across restarts; it must be the demo merchant's, never another merchant's, or the
 * demo would silently log in as a real merchant.
 */
import { ConfigError, type GatewayConfig } from "../config.ts";
import type { MerchantRecord } from "../store/store.ts";
import type { MerchantService } from "./merchants.ts";

export interface DemoLogin {
  merchant: MerchantRecord;
  apiKey: string;
}

/** Creates the demo merchant on first use; returns it with DEMO_API_KEY or a fresh key. */
export async function setUpDemoMerchant(
  merchants: MerchantService,
  demo: GatewayConfig["demo"],
): Promise<DemoLogin> {
  const merchant = await merchants.demoMerchant(demo.pickupService);
  const apiKey = demo.apiKey;
  if (!apiKey) {
    return { merchant, apiKey: (await merchants.issueKey(merchant.id)).apiKey };
  }
  const owner = await merchants.authenticate(apiKey);
  if (owner && owner.merchant.id !== merchant.id) {
    throw new ConfigError(
      `DEMO_API_KEY belongs to merchant ${owner.merchant.id}, not to the demo merchant ` +
        `${merchant.id}: unset DEMO_API_KEY (a fresh demo key is printed) or set it to a key of ${merchant.id}.`,
    );
  }
  if (!owner) {
    const holder = await merchants.keyIdHolder(apiKey);
    if (holder !== null) {
      throw new ConfigError(
        `DEMO_API_KEY: its key id is taken by a revoked or different key of merchant ${holder}: ` +
          "unset DEMO_API_KEY (a fresh demo key is printed) or make a new one.",
      );
    }
    await merchants.issueKey(merchant.id, apiKey);
  }
  return { merchant, apiKey };
}
