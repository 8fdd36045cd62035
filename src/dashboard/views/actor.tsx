/** Who caused an event, under the event in a timeline. */
import type { EventActor } from "../../../contracts/interception.ts";
import { fill, type Messages } from "../i18n/messages.ts";

/**
 * The event's actor where the store records it (interception events from before actors were
 * recorded have none, and show no line).
 */
export function ActorLine(props: { actor: EventActor | undefined; t: Messages }) {
  const { actor, t } = props;
  if (!actor) {
    return null;
  }
  const who = fill(t.actor[actor.type], { id: actor.id ?? "" }).trim();
  return <div class="who">{`${t.detail.by}: ${who}`}</div>;
}
