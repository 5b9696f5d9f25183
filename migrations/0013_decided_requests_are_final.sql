-- A decided change request (APPLIED, REJECTED, CANCELLED, EXPIRED, SUPERSEDED) is final: only the delivery of its
-- write-back may still move. Enforced for every role but the table's owner (the migration role, which could disable
-- the trigger anyway): the hub's runtime role, which owns nothing, cannot rewrite a decision.
CREATE OR REPLACE FUNCTION change_requests_decided_are_final() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'PENDING' OR pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
    RETURN NEW;
  END IF;
  IF (to_jsonb(NEW) - ARRAY['write_back_status', 'write_back_attempts', 'write_back_message', 'write_back_at'])
     IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['write_back_status', 'write_back_attempts', 'write_back_message', 'write_back_at']) THEN
    RAISE EXCEPTION 'change request % is %: a decided request is final (only its write-back status may change)', OLD.id, OLD.status
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER change_requests_decided_final
  BEFORE UPDATE ON change_requests
  FOR EACH ROW EXECUTE FUNCTION change_requests_decided_are_final();
