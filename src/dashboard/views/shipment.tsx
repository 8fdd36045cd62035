/**
 * One shipment: its facts, its deadlines with the time left, its event timeline with who caused
 * each event, its tickets, and its ship-date proposals.
 */
import type { ShipmentWithEvents } from "../../store/shipment-records.ts";
import type { ShipDateProposalRecord } from "../../store/ticket-records.ts";
import { fill } from "../i18n/messages.ts";
import { DataTable } from "./data-table.tsx";
import { chinaTime } from "./format.ts";
import { Layout, type PageFrame } from "./layout.tsx";
import { ShipmentStatusBadge } from "./obligation-badges.tsx";
import { OverdueBadge, ShipmentDeadline } from "./shipments.tsx";
import { type TicketRow, TicketTable } from "./ticket-table.tsx";
import { Timeline } from "./timeline.tsx";

export function ShipmentPage(props: {
  frame: PageFrame;
  shipment: ShipmentWithEvents;
  carrierName: string | null;
  tickets: TicketRow[];
  proposals: ShipDateProposalRecord[];
  now: Date;
}) {
  const { t } = props.frame;
  const { shipment, now } = props;
  const heading = fill(t.shipments.heading, { orderId: shipment.orderId });
  const open = shipment.status === "awaiting_shipment" || shipment.status === "shipped";
  const time = (at: string | null) => (at ? `${chinaTime(at)} (UTC+8)` : "—");
  return (
    <Layout frame={props.frame} title={heading} current="shipments">
      <a class="back" href="/dashboard/shipments">
        {`← ${t.shipments.back}`}
      </a>
      <div class="title-row">
        <h1>{heading}</h1>
        <ShipmentStatusBadge status={shipment.status} t={t} />
        {shipment.overdueAt ? <OverdueBadge t={t} /> : null}
      </div>
      <div class="grid">
        <div>
          <section class="panel" aria-labelledby="summary-heading">
            <h2 id="summary-heading">{t.shipments.summary}</h2>
            <dl class="facts">
              <dt>{t.shipments.orderId}</dt>
              <dd class="mono">{shipment.orderId}</dd>
              <dt>{t.shipments.category}</dt>
              <dd>{shipment.category}</dd>
              <dt>{t.shipments.carrier}</dt>
              <dd>{props.carrierName ?? "—"}</dd>
              <dt>{t.shipments.trackingNumber}</dt>
              <dd class="mono">{shipment.trackingNumber ?? "—"}</dd>
              <dt>{t.shipments.paidAt}</dt>
              <dd>{time(shipment.paidAt)}</dd>
              <dt>{t.shipments.shippedAt}</dt>
              <dd>{time(shipment.shippedAt)}</dd>
              <dt>{t.shipments.collectedAt}</dt>
              <dd>{time(shipment.collectedAt)}</dd>
              {shipment.refundedAt ? (
                <>
                  <dt>{t.shipments.refundedAt}</dt>
                  <dd>{time(shipment.refundedAt)}</dd>
                </>
              ) : null}
              <dt>{t.shipments.created}</dt>
              <dd>{time(shipment.createdAt)}</dd>
            </dl>
          </section>
          <section class="panel" aria-labelledby="tickets-heading">
            <h2 id="tickets-heading">{t.shipments.tickets}</h2>
            <TicketTable rows={props.tickets} now={now} t={t} empty={t.shipments.noTickets} />
          </section>
          <section class="panel" aria-labelledby="proposals-heading">
            <h2 id="proposals-heading">{t.shipments.proposals}</h2>
            <p class="hint">{t.shipments.proposalsIntro}</p>
            <DataTable
              headers={[
                t.shipments.proposedAt,
                t.shipments.shipDate,
                t.shipments.status,
                t.shipments.expiresAt,
                t.shipments.answeredAt,
              ]}
              empty={t.shipments.noProposals}
              rows={props.proposals.map((proposal) => (
                <tr>
                  <td>{chinaTime(proposal.proposedAt)}</td>
                  <td class="mono">{proposal.shipDate}</td>
                  <td>
                    <span class={`status status-proposal-${proposal.status}`}>
                      {t.proposalStatus[proposal.status]}
                    </span>
                  </td>
                  <td>{chinaTime(proposal.expiresAt)}</td>
                  <td>{proposal.answeredAt ? chinaTime(proposal.answeredAt) : "—"}</td>
                </tr>
              ))}
            />
          </section>
          <Timeline
            heading={t.shipments.timeline}
            events={shipment.events.map((event) => ({
              at: event.at,
              what: <strong>{t.shipmentEvent[event.type]}</strong>,
              detail: event.detail,
              actor: event.actor,
            }))}
            t={t}
          />
        </div>
        <div>
          <section class="panel" aria-labelledby="deadlines-heading">
            <h2 id="deadlines-heading">{t.shipments.deadlines}</h2>
            <dl class="facts">
              <dt>{t.shipments.shipBy}</dt>
              <dd>
                <ShipmentDeadline shipment={shipment} at={shipment.shipBy} now={now} t={t} />
              </dd>
              {shipment.collectBy ? (
                <>
                  <dt>{t.shipments.collectBy}</dt>
                  <dd>
                    <ShipmentDeadline shipment={shipment} at={shipment.collectBy} now={now} t={t} />
                  </dd>
                </>
              ) : null}
            </dl>
            {open ? null : (
              <p class="hint">
                {fill(t.shipments.noDeadlines, { status: t.shipmentStatus[shipment.status] })}
              </p>
            )}
          </section>
        </div>
      </div>
    </Layout>
  );
}
