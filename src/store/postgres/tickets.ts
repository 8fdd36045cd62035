/**
 * `TicketRepository` on PostgreSQL. Every change is one transaction: the ticket (its row locked),
 * its events, the shipment step (obligation-shipment.ts), its webhook events (the outbox) and the
 * deadlines it sets (pg-boss, on the same connection).
 */
import { and, asc, desc, eq, inArray, lt } from "drizzle-orm";
import type pg from "pg";
import { toTicketResource } from "../../domain/ticket-resource.ts";
import type { DeadlineRecord } from "../deadline-records.ts";
import type {
  ObligationChangeResult,
  TicketEventRecord,
  TicketRecord,
  TicketRepository,
  TicketWebhookType,
  TicketWithEvents,
} from "../ticket-records.ts";
import { eventsByTicket, ruleFields, ticketColumns, ticketEventColumns } from "../ticket-rows.ts";
import type { PgDeadlineQueue } from "./deadlines.ts";
import { applyShipmentStep } from "./obligation-shipment.ts";
import { ticketEventsTable, ticketsTable } from "./schema.ts";
import { inTransaction, type PgDb, type Tx } from "./transaction.ts";
import { recordEventWebhooks } from "./webhooks.ts";

const tickets = ticketsTable;
const events = ticketEventsTable;

type Result = ObligationChangeResult<TicketWithEvents>;

export function pgTicketRepository(
  pool: pg.Pool,
  db: PgDb,
  deadlines: PgDeadlineQueue,
): TicketRepository {
  /** Inside the transaction: the events, the deadlines and the webhook events of a change. */
  const record = async (
    { db: tx, client }: Tx,
    after: TicketWithEvents,
    input: {
      events: readonly TicketEventRecord[];
      schedule?: readonly DeadlineRecord[];
      webhooks: readonly TicketWebhookType[];
      at: string;
    },
  ) => {
    if (input.events.length > 0) {
      await tx
        .insert(events)
        .values(input.events.map((event) => ticketEventColumns(after.id, event)));
    }
    await deadlines.enqueue(client, input.schedule ?? []);
    await recordEventWebhooks(tx, {
      merchantId: after.merchantId,
      types: input.webhooks,
      data: async () => toTicketResource(after),
      at: input.at,
    });
  };

  return {
    open(input) {
      const { ticket } = input;
      return inTransaction(pool, async (tx): Promise<Result> => {
        const shipment = await applyShipmentStep(
          tx.db,
          ticket.shipmentId,
          ticket.merchantId,
          input,
        );
        if (typeof shipment === "string") {
          return { outcome: shipment };
        }
        await tx.db.insert(tickets).values(ticketColumns(ticket));
        const after: TicketWithEvents = { ...ticketColumns(ticket), events: [...input.events] };
        await record(tx, after, input);
        return { outcome: "applied", record: after, shipment };
      });
    },

    change(id, input) {
      return inTransaction(pool, async (tx): Promise<Result> => {
        const current = await readOne(tx.db, id, true);
        if (
          !current ||
          (input.merchantId !== undefined && current.merchantId !== input.merchantId)
        ) {
          return { outcome: "not_found" };
        }
        if (current.version !== input.expectVersion) {
          return { outcome: "stale" };
        }
        const shipment = await applyShipmentStep(
          tx.db,
          current.shipmentId,
          current.merchantId,
          input,
        );
        if (typeof shipment === "string") {
          return { outcome: shipment };
        }
        const changed = ticketColumns({
          ...current,
          ...ruleFields(input.ticket),
          version: current.version + 1,
          updatedAt: input.at,
        });
        const { id: _id, ...columns } = changed;
        await tx.db.update(tickets).set(columns).where(eq(tickets.id, id));
        const after: TicketWithEvents = {
          ...changed,
          events: [...current.events, ...input.events],
        };
        await record(tx, after, input);
        return { outcome: "applied", record: after, shipment };
      });
    },

    async get(merchantId, id) {
      const found = await readOne(db, id, false);
      return found?.merchantId === merchantId ? found : null;
    },

    getById(id) {
      return readOne(db, id, false);
    },

    async list(merchantId, filter, page) {
      const rows = await db
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
        .limit(page.limit);
      return withEvents(db, rows);
    },

    async ofShipment(shipmentId) {
      const rows = await db
        .select()
        .from(tickets)
        .where(eq(tickets.shipmentId, shipmentId))
        .orderBy(asc(tickets.id));
      return withEvents(db, rows);
    },
  };
}

/** One ticket with its history; `lock` holds its row until the transaction ends. */
async function readOne(reader: PgDb, id: string, lock: boolean): Promise<TicketWithEvents | null> {
  const query = reader.select().from(tickets).where(eq(tickets.id, id));
  const [row] = lock ? await query.for("update") : await query;
  return row ? ((await withEvents(reader, [row]))[0] ?? null) : null;
}

/** The rows with their histories, in the rows' order; one read for all their events. */
async function withEvents(reader: PgDb, rows: TicketRecord[]): Promise<TicketWithEvents[]> {
  if (rows.length === 0) {
    return [];
  }
  const found = await reader
    .select()
    .from(events)
    .where(
      inArray(
        events.ticketId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(asc(events.id));
  const byTicket = eventsByTicket(found);
  return rows.map((row) => ({ ...row, events: byTicket.get(row.id) ?? [] }));
}
