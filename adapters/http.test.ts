/**
 * How a carrier's failed answer becomes an error: only a 503, or any 5xx of a read, proves a
 * repeat is safe; another 5xx on a call that changes something leaves its outcome unknown, as
 * does a 2xx reply too large to read.
 */
import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readReply, sendCarrierRequest, unknownIfUnreadable } from "./http.ts";

const origin = "http://127.0.0.1:9";
let agent: MockAgent;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});

afterEach(async () => {
  await agent.close();
});

/** One POST answered with `status` and `body`; a small size limit when `maxBodyBytes` is set. */
async function answeredWith(
  status: number,
  idempotent: boolean,
  reply: { headers?: Record<string, string>; body?: string; maxBodyBytes?: number } = {},
) {
  agent
    .get(origin)
    .intercept({ path: "/call", method: "POST" })
    .reply(status, reply.body ?? "busy", { headers: reply.headers ?? {} });
  return sendCarrierRequest("sf-express", {
    dispatcher: agent,
    url: `${origin}/call`,
    method: "POST",
    headers: {},
    body: "{}",
    signal: new AbortController().signal,
    idempotent,
    ...(reply.maxBodyBytes === undefined ? {} : { maxBodyBytes: reply.maxBodyBytes }),
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
    const result = await answeredWith(503, false, { headers: { "retry-after": "2" } });
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

describe("sendCarrierRequest and replies over the size limit", () => {
  const oversized = (status: number, idempotent: boolean) =>
    answeredWith(status, idempotent, { body: "x".repeat(4_096), maxBodyBytes: 1_024 });

  it("a 2xx too large to read on a write: the carrier took it, the outcome is unknown", async () => {
    expect(await oversized(200, false)).toMatchObject({
      ok: false,
      error: {
        code: "outcome_unknown",
        retryable: false,
        message: expect.stringContaining("too large"),
      },
    });
  });

  it("too large on a read, or a 4xx too large on a write: bad_response", async () => {
    expect(await oversized(200, true)).toMatchObject({
      ok: false,
      error: { code: "bad_response" },
    });
    expect(await oversized(404, false)).toMatchObject({
      ok: false,
      error: { code: "bad_response" },
    });
  });
});

describe("the unreadable answer to a write", () => {
  const reply = (status: number) => ({ status, headers: {}, body: "" });

  it("is a 2xx answer to a call that is not idempotent", () => {
    // Whether readReply treats an unreadable reply as an answered write's.
    const isAnsweredWrite = (response: ReturnType<typeof reply>, idempotent: boolean) => {
      const read = readReply(response, idempotent, () => ({
        ok: false as const,
        error: {
          carrier: "sf-express" as const,
          code: "bad_response" as const,
          message: "odd",
          retryable: false,
        },
      }));
      return !read.ok && read.error.code === "outcome_unknown";
    };
    expect(isAnsweredWrite(reply(200), false)).toBe(true);
    expect(isAnsweredWrite(reply(204), false)).toBe(true);
    expect(isAnsweredWrite(reply(200), true)).toBe(false);
    expect(isAnsweredWrite(reply(302), false)).toBe(false);
    expect(isAnsweredWrite(reply(404), false)).toBe(false);
  });

  it("turns bad_response alone into outcome_unknown, keeping the rest of the error", () => {
    const error = (code: "bad_response" | "rejected") => ({
      ok: false as const,
      error: {
        carrier: "sf-express" as const,
        code,
        message: "odd",
        retryable: false,
        carrierCode: "X",
      },
    });
    expect(unknownIfUnreadable(error("bad_response"))).toEqual({
      ok: false,
      error: {
        carrier: "sf-express",
        code: "outcome_unknown",
        message: "Unreadable reply to a write: odd",
        retryable: false,
        carrierCode: "X",
      },
    });
    expect(unknownIfUnreadable(error("rejected"))).toEqual(error("rejected"));
    expect(unknownIfUnreadable({ ok: true, value: 1 })).toEqual({ ok: true, value: 1 });
  });
});
