/**
 * The words of the shipments and tickets pages (API.md "Shipments and shipping obligations"),
 * part of every language's table (messages.ts); en-obligations.ts and zh-CN-obligations.ts hold
 * them. Kept apart from the interception pages' words so each table stays one subject.
 */

import type { ReplyReason } from "../../domain/obligations/rules.ts";
import type { ProposalStatus } from "../../domain/obligations/ship-date-proposals.ts";
import type { TicketDeadlineKind } from "../../domain/obligations/ticket-timeline.ts";
import type {
  ReplyKind,
  TicketEventType,
  TicketResolution,
  TicketStatus,
  TicketType,
} from "../../domain/obligations/tickets.ts";
import type { ShipmentEventType, ShipmentStatus } from "../../store/shipment-records.ts";

export interface ObligationMessages {
  due: {
    /** `{time}`: a span written with the units below. */
    left: string;
    overdueBy: string;
    days: string;
    hours: string;
    minutes: string;
    underAMinute: string;
  };
  shipments: {
    title: string;
    intro: string;
    filters: string;
    status: string;
    anyStatus: string;
    orderId: string;
    apply: string;
    clear: string;
    empty: string;
    next: string;
    first: string;
    created: string;
    shipBy: string;
    collectBy: string;
    carrier: string;
    trackingNumber: string;
    overdue: string;
    heading: string;
    back: string;
    summary: string;
    category: string;
    paidAt: string;
    shippedAt: string;
    collectedAt: string;
    refundedAt: string;
    deadlines: string;
    noDeadlines: string;
    timeline: string;
    by: string;
    tickets: string;
    noTickets: string;
    proposals: string;
    proposalsIntro: string;
    noProposals: string;
    shipDate: string;
    proposedAt: string;
    expiresAt: string;
    answeredAt: string;
  };
  tickets: {
    title: string;
    intro: string;
    filters: string;
    status: string;
    anyStatus: string;
    type: string;
    anyType: string;
    apply: string;
    clear: string;
    empty: string;
    next: string;
    first: string;
    opened: string;
    order: string;
    nextDeadline: string;
    resolution: string;
    heading: string;
    back: string;
    summary: string;
    shipment: string;
    dueAt: string;
    replies: string;
    noReplies: string;
    buyerAnswer: string;
    accepted: string;
    rejected: string;
    bySilence: string;
    secondChance: string;
    compensated: string;
    buyerCausedEvidence: string;
    timeline: string;
    actions: string;
    noActions: string;
    replyTitle: string;
    replyKind: string;
    message: string;
    newTrackingNumber: string;
    newTrackingNumberHint: string;
    sendReply: string;
    reason: string;
    shipDate: string;
    shipDateHint: string;
    shipLaterTitle: string;
    sendShipLater: string;
    cannotShipTitle: string;
    cannotShipHint: string;
    sendCannotShip: string;
    shippedTitle: string;
    shippedHint: string;
    sendShipped: string;
    secondChanceTitle: string;
    secondChanceIntro: string;
    compensateTitle: string;
    amount: string;
    currency: string;
    compensateHint: string;
    sendCompensate: string;
    buyerCausedTitle: string;
    evidence: string;
    evidenceHint: string;
    sendBuyerCaused: string;
    replied: string;
    secondChanceTaken: string;
    refused: string;
  };
  shipmentStatus: Record<ShipmentStatus, string>;
  shipmentEvent: Record<ShipmentEventType, string>;
  ticketStatus: Record<TicketStatus, string>;
  ticketType: Record<TicketType, string>;
  ticketEvent: Record<TicketEventType, string>;
  resolution: Record<TicketResolution, string>;
  replyKind: Record<ReplyKind, string>;
  replyReason: Record<ReplyReason, string>;
  proposalStatus: Record<ProposalStatus, string>;
  deadlineKind: Record<TicketDeadlineKind, string>;
}
