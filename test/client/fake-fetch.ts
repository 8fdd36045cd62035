/**
 * A scripted `fetch` for the client's tests: answers (or throws) in order, and records what each
 * attempt sent. No socket is opened.
 */
import type { Problem } from "../../client/index.ts";

export interface SentRequest {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

type Step = Response | Error | (() => Response);

export function fakeFetch(...steps: Step[]) {
  const sent: SentRequest[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    sent.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: await request.text(),
    });
    const step = steps.shift();
    if (step === undefined) {
      throw new Error(`fake fetch: no answer scripted for attempt ${sent.length}`);
    }
    if (step instanceof Error) {
      throw step;
    }
    return typeof step === "function" ? step() : step;
  };
  return { fetch, sent };
}

/** A problem+json answer as the gateway writes it. */
export function problem(
  status: number,
  code: Problem["code"],
  extra: Partial<Problem> = {},
  headers: Record<string, string> = {},
): Response {
  const body: Problem = {
    type: `urn:interception-gateway:problem:${code}`,
    title: `title of ${code}`,
    status,
    detail: `detail of ${code}`,
    code,
    requestId: `req-${code}`,
    ...extra,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/problem+json",
      "x-request-id": body.requestId,
      ...headers,
    },
  });
}

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}
