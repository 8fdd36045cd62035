/**
 * Where a webhook delivery's main-thread time goes, from each sample's stack in a `--cpu-prof`
 * profile: a sample counts for the first stage (in this order) whose function is on its stack.
 * Stages are found by our functions' names (src/store/sqlite/webhooks.ts names the writes the
 * group commit runs later, away from the methods that queued them), so they survive recompiling.
 * What no stage claims (the requests, the carrier calls, and the HTTP client's socket callbacks,
 * which run under no function of ours) is the rest.
 */
import { type ProfileNode, readProfile, selfTimeInWindow } from "./cpuprofile.ts";

type Frame = ProfileNode["callFrame"];

const inFile = (frame: Frame, path: string) => frame.url.endsWith(path);

/** Stage name → does this frame belong to it. */
export const deliveryStages: [string, (frame: Frame) => boolean][] = [
  [
    "events and deliveries written with the change (on the request's path)",
    (frame) => frame.functionName === "writeWebhookEvents",
  ],
  [
    "claim: due look-up, lease, read back",
    (frame) => ["claimDue", "leaseDue"].includes(frame.functionName),
  ],
  [
    "record and give back",
    (frame) =>
      ["recordAttempts", "releaseDeliveries", "writeAttempts", "writeReleases"].includes(
        frame.functionName,
      ),
  ],
  ["URL guard", (frame) => frame.functionName === "checkWebhookUrl"],
  ["signing", (frame) => frame.functionName === "signedHeaders"],
  ["POST (undici request, until it is sent)", (frame) => inFile(frame, "/webhooks/post.js")],
  [
    "worker bookkeeping (passes, slots, outcome)",
    (frame) =>
      ["/workers/webhook-worker.js", "/workers/endpoint-slots.js", "/webhooks/attempt.js"].some(
        (path) => inFile(frame, path),
      ),
  ],
  ["garbage collector", (frame) => frame.functionName === "(garbage collector)"],
];

/** Busy main-thread ms per stage inside [fromUs, toUs] (monotonic µs); the rest under "rest". */
export function stageTimes(file: string, fromUs: number, toUs: number): Record<string, number> {
  const { profile, byId, parent } = readProfile(file);
  const stageOf = new Map<number, string>();
  const stageOfNode = (id: number): string => {
    const known = stageOf.get(id);
    if (known !== undefined) {
      return known;
    }
    const stack: Frame[] = [];
    for (let cursor: number | undefined = id; cursor !== undefined; cursor = parent.get(cursor)) {
      const frame = byId.get(cursor)?.callFrame;
      if (frame) {
        stack.push(frame);
      }
    }
    const found = stack[0]?.functionName === "(idle)" ? "(idle)" : stageFor(stack);
    stageOf.set(id, found);
    return found;
  };
  const ms: Record<string, number> = {};
  for (const [id, us] of selfTimeInWindow(profile, fromUs, toUs).selfUs) {
    const stage = stageOfNode(id);
    ms[stage] = (ms[stage] ?? 0) + us / 1000;
  }
  delete ms["(idle)"];
  return ms;
}

function stageFor(stack: Frame[]): string {
  for (const [name, matches] of deliveryStages) {
    if (stack.some(matches)) {
      return name;
    }
  }
  return "rest";
}
