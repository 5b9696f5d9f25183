ALTER TABLE "deployments" ALTER COLUMN "id" SET DEFAULT hub_uuid_v7();--> statement-breakpoint
ALTER TABLE "inventory_changes" ALTER COLUMN "id" SET DEFAULT hub_uuid_v7();--> statement-breakpoint
ALTER TABLE "model_versions" ALTER COLUMN "id" SET DEFAULT hub_uuid_v7();--> statement-breakpoint
ALTER TABLE "models" ALTER COLUMN "id" SET DEFAULT hub_uuid_v7();