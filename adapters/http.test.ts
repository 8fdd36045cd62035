/**
 * How a carrier's 5xx becomes an error: only a 503, or any 5xx of a read, proves a repeat is
 * safe; another 5xx on a call that changes something leaves its outcome unknown.
 */
import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sendCarrierRequest } from "./http.ts";

const origin = "http://127.0.0.1:9";
let agent: MockAgent;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});

afterEach(async () => {
  await agent.close();
});

async function answeredWith(
  status: number,
  idempotent: boolean,
  headers: Record<string, string> = {},
) {
  agent.get(origin).intercept({ path: "/call", method: "POST" }).reply(status, "busy", { headers });
  return sendCarrierRequest("sf-express", {
    dispatcher: agent,
    url: `${origin}/call`,
    method: "POST",
    headers: {},
    body: "{}",
    signal: new AbortController().signal,
    idempotent,
  });
}

describe("sendCarrierRequest and 5xx answers", () => {
  it.each([500, 502, 504])(
    "HTTP %i on a call that changes something: outcome unknown",
    async (status) => {
      const result = await answeredWith(status, false);
      expect(result).toEqual({
        ok: false,
        error: expect.objectContaining({
          code: "outcome_unknown",
          retryable: false,
          carrierCode: `HTTP_${status}`,
        }),
      });
    },
  );

  it.each([500, 502, 504])("HTTP %i on a read: unavailable, retryable", async (status) => {
    const result = await answeredWith(status, true);
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ code: "unavailable", retryable: true }),
    });
  });

  it("HTTP 503 on a call that changes something: not taken on, retryable after Retry-After", async () => {
    const result = await answeredWith(503, false, { "retry-after": "2" });
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: "unavailable",
        retryable: true,
        retryAfterMs: 2_000,
      }),
    });
  });
});
