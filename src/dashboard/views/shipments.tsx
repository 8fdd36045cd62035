/** The shipments page: filters (a plain GET form), newest first, each with its deadlines' time left. */
import type { ShipmentRecord, ShipmentStatus } from "../../store/shipment-records.ts";
import type { Messages } from "../i18n/messages.ts";
import { DataTable } from "./data-table.tsx";
import { Deadline } from "./deadline.tsx";
import { FilterSelect } from "./filter-select.tsx";
import { chinaTime } from "./format.ts";
import { Layout, type PageFrame } from "./layout.tsx";
import { ShipmentStatusBadge } from "./obligation-badges.tsx";

export const shipmentStatuses: ShipmentStatus[] = [
  "awaiting_shipment",
  "shipped",
  "collected",
  "refunded",
];

/** The filter form's fields as typed (empty when unset), to show them back. */
export interface ShipmentFilterFields {
  status: string;
  orderId: string;
}

export function ShipmentsPage(props: {
  frame: PageFrame;
  fields: ShipmentFilterFields;
  rows: ShipmentRecord[];
  carriers: Map<string, string>;
  now: Date;
  firstHref: string | null;
  nextHref: string | null;
}) {
  const { t } = props.frame;
  const { fields } = props;
  return (
    <Layout frame={props.frame} title={t.shipments.title} current="shipments">
      <h1>{t.shipments.title}</h1>
      <p class="intro">{t.shipments.intro}</p>
      <section class="panel" aria-labelledby="filters-heading">
        <h2 id="filters-heading">{t.shipments.filters}</h2>
        <form class="filters" method="get" action="/dashboard/shipments">
          <FilterSelect
            name="status"
            label={t.shipments.status}
            anyLabel={t.shipments.anyStatus}
            options={shipmentStatuses.map((status) => ({
              value: status,
              label: t.shipmentStatus[status],
            }))}
            selected={fields.status}
          />
          <div>
            <label for="f-order">{t.shipments.orderId}</label>
            <input type="text" id="f-order" name="orderId" value={fields.orderId} />
          </div>
          <div class="buttons">
            <button type="submit">{t.shipments.apply}</button>
            <a class="button secondary" href="/dashboard/shipments">
              {t.shipments.clear}
            </a>
          </div>
        </form>
        <p class="hint">{t.list.datesNote}</p>
      </section>
      <DataTable
        headers={[
          t.shipments.created,
          t.shipments.orderId,
          t.shipments.status,
          t.shipments.shipBy,
          t.shipments.collectBy,
          t.shipments.carrier,
          t.shipments.trackingNumber,
        ]}
        empty={t.shipments.empty}
        rows={props.rows.map((row) => (
          <tr class={row.overdueAt ? "overdue-row" : undefined}>
            <td>{chinaTime(row.createdAt)}</td>
            <td>
              <a class="mono" href={`/dashboard/shipments/${encodeURIComponent(row.id)}`}>
                {row.orderId}
              </a>
            </td>
            <td>
              <ShipmentStatusBadge status={row.status} t={t} />
              {row.overdueAt ? <OverdueBadge t={t} /> : null}
            </td>
            <td>
              <ShipmentDeadline shipment={row} at={row.shipBy} now={props.now} t={t} />
            </td>
            <td>
              {row.collectBy ? (
                <ShipmentDeadline shipment={row} at={row.collectBy} now={props.now} t={t} />
              ) : (
                "—"
              )}
            </td>
            <td>{row.carrier ? (props.carriers.get(row.carrier) ?? row.carrier) : "—"}</td>
            <td class="mono">{row.trackingNumber ?? "—"}</td>
          </tr>
        ))}
      />
      <nav class="pager" aria-label={t.shipments.title}>
        {props.firstHref ? (
          <a class="button secondary" href={props.firstHref}>
            {`← ${t.shipments.first}`}
          </a>
        ) : null}
        {props.nextHref ? (
          <a class="button secondary" href={props.nextHref} rel="next">
            {`${t.shipments.next} →`}
          </a>
        ) : null}
      </nav>
    </Layout>
  );
}

/**
 * A shipment's deadline: with the time left while the shipment still owes its collection
 * (awaiting shipment or shipped), as a plain time once collected or refunded.
 */
export function ShipmentDeadline(props: {
  shipment: Pick<ShipmentRecord, "status">;
  at: string;
  now: Date;
  t: Messages;
}) {
  const open = props.shipment.status === "awaiting_shipment" || props.shipment.status === "shipped";
  return open ? (
    <Deadline at={props.at} now={props.now} t={props.t} />
  ) : (
    <span>{`${chinaTime(props.at)} (UTC+8)`}</span>
  );
}

/** The platform found the shipment not collected by `shipBy` (its `shipment.overdue`). */
export function OverdueBadge(props: { t: Messages }) {
  return <span class="status status-overdue">{props.t.shipments.overdue}</span>;
}
