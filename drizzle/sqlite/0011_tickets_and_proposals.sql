CREATE TABLE `ship_date_proposals` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`shipment_id` text NOT NULL,
	`status` text NOT NULL,
	`ship_date` text NOT NULL,
	`proposed_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`answered_at` text,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`shipment_id`) REFERENCES `shipments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ship_date_proposals_shipment_idx` ON `ship_date_proposals` (`shipment_id`,`id`);--> statement-breakpoint
CREATE TABLE `ticket_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` text NOT NULL,
	`at` text NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`detail` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ticket_events_ticket_idx` ON `ticket_events` (`ticket_id`,`id`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`shipment_id` text NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`opened_at` text NOT NULL,
	`due_at` text NOT NULL,
	`resolution` text,
	`replies` text NOT NULL,
	`buyer_answer` text,
	`second_chance` text,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`shipment_id`) REFERENCES `shipments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `tickets_merchant_id_idx` ON `tickets` (`merchant_id`,`id`);--> statement-breakpoint
CREATE INDEX `tickets_shipment_idx` ON `tickets` (`shipment_id`,`id`);