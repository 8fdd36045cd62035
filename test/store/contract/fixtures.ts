/**
 * Records and times for the store contract. Every timestamp comes from `at`, every id from the
 * test: no clock is read, so the suite asserts the same thing on every run and every engine.
 */
import { ulid } from "ulid";
import { gatewayActor } from "../../../src/domain/actors.ts";
import type {
  InterceptionEventRecord,
  InterceptionRecord,
  JobRecord,
  MerchantRecord,
  Store,
} from "../../../src/store/store.ts";

export const T0 = Date.parse("2026-11-21T08:00:00.000Z");

/** ISO time `seconds` after T0. */
export function at(seconds: number): string {
  return new Date(T0 + seconds * 1000).toISOString();
}

/** A ULID-based id minted `seconds` after T0, so ids sort like their creation times. */
export function icpId(seconds: number): string {
  return `icp_${ulid(T0 + seconds * 1000)}`;
}

/** The suite creates `mer_a` and `mer_b` like this before each test. */
export function merchant(id: string, name = `Shop ${id}`): MerchantRecord {
  return { id, name, pickupService: true, createdAt: at(0) };
}

export const freeRedirect = {
  payer: "platform",
  mode: "free_redirect",
  quoted: null,
  final: null,
  settlement: "none",
} as const;

/** A pending redirect of a parcel of its own (one open interception per parcel at a time). */
export function interception(
  id: string,
  merchantId: string,
  overrides: Partial<InterceptionRecord> = {},
): InterceptionRecord {
  return {
    id,
    merchantId,
    carrier: "sf-express",
    trackingNumber: `SF${id.slice(-10)}`,
    orderId: "ORD-1",
    action: "redirect",
    reason: "address_error",
    items: [{ subOrderId: "SUB-1", quantity: 2 }],
    parcel: { declaredValue: { amount: "899.00", currency: "CNY" }, category: "apparel" },
    redirectTo: {
      name: "Li Lei",
      phone: "+86 138 0013 8000",
      country: "CN",
      city: "深圳市",
      line1: "科技园路 1 号",
    },
    note: null,
    status: "pending",
    parcelState: "in_transit",
    successLikelihood: "normal",
    carrierReference: null,
    cost: freeRedirect,
    failure: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

export function createdEvent(when: string): InterceptionEventRecord {
  return {
    at: when,
    status: "pending",
    detail: "Stored.",
    carrierEventId: null,
    actor: gatewayActor,
  };
}

/** A submit job, never run. */
export function job(id: string, interceptionId: string, runAt: string): JobRecord {
  return {
    id,
    interceptionId,
    kind: "submit",
    runAt,
    attempts: 0,
    leaseUntil: null,
    lastError: null,
    maybeSent: false,
  };
}

/** Stores an interception with its first event and (unless not) a submit job due at creation. */
export async function seed(store: Store, record: InterceptionRecord, withJob = true) {
  await store.interceptions.insert({
    interception: record,
    event: createdEvent(record.createdAt),
    job: withJob ? job(`job_${record.id}`, record.id, record.createdAt) : null,
    idempotency: null,
  });
}

/** Claims due jobs as the worker would with room for `limit` of them, all SF's. */
export async function claimDue(
  store: Store,
  now: string,
  leaseUntil: string,
  limit: number,
): Promise<JobRecord[]> {
  const claimed = await store.jobs.claimDue(now, leaseUntil, {
    total: limit,
    perCarrier: { "sf-express": limit },
  });
  return claimed.map(({ job: leased }) => leased);
}
