CREATE TABLE "person_identities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"issuer" text NOT NULL,
	"subject" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"linked_by" text,
	"disabled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "persons" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"display_name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"roles" text[] DEFAULT '{}'::text[] NOT NULL,
	"break_glass" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deactivated_at" timestamp with time zone
);
--> statement-breakpoint
-- Every existing key gets a person, so upgrading keeps every key working with the roles it had. One person per
-- key, never one per created_by or per name (two keys sharing a label may belong to two people, and merging them
-- would make two people one for segregation of duties). The person's email is the placeholder
-- `<key prefix>@keys.invalid` (RFC 2606: never deliverable) and its name the key's name; an ADMIN then renames
-- them to the real people (updatePerson) and re-issues keys under the right person (README "Upgrading").
-- Keys the hub made for itself at first start (created_by system:bootstrap) all belong to the break-glass identity.
ALTER TABLE "api_keys" ADD COLUMN "person_id" uuid;--> statement-breakpoint
INSERT INTO "persons" ("email", "display_name", "roles", "break_glass")
  SELECT 'bootstrap-admin@hub.invalid', 'bootstrap admin (break glass)', ARRAY['ADMIN']::text[], true
  WHERE EXISTS (SELECT 1 FROM "api_keys" WHERE "created_by" = 'system:bootstrap');--> statement-breakpoint
INSERT INTO "persons" ("email", "display_name", "roles", "created_at")
  SELECT lower("prefix") || '@keys.invalid', "name", "roles", "created_at" FROM "api_keys" WHERE "created_by" <> 'system:bootstrap';--> statement-breakpoint
UPDATE "api_keys" SET "person_id" = p."id" FROM "persons" p
  WHERE p."break_glass" AND "api_keys"."created_by" = 'system:bootstrap';--> statement-breakpoint
UPDATE "api_keys" SET "person_id" = p."id" FROM "persons" p
  WHERE lower(p."email") = lower("api_keys"."prefix") || '@keys.invalid' AND "api_keys"."created_by" <> 'system:bootstrap';--> statement-breakpoint
ALTER TABLE "api_keys" ALTER COLUMN "person_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "person_identities" ADD CONSTRAINT "person_identities_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "person_identities_issuer_subject_uq" ON "person_identities" USING btree ("issuer","subject");--> statement-breakpoint
CREATE INDEX "person_identities_person_idx" ON "person_identities" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "persons_email_uq" ON "persons" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "persons_break_glass_uq" ON "persons" USING btree ("break_glass") WHERE "persons"."break_glass";--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_keys_person_idx" ON "api_keys" USING btree ("person_id");