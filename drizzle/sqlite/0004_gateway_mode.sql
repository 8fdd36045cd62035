CREATE TABLE `gateway_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
-- A database made before modes were recorded: one holding only the demo merchant was run in demo
-- mode; one holding any other merchant is live (a live deployment that once started in demo mode
-- by mistake keeps its data); an empty one records its mode at the next start.
INSERT INTO `gateway_meta` (`key`, `value`)
SELECT 'mode', CASE WHEN EXISTS (SELECT 1 FROM `merchants` WHERE `id` <> 'mer_demo') THEN 'live' ELSE 'demo' END
WHERE EXISTS (SELECT 1 FROM `merchants`);
