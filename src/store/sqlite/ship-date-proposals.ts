/**
 * `ShipDateProposalRepository` on SQLite. Every change is one synchronous write (connection.ts):
 * the proposal, the shipment step (obligation-shipment.ts: an accepted date's `shipBy`), its
 * webhook event (the outbox) and the deadlines it sets commit together or not at all.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import { toProposalResource } from "../../domain/ticket-resource.ts";
import { shipDateProposalsTable } from "../schema.ts";
import type { ShipDateProposalRecord, ShipDateProposalRepository } from "../ticket-records.ts";
import { proposalColumns, proposalRuleFields, proposalsByShipment } from "../ticket-rows.ts";
import type { Reader, SqliteConnection } from "./connection.ts";
import { enqueueDeadlines } from "./deadlines.ts";
import { applyShipmentStep } from "./obligation-shipment.ts";
import type { EventOutbox } from "./webhooks.ts";

const proposals = shipDateProposalsTable;

export function sqliteShipDateProposals(
  { db, read, write }: SqliteConnection,
  outbox: EventOutbox,
): ShipDateProposalRepository {
  return {
    propose(input) {
      const { proposal } = input;
      return write(() => {
        const shipment = applyShipmentStep(db, proposal.shipmentId, proposal.merchantId, input);
        if (typeof shipment === "string") {
          return { outcome: shipment };
        }
        const stored = proposalColumns(proposal);
        db.insert(proposals).values(stored).run();
        enqueueDeadlines(db, input.schedule ?? []);
        return { outcome: "applied" as const, record: stored, shipment };
      });
    },

    answer(id, input) {
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
        const after = proposalColumns({
          ...current,
          ...proposalRuleFields(input.proposal),
          version: current.version + 1,
          updatedAt: input.at,
        });
        const { id: _id, ...columns } = after;
        db.update(proposals).set(columns).where(eq(proposals.id, id)).run();
        enqueueDeadlines(db, input.schedule ?? []);
        outbox({
          merchantId: after.merchantId,
          types: [input.webhook],
          data: () => toProposalResource(after),
          at: input.at,
        });
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

    ofShipment(shipmentId) {
      return read(() => proposalsOf(db, shipmentId));
    },

    ofShipments(merchantId, shipmentIds) {
      if (shipmentIds.length === 0) {
        return Promise.resolve(new Map());
      }
      return read(() =>
        proposalsByShipment(
          db
            .select()
            .from(proposals)
            .where(
              and(
                inArray(proposals.shipmentId, [...shipmentIds]),
                eq(proposals.merchantId, merchantId),
              ),
            )
            .orderBy(asc(proposals.id))
            .all(),
        ),
      );
    },
  };
}

/** Every proposal of a shipment, oldest first (inside a write too: a shipment event's data). */
export function proposalsOf(reader: Reader, shipmentId: string): ShipDateProposalRecord[] {
  return reader
    .select()
    .from(proposals)
    .where(eq(proposals.shipmentId, shipmentId))
    .orderBy(asc(proposals.id))
    .all();
}

function readOne(reader: Reader, id: string): ShipDateProposalRecord | null {
  return reader.select().from(proposals).where(eq(proposals.id, id)).get() ?? null;
}
