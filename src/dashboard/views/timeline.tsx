/**
 * A record's events, oldest first, as every record page shows them: when (China time), what
 * happened with its detail, and who caused it.
 */
import type { Child } from "hono/jsx";
import type { EventActor } from "../../../contracts/interception.ts";
import type { Messages } from "../i18n/messages.ts";
import { ActorLine } from "./actor.tsx";
import { chinaTime } from "./format.ts";

export interface TimelineEvent {
  at: string;
  /** What happened: a status badge or the event's name. */
  what: Child;
  detail: string;
  actor: EventActor | undefined;
}

export function Timeline(props: { heading: string; events: TimelineEvent[]; t: Messages }) {
  return (
    <section class="panel" aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">{props.heading}</h2>
      <ol class="timeline">
        {props.events.map((event) => (
          <li>
            <div class="when">{`${chinaTime(event.at)} (UTC+8)`}</div>
            <div class="what">
              {event.what} {event.detail}
            </div>
            <ActorLine actor={event.actor} t={props.t} />
          </li>
        ))}
      </ol>
    </section>
  );
}
