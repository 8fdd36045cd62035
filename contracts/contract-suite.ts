/**
 * The shared carrier contract suite: what every adapter + sandbox pair must do, in the
 * gateway's normalized terms. Each carrier's `contract.test.ts` calls
 * `runCarrierContractSuite` against its sandbox (all scenarios) and, when credentials are
 * given, against the carrier's own test environment (only the state-independent part).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CarrierAdapter,
  type CarrierCapabilities,
  type CarrierId,
  type CarrierResult,
  capabilitiesOf,
  type IncomingCallback,
  type InterceptCommand,
  type OptionalOperation,
  type RedirectCommand,
} from "./carrier-adapter.ts";
import type { Address, ParcelState } from "./normalized.ts";
import { callContext, expectCarrierError, show } from "./testing.ts";

export interface CarrierContractSuiteOptions {
  carrier: CarrierId;
  /**
   * A fresh adapter with working credentials; the suite closes it after each test. Carriers that
   * send their callback URL with each request (Kuaidi100) must use `callbackUrl` when given.
   */
  makeAdapter: (overrides?: { callbackUrl?: string }) => CarrierAdapter;
  /** The same adapter with credentials the carrier must refuse. */
  makeAdapterWithWrongCredentials: () => CarrierAdapter;
  /**
   * The sandbox to set scenarios up through (API.md "Carrier sandboxes"). Without it only the
   * state-independent checks run (for a carrier's real test environment).
   */
  sandbox?: {
    /** Base URL of the sandbox process (control API at `/_sandbox/...`). */
    controlUrl: string;
  };
  /**
   * For carriers that push outcomes: the URL the carrier should push to, given the receiver's
   * URL (e.g. with the secret token that authenticates SF's unsigned pushes).
   */
  pushUrl?: (receiverUrl: string) => string;
  /**
   * Pushes the adapter must refuse as `auth_failed`: forged from a genuine push when one is
   * given, else made up (for the state-independent part).
   */
  forgedPushes?: (genuine: IncomingCallback | null) => IncomingCallback[];
  trackingNumbers: {
    /** A tracking number the carrier does not know. */
    unknown: string;
    /** A new, never-used tracking number in the carrier's format (sandbox scenarios). */
    fresh: () => string;
    /** A real parcel the carrier knows (optional; real test environments). */
    known?: string;
  };
  /** Where redirects go; a plausible default is used when absent. */
  redirectTo?: Address;
}

/** How long a polled outcome may take in the sandbox before the suite gives up. */
const pollDeadlineMs = 5_000;

interface SandboxCallView {
  operation: "track" | "intercept" | "redirect" | "cancel";
  at: string;
  body: unknown;
  accepted?: boolean;
}

const allStates: ParcelState[] = [
  "not_collected",
  "in_transit",
  "at_delivery_station",
  "out_for_delivery",
  "delivered",
  "returned",
  "unknown",
];

const defaultAddress: Address = {
  name: "Li Lei",
  phone: "13800138000",
  country: "CN",
  province: "广东省",
  city: "深圳市",
  district: "南山区",
  line1: "科技园路 1 号",
  line2: "A 栋 1201",
  postalCode: "518057",
};

/** A signal for one carrier call; generous, the dispatcher's own timeouts are shorter. */
function ctx(ms = 5_000): { signal: AbortSignal } {
  return callContext(ms);
}

function randomRef(): string {
  return `ref-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

function interceptCommand(trackingNumber: string): InterceptCommand {
  return {
    reference: randomRef(),
    trackingNumber,
    reason: "buyer_cancelled",
    payment: { payer: "platform", mode: "free_return" },
  };
}

/** Runs one adapter call and always releases the adapter's pool. */
async function withAdapter<T>(
  make: () => CarrierAdapter,
  run: (adapter: CarrierAdapter) => Promise<T>,
): Promise<T> {
  const adapter = make();
  try {
    return await run(adapter);
  } finally {
    await adapter.close();
  }
}

/** Tiny loopback receiver standing in for the gateway's callback endpoint. */
interface PushReceiver {
  url: string;
  received: IncomingCallback[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<PushReceiver> {
  const received: IncomingCallback[] = [];
  const readBody = async (req: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    }
    return Buffer.concat(chunks).toString("utf8");
  };
  const server: Server = createServer((req, res) => {
    readBody(req).then(
      (body) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (value !== undefined) {
            headers[name] = Array.isArray(value) ? value.join(", ") : value;
          }
        }
        received.push({
          url: `http://127.0.0.1${req.url ?? "/"}`,
          headers,
          body,
          receivedAt: new Date(),
        });
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      },
      () => {
        res.writeHead(400).end();
      },
    );
  });
  await new Promise<void>((resolve) => {
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Declares a block only for the carriers it applies to, rather than as a skipped test. */
function describeIf(applies: boolean, name: string, body: () => void): void {
  if (applies) {
    describe(name, body);
  }
}

function itIf(applies: boolean, name: string, test: () => Promise<void>): void {
  if (applies) {
    it(name, test);
  }
}

/** Reads an adapter's capabilities (they do not depend on the network). */
function makeCapabilities(make: () => CarrierAdapter): CarrierCapabilities {
  const adapter = make();
  void adapter.close();
  return capabilitiesOf(adapter);
}

/**
 * An operation the capabilities say the adapter has: the suite asks only for those. Adapters are
 * plain objects over closures, so the method needs no `this`.
 */
function offered<K extends OptionalOperation>(
  adapter: CarrierAdapter,
  name: K,
): NonNullable<CarrierAdapter[K]> {
  const operation = adapter[name];
  if (operation === undefined) {
    throw new Error(`${adapter.id} has no ${name}`);
  }
  return operation;
}

/** Declares the contract suite for one adapter (+ sandbox). */
export function runCarrierContractSuite(options: CarrierContractSuiteOptions): void {
  const { carrier, makeAdapter, trackingNumbers } = options;
  const redirectTo = options.redirectTo ?? defaultAddress;

  describe(`carrier contract: ${carrier} (state-independent)`, () => {
    it("reports an unknown parcel as unknown_parcel, not retryable", async () => {
      const result = await withAdapter(makeAdapter, (a) => a.track(trackingNumbers.unknown, ctx()));
      expectCarrierError(result, "unknown_parcel", false);
    });

    it("reports wrong credentials as auth_failed, not retryable", async () => {
      const tn = trackingNumbers.known ?? trackingNumbers.unknown;
      const result = await withAdapter(options.makeAdapterWithWrongCredentials, (a) =>
        a.track(tn, ctx()),
      );
      expectCarrierError(result, "auth_failed", false);
    });

    itIf(trackingNumbers.known !== undefined, "tracks a known parcel", async () => {
      const tn = trackingNumbers.known ?? "";
      const result = await withAdapter(makeAdapter, (a) => a.track(tn, ctx()));
      expect(result.ok, show(result)).toBe(true);
    });

    it("offers an action or a pickup cancel", async () => {
      await withAdapter(makeAdapter, async (a) => {
        const caps = capabilitiesOf(a);
        expect(caps.actions.length > 0 || caps.pickupCancel, show(caps)).toBe(true);
      });
    });

    itIf(options.forgedPushes !== undefined, "refuses an unauthenticated push", async () => {
      await withAdapter(makeAdapter, async (a) => {
        for (const forged of options.forgedPushes?.(null) ?? []) {
          expectCarrierError(a.parseCallback(forged), "auth_failed", false);
        }
      });
    });
  });

  const sandbox = options.sandbox;
  if (sandbox === undefined) {
    return;
  }

  describe(`carrier contract: ${carrier} against its sandbox`, () => {
    const capabilities = makeCapabilities(makeAdapter);
    const intercepts = capabilities.actions.includes("intercept");
    const redirects = capabilities.actions.includes("redirect");
    const control = new Agent({ connectTimeout: 1_000, headersTimeout: 5_000, bodyTimeout: 5_000 });

    async function controlCall(
      method: "GET" | "POST",
      path: string,
      body?: unknown,
    ): Promise<{ status: number; json: unknown }> {
      const response = await request(`${sandbox?.controlUrl}${path}`, {
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
      const trackingNumber = trackingNumbers.fresh();
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

    afterAll(async () => {
      await control.close();
    });

    describe("track", () => {
      it.each(allStates)("maps a %s parcel", async (state) => {
        const tn = await putParcel(state);
        const result = await withAdapter(makeAdapter, (a) => a.track(tn, ctx()));
        expect(result.ok, show(result)).toBe(true);
        if (result.ok) {
          expect(result.value.state, show(result)).toBe(state);
          expect(result.value.trackingNumber).toBe(tn);
        }
        const calls = await callsOf(tn);
        expect(
          calls.map((c) => c.operation),
          show(calls),
        ).toEqual(["track"]);
      });

      it("answers unknown_parcel for a tracking number the sandbox does not know", async () => {
        const result = await withAdapter(makeAdapter, (a) =>
          a.track(trackingNumbers.fresh(), ctx()),
        );
        expectCarrierError(result, "unknown_parcel", false);
      });
    });

    describeIf(capabilities.pickupCancel, "pickup cancel", () => {
      it("cancels the pickup of a parcel the carrier has not collected", async () => {
        const tn = await putParcel("not_collected");
        const result = await withAdapter(makeAdapter, async (a) =>
          offered(a, "cancelPickup")(
            { reference: randomRef(), trackingNumber: tn, reason: "buyer_cancelled" },
            ctx(),
          ),
        );
        expect(result, show(result)).toEqual({ ok: true, value: { cancelled: true } });
        const calls = await callsOf(tn);
        expect(
          calls.map((c) => c.operation),
          show(calls),
        ).toEqual(["cancel"]);
      });

      it("refuses to cancel the pickup of a collected parcel", async () => {
        const tn = await putParcel("in_transit");
        const result = await withAdapter(makeAdapter, async (a) =>
          offered(a, "cancelPickup")(
            { reference: randomRef(), trackingNumber: tn, reason: "buyer_cancelled" },
            ctx(),
          ),
        );
        expectCarrierError(result, "rejected", false);
      });
    });

    describeIf(intercepts, "intercept", () => {
      it("accepts an intercept of an in-transit parcel, once", async () => {
        const tn = await putParcel("in_transit", { outcomeDelayMs: 60_000 });
        const first = await withAdapter(makeAdapter, (a) =>
          offered(a, "intercept")(interceptCommand(tn), ctx()),
        );
        expect(first.ok, show(first)).toBe(true);
        if (first.ok) {
          expect(first.value.carrierReference, show(first)).toMatch(/\S/);
        }
        const calls = await callsOf(tn);
        expect(
          calls.filter((c) => c.operation === "intercept"),
          show(calls),
        ).toHaveLength(1);

        const second = await withAdapter(makeAdapter, (a) =>
          offered(a, "intercept")(interceptCommand(tn), ctx()),
        );
        expectCarrierError(second, "already_intercepted", false);
      });

      it("refuses an intercept of a delivered (or, without pickup cancel, not-collected) parcel", async () => {
        const states = capabilities.pickupCancel ? ["delivered"] : ["delivered", "not_collected"];
        for (const state of states as ParcelState[]) {
          const tn = await putParcel(state);
          const result = await withAdapter(makeAdapter, (a) =>
            offered(a, "intercept")(interceptCommand(tn), ctx()),
          );
          expect(result.ok, show(result)).toBe(false);
          if (!result.ok) {
            expect(result.error.retryable, show(result)).toBe(false);
            expect(["rejected", "unknown_parcel"], show(result)).toContain(result.error.code);
          }
        }
      });

      it("refuses an intercept of an unknown parcel as unknown_parcel", async () => {
        const result = await withAdapter(makeAdapter, (a) =>
          offered(a, "intercept")(interceptCommand(trackingNumbers.fresh()), ctx()),
        );
        expectCarrierError(result, "unknown_parcel", false);
      });
    });

    describeIf(redirects, "redirect", () => {
      it("accepts a redirect of an in-transit parcel", async () => {
        const tn = await putParcel("in_transit", { outcomeDelayMs: 60_000 });
        const command: RedirectCommand = {
          ...interceptCommand(tn),
          reason: "address_error",
          payment: { payer: "platform", mode: "free_redirect" },
          redirectTo,
        };
        const result = await withAdapter(makeAdapter, (a) =>
          offered(a, "redirect")(command, ctx()),
        );
        expect(result.ok, show(result)).toBe(true);
        const calls = await callsOf(tn);
        expect(
          calls.map((c) => c.operation),
          show(calls),
        ).toEqual(["redirect"]);
      });
    });

    describeIf(capabilities.cancel && intercepts, "cancel", () => {
      it("cancels an accepted intercept", async () => {
        const tn = await putParcel("in_transit", { outcomeDelayMs: 60_000 });
        const command = interceptCommand(tn);
        const accepted = await withAdapter(makeAdapter, (a) =>
          offered(a, "intercept")(command, ctx()),
        );
        expect(accepted.ok, show(accepted)).toBe(true);
        if (!accepted.ok) {
          return;
        }
        const cancelled = await withAdapter(makeAdapter, (a) =>
          offered(a, "cancel")(
            {
              reference: command.reference,
              trackingNumber: tn,
              carrierReference: accepted.value.carrierReference,
              action: "intercept",
            },
            ctx(),
          ),
        );
        expect(cancelled, show(cancelled)).toEqual({ ok: true, value: { cancelled: true } });
        const calls = await callsOf(tn);
        expect(
          calls.map((c) => c.operation),
          show(calls),
        ).toEqual(["intercept", "cancel"]);
      });
    });

    describe("faults", () => {
      it("maps an HTTP 500 to unavailable, retryable", async () => {
        const tn = await putParcel("in_transit");
        await fault("error500");
        const result = await withAdapter(makeAdapter, (a) => a.track(tn, ctx()));
        expectCarrierError(result, "unavailable", true);
        expect(await callsOf(tn)).toEqual([]);
      });

      itIf(
        intercepts,
        "maps an HTTP 500 during an intercept to outcome_unknown, not retryable",
        async () => {
          // A 500 may come after the carrier acted: the gateway must ask before sending again.
          const tn = await putParcel("in_transit", { outcomeDelayMs: 60_000 });
          await fault("error500");
          const result = await withAdapter(makeAdapter, (a) =>
            offered(a, "intercept")(interceptCommand(tn), ctx()),
          );
          expectCarrierError(result, "outcome_unknown", false);
        },
      );

      itIf(
        intercepts,
        "maps a reset during an intercept to outcome_unknown, not retryable",
        async () => {
          const tn = await putParcel("in_transit", { outcomeDelayMs: 60_000 });
          await fault("reset");
          const result = await withAdapter(makeAdapter, (a) =>
            offered(a, "intercept")(interceptCommand(tn), ctx()),
          );
          expectCarrierError(result, "outcome_unknown", false);
          expect(await callsOf(tn)).toEqual([]);
        },
      );

      it("maps a carrier timeout on a read to outcome_unknown, retryable", async () => {
        const tn = await putParcel("in_transit");
        await fault("timeout");
        const result = await withAdapter(makeAdapter, (a) => a.track(tn, ctx(300)));
        expectCarrierError(result, "outcome_unknown", true);
      });

      it("maps the carrier's throttling answer to rate_limited, retryable", async () => {
        const tn = await putParcel("in_transit");
        await fault("rate_limited");
        const result = await withAdapter(makeAdapter, (a) => a.track(tn, ctx()));
        expectCarrierError(result, "rate_limited", true);
        // The fault is consumed: the next call is served.
        const next = await withAdapter(makeAdapter, (a) => a.track(tn, ctx()));
        expect(next.ok, show(next)).toBe(true);
      });

      it("maps wrong credentials to auth_failed, not retryable, and serves nothing", async () => {
        const tn = await putParcel("in_transit");
        const result = await withAdapter(
          options.makeAdapterWithWrongCredentials,
          (a): Promise<CarrierResult<unknown>> =>
            intercepts ? offered(a, "intercept")(interceptCommand(tn), ctx()) : a.track(tn, ctx()),
        );
        expectCarrierError(result, "auth_failed", false);
        expect(await callsOf(tn)).toEqual([]);
      });
    });

    const outcomeCases = [
      { action: "intercept", interceptOutcome: "success", outcome: "succeeded", state: "returned" },
      { action: "intercept", interceptOutcome: "failure", outcome: "failed", state: "delivered" },
      {
        action: "redirect",
        interceptOutcome: "success",
        outcome: "succeeded",
        state: "in_transit",
      },
    ] as const;
    const supportedCases = outcomeCases.filter((c) => capabilities.actions.includes(c.action));

    /** Sends an intercept or a redirect of `tn` and expects the carrier to accept it. */
    async function submit(
      adapter: CarrierAdapter,
      action: "intercept" | "redirect",
      tn: string,
    ): Promise<{ reference: string; carrierReference: string }> {
      const base = interceptCommand(tn);
      const accepted =
        action === "intercept"
          ? await offered(adapter, "intercept")(base, ctx())
          : await offered(adapter, "redirect")(
              { ...base, payment: { payer: "merchant", mode: "paid_redirect" }, redirectTo },
              ctx(),
            );
      expect(accepted.ok, show(accepted)).toBe(true);
      return {
        reference: base.reference,
        carrierReference: accepted.ok ? accepted.value.carrierReference : "",
      };
    }

    describeIf(capabilities.outcome === "push" && supportedCases.length > 0, "outcome push", () => {
      let receiver: PushReceiver;
      let callbackUrl: string;

      beforeAll(async () => {
        receiver = await startReceiver();
        const base = `${receiver.url}/callbacks/${carrier}`;
        callbackUrl = options.pushUrl ? options.pushUrl(base) : base;
        const set = await controlCall("POST", "/_sandbox/push-urls", {
          carrier,
          url: callbackUrl,
        });
        expect(set.status, show(set)).toBe(200);
      });

      // biome-ignore lint/suspicious/noDuplicateTestHooks: describeIf wraps describe, so this hook is in a block of its own.
      afterAll(async () => {
        await controlCall("POST", "/_sandbox/push-urls", { carrier, url: null });
        await receiver.close();
      });

      async function pushFor(trackingNumber: string): Promise<IncomingCallback> {
        const deadline = Date.now() + 5_000;
        while (Date.now() < deadline) {
          const push = receiver.received.find((p) => p.body.includes(trackingNumber));
          if (push !== undefined) {
            return push;
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        throw new Error(`no push for ${trackingNumber}; received ${show(receiver.received)}`);
      }

      it.each(supportedCases)(
        "pushes a $action that ends in $interceptOutcome, parsed as $outcome",
        async ({ action, interceptOutcome, outcome, state }) => {
          const tn = await putParcel("in_transit", { interceptOutcome, outcomeDelayMs: 50 });
          await withAdapter(
            () => makeAdapter({ callbackUrl }),
            (a) => submit(a, action, tn),
          );

          const push = await pushFor(tn);
          const adapter = makeAdapter({ callbackUrl });
          try {
            const parsed = adapter.parseCallback(push);
            expect(parsed.ok, show(parsed)).toBe(true);
            if (!parsed.ok) {
              return;
            }
            expect(parsed.value.reply.status).toBe(200);
            const decisive = parsed.value.reports.filter(
              (r) => r.trackingNumber === tn && r.outcome !== null,
            );
            expect(decisive, show(parsed)).toHaveLength(1);
            expect(decisive[0], show(parsed)).toMatchObject({ outcome, parcelState: state });
            expect(decisive[0]?.eventId, show(parsed)).toMatch(/\S/);

            for (const forged of options.forgedPushes?.(push) ?? []) {
              expectCarrierError(adapter.parseCallback(forged), "auth_failed", false);
            }
          } finally {
            await adapter.close();
          }
        },
      );
    });

    describeIf(
      capabilities.outcome === "poll" && supportedCases.length > 0,
      "outcome polling",
      () => {
        it.each(supportedCases)(
          "polls a $action that ends in $interceptOutcome as $outcome",
          async ({ action, interceptOutcome, outcome, state }) => {
            const tn = await putParcel("in_transit", { interceptOutcome, outcomeDelayMs: 50 });
            await withAdapter(makeAdapter, async (a) => {
              const submittedAt = new Date().toISOString();
              const { reference, carrierReference } = await submit(a, action, tn);
              const query = {
                reference,
                trackingNumber: tn,
                carrierReference,
                action,
                submittedAt,
              };
              const pollOutcome = offered(a, "pollOutcome");
              const first = await pollOutcome(query, ctx());
              expect(first.ok, show(first)).toBe(true);
              const deadline = Date.now() + pollDeadlineMs;
              for (;;) {
                const polled = await pollOutcome(query, ctx());
                expect(polled.ok, show(polled)).toBe(true);
                if (polled.ok && polled.value.outcome !== null) {
                  expect(polled.value, show(polled)).toMatchObject({ outcome, parcelState: state });
                  return;
                }
                if (Date.now() > deadline) {
                  throw new Error(`no decisive outcome for ${tn}: ${show(polled)}`);
                }
                await new Promise((resolve) => setTimeout(resolve, 30));
              }
            });
          },
        );
      },
    );
  });
}
