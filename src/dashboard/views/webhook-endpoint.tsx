/**
 * One webhook endpoint: its facts, its secret when just made (shown this once), rotate and
 * delete, and its deliveries newest first with a retry button each.
 */
import type { WebhookDeliveryRecord, WebhookEndpointRecord } from "../../store/store.ts";
import { fill } from "../i18n/messages.ts";
import { DataTable } from "./data-table.tsx";
import { chinaTime } from "./format.ts";
import { Layout, Notice, type PageFrame } from "./layout.tsx";

export function WebhookEndpointPage(props: {
  frame: PageFrame;
  endpoint: WebhookEndpointRecord;
  deliveries: WebhookDeliveryRecord[];
  /** A secret just made, with why: shown on this one page view only. */
  secret?: { text: string; value: string };
  notice?: { kind: "ok" | "error"; text: string };
  firstHref: string | null;
  nextHref: string | null;
}) {
  const { t, session } = props.frame;
  const { endpoint } = props;
  const csrf = session?.csrfToken ?? "";
  const base = `/dashboard/webhooks/${encodeURIComponent(endpoint.id)}`;
  return (
    <Layout frame={props.frame} title={t.webhooks.endpoint} current="webhooks">
      <a class="back" href="/dashboard/webhooks">
        {`← ${t.webhooks.back}`}
      </a>
      <h1>{t.webhooks.endpoint}</h1>
      {props.notice ? <Notice kind={props.notice.kind} text={props.notice.text} /> : null}
      {props.secret ? (
        <section class="panel secret" aria-labelledby="secret-heading" role="status">
          <h2 id="secret-heading">{t.webhooks.secretTitle}</h2>
          <p>{props.secret.text}</p>
          <code class="mono" id="new-secret">
            {props.secret.value}
          </code>
          <p>
            <strong>{t.webhooks.copyNow}</strong>
          </p>
        </section>
      ) : null}
      <div class="grid">
        <section class="panel" aria-labelledby="endpoint-heading">
          <h2 id="endpoint-heading">{t.detail.summary}</h2>
          <dl class="facts">
            <dt>{t.webhooks.url}</dt>
            <dd class="mono error-text">{endpoint.url}</dd>
            <dt>{t.webhooks.events}</dt>
            <dd>{endpoint.events ? endpoint.events.join(", ") : t.webhooks.allEvents}</dd>
            <dt>{t.webhooks.description}</dt>
            <dd>{endpoint.description ?? "—"}</dd>
            <dt>{t.webhooks.created}</dt>
            <dd>{`${chinaTime(endpoint.createdAt)} (UTC+8)`}</dd>
          </dl>
        </section>
        <section class="panel actions" aria-labelledby="actions-heading">
          <h2 id="actions-heading">{t.detail.actions}</h2>
          <form method="post" action={`${base}/rotate`}>
            <input type="hidden" name="csrf" value={csrf} />
            <button type="submit" class="secondary">
              {t.webhooks.rotate}
            </button>
            <p class="hint">{t.webhooks.rotateHint}</p>
          </form>
          <form method="post" action={`${base}/delete`}>
            <input type="hidden" name="csrf" value={csrf} />
            <button type="submit" class="danger">
              {t.webhooks.delete}
            </button>
            <p class="hint">{t.webhooks.deleteHint}</p>
          </form>
        </section>
      </div>
      <h2>{t.webhooks.deliveries}</h2>
      <p class="hint">{t.list.datesNote}</p>
      <DataTable
        headers={[
          t.webhooks.created,
          t.webhooks.event,
          t.webhooks.status,
          t.webhooks.attempts,
          t.webhooks.lastStatusCode,
          t.webhooks.lastError,
          t.webhooks.nextAttempt,
          t.webhooks.retry,
        ]}
        empty={t.webhooks.deliveriesEmpty}
        rows={props.deliveries.map((delivery) => (
          <tr id={delivery.id}>
            <td>{chinaTime(delivery.createdAt)}</td>
            <td class="mono">{delivery.type}</td>
            <td>
              <span class={`status status-${delivery.status}`}>
                {t.deliveryStatus[delivery.status]}
              </span>
            </td>
            <td class="mono">{String(delivery.attempts)}</td>
            <td class="mono">
              {delivery.lastStatusCode === null ? "—" : String(delivery.lastStatusCode)}
            </td>
            <td class="error-text">{delivery.lastError ?? "—"}</td>
            <td>{delivery.nextAttemptAt ? chinaTime(delivery.nextAttemptAt) : "—"}</td>
            <td>
              <form
                method="post"
                action={`/dashboard/webhook-deliveries/${encodeURIComponent(delivery.id)}/retry`}
              >
                <input type="hidden" name="csrf" value={csrf} />
                <button
                  type="submit"
                  class={delivery.status === "failed" ? "small" : "small secondary"}
                  aria-label={fill(t.webhooks.retryLabel, { id: delivery.id })}
                >
                  {t.webhooks.retry}
                </button>
              </form>
            </td>
          </tr>
        ))}
      />
      <nav class="pager" aria-label={t.webhooks.deliveries}>
        {props.firstHref ? (
          <a class="button secondary" href={props.firstHref}>
            {`← ${t.webhooks.first}`}
          </a>
        ) : null}
        {props.nextHref ? (
          <a class="button secondary" href={props.nextHref} rel="next">
            {`${t.webhooks.next} →`}
          </a>
        ) : null}
      </nav>
    </Layout>
  );
}
