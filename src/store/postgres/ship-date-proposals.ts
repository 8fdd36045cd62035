/**
 * `ShipDateProposalRepository` on PostgreSQL. Every change is one transaction: the proposal (its
 * row locked), the shipment step (obligation-shipment.ts: an accepted date's `shipBy`), its
 * webhook event (the outbox) and the deadlines it sets (pg-boss, on the same connection).
 */
import { and, asc, eq, sql } from "drizzle-orm";
import type pg from "pg";
import { toProposalResource } from "../../domain/ticket-resource.ts";
import type {
  ObligationChangeResult,
  ShipDateProposalRecord,
  ShipDateProposalRepository,
} from "../ticket-records.ts";
import { proposalColumns, proposalRuleFields, proposalsByShipment } from "../ticket-rows.ts";
import type { PgDeadlineQueue } from "./deadlines.ts";
import { applyShipmentStep } from "./obligation-shipment.ts";
import { shipDateProposalsTable } from "./schema.ts";
import { inTransaction, type PgDb } from "./transaction.ts";
import { recordEventWebhooks } from "./webhooks.ts";

const proposals = shipDateProposalsTable;

type Result = ObligationChangeResult<ShipDateProposalRecord>;

export function pgShipDateProposalRepository(
  pool: pg.Pool,
  db: PgDb,
  deadlines: PgDeadlineQueue,
): ShipDateProposalRepository {
  return {
    propose(input) {
      const { proposal } = input;
      return inTransaction(pool, async ({ db: tx, client }): Promise<Result> => {
        const shipment = await applyShipmentStep(
          tx,
          proposal.shipmentId,
          proposal.merchantId,
          input,
        );
        if (typeof shipment === "string") {
          return { outcome: shipment };
        }
        const stored = proposalColumns(proposal);
        await tx.insert(proposals).values(stored);
        await deadlines.enqueue(client, input.schedule ?? []);
        return { outcome: "applied", record: stored, shipment };
      });
    },

    answer(id, input) {
      return inTransaction(pool, async ({ db: tx, client }): Promise<Result> => {
        const current = await readOne(tx, id, true);
        if (
          !current ||
          (input.merchantId !== undefined && current.merchantId !== input.merchantId)
        ) {
          return { outcome: "not_found" };
        }
        if (current.version !== input.expectVersion) {
          return { outcome: "stale" };
        }
        const shipment = await applyShipmentStep(tx, current.shipmentId, current.merchantId, input);
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
        await tx.update(proposals).set(columns).where(eq(proposals.id, id));
        await deadlines.enqueue(client, input.schedule ?? []);
        await recordEventWebhooks(tx, {
          merchantId: after.merchantId,
          types: [input.webhook],
          data: async () => toProposalResource(after),
          at: input.at,
        });
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

    ofShipment(shipmentId) {
      return proposalsOf(db, shipmentId);
    },

    async ofShipments(merchantId, shipmentIds) {
      if (shipmentIds.length === 0) {
        return new Map();
      }
      const rows = await db
        .select()
        .from(proposals)
        .where(
          and(
            // One array parameter: one statement text whatever the page size (named-statements.ts).
            sql`${proposals.shipmentId} = any(${sql.param([...shipmentIds])}::text[])`,
            eq(proposals.merchantId, merchantId),
          ),
        )
        .orderBy(asc(proposals.id));
      return proposalsByShipment(rows);
    },
  };
}

/** Every proposal of a shipment, oldest first (inside a transaction too: a shipment event's data). */
export async function proposalsOf(
  reader: PgDb,
  shipmentId: string,
): Promise<ShipDateProposalRecord[]> {
  return reader
    .select()
    .from(proposals)
    .where(eq(proposals.shipmentId, shipmentId))
    .orderBy(asc(proposals.id));
}

/** One proposal; `lock` holds its row until the transaction ends. */
async function readOne(
  reader: PgDb,
  id: string,
  lock: boolean,
): Promise<ShipDateProposalRecord | null> {
  const query = reader.select().from(proposals).where(eq(proposals.id, id));
  const [row] = lock ? await query.for("update") : await query;
  return row ?? null;
}
