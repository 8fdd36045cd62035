/**
 * `TicketRepository` on SQLite. Every change is one synchronous write (connection.ts): the
 * ticket, its events, the shipment step (obligation-shipment.ts), its webhook events (the outbox)
 * and the deadlines it sets commit together or not at all.
 */
import { and, asc, desc, eq, inArray, lt } from "drizzle-orm";
import { toTicketResource } from "../../domain/ticket-resource.ts";
import type { DeadlineRecord } from "../deadline-records.ts";
import { ticketEventsTable, ticketsTable } from "../schema.ts";
import type {
  TicketEventRecord,
  TicketRecord,
  TicketRepository,
  TicketWebhookType,
  TicketWithEvents,
} from "../ticket-records.ts";
import { eventsByTicket, ruleFields, ticketColumns, ticketEventColumns } from "../ticket-rows.ts";
import type { Db, Reader, SqliteConnection } from "./connection.ts";
import { enqueueDeadlines } from "./deadlines.ts";
import { applyShipmentStep } from "./obligation-shipment.ts";
import type { EventOutbox } from "./webhooks.ts";

const tickets = ticketsTable;
const events = ticketEventsTable;

export function sqliteTickets(
  { db, read, write }: SqliteConnection,
  outbox: EventOutbox,
): TicketRepository {
  /** Inside the write: the events, the deadlines and the webhook events of an applied change. */
  const record = (
    after: TicketWithEvents,
    input: {
      events: readonly TicketEventRecord[];
      schedule?: readonly DeadlineRecord[];
      webhooks: readonly TicketWebhookType[];
      at: string;
    },
  ) => {
    insertEvents(db, after.id, input.events);
    enqueueDeadlines(db, input.schedule ?? []);
    outbox({
      merchantId: after.merchantId,
      types: input.webhooks,
      data: () => toTicketResource(after),
      at: input.at,
    });
  };

  return {
    open(input) {
      const { ticket } = input;
      return write(() => {
        const shipment = applyShipmentStep(db, ticket.shipmentId, ticket.merchantId, input);
        if (typeof shipment === "string") {
          return { outcome: shipment };
        }
        db.insert(tickets).values(ticketColumns(ticket)).run();
        const after: TicketWithEvents = { ...ticket, events: [...input.events] };
        record(after, input);
        return { outcome: "applied" as const, record: after, shipment };
      });
    },

    change(id, input) {
      return write(() => {
        const current = readOne(db, id);
        if (
          !current ||
          (input.merchantId !== undefined && current.merchantId !== input.merchantId)
        ) {
          return { outcome: "not_found" as const };
        }
        if (current.version !== input.expectVersion) {
          return { outcome: "stale" as const };
        }
        const shipment = applyShipmentStep(db, current.shipmentId, current.merchantId, input);
        if (typeof shipment === "string") {
          return { outcome: shipment };
        }
        const changed: TicketRecord = {
          ...withoutEvents(current),
          ...ruleFields(input.ticket),
          version: current.version + 1,
          updatedAt: input.at,
        };
        const { id: _id, ...columns } = ticketColumns(changed);
        db.update(tickets).set(columns).where(eq(tickets.id, id)).run();
        const after: TicketWithEvents = {
          ...changed,
          events: [...current.events, ...input.events],
        };
        record(after, input);
        return { outcome: "applied" as const, record: after, shipment };
      });
    },

    get(merchantId, id) {
      return read(() => {
        const found = readOne(db, id);
        return found?.merchantId === merchantId ? found : null;
      });
    },

    getById(id) {
      return read(() => readOne(db, id));
    },

    list(merchantId, filter, page) {
      return read(() => {
        const rows = db
          .select()
          .from(tickets)
          .where(
            and(
              eq(tickets.merchantId, merchantId),
              filter.status === undefined ? undefined : eq(tickets.status, filter.status),
              filter.type === undefined ? undefined : eq(tickets.type, filter.type),
              page.before === undefined ? undefined : lt(tickets.id, page.before),
            ),
          )
          .orderBy(desc(tickets.id))
          .limit(page.limit)
          .all();
        return withEvents(db, rows);
      });
    },

    ofShipment(shipmentId) {
      return read(() => {
        const rows = db
          .select()
          .from(tickets)
          .where(eq(tickets.shipmentId, shipmentId))
          .orderBy(asc(tickets.id))
          .all();
        return withEvents(db, rows);
      });
    },
  };
}

function withoutEvents(ticket: TicketWithEvents): TicketRecord {
  const { events: _history, ...record } = ticket;
  return record;
}

function insertEvents(db: Db, ticketId: string, added: readonly TicketEventRecord[]): void {
  if (added.length > 0) {
    db.insert(events)
      .values(added.map((event) => ticketEventColumns(ticketId, event)))
      .run();
  }
}

function readOne(reader: Reader, id: string): TicketWithEvents | null {
  const row = reader.select().from(tickets).where(eq(tickets.id, id)).get();
  return row ? (withEvents(reader, [row])[0] ?? null) : null;
}

/** The rows with their histories, in the rows' order; one read for all their events. */
function withEvents(reader: Reader, rows: TicketRecord[]): TicketWithEvents[] {
  if (rows.length === 0) {
    return [];
  }
  const found = reader
    .select()
    .from(events)
    .where(
      inArray(
        events.ticketId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(asc(events.id))
    .all();
  const byTicket = eventsByTicket(found);
  return rows.map((row) => ({ ...row, events: byTicket.get(row.id) ?? [] }));
}
