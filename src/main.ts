/**
 * `npm start`. With no carrier credentials at all it is a demo: the gateway, the carrier
 * sandboxes (unless SANDBOX_URL points at running ones) and a demo merchant with a fresh key.
 * With some credentials, only the carriers that have them run, unless SANDBOX_URL is set, in
 * which case the others use that sandbox.
 */
import { startSandbox } from "../adapters/sandbox-kit/server.ts";
import { carrierIds } from "../contracts/carrier-adapter.ts";
import { carriersNeedingSandbox, sandboxPushUrls } from "./carriers/modules.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { startGateway } from "./server.ts";

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const demoMode = carriersNeedingSandbox(config).length === carrierIds.length;
  let sandbox: Awaited<ReturnType<typeof startSandbox>> | null = null;
  let sandboxUrl = config.env.SANDBOX_URL ?? null;
  if (demoMode && !sandboxUrl) {
    sandbox = await startSandbox({
      port: config.env.SANDBOX_PORT,
      host: "127.0.0.1",
      pushUrls: sandboxPushUrls(config.publicUrl),
    });
    sandboxUrl = sandbox.url;
  }

  const gateway = await startGateway(config, sandboxUrl);

  if (demoMode) {
    const { merchants } = gateway.services;
    const merchant = await merchants.demoMerchant(config.demo.pickupService);
    let apiKey = config.demo.apiKey;
    if (apiKey) {
      if (!(await merchants.authenticate(apiKey))) {
        await merchants.issueKey(merchant.id, apiKey);
      }
    } else {
      apiKey = (await merchants.issueKey(merchant.id)).apiKey;
    }
    process.stdout.write(
      [
        "",
        "  Carrier interception gateway (demo mode: no carrier credentials, every carrier uses its sandbox)",
        `  Gateway:   ${gateway.url}   (docs: ${gateway.url}/docs)`,
        `  Sandbox:   ${sandboxUrl}`,
        `  Merchant:  ${merchant.id} (pickup service: ${merchant.pickupService})`,
        `  API key:   ${apiKey}`,
        "",
        `  export GATEWAY=${gateway.url} SANDBOX=${sandboxUrl} KEY=${apiKey}`,
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
    await sandbox?.close();
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
