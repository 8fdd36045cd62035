import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["test/support/postgres-global-setup.ts"],
    include: ["test/**/*.test.ts", "adapters/**/*.test.ts", "contracts/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Integration tests start real servers on loopback; two cores do not gain from more workers.
    maxWorkers: 2,
  },
});
