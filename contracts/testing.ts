/**
 * Test-only helpers shared by the carrier contract suite and every adapter's tests. Nothing
 * outside test files imports this module.
 */
import { readFileSync } from "node:fs";
import { Hono } from "hono";
import { MockAgent, Pool } from "undici";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SandboxEnv } from "../adapters/sandbox-kit/faults.ts";
import {
  composeSandboxApp,
  type RunningSandbox,
  serveSandbox,
} from "../adapters/sandbox-kit/serve.ts";
import { createWorld, type World } from "../adapters/sandbox-kit/world.ts";
import type { CarrierAdapter, CarrierErrorCode, CarrierResult } from "./carrier-adapter.ts";

/** `value` as indented JSON, for assertion messages. */
export function show(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** The context of one adapter call: a signal that aborts after `ms`. */
export function callContext(ms = 2_000): { signal: AbortSignal } {
  return { signal: AbortSignal.timeout(ms) };
}

/** Expects `result` to be a carrier error with exactly this code and retryability. */
export function expectCarrierError(
  result: CarrierResult<unknown>,
  code: CarrierErrorCode,
  retryable: boolean,
): void {
  expect(result.ok, show(result)).toBe(false);
  if (!result.ok) {
    expect({ code: result.error.code, retryable: result.error.retryable }, show(result)).toEqual({
      code,
      retryable,
    });
  }
}

/**
 * An undici Pool on the origin of `baseUrl` with short timeouts, for a sandbox on loopback;
 * idle sockets close after 10 ms so that tests end promptly.
 */
export function loopbackPool(baseUrl: string, overrides: Pool.Options = {}): Pool {
  return new Pool(new URL(baseUrl).origin, {
    connectTimeout: 1_000,
    headersTimeout: 2_000,
    bodyTimeout: 2_000,
    keepAliveTimeout: 10,
    keepAliveMaxTimeout: 10,
    ...overrides,
  });
}

/** A Pool on the origin of `baseUrl` with the longer timeouts a carrier's own test host needs. */
export function realEnvironmentPool(baseUrl: string): Pool {
  return loopbackPool(baseUrl, {
    connectTimeout: 5_000,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
}

/** The text of `fixtures/<name>` next to the test module whose `import.meta.url` is given. */
export function readFixture(moduleUrl: string | URL, name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, moduleUrl), "utf8");
}

let issued = 0;

/**
 * A fresh tracking number, unique within the run: `prefix` then `digits` digits, the low digits
 * of the clock followed by a four-digit counter.
 */
export function uniqueNumber(prefix: string, digits: number): string {
  issued += 1;
  const tail = `${Date.now()}${String(issued).padStart(4, "0")}`;
  return `${prefix}${tail.padStart(digits, "0").slice(-digits)}`;
}

/**
 * The control API plus one carrier's sandbox mounted at `basePath`, so a carrier's tests do not
 * depend on the other carriers.
 */
export function carrierSandboxApp(
  world: World,
  basePath: string,
  create: (world: World) => Hono<SandboxEnv>,
): Hono<SandboxEnv> {
  return composeSandboxApp(world, [{ basePath, app: create(world) }], new Hono<SandboxEnv>());
}

/** Serves one carrier's sandbox (see `carrierSandboxApp`) over a fresh world on a free port. */
export function serveCarrierSandbox(
  basePath: string,
  create: (world: World) => Hono<SandboxEnv>,
): Promise<RunningSandbox> {
  const world = createWorld();
  return serveSandbox(carrierSandboxApp(world, basePath, create), world, { port: 0 });
}

/** A running single-carrier sandbox, read lazily: valid inside tests, once `beforeAll` has run. */
export interface LocalSandbox {
  /** Base URL of the sandbox, e.g. `http://127.0.0.1:4010`. */
  readonly url: string;
  /** The same URL, under the name the contract suite's `sandbox` option reads. */
  readonly controlUrl: string;
  /** The sandbox's world, for setting parcels up and reading what it recorded. */
  readonly world: World;
}

/**
 * Serves one carrier's sandbox (see `serveCarrierSandbox`) for the enclosing block: started in
 * `beforeAll`, where `onStart` can point settings at it, and closed in `afterAll`.
 */
export function useCarrierSandbox(
  basePath: string,
  create: (world: World) => Hono<SandboxEnv>,
  onStart: (sandbox: RunningSandbox) => void = () => {},
): LocalSandbox {
  let running: RunningSandbox | undefined;
  const current = (): RunningSandbox => {
    if (running === undefined) {
      throw new Error(`the ${basePath} sandbox is read before beforeAll started it`);
    }
    return running;
  };
  beforeAll(async () => {
    running = await serveCarrierSandbox(basePath, create);
    onStart(running);
  });
  afterAll(async () => {
    await running?.close();
  });
  return {
    get url() {
      return current().url;
    },
    get controlUrl() {
      return current().url;
    },
    get world() {
      return current().world;
    },
  };
}

/** An adapter over a MockAgent, both renewed for each test of the enclosing block. */
export interface MockedAdapter<A extends CarrierAdapter = CarrierAdapter> {
  readonly agent: MockAgent;
  readonly adapter: A;
}

/**
 * Gives each test of the enclosing block a fresh MockAgent (real network disabled) and the
 * adapter `create` builds over it; after each test, expects every reply used and closes the
 * adapter, which closes the agent it owns.
 */
export function useMockAgentAdapter<A extends CarrierAdapter>(
  create: (agent: MockAgent) => A,
): MockedAdapter<A> {
  let current: MockedAdapter<A> | undefined;
  const get = (): MockedAdapter<A> => {
    if (current === undefined) {
      throw new Error("the mocked adapter is read outside a test");
    }
    return current;
  };
  beforeEach(() => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    current = { agent, adapter: create(agent) };
  });
  afterEach(async () => {
    const used = current;
    current = undefined;
    if (used === undefined) {
      return;
    }
    try {
      used.agent.assertNoPendingInterceptors();
    } finally {
      await used.adapter.close();
    }
  });
  return {
    get agent() {
      return get().agent;
    },
    get adapter() {
      return get().adapter;
    },
  };
}

/**
 * What a request answered by `mockReply` sent, filled in when the request reaches the reply (with
 * several replies on one path, by the last request checked against this one).
 */
export interface SentRequest {
  /** Path and query, as the reply's path matcher saw them (the given path when it is a string). */
  path: string;
  headers: Record<string, string>;
  body: string;
  /** `body` read as a form. */
  readonly form: URLSearchParams;
  /** The query of `path`. */
  readonly query: URLSearchParams;
}

/**
 * Answers the next `method` (default POST) request to `origin` + `path` on `agent` with `status`
 * (default 200) and `body` as `contentType` (default JSON in UTF-8). Returns what that request
 * sent; `onRequest` is called with the same object when a request reaches this reply.
 */
export function mockReply(
  agent: MockAgent,
  to: {
    origin: string;
    path: string | ((path: string) => boolean);
    method?: "GET" | "POST";
  },
  reply: { body: string; status?: number; contentType?: string },
  onRequest?: (sent: SentRequest) => void,
): SentRequest {
  const { path } = to;
  const sent: SentRequest = {
    path: typeof path === "string" ? path : "",
    headers: {},
    body: "",
    get form() {
      return new URLSearchParams(this.body);
    },
    get query() {
      return new URLSearchParams(this.path.split("?")[1] ?? "");
    },
  };
  agent
    .get(to.origin)
    .intercept({
      path:
        typeof path === "string"
          ? path
          : (candidate) => {
              const matches = path(candidate);
              if (matches) {
                sent.path = candidate;
              }
              return matches;
            },
      method: to.method ?? "POST",
      headers: (headers) => {
        sent.headers = headers;
        return true;
      },
      body: (body) => {
        sent.body = body;
        onRequest?.(sent);
        return true;
      },
    })
    .reply(reply.status ?? 200, reply.body, {
      headers: { "content-type": reply.contentType ?? "application/json;charset=UTF-8" },
    });
  return sent;
}

/** "A", "A and B", "A, B and C". */
function listed(names: readonly string[]): string {
  return names.length < 2
    ? names.join("")
    : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/**
 * Declares a block against a carrier's own environment: with `body` given the values of the
 * `required` environment variables when every one is set, else as a skipped block whose title
 * names the required and the `optional` variables.
 */
export function describeWithCredentials<const Name extends string>(
  title: string,
  variables: { required: readonly Name[]; optional?: readonly string[] },
  body: (env: Record<Name, string>) => void,
): void {
  const env: Partial<Record<Name, string>> = {};
  for (const name of variables.required) {
    const value = process.env[name];
    if (value) {
      env[name] = value;
    }
  }
  const required = listed(variables.required);
  if (Object.keys(env).length === variables.required.length) {
    describe(title, () => {
      body(env as Record<Name, string>);
    });
    return;
  }
  const optional = variables.optional?.length ? `; optional ${variables.optional.join(", ")}` : "";
  describe.skip(`${title} (set ${required}${optional})`, () => {
    it(`needs ${required}`, () => {});
  });
}
