/**
 * The typed client as a storefront gets it: compiled alone (`npm run client:build` does the
 * same), its package.json beside it, and only its two dependencies installed. Outside this
 * repository nothing of the gateway can be reached, so an import of it would fail the run.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const directory = mkdtempSync(join(tmpdir(), "gateway-client-package-"));
const packageDir = join(directory, "node_modules/@interception-gateway/client");
const run = promisify(execFile);

beforeAll(async () => {
  await run(
    join(root, "node_modules/.bin/tsc"),
    ["-p", "client/tsconfig.json", "--outDir", join(packageDir, "dist")],
    { cwd: root, timeout: 120_000 },
  );
  copyFileSync(join(root, "client/package.json"), join(packageDir, "package.json"));
  // Its dependencies, as npm would install them beside it (theirs resolve from where they live).
  for (const name of ["openapi-fetch", "standardwebhooks"]) {
    mkdirSync(join(directory, "node_modules", name, ".."), { recursive: true });
    symlinkSync(join(root, "node_modules", name), join(directory, "node_modules", name));
  }
}, 120_000);
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe("the client package", () => {
  it("loads by its name and verifies a webhook, with only its own dependencies", async () => {
    const script = `
      import { Webhook } from "standardwebhooks";
      import { createGatewayClient, verifyWebhook } from "@interception-gateway/client";
      const secret = "whsec_" + Buffer.from("a test secret of 24 bytes").toString("base64");
      const body = JSON.stringify({ id: "evt_1", type: "interception.locked", createdAt: "", data: {} });
      const at = new Date();
      const headers = {
        "webhook-id": "evt_1",
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": new Webhook(secret).sign("evt_1", at, body),
      };
      const client = createGatewayClient({ baseUrl: "http://127.0.0.1:9", apiKey: "igk_x" });
      console.log(typeof client.intercept, verifyWebhook(secret, headers, body).type);
    `;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: directory,
    });
    expect(stdout.trim()).toBe("function interception.locked");
  });
});
