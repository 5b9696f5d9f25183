-- Outbox rows written before rows named their version each delivered their request's own state change: name it, so the
-- next migration can make the columns required.
UPDATE "write_back_outbox" AS o
SET "model_version_id" = cr."model_version_id", "from_state" = cr."from_state", "to_state" = cr."to_state", "position" = 0, "message" = cr."write_back_message"
FROM "change_requests" AS cr
WHERE cr."id" = o."change_request_id";
