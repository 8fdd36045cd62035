/**
 * Generated from the gateway's GET /openapi.json by `npm run client:generate`: do not edit.
 * Run that command again after changing a route, and commit the result.
 */

export interface paths {
    "/v1/interceptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List interceptions
         * @description Filters combine with AND. Pass `nextCursor` back as `cursor` for the next page.
         */
        get: operations["listInterceptions"];
        put?: never;
        /**
         * Stop or reroute a parcel
         * @description Checks eligibility against the carrier's tracking and rules, then locks the order (not yet collected) or asks the carrier to intercept or redirect it. Idempotent per `Idempotency-Key`.
         */
        post: operations["createInterception"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/interceptions/release": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Release locked interceptions in bulk (no refund came: ship again)
         * @description Releases the merchant's `locked` interceptions of `orderIds` and/or locked before `lockedBefore` (the time each became locked), each exactly as its own `POST /v1/interceptions/{id}/cancel` would. Repeating it is harmless: what was released is no longer matched. At most 500 locks per call, oldest lock first; `more` says to call again.
         */
        post: operations["releaseLocks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/interceptions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one interception, with its history and who pays */
        get: operations["getInterception"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/interceptions/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a pending or submitted interception, or release a lock */
        post: operations["cancelInterception"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/eligibility": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check whether a parcel can be intercepted, and who would pay */
        post: operations["checkEligibility"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/costs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Count interceptions and sum their fees per group and currency
         * @description Over the merchant's interceptions created in [from, to): both are required, so a ledger always names its period and the same request gives the same answer tomorrow. Sums are per currency, never converted. `final` sums only the fees carriers reported at the end; an interception without one adds nothing there. With `Accept: text/csv`, the same as CSV: a header row (the grouped dimensions, `count`, `currency`, `quoted`, `final`), then one line per group and currency.
         */
        get: operations["getCostLedger"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/carriers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List carriers, their rules and circuit state */
        get: operations["listCarriers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/carriers/{carrier}/callbacks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Receive a carrier's outcome push (carrier-facing)
         * @description The body is the carrier's own format; the answer is the carrier's own acknowledgement.
         */
        post: operations["receiveCarrierCallback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List webhook endpoints */
        get: operations["listWebhookEndpoints"];
        put?: never;
        /**
         * Register a webhook endpoint
         * @description Events are POSTed to `url`, signed per Standard Webhooks with the returned `secret`. A URL that is not `https://` or resolves to an internal address is refused (400 `validation_failed`).
         */
        post: operations["createWebhookEndpoint"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a webhook endpoint */
        get: operations["getWebhookEndpoint"];
        put?: never;
        post?: never;
        /**
         * Delete a webhook endpoint
         * @description Its deliveries still pending are failed; its delivery log stays readable.
         */
        delete: operations["deleteWebhookEndpoint"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate a webhook endpoint's secret
         * @description For 24 hours every delivery is signed with both the new and the previous secret, so the receiver can switch at its own pace.
         */
        post: operations["rotateWebhookSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List an endpoint's deliveries
         * @description Newest first. Pass `nextCursor` back as `cursor` for the next page.
         */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-deliveries/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry a webhook delivery
         * @description The delivery becomes `pending` and is attempted at once, with the same event id and body. A `failed` delivery gets one more attempt.
         */
        post: operations["retryWebhookDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/shipments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List shipments
         * @description Filters combine with AND. Pass `nextCursor` back as `cursor` for the next page.
         */
        get: operations["listShipments"];
        put?: never;
        /**
         * Register a paid order's shipping obligation
         * @description Stores the shipment and schedules its `shipBy` deadline: not collected by then, the gateway records it overdue and sends `shipment.overdue`. Idempotent per `Idempotency-Key`.
         */
        post: operations["createShipment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/shipments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one shipment, with its history */
        get: operations["getShipment"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/shipments/{id}/ship": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ship a shipment with a carrier's tracking number
         * @description The parcel now belongs to the merchant (another merchant's parcel is refused as an intercept of it is: 422 `not_eligible`, `unknown_parcel`). The gateway follows the carrier's tracking until the parcel is collected, then `collected` with the carrier's scan time and `shipment.collected`.
         */
        post: operations["shipShipment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/shipments/{id}/refund": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record that the order was refunded */
        post: operations["refundShipment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/shipments/{id}/ship-date-proposals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Propose a ship date to the buyer (negotiated ship date)
         * @description For a shipment `awaiting_shipment` whose `shipBy` has not passed. The buyer answers through `accept` or `reject` by `expiresAt` (the earlier of 24 h and `shipBy`), else the proposal expires (`proposal.expired`) and the original `shipBy` stands. At most 3 per shipment, one awaiting the buyer at a time, none after one was accepted: 409 `invalid_transition` with the rule in `reasons` (`proposal_limit_reached`, `proposal_pending`, `proposal_already_accepted`, `shipment_not_awaiting_shipment`, `ship_by_passed`). A date that is not a calendar date or has passed in China: 422 `validation_failed`.
         */
        post: operations["proposeShipDate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ship-date-proposals/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read one ship-date proposal
         * @description As it stands now: past its `expiresAt` unanswered, it reads `expired`.
         */
        get: operations["getShipDateProposal"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ship-date-proposals/{id}/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Relay the buyer's acceptance of a proposed ship date
         * @description The shipment's `shipBy` becomes the proposed date's 23:59:59 China time (2026-12-05 → `2026-12-05T15:59:59.000Z`), and the gateway's overdue check moves with it. `proposal.accepted`. Takes no body (`{}` is accepted). An answered or expired proposal: 409 `invalid_transition` (`proposal_already_answered`, `proposal_expired`).
         */
        post: operations["acceptShipDateProposal"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ship-date-proposals/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Relay the buyer's rejection of a proposed ship date
         * @description The original `shipBy` stands. `proposal.rejected`. Takes no body (`{}` is accepted). An answered or expired proposal: 409 `invalid_transition` (`proposal_already_answered`, `proposal_expired`).
         */
        post: operations["rejectShipDateProposal"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/shipments/{id}/tickets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Open an urge-shipment or urge-collection ticket
         * @description `urge_collection` only for a `shipped` shipment and never after an `urge_shipment` ticket; `urge_shipment` only while `awaiting_shipment`; one open ticket of a type at a time (409 `invalid_transition`, the rule in `reasons`). `dueAt` = `openedAt` + 24 h; the scheduler acts on it (`ticket.overdue`). Sends `ticket.opened`.
         */
        post: operations["openTicket"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tickets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List tickets
         * @description Filters combine with AND. Pass `nextCursor` back as `cursor` for the next page.
         */
        get: operations["listTickets"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tickets/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one ticket, with its replies and history */
        get: operations["getTicket"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tickets/{id}/replies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reply to a ticket
         * @description Taken while the ticket is `awaiting_merchant`, before `dueAt` (else 409 `invalid_transition`). `changed_waybill` re-points the shipment to the new tracking number; `ship_later` waits for the buyer; `cannot_ship` is overdue at once (the platform's complaint); `shipped` waits for the collection.
         */
        post: operations["replyToTicket"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tickets/{id}/buyer-response": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Relay the buyer's answer to a later ship date
         * @description Taken while the ticket is `awaiting_buyer`; silence until the answer is due counts as accepted. Accepted: `awaiting_shipment`. Rejected: `overdue` (the platform's complaint).
         */
        post: operations["answerTicketAsBuyer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tickets/{id}/second-chance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Take the second chance after a later ship date
         * @description Only after a `ship_later` reply, while the ticket is unresolved. `compensate` → `resolved`, `compensated` (paid, no fault recorded); `buyer_caused` with evidence → `under_review` by the platform.
         */
        post: operations["takeTicketSecondChance"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/merchants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create a merchant and its first API key */
        post: operations["createMerchant"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/merchants/{id}/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Issue another API key */
        post: operations["issueMerchantKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/merchants/{id}/keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API key (401 from the next request on) */
        delete: operations["revokeMerchantKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers */
        get: operations["getLiveness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: the database answers and the gateway is not shutting down */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The interactive API documentation (Swagger UI), served by the gateway itself */
        get: operations["getApiDocsPage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This OpenAPI 3.1 document */
        get: operations["getOpenApiDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Interception: {
            /** @example icp_01JD3Q2K6W6R8Z7Y5X4V3T2S1R */
            id: string;
            /** @example sf-express */
            carrier: string;
            /** @example SF1400000000001 */
            trackingNumber: string;
            /** @example ORD-20261121-0001 */
            orderId: string;
            action: components["schemas"]["Action"];
            reason: components["schemas"]["Reason"];
            items: components["schemas"]["Item"][];
            parcel: components["schemas"]["Parcel"];
            redirectTo: components["schemas"]["Address"];
            note: string | null;
            status: components["schemas"]["InterceptionStatus"];
            parcelState: components["schemas"]["ParcelState"];
            successLikelihood: components["schemas"]["SuccessLikelihood"];
            /** @example icp_01JD3Q2K6W6R8Z7Y5X4V3T2S1R */
            carrierReference: string | null;
            cost: components["schemas"]["Cost"];
            failure: components["schemas"]["Failure"];
            events: components["schemas"]["InterceptionEvent"][];
            /** @example 2026-11-21T08:00:00.000Z */
            createdAt: string;
            /** @example 2026-11-21T08:00:01.000Z */
            updatedAt: string;
        };
        /**
         * @description `intercept` returns the parcel to the sender; `redirect` delivers it elsewhere.
         * @example intercept
         * @enum {string}
         */
        Action: "intercept" | "redirect";
        /**
         * @description Why the parcel must be stopped.
         * @example buyer_cancelled
         * @enum {string}
         */
        Reason: "buyer_cancelled" | "merchant_error" | "address_error" | "logistics_exception" | "other";
        /** @description A sub-order to intercept; absent items mean the whole order. */
        Item: {
            /** @example SUB-1 */
            subOrderId: string;
            /** @example 1 */
            quantity: number;
        };
        Parcel: {
            declaredValue: components["schemas"]["Money"];
            /**
             * @description Matched case-insensitively after trimming against the carrier's rules: by default `fresh`, `virtual`, `jewellery`, `antiques`, `second_hand`, `tea`, `large_appliance` and `custom_made` cannot be intercepted; any other name (`general`, `apparel`, ...) can.
             * @example apparel
             */
            category: string;
        };
        Money: {
            /**
             * @description Decimal string, never a float.
             * @example 899.00
             */
            amount: string;
            /**
             * @description ISO 4217 currency code.
             * @example CNY
             */
            currency: string;
        };
        /** @description Where a redirected parcel should go. */
        Address: {
            /** @example Li Lei */
            name: string;
            /** @example +86 138 0013 8000 */
            phone: string;
            /**
             * @description ISO 3166-1 alpha-2.
             * @example CN
             */
            country: string;
            /** @example 广东省 */
            province?: string;
            /** @example 深圳市 */
            city: string;
            /** @example 南山区 */
            district?: string;
            /** @example 科技园路 1 号 */
            line1: string;
            /** @example A 栋 1201 */
            line2?: string;
            /** @example 518057 */
            postalCode?: string;
        } | null;
        /**
         * @description `pending`: stored, carrier not yet reached. `submitted`: carrier accepted, outcome not known. `locked`: parcel not yet collected, held without a carrier call. `released`: a lock undone.
         * @example submitted
         * @enum {string}
         */
        InterceptionStatus: "pending" | "submitted" | "succeeded" | "failed" | "cancelled" | "locked" | "released";
        /**
         * @description Where the parcel is, as the carrier's tracking reports it.
         * @example in_transit
         * @enum {string}
         */
        ParcelState: "not_collected" | "in_transit" | "at_delivery_station" | "out_for_delivery" | "delivered" | "returned" | "unknown";
        /**
         * @description `low` when the parcel is already at the delivery station or out for delivery.
         * @example normal
         * @enum {string}
         */
        SuccessLikelihood: "normal" | "low";
        Cost: {
            payer: components["schemas"]["Payer"];
            mode: components["schemas"]["CostMode"];
            /** @description A fee the carrier quoted. */
            quoted: components["schemas"]["Money"] | null;
            /** @description The fee the carrier finally reported. */
            final: components["schemas"]["Money"] | null;
            settlement: components["schemas"]["Settlement"];
        };
        /**
         * @description Who pays for the interception.
         * @example platform
         * @enum {string}
         */
        Payer: "platform" | "merchant" | "none";
        /**
         * @description `free_return`: the platform pickup service brings it back. `collect_on_delivery`: the merchant pays freight on arrival. `free_redirect`: the first redirect of an order, across its parcels and carriers. `paid_redirect`: any later redirect of the same order, paid by the merchant (settled offline). `none`: nothing to pay (a lock, or a redirect that failed or was withdrawn, which does not use the order's free one).
         * @example free_return
         * @enum {string}
         */
        CostMode: "free_return" | "collect_on_delivery" | "free_redirect" | "paid_redirect" | "none";
        /**
         * @description `offline`: the merchant settles with the carrier outlet directly (e.g. freight collected on delivery); `none`: nothing for the merchant to settle.
         * @example none
         * @enum {string}
         */
        Settlement: "none" | "offline";
        Failure: {
            /** @example carrier_rejected */
            code: string;
            /** @example The carrier could not stop the parcel. */
            message: string;
            /** @example Ask the buyer to refuse delivery, then process the return. */
            advice: string;
        } | null;
        InterceptionEvent: {
            /** @example 2026-11-21T08:00:00.000Z */
            at: string;
            status: components["schemas"]["InterceptionStatus"];
            /** @example Accepted by the carrier. */
            detail: string;
            actor: components["schemas"]["EventActor"];
        };
        /** @description Who caused an event. */
        EventActor: {
            /**
             * @description `api_key`: a merchant's request (`id` is the key's visible id); `carrier`: a carrier's push, reply or tracking (`id` is the carrier); `gateway`: the gateway's own scheduler or worker (a timeout, giving up; `id` is null).
             * @example api_key
             * @enum {string}
             */
            type: "api_key" | "carrier" | "gateway";
            /** @example igk_5e8f8318ac9c6df1 */
            id: string | null;
        };
        Problem: {
            /** @example urn:interception-gateway:problem:not_found */
            type: string;
            /** @example No such resource */
            title: string;
            /** @example 404 */
            status: number;
            /** @example No interception icp_01J… for this merchant. */
            detail: string;
            /**
             * @example not_found
             * @enum {string}
             */
            code: "unauthorized" | "validation_failed" | "not_found" | "idempotency_key_required" | "idempotency_key_reused" | "request_in_progress" | "unknown_carrier" | "not_eligible" | "action_not_supported" | "invalid_transition" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "internal";
            /** @example 3f0c… */
            requestId: string;
            /** @description One entry per invalid field, for `validation_failed`. */
            errors?: components["schemas"]["FieldError"][];
            /** @description Every rule that refused the request, for `not_eligible` and `invalid_transition`. */
            reasons?: components["schemas"]["EligibilityReason"][];
        };
        FieldError: {
            /** @example shipDate */
            path: string;
            /** @example shipDate is more than 30 days after the reply. */
            message: string;
        };
        EligibilityReason: {
            code: components["schemas"]["EligibilityReasonCode"];
            /** @example Declared value 1200.00 CNY is above 1000.00 CNY. */
            message: string;
        };
        /**
         * @example value_above_limit
         * @enum {string}
         */
        EligibilityReasonCode: "already_delivered" | "value_above_limit" | "currency_not_supported" | "category_not_interceptable" | "action_not_supported" | "free_redirect_used" | "already_intercepted" | "unknown_parcel" | "country_not_supported" | "wrong_status" | "shipment_not_shipped" | "shipment_not_awaiting_shipment" | "ticket_already_open" | "after_urge_shipment" | "reply_window_closed" | "ticket_not_awaiting_reply" | "ticket_not_awaiting_buyer" | "answer_window_closed" | "second_chance_needs_ship_later" | "ticket_closed" | "ship_by_passed" | "proposal_limit_reached" | "proposal_already_accepted" | "proposal_pending" | "proposal_expired" | "proposal_already_answered";
        InterceptionRequest: {
            /** @example sf-express */
            carrier: string;
            /** @example SF1400000000001 */
            trackingNumber: string;
            /** @example ORD-20261121-0001 */
            orderId: string;
            action: components["schemas"]["Action"];
            reason: components["schemas"]["Reason"];
            items?: components["schemas"]["Item"][];
            parcel: components["schemas"]["Parcel"];
            /** @description Required for `redirect`, forbidden otherwise. */
            redirectTo?: {
                /** @example Li Lei */
                name: string;
                /** @example +86 138 0013 8000 */
                phone: string;
                /**
                 * @description ISO 3166-1 alpha-2.
                 * @example CN
                 */
                country: string;
                /** @example 广东省 */
                province?: string;
                /** @example 深圳市 */
                city: string;
                /** @example 南山区 */
                district?: string;
                /** @example 科技园路 1 号 */
                line1: string;
                /** @example A 栋 1201 */
                line2?: string;
                /** @example 518057 */
                postalCode?: string;
            } | null;
            /** @example Buyer cancelled by phone. */
            note?: string;
        };
        InterceptionList: {
            data: components["schemas"]["Interception"][];
            /** @description Pass as `cursor` for the next page. */
            nextCursor: string | null;
        };
        ReleaseResult: {
            /**
             * @description The interceptions released by this call, now `released`.
             * @example [
             *       "icp_01JD3Q2K6W6R8Z7Y5X4V3T2S1R"
             *     ]
             */
            released: string[];
            /** @description Matched locks that could not be released now, and why. */
            skipped: {
                /** @example icp_01JD3Q2K6W6R8Z7Y5X4V3T2S1S */
                id: string;
                /**
                 * @description The code the same interception's cancel would answer with.
                 * @example invalid_transition
                 */
                code: string;
                /** @example The interception is failed, no longer locked. */
                reason: string;
            }[];
            /**
             * @description True when more locks matched than one call handles: call again for the rest.
             * @example false
             */
            more: boolean;
        };
        /** @description Which locks to release; given both, a lock must match both. */
        ReleaseRequest: {
            /**
             * @description Release the locks of these orders (at most 100).
             * @example [
             *       "ORD-20261121-0001"
             *     ]
             */
            orderIds?: string[];
            /**
             * Format: date-time
             * @description Release the locks taken before this time (when the interception became locked).
             * @example 2026-11-20T00:00:00Z
             */
            lockedBefore?: string;
        };
        EligibilityResult: {
            eligible: boolean;
            reasons: components["schemas"]["EligibilityReason"][];
            parcelState: components["schemas"]["ParcelState"];
            successLikelihood: components["schemas"]["SuccessLikelihood"];
            cost: components["schemas"]["Cost"];
        };
        /** @description The merchant's interceptions created in [from, to), counted and their fees summed per group and currency. */
        CostLedger: {
            /**
             * @description The period's start, in UTC.
             * @example 2026-11-01T00:00:00.000Z
             */
            from: string;
            /**
             * @description The period's end, in UTC.
             * @example 2026-12-01T00:00:00.000Z
             */
            to: string;
            groupBy: components["schemas"]["CostDimension"][];
            data: components["schemas"]["CostLedgerRow"][];
        };
        /**
         * @description What the ledger can group by.
         * @example carrier
         * @enum {string}
         */
        CostDimension: "carrier" | "payer" | "mode";
        /** @description One group: only the dimensions grouped by are present. */
        CostLedgerRow: {
            /** @example sf-express */
            carrier?: string;
            payer?: components["schemas"]["Payer"];
            mode?: components["schemas"]["CostMode"];
            /**
             * @description Interceptions in the group.
             * @example 3
             */
            count: number;
            /** @description The fees carriers quoted, summed per currency (one entry per currency). */
            quoted: components["schemas"]["Money"][];
            /** @description The fees carriers reported at the end, summed per currency. An interception without a final fee yet adds nothing here (its quote is not counted as final). */
            final: components["schemas"]["Money"][];
        };
        CarrierList: {
            data: components["schemas"]["Carrier"][];
        };
        Carrier: {
            /** @example sf-express */
            id: string;
            /** @example SF Express */
            displayName: string;
            /**
             * @description `sandbox` when no credentials are set.
             * @enum {string}
             */
            mode: "live" | "sandbox";
            actions: components["schemas"]["Action"][];
            capabilities: {
                cancel: boolean;
                /** @enum {string} */
                outcome: "push" | "poll";
                feeQuote: boolean;
                /** @description Cancels the pickup of a locked parcel it has not collected. */
                pickupCancel: boolean;
            };
            rules: {
                valueCeiling: components["schemas"]["Money"];
                currencies: string[];
                blockedCategories: string[];
                freeRedirectsPerOrder: number;
                refusePaidRedirects: boolean;
                oneInterceptionPerParcel: boolean;
                /** @description Destination countries; empty: any. */
                countries: string[];
            };
            /** @enum {string} */
            circuitState: "closed" | "open" | "half_open";
        };
        WebhookEndpointCreated: components["schemas"]["WebhookEndpoint"] & {
            /**
             * @description The signing secret (Standard Webhooks: `whsec_` and base64 key bytes). Shown only here, once.
             * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
             */
            secret: string;
        };
        /**
         * @example interception.succeeded
         * @enum {string}
         */
        WebhookEventType: "interception.created" | "interception.locked" | "interception.submitted" | "interception.succeeded" | "interception.failed" | "interception.cancelled" | "interception.released" | "shipment.collected" | "shipment.overdue" | "ticket.opened" | "ticket.resolved" | "ticket.overdue" | "proposal.accepted" | "proposal.rejected" | "proposal.expired";
        WebhookEndpoint: {
            /** @example we_01JD3Q2K6W6R8Z7Y5X4V3T2S1R */
            id: string;
            /** @example https://erp.example.com/hooks/interceptions */
            url: string;
            /** @description The event types it receives; null means all. */
            events: components["schemas"]["WebhookEventType"][] | null;
            /** @example ERP order hold */
            description: string | null;
            /** @example 2026-11-21T08:00:00.000Z */
            createdAt: string;
        };
        WebhookEndpointCreate: {
            /**
             * @description Where events are posted. `https://` and a public address only (checked again at each delivery), unless the gateway allows private URLs (`WEBHOOK_ALLOW_PRIVATE_URLS=true` or demo mode).
             * @example https://erp.example.com/hooks/interceptions
             */
            url: string;
            /**
             * @description The event types to receive; absent means all.
             * @example [
             *       "interception.locked",
             *       "interception.succeeded"
             *     ]
             */
            events?: components["schemas"]["WebhookEventType"][];
            /** @example ERP order hold */
            description?: string;
        };
        WebhookEndpointList: {
            data: components["schemas"]["WebhookEndpoint"][];
        };
        /** @description The new secret; the previous one also signs deliveries for 24 hours. */
        RotatedSecret: {
            /**
             * @description The signing secret (Standard Webhooks: `whsec_` and base64 key bytes). Shown only here, once.
             * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
             */
            secret: string;
        };
        WebhookDeliveryList: {
            data: components["schemas"]["WebhookDelivery"][];
            /** @description Pass as `cursor` for the next page. */
            nextCursor: string | null;
        };
        WebhookDelivery: {
            /** @example whd_01JD3Q2K6W6R8Z7Y5X4V3T2S1R */
            id: string;
            /** @example evt_01JD3Q2K6W6R8Z7Y5X4V3T2S1R */
            eventId: string;
            type: components["schemas"]["WebhookEventType"];
            status: components["schemas"]["WebhookDeliveryStatus"];
            /** @example 1 */
            attempts: number;
            /** @example 200 */
            lastStatusCode: number | null;
            /** @example null */
            lastError: string | null;
            /** @example 2026-11-21T08:00:00.000Z */
            nextAttemptAt: string | null;
            /** @example 2026-11-21T08:00:00.000Z */
            createdAt: string;
        };
        /**
         * @description `pending`: not delivered yet (its next attempt is due at `nextAttemptAt`); `delivered`: the endpoint answered 2xx; `failed`: every attempt of the retry schedule failed.
         * @enum {string}
         */
        WebhookDeliveryStatus: "pending" | "delivered" | "failed";
        Shipment: {
            /** @example shp_01JD3Q2K6W6R8Z7Y5X4V3T2S1R */
            id: string;
            /** @example ORD-20261201-0001 */
            orderId: string;
            /** @example apparel */
            category: string;
            items: components["schemas"]["Item"][];
            status: components["schemas"]["ShipmentStatus"];
            /** @example 2026-12-01T08:00:00.000Z */
            paidAt: string;
            /** @example 2026-12-01T08:00:00.000Z */
            shipBy: string;
            /**
             * @description Collection due after shipping (an urge-shipment ticket sets it); else null.
             * @example 2026-12-01T08:00:00.000Z
             */
            collectBy: string | null;
            /** @example sf-express */
            carrier: string | null;
            /** @example SF1400000000001 */
            trackingNumber: string | null;
            /** @example 2026-12-01T08:00:00.000Z */
            shippedAt: string | null;
            /**
             * @description The carrier's scan time.
             * @example 2026-12-01T08:00:00.000Z
             */
            collectedAt: string | null;
            /** @example 2026-12-01T08:00:00.000Z */
            refundedAt: string | null;
            /** @description True once `shipBy` passed without the parcel collected. */
            overdue: boolean;
            proposals: components["schemas"]["ShipDateProposal"][];
            events: components["schemas"]["ShipmentEvent"][];
            /** @example 2026-12-01T08:00:00.000Z */
            createdAt: string;
            /** @example 2026-12-01T08:00:00.000Z */
            updatedAt: string;
        };
        /**
         * @description `awaiting_shipment`: paid, no tracking number yet. `shipped`: tracking number given, not yet collected. `collected`: the carrier scanned the parcel in. `refunded`: the order was refunded.
         * @example shipped
         * @enum {string}
         */
        ShipmentStatus: "awaiting_shipment" | "shipped" | "collected" | "refunded";
        ShipDateProposal: {
            /** @example sdp_01JD3Q2K6W6R8Z7Y5X4V3T2S1R */
            id: string;
            /**
             * @description `awaiting_buyer` until the buyer answers; `expired` once `expiresAt` passed unanswered (the original `shipBy` stands).
             * @example awaiting_buyer
             * @enum {string}
             */
            status: "awaiting_buyer" | "accepted" | "rejected" | "expired";
            /**
             * @description China time.
             * @example 2026-12-05
             */
            shipDate: string;
            /** @example 2026-12-01T08:00:00.000Z */
            proposedAt: string;
            /**
             * @description The earlier of `proposedAt` + 24 h and the shipment's `shipBy` then.
             * @example 2026-12-01T08:00:00.000Z
             */
            expiresAt: string;
        };
        ShipmentEvent: {
            /** @example 2026-12-01T08:00:00.000Z */
            at: string;
            type: components["schemas"]["ShipmentEventType"];
            /** @example Collected by the carrier. */
            detail: string;
            actor: components["schemas"]["EventActor"];
        };
        /**
         * @example collected
         * @enum {string}
         */
        ShipmentEventType: "created" | "shipped" | "collected" | "refunded" | "overdue";
        ShipmentCreate: {
            /** @example ORD-20261201-0001 */
            orderId: string;
            /**
             * @description The goods' category; `fresh` has the shorter ship-later limit.
             * @example apparel
             */
            category: string;
            /**
             * Format: date-time
             * @description When the buyer paid.
             * @example 2026-11-01T00:00:00Z
             */
            paidAt: string;
            /**
             * Format: date-time
             * @description The platform's deadline to ship (have the parcel collected), as the storefront computed it; after `paidAt`.
             * @example 2026-11-01T00:00:00Z
             */
            shipBy: string;
            items?: components["schemas"]["Item"][];
        };
        ShipmentList: {
            data: components["schemas"]["Shipment"][];
            /** @description Pass as `cursor` for the next page. */
            nextCursor: string | null;
        };
        ShipmentShip: {
            /** @example sf-express */
            carrier: string;
            /** @example SF1400000000001 */
            trackingNumber: string;
            /**
             * Format: date-time
             * @description When it was handed over; now if absent. Not before `paidAt`, not in the future.
             * @example 2026-11-01T00:00:00Z
             */
            shippedAt?: string;
        };
        ShipmentRefund: {
            /**
             * Format: date-time
             * @description When the order was refunded; now if absent. Not in the future.
             * @example 2026-11-01T00:00:00Z
             */
            refundedAt?: string;
        };
        ShipDateProposalCreate: {
            /**
             * @description The date the merchant proposes to ship by, China time (`YYYY-MM-DD`): a real calendar date, today or later. Accepted, the shipment's `shipBy` becomes its 23:59:59 China time.
             * @example 2026-12-05
             */
            shipDate: string;
        };
        Ticket: {
            /** @example tkt_01JD3Q2K6W6R8Z7Y5X4V3T2S1R */
            id: string;
            /** @example shp_01JD3Q2K6W6R8Z7Y5X4V3T2S1R */
            shipmentId: string;
            type: components["schemas"]["TicketType"];
            status: components["schemas"]["TicketStatus"];
            /** @example 2026-12-01T08:00:00.000Z */
            openedAt: string;
            /**
             * @description The merchant's deadline: `openedAt` + 24 h.
             * @example 2026-12-01T08:00:00.000Z
             */
            dueAt: string;
            /** @enum {string|null} */
            resolution: "collected" | "refunded" | "replied" | "compensated" | null;
            replies: components["schemas"]["TicketReply"][];
            /** @description The buyer's answer to `ship_later`; silence counts as accepted. */
            buyerAnswer: {
                accepted: boolean;
                /** @example 2026-12-01T08:00:00.000Z */
                at: string;
                bySilence: boolean;
            } | null;
            secondChance: {
                /** @enum {string} */
                kind: "compensate";
                /** @example 2026-12-01T08:00:00.000Z */
                at: string;
                amount: components["schemas"]["Money"];
            } | {
                /** @enum {string} */
                kind: "buyer_caused";
                /** @example 2026-12-01T08:00:00.000Z */
                at: string;
                evidence: string;
            } | null;
            events: components["schemas"]["TicketEvent"][];
            /** @example 2026-12-01T08:00:00.000Z */
            createdAt: string;
            /** @example 2026-12-01T08:00:00.000Z */
            updatedAt: string;
        };
        /**
         * @example urge_shipment
         * @enum {string}
         */
        TicketType: "urge_collection" | "urge_shipment";
        /**
         * @example awaiting_merchant
         * @enum {string}
         */
        TicketStatus: "awaiting_merchant" | "awaiting_buyer" | "awaiting_shipment" | "under_review" | "resolved" | "overdue";
        TicketReply: {
            /** @enum {string} */
            kind: "changed_waybill";
            /** @example 2026-12-01T08:00:00.000Z */
            at: string;
            message: string;
            trackingNumber: string;
        } | {
            /** @enum {string} */
            kind: "contacted_buyer" | "other";
            /** @example 2026-12-01T08:00:00.000Z */
            at: string;
            message: string;
        } | {
            /** @enum {string} */
            kind: "ship_later";
            /** @example 2026-12-01T08:00:00.000Z */
            at: string;
            /** @example out_of_stock */
            reason: string;
            /** @example 2026-12-05 */
            shipDate: string;
        } | {
            /** @enum {string} */
            kind: "cannot_ship";
            /** @example 2026-12-01T08:00:00.000Z */
            at: string;
            /** @example out_of_stock */
            reason: string;
        } | {
            /** @enum {string} */
            kind: "shipped";
            /** @example 2026-12-01T08:00:00.000Z */
            at: string;
        };
        TicketEvent: {
            /** @example 2026-12-01T08:00:00.000Z */
            at: string;
            /** @enum {string} */
            type: "opened" | "replied" | "buyer_accepted" | "buyer_rejected" | "accepted_by_silence" | "second_chance" | "overdue" | "resolved";
            status: components["schemas"]["TicketStatus"];
            /** @example The merchant replied ship_later. */
            detail: string;
            actor: components["schemas"]["EventActor"];
        };
        TicketOpen: {
            type: components["schemas"]["TicketType"];
            /**
             * Format: date-time
             * @description When the buyer urged (the storefront may relay it late); now if absent. Not in the future: a time already past is acted on at once (its 24 h may have run out).
             * @example 2026-11-01T00:00:00Z
             */
            openedAt?: string;
        };
        TicketList: {
            data: components["schemas"]["Ticket"][];
            /** @description Pass as `cursor` for the next page. */
            nextCursor: string | null;
        };
        /** @description `urge_collection` takes `changed_waybill`, `contacted_buyer` or `other` (each resolves it, `replied`); `urge_shipment` takes `ship_later`, `cannot_ship` or `shipped` (422 for a kind the ticket's type does not take). */
        TicketReplyRequest: {
            /** @enum {string} */
            kind: "changed_waybill";
            /** @example Re-sent with a new waybill. */
            message: string;
            /**
             * @description The new waybill: the shipment follows it from now on.
             * @example SF1400000000002
             */
            trackingNumber: string;
        } | {
            /** @enum {string} */
            kind: "contacted_buyer" | "other";
            /** @example Re-sent with a new waybill. */
            message: string;
        } | {
            /** @enum {string} */
            kind: "ship_later";
            /**
             * @description One of the configured reasons: `out_of_stock`, `production_delay`, `logistics_delay`, `buyer_requested`, `address_problem`, `other` by default (422 otherwise).
             * @example out_of_stock
             */
            reason: string;
            /**
             * @description China time; at most 30 days after the reply (15 for `fresh`), else 422 `validation_failed`.
             * @example 2026-12-20
             */
            shipDate: string;
        } | {
            /** @enum {string} */
            kind: "cannot_ship";
            /**
             * @description One of the configured reasons: `out_of_stock`, `production_delay`, `logistics_delay`, `buyer_requested`, `address_problem`, `other` by default (422 otherwise).
             * @example out_of_stock
             */
            reason: string;
        } | {
            /** @enum {string} */
            kind: "shipped";
        };
        TicketBuyerResponse: {
            /**
             * @description The buyer accepts the later ship date, or rejects it (overdue).
             * @example true
             */
            accepted: boolean;
        };
        TicketSecondChance: {
            /** @enum {string} */
            kind: "compensate";
            amount: components["schemas"]["Money"] & unknown;
        } | {
            /** @enum {string} */
            kind: "buyer_caused";
            /**
             * @description Free text, may hold links: the platform reviews it.
             * @example Buyer asked to hold the order: https://example.com/chat/123
             */
            evidence: string;
        };
        CreatedMerchant: {
            /** @example mer_01JD3Q2K6W6R8Z7Y5X4V3T2S1R */
            id: string;
            name: string;
            pickupService: boolean;
            /** @description Shown this once; only its hash is stored. */
            apiKey: string;
            /** @example igk_3f9a0c1d2e4b5a6f */
            keyId: string;
        };
        CreateMerchant: {
            /** @example Tea House Hangzhou */
            name: string;
            /**
             * @description Uses the platform's door-to-door pickup service (free returns).
             * @example true
             */
            pickupService: boolean;
        };
        IssuedKey: {
            /** @description Shown this once; only its hash is stored. */
            apiKey: string;
            /** @example igk_3f9a0c1d2e4b5a6f */
            keyId: string;
        };
        HealthStatus: {
            /** @enum {string} */
            status: "ok" | "unavailable";
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listInterceptions: {
        parameters: {
            query?: {
                orderId?: string;
                trackingNumber?: string;
                /** @description `pending`: stored, carrier not yet reached. `submitted`: carrier accepted, outcome not known. `locked`: parcel not yet collected, held without a carrier call. `released`: a lock undone. */
                status?: components["schemas"]["InterceptionStatus"];
                carrier?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of interceptions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InterceptionList"];
                };
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createInterception: {
        parameters: {
            query?: never;
            header: {
                /** @description 1–255 printable ASCII characters, e.g. a UUID. */
                "idempotency-key": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["InterceptionRequest"];
            };
        };
        responses: {
            /** @description Accepted and stored (the interception may still be `pending`). */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Interception"];
                };
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict (`request_in_progress`, `invalid_transition`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over the size limit (`payload_too_large`). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Refused (`not_eligible`, `idempotency_key_reused`, `action_not_supported`). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    releaseLocks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReleaseRequest"];
            };
        };
        responses: {
            /** @description What was released, and what matched but could not be. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReleaseResult"];
                };
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over the size limit (`payload_too_large`). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getInterception: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The interception. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Interception"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancelInterception: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The interception, now `cancelled` or `released`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Interception"];
                };
            };
            /** @description The carrier's cancel is stored and under way but not answered yet (the carrier is down or its reply was lost): the interception is still `submitted`, and becomes `cancelled` once the carrier confirms; its events say if the carrier refuses. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Interception"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict (`request_in_progress`, `invalid_transition`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    checkEligibility: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["InterceptionRequest"];
            };
        };
        responses: {
            /** @description The assessment. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EligibilityResult"];
                };
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over the size limit (`payload_too_large`). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Refused (`not_eligible`, `idempotency_key_reused`, `action_not_supported`). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getCostLedger: {
        parameters: {
            query: {
                /** @description Start of the period, included: interceptions created at or after it. */
                from: string;
                /** @description End of the period, excluded: interceptions created before it. */
                to: string;
                /** @description Comma-separated, any of `carrier`, `payer`, `mode`, each at most once, in any order (the order of the rows and of the CSV columns). Absent: one row for the whole period. */
                groupBy?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The ledger. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CostLedger"];
                    "text/csv": string;
                };
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listCarriers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The carriers. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CarrierList"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    receiveCarrierCallback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                carrier: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Acknowledged in the carrier's format. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over the size limit (`payload_too_large`). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhookEndpoints: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every endpoint of the merchant, oldest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointList"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEndpointCreate"];
            };
        };
        responses: {
            /** @description Registered; `secret` is shown only in this answer. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointCreated"];
                };
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over the size limit (`payload_too_large`). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The endpoint. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpoint"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rotateWebhookSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new secret, shown only in this answer. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RotatedSecret"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of deliveries. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryList"];
                };
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    retryWebhookDelivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted: the delivery worker attempts it next. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDelivery"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listShipments: {
        parameters: {
            query?: {
                orderId?: string;
                /** @description `awaiting_shipment`: paid, no tracking number yet. `shipped`: tracking number given, not yet collected. `collected`: the carrier scanned the parcel in. `refunded`: the order was refunded. */
                status?: components["schemas"]["ShipmentStatus"];
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of shipments. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ShipmentList"];
                };
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createShipment: {
        parameters: {
            query?: never;
            header: {
                /** @description 1–255 printable ASCII characters, e.g. a UUID. */
                "idempotency-key": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ShipmentCreate"];
            };
        };
        responses: {
            /** @description Stored, `awaiting_shipment`. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Shipment"];
                };
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict (`request_in_progress`, `invalid_transition`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over the size limit (`payload_too_large`). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Refused (`not_eligible`, `idempotency_key_reused`, `action_not_supported`). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getShipment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The shipment. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Shipment"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    shipShipment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ShipmentShip"];
            };
        };
        responses: {
            /** @description The shipment, now `shipped`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Shipment"];
                };
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict (`request_in_progress`, `invalid_transition`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over the size limit (`payload_too_large`). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Refused (`not_eligible`, `idempotency_key_reused`, `action_not_supported`). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    refundShipment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ShipmentRefund"];
            };
        };
        responses: {
            /** @description The shipment, now `refunded`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Shipment"];
                };
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict (`request_in_progress`, `invalid_transition`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over the size limit (`payload_too_large`). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Refused (`not_eligible`, `idempotency_key_reused`, `action_not_supported`). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    proposeShipDate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ShipDateProposalCreate"];
            };
        };
        responses: {
            /** @description Proposed, `awaiting_buyer`. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ShipDateProposal"];
                };
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict (`request_in_progress`, `invalid_transition`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over the size limit (`payload_too_large`). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Refused (`not_eligible`, `idempotency_key_reused`, `action_not_supported`). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getShipDateProposal: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The proposal. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ShipDateProposal"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    acceptShipDateProposal: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The proposal, now `accepted`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ShipDateProposal"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict (`request_in_progress`, `invalid_transition`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rejectShipDateProposal: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The proposal, now `rejected`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ShipDateProposal"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict (`request_in_progress`, `invalid_transition`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    openTicket: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TicketOpen"];
            };
        };
        responses: {
            /** @description The ticket, `awaiting_merchant` (or already `overdue` for an old `openedAt`). */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ticket"];
                };
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict (`request_in_progress`, `invalid_transition`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over the size limit (`payload_too_large`). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Refused (`not_eligible`, `idempotency_key_reused`, `action_not_supported`). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listTickets: {
        parameters: {
            query?: {
                status?: components["schemas"]["TicketStatus"];
                type?: components["schemas"]["TicketType"];
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of tickets. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketList"];
                };
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getTicket: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The ticket. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ticket"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    replyToTicket: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TicketReplyRequest"];
            };
        };
        responses: {
            /** @description The ticket after the reply. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ticket"];
                };
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict (`request_in_progress`, `invalid_transition`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over the size limit (`payload_too_large`). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Refused (`not_eligible`, `idempotency_key_reused`, `action_not_supported`). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    answerTicketAsBuyer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TicketBuyerResponse"];
            };
        };
        responses: {
            /** @description The ticket after the answer. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ticket"];
                };
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict (`request_in_progress`, `invalid_transition`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over the size limit (`payload_too_large`). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    takeTicketSecondChance: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TicketSecondChance"];
            };
        };
        responses: {
            /** @description The ticket after the second chance. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ticket"];
                };
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict (`request_in_progress`, `invalid_transition`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over the size limit (`payload_too_large`). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Refused (`not_eligible`, `idempotency_key_reused`, `action_not_supported`). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`). */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createMerchant: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateMerchant"];
            };
        };
        responses: {
            /** @description Created; the key is shown this once. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedMerchant"];
                };
            };
            /** @description Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over the size limit (`payload_too_large`). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    issueMerchantKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Issued; shown this once. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedKey"];
                };
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revokeMerchantKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing, unknown or revoked API key (`unauthorized`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource for this merchant (`not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (`internal`). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getLiveness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Alive. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthStatus"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthStatus"];
                };
            };
            /** @description Not ready. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthStatus"];
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text format. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
        };
    };
    getApiDocsPage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The viewer's page. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
        };
    };
    getOpenApiDocument: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
        };
    };
}

/** The operations whose Idempotency-Key the gateway honours (a required header in the document). */
export const keyedOperations: readonly string[] = [
  "POST /v1/interceptions",
  "POST /v1/shipments",
];
