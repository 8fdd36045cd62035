/**
 * The gateway as `npm start` runs it, for the loopback integration tests: the carrier sandboxes
 * and the gateway server on 127.0.0.1, a SQLite file in a temp folder, SF's pushes registered at
 * the sandbox, and one merchant with its API key.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { type RunningSandbox, startSandbox } from "../../adapters/sandbox-kit/server.ts";
import { sandboxPushUrls } from "../../src/carriers/modules.ts";
import { loadConfig } from "../../src/config.ts";
import { type RunningGateway, startGateway } from "../../src/server.ts";
import { http } from "./loopback.ts";

const adminToken = "integration-admin-token-01234";

export interface LoopbackGateway {
  gateway: RunningGateway;
  sandbox: RunningSandbox;
  apiKey: string;
  close(): Promise<void>;
}

/** Starts it all; `env` adds to the settings every such test needs. */
export async function startLoopbackGateway(input: {
  env: Record<string, string>;
  merchant: { name: string; pickupService: boolean };
}): Promise<LoopbackGateway> {
  const directory = mkdtempSync(join(tmpdir(), "gateway-it-"));
  const sandbox = await startSandbox({ port: 0, host: "127.0.0.1" });
  const config = loadConfig({
    GATEWAY_PORT: "0",
    DATABASE_URL: `file:${join(directory, "gateway.db")}`,
    ADMIN_TOKEN: adminToken,
    LOG_LEVEL: "error",
    ...input.env,
  });
  const gateway = await startGateway(config, sandbox);
  // SF pushes to the gateway, as `npm start` registers it.
  const pushUrl = sandboxPushUrls(gateway.url, sandbox.secret)["sf-express"];
  await http("POST", `${sandbox.url}/_sandbox/push-urls`, { carrier: "sf-express", url: pushUrl });
  const merchant = await http("POST", `${gateway.url}/admin/merchants`, input.merchant, {
    authorization: `Bearer ${adminToken}`,
  });
  expect(merchant.status, merchant.text).toBe(201);
  return {
    gateway,
    sandbox,
    apiKey: merchant.body.apiKey,
    async close() {
      await gateway.close();
      await sandbox.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
