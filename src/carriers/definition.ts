/**
 * What a carrier is to the gateway, written once in its folder (`adapters/<id>/definition.ts`)
 * with `defineCarrier` and listed in `src/carriers/definitions.ts`: its variables (read and
 * checked with the rest of the configuration at start), how they become the adapter's settings
 * for the real carrier or for its sandbox, its rule defaults, the adapter factory and its sandbox.
 */
import type { Hono } from "hono";
import type { Dispatcher } from "undici";
import { z } from "zod";
import type { SandboxEnv } from "../../adapters/sandbox-kit/faults.ts";
import type { World } from "../../adapters/sandbox-kit/world.ts";
import type { CarrierAdapter, CarrierId } from "../../contracts/carrier-adapter.ts";
import { ConfigError } from "../config-error.ts";
import type { CarrierRules } from "../domain/rules.ts";
import { type CarrierHttpSettings, createCarrierPool } from "../resilience/carrier-pool.ts";

export type CarrierMode = "live" | "sandbox";

/** Carrier sandboxes to use: where they run and the run secret (SANDBOX_SECRET) they share. */
export interface SandboxLink {
  url: string;
  secret: string;
}

/** What a carrier's settings may depend on besides its own variables. */
export interface GatewayLink {
  /** The gateway's public URL, for carriers that are sent a callback URL with each request. */
  publicUrl: string;
  /** The sandboxes carriers without credentials use; null when there are none. */
  sandbox: SandboxLink | null;
}

/** What building a carrier's adapter needs from the gateway. */
export interface CarrierBuildInput extends GatewayLink {
  /** This carrier's HTTP settings (CARRIER_* variables, then CARRIER_CONFIG_FILE). */
  http: CarrierHttpSettings;
}

/** One carrier's variables, read and checked at start. */
export interface CarrierSetup {
  /** Every required variable is set: the gateway calls the real carrier. */
  live: boolean;
  /**
   * Builds the adapter: for the real carrier when live, else for the sandbox (a ConfigError when
   * there is none).
   */
  build(input: CarrierBuildInput): { adapter: CarrierAdapter; mode: CarrierMode };
}

/** The carrier's sandbox, as the sandbox server and the gateway's demo mode use it. */
export interface CarrierSandbox {
  /**
   * The sandbox app, mounted at `/<id>`. `runSecret` is SANDBOX_SECRET: a secret the sandbox
   * must share with the gateway derives from it (`carrierPushSecret`).
   */
  app(world: World, runSecret: string): Hono<SandboxEnv>;
  /**
   * The gateway callback URL the sandbox pushes outcomes to, for a gateway at `gatewayUrl`, with
   * any token derived from the run secret. A carrier that never pushes gives the plain URL.
   */
  pushUrl(gatewayUrl: string, runSecret: string): string;
}

export type CarrierRead = { ok: true; setup: CarrierSetup } | { ok: false; problems: string[] };

/** A carrier as the gateway uses it; `defineCarrier` makes one from a `CarrierSpec`. */
export interface CarrierDefinition<Id extends CarrierId = CarrierId> {
  id: Id;
  /** Every variable the carrier reads. */
  variables: readonly string[];
  /** The variables the real carrier needs, all set together. */
  required: readonly string[];
  /**
   * The carrier's own rules over the platform defaults (src/domain/rules.ts); CARRIER_CONFIG_FILE
   * overrides both.
   */
  ruleDefaults: Partial<CarrierRules>;
  /** Reads and checks the carrier's variables; each problem is a line that names the variable. */
  read(environment: Readonly<Record<string, string | undefined>>): CarrierRead;
  sandbox: CarrierSandbox;
}

type EnvOf<Shape extends z.ZodRawShape> = z.infer<z.ZodObject<Shape>>;

/** One carrier, as written in its folder. */
export interface CarrierSpec<
  Id extends CarrierId,
  Shape extends z.ZodRawShape,
  Required extends keyof Shape & string,
  Settings,
> {
  id: Id;
  /**
   * The carrier's variables, each optional or with a default, and a description on each that
   * is not obvious. Default a base URL to the carrier's test environment where it has one, so
   * that production is an explicit choice.
   */
  variables: Shape;
  /**
   * The variables the real carrier needs: all set, the gateway calls it; none set, it uses the
   * sandbox; some set is a mistake, not a request for the sandbox, and stops the start naming
   * the others.
   */
  required: readonly Required[];
  /** The adapter's settings schema: the settings made below are parsed with it at start. */
  settings: z.ZodType<Settings>;
  /** Settings for the real carrier, from the variables (every required one is set). */
  liveSettings(env: EnvOf<Shape> & Record<Required, string>, gateway: GatewayLink): Settings;
  /**
   * Settings for the carrier's sandbox at `sandbox.url`: the sandbox's built-in credentials, and
   * for whatever authenticates a push a secret derived from the run secret
   * (`carrierPushSecret(sandbox.secret, id)`), never a constant.
   */
  sandboxSettings(env: EnvOf<Shape>, sandbox: SandboxLink, gateway: GatewayLink): Settings;
  ruleDefaults: Partial<CarrierRules>;
  /**
   * The adapter for `settings`, over pools made with `pool(baseUrl)` (one per origin, with this
   * carrier's HTTP settings), which it then owns.
   */
  create(settings: Settings, pool: (baseUrl: string) => Dispatcher): CarrierAdapter;
  sandbox: CarrierSandbox;
}

/** Checks a carrier's spec against the gateway's needs and gives the gateway its definition. */
export function defineCarrier<
  const Id extends CarrierId,
  Shape extends z.ZodRawShape,
  Required extends keyof Shape & string,
  Settings,
>(spec: CarrierSpec<Id, Shape, Required, Settings>): CarrierDefinition<Id> {
  const schema = z.object(spec.variables);
  type Env = EnvOf<Shape>;
  type LiveEnv = Env & Record<Required, string>;
  const isLive = (env: Env): env is LiveEnv => missingOf(env).length === 0;
  function missingOf(env: Env): Required[] {
    const values: Readonly<Record<string, unknown>> = env;
    return spec.required.filter((name) => values[name] === undefined);
  }

  function build(env: Env, input: CarrierBuildInput): ReturnType<CarrierSetup["build"]> {
    const live = isLive(env);
    let settings: Settings;
    if (live) {
      settings = spec.liveSettings(env, input);
    } else if (input.sandbox) {
      settings = spec.sandboxSettings(env, input.sandbox, input);
    } else {
      throw noSandboxError(spec.required);
    }
    const checked = spec.settings.safeParse(settings);
    if (!checked.success) {
      const lines = checked.error.issues.map(
        (issue) => `  ${spec.id} settings.${issue.path.join(".")}: ${issue.message}`,
      );
      throw new ConfigError(`Invalid carrier configuration:\n${lines.join("\n")}`);
    }
    const adapter = spec.create(checked.data, (baseUrl) => createCarrierPool(baseUrl, input.http));
    return { adapter, mode: live ? "live" : "sandbox" };
  }

  return {
    id: spec.id,
    variables: Object.keys(spec.variables),
    required: spec.required,
    ruleDefaults: spec.ruleDefaults,
    sandbox: spec.sandbox,
    read(environment) {
      const parsed = schema.safeParse(environment);
      if (!parsed.success) {
        const problems = parsed.error.issues.map(
          (issue) => `${issue.path.join(".")}: ${issue.message}`,
        );
        return { ok: false, problems };
      }
      const env = parsed.data;
      const missing = missingOf(env);
      if (missing.length > 0 && missing.length < spec.required.length) {
        const given = spec.required.filter((name) => !missing.includes(name)).join(", ");
        return { ok: false, problems: missing.map((name) => `${name}: required with ${given}`) };
      }
      return { ok: true, setup: { live: isLive(env), build: (input) => build(env, input) } };
    },
  };
}

/** The error for a carrier with neither its credentials nor a sandbox to use. */
export function noSandboxError(required: readonly string[]): ConfigError {
  return new ConfigError(
    `${required.join(" / ")} are not set and no sandbox is running: set them, or SANDBOX_URL.`,
  );
}
