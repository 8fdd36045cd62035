import { defineProject } from "vitest/config";

/**
 * The route and job suites again, on PostgreSQL: test/harness.ts builds each test gateway on a
 * fresh database of the run's PostgreSQL (test/support/postgres-global-setup.ts) when
 * GATEWAY_TEST_STORE is `postgres`. A project of vitest.config.ts, so `npm test` runs it.
 */
export default defineProject({
  test: {
    name: "postgres",
    include: ["test/routes/**/*.test.ts", "test/workers/**/*.test.ts"],
    env: { GATEWAY_TEST_STORE: "postgres" },
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
