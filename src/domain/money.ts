/** Money arithmetic in integer minor units; amounts travel as decimal strings, never floats. */
import type { Money } from "../../contracts/normalized.ts";

/** "899.5" → 89950. Assumes the MoneySchema format (at most two decimals). */
export function toMinorUnits(amount: string): number {
  const [whole = "0", fraction = ""] = amount.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

/** 89950 → "899.50". */
export function fromMinorUnits(minor: number): string {
  const whole = Math.trunc(minor / 100);
  const cents = String(minor % 100).padStart(2, "0");
  return `${whole}.${cents}`;
}

export function formatMoney(money: Money): string {
  return `${fromMinorUnits(toMinorUnits(money.amount))} ${money.currency}`;
}

/** 89950n → "899.50": for sums, which may pass the integers a number holds exactly. */
export function fromMinorUnitsSum(minor: bigint): string {
  const cents = String(minor % 100n).padStart(2, "0");
  return `${minor / 100n}.${cents}`;
}
