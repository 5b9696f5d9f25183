-- Deployments get a normalised environment. Until now `environment` held the vendor's own text (a tag value, a
-- prediction environment's name, an MLflow alias); that text moves to `environment_raw`, and `environment` becomes
-- PRODUCTION | STAGING | DEVELOPMENT | UNKNOWN, decided by each source's environment rule on its next sync.
-- Written by hand (the snapshot is drizzle-kit's): drizzle cannot express keeping the old column's data under a new
-- name. Deployments that served production keep counting as production until that sync reclassifies them.
ALTER TABLE "deployments" RENAME COLUMN "environment" TO "environment_raw";--> statement-breakpoint
ALTER TABLE "deployments" ADD COLUMN "environment" text DEFAULT 'UNKNOWN' NOT NULL;--> statement-breakpoint
UPDATE "deployments" SET "environment" = 'PRODUCTION' WHERE "serving_production";--> statement-breakpoint
ALTER TABLE "deployments" ADD COLUMN "tags" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "model_versions" ADD COLUMN "params" jsonb DEFAULT '{}'::jsonb NOT NULL;
