/** Merchants and their API keys. */

import { apiKeyId, apiKeyMatches, generateApiKey, hashApiKey } from "../auth/api-keys.ts";
import type { Clock } from "../clock.ts";
import { newId } from "../ids.ts";
import type { MerchantRecord, Store } from "../store/store.ts";

export interface CreatedMerchant {
  merchant: MerchantRecord;
  apiKey: string;
  keyId: string;
}

const demoMerchantId = "mer_demo";

export class MerchantService {
  constructor(
    private readonly store: Store,
    private readonly now: Clock,
  ) {}

  /** Creates a merchant with its first key; the key is returned this once. */
  async create(input: { name: string; pickupService: boolean }): Promise<CreatedMerchant> {
    const merchant: MerchantRecord = {
      id: newId("mer"),
      name: input.name,
      pickupService: input.pickupService,
      createdAt: this.now().toISOString(),
    };
    await this.store.merchants.create(merchant);
    const { apiKey, keyId } = await this.issueKey(merchant.id);
    return { merchant, apiKey, keyId };
  }

  /**
   * The demo merchant, under a fixed id so it can never be confused with a real merchant of the
   * same name; created on first use.
   */
  async demoMerchant(pickupService: boolean): Promise<MerchantRecord> {
    const existing = await this.store.merchants.get(demoMerchantId);
    if (existing) {
      return existing;
    }
    const merchant: MerchantRecord = {
      id: demoMerchantId,
      name: "Demo merchant",
      pickupService,
      createdAt: this.now().toISOString(),
    };
    await this.store.merchants.create(merchant);
    return merchant;
  }

  /** Issues another key for an existing merchant (key rotation). */
  async issueKey(
    merchantId: string,
    presetKey?: string,
  ): Promise<{ apiKey: string; keyId: string }> {
    const fresh = generateApiKey();
    const apiKey = presetKey ?? fresh.key;
    const keyId = presetKey ? apiKeyId(presetKey) : fresh.id;
    if (!keyId) {
      throw new Error("A preset key must have the igk_<16 hex>_<43 base64url> form.");
    }
    await this.store.merchants.createApiKey({
      id: keyId,
      merchantId,
      hash: hashApiKey(apiKey),
      createdAt: this.now().toISOString(),
      revokedAt: null,
    });
    return { apiKey, keyId };
  }

  /** Revokes a key: it answers 401 from the next request on. */
  revokeKey(merchantId: string, keyId: string): Promise<boolean> {
    return this.store.merchants.revokeApiKey(merchantId, keyId, this.now().toISOString());
  }

  get(merchantId: string): Promise<MerchantRecord | null> {
    return this.store.merchants.get(merchantId);
  }

  /**
   * The merchant holding the key id of `presentedKey`, whether the key matches or was revoked;
   * null when the id is free. For start-up checks of a preset key, never for authentication.
   */
  async keyIdHolder(presentedKey: string): Promise<string | null> {
    const keyId = apiKeyId(presentedKey);
    const found = keyId ? await this.store.merchants.getApiKeyWithMerchant(keyId) : null;
    return found?.merchant.id ?? null;
  }

  /** The merchant and key id a presented key belongs to, or null when unknown or revoked. */
  async authenticate(
    presentedKey: string,
  ): Promise<{ merchant: MerchantRecord; keyId: string } | null> {
    const keyId = apiKeyId(presentedKey);
    if (!keyId) {
      return null;
    }
    const found = await this.store.merchants.getApiKeyWithMerchant(keyId);
    if (!found || found.key.revokedAt !== null || !apiKeyMatches(presentedKey, found.key.hash)) {
      return null;
    }
    return { merchant: found.merchant, keyId };
  }
}
