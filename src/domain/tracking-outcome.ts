/**
 * What a parcel's tracking alone says about an interception, for carriers that push outcomes
 * but whose push may be lost (the gateway was down, the carrier gave up re-sending).
 */
import type { Action, ParcelState } from "../../contracts/normalized.ts";

/**
 * A returned parcel means a return-to-sender worked; a delivered one means it did not. Tracking
 * cannot tell a redirected delivery from an ordinary one, so a redirect is never decided here.
 */
export function outcomeFromTracking(
  action: Action,
  state: ParcelState,
): "succeeded" | "failed" | null {
  if (action !== "intercept") {
    return null;
  }
  if (state === "returned") {
    return "succeeded";
  }
  return state === "delivered" ? "failed" : null;
}
