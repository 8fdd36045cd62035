/**
 * Negotiated ship dates (API.md "Negotiated ship date", seed 002): the merchant proposes a later
 * date, the buyer's answer is relayed, and a proposal nobody answered expires at its `expiresAt`.
 * The rules (src/domain/obligations/ship-date-proposals.ts) decide on the shipment and its
 * proposals as read; the store applies the change only while the shipment is still at the version
 * read (ticket-records.ts), so two decisions made on one read never both commit. A change decided
 * on a read that went stale is decided again on a fresh read.
 *
 * Every proposal this service hands out reads as it stands now (`proposalAt`): one past its
 * `expiresAt` is `expired` even before the scheduler has written it so. Callers (routes, the
 * dashboard) show what they get.
 */
import type { EventActor } from "../../contracts/interception.ts";
import type { ShipDateProposalCreate } from "../../contracts/shipments.ts";
import { gatewayActor } from "../domain/actors.ts";
import {
  answerProposal,
  proposalAt,
  proposeShipDate,
} from "../domain/obligations/ship-date-proposals.ts";
import { newId } from "../ids.ts";
import { newDeadline } from "../store/deadline-records.ts";
import type {
  MerchantRecord,
  ProposalWebhookType,
  ShipDateProposalRecord,
} from "../store/store.ts";
import type { ServiceDeps } from "./deps.ts";
import { decideOnFreshReads } from "./fresh-reads.ts";
import { refusalError } from "./obligation-refusal.ts";
import { ServiceError } from "./service-error.ts";

/**
 * Reads and decisions per change: each stale one means another change to the shipment committed
 * between our read and our write, so a handful only ever runs out under a burst on one shipment.
 */
const maxDecisions = 5;

/** What the scheduler's expiry did (src/scheduler/proposal-expiry.ts). */
export type ExpiryOutcome =
  | { outcome: "expired" }
  /** Answered (or expired) already, or gone: nothing to do. */
  | { outcome: "settled" }
  /** Not yet at `expiresAt` by this clock: due again then. */
  | { outcome: "not_due"; at: string };

/** The part of the services' and the scheduler's deps this service uses (both give it). */
export type ProposalDeps = Pick<ServiceDeps, "store" | "now" | "obligations" | "logger">;

export class ShipDateProposalService {
  constructor(private readonly deps: ProposalDeps) {}

  /**
   * `POST /v1/shipments/{id}/ship-date-proposals`: a new proposal awaiting the buyer, with its
   * `proposal_expiry` deadline at `expiresAt` (the earlier of 24 h and the shipment's `shipBy`).
   */
  async propose(
    merchant: MerchantRecord,
    shipmentId: string,
    request: ShipDateProposalCreate,
    actor: EventActor,
  ): Promise<ShipDateProposalRecord> {
    const { store } = this.deps;
    return decideOnFreshReads(
      shipmentId,
      async () => {
        const shipment = await store.shipments.get(merchant.id, shipmentId);
        if (!shipment) {
          throw shipmentNotFound(shipmentId);
        }
        const proposals = await store.proposals.ofShipment(shipment.id);
        const now = this.deps.now();
        const decided = proposeShipDate(shipment, proposals, request, now, this.deps.obligations);
        if (!decided.ok) {
          throw refusalError(decided);
        }
        const at = now.toISOString();
        const proposal: ShipDateProposalRecord = {
          ...decided.proposal,
          id: newId("sdp"),
          merchantId: merchant.id,
          shipmentId: shipment.id,
          version: 1,
          createdAt: at,
          updatedAt: at,
        };
        const result = await store.proposals.propose({
          proposal,
          expectShipmentVersion: shipment.version,
          schedule: [newDeadline("proposal_expiry", proposal, proposal.expiresAt)],
          at,
        });
        if (result.outcome === "applied") {
          this.logChange("proposed", result.record, actor);
          return result.record;
        }
        if (result.outcome === "not_found") {
          throw shipmentNotFound(shipmentId);
        }
        return "stale";
      },
      maxDecisions,
    );
  }

  /** `POST /v1/ship-date-proposals/{id}/accept`: the shipment's `shipBy` becomes the date's 23:59:59 China time. */
  accept(merchant: MerchantRecord, id: string, actor: EventActor): Promise<ShipDateProposalRecord> {
    return this.answer(merchant, id, true, actor);
  }

  /** `POST /v1/ship-date-proposals/{id}/reject`: the original `shipBy` stands. */
  reject(merchant: MerchantRecord, id: string, actor: EventActor): Promise<ShipDateProposalRecord> {
    return this.answer(merchant, id, false, actor);
  }

  /** One proposal of the merchant, as it stands now; another merchant's reads as missing. */
  async get(merchantId: string, id: string): Promise<ShipDateProposalRecord> {
    const found = await this.deps.store.proposals.get(merchantId, id);
    if (!found) {
      throw proposalNotFound(id);
    }
    return this.standing(found);
  }

  /** A shipment's proposals, oldest first, as they stand now; another merchant's shipment has none. */
  async ofShipment(merchantId: string, shipmentId: string): Promise<ShipDateProposalRecord[]> {
    return (await this.ofShipments(merchantId, [shipmentId])).get(shipmentId) ?? [];
  }

  /** The proposals of a page of shipments in one read, by shipment id, as they stand now. */
  async ofShipments(
    merchantId: string,
    shipmentIds: readonly string[],
  ): Promise<Map<string, ShipDateProposalRecord[]>> {
    const found = await this.deps.store.proposals.ofShipments(merchantId, shipmentIds);
    return new Map(
      [...found].map(([shipmentId, proposals]) => [
        shipmentId,
        proposals.map((proposal) => this.standing(proposal)),
      ]),
    );
  }

  /**
   * For the scheduler (any merchant's): the proposal expires if it still awaits the buyer at its
   * `expiresAt`, with `proposal.expired`; the original `shipBy` stands. Idempotent: an answered
   * or already expired proposal is left as it is.
   */
  async expire(id: string): Promise<ExpiryOutcome> {
    const { store } = this.deps;
    return decideOnFreshReads(
      id,
      async () => {
        const proposal = await store.proposals.getById(id);
        if (proposal?.status !== "awaiting_buyer") {
          return { outcome: "settled" };
        }
        const now = this.deps.now();
        const current = proposalAt(proposal, now);
        if (current.status !== "expired") {
          return { outcome: "not_due", at: proposal.expiresAt };
        }
        const shipment = await store.shipments.getById(proposal.shipmentId);
        if (!shipment) {
          return { outcome: "settled" };
        }
        const result = await store.proposals.answer(id, {
          expectVersion: proposal.version,
          expectShipmentVersion: shipment.version,
          proposal: current,
          webhook: "proposal.expired",
          at: now.toISOString(),
        });
        if (result.outcome === "applied") {
          this.logChange("expired", result.record, gatewayActor);
          return { outcome: "expired" };
        }
        if (result.outcome === "not_found") {
          return { outcome: "settled" };
        }
        return "stale";
      },
      maxDecisions,
    );
  }

  /** The buyer's answer, relayed by the merchant's storefront. */
  private async answer(
    merchant: MerchantRecord,
    id: string,
    accepted: boolean,
    actor: EventActor,
  ): Promise<ShipDateProposalRecord> {
    const { store } = this.deps;
    return decideOnFreshReads(
      id,
      async () => {
        const proposal = await store.proposals.get(merchant.id, id);
        if (!proposal) {
          throw proposalNotFound(id);
        }
        const shipment = await store.shipments.get(merchant.id, proposal.shipmentId);
        if (!shipment) {
          throw proposalNotFound(id);
        }
        const now = this.deps.now();
        const decided = answerProposal(proposal, accepted, now);
        if (!decided.ok) {
          throw refusalError(decided);
        }
        const shipBy = decided.shipment?.shipBy;
        const webhook: ProposalWebhookType = accepted ? "proposal.accepted" : "proposal.rejected";
        const result = await store.proposals.answer(id, {
          merchantId: merchant.id,
          expectVersion: proposal.version,
          expectShipmentVersion: shipment.version,
          proposal: decided.proposal,
          webhook,
          ...(shipBy === undefined
            ? {}
            : {
                shipmentPatch: { shipBy },
                // The shipment is now due at the agreed date; the job for the old `shipBy` finds
                // it moved and does nothing (src/scheduler/ship-by.ts).
                schedule: [newDeadline("ship_by", shipment, shipBy, shipBy)],
              }),
          at: now.toISOString(),
        });
        if (result.outcome === "applied") {
          this.logChange(accepted ? "accepted" : "rejected", result.record, actor);
          return result.record;
        }
        if (result.outcome === "not_found") {
          throw proposalNotFound(id);
        }
        return "stale";
      },
      maxDecisions,
    );
  }

  /** The proposal as it stands now (expired once past `expiresAt`, written or not). */
  private standing(proposal: ShipDateProposalRecord): ShipDateProposalRecord {
    return proposalAt(proposal, this.deps.now());
  }

  /** Proposals keep no event history of their own: who changed one is in the log. */
  private logChange(change: string, proposal: ShipDateProposalRecord, actor: EventActor): void {
    this.deps.logger.info(`ship-date proposal ${change}`, {
      proposalId: proposal.id,
      shipmentId: proposal.shipmentId,
      merchantId: proposal.merchantId,
      status: proposal.status,
      actor,
    });
  }
}

function shipmentNotFound(id: string): ServiceError {
  return new ServiceError("not_found", `No shipment ${id} for this merchant.`);
}

function proposalNotFound(id: string): ServiceError {
  return new ServiceError("not_found", `No ship-date proposal ${id} for this merchant.`);
}
