-- The request's write-back time moves to its outbox rows (the request derives it from them from now on): a row that
-- was attempted takes the request's last recorded attempt time, so writeBackAt reads the same after the next migration
-- drops the request's own copy.
UPDATE "write_back_outbox" AS o
SET "last_attempt_at" = cr."write_back_at"
FROM "change_requests" AS cr
WHERE cr."id" = o."change_request_id" AND o."attempts" > 0 AND cr."write_back_at" IS NOT NULL;
