/**
 * SF Express work for the intercept scenarios: in-transit parcels created through the sandbox
 * control API, the gateway intercept request, and the direct baseline (the SF adapter itself,
 * track + intercept, over an undici Pool configured like the gateway's carrier pool).
 */

import { ulid } from "ulid";
import { Pool } from "undici";
import { createSfExpressAdapter } from "../../adapters/sf-express/index.ts";
import {
  SF_SANDBOX_CHECKWORD,
  SF_SANDBOX_PARTNER_ID,
  SF_SANDBOX_PUSH_TOKEN,
} from "../../adapters/sf-express/sandbox.ts";
import { loadConfig } from "../../src/config.ts";
import { createCarrierPool } from "../../src/resilience/carrier-pool.ts";
import { closedLoop } from "./load.ts";

let sequence = 0;
/** A fresh SF tracking number (SF + 13 digits), unique within this run. */
export function nextTrackingNumber(): string {
  sequence += 1;
  return `SF${String(7_000_000_000_000 + sequence).padStart(13, "0")}`;
}

/**
 * Creates `count` in-transit SF parcels whose interception succeeds. By default the outcome push
 * is put off past the end of the run (600 s), so the timed phases measure the intercept call
 * alone and the direct baseline and the gateway do the same carrier work; `outcomeDelayMs` sets
 * when the sandbox pushes the outcome after the intercept instead.
 */
export async function createParcels(
  sandboxUrl: string,
  count: number,
  outcomeDelayMs = 600_000,
): Promise<string[]> {
  const pool = new Pool(sandboxUrl, { connections: 16 });
  const numbers = Array.from({ length: count }, nextTrackingNumber);
  try {
    const result = await closedLoop({
      concurrency: 16,
      durationMs: 120_000,
      maxRequests: count,
      fire: async (index) => {
        const response = await pool.request({
          path: "/_sandbox/parcels",
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            carrier: "sf-express",
            trackingNumber: numbers[index],
            state: "in_transit",
            interceptOutcome: "success",
            outcomeDelayMs,
          }),
        });
        await response.body.dump();
        return response.statusCode === 201;
      },
    });
    if (result.ok !== count) {
      throw new Error(`created ${result.ok} of ${count} parcels (${result.firstError ?? ""})`);
    }
  } finally {
    await pool.close();
  }
  return numbers;
}

/** Hands out each parcel once; a phase that runs out stops early (its count shows it). */
export class Parcels {
  private next = 0;
  constructor(private readonly numbers: string[]) {}
  take(): string {
    const number = this.numbers[this.next];
    this.next += 1;
    if (number === undefined) {
      throw new Error("out of parcels");
    }
    return number;
  }
  get left(): number {
    return Math.max(0, this.numbers.length - this.next);
  }
}

/** The public request body for intercepting `trackingNumber`. */
export function interceptBody(trackingNumber: string): string {
  return JSON.stringify({
    carrier: "sf-express",
    trackingNumber,
    orderId: `ORD-${trackingNumber}`,
    action: "intercept",
    reason: "buyer_cancelled",
    parcel: { declaredValue: { amount: "299.00", currency: "CNY" }, category: "apparel" },
  });
}

/** A gateway client: `intercept(tn)` is true when the answer is 201 `submitted`, else throws it. */
export function gatewayClient(gatewayUrl: string, apiKey: string, connections: number) {
  // Long timeouts: an overloaded gateway answers late, and a late answer is a measurement.
  const pool = new Pool(gatewayUrl, {
    connections,
    keepAliveTimeout: 30_000,
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
  });
  let keys = 0;
  return {
    pool,
    async intercept(trackingNumber: string): Promise<boolean> {
      keys += 1;
      const response = await pool.request({
        path: "/v1/interceptions",
        method: "POST",
        headers: {
          authorization: `Bearer ${apiKey}`,
          "content-type": "application/json",
          "idempotency-key": `bench-${process.pid}-${keys}-${trackingNumber}`,
        },
        body: interceptBody(trackingNumber),
      });
      const text = await response.body.text();
      if (response.statusCode === 201 && text.includes('"status":"submitted"')) {
        return true;
      }
      // A failure with what the gateway said, so the report can name it.
      const status = /"status":"([^"]+)"/.exec(text)?.[1];
      throw new Error(
        status
          ? `${response.statusCode} with status ${status}`
          : `${response.statusCode} ${text.slice(0, 300)}`,
      );
    },
    close: () => pool.close(),
  };
}

/**
 * The direct baseline: the same two SF calls the gateway makes for one intercept (route query,
 * then EXP_RECE_WANTED_INTERCEPT), signed by the SF adapter, over a Pool with the gateway's
 * default carrier-pool settings.
 */
export function directClient(sandboxUrl: string): {
  adapter: ReturnType<typeof createSfExpressAdapter>;
  intercept(trackingNumber: string): Promise<boolean>;
  close(): Promise<void>;
} {
  const baseUrl = `${sandboxUrl}/sf-express/std/service`;
  const adapter = createSfExpressAdapter(
    {
      baseUrl,
      partnerId: SF_SANDBOX_PARTNER_ID,
      checkWord: SF_SANDBOX_CHECKWORD,
      monthlyCardNo: "7551234567",
      pushToken: SF_SANDBOX_PUSH_TOKEN,
    },
    { dispatcher: createCarrierPool(baseUrl, loadConfig({}).carriers["sf-express"].http) },
  );
  return {
    adapter,
    async intercept(trackingNumber: string): Promise<boolean> {
      const ctx = { signal: AbortSignal.timeout(4_000) };
      const tracked = await adapter.track(trackingNumber, ctx);
      if (!tracked.ok || tracked.value.state !== "in_transit") {
        return false;
      }
      const submitted = await adapter.intercept(
        {
          reference: `icp_${ulid()}`,
          trackingNumber,
          reason: "buyer_cancelled",
          payment: { payer: "merchant", mode: "collect_on_delivery" },
        },
        ctx,
      );
      return submitted.ok;
    },
    close: () => adapter.close?.() ?? Promise.resolve(),
  };
}
