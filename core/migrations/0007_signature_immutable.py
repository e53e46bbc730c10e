"""Signatures are legal facts: the database itself refuses to change or delete one.

A row-level trigger raises on UPDATE and DELETE of core_signature, so neither a bug
nor a hand-written query can alter who signed what with which hash. (TRUNCATE and
dropping a whole tenant schema are not row operations and stay possible.) The
function lives in each tenant schema; cloning a tenant from the template copies both.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_signature_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_signature rows are immutable (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_signature_immutable
    BEFORE UPDATE OR DELETE ON core_signature
    FOR EACH ROW EXECUTE FUNCTION core_signature_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS core_signature_immutable ON core_signature;
DROP FUNCTION IF EXISTS core_signature_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_signatures"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
