CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_merchant_idx` ON `api_keys` (`merchant_id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`merchant_id` text NOT NULL,
	`key` text NOT NULL,
	`fingerprint` text NOT NULL,
	`state` text NOT NULL,
	`locked_until` text NOT NULL,
	`interception_id` text,
	`response_status` integer,
	`response_body` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`merchant_id`, `key`),
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`interception_id`) REFERENCES `interceptions`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_created_at_idx` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `interception_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`interception_id` text NOT NULL,
	`at` text NOT NULL,
	`status` text NOT NULL,
	`detail` text NOT NULL,
	`carrier_event_id` text,
	FOREIGN KEY (`interception_id`) REFERENCES `interceptions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `interception_events_interception_idx` ON `interception_events` (`interception_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `interception_events_carrier_event_unique` ON `interception_events` (`interception_id`,`carrier_event_id`);--> statement-breakpoint
CREATE TABLE `interceptions` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`carrier` text NOT NULL,
	`tracking_number` text NOT NULL,
	`order_id` text NOT NULL,
	`action` text NOT NULL,
	`reason` text NOT NULL,
	`items` text NOT NULL,
	`parcel` text NOT NULL,
	`redirect_to` text,
	`note` text,
	`status` text NOT NULL,
	`parcel_state` text NOT NULL,
	`success_likelihood` text NOT NULL,
	`carrier_reference` text,
	`cost` text NOT NULL,
	`failure` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `interceptions_merchant_id_idx` ON `interceptions` (`merchant_id`,`id`);--> statement-breakpoint
CREATE INDEX `interceptions_merchant_order_idx` ON `interceptions` (`merchant_id`,`order_id`);--> statement-breakpoint
CREATE INDEX `interceptions_parcel_idx` ON `interceptions` (`carrier`,`tracking_number`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`interception_id` text NOT NULL,
	`kind` text NOT NULL,
	`run_at` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`lease_until` text,
	`last_error` text,
	FOREIGN KEY (`interception_id`) REFERENCES `interceptions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `jobs_run_at_idx` ON `jobs` (`run_at`);--> statement-breakpoint
CREATE INDEX `jobs_interception_idx` ON `jobs` (`interception_id`);--> statement-breakpoint
CREATE TABLE `merchants` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`pickup_service` integer NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `merchants_name_idx` ON `merchants` (`name`);