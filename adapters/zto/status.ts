/**
 * Legend: ZTO scan types → ParcelState.
 *
 * ZTO names a scan in two ways (a third, numeric one is reported but was not found):
 * - English action codes, with meanings, from two merchant integrations of ZTO's trace push
 *   (code ids 6296563980 `ZtoTrackObj.java` and 5829929434, which copy ZTO's table: GOT 收件
 *   网点揽收, DEPARTURE 发件, ARRIVAL 到件, DISPATCH 派件, RETURN_SCAN 退件, RETURN_SIGNED 退件签收,
 *   INBOUND 入站, HANDOVERSCAN_SIGNED 第三方妥投, DEPARTURE_SIGNED 出站签收, SIGNED 签收,
 *   PROBLEM 问题件), and the push log in `YangLiCon/docs` zto.md;
 * - Chinese names in trace-query replies (`scanType`, "如收件、派件等" in a ZOP response DTO,
 *   code id 15526029623; 收件/发件 in a legacy trace sample, id 37793084765; 签收, 第三方签收,
 *   退件签收 in a legacy Python client).
 * Both map through the same table. Each entry says whether its *state* is sourced (the meaning
 * names it) or ASSUMED (our reading). No scan decides an interception outcome: the gateway
 * intercepts nothing through ZTO.
 */
import type { ParcelState } from "../../contracts/normalized.ts";

export type ZtoAction =
  | "GOT"
  | "DEPARTURE"
  | "ARRIVAL"
  | "DISPATCH"
  | "RETURN_SCAN"
  | "RETURN_SIGNED"
  | "INBOUND"
  | "HANDOVERSCAN_SIGNED"
  | "DEPARTURE_SIGNED"
  | "SIGNED"
  | "PROBLEM";

export interface ScanMeaning {
  /** null: the scan says nothing about where the parcel is; tracking skips it. */
  state: ParcelState | null;
  source: "sourced" | "assumed";
  label: string;
}

export const ztoActions: Record<ZtoAction, ScanMeaning> = {
  /** 收件, 网点揽收: collected by the outlet (sourced). */
  GOT: { state: "in_transit", source: "sourced", label: "collected" },
  /** 发件, left an outlet or sorting centre (sourced). */
  DEPARTURE: { state: "in_transit", source: "sourced", label: "departed" },
  /**
   * 到件, arrived at an outlet or sorting centre (sourced). Which one decides: see
   * `stateOfScan` (arrival at a non-centre outlet = at the delivery station, ASSUMED).
   */
  ARRIVAL: { state: "in_transit", source: "sourced", label: "arrived" },
  /** 派件, 业务员派送: out for delivery (sourced). */
  DISPATCH: { state: "out_for_delivery", source: "sourced", label: "out for delivery" },
  /**
   * 退件, a return or an address change began (type in `returnType`). ASSUMED in_transit: the
   * parcel is moving, not yet back with the sender.
   */
  RETURN_SCAN: { state: "in_transit", source: "assumed", label: "return or re-address" },
  /** 退件签收, back with the sender (sourced). */
  RETURN_SIGNED: { state: "returned", source: "sourced", label: "returned to sender" },
  /**
   * 入站, put in a parcel shop / locker / agent point for the recipient to fetch. ASSUMED
   * at_delivery_station: the parcel waits at a terminal point and is not yet signed for.
   */
  INBOUND: { state: "at_delivery_station", source: "assumed", label: "at pickup point" },
  /** 第三方妥投, delivered into a pickup point, which ZTO counts as delivered (sourced). */
  HANDOVERSCAN_SIGNED: { state: "delivered", source: "sourced", label: "delivered to agent" },
  /** 出站签收, the recipient took it out of the pickup point (sourced). */
  DEPARTURE_SIGNED: { state: "delivered", source: "sourced", label: "picked up" },
  /** 签收, signed for (sourced). */
  SIGNED: { state: "delivered", source: "sourced", label: "signed" },
  /**
   * 问题件, a problem registered (code in `problemCode`). Deliberately unmapped: it says what went
   * wrong, not where the parcel is, so the scan before it keeps deciding.
   */
  PROBLEM: { state: null, source: "sourced", label: "problem registered" },
};

/** Chinese scan-type names → the action they stand for (sources in the header). */
export const ztoScanTypeAliases: Record<string, ZtoAction> = {
  收件: "GOT",
  发件: "DEPARTURE",
  到件: "ARRIVAL",
  派件: "DISPATCH",
  退件: "RETURN_SCAN",
  退件签收: "RETURN_SIGNED",
  入站: "INBOUND",
  第三方妥投: "HANDOVERSCAN_SIGNED",
  第三方签收: "HANDOVERSCAN_SIGNED",
  出站签收: "DEPARTURE_SIGNED",
  签收: "SIGNED",
  问题件: "PROBLEM",
};

/** The action a scan type stands for, or undefined when the legend does not list it. */
export function actionOf(scanType: string): ZtoAction | undefined {
  const trimmed = scanType.trim();
  if (Object.hasOwn(ztoActions, trimmed)) {
    return trimmed as ZtoAction;
  }
  return Object.hasOwn(ztoScanTypeAliases, trimmed) ? ztoScanTypeAliases[trimmed] : undefined;
}

/**
 * `isCenter` of the scanning site: "T"/"Y"/"1"/true = a sorting centre. The legacy trace samples
 * write T/F, the ZOP DTO comment says "F/N"; anything else counts as not said.
 */
export function isCentreFlag(value: string | boolean | null | undefined): boolean | undefined {
  if (value === null || value === undefined || value === "") {
    return undefined;
  }
  if (typeof value === "boolean") {
    return value;
  }
  const flag = value.trim().toUpperCase();
  if (flag === "T" || flag === "Y" || flag === "1" || flag === "TRUE") {
    return true;
  }
  if (flag === "F" || flag === "N" || flag === "0" || flag === "FALSE") {
    return false;
  }
  return undefined;
}

/**
 * The state one scan shows, or undefined when it shows none. ASSUMED refinement: an ARRIVAL at a
 * site explicitly flagged as not a sorting centre is the destination outlet (parcels are not
 * "arrived" at their origin outlet; in the zto.md push log the outlet of ARRIVAL is the one
 * that then dispatches), so the parcel is at the delivery station. Without the flag, in_transit.
 */
export function stateOfScan(
  scanType: string,
  siteIsCentre: boolean | undefined,
): ParcelState | undefined {
  const action = actionOf(scanType);
  if (action === undefined) {
    return undefined;
  }
  if (action === "ARRIVAL" && siteIsCentre === false) {
    return "at_delivery_station";
  }
  return ztoActions[action].state ?? undefined;
}
