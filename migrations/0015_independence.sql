CREATE TABLE "control_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"target_key" text NOT NULL,
	"model_id" uuid,
	"proposed" jsonb NOT NULL,
	"before" jsonb NOT NULL,
	"requester_id" text NOT NULL,
	"requester_person_id" uuid,
	"requester_name" text,
	"requester_roles" text[] NOT NULL,
	"justification" text NOT NULL,
	"approver_role" text NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"status_reason" text,
	"decider_id" text,
	"decider_person_id" uuid,
	"decider_name" text,
	"decider_roles" text[],
	"decision_comment" text,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	CONSTRAINT "control_requests_not_self_ck" CHECK ("control_requests"."decider_id" is null or "control_requests"."decider_id" <> "control_requests"."requester_id"),
	CONSTRAINT "control_requests_not_self_person_ck" CHECK ("control_requests"."decider_person_id" is null or "control_requests"."requester_person_id" is null or "control_requests"."decider_person_id" <> "control_requests"."requester_person_id"),
	CONSTRAINT "control_requests_not_own_grant_ck" CHECK ("control_requests"."kind" <> 'ROLE_GRANT' or "control_requests"."decider_person_id" is null or ("control_requests"."proposed" ->> 'personId') <> "control_requests"."decider_person_id"::text),
	CONSTRAINT "control_requests_decider_role_ck" CHECK ("control_requests"."status" not in ('APPLIED', 'REJECTED') or ("control_requests"."decider_id" is not null and "control_requests"."approver_role" = any("control_requests"."decider_roles")))
);
--> statement-breakpoint
ALTER TABLE "approvals" DROP CONSTRAINT "approvals_role_held_ck";--> statement-breakpoint
ALTER TABLE "approvals" ALTER COLUMN "slot_index" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "accountable_owner_person_id" uuid;--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "approver_person_id" uuid;--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "requester_person_id" uuid;--> statement-breakpoint
ALTER TABLE "change_requests" ADD COLUMN "requester_person_id" uuid;--> statement-breakpoint
ALTER TABLE "change_requests" ADD COLUMN "owners_at_request" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
-- Backfill the persons behind recorded identities: an API key's principal id is `key:<api_keys.id>`, and every key
-- has a person since the people migration. Token subjects have no person yet and stay null (compared by identity).
UPDATE "change_requests" SET "requester_person_id" = k."person_id" FROM "api_keys" k
  WHERE "change_requests"."requester_id" = 'key:' || k."id"::text;--> statement-breakpoint
UPDATE "approvals" SET "approver_person_id" = k."person_id" FROM "api_keys" k
  WHERE "approvals"."approver_id" = 'key:' || k."id"::text;--> statement-breakpoint
UPDATE "approvals" SET "requester_person_id" = k."person_id" FROM "api_keys" k
  WHERE "approvals"."requester_id" = 'key:' || k."id"::text;--> statement-breakpoint
-- Accountable owners recorded as an email become that person where one has it (case-insensitive); other owner
-- texts stay text only, and governance resolves them again by email at request and decision time.
UPDATE "models" SET "accountable_owner_person_id" = p."id" FROM "persons" p
  WHERE lower(p."email") = lower(trim("models"."accountable_owner"));--> statement-breakpoint
ALTER TABLE "control_requests" ADD CONSTRAINT "control_requests_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "control_requests" ADD CONSTRAINT "control_requests_requester_person_id_persons_id_fk" FOREIGN KEY ("requester_person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "control_requests" ADD CONSTRAINT "control_requests_decider_person_id_persons_id_fk" FOREIGN KEY ("decider_person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "control_requests_one_pending_uq" ON "control_requests" USING btree ("kind","target_key") WHERE "control_requests"."status" = 'PENDING';--> statement-breakpoint
CREATE INDEX "control_requests_status_idx" ON "control_requests" USING btree ("status","created_at");--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_accountable_owner_person_id_persons_id_fk" FOREIGN KEY ("accountable_owner_person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_approver_person_id_persons_id_fk" FOREIGN KEY ("approver_person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_requester_person_id_persons_id_fk" FOREIGN KEY ("requester_person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_requests" ADD CONSTRAINT "change_requests_requester_person_id_persons_id_fk" FOREIGN KEY ("requester_person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_one_per_person_id_uq" ON "approvals" USING btree ("change_request_id","approver_person_id");--> statement-breakpoint
CREATE INDEX "change_requests_requester_person_idx" ON "change_requests" USING btree ("requester_person_id");--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_not_self_person_ck" CHECK ("approvals"."approver_person_id" is null or "approvals"."requester_person_id" is null or "approvals"."approver_person_id" <> "approvals"."requester_person_id");--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_slotless_reject_ck" CHECK ("approvals"."slot_index" is not null or "approvals"."decision" = 'REJECT');--> statement-breakpoint
-- NOT VALID: decisions recorded before ADMIN stopped standing in for approvers (an ADMIN in a VALIDATOR slot, a
-- rejection by a non-holder) stay as history; every new decision must hold exactly the slot's role.
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_role_held_ck" CHECK ("approvals"."slot_role" = any("approvals"."approver_roles")) NOT VALID;