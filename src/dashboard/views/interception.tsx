/** One interception: summary, cost, failure advice, the event timeline and what can be done. */
import type { Address } from "../../../contracts/normalized.ts";
import type { InterceptionWithEvents } from "../../store/store.ts";
import { fill } from "../i18n/messages.ts";
import { chinaTime, money } from "./format.ts";
import { Layout, Notice, type PageFrame, StatusBadge } from "./layout.tsx";
import { Timeline } from "./timeline.tsx";

export function InterceptionPage(props: {
  frame: PageFrame;
  record: InterceptionWithEvents;
  carrierName: string;
  notice?: { kind: "ok" | "error"; text: string };
}) {
  const { t, session } = props.frame;
  const { record } = props;
  const heading = fill(t.detail.heading, { trackingNumber: record.trackingNumber });
  const action = `/dashboard/interceptions/${encodeURIComponent(record.id)}/cancel`;
  const csrf = session?.csrfToken ?? "";
  return (
    <Layout frame={props.frame} title={heading} current="interceptions">
      <a class="back" href="/dashboard/interceptions">
        {`← ${t.detail.back}`}
      </a>
      <div class="title-row">
        <h1>{heading}</h1>
        <StatusBadge status={record.status} t={t} />
      </div>
      {props.notice ? <Notice kind={props.notice.kind} text={props.notice.text} /> : null}
      <div class="grid">
        <div>
          <section class="panel" aria-labelledby="summary-heading">
            <h2 id="summary-heading">{t.detail.summary}</h2>
            <dl class="facts">
              <dt>{t.list.trackingNumber}</dt>
              <dd class="mono">{record.trackingNumber}</dd>
              <dt>{t.list.orderId}</dt>
              <dd class="mono">{record.orderId}</dd>
              <dt>{t.list.carrier}</dt>
              <dd>{props.carrierName}</dd>
              <dt>{t.list.action}</dt>
              <dd>{t.action[record.action]}</dd>
              <dt>{t.detail.reason}</dt>
              <dd>{t.reason[record.reason]}</dd>
              <dt>{t.detail.parcelState}</dt>
              <dd>{t.parcelState[record.parcelState]}</dd>
              <dt>{t.detail.successLikelihood}</dt>
              <dd>{t.likelihood[record.successLikelihood]}</dd>
              <dt>{t.detail.carrierReference}</dt>
              <dd class="mono">{record.carrierReference ?? "—"}</dd>
              {record.redirectTo ? (
                <>
                  <dt>{t.detail.redirectTo}</dt>
                  <dd>{addressLine(record.redirectTo)}</dd>
                </>
              ) : null}
              {record.note ? (
                <>
                  <dt>{t.detail.note}</dt>
                  <dd>{record.note}</dd>
                </>
              ) : null}
              <dt>{t.detail.createdAt}</dt>
              <dd>{`${chinaTime(record.createdAt)} (UTC+8)`}</dd>
              <dt>{t.detail.updatedAt}</dt>
              <dd>{`${chinaTime(record.updatedAt)} (UTC+8)`}</dd>
            </dl>
          </section>
          {record.failure ? (
            <section class="panel failure" aria-labelledby="failure-heading">
              <h2 id="failure-heading">{t.detail.failure}</h2>
              <p>{record.failure.message}</p>
              <h3>{t.detail.advice}</h3>
              <p>{record.failure.advice}</p>
            </section>
          ) : null}
          <Timeline
            heading={t.detail.timeline}
            events={record.events.map((event) => ({
              at: event.at,
              what: <StatusBadge status={event.status} t={t} />,
              detail: event.detail,
              actor: event.actor,
            }))}
            t={t}
          />
        </div>
        <div>
          <section class="panel" aria-labelledby="cost-heading">
            <h2 id="cost-heading">{t.detail.cost}</h2>
            <dl class="facts">
              <dt>{t.detail.paidBy}</dt>
              <dd>{t.payer[record.cost.payer]}</dd>
              <dt>{t.detail.mode}</dt>
              <dd>{t.mode[record.cost.mode]}</dd>
              <dt>{t.detail.quoted}</dt>
              <dd>{money(record.cost.quoted)}</dd>
              <dt>{t.detail.final}</dt>
              <dd>{money(record.cost.final)}</dd>
              <dt>{t.detail.settlement}</dt>
              <dd>{t.settlement[record.cost.settlement]}</dd>
            </dl>
          </section>
          <section class="panel actions" aria-labelledby="actions-heading">
            <h2 id="actions-heading">{t.detail.actions}</h2>
            {record.status === "locked" ? (
              <form method="post" action={action}>
                <input type="hidden" name="csrf" value={csrf} />
                <button type="submit">{t.detail.release}</button>
                <p class="hint">{t.detail.releaseHint}</p>
              </form>
            ) : record.status === "pending" || record.status === "submitted" ? (
              <form method="post" action={action}>
                <input type="hidden" name="csrf" value={csrf} />
                <button type="submit" class="danger">
                  {t.detail.cancel}
                </button>
                <p class="hint">{t.detail.cancelHint}</p>
              </form>
            ) : (
              <p class="muted">{t.detail.noActions}</p>
            )}
          </section>
        </div>
      </div>
    </Layout>
  );
}

function addressLine(address: Address): string {
  return [
    address.name,
    address.phone,
    address.line1,
    address.line2,
    address.district,
    address.city,
    address.province,
    address.postalCode,
    address.country,
  ]
    .filter(Boolean)
    .join(", ");
}
