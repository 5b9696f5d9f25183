ALTER TABLE "write_back_outbox" ALTER COLUMN "model_version_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "write_back_outbox" ALTER COLUMN "from_state" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "write_back_outbox" ALTER COLUMN "to_state" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "write_back_outbox" ALTER COLUMN "position" SET NOT NULL;