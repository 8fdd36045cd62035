/**
 * Negotiated ship dates (seed 002, `POST /v1/shipments/{id}/ship-date-proposals`): the merchant
 * proposes a date, the buyer confirms within 24 h or before the shipping deadline, whichever comes
 * first, or the proposal is void and the original deadline stands. At most 3 per shipment, none
 * after the buyer agreed; an agreed date moves `shipBy` to its 23:59:59 China time.
 */
import { type ChinaDate, endOfChinaDay } from "./china-time.ts";
import { addMs, earlier, hasPassed } from "./deadlines.ts";
import { forbidden, type Refusal } from "./decision.ts";
import type { ObligationRules } from "./rules.ts";
import { readShipDate } from "./ship-date.ts";
import type { ShipmentFacts } from "./shipment-facts.ts";

export const proposalStatuses = ["awaiting_buyer", "accepted", "rejected", "expired"] as const;
export type ProposalStatus = (typeof proposalStatuses)[number];

/** The part of a proposal its rules read and write. */
export interface ShipDateProposal {
  status: ProposalStatus;
  shipDate: ChinaDate;
  proposedAt: string;
  /** The earlier of `proposedAt` + 24 h and the shipment's `shipBy` when proposed. */
  expiresAt: string;
  /** When the buyer answered or the proposal expired; null while it awaits the buyer. */
  answeredAt: string | null;
}

/**
 * The proposal as it stands at `now`: one still awaiting the buyer at its `expiresAt` has expired
 * (the scheduler writes it; until then every rule and every reader reads it so). A stored record
 * comes back as the same record, its other fields kept.
 */
export function proposalAt<P extends ShipDateProposal>(proposal: P, now: Date): P {
  return proposal.status === "awaiting_buyer" && hasPassed(proposal.expiresAt, now)
    ? { ...proposal, status: "expired", answeredAt: proposal.expiresAt }
    : proposal;
}

/** When the scheduler must expire the proposal, or null once it is answered. */
export function proposalDeadline(
  proposal: ShipDateProposal,
): { kind: "proposal_expiry"; at: string } | null {
  return proposal.status === "awaiting_buyer"
    ? { kind: "proposal_expiry", at: proposal.expiresAt }
    : null;
}

/**
 * A new proposal for a shipment awaiting shipment, with its earlier proposals. Refused after an
 * accepted one, past the limit (every proposal counts, whatever its answer), while another still
 * awaits the buyer (two open ones could both be accepted), and once `shipBy` has passed (seed 002:
 * proposals are made within the shipping deadline).
 */
export function proposeShipDate(
  shipment: ShipmentFacts,
  proposals: readonly ShipDateProposal[],
  request: { shipDate?: string },
  now: Date,
  rules: ObligationRules,
): { ok: true; proposal: ShipDateProposal } | Refusal {
  if (shipment.status !== "awaiting_shipment") {
    return forbidden(
      "shipment_not_awaiting_shipment",
      `A ship date is proposed for a shipment awaiting shipment; this one is ${shipment.status}.`,
    );
  }
  const standing = proposals.map((proposal) => proposalAt(proposal, now));
  if (standing.some((proposal) => proposal.status === "accepted")) {
    return forbidden(
      "proposal_already_accepted",
      "The buyer already agreed to a ship date for this shipment.",
    );
  }
  if (standing.length >= rules.maxProposals) {
    return forbidden(
      "proposal_limit_reached",
      `A shipment takes at most ${rules.maxProposals} ship-date proposals.`,
    );
  }
  if (standing.some((proposal) => proposal.status === "awaiting_buyer")) {
    return forbidden("proposal_pending", "Another proposal still awaits the buyer's answer.");
  }
  if (hasPassed(shipment.shipBy, now)) {
    return forbidden(
      "ship_by_passed",
      `The shipping deadline ${shipment.shipBy} has passed: a ship date is negotiated before it.`,
    );
  }
  const shipDate = readShipDate(request.shipDate, now);
  if (typeof shipDate !== "string") {
    return shipDate;
  }
  const proposedAt = now.toISOString();
  return {
    ok: true,
    proposal: {
      status: "awaiting_buyer",
      shipDate,
      proposedAt,
      expiresAt: earlier(addMs(proposedAt, rules.proposalAnswerWindowMs), shipment.shipBy),
      answeredAt: null,
    },
  };
}

/**
 * The buyer's answer. Accepted: the shipment's `shipBy` becomes 23:59:59 China time of the date.
 * Rejected: the original `shipBy` stands. An answered or expired proposal takes no answer.
 */
export function answerProposal(
  proposal: ShipDateProposal,
  accepted: boolean,
  now: Date,
): { ok: true; proposal: ShipDateProposal; shipment?: { shipBy: string } } | Refusal {
  const current = proposalAt(proposal, now);
  if (current.status === "expired") {
    return forbidden(
      "proposal_expired",
      `The proposal expired at ${current.expiresAt}; the original deadline stands.`,
    );
  }
  if (current.status !== "awaiting_buyer") {
    return forbidden("proposal_already_answered", `The buyer already ${current.status} it.`);
  }
  const answered: ShipDateProposal = {
    ...current,
    status: accepted ? "accepted" : "rejected",
    answeredAt: now.toISOString(),
  };
  return accepted
    ? { ok: true, proposal: answered, shipment: { shipBy: endOfChinaDay(current.shipDate) } }
    : { ok: true, proposal: answered };
}
