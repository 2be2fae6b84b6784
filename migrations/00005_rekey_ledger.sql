-- +goose Up

-- The consent ledger is append-only, but rotating keys (textsupport rekey)
-- must re-encrypt its evidence under the new key. This lets exactly that
-- through: an UPDATE that changes evidence_enc alone, from one ciphertext
-- to another, in a transaction that first ran
-- SET LOCAL textsupport.rekey = 'on'. What the evidence says is unchanged
-- (rekey opens it and seals the same bytes). Every other UPDATE, every
-- DELETE and TRUNCATE is still refused.
-- +goose StatementBegin
CREATE FUNCTION consent_events_rekey_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('textsupport.rekey', true) = 'on'
       AND OLD.evidence_enc IS NOT NULL AND NEW.evidence_enc IS NOT NULL
       AND to_jsonb(NEW) - 'evidence_enc' = to_jsonb(OLD) - 'evidence_enc' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

DROP TRIGGER consent_events_no_update ON consent_events;
CREATE TRIGGER consent_events_no_update BEFORE UPDATE OR DELETE ON consent_events
    FOR EACH ROW EXECUTE FUNCTION consent_events_rekey_only();

-- +goose Down
SELECT 'down migration not supported: restore from backup';
