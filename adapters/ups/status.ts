/**
 * Legend: UPS tracking status → ParcelState, and what a status says about a pending intercept.
 *
 * Sources:
 * - activity `type` letters: Track Alert spec (D, I, M, MV, U, X) and UPS's "Package Activity
 *   Types" appendix as copied in karrio (`vendors/Tracking-package-activity-types.html`, adds NA
 *   "Not Available");
 * - 3-digit `statusCode`: UPS's "Status/Description Codes" appendix (karrio
 *   `vendors/Tracking-status-description-codes.html`); the Track spec's example is "003";
 * - 2-letter `code`: only OT (out for delivery) and FS (delivered) appear in the Track Alert
 *   spec examples; karrio lists RS among "delivery failed" codes.
 * Each entry says `sourced` (the code and its meaning are in a source) or `assumed` (our
 * reading of a sourced text, or a code no source gives). Unlisted codes decide nothing.
 */
import type { ParcelState } from "../../contracts/normalized.ts";

/** What a status tells about an intercept (return) or redirect the gateway is waiting on. */
export type UpsSignal =
  /** Back at the shipper: a return to sender (intercept) completed. */
  | "returned"
  /** UPS accepted and applied a return to sender; the parcel is on its way back. */
  | "returning"
  /** The delivery address was changed: a redirect applied. */
  | "redirected"
  /** Delivered (to whatever address UPS had at the time). */
  | "delivered"
  /** A delivery change request was cancelled. */
  | "request_cancelled";

export interface UpsStatusMeaning {
  /** null: the status decides nothing about where the parcel is (e.g. a date update). */
  state: ParcelState | null;
  signal: UpsSignal | null;
  source: "sourced" | "assumed";
  label: string;
}

function m(
  state: ParcelState | null,
  signal: UpsSignal | null,
  source: UpsStatusMeaning["source"],
  label: string,
): UpsStatusMeaning {
  return { state, signal, source, label };
}

/** By 3-digit `statusCode` (Track API) / `descriptionCode` (Track Alert, ASSUMED same table). */
export const upsStatusCodes: Record<string, UpsStatusMeaning> = {
  /** "Status Not Available" (sourced). */
  "000": m("unknown", null, "sourced", "status not available"),
  /** "Shipment Ready for UPS" (sourced): label created, not collected. */
  "003": m("not_collected", null, "sourced", "shipment ready for UPS"),
  /** "Order Processed: Ready for UPS" (sourced). */
  "080": m("not_collected", null, "sourced", "order processed, ready for UPS"),
  /** "On the Way" (sourced). */
  "005": m("in_transit", null, "sourced", "on the way"),
  /** "Picked Up by UPS" (sourced). */
  "038": m("in_transit", null, "sourced", "picked up"),
  /**
   * "Preparing for Delivery" (sourced text). ASSUMED: it happens at the destination facility,
   * so it is our `at_delivery_station`; no source names a "destination scan" code.
   */
  "071": m("at_delivery_station", null, "assumed", "preparing for delivery"),
  /** "Out for Delivery" (sourced: 006, 021, 037, 089, 091, 146, 162 all carry this text). */
  "006": m("out_for_delivery", null, "sourced", "out for delivery"),
  "021": m("out_for_delivery", null, "sourced", "out for delivery"),
  "037": m("out_for_delivery", null, "sourced", "out for delivery"),
  "089": m("out_for_delivery", null, "sourced", "out for delivery"),
  "091": m("out_for_delivery", null, "sourced", "out for delivery"),
  "146": m("out_for_delivery", null, "sourced", "out for delivery"),
  "162": m("out_for_delivery", null, "sourced", "out for delivery"),
  /** "Loaded on Delivery Vehicle" (sourced text; ASSUMED to mean out for delivery). */
  "072": m("out_for_delivery", null, "assumed", "loaded on delivery vehicle"),
  /** "Delivered" (sourced). */
  "011": m("delivered", "delivered", "sourced", "delivered"),
  /** "Delivery Address Changed" (sourced). ASSUMED: this is how an applied redirect shows. */
  "028": m("in_transit", "redirected", "assumed", "delivery address changed"),
  /** "Address Change Confirmed" (sourced). ASSUMED: a redirect applied. */
  "096": m("in_transit", "redirected", "assumed", "address change confirmed"),
  /** "Returned to Sender" (sourced). The return (intercept) completed. */
  "034": m("returned", "returned", "sourced", "returned to sender"),
  /** "Returning to Sender" (sourced). ASSUMED: the return instruction took effect. */
  "035": m("in_transit", "returning", "assumed", "returning to sender"),
  /** "Returning to Sender: In Transit" (sourced). ASSUMED: as 035. */
  "036": m("in_transit", "returning", "assumed", "returning to sender, in transit"),
  /** "Return to Sender Confirmed" (sourced). ASSUMED: as 035. */
  "118": m("in_transit", "returning", "assumed", "return to sender confirmed"),
  /** "Request Canceled" (sourced). ASSUMED: our delivery change request was withdrawn. */
  "114": m(null, "request_cancelled", "assumed", "request canceled"),
};

/** By `type` + 2-letter `code`, checked when the statusCode is absent or unlisted. */
export const upsTypeCodes: Record<string, UpsStatusMeaning> = {
  /** Out for delivery (sourced: Track Alert spec example I/OT). */
  "I/OT": m("out_for_delivery", null, "sourced", "out for delivery"),
  /** Delivered (sourced: Track Alert spec example D/FS). */
  "D/FS": m("delivered", "delivered", "sourced", "delivered"),
  /** Returned to shipper (weak: karrio lists RS as "delivery failed"; ASSUMED meaning). */
  "X/RS": m("returned", "returned", "assumed", "returned to shipper"),
};

/** By activity `type` alone, the last resort. */
export const upsTypes: Record<string, UpsStatusMeaning> = {
  /** Delivered (sourced). */
  D: m("delivered", "delivered", "sourced", "delivered"),
  /** "In Transit, Out for Delivery" (sourced); OT is told apart above. */
  I: m("in_transit", null, "sourced", "in transit"),
  /** Manifest / billing information received (sourced): not collected yet. */
  M: m("not_collected", null, "sourced", "manifest"),
  /**
   * Billing information voided (sourced). ASSUMED `unknown`: the label was cancelled, so "not
   * collected" would invite a lock on a shipment that no longer exists.
   */
  MV: m("unknown", null, "assumed", "manifest voided"),
  /** Exception (sourced). ASSUMED: still in UPS's network, so in transit. */
  X: m("in_transit", null, "assumed", "exception"),
  /** Pickup (ASSUMED: commonly seen, in no spec read). */
  P: m("in_transit", null, "assumed", "pickup"),
  /** Updated delivery date or time (sourced, Track Alert only): says nothing about place. */
  U: m(null, null, "sourced", "delivery date update"),
  /** Not available (sourced). */
  NA: m("unknown", null, "sourced", "not available"),
};

/** A 1–3 digit code as the appendix writes it ("3" and "003" are the same code). */
function normalizeStatusCode(code: string): string {
  return /^\d{1,3}$/.test(code) ? code.padStart(3, "0") : code;
}

/** The meaning of one status, or undefined when no table lists it. */
export function meaningOfStatus(status: {
  type?: string | null;
  code?: string | null;
  statusCode?: string | null;
}): UpsStatusMeaning | undefined {
  const statusCode = status.statusCode ? normalizeStatusCode(status.statusCode) : "";
  if (statusCode !== "" && Object.hasOwn(upsStatusCodes, statusCode)) {
    return upsStatusCodes[statusCode];
  }
  const typeCode = `${status.type ?? ""}/${status.code ?? ""}`;
  if (Object.hasOwn(upsTypeCodes, typeCode)) {
    return upsTypeCodes[typeCode];
  }
  const type = status.type ?? "";
  return Object.hasOwn(upsTypes, type) ? upsTypes[type] : undefined;
}
