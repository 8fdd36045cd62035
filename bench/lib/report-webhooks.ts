/** BENCHMARKS.md's webhook parts (issue 11): Summary rows and the section with every phase. */
import type {
  ProfiledWindow,
  ReceiverView,
  WebhookPhase,
  WebhookProfile,
} from "../scenarios/webhooks.ts";
import { cpuCell, int, ms, pct, signed, verdict } from "./format.ts";
import type { Results } from "./report.ts";
import { profileTables } from "./report-profile.ts";
import { deliveryStages } from "./webhook-stages.ts";

const row = (cells: string[]) => `| ${cells.join(" | ")} |`;

/** The change of `value` against `baseline`, as a share (0.1 = 10 % slower). */
const change = (value: number, baseline: number) => value / baseline - 1;

function baselines(without: [WebhookPhase, WebhookPhase]) {
  return {
    p50: (without[0].summary.p50 + without[1].summary.p50) / 2,
    p99: (without[0].summary.p99 + without[1].summary.p99) / 2,
  };
}

/** Whether the fast endpoint kept its pace beside the slow one. */
export function fastKeptPace(results: Results): boolean | null {
  const result = results.webhooks;
  if (!result) {
    return null;
  }
  const { fast, okWithWarmup } = result.slowAndFast;
  return fast.submitted >= okWithWarmup && fast.lag.p99 <= results.targets.fastEndpointLagP99Ms;
}

export function webhookSummaryRows(results: Results): string[] {
  const result = results.webhooks;
  const { targets } = results;
  const share = `within ${pct(targets.webhookLatencyShare * 100)}`;
  if (!result) {
    const why = `not measured: ${results.errors.webhooks?.split("\n")[0] ?? "skipped"}`;
    return [
      row(["Intercept latency with two webhook endpoints vs none", share, why, "n/a", ""]),
      row(["A 10 s endpoint beside a fast one", "the fast one keeps its pace", why, "n/a", ""]),
    ];
  }
  const base = baselines(result.without);
  const withTwo = result.withTwo;
  const p50Change = change(withTwo.summary.p50, base.p50);
  const p99Change = change(withTwo.summary.p99, base.p99);
  const delivering = `${pct(withTwo.gatewayElu)} event loop busy with endpoints vs ${pct((result.without[0].gatewayElu + result.without[1].gatewayElu) / 2)} without; ${cpuCell(withTwo.cpu)}`;
  const latencyRow = (label: string, value: number, before: number, after: number) =>
    row([
      `Intercept ${label} with two subscribed webhook endpoints vs none, ${result.rate} req/s`,
      share,
      `${ms(after)} ms vs ${ms(before)} ms = ${signed(value * 100, 1)} %`,
      verdict(value <= targets.webhookLatencyShare),
      value <= targets.webhookLatencyShare
        ? ""
        : `${pct((value - targets.webhookLatencyShare) * 100, 1)} over. Bound: delivery shares the gateway's process and cores with the requests (${delivering}).`,
    ]);
  const fast = result.slowAndFast.fast;
  const kept = fastKeptPace(results);
  return [
    latencyRow("median", p50Change, base.p50, withTwo.summary.p50),
    latencyRow("p99", p99Change, base.p99, withTwo.summary.p99),
    row([
      `A 10 s endpoint beside a fast one (same merchant, ${result.slowAndFast.rate} intercepts/s)`,
      `the fast one gets every event, p99 lag ≤ ${int(targets.fastEndpointLagP99Ms)} ms`,
      `${int(fast.submitted)} of ${int(result.slowAndFast.okWithWarmup)} events; lag p50 ${ms(fast.lag.p50, 0)} ms, p99 ${ms(fast.lag.p99, 0)} ms`,
      verdict(kept),
      kept
        ? ""
        : `${fast.submitted < result.slowAndFast.okWithWarmup ? `${int(result.slowAndFast.okWithWarmup - fast.submitted)} events missing after ${result.slowAndFast.drainS} s; ` : ""}p99 lag ${ms(fast.lag.p99 - targets.fastEndpointLagP99Ms, 0)} ms over the bound.`,
    ]),
  ];
}

function receiverCells(view: ReceiverView, intercepts: number): string {
  return `${int(view.submitted)} of ${int(intercepts)} submitted events (${int(view.received)} deliveries in all); lag p50 ${ms(view.lag.p50, 0)} ms, p99 ${ms(view.lag.p99, 0)} ms, max ${ms(view.lag.max, 0)} ms`;
}

function phaseRow(name: string, phase: WebhookPhase, receivers: string): string {
  return row([
    name,
    `${phase.rate}/s`,
    `${int(phase.ok)} / ${int(phase.failed)} / ${int(phase.unanswered)}`,
    ms(phase.summary.p50),
    ms(phase.summary.p99),
    pct(phase.gatewayElu),
    cpuCell(phase.cpu),
    receivers,
  ]);
}

export function webhookSection(results: Results): string[] {
  const result = results.webhooks;
  if (!result) {
    return [];
  }
  return [
    "## Webhook delivery off the request path",
    "",
    `One gateway on a SQLite file (\`WEBHOOK_ALLOW_PRIVATE_URLS=true\`, so receivers can listen on 127.0.0.1 in the bench process). Open loop of fresh intercepts at ${result.rate}/s for three merchants in turn: one with no endpoint, one with two endpoints subscribed to every event (each intercept makes two events, \`interception.created\` and \`interception.submitted\`, so four deliveries), then the first again; the baseline is the mean of the two runs without. Then one merchant with an endpoint that answers after 10.5 s (past the gateway's 10 s delivery timeout, so every attempt to it fails and is retried) and one that answers at once, at ${result.slowAndFast.rate}/s. A receiver notes when each event first arrived; lag = arrival − the event's \`createdAt\`. After each phase with endpoints the receivers get up to the drain time to catch up; intercepts of the warm-up before each phase count too (their events are delivered in the phase).`,
    "",
    "| Phase | Offered | ok / failed / unanswered | p50 ms | p99 ms | Gateway event loop busy | CPU % of one core | Receivers |",
    "|---|---:|---|---:|---:|---:|---|---|",
    phaseRow("no endpoint", result.without[0], "–"),
    phaseRow(
      "two endpoints",
      result.withTwo,
      result.withTwo.receivers
        .map((view) => receiverCells(view, result.withTwo.okWithWarmup))
        .join("<br>"),
    ),
    phaseRow("no endpoint, again", result.without[1], "–"),
    phaseRow(
      "10 s endpoint + fast endpoint",
      result.slowAndFast,
      `fast: ${receiverCells(result.slowAndFast.fast, result.slowAndFast.okWithWarmup)}<br>slow: ${int(result.slowAndFast.slowReceived)} attempts reached it`,
    ),
    "",
    ...profileSection(result.profile, result.rate),
  ];
}

/** Main-thread ms per intercept in a window: all busy samples, or one stage's. */
function perIntercept(window: ProfiledWindow, stage?: string): number {
  const { summary } = window;
  const busyMs =
    stage === undefined
      ? (summary.windowMs * summary.busyPercent) / 100
      : (window.stages[stage] ?? 0);
  return busyMs / window.intercepts;
}

/**
 * What one delivery costs the main thread: per stage, the time per intercept with two endpoints
 * minus without, spread over the deliveries each intercept made. The stages are found by their
 * functions on the stack; the rest (the requests, and the HTTP client's socket callbacks, which
 * run under no function of ours) only differs between the windows, so it carries their noise.
 */
function profileSection(profile: WebhookProfile, rate: number): string[] {
  const { without, withTwo } = profile;
  const deliveriesPerIntercept = withTwo.deliveries / withTwo.intercepts;
  const us = (value: number) => ms(value * 1000, 0);
  const stageRow = (stage: string) => {
    const [before, after] = [perIntercept(without, stage), perIntercept(withTwo, stage)];
    return `| ${stage} | ${us(before)} | ${us(after)} | ${us((after - before) / deliveriesPerIntercept)} |`;
  };
  const total = (perIntercept(withTwo) - perIntercept(without)) / deliveriesPerIntercept;
  const lines = [
    `**What a delivery costs the gateway's main thread.** A fresh gateway under \`--cpu-prof\`, ${rate} intercepts/s for ${ms(withTwo.summary.windowMs / 1000, 0)} s with no endpoint, then for as long with two (${int(withTwo.deliveries)} deliveries in the window, ${ms(deliveriesPerIntercept, 1)} per intercept). Main thread busy ${pct(without.summary.busyPercent)} without, ${pct(withTwo.summary.busyPercent)} with: ${ms(perIntercept(without))} vs ${ms(perIntercept(withTwo))} ms per intercept, so ${int(total * 1000)} µs per delivery. By stage (\`bench/lib/webhook-stages.ts\`: a sample counts for the first stage whose function is on its stack):`,
    "",
    "| Stage | µs per intercept, no endpoint | with two | µs per delivery |",
    "|---|---:|---:|---:|",
    ...deliveryStages.map(([stage]) => stageRow(stage)),
    stageRow("rest"),
    "",
    `Profile file: \`${profile.file}\`.`,
    "",
  ];
  profileTables("Two endpoints (gateway main thread)", withTwo.summary, lines);
  return lines;
}
