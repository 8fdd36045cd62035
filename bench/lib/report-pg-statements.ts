/** The report's table of what one intercept asked of PostgreSQL, statement by statement. */
import { int, ms } from "./format.ts";
import type { StatementCost } from "./pg-statements.ts";

/** Statements shown; the rest are summed in one row. */
const shown = 15;
/** Characters of a statement's text shown. */
const textLength = 110;

/** A statement's text for a Markdown table cell: shortened, pipes escaped. */
function cellText(text: string): string {
  const short = text.length > textLength ? `${text.slice(0, textLength)}…` : text;
  return `\`${short.replaceAll("|", "\\|").replaceAll("`", "'")}\``;
}

/**
 * The statements of a phase of `intercepts` intercepts, most server time first. `what` names the
 * phase for the heading's sentence.
 */
export function statementsTable(
  statements: StatementCost[],
  intercepts: number,
  what: string,
): string[] {
  const per = (value: number) => value / Math.max(1, intercepts);
  const calls = statements.reduce((sum, each) => sum + each.calls, 0);
  const time = statements.reduce((sum, each) => sum + each.ms, 0);
  const lines = [
    `**What one intercept asks of PostgreSQL** (${what}, from \`pg_stat_statements\`, reset when the phase started: ${int(intercepts)} intercepts). ${ms(per(calls), 1)} statements per intercept, ${ms(per(time), 2)} ms of the server's planning and execution per intercept, pg-boss's polling included (a statement is one the gateway sent: the foreign-key checks PostgreSQL runs inside an insert count in the insert's time). The server's CPU per intercept (above) is several times its execution time: each statement also costs a round trip, its protocol messages and a backend wake-up, so the number of statements weighs more than any one of them. Buffers per call is the plan's footprint: an indexed look-up touches a handful, so a figure that grows with the data is a plan to fix.`,
    "",
    "| Per intercept | Buffers per call | ms per call | ms per intercept | Statement |",
    "|---:|---:|---:|---:|---|",
  ];
  for (const each of statements.slice(0, shown)) {
    lines.push(
      `| ${ms(per(each.calls), 2)} | ${int(each.blocks / Math.max(1, each.calls))} | ${ms(each.ms / Math.max(1, each.calls), 3)} | ${ms(per(each.ms), 3)} | ${cellText(each.text)} |`,
    );
  }
  const rest = statements.slice(shown);
  if (rest.length > 0) {
    const restCalls = rest.reduce((sum, each) => sum + each.calls, 0);
    const restMs = rest.reduce((sum, each) => sum + each.ms, 0);
    lines.push(
      `| ${ms(per(restCalls), 2)} | | | ${ms(per(restMs), 3)} | ${rest.length} other statements |`,
    );
  }
  lines.push("");
  return lines;
}
