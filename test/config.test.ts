import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CarrierId, carrierIds } from "../contracts/carrier-adapter.ts";
import { carrierDefinitions } from "../src/carriers/definitions.ts";
import { buildCarrierRegistry, carriersNeedingSandbox } from "../src/carriers/modules.ts";
import { ConfigError, databaseName, loadConfig } from "../src/config.ts";
import { silentLogger } from "../src/logger.ts";
import { Metrics } from "../src/metrics.ts";

function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("configuration is validated at start-up, naming each bad variable", () => {
  it("names gateway variables", () => {
    const message = configError(() =>
      loadConfig({ GATEWAY_PORT: "http", ADMIN_TOKEN: "short", LOG_LEVEL: "loud" }),
    );
    expect(message).toContain("GATEWAY_PORT");
    expect(message).toContain("ADMIN_TOKEN");
    expect(message).toContain("LOG_LEVEL");
    expect(configError(() => loadConfig({ DEMO_API_KEY: "letmein" }))).toContain("DEMO_API_KEY");
    expect(
      configError(() => loadConfig({ REQUEST_DEADLINE_MS: "20000", JOB_LEASE_MS: "30000" })),
    ).toContain("JOB_LEASE_MS");
  });

  it("bounds the tracking cache and the carrier-call budget", () => {
    expect(loadConfig({})).toMatchObject({
      trackingCacheMs: 30_000,
      carrierCallsPerMerchantPerMinute: 600,
    });
    expect(loadConfig({ TRACKING_CACHE_MS: "0" }).trackingCacheMs).toBe(0);
    expect(configError(() => loadConfig({ TRACKING_CACHE_MS: "300001" }))).toContain(
      "TRACKING_CACHE_MS",
    );
    expect(configError(() => loadConfig({ CARRIER_CALLS_PER_MERCHANT_PER_MINUTE: "1" }))).toContain(
      "CARRIER_CALLS_PER_MERCHANT_PER_MINUTE",
    );
  });

  it("asks for SANDBOX_SECRET with SANDBOX_URL: the sandboxes' push secrets derive from it", () => {
    expect(configError(() => loadConfig({ SANDBOX_URL: "http://127.0.0.1:4010" }))).toContain(
      "SANDBOX_SECRET: required with SANDBOX_URL",
    );
    expect(
      configError(() =>
        loadConfig({ SANDBOX_URL: "http://127.0.0.1:4010", SANDBOX_SECRET: "short" }),
      ),
    ).toContain("SANDBOX_SECRET");
    const config = loadConfig({
      SANDBOX_URL: "http://127.0.0.1:4010",
      SANDBOX_SECRET: "a-run-secret-0123456789",
    });
    expect(config.sandbox).toEqual({
      url: "http://127.0.0.1:4010",
      secret: "a-run-secret-0123456789",
    });
  });

  it("selects PostgreSQL by a postgres:// URL and a SQLite file otherwise", () => {
    const url = "postgres://gateway:s3cret@db.internal:5432/gateway";
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({
      engine: "postgres",
      url,
      poolSize: 10,
    });
    const longForm = loadConfig({ DATABASE_URL: "postgresql://db/x", DATABASE_POOL_SIZE: "40" });
    expect(longForm.database).toMatchObject({ engine: "postgres", poolSize: 40 });
    expect(loadConfig({}).database).toEqual({ engine: "sqlite", path: "./data/gateway.db" });
    expect(loadConfig({ DATABASE_URL: "/var/lib/gw.db" }).database).toEqual({
      engine: "sqlite",
      path: "/var/lib/gw.db",
    });
    // Messages name the database without its password.
    expect(databaseName(loadConfig({ DATABASE_URL: url }).database)).toBe(
      "postgres://gateway@db.internal:5432/gateway",
    );
    expect(configError(() => loadConfig({ DATABASE_POOL_SIZE: "1" }))).toContain(
      "DATABASE_POOL_SIZE",
    );
  });

  it("bounds the worker's concurrency in all and per carrier", () => {
    expect(loadConfig({}).workerConcurrency).toEqual({ total: 16, perCarrier: 4 });
    expect(
      loadConfig({ WORKER_CONCURRENCY: "8", WORKER_CONCURRENCY_PER_CARRIER: "2" })
        .workerConcurrency,
    ).toEqual({ total: 8, perCarrier: 2 });
    const message = configError(() =>
      loadConfig({ WORKER_CONCURRENCY: "0", WORKER_CONCURRENCY_PER_CARRIER: "many" }),
    );
    expect(message).toContain("WORKER_CONCURRENCY:");
    expect(message).toContain("WORKER_CONCURRENCY_PER_CARRIER");
  });

  it("names every carrier's bad variables when the configuration is read", () => {
    const message = configError(() =>
      loadConfig({ DATABASE_URL: ":memory:", SF_BASE_URL: "not a url", UPS_BASE_URL: "nope" }),
    );
    expect(message).toContain("SF_BASE_URL");
    expect(message).toContain("UPS_BASE_URL");
  });

  it("asks for the rest of a credential set instead of silently using the sandbox", () => {
    expect(
      configError(() => loadConfig({ DATABASE_URL: ":memory:", ZTO_APP_KEY: "only-the-key" })),
    ).toContain("ZTO_APP_SECRET: required with ZTO_APP_KEY");
  });

  it("uses the sandbox for every carrier without credentials, and the real carrier otherwise", async () => {
    expect(carriersNeedingSandbox(loadConfig({})).sort()).toEqual([
      "cainiao",
      "jd",
      "kuaidi100",
      "sf-express",
      "ups",
      "zto",
    ]);
    const config = loadConfig({
      SF_PARTNER_ID: "P",
      SF_CHECKWORD: "C",
      SF_PUSH_TOKEN: "a-secret-token",
    });
    expect(carriersNeedingSandbox(config)).not.toContain("sf-express");
    const registry = buildCarrierRegistry(
      { config, sandbox: { url: "http://127.0.0.1:1", secret: "a-run-secret-0123456789" } },
      new Metrics(),
      silentLogger,
      () => new Date(),
    );
    expect(registry.get("sf-express")?.mode).toBe("live");
    expect(registry.get("ups")?.mode).toBe("sandbox");
    await registry.close();
  });

  it("reads per-carrier rules, polling and HTTP overrides from CARRIER_CONFIG_FILE", () => {
    const directory = mkdtempSync(join(tmpdir(), "config-"));
    try {
      const file = join(directory, "carriers.json");
      writeFileSync(
        file,
        JSON.stringify({
          jd: {
            rules: { valueCeiling: { amount: "500.00", currency: "CNY" } },
            poll: { horizonMs: 1000 },
            http: { maxConnections: 4 },
          },
        }),
      );
      const config = loadConfig({ CARRIER_CONFIG_FILE: file });
      expect(config.carriers.jd.rules.valueCeiling.amount).toBe("500.00");
      expect(config.carriers.jd.rules.actions).toEqual(["intercept"]);
      expect(config.carriers.jd.poll.horizonMs).toBe(1000);
      expect(config.carriers.jd.http.maxConnections).toBe(4);
      expect(config.carriers["sf-express"].http.maxConnections).toBe(32);

      writeFileSync(file, JSON.stringify({ jd: { rules: { valueCeiling: { amount: "lots" } } } }));
      expect(configError(() => loadConfig({ CARRIER_CONFIG_FILE: file }))).toContain(
        "jd.rules.valueCeiling",
      );
      writeFileSync(file, JSON.stringify({ jd: { poll: { horizonMS: 1000 } } }));
      expect(configError(() => loadConfig({ CARRIER_CONFIG_FILE: file }))).toContain("horizonMS");
      // The free redirect is counted per order since issue 9: the old per-parcel key is named.
      writeFileSync(file, JSON.stringify({ ups: { rules: { freeRedirectsPerParcel: 2 } } }));
      expect(configError(() => loadConfig({ CARRIER_CONFIG_FILE: file }))).toContain(
        "freeRedirectsPerParcel",
      );
      writeFileSync(file, JSON.stringify({ ups: { rules: { freeRedirectsPerOrder: 2 } } }));
      expect(loadConfig({ CARRIER_CONFIG_FILE: file }).carriers.ups.rules).toMatchObject({
        freeRedirectsPerOrder: 2,
        blockedCategories: expect.arrayContaining(["fresh", "tea", "custom_made"]),
      });
      writeFileSync(file, JSON.stringify({ pigeon: {} }));
      expect(configError(() => loadConfig({ CARRIER_CONFIG_FILE: file }))).toContain(
        "CARRIER_CONFIG_FILE",
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe("carriers without credentials outside demo mode", () => {
  it("are left out when no sandbox is given, so requests for them get unknown_carrier", async () => {
    const config = loadConfig({
      SF_PARTNER_ID: "P",
      SF_CHECKWORD: "C",
      SF_PUSH_TOKEN: "a-secret-token",
    });
    const registry = buildCarrierRegistry(
      { config, sandbox: null },
      new Metrics(),
      silentLogger,
      () => new Date(),
    );
    expect(registry.all().map((carrier) => carrier.id)).toEqual(["sf-express"]);
    expect(registry.get("ups")).toBeNull();
    await registry.close();
  });
});

/** Each carrier's whole credential set, with valid values: what it needs to go live. */
const credentialSets = {
  "sf-express": { SF_PARTNER_ID: "P", SF_CHECKWORD: "C", SF_PUSH_TOKEN: "a-secret-token" },
  ups: {
    UPS_CLIENT_ID: "client",
    UPS_CLIENT_SECRET: "secret",
    UPS_REQUESTER_NAME: "Returns desk",
    UPS_REQUESTER_PHONE: "+14105550100",
  },
  jd: {
    JD_APP_KEY: "key",
    JD_APP_SECRET: "secret",
    JD_ACCESS_TOKEN: "token",
    JD_VENDOR_CODE: "010K000000",
  },
  kuaidi100: {
    KUAIDI100_KEY: "key",
    KUAIDI100_SECRET: "secret",
    KUAIDI100_CUSTOMER: "customer",
    KUAIDI100_SALT: "a-salt-0123",
  },
  cainiao: { CAINIAO_APP_KEY: "key", CAINIAO_APP_SECRET: "secret", CAINIAO_SESSION: "session" },
  zto: { ZTO_APP_KEY: "key", ZTO_APP_SECRET: "secret" },
} satisfies Record<CarrierId, Record<string, string>>;

const halfSets = Object.entries(credentialSets).flatMap(([carrier, set]) => {
  const names = Object.keys(set);
  return names.flatMap((name) => [
    {
      carrier,
      set: `only ${name}`,
      env: Object.fromEntries(Object.entries(set).filter(([each]) => each === name)),
      missing: names.filter((each) => each !== name),
    },
    {
      carrier,
      set: `all but ${name}`,
      env: Object.fromEntries(Object.entries(set).filter(([each]) => each !== name)),
      missing: [name],
    },
  ]);
});

describe("a carrier's credential set is all or nothing", () => {
  it.each(Object.entries(credentialSets))("%s goes live with its whole set", (id, set) => {
    const config = loadConfig({ DATABASE_URL: ":memory:", ...set });
    expect(carriersNeedingSandbox(config)).not.toContain(id);
    expect(carriersNeedingSandbox(config)).toHaveLength(carrierIds.length - 1);
  });

  it.each(halfSets)(
    "$carrier with $set stops the start, naming what is missing",
    ({ env, missing }) => {
      const message = configError(() => loadConfig({ DATABASE_URL: ":memory:", ...env }));
      for (const name of missing) {
        expect(message).toContain(`${name}: required with`);
      }
    },
  );
});

describe("the README", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

  it.each(carrierIds)("documents every variable %s reads", (id) => {
    const undocumented = carrierDefinitions[id].variables.filter(
      (name) => !readme.includes(`| \`${name}\` |`),
    );
    expect(undocumented).toEqual([]);
  });
});
