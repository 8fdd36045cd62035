import { afterEach, describe, expect, it } from "vitest";
import {
  closeWebhookConnections,
  createWebhookPoster,
  postWebhook,
  type WebhookPoster,
  type WebhookTarget,
} from "../../src/webhooks/post.ts";
import { checkWebhookUrl, type Resolve } from "../../src/webhooks/url-guard.ts";
import { closed, type Handler, type Receiver, startReceiver, testCa } from "./receiver.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

async function receiver(
  handler: Handler,
  options?: Parameters<typeof startReceiver>[1],
): Promise<Receiver> {
  const started = await startReceiver(handler, options);
  cleanups.push(() => started.close());
  return started;
}

function poster(options?: Parameters<typeof createWebhookPoster>[0]): WebhookPoster {
  const created = createWebhookPoster(options);
  cleanups.push(() => created.close());
  return created;
}

/** A target for `url` pinned to `address`: the host names used here resolve nowhere else. */
function pinned(url: string, address = "127.0.0.1"): WebhookTarget {
  return { url: new URL(url), address, family: 4 };
}

/** Two receivers on one port: the vetted one on 127.0.0.2, a rebinding target on 127.0.0.1. */
async function loopbackPair(): Promise<{ vetted: Receiver; rebound: Receiver }> {
  for (let attempt = 0; ; attempt += 1) {
    const vetted = await receiver((_r, response) => response.writeHead(204).end(), {
      host: "127.0.0.2",
    });
    try {
      const rebound = await receiver((_r, response) => response.writeHead(204).end(), {
        port: vetted.port,
      });
      return { vetted, rebound };
    } catch (error) {
      if (attempt >= 5) {
        throw error; // 127.0.0.1 had that port taken five times over
      }
    }
  }
}

const event = {
  headers: {
    "webhook-id": "evt_1",
    "webhook-timestamp": "1767225600",
    "webhook-signature": "v1,x",
  },
  body: JSON.stringify({ id: "evt_1", type: "interception.locked" }),
};

describe("postWebhook: the answer decides delivery", () => {
  it.each([200, 201, 202, 204])("%i is delivered", async (status) => {
    const hooks = await receiver((_request, response) => response.writeHead(status).end());
    const result = await poster().post(pinned(`http://hooks.test:${hooks.port}/in?m=1`), event);
    expect(result).toEqual({ delivered: true, statusCode: status, error: null });
    expect(hooks.requests).toEqual([
      {
        method: "POST",
        url: "/in?m=1",
        headers: expect.objectContaining({
          host: `hooks.test:${hooks.port}`,
          "content-type": "application/json",
          "webhook-id": "evt_1",
          "webhook-timestamp": "1767225600",
          "webhook-signature": "v1,x",
        }),
        body: event.body,
      },
    ]);
  });

  it.each([400, 401, 404, 410, 429, 500, 502, 503])("%i is not delivered", async (status) => {
    const hooks = await receiver((_request, response) => response.writeHead(status).end("no"));
    const result = await poster().post(pinned(`http://hooks.test:${hooks.port}/in`), event);
    expect(result).toEqual({
      delivered: false,
      statusCode: status,
      error: `The endpoint answered ${status}.`,
    });
  });

  it("keeps the caller's content type", async () => {
    const hooks = await receiver((_request, response) => response.writeHead(204).end());
    const headers = { ...event.headers, "Content-Type": "application/cloudevents+json" };
    await poster().post(pinned(`http://hooks.test:${hooks.port}/`), { ...event, headers });
    expect(hooks.requests[0]?.headers["content-type"]).toBe("application/cloudevents+json");
  });
});

describe("postWebhook: redirects", () => {
  it.each([301, 302, 303, 307, 308])(
    "a %i to an internal address is not followed and not delivered",
    async (status) => {
      const internal = await receiver((_request, response) => response.writeHead(200).end());
      const hooks = await receiver((_request, response) =>
        response.writeHead(status, { location: `http://127.0.0.1:${internal.port}/admin` }).end(),
      );
      const result = await poster().post(pinned(`http://hooks.test:${hooks.port}/in`), event);
      expect(result).toEqual({
        delivered: false,
        statusCode: status,
        error: `The endpoint answered ${status}, a redirect; redirects are not followed.`,
      });
      expect(hooks.requests).toHaveLength(1);
      expect(internal.requests).toEqual([]);
      expect(internal.connections).toEqual([]);
    },
  );
});

describe("postWebhook: DNS rebinding", () => {
  it("connects to the vetted address, never resolving the name again", async () => {
    const { vetted, rebound } = await loopbackPair();
    const lookups: string[] = [];
    // The first answer is the one vetted; every later one points elsewhere.
    const rebinding: Resolve = async (hostname) => {
      lookups.push(hostname);
      return [{ address: lookups.length === 1 ? "127.0.0.2" : "127.0.0.1", family: 4 }];
    };
    // rebind.test exists in no DNS: a lookup by anyone but the guard would fail the POST.
    const check = await checkWebhookUrl(
      `http://rebind.test:${vetted.port}/in`,
      { allowPrivate: true },
      rebinding,
    );
    if (!check.ok) {
      throw new Error(check.reason);
    }
    expect(check.address).toBe("127.0.0.2");
    cleanups.push(closeWebhookConnections);

    const first = await postWebhook(check, event);
    const second = await postWebhook(check, event);

    expect([first, second]).toEqual([
      { delivered: true, statusCode: 204, error: null },
      { delivered: true, statusCode: 204, error: null },
    ]);
    expect(lookups).toEqual(["rebind.test"]);
    expect(vetted.requests).toHaveLength(2);
    expect(vetted.requests[0]?.headers.host).toBe(`rebind.test:${vetted.port}`);
    expect(rebound.connections).toEqual([]);
  });
});

describe("postWebhook: deadline and body cap", () => {
  it("gives up on an endpoint that never answers at the deadline", async () => {
    const silent = await receiver(() => {
      // never answers
    });
    const result = await poster().post(pinned(`http://hooks.test:${silent.port}/`), event, {
      timeoutMs: 200,
    });
    expect(result).toEqual({
      delivered: false,
      statusCode: null,
      error: "No answer within 200 ms.",
    });
    expect(silent.requests).toHaveLength(1);
    // The abandoned connection is closed, not left to the endpoint.
    await closed(silent.connections[0]);
  });

  it("counts a 2xx whose body then stalls as delivered, ending at the deadline", async () => {
    const stalling = await receiver((_request, response) => {
      response.writeHead(200, { "content-length": "100" });
      response.write("only part of it");
    });
    const result = await poster().post(pinned(`http://hooks.test:${stalling.port}/`), event, {
      timeoutMs: 200,
    });
    expect(result).toEqual({ delivered: true, statusCode: 200, error: null });
  });

  it("reads an endless body only up to the cap, then drops the connection", async () => {
    const flooding = await receiver((_request, response) => {
      response.writeHead(200, { "content-length": String(1024 ** 3) });
      response.write(Buffer.alloc(1024 * 1024, "x"));
      // …and the rest never comes: only the cap ends the read before the (long) deadline.
    });
    const result = await poster().post(pinned(`http://hooks.test:${flooding.port}/`), event, {
      timeoutMs: 60_000,
      maxResponseBytes: 4096,
    });
    expect(result).toEqual({ delivered: true, statusCode: 200, error: null });
    await closed(flooding.connections[0]);
  });
});

describe("postWebhook: network failures are data", () => {
  it("a refused connection", async () => {
    const gone = await receiver(() => undefined);
    await gone.close();
    const result = await poster().post(pinned(`http://hooks.test:${gone.port}/`), event);
    expect(result).toMatchObject({ delivered: false, statusCode: null });
    expect(result.error).toContain("ECONNREFUSED");
  });

  it("a connection reset before the answer", async () => {
    const resetting = await receiver((_request, response) => response.socket?.resetAndDestroy());
    const result = await poster().post(pinned(`http://hooks.test:${resetting.port}/`), event);
    expect(result).toMatchObject({ delivered: false, statusCode: null });
    expect(result.error).toMatch(/ECONNRESET|other side closed/);
  });

  it("a bad header is our bug, and thrown", async () => {
    const hooks = await receiver((_request, response) => response.writeHead(204).end());
    const headers = { "webhook-id": "evt_1\r\nx-injected: 1" };
    await expect(
      poster().post(pinned(`http://hooks.test:${hooks.port}/`), { headers, body: "{}" }),
    ).rejects.toThrow(/invalid webhook-id header/);
    expect(hooks.requests).toEqual([]);
  });
});

describe("postWebhook: TLS is checked against the URL's host, not the pinned address", () => {
  it("delivers over TLS, sending the URL's host as SNI", async () => {
    const hooks = await receiver((_request, response) => response.writeHead(204).end(), {
      tls: true,
    });
    const result = await poster({ ca: testCa }).post(
      pinned(`https://hooks.test:${hooks.port}/in`),
      event,
    );
    expect(result).toEqual({ delivered: true, statusCode: 204, error: null });
    expect(hooks.servernames).toEqual(["hooks.test"]);
  });

  it("refuses a certificate for another name", async () => {
    const hooks = await receiver((_request, response) => response.writeHead(204).end(), {
      tls: true,
    });
    const result = await poster({ ca: testCa }).post(
      pinned(`https://other.test:${hooks.port}/in`),
      event,
    );
    expect(result).toMatchObject({ delivered: false, statusCode: null });
    expect(result.error).toContain("ERR_TLS_CERT_ALTNAME_INVALID");
    expect(hooks.requests).toEqual([]);
  });

  it("refuses a certificate from a CA the system does not trust", async () => {
    const hooks = await receiver((_request, response) => response.writeHead(204).end(), {
      tls: true,
    });
    const result = await poster().post(pinned(`https://hooks.test:${hooks.port}/in`), event);
    expect(result).toMatchObject({ delivered: false, statusCode: null });
    expect(result.error).toContain("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    expect(hooks.requests).toEqual([]);
  });
});

describe("postWebhook: connections", () => {
  it("reuses a connection to the same vetted target", async () => {
    const hooks = await receiver((_request, response) => response.writeHead(204).end());
    const shared = poster();
    await shared.post(pinned(`http://hooks.test:${hooks.port}/`), event);
    // undici frees the connection for the next request one turn of the event loop later.
    await new Promise((resolve) => setImmediate(resolve));
    await shared.post(pinned(`http://hooks.test:${hooks.port}/`), event);
    expect(hooks.requests).toHaveLength(2);
    expect(hooks.connections).toHaveLength(1);
  });

  it("opens a new connection when the vetted address changes", async () => {
    const { vetted, rebound } = await loopbackPair();
    const shared = poster();
    await shared.post(pinned(`http://hooks.test:${vetted.port}/`, "127.0.0.2"), event);
    await new Promise((resolve) => setImmediate(resolve));
    await shared.post(pinned(`http://hooks.test:${vetted.port}/`, "127.0.0.1"), event);
    expect(vetted.connections).toHaveLength(1);
    expect(rebound.connections).toHaveLength(1);
    expect(rebound.requests).toHaveLength(1);
  });

  it("keeps a bounded number of pools, closing the least recently used", async () => {
    const hooks = await receiver((_request, response) => response.writeHead(204).end());
    const bounded = poster({ maxPools: 1 });
    for (const host of ["a.test", "b.test", "a.test"]) {
      const result = await bounded.post(pinned(`http://${host}:${hooks.port}/`), event);
      expect(result.delivered).toBe(true);
    }
    // a.test's pool was closed when b.test's came in, so a.test connects again.
    expect(hooks.connections).toHaveLength(3);
    await closed(hooks.connections[0]);
  });
});
