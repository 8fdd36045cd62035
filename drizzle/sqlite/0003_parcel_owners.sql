CREATE TABLE `parcel_owners` (
	`carrier` text NOT NULL,
	`tracking_number` text NOT NULL,
	`merchant_id` text NOT NULL,
	`bound_at` text NOT NULL,
	PRIMARY KEY(`carrier`, `tracking_number`),
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
-- Parcels intercepted before this table existed belong to the merchant of their first
-- interception (ids are time-ordered, so the lowest id came first; OR IGNORE keeps it).
INSERT OR IGNORE INTO `parcel_owners` (`carrier`, `tracking_number`, `merchant_id`, `bound_at`)
SELECT `carrier`, `tracking_number`, `merchant_id`, `created_at` FROM `interceptions` ORDER BY `id`;
