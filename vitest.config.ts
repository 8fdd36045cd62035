import { configDefaults, defineConfig } from "vitest/config";

/**
 * Three projects, so a change can be checked in seconds before the whole suite runs:
 * - unit: pure code and code against in-memory fakes or undici's MockAgent; no socket, no process;
 * - slow: reliability, where real processes are killed and restarted, carriers misbehave on real
 *   sockets, and the compiled build is started;
 * - integration: everything else (routes in-process over a real store, the store itself, the
 *   worker, the real server against the sandboxes, the carrier contract suites).
 * Integration is defined as "not unit, not slow", so a new test file always runs in some project.
 * A fourth, postgres (vitest.postgres.config.ts), runs the route and worker suites again on
 * PostgreSQL; slow-multi-instance is one slow file run on its own (below); browser drives the
 * dashboard in a real Chromium (test/browser, its own global setup unpacks the browser). `npm test` runs them
 * all; `npm run test:unit` (…`:integration`, `:slow` with slow-multi-instance) one.
 */
const unitTests = [
  "test/*.test.ts",
  "test/domain/**/*.test.ts",
  "test/resilience/**/*.test.ts",
  "test/jobs/**/*.test.ts",
  "test/client/**/*.test.ts",
];
/** An adapter's own tests use fixtures and MockAgent; its contract suite runs its sandbox. */
const adapterTests = "adapters/**/*.test.ts";
const contractSuites = "adapters/**/contract.test.ts";
const slow = ["test/reliability/**/*.test.ts", "test/build/**/*.test.ts"];
const browser = "test/browser/**/*.test.ts";
/**
 * Four processes and a database at full tilt: run alone, after the other slow tests, so that it
 * starves none of their child gateways (beside it, crash.test.ts overran its 60 s).
 */
const multiInstance = "test/reliability/multi-instance.test.ts";

const timeouts = { testTimeout: 20_000, hookTimeout: 20_000 };

export default defineConfig({
  test: {
    // Declared here and not in the projects, so it runs once per run whichever projects run: a
    // project inheriting it would start a PostgreSQL of its own.
    globalSetup: ["test/support/postgres-global-setup.ts"],
    // Integration tests start real servers on loopback; two cores do not gain from more workers.
    maxWorkers: 2,
    projects: [
      {
        test: {
          ...timeouts,
          name: "unit",
          include: [...unitTests, adapterTests, "contracts/**/*.test.ts"],
          exclude: [...configDefaults.exclude, contractSuites],
        },
      },
      {
        test: {
          ...timeouts,
          name: "integration",
          include: ["test/**/*.test.ts", contractSuites],
          exclude: [...configDefaults.exclude, ...unitTests, ...slow, browser],
        },
      },
      {
        test: {
          ...timeouts,
          name: "slow",
          include: slow,
          exclude: [...configDefaults.exclude, multiInstance],
          // After the others: their failures show first, and these multi-process tests do not
          // compete with them for the two cores.
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...timeouts,
          name: "slow-multi-instance",
          include: [multiInstance],
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: {
          // A page load and a click each wait on Chromium: more room than the in-process tests.
          testTimeout: 60_000,
          hookTimeout: 60_000,
          name: "browser",
          include: [browser],
          // Unpacks Chromium on the first run (about 10 s), and only for this project.
          globalSetup: ["test/support/chromium-global-setup.ts"],
        },
      },
      "./vitest.postgres.config.ts",
    ],
  },
});
