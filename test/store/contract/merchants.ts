/** The contract of `store.meta` and `store.merchants`. */
import { describe, expect, it } from "vitest";
import { at, merchant } from "./fixtures.ts";
import type { ContractSubject } from "./index.ts";

export function merchantsContract(subject: ContractSubject): void {
  describe("meta", () => {
    it("records the mode of the first start and answers it to every later one", async () => {
      const { store } = subject;
      expect(await store.meta.claimMode("live"), "a database with no mode yet").toBe("live");
      expect(await store.meta.claimMode("demo")).toBe("live");
      expect(await store.meta.claimMode("live")).toBe("live");
    });
  });

  describe("merchants and API keys", () => {
    it("creates and reads merchants", async () => {
      const { store } = subject;
      expect(await store.merchants.get("mer_a")).toEqual(merchant("mer_a"));
      expect(await store.merchants.get("mer_b")).toEqual(merchant("mer_b"));
      expect(await store.merchants.get("mer_missing")).toBeNull();
    });

    it("stores keys and revokes them only for their own merchant, keeping the first time", async () => {
      const { store } = subject;
      const key = {
        id: "igk_one",
        merchantId: "mer_a",
        hash: "a".repeat(64),
        createdAt: at(0),
        revokedAt: null,
      };
      await store.merchants.createApiKey(key);
      expect(await store.merchants.getApiKeyWithMerchant("igk_one")).toEqual({
        key,
        merchant: merchant("mer_a"),
      });
      expect(await store.merchants.getApiKeyWithMerchant("igk_missing")).toBeNull();

      expect(await store.merchants.revokeApiKey("mer_b", "igk_one", at(5)), "other merchant").toBe(
        false,
      );
      expect((await store.merchants.getApiKeyWithMerchant("igk_one"))?.key.revokedAt).toBeNull();
      expect(await store.merchants.revokeApiKey("mer_a", "igk_missing", at(5))).toBe(false);

      expect(await store.merchants.revokeApiKey("mer_a", "igk_one", at(5))).toBe(true);
      expect(await store.merchants.revokeApiKey("mer_a", "igk_one", at(9)), "second revoke").toBe(
        true,
      );
      expect((await store.merchants.getApiKeyWithMerchant("igk_one"))?.key.revokedAt).toBe(at(5));
    });

    it("rejects a second key with the same hash and a key for an unknown merchant", async () => {
      const { store } = subject;
      const hash = "b".repeat(64);
      await store.merchants.createApiKey({
        id: "igk_1",
        merchantId: "mer_a",
        hash,
        createdAt: at(0),
        revokedAt: null,
      });
      // Case-insensitive: each engine words its constraint errors its own way.
      await expect(
        store.merchants.createApiKey({
          id: "igk_2",
          merchantId: "mer_a",
          hash,
          createdAt: at(0),
          revokedAt: null,
        }),
      ).rejects.toThrow(/unique/i);
      await expect(
        store.merchants.createApiKey({
          id: "igk_3",
          merchantId: "mer_nobody",
          hash: "c".repeat(64),
          createdAt: at(0),
          revokedAt: null,
        }),
      ).rejects.toThrow(/foreign key/i);
    });
  });
}
