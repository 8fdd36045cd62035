/**
 * Pure UPS tracking mapping: Track API replies → tracking results and the intercept signals
 * they carry, the outcome of a pending intercept or redirect decided from those signals, and
 * Track Alert pushes → reports. No I/O here, so every function is tested with fixtures.
 */
import type {
  CarrierReport,
  CarrierResult,
  PolledOutcome,
  TrackingEvent,
  TrackResult,
} from "../../contracts/carrier-adapter.ts";
import type { Action } from "../../contracts/normalized.ts";
import { badResponse, parseJson } from "../http.ts";
import { UPS_CARRIER } from "./client.ts";
import { upsCodeError, upsKnownCodes } from "./errors.ts";
import { fail } from "./mapping.ts";
import { type UpsActivity, UpsTrackingEventSchema, UpsTrackReplySchema } from "./schema.ts";
import { meaningOfStatus, type UpsSignal } from "./status.ts";

/**
 * UPS date `YYYYMMDD` + time `HHMMSS` (a leading zero may be missing) at `offset` (`-05:00`
 * or Track Alert's `-04.00`) → ISO-8601 UTC; without an offset the time is read as UTC. The raw
 * text when it has another format.
 */
export function upsTimeToIso(
  date: string | null | undefined,
  time: string | null | undefined,
  offset?: string | null,
): string {
  const d = (date ?? "").trim();
  const t = (time ?? "").trim().padStart(6, "0");
  if (!/^\d{8}$/.test(d) || !/^\d{6}$/.test(t)) {
    return `${d} ${time ?? ""}`.trim();
  }
  const zone = /^[+-]\d{2}[:.]\d{2}$/.test(offset ?? "") ? (offset ?? "").replace(".", ":") : "Z";
  const iso = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}${zone}`;
  const parsed = Date.parse(iso);
  return Number.isNaN(parsed) ? iso : new Date(parsed).toISOString();
}

/** The time of one activity: GMT fields first, else local date/time with the offset. */
function activityTime(activity: UpsActivity): string {
  if (activity.gmtDate && activity.gmtTime) {
    return upsTimeToIso(activity.gmtDate, activity.gmtTime);
  }
  return upsTimeToIso(activity.date, activity.time, activity.gmtOffset);
}

interface ReadEvent extends TrackingEvent {
  signal: UpsSignal | null;
  decisive: boolean;
}

function eventOf(activity: UpsActivity): ReadEvent {
  const status = activity.status ?? {};
  const meaning = meaningOfStatus(status);
  const place = activity.location?.address;
  return {
    at: activityTime(activity),
    carrierCode: [status.type, status.code, status.statusCode].filter((p) => p).join("/"),
    description: [status.description, place?.city, place?.stateProvince]
      .filter((part) => part)
      .join(" · "),
    state: meaning?.state ?? "unknown",
    signal: meaning?.signal ?? null,
    decisive: meaning !== undefined && meaning.state !== null,
  };
}

function byTime(a: { at: string }, b: { at: string }): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : 0;
}

export interface UpsTrackRead {
  result: TrackResult;
  /** Oldest first, with what each status means for a pending intercept. */
  signals: { at: string; signal: UpsSignal; description: string }[];
}

/**
 * Parses a Track API reply. The latest activity whose status is in the legend decides the
 * state; no activity at all is `not_collected` (UPS has the label, nothing scanned), and
 * activities none of which is in the legend are `unknown`. No package, with warning TW0001,
 * is an unknown tracking number.
 */
export function parseTrackReply(
  trackingNumber: string,
  json: unknown,
): CarrierResult<UpsTrackRead> {
  const reply = UpsTrackReplySchema.safeParse(json);
  if (!reply.success) {
    return badResponse(UPS_CARRIER, "UPS track reply has an unexpected shape", reply.error.message);
  }
  const shipments = reply.data.trackResponse.shipment;
  const pkg = shipments
    .flatMap((s) => s.package ?? [])
    .find((p) => (p.trackingNumber ?? trackingNumber) === trackingNumber);
  if (pkg === undefined) {
    const warning = shipments.flatMap((s) => s.warnings ?? [])[0];
    return fail(
      upsCodeError(
        warning?.code ?? upsKnownCodes.trackingNotFound,
        warning?.message ?? "no package in the track reply",
        200,
      ),
    );
  }
  const read = (pkg.activity ?? []).map(eventOf).sort(byTime);
  let state = read.filter((e) => e.decisive).at(-1)?.state;
  if (state === undefined) {
    const current = pkg.currentStatus ? meaningOfStatus(pkg.currentStatus) : undefined;
    state = read.length === 0 ? (current?.state ?? "not_collected") : (current?.state ?? "unknown");
  }
  const destination = (pkg.packageAddress ?? []).find((a) => a.type === "DESTINATION")?.address;
  const country = (destination?.countryCode ?? destination?.country ?? "").toUpperCase();
  return {
    ok: true,
    value: {
      result: {
        trackingNumber,
        state,
        events: read.map(({ at, carrierCode, description, state: s }) => ({
          at,
          carrierCode,
          description,
          state: s,
        })),
        ...(/^[A-Z]{2}$/.test(country) ? { destinationCountry: country } : {}),
      },
      signals: read.flatMap((e) =>
        e.signal === null ? [] : [{ at: e.at, signal: e.signal, description: e.description }],
      ),
    },
  };
}

/**
 * Decides a pending intercept or redirect from tracking (UPS has no intercept status query):
 * - intercept (RS): returned / returning to sender → succeeded; delivered → failed;
 * - redirect (AA): address changed → succeeded (also when delivered afterwards, at the new
 *   address); delivered without an address change → failed (the original address); returned →
 *   failed;
 * - a "Request Canceled" after submission → cancelled.
 * The latest signal wins; nothing decisive yet → null.
 */
export function decideOutcome(
  action: Action,
  read: UpsTrackRead,
  submittedAt: string,
): PolledOutcome {
  const submitted = Date.parse(submittedAt);
  const signals = read.signals.filter(
    (s) =>
      s.signal !== "request_cancelled" || Number.isNaN(submitted) || Date.parse(s.at) >= submitted,
  );
  const latest = signals.at(-1);
  const parcelState = read.result.state;
  const undecided: PolledOutcome = {
    outcome: null,
    parcelState,
    detail: "UPS tracking shows no outcome yet",
    fee: null,
  };
  if (latest === undefined) {
    return undecided;
  }
  const redirected = signals.some((s) => s.signal === "redirected");
  let outcome: PolledOutcome["outcome"] = null;
  switch (latest.signal) {
    case "request_cancelled":
      outcome = "cancelled";
      break;
    case "returned":
    case "returning":
      outcome = action === "intercept" ? "succeeded" : "failed";
      break;
    case "redirected":
      outcome = action === "redirect" ? "succeeded" : null;
      break;
    case "delivered":
      outcome = action === "redirect" && redirected ? "succeeded" : "failed";
      break;
  }
  return outcome === null
    ? undecided
    : { outcome, parcelState, detail: `UPS: ${latest.description}`, fee: null };
}

/** Outcome of a pushed status when the pending action is not known (Track Alert). */
function pushOutcomeOf(signal: UpsSignal | null): CarrierReport["outcome"] {
  switch (signal) {
    case "returned":
    case "returning":
    case "redirected":
      return "succeeded";
    case "delivered":
      return "failed";
    case "request_cancelled":
      return "cancelled";
    case null:
      return null;
  }
}

/** Parses one Track Alert `TrackingEvent` push into a report. */
export function parseTrackingEvent(body: string): CarrierResult<CarrierReport[]> {
  const json = parseJson(body);
  if (!json.ok) {
    return badResponse(UPS_CARRIER, "UPS Track Alert body is not JSON");
  }
  const event = UpsTrackingEventSchema.safeParse(json.value);
  if (!event.success) {
    return badResponse(
      UPS_CARRIER,
      "UPS Track Alert event has an unexpected shape",
      event.error.message,
    );
  }
  const e = event.data;
  const status = e.activityStatus;
  const meaning = meaningOfStatus({
    type: status.type,
    code: status.code ?? null,
    statusCode: status.descriptionCode ?? null,
  });
  const at =
    e.gmtActivityDate && e.gmtActivityTime
      ? upsTimeToIso(e.gmtActivityDate, e.gmtActivityTime)
      : upsTimeToIso(e.localActivityDate, e.localActivityTime, e.gmtOffset);
  const place = e.activityLocation;
  return {
    ok: true,
    value: [
      {
        // UPS gives pushes no id: the package, the moment and the status identify one event.
        eventId: [
          e.trackingNumber,
          at,
          status.type,
          status.code ?? "",
          status.descriptionCode ?? "",
        ].join("|"),
        trackingNumber: e.trackingNumber,
        at,
        outcome: pushOutcomeOf(meaning?.signal ?? null),
        parcelState: meaning?.state ?? "unknown",
        detail: [status.description, place?.city, place?.stateProvince]
          .filter((part) => part)
          .join(" · "),
        fee: null,
      },
    ],
  };
}
