/** The locks page and its bulk release form. */

import type { Context, Hono } from "hono";
import { apiKeyActor } from "../../domain/actors.ts";
import { carrierNames } from "../carriers.ts";
import type { DashboardEnv } from "../env.ts";
import { fill } from "../i18n/messages.ts";
import { frameOf, renderPage, requireCsrf } from "../middleware.tsx";
import { releasePickedLocks } from "../release-locks.ts";
import { LocksPage } from "../views/locks.tsx";

/** Locks shown at once; a merchant holding more releases these first, then sees the rest. */
const locksShown = 200;

export function registerLockPages(dashboard: Hono<DashboardEnv>): void {
  dashboard.get("/locks", (c) => showLocks(c, []));

  dashboard.post("/locks/release", requireCsrf(), async (c) => {
    const { t } = c.var;
    const body = await c.req.parseBody({ all: true });
    const ids = [body.ids ?? []].flat().filter((id): id is string => typeof id === "string");
    if (ids.length === 0) {
      return showLocks(c, [{ kind: "error", text: t.locks.noneSelected }], 400);
    }
    const outcome = await releasePickedLocks(
      c.get("services").interceptions,
      c.get("session").merchant.id,
      ids,
      apiKeyActor(c.get("session").apiKeyId),
    );
    const notices: Array<{ kind: "ok" | "error"; text: string }> = [];
    if (outcome.released.length > 0) {
      notices.push({
        kind: "ok",
        text: fill(t.locks.released, { count: outcome.released.length }),
      });
    }
    if (outcome.skipped.length > 0) {
      const list = outcome.skipped
        .map((skip) =>
          "status" in skip
            ? `${skip.trackingNumber} (${t.status[skip.status]})`
            : `${skip.trackingNumber ?? skip.id} (${skip.error})`,
        )
        .join("; ");
      notices.push({ kind: "error", text: fill(t.locks.skipped, { list }) });
    }
    // Answered here, not redirected: the notices name each lock. Sending the form again is
    // harmless (released locks are skipped).
    return showLocks(c, notices);
  });
}

async function showLocks(
  c: Context<DashboardEnv>,
  notices: Array<{ kind: "ok" | "error"; text: string }>,
  status = 200,
): Promise<Response> {
  const rows = await c
    .get("services")
    .interceptions.list(c.get("session").merchant.id, { status: "locked" }, { limit: locksShown });
  const carriers = new Map(
    carrierNames(c.get("services")).map((carrier) => [carrier.id, carrier.name]),
  );
  return renderPage(
    c,
    <LocksPage
      frame={frameOf(c, "/dashboard/locks")}
      rows={rows}
      carriers={carriers}
      notices={notices}
    />,
    status,
  );
}
