/**
 * Demo and live never mix: a database remembers the mode of its first start, and the other mode
 * refuses to start on it. Without this, a live deployment whose carrier secrets failed to load
 * would start healthy in demo mode on the production database and run real jobs against the
 * sandboxes.
 */
import { ConfigError } from "../config.ts";
import type { GatewayMode, Store } from "../store/store.ts";

/** Records the mode on a new database; throws ConfigError, naming what to change, on a mismatch. */
export async function claimDatabaseMode(
  store: Store,
  mode: GatewayMode,
  databasePath: string,
): Promise<void> {
  const recorded = await store.meta.claimMode(mode);
  if (recorded === mode) {
    return;
  }
  throw new ConfigError(
    recorded === "live"
      ? `The database ${databasePath} was started in live mode, but no carrier credentials are ` +
          "set (demo mode). Set the carrier credentials (SF_PARTNER_ID and SF_CHECKWORD, … see " +
          'README "Configuration") or point DATABASE_URL at a demo database.'
      : `The database ${databasePath} holds demo data, but carrier credentials are set (live ` +
          "mode); point DATABASE_URL at a new database for live use.",
  );
}
