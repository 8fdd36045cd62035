/** The tickets page: filters (a plain GET form), newest first, each with what is due next. */
import { ticketStatuses, ticketTypes } from "../../domain/obligations/tickets.ts";
import { FilterSelect } from "./filter-select.tsx";
import { Layout, type PageFrame } from "./layout.tsx";
import { type TicketRow, TicketTable } from "./ticket-table.tsx";

/** The filter form's fields as typed (empty when unset), to show them back. */
export interface TicketFilterFields {
  status: string;
  type: string;
}

export function TicketsPage(props: {
  frame: PageFrame;
  fields: TicketFilterFields;
  rows: TicketRow[];
  now: Date;
  firstHref: string | null;
  nextHref: string | null;
}) {
  const { t } = props.frame;
  const { fields } = props;
  return (
    <Layout frame={props.frame} title={t.tickets.title} current="tickets">
      <h1>{t.tickets.title}</h1>
      <p class="intro">{t.tickets.intro}</p>
      <section class="panel" aria-labelledby="filters-heading">
        <h2 id="filters-heading">{t.tickets.filters}</h2>
        <form class="filters" method="get" action="/dashboard/tickets">
          <FilterSelect
            name="status"
            label={t.tickets.status}
            anyLabel={t.tickets.anyStatus}
            options={ticketStatuses.map((status) => ({
              value: status,
              label: t.ticketStatus[status],
            }))}
            selected={fields.status}
          />
          <FilterSelect
            name="type"
            label={t.tickets.type}
            anyLabel={t.tickets.anyType}
            options={ticketTypes.map((type) => ({ value: type, label: t.ticketType[type] }))}
            selected={fields.type}
          />
          <div class="buttons">
            <button type="submit">{t.tickets.apply}</button>
            <a class="button secondary" href="/dashboard/tickets">
              {t.tickets.clear}
            </a>
          </div>
        </form>
        <p class="hint">{t.list.datesNote}</p>
      </section>
      <TicketTable rows={props.rows} now={props.now} t={t} empty={t.tickets.empty} />
      <nav class="pager" aria-label={t.tickets.title}>
        {props.firstHref ? (
          <a class="button secondary" href={props.firstHref}>
            {`← ${t.tickets.first}`}
          </a>
        ) : null}
        {props.nextHref ? (
          <a class="button secondary" href={props.nextHref} rel="next">
            {`${t.tickets.next} →`}
          </a>
        ) : null}
      </nav>
    </Layout>
  );
}
