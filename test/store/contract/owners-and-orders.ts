/**
 * The contract of parcel ownership (API.md "Parcels belong to merchants") and of the order's free
 * redirect (DOMAIN.md "Redirect") as the store keeps them.
 */

import { beforeEach, describe, expect, it } from "vitest";
import { gatewayActor } from "../../../src/domain/actors.ts";
import { noCharge } from "../../../src/domain/cost.ts";
import { newId } from "../../../src/ids.ts";
import {
  type InterceptionRecord,
  OrderRedirectsChangedError,
  ParcelBusyError,
  ParcelOfAnotherMerchantError,
  type Store,
} from "../../../src/store/store.ts";
import { freeRedirect } from "./fixtures.ts";
import type { ContractSubject } from "./index.ts";

const at = "2026-11-21T08:00:00.000Z";

export function ownersAndOrdersContract(subject: ContractSubject): void {
  describe("parcels and orders", () => {
    let store: Store;
    beforeEach(() => {
      store = subject.store;
    });

    function parcelInterception(overrides: Partial<InterceptionRecord> = {}): InterceptionRecord {
      return {
        id: newId("icp"),
        merchantId: "mer_a",
        carrier: "sf-express",
        trackingNumber: "SF1400000000001",
        orderId: "ORD-1",
        action: "redirect",
        reason: "address_error",
        items: [],
        parcel: { declaredValue: { amount: "99.00", currency: "CNY" }, category: "apparel" },
        redirectTo: {
          name: "Li Lei",
          phone: "13800138000",
          country: "CN",
          city: "深圳",
          line1: "1",
        },
        note: null,
        status: "pending",
        parcelState: "in_transit",
        successLikelihood: "normal",
        carrierReference: null,
        cost: freeRedirect,
        failure: null,
        createdAt: at,
        updatedAt: at,
        ...overrides,
      };
    }

    function insert(record: InterceptionRecord, key: string | null = null) {
      return store.interceptions.insert({
        interception: record,
        event: {
          at,
          status: record.status,
          detail: "Stored.",
          carrierEventId: null,
          actor: gatewayActor,
        },
        job: null,
        idempotency: key
          ? {
              merchantId: record.merchantId,
              key,
              claim: {
                merchantId: record.merchantId,
                key,
                fingerprint: "f",
                now: at,
                lockedUntil: at,
              },
            }
          : null,
      });
    }

    function end(id: string, to: "failed" | "cancelled" | "succeeded") {
      return store.interceptions.transition(id, {
        from: ["pending", "submitted"],
        to,
        event: { at, detail: to, actor: gatewayActor },
      });
    }

    describe("parcel owners", () => {
      it("binds a parcel to the merchant of its first stored interception, and keeps it", async () => {
        expect(await store.interceptions.parcelOwner("sf-express", "SF1400000000001")).toBeNull();
        const first = parcelInterception();
        await insert(first);
        expect(await store.interceptions.parcelOwner("sf-express", "SF1400000000001")).toBe(
          "mer_a",
        );
        // The same merchant intercepts it again once the first ended: still A's.
        await end(first.id, "failed");
        await insert(parcelInterception());
        expect(await store.interceptions.parcelOwner("sf-express", "SF1400000000001")).toBe(
          "mer_a",
        );
        // Same tracking number at another carrier: another parcel.
        expect(await store.interceptions.parcelOwner("jd", "SF1400000000001")).toBeNull();
      });

      it("refuses another merchant's interception of the parcel and stores none of it", async () => {
        const first = parcelInterception();
        await insert(first);
        await end(first.id, "cancelled");
        const other = parcelInterception({ merchantId: "mer_b" });
        await expect(insert(other, "key-b")).rejects.toBeInstanceOf(ParcelOfAnotherMerchantError);
        expect(await store.interceptions.getById(other.id)).toBeNull();
        // The key claimed in the same transaction was rolled back with it.
        expect(await store.idempotency.has("mer_b", "key-b")).toBe(false);
        expect(await store.interceptions.parcelOwner("sf-express", "SF1400000000001")).toBe(
          "mer_a",
        );
      });

      it("tells another merchant that the parcel is not theirs before that it is busy", async () => {
        await insert(parcelInterception());
        await expect(insert(parcelInterception({ merchantId: "mer_b" }))).rejects.toBeInstanceOf(
          ParcelOfAnotherMerchantError,
        );
        // The owner's own second open interception is the busy case.
        await expect(insert(parcelInterception())).rejects.toBeInstanceOf(ParcelBusyError);
      });
    });

    describe("a parcel the carrier has not confirmed", () => {
      it("is bound by no insert, and by the first transition that binds it", async () => {
        const ofB = parcelInterception({ merchantId: "mer_b", parcelState: "unknown" });
        await insert(ofB);
        expect(await store.interceptions.parcelOwner("sf-express", "SF1400000000001")).toBeNull();
        // B's unconfirmed interception keeps nobody out: A's confirmed one is stored and binds.
        const ofA = parcelInterception();
        await insert(ofA);
        expect(await store.interceptions.parcelOwner("sf-express", "SF1400000000001")).toBe(
          "mer_a",
        );

        const bind = {
          from: ["pending"] as const,
          patch: { parcelState: "in_transit" as const },
          event: { at, detail: "The carrier reports the parcel in_transit.", actor: gatewayActor },
          bindParcel: true,
        };
        expect(await store.interceptions.transition(ofB.id, bind)).toBe(
          "parcel_of_another_merchant",
        );
        const unchanged = await store.interceptions.getById(ofB.id);
        expect(unchanged).toMatchObject({ parcelState: "unknown" });
        expect(unchanged?.events).toHaveLength(1);

        const mine = parcelInterception({
          trackingNumber: "SF1400000000002",
          parcelState: "unknown",
        });
        await insert(mine);
        expect(await store.interceptions.transition(mine.id, bind)).toBe("applied");
        expect(await store.interceptions.parcelOwner("sf-express", "SF1400000000002")).toBe(
          "mer_a",
        );
      });
    });

    describe("the order's redirects", () => {
      it("lists the merchant's redirects of one order across parcels and carriers, oldest first", async () => {
        const first = parcelInterception({ trackingNumber: "SF1400000000001" });
        const second = parcelInterception({ trackingNumber: "JDVA00000000001", carrier: "jd" });
        await insert(first);
        await insert(second);
        await insert(
          parcelInterception({ trackingNumber: "SF1400000000003", action: "intercept" }),
        );
        await insert(parcelInterception({ trackingNumber: "SF1400000000004", orderId: "ORD-2" }));
        await insert(
          parcelInterception({ trackingNumber: "SF1400000000005", merchantId: "mer_b" }),
        );
        await end(second.id, "failed");
        expect(await store.interceptions.redirectsOfOrder("mer_a", "ORD-1")).toEqual([
          { id: first.id, status: "pending", cost: freeRedirect },
          // A failed redirect is stored with no charge.
          { id: second.id, status: "failed", cost: noCharge() },
        ]);
        expect(await store.interceptions.redirectsOfOrder("mer_b", "ORD-9")).toEqual([]);
      });

      it("stores a redirect reaching failed or cancelled with no charge, whatever the patch says", async () => {
        const failed = parcelInterception({ trackingNumber: "SF1400000000001" });
        const cancelled = parcelInterception({ trackingNumber: "SF1400000000002" });
        const succeeded = parcelInterception({ trackingNumber: "SF1400000000003" });
        for (const record of [failed, cancelled, succeeded]) {
          await insert(record);
        }
        await store.interceptions.transition(failed.id, {
          from: ["pending"],
          to: "failed",
          patch: { cost: { ...freeRedirect, final: { amount: "9.00", currency: "CNY" } } },
          event: { at, detail: "failed", actor: gatewayActor },
        });
        await end(cancelled.id, "cancelled");
        await end(succeeded.id, "succeeded");
        const noCharge = {
          payer: "none",
          mode: "none",
          quoted: null,
          final: null,
          settlement: "none",
        };
        expect((await store.interceptions.getById(failed.id))?.cost).toEqual(noCharge);
        expect((await store.interceptions.getById(cancelled.id))?.cost).toEqual(noCharge);
        expect((await store.interceptions.getById(succeeded.id))?.cost).toEqual(freeRedirect);
      });

      it("keeps a failed return's cost: the freight may still be collected on delivery", async () => {
        const collectOnDelivery = {
          payer: "merchant",
          mode: "collect_on_delivery",
          quoted: null,
          final: null,
          settlement: "offline",
        } as const;
        const record = parcelInterception({
          action: "intercept",
          redirectTo: null,
          cost: collectOnDelivery,
        });
        await insert(record);
        await end(record.id, "failed");
        expect((await store.interceptions.getById(record.id))?.cost).toEqual(collectOnDelivery);
      });

      it("stores a redirect only while the order's free redirects are as many as assumed", async () => {
        const redirect = (record: InterceptionRecord, assumedFreeRedirects: number) =>
          store.interceptions.insert({
            interception: record,
            event: {
              at,
              status: record.status,
              detail: "Stored.",
              carrierEventId: null,
              actor: gatewayActor,
            },
            job: null,
            idempotency: null,
            assumedFreeRedirects,
          });
        const first = parcelInterception({ trackingNumber: "SF1400000000001" });
        await redirect(first, 0);
        // Assessed before `first` was stored: it thought the free redirect was still there.
        const late = parcelInterception({ trackingNumber: "SF1400000000002" });
        await expect(redirect(late, 0)).rejects.toBeInstanceOf(OrderRedirectsChangedError);
        expect(await store.interceptions.getById(late.id), "nothing stored").toBeNull();
        expect(await store.interceptions.parcelOwner("sf-express", "SF1400000000002")).toBeNull();

        await redirect(late, 1);
        expect(await store.interceptions.getById(late.id)).toMatchObject({ status: "pending" });
      });
    });
  });
}
