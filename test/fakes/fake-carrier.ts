/**
 * A scriptable in-memory carrier for route tests: parcel states by tracking number, a record of
 * every call, scripted failures, and a gate that holds intercept calls (to test concurrency).
 */
import type {
  CarrierAdapter,
  CarrierError,
  CarrierErrorCode,
  CarrierId,
  CarrierReport,
  CarrierResult,
  InterceptCommand,
  OutcomeQuery,
  PickupCancelCommand,
  PolledOutcome,
  RedirectCommand,
  TrackingEvent,
} from "../../contracts/carrier-adapter.ts";
import type { Action, ParcelState } from "../../contracts/normalized.ts";

export interface FakeCall {
  operation: "track" | "intercept" | "redirect" | "cancel" | "poll" | "cancel_pickup";
  trackingNumber: string;
  reference?: string;
  /** For a poll: when the gateway says the carrier accepted the interception. */
  submittedAt?: string;
}

export class FakeCarrier {
  readonly calls: FakeCall[] = [];
  readonly states = new Map<string, ParcelState>();
  /** Errors returned, one per call, before the operation behaves normally again. */
  readonly scriptedErrors: Record<FakeCall["operation"], CarrierErrorCode[]> = {
    track: [],
    intercept: [],
    redirect: [],
    cancel: [],
    poll: [],
    cancel_pickup: [],
  };
  /** Tracking events by tracking number, reported by track (none by default). */
  readonly events = new Map<string, TrackingEvent[]>();
  /** Destination countries by tracking number, reported by track. */
  readonly countries = new Map<string, string>();
  /** What successive polls answer; an empty queue means "not decided yet". */
  readonly polls: PolledOutcome[] = [];
  /** While set, intercept and redirect calls wait for it. */
  gate: Promise<void> | null = null;
  /** While set, track calls wait for it (to let two requests pass eligibility together). */
  trackGate: Promise<void> | null = null;
  /** A push the test can deliver through the callback route. */
  pushes: CarrierReport[] = [];

  callsOf(operation: FakeCall["operation"]): FakeCall[] {
    return this.calls.filter((call) => call.operation === operation);
  }

  /** Holds track calls until the returned function is called. */
  holdTracks(): () => void {
    let release = () => {};
    this.trackGate = new Promise<void>((resolve) => {
      release = () => {
        this.trackGate = null;
        resolve();
      };
    });
    return release;
  }

  /** Holds intercept, redirect and cancel calls until the returned function is called. */
  hold(): () => void {
    let release = () => {};
    this.gate = new Promise<void>((resolve) => {
      release = () => {
        this.gate = null;
        resolve();
      };
    });
    return release;
  }

  private failure(operation: FakeCall["operation"]): CarrierError | null {
    const code = this.scriptedErrors[operation].shift();
    if (!code) {
      return null;
    }
    const retryable = code === "unavailable" || code === "rate_limited";
    return { carrier: this.id, code, message: `scripted ${code}`, retryable };
  }

  readonly adapter: CarrierAdapter;
  readonly id: CarrierId;

  /**
   * A push carrier by default, standing in for SF unless `id` names another; `poll` and
   * `pickupCancel` add those operations, and `actions` (default both) says which of intercept
   * and redirect it has.
   */
  constructor(
    options: {
      id?: CarrierId;
      outcome?: "push" | "poll";
      pickupCancel?: boolean;
      actions?: Action[];
    } = {},
  ) {
    this.id = options.id ?? "sf-express";
    const base = this.pushAdapter(options.actions ?? ["intercept", "redirect"]);
    this.adapter = {
      ...base,
      ...(options.outcome === "poll"
        ? {
            pollOutcome: async (query: OutcomeQuery) => {
              this.calls.push({
                operation: "poll",
                trackingNumber: query.trackingNumber,
                reference: query.reference,
                submittedAt: query.submittedAt,
              });
              const error = this.failure("poll");
              if (error) {
                return { ok: false, error };
              }
              const next = this.polls.shift() ?? {
                outcome: null,
                parcelState: this.states.get(query.trackingNumber) ?? "unknown",
                detail: "no decision yet",
                fee: null,
              };
              return { ok: true, value: next };
            },
          }
        : {}),
      ...(options.pickupCancel
        ? {
            cancelPickup: async (command: PickupCancelCommand) => {
              this.calls.push({
                operation: "cancel_pickup",
                trackingNumber: command.trackingNumber,
                reference: command.reference,
              });
              const error = this.failure("cancel_pickup");
              return error ? { ok: false, error } : { ok: true, value: { cancelled: true } };
            },
          }
        : {}),
    };
  }

  /** Tracks, cancels, and takes the given actions; the constructor adds the other operations. */
  private pushAdapter(actions: Action[]): CarrierAdapter {
    return {
      id: this.id,
      displayName: "SF Express (fake)",
      quotesFees: false,
      track: async (trackingNumber) => {
        this.calls.push({ operation: "track", trackingNumber });
        await this.trackGate;
        const error = this.failure("track");
        if (error) {
          return { ok: false, error };
        }
        const state = this.states.get(trackingNumber);
        if (!state) {
          return {
            ok: false,
            error: {
              carrier: this.id,
              code: "unknown_parcel",
              message: "unknown waybill",
              retryable: false,
            },
          };
        }
        const destinationCountry = this.countries.get(trackingNumber);
        return {
          ok: true,
          value: {
            trackingNumber,
            state,
            events: this.events.get(trackingNumber) ?? [],
            ...(destinationCountry ? { destinationCountry } : {}),
          },
        };
      },
      ...(actions.includes("intercept")
        ? {
            intercept: async (command: InterceptCommand) =>
              this.submit("intercept", command.trackingNumber, command.reference),
          }
        : {}),
      ...(actions.includes("redirect")
        ? {
            redirect: async (command: RedirectCommand) =>
              this.submit("redirect", command.trackingNumber, command.reference),
          }
        : {}),
      cancel: async (command) => {
        this.calls.push({
          operation: "cancel",
          trackingNumber: command.trackingNumber,
          reference: command.reference,
        });
        await this.gate;
        const error = this.failure("cancel");
        return error ? { ok: false, error } : { ok: true, value: { cancelled: true } };
      },
      parseCallback: (request) => {
        if (!request.url.includes("token=fake-token")) {
          return {
            ok: false,
            error: {
              carrier: this.id,
              code: "auth_failed",
              message: "bad token",
              retryable: false,
            },
          };
        }
        const reports = JSON.parse(request.body) as CarrierReport[];
        return {
          ok: true,
          value: {
            reports,
            reply: { status: 200, contentType: "application/json", body: '{"ok":true}' },
          },
        };
      },
      close: async () => {},
    };
  }

  private async submit(
    operation: "intercept" | "redirect",
    trackingNumber: string,
    reference: string,
  ): Promise<CarrierResult<{ carrierReference: string; fee: null }>> {
    this.calls.push({ operation, trackingNumber, reference });
    await this.gate;
    const error = this.failure(operation);
    if (error) {
      return { ok: false, error };
    }
    return { ok: true, value: { carrierReference: `FAKE-${reference}`, fee: null } };
  }
}
