import { describe, expect, it } from "vitest";
import type { ChinaDate } from "../../../src/domain/obligations/china-time.ts";
import {
  answerProposal,
  type ProposalStatus,
  proposalAt,
  proposalDeadline,
  proposeShipDate,
  type ShipDateProposal,
} from "../../../src/domain/obligations/ship-date-proposals.ts";
import type { ShipmentStatus } from "../../../src/domain/obligations/shipment-facts.ts";
import { accepted, at, day, hour, plus, refused, rules, shipment, t0 } from "./fixtures.ts";

// Seed 002. t0 is 2026-12-01 10:00 China time; the shipment's deadline is 12-03 23:59:59.
const facts = shipment({ shipBy: "2026-12-03T15:59:59.000Z" });
const now = at(t0);

function earlier(status: ProposalStatus): ShipDateProposal {
  return {
    status,
    shipDate: "2026-12-10" as ChinaDate,
    proposedAt: status === "awaiting_buyer" ? plus(t0, -hour) : plus(t0, -3 * day),
    expiresAt: status === "awaiting_buyer" ? plus(t0, hour) : plus(t0, -2 * day),
    answeredAt: status === "awaiting_buyer" ? null : plus(t0, -2 * day),
  };
}

describe("proposing a ship date", () => {
  it("awaits the buyer until 24 h later, or the shipping deadline if that comes first", () => {
    expect(
      accepted(proposeShipDate(facts, [], { shipDate: "2026-12-05" }, now, rules)).proposal,
    ).toEqual({
      status: "awaiting_buyer",
      shipDate: "2026-12-05",
      proposedAt: t0,
      expiresAt: plus(t0, day),
      answeredAt: null,
    });
    const soon = shipment({ shipBy: plus(t0, 5 * hour) });
    expect(
      accepted(proposeShipDate(soon, [], { shipDate: "2026-12-05" }, now, rules)).proposal
        .expiresAt,
    ).toBe(plus(t0, 5 * hour));
  });

  it.each<[ProposalStatus[], string | null]>([
    [[], null],
    [["rejected"], null],
    [["rejected", "expired"], null], // the third
    [["rejected", "expired", "rejected"], "proposal_limit_reached"], // a fourth
    [["accepted"], "proposal_already_accepted"],
    [["rejected", "accepted"], "proposal_already_accepted"],
    [["awaiting_buyer"], "proposal_pending"],
  ])("after %o: %s", (statuses, rule) => {
    const result = proposeShipDate(
      facts,
      statuses.map(earlier),
      { shipDate: "2026-12-05" },
      now,
      rules,
    );
    if (rule === null) {
      expect(accepted(result).proposal.status).toBe("awaiting_buyer");
    } else {
      expect(refused(result)).toMatchObject({ code: "invalid_transition", rule });
    }
  });

  it("a proposal past its expiresAt no longer blocks the next, and still counts", () => {
    const lapsed = { ...earlier("awaiting_buyer"), expiresAt: t0 };
    expect(
      accepted(proposeShipDate(facts, [lapsed], { shipDate: "2026-12-05" }, now, rules)).ok,
    ).toBe(true);
    const pending = { ...lapsed, expiresAt: plus(t0, 1) };
    expect(
      refused(proposeShipDate(facts, [pending], { shipDate: "2026-12-05" }, now, rules)),
    ).toMatchObject({
      rule: "proposal_pending",
    });
    const three = [earlier("rejected"), earlier("expired"), lapsed];
    expect(
      refused(proposeShipDate(facts, three, { shipDate: "2026-12-05" }, now, rules)),
    ).toMatchObject({
      rule: "proposal_limit_reached",
    });
  });

  it("the limit comes from the rules", () => {
    const one = { ...rules, maxProposals: 1 };
    expect(
      refused(proposeShipDate(facts, [earlier("rejected")], { shipDate: "2026-12-05" }, now, one)),
    ).toMatchObject({
      rule: "proposal_limit_reached",
    });
  });

  it.each<[ShipmentStatus, string | null]>([
    ["awaiting_shipment", null],
    ["shipped", "shipment_not_awaiting_shipment"],
    ["collected", "shipment_not_awaiting_shipment"],
    ["refunded", "shipment_not_awaiting_shipment"],
  ])("for a %s shipment: %s", (status, rule) => {
    const result = proposeShipDate(
      { ...facts, status },
      [],
      { shipDate: "2026-12-05" },
      now,
      rules,
    );
    if (rule === null) {
      expect(accepted(result).ok).toBe(true);
    } else {
      expect(refused(result)).toMatchObject({ rule });
    }
  });

  it("only before the shipping deadline", () => {
    const justBefore = at(plus(facts.shipBy, -1));
    expect(
      accepted(proposeShipDate(facts, [], { shipDate: "2026-12-05" }, justBefore, rules)).proposal
        .expiresAt,
    ).toBe(facts.shipBy);
    expect(
      refused(proposeShipDate(facts, [], { shipDate: "2026-12-05" }, at(facts.shipBy), rules)),
    ).toMatchObject({
      code: "invalid_transition",
      rule: "ship_by_passed",
    });
  });

  it.each([
    [t0, "2026-12-01", null], // today in China
    [t0, "2026-11-30", "ship_date_in_past"],
    // 00:30 on 12-02 in China, still 12-01 in UTC: 12-01 has passed in China.
    ["2026-12-01T16:30:00.000Z", "2026-12-01", "ship_date_in_past"],
    ["2026-12-01T16:30:00.000Z", "2026-12-02", null],
    [t0, "2028-02-29", null],
    [t0, "2027-02-29", "invalid_date"],
    [t0, "2026-12-1", "invalid_date"],
    [t0, undefined, "invalid_date"],
  ])("at %s, shipDate %s: %s", (when, shipDate, rule) => {
    const result = proposeShipDate(facts, [], { shipDate }, at(when), rules);
    if (rule === null) {
      expect(accepted(result).proposal.shipDate).toBe(shipDate);
    } else {
      expect(refused(result)).toMatchObject({ code: "validation_failed", path: "shipDate", rule });
    }
  });
});

describe("the buyer's answer", () => {
  const proposal = accepted(
    proposeShipDate(facts, [], { shipDate: "2026-12-05" }, now, rules),
  ).proposal;

  it("accepted: shipBy becomes 23:59:59 China time of the date", () => {
    const result = accepted(answerProposal(proposal, true, at(plus(t0, hour))));
    expect(result.proposal).toMatchObject({ status: "accepted", answeredAt: plus(t0, hour) });
    expect(result.shipment).toEqual({ shipBy: "2026-12-05T15:59:59.000Z" });
  });

  it.each([
    ["2026-12-31", "2026-12-31T15:59:59.000Z"],
    ["2027-01-01", "2027-01-01T15:59:59.000Z"],
    ["2028-02-29", "2028-02-29T15:59:59.000Z"],
  ])("accepted %s: shipBy %s", (shipDate, shipBy) => {
    const dated = { ...proposal, shipDate: shipDate as ChinaDate };
    expect(accepted(answerProposal(dated, true, now)).shipment).toEqual({ shipBy });
  });

  it("rejected: the original shipBy stands", () => {
    const result = accepted(answerProposal(proposal, false, at(plus(t0, hour))));
    expect(result.proposal.status).toBe("rejected");
    expect(result.shipment).toBeUndefined();
  });

  it("expires at expiresAt: an answer then is refused", () => {
    expect(accepted(answerProposal(proposal, true, at(plus(proposal.expiresAt, -1)))).ok).toBe(
      true,
    );
    expect(refused(answerProposal(proposal, true, at(proposal.expiresAt)))).toMatchObject({
      code: "invalid_transition",
      rule: "proposal_expired",
    });
    expect(proposalAt(proposal, at(plus(proposal.expiresAt, -1))).status).toBe("awaiting_buyer");
    expect(proposalAt(proposal, at(proposal.expiresAt))).toMatchObject({
      status: "expired",
      answeredAt: proposal.expiresAt,
    });
  });

  it("an answered proposal takes no second answer", () => {
    for (const first of [true, false]) {
      const answered = accepted(answerProposal(proposal, first, now)).proposal;
      for (const second of [true, false]) {
        expect(refused(answerProposal(answered, second, now))).toMatchObject({
          rule: "proposal_already_answered",
        });
      }
    }
  });

  it("the scheduler expires it at expiresAt, and has nothing to do once answered", () => {
    expect(proposalDeadline(proposal)).toEqual({ kind: "proposal_expiry", at: proposal.expiresAt });
    expect(proposalDeadline(accepted(answerProposal(proposal, false, now)).proposal)).toBeNull();
  });
});
