/**
 * The store's cost as it grows: the database is seeded to 10k, 100k and 1M interceptions
 * (3 events each, like a settled interception) through `openSqliteStore`, and at each size
 * the store's own `insertInterception`, `getInterception` and `listInterceptions` are timed
 * in-process with the store's real pragmas (WAL, synchronous = NORMAL, and the store's own WAL
 * fsync before a write settles). The 1M database is then
 * reused by the GET scenario.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ulid } from "ulid";
import { newJob } from "../../src/jobs/new-job.ts";
import { MerchantService } from "../../src/services/merchants.ts";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/open.ts";
import { type Summary, summarize } from "../lib/load.ts";

export interface StoreSize {
  rows: number;
  insert: Summary;
  getById: Summary;
  listFirstPage: Summary;
  seedSeconds: number;
  dbBytes: number;
  walBytes: number;
  /** Main file after a WAL checkpoint (TRUNCATE), i.e. the steady size on disk. */
  checkpointedBytes: number;
  bytesPerInterception: number;
}

export interface StoreResult {
  sizes: StoreSize[];
  databasePath: string;
  /** The merchant whose key the GET scenario uses, and some of its interception ids. */
  apiKey: string;
  merchantIds: string[];
  benchMerchantIds: string[];
}

/** What the GET scenario needs of a seeded database; kept beside it by `--seeded`. */
export interface SeededDatabase {
  databasePath: string;
  apiKey: string;
  /** Interceptions of the merchant whose key that is. */
  ids: string[];
  rows: number;
}

const seededFile = "seeded.json";

/** Notes beside the database what the GET scenario needs of it; returns that. */
export function writeSeeded(directory: string, result: StoreResult): SeededDatabase {
  const seeded = {
    databasePath: result.databasePath,
    apiKey: result.apiKey,
    ids: result.benchMerchantIds,
    rows: result.sizes.at(-1)?.rows ?? 0,
  };
  writeFileSync(join(directory, seededFile), JSON.stringify(seeded));
  return seeded;
}

/** A database an earlier run seeded and kept in `directory`, if there is one. */
export function readSeeded(directory: string): SeededDatabase | undefined {
  const file = join(directory, seededFile);
  if (!existsSync(file)) {
    return undefined;
  }
  const seeded = JSON.parse(readFileSync(file, "utf8")) as SeededDatabase;
  return existsSync(seeded.databasePath) ? seeded : undefined;
}

const MERCHANTS = 20;
const BATCH = 50_000;
const DAY_MS = 86_400_000;

/** Times `runs` calls after `warmup` untimed ones (JIT, statement cache, page cache). */
async function timeAsync(
  runs: number,
  warmup: number,
  body: (index: number) => Promise<unknown>,
): Promise<Float64Array> {
  for (let index = 0; index < warmup; index++) {
    await body(runs + index);
  }
  const out = new Float64Array(runs);
  for (let index = 0; index < runs; index++) {
    const start = performance.now();
    await body(index);
    out[index] = performance.now() - start;
  }
  return out.sort();
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A ULID for time `ms`, with its 80 random bits taken from a pooled `randomBytes` buffer. The
 * `ulid` package draws one byte per character from `crypto.getRandomValues` (~50 µs per id on
 * this machine), which would make seeding a million rows take minutes.
 */
function fastUlid(ms: number, pool: { bytes: Buffer; at: number }): string {
  let time = "";
  let rest = ms;
  for (let index = 0; index < 10; index++) {
    time = CROCKFORD.charAt(rest % 32) + time;
    rest = Math.floor(rest / 32);
  }
  if (pool.at + 16 > pool.bytes.length) {
    pool.bytes = randomBytes(pool.bytes.length);
    pool.at = 0;
  }
  let random = "";
  for (let index = 0; index < 16; index++) {
    random += CROCKFORD.charAt((pool.bytes[pool.at + index] as number) % 32);
  }
  pool.at += 16;
  return time + random;
}

/** A scattered SF number for row `n` (so the parcel index sees random, not appending, keys). */
function scatteredTrackingNumber(n: number): string {
  return `SF${String((n * 7_919_393 + 1_234_567) % 10_000_000_000_000).padStart(13, "0")}`;
}

class Seeder {
  readonly ids: string[] = [];
  private readonly insertRow;
  private readonly insertEvent;
  private seeded = 0;
  private readonly startMs = Date.now() - 365 * DAY_MS;

  constructor(
    private readonly store: SqliteStore,
    private readonly merchantIds: string[],
    private readonly target: number,
  ) {
    const db = store.database;
    this.insertRow = db.prepare(
      `INSERT INTO interceptions (id, merchant_id, carrier, tracking_number, order_id, action,
        reason, items, parcel, redirect_to, note, status, parcel_state, success_likelihood,
        carrier_reference, cost, failure, created_at, updated_at)
       VALUES (?, ?, 'sf-express', ?, ?, 'intercept', 'buyer_cancelled', '[]', ?, NULL, NULL,
        'succeeded', 'returned', 'normal', ?, ?, NULL, ?, ?)`,
    );
    this.insertEvent = db.prepare(
      "INSERT INTO interception_events (interception_id, at, status, detail, carrier_event_id) VALUES (?, ?, ?, ?, ?)",
    );
  }

  /** Seeds rows up to `total`, one prepared INSERT in one transaction per 50k rows. */
  growTo(total: number): number {
    const db = this.store.database;
    const started = performance.now();
    // Seeding only: the timed operations below run with the store's own pragmas.
    db.pragma("synchronous = OFF");
    db.pragma("foreign_keys = OFF");
    db.pragma("cache_size = -262144");
    const pool = { bytes: randomBytes(1 << 16), at: 0 };
    const parcel = JSON.stringify({
      declaredValue: { amount: "299.00", currency: "CNY" },
      category: "apparel",
    });
    const cost = JSON.stringify({
      payer: "merchant",
      mode: "collect_on_delivery",
      quoted: null,
      final: null,
      settlement: "offline",
    });
    const spacing = (365 * DAY_MS) / this.target;
    const batch = db.transaction((from: number, to: number) => {
      for (let n = from; n < to; n++) {
        const ms = Math.floor(this.startMs + n * spacing);
        const id = `icp_${fastUlid(ms, pool)}`;
        const at = new Date(ms).toISOString();
        const later = new Date(ms + 9).toISOString();
        const done = new Date(ms + 86_400_000).toISOString();
        const trackingNumber = scatteredTrackingNumber(n);
        this.insertRow.run(
          id,
          this.merchantIds[n % this.merchantIds.length],
          trackingNumber,
          `ORD-${n}`,
          parcel,
          id,
          cost,
          at,
          done,
        );
        this.insertEvent.run(
          id,
          at,
          "pending",
          "Accepted and stored; the carrier is being asked.",
          null,
        );
        this.insertEvent.run(
          id,
          later,
          "submitted",
          `Accepted by the carrier (reference ${id}).`,
          null,
        );
        this.insertEvent.run(id, done, "succeeded", "快件已退回 · 深圳市", `route:${n}:returned`);
        this.ids.push(id);
      }
    });
    while (this.seeded < total) {
      const to = Math.min(total, this.seeded + BATCH);
      batch(this.seeded, to);
      this.seeded = to;
    }
    db.pragma("wal_checkpoint(TRUNCATE)");
    db.pragma("cache_size = -2000");
    db.pragma("foreign_keys = ON");
    // Back to the store's own setting (open.ts): its group commit fsyncs the WAL itself.
    db.pragma("synchronous = NORMAL");
    return (performance.now() - started) / 1000;
  }
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export async function runStore(
  directory: string,
  log: (line: string) => void,
  sizes = [10_000, 100_000, 1_000_000],
): Promise<StoreResult> {
  const databasePath = join(directory, "gateway.db");
  const store = openSqliteStore({ path: databasePath });
  try {
    const merchants = new MerchantService(store, () => new Date());
    const created = [];
    for (let index = 0; index < MERCHANTS; index++) {
      created.push(
        await merchants.create({ name: `Bench merchant ${index}`, pickupService: false }),
      );
    }
    const merchantIds = created.map((each) => each.merchant.id);
    const target = sizes.at(-1) ?? 0;
    const seeder = new Seeder(store, merchantIds, target);
    const results: StoreSize[] = [];
    let measuredInserts = 0;
    for (const size of sizes) {
      const seedSeconds = seeder.growTo(size);
      // Seeded rows plus the ones earlier measured inserts added.
      const rows = size + measuredInserts;
      log(`  store: ${rows} interceptions (seeding took ${seedSeconds.toFixed(1)} s)`);

      const insertRuns = 300;
      const insert = await timeAsync(insertRuns, 20, async () => {
        const id = `icp_${ulid()}`;
        const at = new Date().toISOString();
        await store.interceptions.insert({
          interception: {
            id,
            merchantId: merchantIds[0] as string,
            carrier: "sf-express",
            trackingNumber: `SF9${String(measuredInserts).padStart(12, "0")}`,
            orderId: `ORD-M-${measuredInserts}`,
            action: "intercept",
            reason: "buyer_cancelled",
            items: [],
            parcel: { declaredValue: { amount: "299.00", currency: "CNY" }, category: "apparel" },
            redirectTo: null,
            note: null,
            status: "pending",
            parcelState: "in_transit",
            successLikelihood: "normal",
            carrierReference: null,
            cost: {
              payer: "merchant",
              mode: "collect_on_delivery",
              quoted: null,
              final: null,
              settlement: "offline",
            },
            failure: null,
            createdAt: at,
            updatedAt: at,
          },
          event: {
            at,
            status: "pending",
            detail: "Accepted and stored; the carrier is being asked.",
            carrierEventId: null,
            actor: { type: "api_key", id: "igk_bench" },
          },
          // The service's own constructor, so the record follows the store's JobRecord.
          job: newJob(id, "submit", at),
          idempotency: null,
        });
        measuredInserts += 1;
      });

      // Random seeded rows, each looked up by its owner (the API's access path).
      const lookups = 2_000;
      const picks = Array.from({ length: lookups + 200 }, () => {
        const n = Math.floor(Math.random() * seeder.ids.length);
        return {
          id: seeder.ids[n] as string,
          merchantId: merchantIds[n % merchantIds.length] as string,
        };
      });
      const getById = await timeAsync(lookups, 200, async (index) => {
        const pick = picks[index] as { id: string; merchantId: string };
        const found = await store.interceptions.get(pick.merchantId, pick.id);
        if (found?.events.length !== 3) {
          throw new Error(`lookup of ${pick.id} failed`);
        }
      });
      const listFirstPage = await timeAsync(300, 30, async (index) => {
        const page = await store.interceptions.list(
          merchantIds[index % merchantIds.length] as string,
          {},
          { limit: 21 },
        );
        if (page.length !== 21) {
          throw new Error(`listing returned ${page.length} rows`);
        }
      });

      const dbBytes = fileBytes(databasePath);
      const walBytes = fileBytes(`${databasePath}-wal`);
      store.database.pragma("wal_checkpoint(TRUNCATE)");
      const checkpointedBytes = fileBytes(databasePath);
      results.push({
        rows: rows + insertRuns + 20,
        insert: summarize(insert),
        getById: summarize(getById),
        listFirstPage: summarize(listFirstPage),
        seedSeconds,
        dbBytes,
        walBytes,
        checkpointedBytes,
        bytesPerInterception: checkpointedBytes / (rows + insertRuns + 20),
      });
    }
    // The measured inserts queued submit jobs; the gateway started on this file later must not
    // spend the GET benchmark submitting them to a carrier that is not there.
    store.database.exec("DELETE FROM jobs");
    store.database.pragma("wal_checkpoint(TRUNCATE)");
    const benchMerchant = merchantIds[0] as string;
    const benchMerchantIds = seeder.ids.filter((_, n) => n % merchantIds.length === 0);
    return {
      sizes: results,
      databasePath,
      apiKey: (created[0] as { apiKey: string }).apiKey,
      merchantIds: [benchMerchant],
      benchMerchantIds,
    };
  } finally {
    await store.close();
  }
}
