/**
 * `npm run sandbox`: every carrier sandbox alone, on SANDBOX_PORT. Outcomes are pushed to the
 * gateway at GATEWAY_URL (default http://127.0.0.1:8080).
 */
import { startSandbox } from "../adapters/sandbox-kit/server.ts";
import { sandboxPushUrls } from "./carriers/modules.ts";

const port = Number(process.env.SANDBOX_PORT ?? 4010);
const gatewayUrl =
  process.env.GATEWAY_URL ?? `http://127.0.0.1:${process.env.GATEWAY_PORT ?? 8080}`;

const sandbox = await startSandbox({
  port,
  host: "127.0.0.1",
  pushUrls: sandboxPushUrls(gatewayUrl),
});
process.stdout.write(`Carrier sandboxes on ${sandbox.url}, pushing outcomes to ${gatewayUrl}\n`);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    void sandbox.close().then(() => process.exit(0));
  });
}
