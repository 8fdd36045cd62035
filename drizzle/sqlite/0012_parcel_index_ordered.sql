DROP INDEX `interceptions_parcel_idx`;--> statement-breakpoint
CREATE INDEX `interceptions_parcel_idx` ON `interceptions` (`carrier`,`tracking_number`,`id`);--> statement-breakpoint
DROP INDEX `shipments_parcel_idx`;--> statement-breakpoint
CREATE INDEX `shipments_parcel_idx` ON `shipments` (`carrier`,`tracking_number`,`id`);