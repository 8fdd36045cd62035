/**
 * What the gateway needs from each carrier besides its adapter: how to read the carrier's
 * variables, whether real credentials are set, and where its sandbox should push outcomes.
 * One module per carrier in src/carriers/, listed in the typed registry.
 */

import { z } from "zod";
import type { CarrierAdapter } from "../../contracts/carrier-adapter.ts";
import { ConfigError, type GatewayConfig } from "../config.ts";

export type CarrierMode = "live" | "sandbox";

/** Carrier sandboxes to use: where they run and the run secret (SANDBOX_SECRET) they share. */
export interface SandboxLink {
  url: string;
  secret: string;
}

/**
 * What a carrier builder needs: the validated config (its `http` holds this carrier's HTTP
 * settings) and, when carriers without credentials should use them, the sandboxes.
 */
export interface CarrierBuildInput {
  config: GatewayConfig;
  sandbox: SandboxLink | null;
}

export interface CarrierModule {
  /** True when the carrier's real credentials are configured. */
  hasCredentials(config: GatewayConfig): boolean;
  /** Builds the adapter against the real carrier (credentials set) or the sandbox. */
  build(input: CarrierBuildInput): { adapter: CarrierAdapter; mode: CarrierMode };
  /**
   * The gateway callback URL this carrier's sandbox should push to (with any token derived from
   * the run secret).
   */
  sandboxPushUrl(gatewayUrl: string, runSecret: string): string;
}

/**
 * Validates one carrier's variables with zod; a problem names the variable, as the rest of the
 * configuration does.
 */
export function readCarrierEnv<T extends z.ZodRawShape>(
  config: GatewayConfig,
  shape: T,
): z.infer<z.ZodObject<T>> {
  const parsed = z.object(shape).safeParse(config.carrierEnvironment);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid carrier configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/** The error for a carrier with neither credentials nor a sandbox to use. */
export function noSandboxError(variables: string): ConfigError {
  return new ConfigError(
    `${variables} are not set and no sandbox is running: set them, or SANDBOX_URL.`,
  );
}
