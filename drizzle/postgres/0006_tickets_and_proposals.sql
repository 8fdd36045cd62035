CREATE TABLE "ship_date_proposals" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"shipment_id" text COLLATE "C" NOT NULL,
	"status" text NOT NULL,
	"ship_date" text NOT NULL,
	"proposed_at" text NOT NULL,
	"expires_at" text NOT NULL,
	"answered_at" text,
	"version" integer NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ticket_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"ticket_id" text COLLATE "C" NOT NULL,
	"at" text NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"detail" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"shipment_id" text COLLATE "C" NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"opened_at" text NOT NULL,
	"due_at" text NOT NULL,
	"resolution" text,
	"replies" json NOT NULL,
	"buyer_answer" json,
	"second_chance" json,
	"version" integer NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ship_date_proposals" ADD CONSTRAINT "ship_date_proposals_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ship_date_proposals" ADD CONSTRAINT "ship_date_proposals_shipment_id_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."shipments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_events" ADD CONSTRAINT "ticket_events_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_shipment_id_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."shipments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ship_date_proposals_shipment_idx" ON "ship_date_proposals" USING btree ("shipment_id","id");--> statement-breakpoint
CREATE INDEX "ticket_events_ticket_idx" ON "ticket_events" USING btree ("ticket_id","id");--> statement-breakpoint
CREATE INDEX "tickets_merchant_id_idx" ON "tickets" USING btree ("merchant_id","id");--> statement-breakpoint
CREATE INDEX "tickets_shipment_idx" ON "tickets" USING btree ("shipment_id","id");