CREATE TABLE "sources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"vendor" text NOT NULL,
	"name" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"secret_ciphertext" text,
	"secret_updated_at" timestamp with time zone,
	"schedule_seconds" integer DEFAULT 3600 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"max_delete_share" real,
	"last_run_id" uuid,
	"last_run_status" text,
	"last_run_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sources_vendor_ck" CHECK ("sources"."vendor" in ('sagemaker','mlflow','datarobot','domino')),
	CONSTRAINT "sources_schedule_ck" CHECK ("sources"."schedule_seconds" between 60 and 604800)
);
--> statement-breakpoint
CREATE TABLE "deployments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"vendor_attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"vendor_created_at" timestamp with time zone,
	"vendor_updated_at" timestamp with time zone,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"version_id" uuid,
	"version_external_id" text,
	"name" text NOT NULL,
	"environment" text,
	"status" text,
	"serving_production" boolean DEFAULT false NOT NULL,
	"endpoint_url" text,
	"traffic_share" real,
	"deep_link" text
);
--> statement-breakpoint
CREATE TABLE "inventory_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"run_id" uuid,
	"source_id" uuid NOT NULL,
	"entity_kind" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"change" text NOT NULL,
	"changed_fields" text[] DEFAULT '{}'::text[] NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"vendor_attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"vendor_created_at" timestamp with time zone,
	"vendor_updated_at" timestamp with time zone,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"model_id" uuid,
	"model_external_id" text,
	"version" text NOT NULL,
	"version_number" integer,
	"description" text,
	"observed_stage" text DEFAULT 'NONE' NOT NULL,
	"observed_stage_raw" text,
	"status" text,
	"created_by" text,
	"artifact_uri" text,
	"lineage" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"metrics" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"tags" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"deep_link" text,
	"lifecycle_state" text DEFAULT 'DEVELOPMENT' NOT NULL,
	"lifecycle_changed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"vendor_attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"vendor_created_at" timestamp with time zone,
	"vendor_updated_at" timestamp with time zone,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"name" text NOT NULL,
	"description" text,
	"owner" text,
	"tags" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"deep_link" text,
	"risk_tier" text,
	"business_unit" text,
	"accountable_owner" text
);
--> statement-breakpoint
CREATE TABLE "sync_run_seen" (
	"run_id" uuid NOT NULL,
	"entity_kind" text NOT NULL,
	"external_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "findings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"source_id" uuid NOT NULL,
	"entity_kind" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"message" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"status" text DEFAULT 'RUNNING' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"seen" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"unchanged" integer DEFAULT 0 NOT NULL,
	"deleted" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"pages" integer DEFAULT 0 NOT NULL,
	"deletion_guard" jsonb,
	"error" text,
	"record_errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"job_id" text,
	"worker_id" text
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"roles" text[] NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "approvals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"change_request_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"slot_role" text NOT NULL,
	"slot_index" integer NOT NULL,
	"approver_id" text NOT NULL,
	"approver_roles" text[] NOT NULL,
	"requester_id" text NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "approvals_not_self_ck" CHECK ("approvals"."approver_id" <> "approvals"."requester_id"),
	CONSTRAINT "approvals_role_held_ck" CHECK ("approvals"."slot_role" = any("approvals"."approver_roles") or 'ADMIN' = any("approvals"."approver_roles") or "approvals"."decision" = 'REJECT')
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" text NOT NULL,
	"actor_roles" text[] NOT NULL,
	"action" text NOT NULL,
	"entity_kind" text NOT NULL,
	"entity_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"request_id" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "audit_events_hash_ck" CHECK (length("audit_events"."hash") = 64)
);
--> statement-breakpoint
CREATE TABLE "change_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"model_version_id" uuid NOT NULL,
	"from_state" text NOT NULL,
	"to_state" text NOT NULL,
	"replaces_version_id" uuid,
	"requester_id" text NOT NULL,
	"requester_roles" text[] NOT NULL,
	"justification" text NOT NULL,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"policy_snapshot" jsonb NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"status_reason" text,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	"write_back_status" text,
	"write_back_attempts" integer DEFAULT 0 NOT NULL,
	"write_back_message" text,
	"write_back_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"to_state" text NOT NULL,
	"risk_tier" text NOT NULL,
	"requirements" jsonb NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "write_back_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"change_request_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_by" text,
	"claimed_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"done_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_version_id_model_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_change_request_id_change_requests_id_fk" FOREIGN KEY ("change_request_id") REFERENCES "public"."change_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_requests" ADD CONSTRAINT "change_requests_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_requests" ADD CONSTRAINT "change_requests_replaces_version_id_model_versions_id_fk" FOREIGN KEY ("replaces_version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "write_back_outbox" ADD CONSTRAINT "write_back_outbox_change_request_id_change_requests_id_fk" FOREIGN KEY ("change_request_id") REFERENCES "public"."change_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sources_name_live_uq" ON "sources" USING btree ("name") WHERE "sources"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "sources_vendor_idx" ON "sources" USING btree ("vendor");--> statement-breakpoint
CREATE UNIQUE INDEX "deployments_natural_uq" ON "deployments" USING btree ("source_id","external_id");--> statement-breakpoint
CREATE INDEX "deployments_version_idx" ON "deployments" USING btree ("version_id");--> statement-breakpoint
CREATE INDEX "deployments_name_id_idx" ON "deployments" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "deployments_unresolved_idx" ON "deployments" USING btree ("source_id","version_external_id") WHERE "deployments"."version_id" is null;--> statement-breakpoint
CREATE INDEX "inventory_changes_at_idx" ON "inventory_changes" USING btree ("at","id");--> statement-breakpoint
CREATE INDEX "inventory_changes_entity_idx" ON "inventory_changes" USING btree ("entity_id","at");--> statement-breakpoint
CREATE INDEX "inventory_changes_run_idx" ON "inventory_changes" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "model_versions_natural_uq" ON "model_versions" USING btree ("source_id","external_id");--> statement-breakpoint
CREATE INDEX "model_versions_model_idx" ON "model_versions" USING btree ("model_id","version_number");--> statement-breakpoint
CREATE INDEX "model_versions_state_idx" ON "model_versions" USING btree ("lifecycle_state");--> statement-breakpoint
CREATE INDEX "model_versions_stage_idx" ON "model_versions" USING btree ("observed_stage");--> statement-breakpoint
CREATE INDEX "model_versions_changed_idx" ON "model_versions" USING btree ("last_changed_at","id");--> statement-breakpoint
CREATE INDEX "model_versions_unresolved_idx" ON "model_versions" USING btree ("source_id","model_external_id") WHERE "model_versions"."model_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "models_natural_uq" ON "models" USING btree ("source_id","external_id");--> statement-breakpoint
CREATE INDEX "models_name_id_idx" ON "models" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "models_changed_idx" ON "models" USING btree ("last_changed_at","id");--> statement-breakpoint
CREATE INDEX "models_risk_idx" ON "models" USING btree ("risk_tier");--> statement-breakpoint
CREATE INDEX "models_owner_idx" ON "models" USING btree ("owner");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_run_seen_pk" ON "sync_run_seen" USING btree ("run_id","entity_kind","external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "findings_open_uq" ON "findings" USING btree ("kind","entity_id") WHERE "findings"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "findings_entity_idx" ON "findings" USING btree ("entity_id");--> statement-breakpoint
CREATE INDEX "findings_source_idx" ON "findings" USING btree ("source_id","kind");--> statement-breakpoint
CREATE INDEX "findings_opened_idx" ON "findings" USING btree ("opened_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_runs_one_active_uq" ON "sync_runs" USING btree ("source_id") WHERE "sync_runs"."status" in ('QUEUED', 'RUNNING');--> statement-breakpoint
CREATE INDEX "sync_runs_source_started_idx" ON "sync_runs" USING btree ("source_id","started_at");--> statement-breakpoint
CREATE INDEX "sync_runs_started_idx" ON "sync_runs" USING btree ("started_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_prefix_uq" ON "api_keys" USING btree ("prefix");--> statement-breakpoint
CREATE INDEX "api_keys_created_idx" ON "api_keys" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_one_per_person_uq" ON "approvals" USING btree ("change_request_id","approver_id");--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_slot_uq" ON "approvals" USING btree ("change_request_id","slot_role","slot_index");--> statement-breakpoint
CREATE INDEX "audit_events_entity_idx" ON "audit_events" USING btree ("entity_kind","entity_id","seq");--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "change_requests_one_pending_uq" ON "change_requests" USING btree ("model_version_id") WHERE "change_requests"."status" = 'PENDING';--> statement-breakpoint
CREATE INDEX "change_requests_status_idx" ON "change_requests" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "change_requests_requester_idx" ON "change_requests" USING btree ("requester_id");--> statement-breakpoint
CREATE INDEX "change_requests_created_idx" ON "change_requests" USING btree ("created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "policies_state_tier_uq" ON "policies" USING btree ("to_state","risk_tier");--> statement-breakpoint
CREATE UNIQUE INDEX "write_back_outbox_request_uq" ON "write_back_outbox" USING btree ("change_request_id");--> statement-breakpoint
CREATE INDEX "write_back_outbox_due_idx" ON "write_back_outbox" USING btree ("status","next_attempt_at");