/**
 * What the UPS sandbox shows of the shared world's parcels: Track API v1 replies and Track
 * Alert `TrackingEvent` pushes rendered from a parcel's timeline, with the status codes
 * status.ts reads back, so a parcel's state survives the trip through the adapter.
 */
import type { SandboxHistoryEntry, SandboxParcel } from "../sandbox-kit/world.ts";

interface UpsStatusView {
  type: string;
  code: string;
  description: string;
  statusCode: string;
}

/** How the sandbox renders each timeline step; codes as in status.ts (ASSUMED ones there). */
const STATUS_OF_KIND: Record<SandboxHistoryEntry["kind"], UpsStatusView> = {
  collected: { type: "I", code: "OR", description: "Picked Up by UPS", statusCode: "038" },
  transit: { type: "I", code: "DP", description: "On the Way", statusCode: "005" },
  at_station: { type: "I", code: "DS", description: "Preparing for Delivery", statusCode: "071" },
  out_for_delivery: { type: "I", code: "OT", description: "Out for Delivery", statusCode: "021" },
  delivered: { type: "D", code: "FS", description: "Delivered", statusCode: "011" },
  returned: { type: "X", code: "RS", description: "Returned to Sender", statusCode: "034" },
  redirected: {
    type: "I",
    code: "DC",
    description: "Delivery Address Changed",
    statusCode: "028",
  },
  unknown: { type: "NA", code: "NA", description: "Status Not Available", statusCode: "000" },
};

const MANIFEST: UpsStatusView = {
  type: "M",
  code: "MP",
  description: "Shipment Ready for UPS",
  statusCode: "003",
};

const ORIGIN = { city: "ATLANTA", stateProvince: "GA", postalCode: "30301", country: "US" };
const DESTINATION = { city: "BALTIMORE", stateProvince: "MD", postalCode: "21230", country: "US" };

/** UPS date and time fields for an instant; the sandbox keeps local time = GMT. */
export function upsClock(at: Date): { date: string; time: string } {
  const iso = at.toISOString();
  return {
    date: iso.slice(0, 10).replaceAll("-", ""),
    time: iso.slice(11, 19).replaceAll(":", ""),
  };
}

function placeOf(entry: SandboxHistoryEntry): typeof ORIGIN {
  return entry.kind === "collected" || entry.kind === "transit" ? ORIGIN : DESTINATION;
}

function activityOf(
  status: UpsStatusView,
  at: Date,
  place: typeof ORIGIN,
): Record<string, unknown> {
  const clock = upsClock(at);
  return {
    date: clock.date,
    time: clock.time,
    gmtDate: clock.date,
    gmtTime: clock.time,
    gmtOffset: "+00:00",
    location: { address: { ...place, countryCode: place.country } },
    status: { ...status, simplifiedTextDescription: status.description },
  };
}

/** The parcel's activities, most recent first, behind the manifest UPS always has. */
function activitiesOf(parcel: SandboxParcel): Record<string, unknown>[] {
  const first = parcel.history[0];
  const manifestAt = new Date((first ? Date.parse(first.at) : Date.now()) - 3_600_000);
  const activities = [activityOf(MANIFEST, manifestAt, ORIGIN)];
  for (const entry of parcel.history) {
    activities.push(activityOf(STATUS_OF_KIND[entry.kind], new Date(entry.at), placeOf(entry)));
  }
  return activities.reverse();
}

function destinationOf(parcel: SandboxParcel): Record<string, unknown> {
  const redirected = parcel.instructions.find(
    (i) => i.kind === "redirect" && i.status === "succeeded",
  );
  const info = (redirected?.redirectTo as { addressInfo?: Record<string, string> } | undefined)
    ?.addressInfo;
  if (info !== undefined) {
    return {
      addressLine1: info.addressLine1,
      city: info.city,
      stateProvince: info.state,
      postalCode: info.postalCode,
      country: info.countryCode,
      countryCode: info.countryCode,
    };
  }
  return { ...DESTINATION, countryCode: DESTINATION.country };
}

/** The Track API v1 reply for one package (carrier-wire-formats.md §6.2). */
export function renderUpsTrackReply(parcel: SandboxParcel): Record<string, unknown> {
  const activities = activitiesOf(parcel);
  const latest = activities[0] as { status?: unknown } | undefined;
  return {
    trackResponse: {
      shipment: [
        {
          inquiryNumber: parcel.trackingNumber,
          package: [
            {
              trackingNumber: parcel.trackingNumber,
              currentStatus: latest?.status,
              activity: activities,
              packageAddress: [
                { type: "ORIGIN", name: "SANDBOX SHIPPER", address: { ...ORIGIN } },
                { type: "DESTINATION", name: "SANDBOX RECEIVER", address: destinationOf(parcel) },
              ],
              packageCount: 1,
            },
          ],
        },
      ],
    },
  };
}

/** A Track Alert `TrackingEventRequest` for one new timeline step (§6.3). */
export function renderUpsTrackingEvent(parcel: SandboxParcel, entry: SandboxHistoryEntry): string {
  const status = STATUS_OF_KIND[entry.kind];
  const clock = upsClock(new Date(entry.at));
  const place = placeOf(entry);
  const delivered = entry.kind === "delivered";
  return JSON.stringify({
    trackingNumber: parcel.trackingNumber,
    localActivityDate: clock.date,
    localActivityTime: clock.time,
    scheduledDeliveryDate: "",
    actualDeliveryDate: delivered ? clock.date : "",
    actualDeliveryTime: delivered ? clock.time : "",
    gmtActivityDate: clock.date,
    gmtActivityTime: clock.time,
    gmtOffset: "+00.00",
    activityLocation: place,
    activityStatus: {
      type: status.type,
      code: status.code,
      description: status.description,
      descriptionCode: status.statusCode,
    },
    deliveryStartTime: "",
    deliveryEndTime: "",
    deliveryTimeDescription: "",
    deliveryPhoto: "",
    alternateTrackingNumber: "",
  });
}
