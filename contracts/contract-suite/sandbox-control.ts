/**
 * The contract suite's client of a sandbox's control API (API.md "Carrier sandboxes"): it sets
 * parcels and faults up, and reads the calls the sandbox served for a parcel.
 */
import { Agent, request } from "undici";
import { expect } from "vitest";
import type { CarrierId } from "../carrier-adapter.ts";
import type { ParcelState } from "../normalized.ts";
import { show } from "../testing.ts";

export interface SandboxCallView {
  operation: "track" | "intercept" | "redirect" | "cancel";
  at: string;
  body: unknown;
  accepted?: boolean;
}

export interface SandboxControl {
  controlCall(
    method: "GET" | "POST",
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }>;
  /** A new parcel of the carrier in `state`; returns its tracking number. */
  putParcel(
    state: ParcelState,
    extra?: { interceptOutcome?: "success" | "failure"; outcomeDelayMs?: number },
  ): Promise<string>;
  /** The carrier's next call fails this way. */
  fault(mode: "error500" | "timeout" | "reset" | "rate_limited"): Promise<void>;
  /** The calls the sandbox served for the parcel, oldest first. */
  callsOf(trackingNumber: string): Promise<SandboxCallView[]>;
  close(): Promise<void>;
}

/**
 * A control client of `sandbox`, for `carrier`'s parcels. Its URL is read at each call: a
 * carrier's test starts its sandbox in a `beforeAll`, after the suite is declared.
 */
export function sandboxControl(
  sandbox: { controlUrl: string },
  carrier: CarrierId,
  freshTrackingNumber: () => string,
): SandboxControl {
  const control = new Agent({ connectTimeout: 1_000, headersTimeout: 5_000, bodyTimeout: 5_000 });

  async function controlCall(
    method: "GET" | "POST",
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const response = await request(`${sandbox.controlUrl}${path}`, {
      dispatcher: control,
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    return { status: response.statusCode, json: text === "" ? null : JSON.parse(text) };
  }

  async function putParcel(
    state: ParcelState,
    extra: { interceptOutcome?: "success" | "failure"; outcomeDelayMs?: number } = {},
  ): Promise<string> {
    const trackingNumber = freshTrackingNumber();
    const created = await controlCall("POST", "/_sandbox/parcels", {
      carrier,
      trackingNumber,
      state,
      ...extra,
    });
    expect(created.status, show(created)).toBe(201);
    return trackingNumber;
  }

  async function fault(mode: "error500" | "timeout" | "reset" | "rate_limited"): Promise<void> {
    const created = await controlCall("POST", "/_sandbox/faults", { carrier, mode, count: 1 });
    expect(created.status, show(created)).toBe(201);
  }

  async function callsOf(trackingNumber: string): Promise<SandboxCallView[]> {
    const view = await controlCall(
      "GET",
      `/_sandbox/parcels/${carrier}/${encodeURIComponent(trackingNumber)}`,
    );
    expect(view.status, show(view)).toBe(200);
    return (view.json as { calls: SandboxCallView[] }).calls;
  }

  return { controlCall, putParcel, fault, callsOf, close: () => control.close() };
}
