/**
 * What the merchant can do on a ticket now, as plain forms (no script): reply while the ticket
 * awaits it — one form for an urge-collection ticket, one per kind for an urge-shipment ticket,
 * each asking only what its kind needs — and, after a `ship_later` reply while the ticket is
 * unresolved, the second chance. The buyer's answer is the storefront's to relay, not here.
 * The rules decide (the service refuses what they forbid); the forms only offer what can apply.
 */
import type { ReplyReason } from "../../domain/obligations/rules.ts";
import { shipLaterOf } from "../../domain/obligations/ticket-timeline.ts";
import { urgeCollectionReplyKinds } from "../../domain/obligations/tickets.ts";
import type { ShipmentRecord } from "../../store/shipment-records.ts";
import type { TicketWithEvents } from "../../store/ticket-records.ts";
import { fill, type Messages } from "../i18n/messages.ts";

/** Which form was sent: the reply kind, "collection" for the urge-collection reply, or the second chance's kind. */
export type TicketFormId =
  | "collection"
  | "ship_later"
  | "cannot_ship"
  | "shipped"
  | "compensate"
  | "buyer_caused";

export interface TicketFormsProps {
  t: Messages;
  csrf: string;
  ticket: TicketWithEvents;
  shipment: ShipmentRecord;
  /** The configured reason list. */
  reasons: readonly ReplyReason[];
  /** The latest `ship_later` date for this shipment's category, in days. */
  shipLaterMaxDays: number;
  /** A refused form's fields as sent, shown back in it. */
  typed?: { form: TicketFormId; fields: Record<string, string> };
}

export function TicketForms(props: TicketFormsProps) {
  const { t, ticket } = props;
  const replying = ticket.status === "awaiting_merchant";
  const secondChance =
    shipLaterOf(ticket) !== null &&
    ticket.status !== "resolved" &&
    ticket.status !== "under_review";
  return (
    <section class="panel actions" aria-labelledby="actions-heading">
      <h2 id="actions-heading">{t.tickets.actions}</h2>
      {replying && ticket.type === "urge_collection" ? <CollectionReply {...props} /> : null}
      {replying && ticket.type === "urge_shipment" ? <ShipmentReplies {...props} /> : null}
      {secondChance ? <SecondChanceForms {...props} /> : null}
      {replying || secondChance ? null : <p class="muted">{t.tickets.noActions}</p>}
    </section>
  );
}

/** The value a refused form was sent with, else `fallback`. */
function typedValue(props: TicketFormsProps, form: TicketFormId, name: string, fallback = "") {
  return props.typed?.form === form ? (props.typed.fields[name] ?? fallback) : fallback;
}

function repliesAction(props: TicketFormsProps): string {
  return `/dashboard/tickets/${encodeURIComponent(props.ticket.id)}/replies`;
}

function CollectionReply(props: TicketFormsProps) {
  const { t } = props;
  const kind = typedValue(props, "collection", "kind", "contacted_buyer");
  return (
    <form method="post" action={repliesAction(props)} id="form-collection">
      <input type="hidden" name="csrf" value={props.csrf} />
      <h3>{t.tickets.replyTitle}</h3>
      <fieldset class="choices">
        <legend>{t.tickets.replyKind}</legend>
        {urgeCollectionReplyKinds.map((each) => (
          <label class="choice">
            <input type="radio" name="kind" value={each} checked={kind === each} />
            {t.replyKind[each]}
          </label>
        ))}
      </fieldset>
      <label for="collection-message">{t.tickets.message}</label>
      <textarea id="collection-message" name="message" rows={3}>
        {typedValue(props, "collection", "message")}
      </textarea>
      <label for="collection-tracking">{t.tickets.newTrackingNumber}</label>
      <input
        type="text"
        id="collection-tracking"
        name="trackingNumber"
        value={typedValue(props, "collection", "trackingNumber")}
        aria-describedby="collection-tracking-hint"
      />
      <p class="hint" id="collection-tracking-hint">
        {t.tickets.newTrackingNumberHint}
      </p>
      <button type="submit">{t.tickets.sendReply}</button>
    </form>
  );
}

function ShipmentReplies(props: TicketFormsProps) {
  const { t } = props;
  return (
    <>
      <form method="post" action={repliesAction(props)} id="form-ship_later">
        <input type="hidden" name="csrf" value={props.csrf} />
        <input type="hidden" name="kind" value="ship_later" />
        <h3>{t.tickets.shipLaterTitle}</h3>
        <ReasonSelect {...props} form="ship_later" />
        <label for="ship_later-date">{t.tickets.shipDate}</label>
        <input
          type="date"
          id="ship_later-date"
          name="shipDate"
          value={typedValue(props, "ship_later", "shipDate")}
          aria-describedby="ship_later-date-hint"
        />
        <p class="hint" id="ship_later-date-hint">
          {fill(t.tickets.shipDateHint, { days: props.shipLaterMaxDays })}
        </p>
        <button type="submit">{t.tickets.sendShipLater}</button>
      </form>
      <form method="post" action={repliesAction(props)} id="form-cannot_ship">
        <input type="hidden" name="csrf" value={props.csrf} />
        <input type="hidden" name="kind" value="cannot_ship" />
        <h3>{t.tickets.cannotShipTitle}</h3>
        <ReasonSelect {...props} form="cannot_ship" />
        <p class="hint">{t.tickets.cannotShipHint}</p>
        <button type="submit" class="danger">
          {t.tickets.sendCannotShip}
        </button>
      </form>
      {props.shipment.status === "shipped" ? (
        <form method="post" action={repliesAction(props)} id="form-shipped">
          <input type="hidden" name="csrf" value={props.csrf} />
          <input type="hidden" name="kind" value="shipped" />
          <h3>{t.tickets.shippedTitle}</h3>
          <p class="hint">{t.tickets.shippedHint}</p>
          <button type="submit">{t.tickets.sendShipped}</button>
        </form>
      ) : null}
    </>
  );
}

function ReasonSelect(props: TicketFormsProps & { form: "ship_later" | "cannot_ship" }) {
  const { t } = props;
  const chosen = typedValue(props, props.form, "reason");
  return (
    <>
      <label for={`${props.form}-reason`}>{t.tickets.reason}</label>
      <select id={`${props.form}-reason`} name="reason">
        {props.reasons.map((reason) => (
          <option value={reason} selected={chosen === reason}>
            {t.replyReason[reason]}
          </option>
        ))}
      </select>
    </>
  );
}

function SecondChanceForms(props: TicketFormsProps) {
  const { t } = props;
  const action = `/dashboard/tickets/${encodeURIComponent(props.ticket.id)}/second-chance`;
  return (
    <>
      <h3>{t.tickets.secondChanceTitle}</h3>
      <p class="hint">{t.tickets.secondChanceIntro}</p>
      <form method="post" action={action} id="form-compensate">
        <input type="hidden" name="csrf" value={props.csrf} />
        <input type="hidden" name="kind" value="compensate" />
        <h4>{t.tickets.compensateTitle}</h4>
        <div class="money-fields">
          <div>
            <label for="compensate-amount">{t.tickets.amount}</label>
            <input
              type="text"
              inputmode="decimal"
              id="compensate-amount"
              name="amount"
              value={typedValue(props, "compensate", "amount")}
            />
          </div>
          <div>
            <label for="compensate-currency">{t.tickets.currency}</label>
            <input
              type="text"
              id="compensate-currency"
              name="currency"
              maxlength={3}
              value={typedValue(props, "compensate", "currency", "CNY")}
            />
          </div>
        </div>
        <p class="hint">{t.tickets.compensateHint}</p>
        <button type="submit">{t.tickets.sendCompensate}</button>
      </form>
      <form method="post" action={action} id="form-buyer_caused">
        <input type="hidden" name="csrf" value={props.csrf} />
        <input type="hidden" name="kind" value="buyer_caused" />
        <h4>{t.tickets.buyerCausedTitle}</h4>
        <label for="buyer_caused-evidence">{t.tickets.evidence}</label>
        <textarea
          id="buyer_caused-evidence"
          name="evidence"
          rows={3}
          aria-describedby="buyer_caused-evidence-hint"
        >
          {typedValue(props, "buyer_caused", "evidence")}
        </textarea>
        <p class="hint" id="buyer_caused-evidence-hint">
          {t.tickets.evidenceHint}
        </p>
        <button type="submit" class="secondary">
          {t.tickets.sendBuyerCaused}
        </button>
      </form>
    </>
  );
}
