ALTER TABLE "change_requests" DROP COLUMN "write_back_status";--> statement-breakpoint
ALTER TABLE "change_requests" DROP COLUMN "write_back_attempts";--> statement-breakpoint
ALTER TABLE "change_requests" DROP COLUMN "write_back_message";--> statement-breakpoint
ALTER TABLE "change_requests" DROP COLUMN "write_back_at";