CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"hash" text NOT NULL,
	"created_at" text NOT NULL,
	"revoked_at" text
);
--> statement-breakpoint
CREATE TABLE "gateway_meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"merchant_id" text NOT NULL,
	"key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"state" text NOT NULL,
	"locked_until" text NOT NULL,
	"interception_id" text COLLATE "C",
	"response_status" integer,
	"response_body" text,
	"created_at" text COLLATE "C" NOT NULL,
	CONSTRAINT "idempotency_keys_merchant_id_key_pk" PRIMARY KEY("merchant_id","key")
);
--> statement-breakpoint
CREATE TABLE "interception_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "interception_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"interception_id" text COLLATE "C" NOT NULL,
	"at" text NOT NULL,
	"status" text NOT NULL,
	"detail" text NOT NULL,
	"carrier_event_id" text
);
--> statement-breakpoint
CREATE TABLE "interceptions" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"carrier" text NOT NULL,
	"tracking_number" text NOT NULL,
	"order_id" text NOT NULL,
	"action" text NOT NULL,
	"reason" text NOT NULL,
	"items" json NOT NULL,
	"parcel" json NOT NULL,
	"redirect_to" json,
	"note" text,
	"status" text NOT NULL,
	"parcel_state" text NOT NULL,
	"success_likelihood" text NOT NULL,
	"carrier_reference" text,
	"cost" json NOT NULL,
	"failure" json,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "merchants" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"pickup_service" boolean NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "parcel_owners" (
	"carrier" text NOT NULL,
	"tracking_number" text NOT NULL,
	"merchant_id" text NOT NULL,
	"bound_at" text NOT NULL,
	CONSTRAINT "parcel_owners_carrier_tracking_number_pk" PRIMARY KEY("carrier","tracking_number")
);
--> statement-breakpoint
CREATE TABLE "rate_limit_buckets" (
	"key" text PRIMARY KEY NOT NULL,
	"full_at" double precision NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_interception_id_interceptions_id_fk" FOREIGN KEY ("interception_id") REFERENCES "public"."interceptions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interception_events" ADD CONSTRAINT "interception_events_interception_id_interceptions_id_fk" FOREIGN KEY ("interception_id") REFERENCES "public"."interceptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interceptions" ADD CONSTRAINT "interceptions_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "parcel_owners" ADD CONSTRAINT "parcel_owners_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash_unique" ON "api_keys" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "api_keys_merchant_idx" ON "api_keys" USING btree ("merchant_id");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_at_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "interception_events_interception_idx" ON "interception_events" USING btree ("interception_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "interception_events_carrier_event_unique" ON "interception_events" USING btree ("interception_id","carrier_event_id");--> statement-breakpoint
CREATE INDEX "interceptions_merchant_id_idx" ON "interceptions" USING btree ("merchant_id","id");--> statement-breakpoint
CREATE INDEX "interceptions_merchant_order_idx" ON "interceptions" USING btree ("merchant_id","order_id");--> statement-breakpoint
CREATE INDEX "interceptions_parcel_idx" ON "interceptions" USING btree ("carrier","tracking_number");--> statement-breakpoint
CREATE UNIQUE INDEX "interceptions_one_open_per_merchant_parcel" ON "interceptions" USING btree ("merchant_id","carrier","tracking_number") WHERE "interceptions"."status" in ('pending', 'submitted', 'locked');