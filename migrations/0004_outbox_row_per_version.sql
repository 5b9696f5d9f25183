DROP INDEX "write_back_outbox_request_uq";--> statement-breakpoint
ALTER TABLE "write_back_outbox" ADD COLUMN "model_version_id" uuid;--> statement-breakpoint
ALTER TABLE "write_back_outbox" ADD COLUMN "from_state" text;--> statement-breakpoint
ALTER TABLE "write_back_outbox" ADD COLUMN "to_state" text;--> statement-breakpoint
ALTER TABLE "write_back_outbox" ADD COLUMN "position" smallint;--> statement-breakpoint
ALTER TABLE "write_back_outbox" ADD COLUMN "message" text;--> statement-breakpoint
ALTER TABLE "write_back_outbox" ADD CONSTRAINT "write_back_outbox_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "write_back_outbox_request_version_uq" ON "write_back_outbox" USING btree ("change_request_id","model_version_id");