/**
 * Start-up catch-up for carriers that push their outcomes. A push that came while no gateway
 * listened is lost unless the carrier sends it again, and its interception would wait for its
 * first tracking check, `POLL_PUSH_FALLBACK_DELAY_MS` (15 min) after acceptance. So at every
 * start the tracking checks of those carriers' submitted interceptions are brought forward to
 * within `POLL_PUSH_RESTART_WINDOW_MS`, spread over it so that thousands of them do not reach a
 * carrier at once. The worker then runs them as any other poll.
 *
 * The gateway cannot tell which pushes it missed, so every such interception is checked; with
 * several instances, each start checks them again, which costs tracking calls and nothing else.
 */
import type { CarrierRegistry } from "../carriers/registry.ts";
import type { Clock } from "../clock.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";

/** Brings the push carriers' pending tracking checks forward; returns how many it moved. */
export async function checkForMissedPushes(input: {
  store: Store;
  carriers: CarrierRegistry;
  logger: Logger;
  now: Clock;
  windowMs: number;
}): Promise<number> {
  const pushing = input.carriers
    .all()
    .filter((carrier) => carrier.capabilities.outcome === "push")
    .map((carrier) => carrier.id);
  const moved = await input.store.jobs.bringForwardPolls({
    carriers: pushing,
    now: input.now().toISOString(),
    windowMs: input.windowMs,
  });
  if (moved > 0) {
    input.logger.info("checking for pushes missed while the gateway was down", {
      interceptions: moved,
      withinMs: input.windowMs,
    });
  }
  return moved;
}
