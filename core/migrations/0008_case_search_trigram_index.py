"""The console search's trigram index on core_case.search_text, where pg_trgm is
installed (accounts 0002 installs it when the server has it). Kept out of the
model state on purpose: a server without the extension must still migrate."""

from django.db import migrations

CREATE_IF_POSSIBLE = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX IF NOT EXISTS case_search_trgm
            ON core_case USING gin (search_text public.gin_trgm_ops);
    END IF;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0007_signature_immutable"), ("accounts", "0002_pg_trgm")]

    operations = [
        migrations.RunSQL(CREATE_IF_POSSIBLE, reverse_sql="DROP INDEX IF EXISTS case_search_trgm")
    ]
