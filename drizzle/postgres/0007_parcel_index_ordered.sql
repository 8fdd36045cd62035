DROP INDEX "interceptions_parcel_idx";--> statement-breakpoint
DROP INDEX "shipments_parcel_idx";--> statement-breakpoint
CREATE INDEX "interceptions_parcel_idx" ON "interceptions" USING btree ("carrier","tracking_number","id");--> statement-breakpoint
CREATE INDEX "shipments_parcel_idx" ON "shipments" USING btree ("carrier","tracking_number","id");