/**
 * One ticket: its facts and what is due next with the time left, the merchant's reply, the
 * buyer's answer, the second chance, the event timeline with who caused each event, and the forms
 * for what the merchant can do now (ticket-forms.tsx).
 */
import type { TicketDeadline } from "../../domain/obligations/ticket-timeline.ts";
import type { TicketReply } from "../../domain/obligations/tickets.ts";
import type { ShipmentRecord } from "../../store/shipment-records.ts";
import type { TicketWithEvents } from "../../store/ticket-records.ts";
import { fill, type Messages } from "../i18n/messages.ts";
import { Deadline } from "./deadline.tsx";
import { chinaTime, money } from "./format.ts";
import { Layout, Notice, type PageFrame } from "./layout.tsx";
import { TicketStatusBadge } from "./obligation-badges.tsx";
import { TicketForms, type TicketFormsProps } from "./ticket-forms.tsx";
import { Timeline } from "./timeline.tsx";

export function TicketPage(
  props: {
    frame: PageFrame;
    ticket: TicketWithEvents;
    shipment: ShipmentRecord;
    next: TicketDeadline | null;
    /** An overdue ticket: when its deadline passed. */
    overdueSince: string | null;
    now: Date;
    notice?: { kind: "ok" | "error"; text: string };
  } & Omit<TicketFormsProps, "t" | "csrf" | "ticket" | "shipment">,
) {
  const { t, session } = props.frame;
  const { ticket, shipment, now, next } = props;
  const heading = fill(t.tickets.heading, {
    type: t.ticketType[ticket.type],
    orderId: shipment.orderId,
  });
  const time = (at: string) => `${chinaTime(at)} (UTC+8)`;
  return (
    <Layout frame={props.frame} title={heading} current="tickets">
      <a class="back" href="/dashboard/tickets">
        {`← ${t.tickets.back}`}
      </a>
      <div class="title-row">
        <h1>{heading}</h1>
        <TicketStatusBadge status={ticket.status} t={t} />
      </div>
      {props.notice ? <Notice kind={props.notice.kind} text={props.notice.text} /> : null}
      <div class="grid">
        <div>
          <section class="panel" aria-labelledby="summary-heading">
            <h2 id="summary-heading">{t.tickets.summary}</h2>
            <dl class="facts">
              <dt>{t.tickets.type}</dt>
              <dd>{t.ticketType[ticket.type]}</dd>
              <dt>{t.tickets.shipment}</dt>
              <dd>
                <a class="mono" href={`/dashboard/shipments/${encodeURIComponent(shipment.id)}`}>
                  {shipment.orderId}
                </a>
                {shipment.trackingNumber ? (
                  <span class="mono muted">{` · ${shipment.trackingNumber}`}</span>
                ) : null}
              </dd>
              <dt>{t.tickets.opened}</dt>
              <dd>{time(ticket.openedAt)}</dd>
              <dt>{t.tickets.dueAt}</dt>
              <dd>
                {ticket.status === "awaiting_merchant" ? (
                  <Deadline at={ticket.dueAt} now={now} t={t} />
                ) : (
                  time(ticket.dueAt)
                )}
              </dd>
              <dt>{t.tickets.nextDeadline}</dt>
              <dd id="due-next">
                {next ? (
                  <>
                    <span class="deadline-kind">{t.deadlineKind[next.kind]}</span>{" "}
                    <Deadline at={next.at} now={now} t={t} />
                  </>
                ) : props.overdueSince ? (
                  <Deadline at={props.overdueSince} now={now} t={t} />
                ) : (
                  "—"
                )}
              </dd>
              <dt>{t.tickets.resolution}</dt>
              <dd id="resolution">{ticket.resolution ? t.resolution[ticket.resolution] : "—"}</dd>
            </dl>
          </section>
          <section class="panel" aria-labelledby="replies-heading">
            <h2 id="replies-heading">{t.tickets.replies}</h2>
            {ticket.replies.length === 0 ? (
              <p class="muted">{t.tickets.noReplies}</p>
            ) : (
              ticket.replies.map((reply) => <ReplyFacts reply={reply} t={t} />)
            )}
            {ticket.buyerAnswer ? (
              <>
                <h3>{t.tickets.buyerAnswer}</h3>
                <p>
                  {ticket.buyerAnswer.bySilence
                    ? t.tickets.bySilence
                    : ticket.buyerAnswer.accepted
                      ? t.tickets.accepted
                      : t.tickets.rejected}
                  <span class="muted">{` · ${time(ticket.buyerAnswer.at)}`}</span>
                </p>
              </>
            ) : null}
            {ticket.secondChance ? (
              <>
                <h3>{t.tickets.secondChance}</h3>
                <p>
                  {ticket.secondChance.kind === "compensate"
                    ? fill(t.tickets.compensated, { amount: money(ticket.secondChance.amount) })
                    : fill(t.tickets.buyerCausedEvidence, {
                        evidence: ticket.secondChance.evidence,
                      })}
                  <span class="muted">{` · ${time(ticket.secondChance.at)}`}</span>
                </p>
              </>
            ) : null}
          </section>
          <Timeline
            heading={t.tickets.timeline}
            events={ticket.events.map((event) => ({
              at: event.at,
              what: <strong>{t.ticketEvent[event.type]}</strong>,
              detail: event.detail,
              actor: event.actor,
            }))}
            t={t}
          />
        </div>
        <div>
          <TicketForms
            t={t}
            csrf={session?.csrfToken ?? ""}
            ticket={ticket}
            shipment={shipment}
            reasons={props.reasons}
            shipLaterMaxDays={props.shipLaterMaxDays}
            {...(props.typed ? { typed: props.typed } : {})}
          />
        </div>
      </div>
    </Layout>
  );
}

function ReplyFacts(props: { reply: TicketReply; t: Messages }) {
  const { reply, t } = props;
  return (
    <dl class="facts reply">
      <dt>{t.tickets.replyKind}</dt>
      <dd>{`${t.replyKind[reply.kind]} · ${chinaTime(reply.at)} (UTC+8)`}</dd>
      {"reason" in reply ? (
        <>
          <dt>{t.tickets.reason}</dt>
          <dd>{t.replyReason[reply.reason]}</dd>
        </>
      ) : null}
      {"shipDate" in reply ? (
        <>
          <dt>{t.tickets.shipDate}</dt>
          <dd class="mono">{reply.shipDate}</dd>
        </>
      ) : null}
      {"trackingNumber" in reply ? (
        <>
          <dt>{t.tickets.newTrackingNumber}</dt>
          <dd class="mono">{reply.trackingNumber}</dd>
        </>
      ) : null}
      {"message" in reply ? (
        <>
          <dt>{t.tickets.message}</dt>
          <dd>{reply.message}</dd>
        </>
      ) : null}
    </dl>
  );
}
