/**
 * Legend: JD trace `opeTitle` → ParcelState, and which titles decide an interception outcome.
 *
 * Sourced: only the field itself (`TraceDTO.opeTitle`, "操作标题", id 35292785748). No table of
 * JD's titles was found, so EVERY entry below is ASSUMED from the words JD's tracking uses
 * (揽收 collected, 运输 transit, 派送 delivery, 妥投 delivered, 拒收 refused, 拦截 intercepted);
 * check them against real trace data and correct them here. Titles are matched exactly;
 * unlisted titles map to nothing and tracking uses the latest *listed* one.
 *
 * Outcomes are only read from traces at or after the interception was submitted (mapping.ts
 * `outcomeOfTraces`): JD has no intercept-status query (carrier-wire-formats.md §2.3).
 */
import type { ParcelState } from "../../contracts/normalized.ts";

export interface OpeTitleMeaning {
  state: ParcelState;
  /** What this trace says about a pending interception; null = decides nothing. */
  outcome: "succeeded" | "failed" | null;
  label: string;
}

export const jdOpeTitles: Record<string, OpeTitleMeaning> = {
  /** ASSUMED: a waybill JD has taken the order for, not yet collected. */
  接单: { state: "not_collected", outcome: null, label: "order received" },
  /** ASSUMED: picked up by the courier. */
  揽收: { state: "in_transit", outcome: null, label: "collected" },
  /** ASSUMED: sorting centre scan. */
  分拣: { state: "in_transit", outcome: null, label: "sorted" },
  /** ASSUMED: line haul between centres. */
  运输: { state: "in_transit", outcome: null, label: "in transit" },
  /** ASSUMED: arrival scan at the delivery station (站点验货). */
  站点验货: { state: "at_delivery_station", outcome: null, label: "at delivery station" },
  /** ASSUMED: handed to the courier for the last mile. */
  派送: { state: "out_for_delivery", outcome: null, label: "out for delivery" },
  /**
   * ASSUMED: delivered (妥投 = properly delivered). Outcome: a pending interception failed,
   * because the parcel kept going.
   */
  妥投: { state: "delivered", outcome: "failed", label: "delivered" },
  /**
   * ASSUMED: the recipient refused it, so it heads back to the sender. Not the interception's
   * doing: it decides nothing, the merchant still gets the parcel back.
   */
  拒收: { state: "returned", outcome: null, label: "refused by recipient" },
  /** ASSUMED: JD reports the interception done; the parcel goes back. */
  拦截成功: { state: "returned", outcome: "succeeded", label: "intercepted" },
  /** ASSUMED: returned to the sender (the effect of a successful interception). */
  已退回: { state: "returned", outcome: "succeeded", label: "returned" },
  /** ASSUMED: JD gave up the interception; the parcel continues to the recipient. */
  拦截失败: { state: "in_transit", outcome: "failed", label: "interception failed" },
};

/** The trace title's meaning, or undefined for a title the legend does not list. */
export function meaningOfOpeTitle(opeTitle: string): OpeTitleMeaning | undefined {
  return Object.hasOwn(jdOpeTitles, opeTitle) ? jdOpeTitles[opeTitle] : undefined;
}
