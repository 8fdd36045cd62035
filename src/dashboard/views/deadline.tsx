/**
 * A deadline as the pages show it: its China time and how long is left, or how long ago it
 * passed. Overdue and due-soon deadlines are marked in words and class (the colour only helps).
 * The page is a snapshot: the times are as of `now`, the gateway's clock when it was rendered.
 */
import { hasPassed } from "../../domain/obligations/deadlines.ts";
import { fill, type Messages } from "../i18n/messages.ts";
import { chinaTime } from "./format.ts";

/** Less than this left: due soon. */
export const dueSoonMs = 6 * 60 * 60_000;

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
const dayMs = 24 * hourMs;

export function Deadline(props: { at: string; now: Date; t: Messages }) {
  const { t, at, now } = props;
  const passed = hasPassed(at, now);
  const ms = Math.abs(Date.parse(at) - now.getTime());
  const state = passed ? "overdue" : ms <= dueSoonMs ? "due-soon" : "due-later";
  const span = spanText(ms, t);
  return (
    <span class={`deadline ${state}`}>
      <time datetime={at}>{`${chinaTime(at)} (UTC+8)`}</time>{" "}
      <span class="left">
        {passed ? fill(t.due.overdueBy, { time: span }) : fill(t.due.left, { time: span })}
      </span>
    </span>
  );
}

/** `2 d 5 h`, `5 h 12 min`, `12 min`: the two largest units, rounded down. */
export function spanText(ms: number, t: Messages): string {
  const days = Math.floor(ms / dayMs);
  const hours = Math.floor((ms % dayMs) / hourMs);
  const minutes = Math.floor((ms % hourMs) / minuteMs);
  const part = (template: string, n: number) => fill(template, { n });
  if (days > 0) {
    return hours > 0
      ? `${part(t.due.days, days)} ${part(t.due.hours, hours)}`
      : part(t.due.days, days);
  }
  if (hours > 0) {
    return minutes > 0
      ? `${part(t.due.hours, hours)} ${part(t.due.minutes, minutes)}`
      : part(t.due.hours, hours);
  }
  return minutes > 0 ? part(t.due.minutes, minutes) : t.due.underAMinute;
}
