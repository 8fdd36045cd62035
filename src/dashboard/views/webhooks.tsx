/** The webhooks page: the merchant's endpoints and the form that adds one. */
import { webhookEventTypes } from "../../../contracts/webhooks.ts";
import type { WebhookEndpointRecord } from "../../store/store.ts";
import { DataTable } from "./data-table.tsx";
import { chinaTime } from "./format.ts";
import { Layout, Notice, type PageFrame } from "./layout.tsx";

/** The add form's fields as typed, to show them back after a refusal. */
export interface EndpointFormFields {
  url: string;
  events: string[];
  description: string;
}

export const emptyEndpointForm: EndpointFormFields = { url: "", events: [], description: "" };

export function WebhooksPage(props: {
  frame: PageFrame;
  endpoints: WebhookEndpointRecord[];
  form: EndpointFormFields;
  notice?: { kind: "ok" | "error"; text: string };
}) {
  const { t, session } = props.frame;
  const { form } = props;
  return (
    <Layout frame={props.frame} title={t.webhooks.title} current="webhooks">
      <h1>{t.webhooks.title}</h1>
      <p class="muted">{t.webhooks.intro}</p>
      {props.notice ? <Notice kind={props.notice.kind} text={props.notice.text} /> : null}
      <DataTable
        headers={[t.webhooks.url, t.webhooks.events, t.webhooks.description, t.webhooks.created]}
        empty={t.webhooks.empty}
        rows={props.endpoints.map((endpoint) => (
          <tr>
            <td class="error-text">
              <a class="mono" href={`/dashboard/webhooks/${encodeURIComponent(endpoint.id)}`}>
                {endpoint.url}
              </a>
            </td>
            <td>{endpoint.events ? endpoint.events.join(", ") : t.webhooks.allEvents}</td>
            <td>{endpoint.description ?? ""}</td>
            <td>{`${chinaTime(endpoint.createdAt)} (UTC+8)`}</td>
          </tr>
        ))}
      />
      <section class="panel" aria-labelledby="add-heading">
        <h2 id="add-heading">{t.webhooks.add}</h2>
        <form class="endpoint" method="post" action="/dashboard/webhooks">
          <input type="hidden" name="csrf" value={session?.csrfToken ?? ""} />
          <label for="w-url">{t.webhooks.url}</label>
          <input
            type="url"
            id="w-url"
            name="url"
            value={form.url}
            required
            maxlength={2048}
            aria-describedby="w-url-hint"
          />
          <p class="hint" id="w-url-hint">
            {t.webhooks.urlHint}
          </p>
          <fieldset class="choices" aria-describedby="w-events-hint">
            <legend>{t.webhooks.events}</legend>
            {webhookEventTypes.map((type) => (
              <label class="choice mono">
                <input
                  type="checkbox"
                  name="events"
                  value={type}
                  checked={form.events.includes(type)}
                />{" "}
                {type}
              </label>
            ))}
            <p class="hint" id="w-events-hint">
              {t.webhooks.eventsHint}
            </p>
          </fieldset>
          <label for="w-description">{t.webhooks.description}</label>
          <input
            type="text"
            id="w-description"
            name="description"
            value={form.description}
            maxlength={500}
          />
          <div class="pager">
            <button type="submit">{t.webhooks.submit}</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}
