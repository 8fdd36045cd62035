CREATE TABLE "shipment_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "shipment_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"shipment_id" text COLLATE "C" NOT NULL,
	"at" text NOT NULL,
	"type" text NOT NULL,
	"detail" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text
);
--> statement-breakpoint
CREATE TABLE "shipments" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"order_id" text NOT NULL,
	"category" text NOT NULL,
	"items" json NOT NULL,
	"status" text NOT NULL,
	"paid_at" text NOT NULL,
	"ship_by" text NOT NULL,
	"collect_by" text,
	"carrier" text,
	"tracking_number" text,
	"shipped_at" text,
	"collected_at" text,
	"refunded_at" text,
	"overdue_at" text,
	"version" integer NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "shipment_events" ADD CONSTRAINT "shipment_events_shipment_id_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."shipments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "shipment_events_shipment_idx" ON "shipment_events" USING btree ("shipment_id","id");--> statement-breakpoint
CREATE INDEX "shipments_merchant_id_idx" ON "shipments" USING btree ("merchant_id","id");--> statement-breakpoint
CREATE INDEX "shipments_merchant_order_idx" ON "shipments" USING btree ("merchant_id","order_id");--> statement-breakpoint
CREATE INDEX "shipments_parcel_idx" ON "shipments" USING btree ("carrier","tracking_number");