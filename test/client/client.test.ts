/**
 * The typed client against a scripted fetch: which answers it repeats, how long it waits (on a
 * fake clock), that a logical request keeps one Idempotency-Key, and the errors it raises.
 */
import { describe, expect, it } from "vitest";
import {
  createGatewayClient,
  GatewayProblemError,
  type InterceptionRequest,
  type RetryOptions,
} from "../../client/index.ts";
import { manualClock } from "../fakes/clock.ts";
import { fakeFetch, jsonResponse, problem } from "./fake-fetch.ts";

const baseUrl = "https://gateway.example.com";
const apiKey = "igk_0123456789abcdef_secret";
const request: InterceptionRequest = {
  carrier: "sf-express",
  trackingNumber: "SF1400000000001",
  orderId: "ORD-1001",
  action: "intercept",
  reason: "buyer_cancelled",
  parcel: { declaredValue: { amount: "899.00", currency: "CNY" }, category: "apparel" },
};
const interception = { id: "icp_01", status: "submitted" };

/** A client over `steps`, whose waits move a fake clock and are recorded instead of slept. */
function clientOver(
  fetch: (request: Request) => Promise<Response>,
  retry: Partial<RetryOptions> = {},
) {
  const clock = manualClock(new Date("2026-12-01T10:00:00.000Z"));
  const waits: number[] = [];
  const client = createGatewayClient({
    baseUrl,
    apiKey,
    fetch,
    retry: {
      sleep: async (ms) => {
        waits.push(ms);
        clock.advance(ms);
      },
      now: () => clock.now().getTime(),
      random: () => 0.5,
      ...retry,
    },
  });
  return { client, waits, clock };
}

describe("retries", () => {
  it("repeats an intercept answered 409 request_in_progress, 429 and 500 with the same Idempotency-Key", async () => {
    const { fetch, sent } = fakeFetch(
      problem(409, "request_in_progress"),
      problem(429, "rate_limited"),
      problem(500, "internal"),
      jsonResponse(201, interception),
    );
    const { client, waits } = clientOver(fetch);

    await expect(client.intercept(request)).resolves.toEqual(interception);

    expect(sent).toHaveLength(4);
    const keys = sent.map((attempt) => attempt.headers.get("idempotency-key"));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys)).toEqual(new Set([keys[0]]));
    expect(sent.every((attempt) => attempt.body === JSON.stringify(request))).toBe(true);
    expect(sent[0]?.headers.get("authorization")).toBe(`Bearer ${apiKey}`);
    // Exponential: 250, 500, 1000 ms ceilings, each waited in its upper half (random 0.5 → 3/4).
    expect(waits).toEqual([188, 375, 750]);
  });

  it("gives each logical request its own key, and keeps a key the caller chose", async () => {
    const { fetch, sent } = fakeFetch(
      jsonResponse(201, interception),
      jsonResponse(201, interception),
      problem(409, "request_in_progress"),
      jsonResponse(201, interception),
    );
    const { client } = clientOver(fetch);
    await client.intercept(request);
    await client.intercept(request);
    await client.intercept(request, { idempotencyKey: "cancel-ORD-1001" });
    const keys = sent.map((attempt) => attempt.headers.get("idempotency-key"));
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys.slice(2)).toEqual(["cancel-ORD-1001", "cancel-ORD-1001"]);
  });

  it("waits what Retry-After asks, in seconds or as an HTTP date, on the fake clock", async () => {
    const { fetch } = fakeFetch(
      problem(429, "rate_limited", {}, { "retry-after": "7" }),
      () => problem(503, "internal", {}, { "retry-after": "Tue, 01 Dec 2026 10:00:19 GMT" }),
      problem(429, "rate_limited", {}, { "retry-after": "Tue, 01 Dec 2026 09:00:00 GMT" }),
      jsonResponse(200, interception),
    );
    const { client, waits, clock } = clientOver(fetch);
    await expect(client.getInterception("icp_01")).resolves.toEqual(interception);
    // 7 s; then the date is 12 s after the clock (10:00:07); a date in the past means now.
    expect(waits).toEqual([7_000, 12_000, 0]);
    expect(clock.now().toISOString()).toBe("2026-12-01T10:00:19.000Z");
  });

  it("hands back a Retry-After longer than maxRetryAfterMs instead of waiting it", async () => {
    const { fetch, sent } = fakeFetch(problem(429, "rate_limited", {}, { "retry-after": "3600" }));
    const { client, waits } = clientOver(fetch);
    const error = await client.listCarriers().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayProblemError);
    expect((error as GatewayProblemError).code).toBe("rate_limited");
    expect(sent).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("stops after maxAttempts and raises the last answer", async () => {
    const { fetch, sent } = fakeFetch(
      ...Array.from({ length: 10 }, () => problem(500, "internal")),
    );
    const { client, waits } = clientOver(fetch, { maxAttempts: 3 });
    await expect(client.getInterception("icp_01")).rejects.toMatchObject({
      status: 500,
      code: "internal",
    });
    expect(sent).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  it("caps the backoff at maxDelayMs", async () => {
    const { fetch } = fakeFetch(
      ...Array.from({ length: 5 }, () => problem(500, "internal")),
      jsonResponse(200, interception),
    );
    const { client, waits } = clientOver(fetch, {
      maxAttempts: 6,
      random: () => 0.999,
      maxDelayMs: 1_000,
    });
    await client.getInterception("icp_01");
    expect(waits).toHaveLength(5);
    expect(Math.max(...waits)).toBeLessThanOrEqual(1_000);
    expect(waits.slice(-2)).toEqual([1_000, 1_000]);
  });

  it("never repeats a 4xx problem other than 409 request_in_progress and 429", async () => {
    for (const answer of [
      problem(400, "validation_failed"),
      problem(404, "not_found"),
      problem(409, "invalid_transition"),
      problem(422, "idempotency_key_reused"),
    ]) {
      const { fetch, sent } = fakeFetch(answer, jsonResponse(201, interception));
      const { client } = clientOver(fetch);
      await expect(client.intercept(request)).rejects.toBeInstanceOf(GatewayProblemError);
      expect(sent, answer.status.toString()).toHaveLength(1);
    }
  });

  it("repeats a keyed, idempotent or side-effect-free request after a network error", async () => {
    const reset = () => new TypeError("fetch failed");
    const { fetch, sent } = fakeFetch(
      reset(),
      jsonResponse(201, interception),
      reset(),
      jsonResponse(200, interception),
      reset(),
      jsonResponse(200, { eligible: true }),
    );
    const { client } = clientOver(fetch);
    await expect(client.intercept(request)).resolves.toEqual(interception);
    await expect(client.getInterception("icp_01")).resolves.toEqual(interception);
    await expect(client.checkEligibility(request)).resolves.toEqual({ eligible: true });
    expect(sent.map((attempt) => attempt.method)).toEqual([
      "POST",
      "POST",
      "GET",
      "GET",
      "POST",
      "POST",
    ]);
    expect(sent[0]?.headers.get("idempotency-key")).toBe(sent[1]?.headers.get("idempotency-key"));
  });

  it("does not repeat an unkeyed POST after a network error or a 5xx: it may have been done", async () => {
    const { fetch, sent } = fakeFetch(new TypeError("fetch failed"), problem(500, "internal"));
    const { client } = clientOver(fetch);
    await expect(client.cancelInterception("icp_01")).rejects.toThrow("fetch failed");
    await expect(client.cancelInterception("icp_01")).rejects.toMatchObject({ status: 500 });
    expect(sent).toHaveLength(2);
    expect(sent[0]?.headers.get("idempotency-key")).toBeNull();
  });

  it("still repeats an unkeyed POST answered 429: the gateway did not act on it", async () => {
    const { fetch, sent } = fakeFetch(
      problem(429, "rate_limited"),
      jsonResponse(200, interception),
    );
    const { client } = clientOver(fetch);
    await expect(client.cancelInterception("icp_01")).resolves.toEqual(interception);
    expect(sent).toHaveLength(2);
  });

  it("matches keyed operations below a base URL with a path", async () => {
    const { fetch, sent } = fakeFetch(
      new TypeError("fetch failed"),
      jsonResponse(201, interception),
    );
    const client = createGatewayClient({
      baseUrl: "https://example.com/gateway/",
      apiKey,
      fetch,
      retry: { sleep: async () => {} },
    });
    await client.intercept(request);
    expect(sent.map((attempt) => attempt.url)).toEqual([
      "https://example.com/gateway/v1/interceptions",
      "https://example.com/gateway/v1/interceptions",
    ]);
  });
});

describe("errors", () => {
  it("raises a problem+json answer as a GatewayProblemError with its typed fields", async () => {
    const { fetch } = fakeFetch(
      problem(400, "validation_failed", {
        errors: [{ path: "parcel.declaredValue.amount", message: "a decimal string" }],
      }),
      problem(422, "not_eligible", {
        reasons: [{ code: "already_delivered", message: "Delivered on 2026-11-30." }],
      }),
    );
    const { client } = clientOver(fetch);

    const invalid = await client.intercept(request).catch((caught: unknown) => caught);
    expect(invalid).toBeInstanceOf(GatewayProblemError);
    expect(invalid).toMatchObject({
      name: "GatewayProblemError",
      status: 400,
      code: "validation_failed",
      title: "title of validation_failed",
      detail: "detail of validation_failed",
      requestId: "req-validation_failed",
      errors: [{ path: "parcel.declaredValue.amount", message: "a decimal string" }],
      reasons: [],
      message: "400 validation_failed: detail of validation_failed",
    });

    const refused = await client.checkEligibility(request).catch((caught: unknown) => caught);
    expect(refused).toMatchObject({
      status: 422,
      code: "not_eligible",
      reasons: [{ code: "already_delivered", message: "Delivered on 2026-11-30." }],
      errors: [],
    });
  });

  it("raises an answer that is not problem+json as unexpected_response, with its text", async () => {
    const { fetch } = fakeFetch(
      new Response("<html>Bad gateway</html>", {
        status: 502,
        headers: { "content-type": "text/html", "x-request-id": "lb-1" },
      }),
    );
    const { client } = clientOver(fetch, { maxAttempts: 1 });
    await expect(client.listCarriers()).rejects.toMatchObject({
      status: 502,
      code: "unexpected_response",
      detail: "<html>Bad gateway</html>",
      requestId: "lb-1",
    });
  });
});

describe("raw access", () => {
  it("reaches any path of the document, with the key and retries, and `unwrap`s its result", async () => {
    const { fetch, sent } = fakeFetch(
      problem(500, "internal"),
      jsonResponse(200, { status: "ok" }),
    );
    const { client } = clientOver(fetch);
    const result = await client.raw.GET("/healthz");
    expect(result.data).toEqual({ status: "ok" });
    expect(sent.map((attempt) => attempt.url)).toEqual([
      `${baseUrl}/healthz`,
      `${baseUrl}/healthz`,
    ]);
  });
});
