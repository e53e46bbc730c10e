"""pg_trgm in the public schema, where every grid company's search path finds it
(the console's search uses a trigram index). A server without the contrib
extensions (e.g. the embedded one `make run` starts when no PostgreSQL answers)
goes without: the search still works, unindexed."""

from django.db import migrations

CREATE_IF_AVAILABLE = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
    END IF;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunSQL(CREATE_IF_AVAILABLE, reverse_sql=migrations.RunSQL.noop)]
