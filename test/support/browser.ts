/**
 * Launches the run's Chromium (test/support/chromium-global-setup.ts) through playwright-core,
 * with the environment it needs and none of @sparticuz/chromium's Lambda flags: those turn off
 * web security and the sandbox, which a test of a web page must keep.
 */
import { type Browser, chromium } from "playwright-core";
import { inject } from "vitest";

export function launchChromium(): Promise<Browser> {
  const { executablePath, env } = inject("chromium");
  return chromium.launch({
    executablePath,
    args: [],
    env: { ...process.env, ...env } as Record<string, string>,
  });
}
