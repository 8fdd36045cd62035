/** The interceptions page: filters (a plain GET form), newest first, one page at a time. */
import type { InterceptionStatus } from "../../../contracts/normalized.ts";
import type { InterceptionRecord } from "../../store/store.ts";
import { DataTable } from "./data-table.tsx";
import { FilterSelect } from "./filter-select.tsx";
import { chinaTime } from "./format.ts";
import { Layout, Notice, type PageFrame, StatusBadge } from "./layout.tsx";

/** The filter form's fields as typed (strings, empty when unset), to show them back. */
export interface ListFilterFields {
  status: string;
  carrier: string;
  orderId: string;
  trackingNumber: string;
  from: string;
  to: string;
}

export const statuses: InterceptionStatus[] = [
  "pending",
  "submitted",
  "succeeded",
  "failed",
  "cancelled",
  "locked",
  "released",
];

export function InterceptionsPage(props: {
  frame: PageFrame;
  fields: ListFilterFields;
  carriers: Array<{ id: string; name: string }>;
  rows: InterceptionRecord[];
  /** Why the filters could not be applied, if so. */
  error?: string;
  firstHref: string | null;
  nextHref: string | null;
}) {
  const { t } = props.frame;
  const { fields } = props;
  const carrierName = new Map(props.carriers.map((carrier) => [carrier.id, carrier.name]));
  return (
    <Layout frame={props.frame} title={t.list.title} current="interceptions">
      <h1>{t.list.title}</h1>
      <section class="panel" aria-labelledby="filters-heading">
        <h2 id="filters-heading">{t.list.filters}</h2>
        <form class="filters" method="get" action="/dashboard/interceptions">
          <FilterSelect
            name="status"
            label={t.list.status}
            anyLabel={t.list.anyStatus}
            options={statuses.map((status) => ({ value: status, label: t.status[status] }))}
            selected={fields.status}
          />
          <FilterSelect
            name="carrier"
            label={t.list.carrier}
            anyLabel={t.list.anyCarrier}
            options={props.carriers.map((carrier) => ({ value: carrier.id, label: carrier.name }))}
            selected={fields.carrier}
          />
          <div>
            <label for="f-order">{t.list.orderId}</label>
            <input type="text" id="f-order" name="orderId" value={fields.orderId} />
          </div>
          <div>
            <label for="f-tracking">{t.list.trackingNumber}</label>
            <input
              type="text"
              id="f-tracking"
              name="trackingNumber"
              value={fields.trackingNumber}
            />
          </div>
          <div>
            <label for="f-from">{t.list.from}</label>
            <input
              type="date"
              id="f-from"
              name="from"
              value={fields.from}
              aria-describedby="dates-note"
            />
          </div>
          <div>
            <label for="f-to">{t.list.to}</label>
            <input
              type="date"
              id="f-to"
              name="to"
              value={fields.to}
              aria-describedby="dates-note"
            />
          </div>
          <div class="buttons">
            <button type="submit">{t.list.apply}</button>
            <a class="button secondary" href="/dashboard/interceptions">
              {t.list.clear}
            </a>
          </div>
        </form>
        <p class="hint" id="dates-note">
          {t.list.datesNote}
        </p>
      </section>
      {props.error ? <Notice kind="error" text={props.error} /> : null}
      <DataTable
        headers={[
          t.list.created,
          t.list.trackingNumber,
          t.list.orderId,
          t.list.carrier,
          t.list.action,
          t.list.status,
          t.list.payer,
        ]}
        empty={t.list.empty}
        rows={props.rows.map((row) => (
          <tr>
            <td>{chinaTime(row.createdAt)}</td>
            <td>
              <a class="mono" href={`/dashboard/interceptions/${encodeURIComponent(row.id)}`}>
                {row.trackingNumber}
              </a>
            </td>
            <td class="mono">{row.orderId}</td>
            <td>{carrierName.get(row.carrier) ?? row.carrier}</td>
            <td>{t.action[row.action]}</td>
            <td>
              <StatusBadge status={row.status} t={t} />
            </td>
            <td>{t.payer[row.cost.payer]}</td>
          </tr>
        ))}
      />
      <nav class="pager" aria-label={t.list.title}>
        {props.firstHref ? (
          <a class="button secondary" href={props.firstHref}>
            {`← ${t.list.first}`}
          </a>
        ) : null}
        {props.nextHref ? (
          <a class="button secondary" href={props.nextHref} rel="next">
            {`${t.list.next} →`}
          </a>
        ) : null}
      </nav>
    </Layout>
  );
}
