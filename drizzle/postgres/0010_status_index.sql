DROP INDEX "interceptions_merchant_locked_idx";--> statement-breakpoint
CREATE INDEX "interceptions_merchant_status_idx" ON "interceptions" USING btree ("merchant_id","status","id");