/**
 * The merchants aggregate of the store seam (store.ts): merchants, and the API keys they
 * authenticate with.
 */

export interface MerchantRecord {
  id: string;
  name: string;
  pickupService: boolean;
  createdAt: string;
}

export interface ApiKeyRecord {
  /** The visible part of the key (`igk_…`), used to look the key up. */
  id: string;
  merchantId: string;
  /** Hex SHA-256 of the whole key; the key itself is never stored. */
  hash: string;
  createdAt: string;
  revokedAt: string | null;
}

/** Merchants and their API keys. */
export interface MerchantRepository {
  create(merchant: MerchantRecord): Promise<void>;
  get(id: string): Promise<MerchantRecord | null>;
  createApiKey(key: ApiKeyRecord): Promise<void>;
  /** A key and its merchant in one look-up: every authenticated request needs both. */
  getApiKeyWithMerchant(
    id: string,
  ): Promise<{ key: ApiKeyRecord; merchant: MerchantRecord } | null>;
  /** Returns false when the merchant has no such key. */
  revokeApiKey(merchantId: string, keyId: string, at: string): Promise<boolean>;
}
