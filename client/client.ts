/**
 * `createGatewayClient`: the gateway's API for a storefront backend, typed from the served OpenAPI
 * document. Methods for the common calls throw `GatewayProblemError` on an error answer; `raw` is
 * openapi-fetch over every path of the document, with the same key, auth and retry handling.
 */
import createClient, { type Client } from "openapi-fetch";
import { type components, keyedOperations, type operations, type paths } from "./openapi.ts";
import { GatewayProblemError } from "./problem.ts";
import { defaultRetryOptions, type RetryOptions, retryingFetch } from "./retry.ts";

type Schemas = components["schemas"];
export type Interception = Schemas["Interception"];
export type InterceptionRequest = Schemas["InterceptionRequest"];
export type InterceptionList = Schemas["InterceptionList"];
export type EligibilityResult = Schemas["EligibilityResult"];
export type CarrierList = Schemas["CarrierList"];
export type ListInterceptionsQuery = NonNullable<
  operations["listInterceptions"]["parameters"]["query"]
>;

export interface GatewayClientOptions {
  /** The gateway's URL, e.g. `https://gateway.example.com` (a path prefix is kept). */
  baseUrl: string;
  /** A merchant API key (`igk_…`), sent as `Authorization: Bearer`. */
  apiKey: string;
  /** By default the global `fetch`. */
  fetch?: (request: Request) => Promise<Response>;
  /** How retries are paced; `{ maxAttempts: 1 }` turns them off. */
  retry?: Partial<RetryOptions>;
}

export interface GatewayClient {
  /**
   * POST /v1/interceptions. Pass `idempotencyKey` derived from your own order and action (e.g.
   * `cancel-ORD-1001`) so that a repeat after your own process restarts is a replay too; without
   * one, a random key covers this call's own retries.
   */
  intercept(
    request: InterceptionRequest,
    options?: { idempotencyKey?: string },
  ): Promise<Interception>;
  /** POST /v1/eligibility: the same checks as an intercept, with no side effects. */
  checkEligibility(request: InterceptionRequest): Promise<EligibilityResult>;
  /** GET /v1/interceptions/{id}. */
  getInterception(id: string): Promise<Interception>;
  /** GET /v1/interceptions, newest first; pass `nextCursor` back as `cursor` for the next page. */
  listInterceptions(query?: ListInterceptionsQuery): Promise<InterceptionList>;
  /** POST /v1/interceptions/{id}/cancel: withdraws a pending or submitted one, releases a lock. */
  cancelInterception(id: string): Promise<Interception>;
  /** GET /v1/carriers: each carrier's actions, rules and circuit state. */
  listCarriers(): Promise<CarrierList>;
  /** openapi-fetch over every path of the document; pass a result to `unwrap` to throw on errors. */
  raw: Client<paths>;
}

/**
 * POST operations the gateway documents as free of side effects (API.md: eligibility "no side
 * effects"), so they are as safe to repeat as a GET.
 */
const sideEffectFreeOperations = ["POST /v1/eligibility"];
const idempotentMethods = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/**
 * A client for one merchant key. Each call is one logical request: keyed operations carry one
 * Idempotency-Key across all their attempts, and retries follow `retry` (see client/retry.ts).
 */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const retry: RetryOptions = { ...defaultRetryOptions, ...options.retry };
  const basePath = new URL(options.baseUrl).pathname.replace(/\/+$/, "");
  const keyed = operationMatcher(keyedOperations, basePath);
  const sideEffectFree = operationMatcher(sideEffectFreeOperations, basePath);
  const send = retryingFetch(
    options.fetch ?? ((request) => fetch(request)),
    retry,
    (request) => idempotentMethods.has(request.method) || keyed(request) || sideEffectFree(request),
  );
  const raw = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { authorization: `Bearer ${options.apiKey}` },
    // One call is one logical request: its key is set once (here, if the caller gave none), and
    // every retry inside `send` sends a copy of this Request, so the gateway sees the same key.
    fetch: (request) => {
      if (keyed(request) && !request.headers.get("idempotency-key")) {
        request.headers.set("idempotency-key", crypto.randomUUID());
      }
      return send(request);
    },
  });

  return {
    raw,
    intercept: async (body, callOptions = {}) =>
      unwrap(
        await raw.POST("/v1/interceptions", {
          body,
          params: {
            header: { "idempotency-key": callOptions.idempotencyKey ?? crypto.randomUUID() },
          },
        }),
      ),
    checkEligibility: async (body) => unwrap(await raw.POST("/v1/eligibility", { body })),
    getInterception: async (id) =>
      unwrap(await raw.GET("/v1/interceptions/{id}", { params: { path: { id } } })),
    listInterceptions: async (query = {}) =>
      unwrap(await raw.GET("/v1/interceptions", { params: { query } })),
    cancelInterception: async (id) =>
      unwrap(await raw.POST("/v1/interceptions/{id}/cancel", { params: { path: { id } } })),
    listCarriers: async () => unwrap(await raw.GET("/v1/carriers")),
  };
}

/** The data of a successful openapi-fetch result; a `GatewayProblemError` for an error answer. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) {
    return result.data as T;
  }
  throw GatewayProblemError.fromResponse(result.response, result.error);
}

/**
 * Matches a request against operations written `METHOD /path/{param}` as in the document, below
 * the base URL's own path.
 */
function operationMatcher(
  operations: readonly string[],
  basePath: string,
): (request: Request) => boolean {
  const patterns = operations.map((operation) => {
    const [method, template = ""] = operation.split(" ");
    const segments = template
      .split("/")
      .map((segment) =>
        /^\{[^}]+\}$/.test(segment) ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
      );
    return { method, path: new RegExp(`^${segments.join("/")}$`) };
  });
  return (request) => {
    const path = new URL(request.url).pathname;
    if (!path.startsWith(basePath)) {
      return false;
    }
    const below = path.slice(basePath.length);
    return patterns.some(
      (pattern) => pattern.method === request.method && pattern.path.test(below),
    );
  };
}
