/**
 * Legends: TOP trace `action` → ParcelState, and delivery-cut `intercept_status` → outcome.
 *
 * Sources: `TransitStepInfo.action` is "节点说明，指明当前节点揽收、派送，签收" (bububa/opentaobao
 * `model/tblogistics/TransitStepInfo.go`); the only action value seen in a TOP doc example is
 * `ARRIVE` (taobao.logistics.trace.get response example, CSDN mirror of the TOP doc page);
 * `TMS_COLLECT` (揽收) appears in the 淘天物流快递轨迹查询 example (TOP apiId 70286). No full action
 * table was found: every other code is ASSUMED (Cainiao-style node names) and marked so.
 * Unlisted codes map to nothing; tracking uses the latest *listed* action.
 */
import type { ParcelState } from "../../contracts/normalized.ts";

/** What one trace `action` says about the parcel. */
export interface ActionMeaning {
  state: ParcelState;
  source: "sourced" | "assumed";
  label: string;
}

/** The trace action legend (see the file comment for sources). */
export const topTraceActions: Record<string, ActionMeaning> = {
  /** 揽收 (sourced: apiId 70286 example `operate_action`). */
  TMS_COLLECT: { state: "in_transit", source: "sourced", label: "collected" },
  /** 揽收成功 (ASSUMED: Cainiao node name for a pickup). */
  GOT: { state: "in_transit", source: "assumed", label: "collected" },
  /** 到达 (sourced: trace.get example "达到杭州物流集中地", action ARRIVE). */
  ARRIVE: { state: "in_transit", source: "sourced", label: "arrived at hub" },
  /** 发出 (ASSUMED). */
  DEPARTURE: { state: "in_transit", source: "assumed", label: "left hub" },
  /** 到达派件网点/驿站 (ASSUMED). */
  TMS_STATION_IN: {
    state: "at_delivery_station",
    source: "assumed",
    label: "at destination station",
  },
  /** 派件 (ASSUMED). */
  SENT_SCAN: { state: "out_for_delivery", source: "assumed", label: "out for delivery" },
  /** 签收 (ASSUMED). */
  SIGN: { state: "delivered", source: "assumed", label: "delivered" },
  /** 退回/拦截退回 (ASSUMED). */
  TMS_RETURN: { state: "returned", source: "assumed", label: "returned to sender" },
};

/** The action's meaning, or undefined for a code the legend does not list. */
export function meaningOfAction(action: string | null | undefined): ActionMeaning | undefined {
  if (action === null || action === undefined) {
    return undefined;
  }
  return Object.hasOwn(topTraceActions, action) ? topTraceActions[action] : undefined;
}

/** What one `intercept_status` decides. */
export interface InterceptStatusMeaning {
  outcome: "succeeded" | "failed" | "cancelled";
  state: ParcelState;
  label: string;
}

/**
 * `intercept_status` of taobao.logistics.express.delivery.cut.notify (sourced: metadata
 * "1拦截成功，2拦截失败，3拦截取消"). The notify carries no parcel state, so `state` is ASSUMED:
 * - 1: the parcel goes back to the sender → `returned`;
 * - 2: it could not be stopped and is delivered (DOMAIN.md: a failed interception keeps moving
 *   to the buyer) → `delivered`;
 * - 3: the interception was withdrawn; the parcel continues as before → `in_transit`.
 */
export const interceptStatuses: Record<"1" | "2" | "3", InterceptStatusMeaning> = {
  "1": { outcome: "succeeded", state: "returned", label: "拦截成功" },
  "2": { outcome: "failed", state: "delivered", label: "拦截失败" },
  "3": { outcome: "cancelled", state: "in_transit", label: "拦截取消" },
};
