-- Versions and deployments get a normalised status beside the vendor's own word, and metrics become typed.
-- `status` held the vendor's raw string (`Completed`, `READY`, `complete`, `InService`); that text moves to
-- `status_raw`, and `status` becomes the hub's vocabulary (versions READY | PENDING | FAILED | DELETING | UNKNOWN,
-- deployments ACTIVE | PENDING | UPDATING | INACTIVE | FAILED | DELETING | UNKNOWN), mapped by each connector on its
-- next sync (the records' content hashes change, so every row is rewritten then). Until that sync a status reads
-- UNKNOWN, except a deployment serving production, which is ACTIVE by definition.
-- model_versions.metrics was a {name: number} map; it becomes [{name, value, step, timestamp, kind}]. Existing maps are
-- converted with the shared name rule (connectors/shared/metric-kind.ts: a first or last word naming a held-out split
-- is VALIDATION); the next sync replaces them with what the connector reads, steps and times included.
-- Written by hand (the snapshot is drizzle-kit's): drizzle cannot express keeping the old column's data under a new name.
ALTER TABLE "model_versions" RENAME COLUMN "status" TO "status_raw";--> statement-breakpoint
ALTER TABLE "model_versions" ADD COLUMN "status" text DEFAULT 'UNKNOWN' NOT NULL;--> statement-breakpoint
ALTER TABLE "deployments" RENAME COLUMN "status" TO "status_raw";--> statement-breakpoint
ALTER TABLE "deployments" ADD COLUMN "status" text DEFAULT 'UNKNOWN' NOT NULL;--> statement-breakpoint
UPDATE "deployments" SET "status" = 'ACTIVE' WHERE "serving_production";--> statement-breakpoint
ALTER TABLE "deployments" ADD COLUMN "metrics" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "model_versions" ALTER COLUMN "metrics" SET DEFAULT '[]'::jsonb;--> statement-breakpoint
UPDATE "model_versions" SET "metrics" = COALESCE((
  SELECT jsonb_agg(jsonb_build_object(
    'name', m.key, 'value', m.value, 'step', NULL, 'timestamp', NULL,
    'kind', CASE WHEN m.key ~* '^(val|valid|validation|eval|evaluation|test|holdout|cv)[0-9]*([-_./: ]|$)'
                   OR m.key ~* '[-_./: ](val|valid|validation|eval|evaluation|test|holdout|cv)[0-9]*$'
                 THEN 'VALIDATION' ELSE 'TRAINING' END
  ) ORDER BY m.key)
  FROM jsonb_each("metrics") AS m
  WHERE jsonb_typeof(m.value) = 'number'
), '[]'::jsonb)
WHERE jsonb_typeof("metrics") = 'object';
