DROP INDEX `interceptions_merchant_order_idx`;--> statement-breakpoint
CREATE INDEX `interceptions_merchant_order_idx` ON `interceptions` (`merchant_id`,`order_id`,`id`);--> statement-breakpoint
DROP INDEX `shipments_merchant_order_idx`;--> statement-breakpoint
CREATE INDEX `shipments_merchant_order_idx` ON `shipments` (`merchant_id`,`order_id`,`id`);