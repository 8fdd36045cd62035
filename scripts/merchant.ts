/**
 * `npm run merchant -- create --name X [--pickup-service]`: creates a merchant and prints its
 * first API key (shown this once). `npm run merchant -- key --merchant mer_…` issues another.
 * `--help` (`-h`) prints the usage.
 */
import { parseArgs } from "node:util";
import { systemClock } from "../src/clock.ts";
import { ConfigError, databaseName, loadConfig } from "../src/config.ts";
import { createJsonLogger } from "../src/logger.ts";
import { MerchantService } from "../src/services/merchants.ts";
import { StoreBusyError } from "../src/store/busy.ts";
import { openConfiguredStore } from "../src/store/open.ts";

const usage = `Usage:
  npm run merchant -- create --name "Tea House" [--pickup-service]
  npm run merchant -- key --merchant mer_…
  npm run merchant -- --help

Writes to the database at DATABASE_URL (a SQLite file or PostgreSQL); works while the gateway is running.`;

/** A command line the script cannot run: the usage goes to stderr and the exit code is 1. */
class UsageError extends Error {}

async function main(): Promise<void> {
  const { positionals, values } = parseCommandLine();
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const command = positionals[0];
  const createName = command === "create" ? values.name : undefined;
  const keyFor = command === "key" ? values.merchant : undefined;
  if (command !== "create" && command !== "key") {
    throw new UsageError(command ? `Unknown command "${command}".` : "No command given.");
  }
  if (!createName && !keyFor) {
    throw new UsageError(command === "create" ? "create needs --name." : "key needs --merchant.");
  }
  const config = loadConfig(process.env);
  // A second writer beside a running gateway: on SQLite the store's few-ms busy timeout keeps this
  // CLI from holding the gateway up, and its short writes wait on timers for the gateway's commits.
  const { store } = await openConfiguredStore(config, {
    logger: createJsonLogger("error"),
    now: systemClock,
  });
  const merchants = new MerchantService(store, systemClock);
  try {
    if (createName) {
      const created = await merchants.create({
        name: createName,
        pickupService: values["pickup-service"],
      });
      print({
        id: created.merchant.id,
        name: created.merchant.name,
        pickupService: created.merchant.pickupService,
        apiKey: created.apiKey,
        keyId: created.keyId,
      });
    } else if (keyFor) {
      if (!(await merchants.get(keyFor))) {
        throw new ConfigError(`No merchant ${keyFor} in ${databaseName(config.database)}.`);
      }
      print(await merchants.issueKey(keyFor));
    }
  } finally {
    await store.close();
  }
}

function parseCommandLine() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        help: { type: "boolean", short: "h", default: false },
        name: { type: "string" },
        "pickup-service": { type: "boolean", default: false },
        merchant: { type: "string" },
      },
    });
  } catch (error) {
    // An unknown option or a missing value: node:util says which.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${usage}\n`);
  } else {
    const known = error instanceof ConfigError || error instanceof StoreBusyError;
    process.stderr.write(`${known ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
