/** Number formats shared by the report's sections: "–" wherever a value was not measured. */

export const ms = (value: number, digits = 2) =>
  Number.isFinite(value) ? value.toFixed(digits) : "–";

export const int = (value: number) =>
  Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "–";

export const pct = (value: number, digits = 0) =>
  Number.isFinite(value) ? `${value.toFixed(digits)} %` : "–";

export const verdict = (pass: boolean | null) =>
  pass === null ? "n/a" : pass ? "PASS" : "**MISS**";

/** `name value / name value …`, each a % of one core. */
export function cpuCell(cpu: Record<string, number>): string {
  return Object.entries(cpu)
    .map(([name, value]) => `${name} ${value.toFixed(0)}`)
    .join(" / ");
}

/** A signed difference: "+1.20" or "-0.30". */
export const signed = (value: number, digits = 2) =>
  Number.isFinite(value) ? `${value >= 0 ? "+" : ""}${value.toFixed(digits)}` : "–";
