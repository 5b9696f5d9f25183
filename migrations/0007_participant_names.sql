ALTER TABLE "approvals" ADD COLUMN "approver_name" text;--> statement-breakpoint
ALTER TABLE "change_requests" ADD COLUMN "requester_name" text;