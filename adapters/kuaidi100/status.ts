/**
 * Legend: Kuaidi100 tracking `state` codes → ParcelState, and intercept callback statuses →
 * outcome.
 *
 * Sources for the tracking codes:
 * - main states 0–7 with their Chinese names: java-demo `QueryTrackResp.state` and
 *   `QueryTrackData.status` comments, carrier-wire-formats.md §3.4 (sourced);
 * - customs 8/10–13 and 拒签 14: `QueryTrackResp.state` comment (sourced);
 * - the detailed codes sent with `resultv2=4` (101/102/103, 1001–1003, 501, 301–304, 401,
 *   2xx): one integrator's status table (ruoyi `ParcelStatusMapper`), matching Kuaidi100's
 *   "高级物流状态" naming (weak).
 * The ParcelState each code maps to is our reading; entries marked ASSUMED are the judgement
 * calls. Unlisted codes map to nothing, and tracking falls back to the latest listed event.
 */
import type { ParcelState } from "../../contracts/normalized.ts";

export interface StateMeaning {
  state: ParcelState;
  source: "sourced" | "weak";
  label: string;
}

export const kuaidi100States: Record<string, StateMeaning> = {
  /** 0 在途: in transit (sourced). */
  "0": { state: "in_transit", source: "sourced", label: "在途" },
  /** 1001 到达派件城市: ASSUMED closest to "at the delivery station" (weak). */
  "1001": { state: "at_delivery_station", source: "weak", label: "到达派件城市" },
  /** 1002 干线: trunk transport (weak). */
  "1002": { state: "in_transit", source: "weak", label: "干线" },
  /** 1003 转递: handed on (weak). */
  "1003": { state: "in_transit", source: "weak", label: "转递" },
  /** 1 揽收: picked up, so in transit for us, as SF's 50 (sourced). */
  "1": { state: "in_transit", source: "sourced", label: "揽收" },
  /** 101 已下单: ordered, not collected (weak). */
  "101": { state: "not_collected", source: "weak", label: "已下单" },
  /** 102 待揽收: waiting for pickup (weak). */
  "102": { state: "not_collected", source: "weak", label: "待揽收" },
  /** 103 已揽收: collected (weak). */
  "103": { state: "in_transit", source: "weak", label: "已揽收" },
  /**
   * 2 疑难: a problem parcel. ASSUMED `unknown`: the code says something is wrong, not where
   * the parcel is (sourced name).
   */
  "2": { state: "unknown", source: "sourced", label: "疑难" },
  /** 201 超时未签收 (weak); ASSUMED unknown like 2. */
  "201": { state: "unknown", source: "weak", label: "超时未签收" },
  /** 202 超时未更新: no news for too long (weak); unknown. */
  "202": { state: "unknown", source: "weak", label: "超时未更新" },
  /** 203 拒收 (weak); ASSUMED unknown like 2. */
  "203": { state: "unknown", source: "weak", label: "拒收" },
  /** 204 派件异常 (weak); ASSUMED unknown like 2. */
  "204": { state: "unknown", source: "weak", label: "派件异常" },
  /** 3 签收: delivered (sourced). */
  "3": { state: "delivered", source: "sourced", label: "签收" },
  /** 301 本人签收 (weak). */
  "301": { state: "delivered", source: "weak", label: "本人签收" },
  /** 302 派件异常后签收 (weak). */
  "302": { state: "delivered", source: "weak", label: "派件异常后签收" },
  /** 303 代签 (weak). */
  "303": { state: "delivered", source: "weak", label: "代签" },
  /** 304 投柜或站签收 (weak). */
  "304": { state: "delivered", source: "weak", label: "投柜或站签收" },
  /** 4 退签: returned to and signed for by the sender (sourced). */
  "4": { state: "returned", source: "sourced", label: "退签" },
  /** 401 已销单 (weak); ASSUMED returned like 4, its parent. */
  "401": { state: "returned", source: "weak", label: "已销单" },
  /** 5 派件: out for delivery (sourced). */
  "5": { state: "out_for_delivery", source: "sourced", label: "派件" },
  /** 501 投柜或驿站: in a locker or pickup station, part of 派件 (weak). */
  "501": { state: "out_for_delivery", source: "weak", label: "投柜或驿站" },
  /**
   * 6 退回: on its way back to the sender (sourced). ParcelState has no "returning", and an
   * interception's success is exactly this, so `returned`.
   */
  "6": { state: "returned", source: "sourced", label: "退回" },
  /** 7 转投: forwarded to another address, still moving (sourced). */
  "7": { state: "in_transit", source: "sourced", label: "转投" },
  /** 8 清关: customs (carrier-wire-formats.md §3.4 "8 states"); still moving. */
  "8": { state: "in_transit", source: "sourced", label: "清关" },
  /** 10 待清关 (sourced). */
  "10": { state: "in_transit", source: "sourced", label: "待清关" },
  /** 11 清关中 (sourced). */
  "11": { state: "in_transit", source: "sourced", label: "清关中" },
  /** 12 已清关 (sourced). */
  "12": { state: "in_transit", source: "sourced", label: "已清关" },
  /** 13 清关异常 (sourced); ASSUMED unknown like 2. */
  "13": { state: "unknown", source: "sourced", label: "清关异常" },
  /** 14 拒签: refused by the recipient (sourced); ASSUMED `returned`, it goes back. */
  "14": { state: "returned", source: "sourced", label: "拒签" },
};

/** The state code's meaning, or undefined for a code the legend does not list. */
export function meaningOfState(code: string): StateMeaning | undefined {
  return Object.hasOwn(kuaidi100States, code) ? kuaidi100States[code] : undefined;
}

/**
 * Track entries carry `status` as the Chinese name (`QueryTrackData.status`: "在途", "签收"…);
 * read it through the same legend when there is no `statusCode`.
 */
export function meaningOfStatusLabel(label: string): StateMeaning | undefined {
  return Object.values(kuaidi100States).find((meaning) => meaning.label === label);
}

/**
 * ASSUMED callback statuses (format not found): `success` / `failure` / `cancelled`, the
 * three outcomes every intercept result report we read has (TOP `cut.notify` 1/2/3).
 */
export const callbackOutcomes = {
  success: "succeeded",
  failure: "failed",
  cancelled: "cancelled",
} as const;

/** The merchant-visible detail of each callback status, as Cainiao's result labels say it. */
export const callbackLabels = {
  success: "拦截成功",
  failure: "拦截失败",
  cancelled: "拦截取消",
} as const;
