/**
 * `npm run sandbox`: every carrier sandbox alone, on SANDBOX_PORT. Outcomes are pushed to the
 * gateway at GATEWAY_URL (default http://127.0.0.1:8080). SANDBOX_LATENCY_MS delays every
 * carrier answer by a fixed time (benchmarks). The push secrets derive from SANDBOX_SECRET: a
 * fresh random one unless set, printed so the gateway can be started with the same one.
 */
import { z } from "zod";
import { newSandboxSecret } from "../adapters/sandbox-kit/secret.ts";
import { startSandbox } from "../adapters/sandbox-kit/server.ts";
import { type CarrierId, carrierIds } from "../contracts/carrier-adapter.ts";
import { sandboxPushUrls } from "./carriers/modules.ts";

const env = z
  .object({
    SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).default(4010),
    GATEWAY_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
    GATEWAY_URL: z.url().optional(),
    SANDBOX_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    SANDBOX_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  })
  .parse(process.env);
const gatewayUrl = env.GATEWAY_URL ?? `http://127.0.0.1:${env.GATEWAY_PORT}`;
const latencyMs = Object.fromEntries(
  carrierIds.map((id) => [id, env.SANDBOX_LATENCY_MS]),
) as Record<CarrierId, number>;
const secret = env.SANDBOX_SECRET ?? newSandboxSecret();

const sandbox = await startSandbox({
  port: env.SANDBOX_PORT,
  host: "127.0.0.1",
  pushUrls: sandboxPushUrls(gatewayUrl, secret),
  latencyMs,
  secret,
});
process.stdout.write(
  [
    `Carrier sandboxes on ${sandbox.url}, pushing outcomes to ${gatewayUrl}`,
    "Start the gateway with:",
    `  SANDBOX_URL=${sandbox.url} SANDBOX_SECRET=${secret} npm start`,
    "",
  ].join("\n"),
);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    void sandbox.close().then(() => process.exit(0));
  });
}
