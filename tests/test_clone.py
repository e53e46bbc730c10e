"""The template clone (tenants.clone): a cloned schema is the schema migrations would make,
with the template's rows, sequences that continue after them, foreign keys inside the
clone, and nothing left behind by a rolled-back transaction.

Each test runs in the `db` fixture's transaction, rolled back afterwards, so the schemas
and the changes to the template made here never outlive the test.
"""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_exists

from tenants import clone
from tenants.clone import UnsupportedTemplateObject, clone_schema
from tests.test_provisioning import migrate_from_scratch

TEMPLATE = settings.TENANT_TEMPLATE_SCHEMA
CLONE = "gc_clone_probe"


@pytest.fixture(autouse=True)
def _fresh_plan_cache():
    """Tests change the template; a plan built here must not serve later tests."""
    clone.clear_plan_cache()
    yield
    clone.clear_plan_cache()


def rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def value(sql, params=()):
    return rows(sql, params)[0][0]


def describe(schema):
    """Columns, constraints, indexes and sequences of a schema, its name normalised away."""
    nsp = value("SELECT oid FROM pg_namespace WHERE nspname = %s", [schema])
    prefix = value("SELECT quote_ident(%s) || '.'", [schema])
    normal = "replace({}, %(prefix)s, 'SCHEMA.')"
    params = {"nsp": nsp, "prefix": prefix}
    columns = rows(
        """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
            a.attidentity, a.attgenerated, a.attcollation,
            """
        + normal.format("pg_get_expr(d.adbin, d.adrelid)")
        + """
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relnamespace = %(nsp)s AND c.relkind = 'r' AND a.attnum > 0
            AND NOT a.attisdropped
        ORDER BY c.relname, a.attnum
        """,
        params,
    )
    constraints = rows(
        """
        SELECT c.relname, k.conname, k.contype, """
        + normal.format("pg_get_constraintdef(k.oid)")
        + """
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        WHERE c.relnamespace = %(nsp)s ORDER BY 1, 2
        """,
        params,
    )
    indexes = rows(
        """
        SELECT c.relname, ic.relname, """
        + normal.format("pg_get_indexdef(i.indexrelid)")
        + """
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE c.relnamespace = %(nsp)s ORDER BY 1, 2
        """,
        params,
    )
    sequences = rows(
        """
        SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
            s.seqmin, s.seqmax, s.seqcache, s.seqcycle, t.relname, d.refobjsubid, d.deptype
        FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
        LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid
            AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        LEFT JOIN pg_class t ON t.oid = d.refobjid
        WHERE c.relnamespace = %(nsp)s ORDER BY 1
        """,
        params,
    )
    functions = rows(
        "SELECT p.proname, "
        + normal.format("pg_get_functiondef(p.oid)")
        + " FROM pg_proc p WHERE p.pronamespace = %(nsp)s ORDER BY 1, 2",
        params,
    )
    triggers = rows(
        "SELECT c.relname, t.tgname, t.tgenabled, "
        + normal.format("pg_get_triggerdef(t.oid)")
        + ", f.pronamespace = %(nsp)s"
        " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " JOIN pg_proc f ON f.oid = t.tgfoid"
        " WHERE c.relnamespace = %(nsp)s AND NOT t.tgisinternal ORDER BY 1, 2",
        params,
    )
    return {
        "columns": columns,
        "constraints": constraints,
        "indexes": indexes,
        "sequences": sequences,
        "functions": functions,
        "triggers": triggers,
    }


def tables_of(schema):
    return [
        name
        for (name,) in rows(
            "SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace "
            "AND relkind = 'r' ORDER BY 1",
            [schema],
        )
    ]


def table_rows(schema, table):
    return rows(f'SELECT * FROM "{schema}"."{table}" ORDER BY 1')


def test_clone_has_the_structure_of_a_schema_migrated_from_scratch(db):
    clone_schema(TEMPLATE, CLONE)
    migrate_from_scratch("scratch_clone")
    cloned, scratch = describe(CLONE), describe("scratch_clone")
    for part in ("columns", "constraints", "indexes", "sequences", "functions", "triggers"):
        assert cloned[part] == scratch[part], part
    # The details the clone must not lose, checked by name so a mismatch reads clearly.
    indexes = {name: definition for _, name, definition in cloned["indexes"]}
    assert "USING gin (search_text gin_trgm_ops)" in indexes["case_search_trgm"]
    opclass_schema = value(
        "SELECT o.opcnamespace::regnamespace::text FROM pg_index i "
        "JOIN pg_opclass o ON o.oid = i.indclass[0] WHERE i.indexrelid = %s::regclass",
        [f"{CLONE}.case_search_trgm"],
    )
    assert opclass_schema == "public"
    assert indexes["case_registration_number_unique"].startswith("CREATE UNIQUE INDEX")
    assert "WHERE" in indexes["case_registration_number_unique"]
    identity = {(c[0], c[1]) for c in cloned["columns"] if c[4] == "d"}
    assert ("django_migrations", "id") in identity


def test_clone_copies_the_template_rows(db):
    clone_schema(TEMPLATE, CLONE)
    assert tables_of(CLONE) == tables_of(TEMPLATE)
    copied = 0
    for table in tables_of(TEMPLATE):
        assert table_rows(CLONE, table) == table_rows(TEMPLATE, table), table
        copied += len(table_rows(CLONE, table))
    assert value(f"SELECT count(*) FROM {CLONE}.django_migrations") > 0
    assert value(f"SELECT count(*) FROM {CLONE}.auth_permission") > 0
    assert copied > 0


def test_rows_inserted_without_an_id_continue_after_the_copied_ones(db):
    clone_schema(TEMPLATE, CLONE)
    last_type = value(f"SELECT max(id) FROM {TEMPLATE}.django_content_type")
    new_type = value(
        f"INSERT INTO {CLONE}.django_content_type (app_label, model) "
        "VALUES ('probe', 'probe') RETURNING id"
    )
    assert new_type == last_type + 1
    last_migration = value(f"SELECT max(id) FROM {TEMPLATE}.django_migrations")
    new_migration = value(
        f"INSERT INTO {CLONE}.django_migrations (app, name, applied) "
        "VALUES ('probe', '0001', now()) RETURNING id"
    )
    assert new_migration == last_migration + 1
    # An empty table starts at its sequence's start.
    assert value(f"SELECT count(*) FROM {TEMPLATE}.auth_group") == 0
    assert value(f"INSERT INTO {CLONE}.auth_group (name) VALUES ('g') RETURNING id") == 1
    # The template's sequences are untouched by the clone's inserts.
    assert value(f"SELECT last_value FROM {TEMPLATE}.django_content_type_id_seq") == last_type


def test_foreign_keys_of_the_clone_point_at_the_clone(db):
    clone_schema(TEMPLATE, CLONE)
    targets = rows(
        "SELECT DISTINCT t.relnamespace::regnamespace::text FROM pg_constraint k "
        "JOIN pg_class t ON t.oid = k.confrelid "
        "WHERE k.connamespace = %s::regnamespace AND k.contype = 'f'",
        [CLONE],
    )
    assert targets == [(CLONE,)]
    # Behaviour too: a content type that exists only in the template cannot be referred to.
    only_in_template = value(
        f"INSERT INTO {TEMPLATE}.django_content_type (app_label, model) "
        "VALUES ('probe', 'only_template') RETURNING id"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                f"INSERT INTO {CLONE}.auth_permission (name, content_type_id, codename) "
                "VALUES ('p', %s, 'p')",
                [only_in_template],
            )


def test_a_rolled_back_transaction_leaves_nothing(db):
    search_path = value("SHOW search_path")
    with pytest.raises(RuntimeError), transaction.atomic():
        clone_schema(TEMPLATE, CLONE)
        assert schema_exists(CLONE)
        raise RuntimeError("the rest of provisioning failed")
    assert not schema_exists(CLONE)
    assert (
        value("SELECT count(*) FROM pg_class WHERE relnamespace::regnamespace::text = %s", [CLONE])
        == 0
    )
    assert value("SHOW search_path") == search_path


def test_clone_keeps_the_search_path_of_the_connection(db):
    search_path = value("SHOW search_path")
    clone_schema(TEMPLATE, CLONE)
    assert value("SHOW search_path") == search_path


def test_the_clone_holds_the_template_lock_shared_until_the_transaction_ends(db):
    """A migration of the template (exclusive lock) waits for clones in flight and
    clones wait for it, so a clone never mixes two states of the template."""
    from tenants.provisioning import TEMPLATE_LOCK_ID

    clone_schema(TEMPLATE, CLONE)
    held = rows(
        "SELECT mode FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
        "AND ((classid::bigint << 32) | objid::bigint) = %s",
        [TEMPLATE_LOCK_ID],
    )
    assert held == [("ShareLock",)]


def test_an_existing_schema_is_refused(db):
    clone_schema(TEMPLATE, CLONE)
    with pytest.raises(ValidationError):
        clone_schema(TEMPLATE, CLONE)
    with pytest.raises(ValueError):
        clone_schema(TEMPLATE, 'gc_x"; DROP SCHEMA public; --')


def test_the_plan_is_cached_and_one_clone_is_a_lookup_and_a_script(db):
    first = clone.current_plan(TEMPLATE)
    assert clone.current_plan(TEMPLATE) is first
    with CaptureQueriesContext(connection) as queries:
        clone_schema(TEMPLATE, CLONE)
    statements = [q["sql"] for q in queries.captured_queries]
    assert not any("information_schema" in sql for sql in statements)
    ddl = [sql for sql in statements if sql.startswith("CREATE SCHEMA")]
    assert len(ddl) == 1
    # savepoint, template lock, lookup, the script, search_path back, release
    assert len(statements) <= 6, statements
    assert sum("CREATE TABLE" in sql for sql in statements) == 1


def test_a_template_changed_by_hand_is_read_again(db):
    clone.current_plan(TEMPLATE)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TEMPLATE}.core_case ADD COLUMN probe_note text DEFAULT 'x'")
    clone_schema(TEMPLATE, CLONE)
    columns = {(c[0], c[1]): c for c in describe(CLONE)["columns"]}
    assert columns[("core_case", "probe_note")][2] == "text"
    assert columns[("core_case", "probe_note")][7] == "'x'::text"


def test_features_beyond_todays_template(db):
    """What Django's migrations may produce tomorrow: serial and free-standing sequences,
    defaults, generated columns, collations, a foreign key to the public schema, a self
    reference, NOT VALID checks, comments. Each comes out of the clone as in the template."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE SEQUENCE {TEMPLATE}.probe_numbers START 100 INCREMENT 5;
            CREATE TABLE {TEMPLATE}.probe (
                id serial PRIMARY KEY,
                number integer NOT NULL DEFAULT nextval('{TEMPLATE}.probe_numbers'),
                code varchar(20) COLLATE "C" NOT NULL DEFAULT 'a%b',
                doubled integer GENERATED ALWAYS AS (number * 2) STORED,
                company_id bigint REFERENCES public.tenants_gridcompany (id),
                parent_id integer REFERENCES {TEMPLATE}.probe (id) ON DELETE CASCADE,
                search text,
                CONSTRAINT probe_code_unique UNIQUE (code)
            ) WITH (fillfactor = 90);
            CREATE INDEX probe_search ON {TEMPLATE}.probe USING gin (search public.gin_trgm_ops)
                WHERE parent_id IS NULL;
            INSERT INTO {TEMPLATE}.probe (code) VALUES ('x'), ('y');
            ALTER TABLE {TEMPLATE}.probe ADD CONSTRAINT probe_positive CHECK (number > 107)
                NOT VALID;
            COMMENT ON TABLE {TEMPLATE}.probe IS 'probe''s table';
            COMMENT ON COLUMN {TEMPLATE}.probe.code IS 'code';
            """
        )
    clone_schema(TEMPLATE, CLONE)

    def probe_only(description):
        return {
            part: [row for row in entries if row[0].startswith("probe")]
            for part, entries in description.items()
        }

    assert probe_only(describe(CLONE)) == probe_only(describe(TEMPLATE))
    assert table_rows(CLONE, "probe") == table_rows(TEMPLATE, "probe")
    references = dict(
        rows(
            "SELECT conname, confrelid::regclass::text FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [f"{CLONE}.probe"],
        )
    )
    assert references == {
        "probe_company_id_fkey": "tenants_gridcompany",  # public, on the search_path
        "probe_parent_id_fkey": f"{CLONE}.probe",
    }
    inserted = rows(f"INSERT INTO {CLONE}.probe (code) VALUES ('z') RETURNING id, number")
    assert inserted == [(3, 110)]  # serial after the copied ids, the sequence after the template's
    assert value(
        f"SELECT reloptions::text FROM pg_class WHERE oid = '{CLONE}.probe'::regclass"
    ) == ("{fillfactor=90}")
    assert (
        value(f"SELECT obj_description('{CLONE}.probe'::regclass, 'pg_class')") == "probe's table"
    )
    owner = value(f"SELECT pg_get_serial_sequence('{CLONE}.probe', 'id')")
    assert owner == f"{CLONE}.probe_id_seq"


def test_functions_and_triggers_are_copied_and_call_the_clones_function(db):
    """A trigger function of the template (e.g. core_signature_immutable) is copied, and
    the copied trigger calls the copy; a disabled trigger stays disabled; the template's
    rows are copied without firing the copied triggers."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE FUNCTION {TEMPLATE}.probe_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'probe refused %', TG_OP; END $$;
            COMMENT ON FUNCTION {TEMPLATE}.probe_refuse() IS 'refuses';
            CREATE FUNCTION {TEMPLATE}.probe_count() RETURNS bigint LANGUAGE sql
                AS 'SELECT count(*) FROM django_migrations';
            CREATE TRIGGER probe_no_insert BEFORE INSERT ON {TEMPLATE}.django_migrations
                FOR EACH ROW EXECUTE FUNCTION {TEMPLATE}.probe_refuse();
            CREATE TRIGGER probe_off BEFORE DELETE ON {TEMPLATE}.django_content_type
                FOR EACH ROW EXECUTE FUNCTION {TEMPLATE}.probe_refuse();
            ALTER TABLE {TEMPLATE}.django_content_type DISABLE TRIGGER probe_off;
            """
        )
    clone_schema(TEMPLATE, CLONE)
    cloned, template = describe(CLONE), describe(TEMPLATE)
    assert cloned["functions"] == template["functions"]
    assert cloned["triggers"] == template["triggers"]
    assert all(calls_own_schema for *_, calls_own_schema in cloned["triggers"])
    assert table_rows(CLONE, "django_migrations") == table_rows(TEMPLATE, "django_migrations")
    with pytest.raises(Exception, match="probe refused INSERT"), transaction.atomic():
        value(
            f"INSERT INTO {CLONE}.django_migrations (app, name, applied) VALUES ('a', 'b', now())"
        )
    with connection.cursor() as cursor:  # disabled: deleting goes through
        cursor.execute(f"DELETE FROM {CLONE}.auth_permission")
        cursor.execute(f"DELETE FROM {CLONE}.django_content_type")
    assert value(f"SELECT obj_description('{CLONE}.probe_refuse()'::regprocedure)") == "refuses"


def test_a_function_tied_to_the_template_is_refused(db):
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE FUNCTION {TEMPLATE}.probe_tied() RETURNS bigint LANGUAGE sql "
            f"AS 'SELECT count(*) FROM {TEMPLATE}.django_migrations'"
        )
    with pytest.raises(clone.CloneError, match="names the template schema"):
        clone_schema(TEMPLATE, CLONE)
    assert not schema_exists(CLONE)


@pytest.mark.parametrize(
    ("ddl", "named"),
    [
        (f"CREATE VIEW {TEMPLATE}.probe_view AS SELECT 1 AS one", "view probe_view"),
        (f"CREATE TYPE {TEMPLATE}.probe_kind AS ENUM ('a')", "type probe_kind"),
        (
            f"CREATE AGGREGATE {TEMPLATE}.probe_sum (int) (SFUNC = int4pl, STYPE = int)",
            "aggregate",
        ),
        (
            f"CREATE RULE probe_rule AS ON DELETE TO {TEMPLATE}.core_case DO INSTEAD NOTHING",
            "rule probe_rule on core_case",
        ),
        (
            f"CREATE POLICY probe_policy ON {TEMPLATE}.core_case USING (true)",
            "row-level security policy probe_policy on core_case",
        ),
    ],
)
def test_what_the_clone_cannot_copy_is_refused(db, ddl, named):
    with connection.cursor() as cursor:
        cursor.execute(ddl)
    with pytest.raises(UnsupportedTemplateObject, match=named):
        clone_schema(TEMPLATE, CLONE)
    assert not schema_exists(CLONE)
