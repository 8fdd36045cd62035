CREATE TABLE `deadlines` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`due_at` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`lease_until` text
);
--> statement-breakpoint
CREATE INDEX `deadlines_due_at_idx` ON `deadlines` (`due_at`,`id`);--> statement-breakpoint
CREATE INDEX `deadlines_subject_idx` ON `deadlines` (`subject_id`);--> statement-breakpoint
CREATE TABLE `shipment_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shipment_id` text NOT NULL,
	`at` text NOT NULL,
	`type` text NOT NULL,
	`detail` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	FOREIGN KEY (`shipment_id`) REFERENCES `shipments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `shipment_events_shipment_idx` ON `shipment_events` (`shipment_id`,`id`);--> statement-breakpoint
CREATE TABLE `shipments` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`order_id` text NOT NULL,
	`category` text NOT NULL,
	`items` text NOT NULL,
	`status` text NOT NULL,
	`paid_at` text NOT NULL,
	`ship_by` text NOT NULL,
	`collect_by` text,
	`carrier` text,
	`tracking_number` text,
	`shipped_at` text,
	`collected_at` text,
	`refunded_at` text,
	`overdue_at` text,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `shipments_merchant_id_idx` ON `shipments` (`merchant_id`,`id`);--> statement-breakpoint
CREATE INDEX `shipments_merchant_order_idx` ON `shipments` (`merchant_id`,`order_id`);--> statement-breakpoint
CREATE INDEX `shipments_parcel_idx` ON `shipments` (`carrier`,`tracking_number`);