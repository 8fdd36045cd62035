/**
 * `npm start`. With no carrier credentials at all it is a demo: the gateway, the carrier
 * sandboxes (unless SANDBOX_URL points at running ones) and a demo merchant with a fresh key.
 * With some credentials, only the carriers that have them run, unless SANDBOX_URL is set, in
 * which case the others use that sandbox. A database serves the mode it was first started in.
 */
import { ConfigError, loadConfig } from "./config.ts";
import { startGateway } from "./server.ts";

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const gateway = await startGateway(config);

  if (gateway.demo) {
    const { merchant, apiKey } = gateway.demo;
    process.stdout.write(
      [
        "",
        "  Carrier interception gateway (demo mode: no carrier credentials, every carrier uses its sandbox)",
        `  Gateway:   ${gateway.url}   (docs: ${gateway.url}/docs)`,
        `  Sandbox:   ${gateway.sandboxUrl}`,
        `  Merchant:  ${merchant.id} (pickup service: ${merchant.pickupService})`,
        `  API key:   ${apiKey}`,
        "",
        `  export GATEWAY=${gateway.url} SANDBOX=${gateway.sandboxUrl} KEY=${apiKey}`,
        "",
      ].join("\n"),
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    gateway.services.logger.info("shutting down", { signal });
    // A hard bound, so a stuck connection cannot keep the process alive forever.
    setTimeout(() => process.exit(1), 10_000).unref();
    await gateway.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : String((error as Error).stack ?? error)}\n`,
  );
  process.exit(1);
});
