/**
 * Assessing a request: what the carrier can do, where the parcel is (asked of the carrier),
 * which rules refuse it and who would pay. Shared by the intercept and eligibility endpoints and
 * by the worker when a request was accepted while the carrier could not be asked.
 */
import type { CarrierResult, TrackResult } from "../../contracts/carrier-adapter.ts";
import type { Cost, InterceptionRequest } from "../../contracts/interception.ts";
import type { ParcelState } from "../../contracts/normalized.ts";
import type { RegisteredCarrier } from "../carriers/registry.ts";
import { attributeCost, holdsFreeRedirect } from "../domain/cost.ts";
import { decideEligibility, type EligibilityDecision } from "../domain/eligibility.ts";
import type { MerchantRecord } from "../store/store.ts";
import type { ServiceDeps } from "./deps.ts";
import { ServiceError } from "./service-error.ts";
import { trackForAssessment } from "./tracking.ts";

export interface Assessment {
  carrier: RegisteredCarrier;
  decision: EligibilityDecision;
  /**
   * `unknown` when the carrier's tracking could not be reached in time, when the carrier does not
   * know the parcel, or when it is another merchant's.
   */
  parcelState: ParcelState;
  /** The carrier's tracking could not be reached in time: nothing is known of the parcel yet. */
  trackingUnreachable: boolean;
  cost: Cost;
  /** For a redirect: the order's other redirects holding a free one, as counted here. */
  freeRedirects?: number;
}

type AssessedRequest = Pick<
  InterceptionRequest,
  "carrier" | "trackingNumber" | "orderId" | "action" | "parcel"
>;

/**
 * Whether the carrier offers the action after collection: the adapter must support it and the
 * carrier's rules must allow it.
 */
export function carrierOffers(
  carrier: RegisteredCarrier,
  action: InterceptionRequest["action"],
): boolean {
  return carrier.capabilities.actions.includes(action) && carrier.rules.actions.includes(action);
}

/**
 * Whether the carrier could take the action for some parcel: it offers it after collection, or
 * it can cancel pickups (a parcel it has not collected is then locked, whatever the action).
 */
export function carrierCanEverDo(
  carrier: RegisteredCarrier,
  action: InterceptionRequest["action"],
): boolean {
  return carrierOffers(carrier, action) || carrier.capabilities.pickupCancel;
}

/** Refuses, before any carrier call, an action the carrier cannot take at all. */
export function refuseImpossibleAction(
  carrier: RegisteredCarrier,
  action: InterceptionRequest["action"],
): void {
  if (!carrierCanEverDo(carrier, action)) {
    const adapter = carrier.resilient.adapter;
    throw new ServiceError(
      "action_not_supported",
      `${adapter.displayName} does not offer "${action}".`,
      {
        reasons: [
          { code: "action_not_supported", message: `The carrier cannot ${action} parcels.` },
        ],
      },
    );
  }
}

/**
 * Tracks the parcel (within the deadline) and applies the rules. The caller looked the carrier
 * up, and refused an action the carrier cannot take at all (`refuseImpossibleAction`) before.
 */
export async function assess(
  deps: ServiceDeps,
  carrier: RegisteredCarrier,
  merchant: MerchantRecord,
  request: AssessedRequest,
  deadline: number,
  excludeId?: string,
): Promise<Assessment> {
  const owner = await deps.store.interceptions.parcelOwner(carrier.id, request.trackingNumber);
  // Another merchant's parcel is, for this one, a parcel the carrier does not know: the carrier
  // is not asked, and nothing in the answer tells that someone else has it.
  const ownedByAnother = owner !== null && owner !== merchant.id;
  const tracked = ownedByAnother
    ? asAnUnknownParcel(carrier)
    : await trackForAssessment(deps, merchant, carrier, request.trackingNumber, deadline);
  const unknownParcel =
    tracked === null || (!tracked.ok && tracked.error.code === "unknown_parcel");
  const parcelState = tracked?.ok ? tracked.value.state : null;
  const earlier = (
    await deps.store.interceptions.findForParcel(merchant.id, carrier.id, request.trackingNumber)
  ).filter((record) => record.id !== excludeId);
  // Only a redirect's eligibility and cost depend on the order's other redirects.
  const freeRedirects =
    request.action === "redirect"
      ? await countFreeRedirects(deps, merchant, request.orderId, excludeId)
      : 0;
  const decision = decideEligibility({
    request,
    rules: carrier.rules,
    actionOffered: carrierOffers(carrier, request.action),
    parcelState,
    destinationCountry: tracked?.ok ? (tracked.value.destinationCountry ?? null) : null,
    unknownParcel,
    earlier,
    orderRedirects: freeRedirects,
  });
  const cost = attributeCost({
    action: request.action,
    pickupService: merchant.pickupService,
    orderRedirects: freeRedirects,
    locked: decision.disposition === "lock",
    rules: carrier.rules,
  });
  return {
    carrier,
    decision,
    parcelState: parcelState ?? "unknown",
    trackingUnreachable: tracked !== null && !tracked.ok && !unknownParcel,
    cost,
    ...(request.action === "redirect" ? { freeRedirects } : {}),
  };
}

/**
 * Another merchant's parcel, answered without a carrier call as a parcel the carrier does not
 * know would be answered now: unknown (null), or, while the carrier's breaker admits no call,
 * unreachable like every parcel then is. "Unknown" during an open circuit would tell that someone
 * owns it. (A carrier that is down with its breaker still closed cannot be imitated without a
 * call; see README "Parcels belong to merchants".)
 */
function asAnUnknownParcel(carrier: RegisteredCarrier): CarrierResult<TrackResult> | null {
  const refused = carrier.resilient.shortCircuit;
  return refused ? { ok: false, error: refused } : null;
}

/**
 * The order's redirects, on any parcel and carrier, that hold a free one. Re-assessing a stored
 * interception (`assessedId`) leaves it out: it does not compete with itself.
 */
async function countFreeRedirects(
  deps: ServiceDeps,
  merchant: MerchantRecord,
  orderId: string,
  assessedId: string | undefined,
): Promise<number> {
  const redirects = await deps.store.interceptions.redirectsOfOrder(merchant.id, orderId);
  return redirects.filter((redirect) => redirect.id !== assessedId && holdsFreeRedirect(redirect))
    .length;
}
