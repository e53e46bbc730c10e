"""Clone the template schema into a new grid company's schema, fast at any number of schemas.

django-tenants' PL/pgSQL `clone_schema()` queries information_schema for every table;
those views scan the whole catalogue, so each clone got slower as companies were added
(median 0.5 s for the first ten, 3.8 s around the hundredth). Here the template's
structure is read from pg_catalog, filtered by the template's namespace oid, turned
into one DDL script with the new schema's name left as a hole, and cached in-process
until the template changes. A clone is then a lock and one cheap lookup (index-driven,
so its cost does not depend on how many schemas exist) plus one round trip running the
script in the caller's transaction: a failure, or the caller rolling back, leaves
nothing behind.

How the script stays correct without rewriting definitions text:

* The definitions PostgreSQL prints (`pg_get_constraintdef`, `pg_get_indexdef`,
  `pg_get_expr`, `format_type`) qualify an object only when it is not visible on the
  search_path. They are generated with the search_path set to the template alone, so
  objects of the template come out unqualified and everything else (`public.gin_trgm_ops`,
  a foreign key to a public table) comes out qualified. The script runs with the
  search_path set to the new schema, so the unqualified names bind to the new schema's
  tables and sequences while the qualified ones keep pointing where they did.
* Statement heads (`CREATE TABLE`, `CREATE INDEX … ON`, `ALTER TABLE`) are written here
  with the new schema's name; an index definition's head, which PostgreSQL always
  qualifies, is checked against what it must be and replaced.
* Functions (`pg_get_functiondef`) are created first, with check_function_bodies off as
  pg_dump does; triggers (`pg_get_triggerdef`) after the rows are copied, so copied rows
  are not fired upon, and they call the new schema's copy of a template function.
* A generated definition that still names the template is refused rather than cloned
  (for a function body, any mention of the template's name), as is anything in the
  template this module does not know how to copy (views, aggregates, rules, policies,
  types, inheritance…): a clone never silently drops or mis-points something.

Rows are not part of the cached script: every table's rows are copied with
INSERT … SELECT from the template at clone time (django_migrations,
django_content_type, auth_permission…), then every sequence continues after both the
template's sequence and the copied ids.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction

# Never part of a PostgreSQL identifier or definition (text cannot hold NUL), so it can
# mark where the new schema's name goes without any risk of matching real text.
HOLE = "\x00"
SCHEMA_NAME_RE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class CloneError(Exception):
    """The template cannot be cloned as it is (English: for developers and logs)."""


class UnsupportedTemplateObject(CloneError):
    """The template holds something this module does not copy; cloning would drop it."""


@dataclass(frozen=True)
class ClonePlan:
    """The DDL for one state of the template, with the new schema's name as holes."""

    template: str
    fingerprint: str
    segments: tuple[str, ...]
    tables: tuple[str, ...]

    def render(self, schema: str) -> str:
        return quote_ident(schema).join(self.segments)


_plans: dict[tuple, ClonePlan] = {}
_plans_lock = threading.Lock()


def quote_ident(name: str) -> str:
    """Always-quoted identifier: valid for any name, whatever PostgreSQL's keywords."""
    return '"' + name.replace('"', '""') + '"'


def clear_plan_cache() -> None:
    with _plans_lock:
        _plans.clear()


# --- The per-clone lookup -------------------------------------------------------------

# Everything here goes through an index (pg_depend by referenced object, pg_attribute
# by relation, pg_constraint by relation, …) for the template's own relations, so the
# cost stays the same with ten or ten thousand schemas. `= ANY ((SELECT …))` makes the
# relation list an InitPlan array: the planner cannot turn it into a scan of a catalogue.
LOOKUP_SQL = """
WITH nsp AS (SELECT oid FROM pg_namespace WHERE nspname = %(template)s),
deps AS (
    SELECT d.classid, d.objid FROM pg_depend d, nsp
    WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = nsp.oid
),
rels AS (SELECT array_agg(objid) AS oids FROM deps WHERE classid = 'pg_class'::regclass),
procs AS (SELECT array_agg(objid) AS oids FROM deps WHERE classid = 'pg_proc'::regclass),
facts AS (
    SELECT 'o' || ROW(classid, objid)::text AS fact FROM deps
    UNION ALL
    SELECT 'c' || ROW(c.oid, c.relname, c.relkind, c.relpersistence, c.reloptions,
        c.relrowsecurity, c.relforcerowsecurity, c.relreplident, c.reltablespace)::text
    FROM pg_class c WHERE c.oid = ANY ((SELECT oids FROM rels)::oid[])
    UNION ALL
    SELECT 'a' || ROW(a.attrelid, a.attnum, a.attname, a.atttypid, a.atttypmod,
        a.attnotnull, a.attidentity, a.attgenerated, a.attisdropped, a.attcollation,
        a.attstattarget, a.attstorage, a.attcompression)::text
    FROM pg_attribute a WHERE a.attrelid = ANY ((SELECT oids FROM rels)::oid[]) AND a.attnum > 0
    UNION ALL
    SELECT 'd' || ad.oid FROM pg_attrdef ad WHERE ad.adrelid = ANY ((SELECT oids FROM rels)::oid[])
    UNION ALL
    SELECT 'k' || ROW(k.oid, k.conname, k.convalidated)::text
    FROM pg_constraint k WHERE k.conrelid = ANY ((SELECT oids FROM rels)::oid[])
    UNION ALL
    SELECT 'i' || ROW(i.indexrelid, ic.relname, i.indisvalid, ic.reltablespace)::text
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE i.indrelid = ANY ((SELECT oids FROM rels)::oid[])
    UNION ALL
    SELECT 't' || md5(t::text) FROM pg_trigger t
    WHERE t.tgrelid = ANY ((SELECT oids FROM rels)::oid[])
    UNION ALL
    SELECT 'f' || md5(f::text) FROM pg_proc f
    WHERE f.oid = ANY ((SELECT oids FROM procs)::oid[])
    UNION ALL
    SELECT 'r' || r.oid FROM pg_rewrite r WHERE r.ev_class = ANY ((SELECT oids FROM rels)::oid[])
    UNION ALL
    SELECT 'p' || p.oid FROM pg_policy p WHERE p.polrelid = ANY ((SELECT oids FROM rels)::oid[])
    UNION ALL
    SELECT 'h' || ROW(h.inhrelid, h.inhparent)::text FROM pg_inherits h
    WHERE h.inhrelid = ANY ((SELECT oids FROM rels)::oid[])
    UNION ALL
    SELECT 'q' || ROW(s.seqrelid, s.seqtypid, s.seqstart, s.seqincrement, s.seqmax,
        s.seqmin, s.seqcache, s.seqcycle)::text
    FROM pg_sequence s WHERE s.seqrelid = ANY ((SELECT oids FROM rels)::oid[])
    UNION ALL
    SELECT 'x' || ROW(dd.objid, dd.refobjid, dd.refobjsubid, dd.deptype)::text FROM pg_depend dd
    WHERE dd.classid = 'pg_class'::regclass AND dd.objid = ANY ((SELECT oids FROM rels)::oid[])
        AND dd.refclassid = 'pg_class'::regclass AND dd.deptype IN ('a', 'i')
    UNION ALL
    SELECT 'm' || ROW(ds.objoid, ds.objsubid, md5(ds.description))::text
    FROM pg_description ds
    WHERE ds.objoid = ANY ((SELECT oids FROM rels)::oid[]) AND ds.classoid = 'pg_class'::regclass
)
SELECT
    (SELECT oid FROM nsp),
    (SELECT md5(coalesce(string_agg(fact, ',' ORDER BY fact), '')) FROM facts),
    EXISTS (SELECT 1 FROM pg_namespace WHERE lower(nspname) = lower(%(schema)s)),
    current_setting('search_path'),
    current_setting('check_function_bodies')
"""


def clone_schema(template: str, schema: str) -> None:
    """Create `schema` as a copy of `template` (structure and rows) in the current transaction.

    Raises ValidationError when a schema of that name exists already (any case, as
    django-tenants did: two tenants must not fight over one schema), and CloneError
    when the template holds something that would not be copied faithfully.
    """
    if not SCHEMA_NAME_RE.fullmatch(schema):
        raise ValueError(f"Not a schema name a grid company may have: {schema!r}")
    from .provisioning import TEMPLATE_LOCK_ID  # here: provisioning imports this module

    # A savepoint of its own: the search_path is switched inside, and a failure here
    # must leave the caller's transaction as it was (the caller still rolls back).
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Shared with other clones, exclusive with a migration of the template
            # (migrate_template_schema): the structure read below and the rows copied by
            # the script are then of one and the same template. A statement of its own,
            # so that the lookup's snapshot is taken once the lock is held.
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [TEMPLATE_LOCK_ID])
            cursor.execute(LOOKUP_SQL, {"template": template, "schema": schema})
            nsp_oid, fingerprint, taken, search_path, check_bodies = cursor.fetchone()
            if nsp_oid is None:
                raise CloneError(f"The template schema {template!r} does not exist.")
            if taken:
                raise ValidationError("New schema name already exists")
            plan = cached_plan(cursor, template, nsp_oid, fingerprint, search_path)
            cursor.execute(plan.render(schema))
            # The script set both for itself; the caller gets its own values back.
            cursor.execute(
                "SELECT set_config('search_path', %s, true), "
                "set_config('check_function_bodies', %s, true)",
                [search_path, check_bodies],
            )


def cached_plan(cursor, template: str, nsp_oid: int, fingerprint: str, search_path: str):
    key = (
        connection.alias,
        connection.settings_dict.get("HOST"),
        connection.settings_dict.get("PORT"),
        connection.settings_dict.get("NAME"),
        template,
    )
    state = f"{nsp_oid}:{fingerprint}"
    plan = _plans.get(key)
    if plan is None or plan.fingerprint != state:
        plan = build_plan(cursor, template, nsp_oid, state, search_path)
        with _plans_lock:
            _plans[key] = plan
    return plan


def current_plan(template: str) -> ClonePlan:
    """The plan for the template as it is now (built if needed); for tests and tooling."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(LOOKUP_SQL, {"template": template, "schema": ""})
        nsp_oid, fingerprint, _, search_path, _ = cursor.fetchone()
        if nsp_oid is None:
            raise CloneError(f"The template schema {template!r} does not exist.")
        return cached_plan(cursor, template, nsp_oid, fingerprint, search_path)


# --- Reading the template (once per template state) -----------------------------------

UNSUPPORTED_SQL = """
SELECT kind, name FROM (
    SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
            WHEN 'c' THEN 'composite type' WHEN 'f' THEN 'foreign table'
            WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index'
            ELSE 'relation of kind ' || c.relkind::text END AS kind,
        c.relname::text AS name
    FROM pg_class c
    WHERE c.relnamespace = %(nsp)s AND c.relkind NOT IN ('r', 'S', 'i')
    UNION ALL
    SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'window function' END,
        p.oid::regprocedure::text
    FROM pg_proc p WHERE p.pronamespace = %(nsp)s AND p.prokind NOT IN ('f', 'p')
    UNION ALL
    SELECT 'type', t.typname::text FROM pg_type t
    WHERE t.typnamespace = %(nsp)s AND t.typrelid = 0
        AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid AND e.typrelid <> 0)
    UNION ALL
    SELECT 'constraint trigger', k.conname || ' on ' || c.relname FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid
    WHERE k.conrelid = ANY (%(rels)s::oid[]) AND k.contype NOT IN ('p', 'u', 'c', 'f', 'x')
    UNION ALL
    SELECT 'rule', r.rulename || ' on ' || c.relname FROM pg_rewrite r
    JOIN pg_class c ON c.oid = r.ev_class WHERE r.ev_class = ANY (%(rels)s::oid[])
    UNION ALL
    SELECT 'row-level security policy', p.polname || ' on ' || c.relname FROM pg_policy p
    JOIN pg_class c ON c.oid = p.polrelid WHERE p.polrelid = ANY (%(rels)s::oid[])
    UNION ALL
    SELECT 'row-level security', c.relname FROM pg_class c
    WHERE c.oid = ANY (%(rels)s::oid[]) AND (c.relrowsecurity OR c.relforcerowsecurity)
    UNION ALL
    SELECT 'non-default replica identity', c.relname FROM pg_class c
    WHERE c.oid = ANY (%(rels)s::oid[]) AND c.relkind = 'r' AND c.relreplident <> 'd'
    UNION ALL
    SELECT 'tablespace', c.relname FROM pg_class c
    WHERE c.oid = ANY (%(rels)s::oid[]) AND c.reltablespace <> 0
    UNION ALL
    SELECT 'index tablespace', ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE i.indrelid = ANY (%(rels)s::oid[]) AND ic.reltablespace <> 0
    UNION ALL
    SELECT 'invalid index (failed concurrent build)', ic.relname FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE i.indrelid = ANY (%(rels)s::oid[]) AND NOT i.indisvalid
    UNION ALL
    SELECT 'table inheritance or partition', c.relname FROM pg_inherits h
    JOIN pg_class c ON c.oid = h.inhrelid
    WHERE h.inhrelid = ANY (%(rels)s::oid[]) OR h.inhparent = ANY (%(rels)s::oid[])
    UNION ALL
    SELECT 'column storage, compression or statistics option', c.relname || '.' || a.attname
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
    WHERE a.attrelid = ANY (%(rels)s::oid[]) AND c.relkind = 'r' AND a.attnum > 0
        AND NOT a.attisdropped
        AND (a.attstorage <> t.typstorage OR a.attcompression <> '' OR a.attstattarget >= 0)
    UNION ALL
    SELECT 'identity column whose sequence type differs from the column type',
        c.relname || '.' || a.attname
    FROM pg_depend d JOIN pg_sequence s ON s.seqrelid = d.objid
    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    JOIN pg_class c ON c.oid = a.attrelid
    WHERE d.classid = 'pg_class'::regclass AND d.objid = ANY (%(rels)s::oid[])
        AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'i'
        AND s.seqtypid <> a.atttypid
    UNION ALL
    SELECT 'sequence owned by a table outside the template', c.relname FROM pg_depend d
    JOIN pg_class c ON c.oid = d.objid
    WHERE d.classid = 'pg_class'::regclass AND d.objid = ANY (%(rels)s::oid[])
        AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        AND NOT d.refobjid = ANY (%(rels)s::oid[])
    UNION ALL
    SELECT 'extended statistics', s.stxname::text FROM pg_statistic_ext s
    WHERE s.stxnamespace = %(nsp)s
    UNION ALL
    SELECT 'extension', e.extname::text FROM pg_extension e WHERE e.extnamespace = %(nsp)s
    UNION ALL
    SELECT 'collation', o.collname::text FROM pg_collation o WHERE o.collnamespace = %(nsp)s
    UNION ALL
    SELECT 'operator', o.oprname::text FROM pg_operator o WHERE o.oprnamespace = %(nsp)s
    UNION ALL
    SELECT 'operator class', o.opcname::text FROM pg_opclass o WHERE o.opcnamespace = %(nsp)s
    UNION ALL
    SELECT 'operator family', o.opfname::text FROM pg_opfamily o WHERE o.opfnamespace = %(nsp)s
    UNION ALL
    SELECT 'conversion', o.conname::text FROM pg_conversion o WHERE o.connamespace = %(nsp)s
    UNION ALL
    SELECT 'text search configuration', o.cfgname::text FROM pg_ts_config o
    WHERE o.cfgnamespace = %(nsp)s
    UNION ALL
    SELECT 'text search dictionary', o.dictname::text FROM pg_ts_dict o
    WHERE o.dictnamespace = %(nsp)s
) unsupported
ORDER BY kind, name
"""

RELATIONS_SQL = """
SELECT c.oid, c.relkind, quote_ident(c.relname), c.relpersistence,
    (SELECT string_agg(quote_ident(o.option_name) || ' = ' || quote_literal(o.option_value), ', ')
     FROM pg_options_to_table(c.reloptions) o),
    quote_literal(obj_description(c.oid, 'pg_class'))
FROM pg_class c
WHERE c.relnamespace = %(nsp)s AND c.relkind IN ('r', 'S')
ORDER BY c.relname
"""

COLUMNS_SQL = """
SELECT a.attrelid, a.attnum, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),
    CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END,
    a.attnotnull, a.attidentity, a.attgenerated, pg_get_expr(d.adbin, d.adrelid),
    quote_literal(col_description(a.attrelid, a.attnum))
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY (%(tables)s::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

SEQUENCES_SQL = """
SELECT s.seqrelid, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin,
    s.seqmax, s.seqcache, s.seqcycle, d.refobjid, d.refobjsubid, d.deptype
FROM pg_sequence s
LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid
    AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
WHERE s.seqrelid = ANY (%(sequences)s::oid[])
"""

CONSTRAINTS_SQL = """
SELECT k.conrelid, quote_ident(k.conname), k.contype, k.convalidated,
    pg_get_constraintdef(k.oid), k.conindid,
    quote_literal(obj_description(k.oid, 'pg_constraint'))
FROM pg_constraint k
WHERE k.conrelid = ANY (%(tables)s::oid[])
ORDER BY k.conrelid, k.contype, k.conname
"""

FUNCTIONS_SQL = """
SELECT p.prokind, quote_ident(p.proname), pg_get_functiondef(p.oid), p.oid::regprocedure::text,
    quote_literal(obj_description(p.oid, 'pg_proc'))
FROM pg_proc p
WHERE p.pronamespace = %(nsp)s AND p.prokind IN ('f', 'p')
ORDER BY p.proname, p.oid
"""

TRIGGERS_SQL = """
SELECT t.tgrelid, quote_ident(t.tgname), pg_get_triggerdef(t.oid), t.tgenabled,
    quote_literal(obj_description(t.oid, 'pg_trigger'))
FROM pg_trigger t
WHERE t.tgrelid = ANY (%(tables)s::oid[]) AND NOT t.tgisinternal
ORDER BY t.tgrelid, t.tgname
"""

INDEXES_SQL = """
SELECT i.indexrelid, i.indrelid, quote_ident(ic.relname), i.indisunique,
    pg_get_indexdef(i.indexrelid), quote_literal(obj_description(i.indexrelid, 'pg_class'))
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
WHERE i.indrelid = ANY (%(tables)s::oid[])
ORDER BY ic.relname
"""


@dataclass
class _Table:
    oid: int
    name: str
    persistence: str
    options: str | None
    comment: str | None
    columns: list = field(default_factory=list)  # (name, definition, identity, generated, comment)
    inline: list = field(default_factory=list)  # constraints inside CREATE TABLE
    deferred: list = field(default_factory=list)  # constraints added after the rows


def build_plan(cursor, template: str, nsp_oid: int, state: str, search_path: str) -> ClonePlan:
    """Read the template from pg_catalog and write the script that recreates it.

    Runs with the search_path set to the template alone (see the module docstring), in
    the caller's transaction, and puts the caller's search_path back before returning.
    """
    cursor.execute("SELECT quote_ident(%s)", [template])
    template_sql = cursor.fetchone()[0]  # PostgreSQL's own spelling, as in its definitions
    # If a query fails, the transaction is aborted and the caller's savepoint rollback
    # puts the search_path back; on success it is put back here.
    cursor.execute("SELECT set_config('search_path', %s, true)", [template_sql])
    cursor.execute(RELATIONS_SQL, {"nsp": nsp_oid})
    relations = cursor.fetchall()
    cursor.execute(UNSUPPORTED_SQL, {"nsp": nsp_oid, "rels": [row[0] for row in relations]})
    unsupported = cursor.fetchall()
    tables = {
        oid: _Table(oid, name, persistence, options, comment)
        for oid, kind, name, persistence, options, comment in relations
        if kind == "r"
    }
    sequence_names = {oid: name for oid, kind, name, *_ in relations if kind == "S"}
    sequence_persistence = {oid: p for oid, kind, _, p, *_ in relations if kind == "S"}
    sequence_comments = {row[0]: row[5] for row in relations if row[1] == "S"}
    params = {"tables": list(tables), "sequences": list(sequence_names)}
    cursor.execute(COLUMNS_SQL, params)
    columns = cursor.fetchall()
    cursor.execute(SEQUENCES_SQL, params)
    sequences = cursor.fetchall()
    cursor.execute(CONSTRAINTS_SQL, params)
    constraints = cursor.fetchall()
    cursor.execute(INDEXES_SQL, params)
    indexes = cursor.fetchall()
    cursor.execute(FUNCTIONS_SQL, {"nsp": nsp_oid})
    functions = cursor.fetchall()
    cursor.execute(TRIGGERS_SQL, params)
    triggers = cursor.fetchall()
    cursor.execute("SELECT set_config('search_path', %s, true)", [search_path])
    if unsupported:
        listed = "; ".join(f"{kind} {name}" for kind, name in unsupported)
        raise UnsupportedTemplateObject(
            f"The template schema {template!r} holds objects the clone cannot copy: "
            f"{listed}. Teach tenants/clone.py to copy them (with a test), or keep "
            "them out of tenant schemas."
        )

    leak = template_sql + "."

    def generated(text: str, what: str) -> str:
        """A definition printed by PostgreSQL, checked not to name the template."""
        if leak in text:
            raise CloneError(
                f"The definition of {what} names the template schema ({text!r}); cloning "
                "it would point the new schema at the template."
            )
        return text

    column_names = {(row[0], row[1]): row[2] for row in columns}
    identity = {}  # (table oid, attnum) -> identity sequence options
    standalone = []  # sequences created on their own (serial or free-standing)
    owned_by = []  # (sequence oid, table oid, attnum)
    descending = set()  # sequences counting down
    for oid, type_, start, increment, minimum, maximum, cache, cycle, ref, refsub, dep in sequences:
        if increment < 0:
            descending.add(oid)
        options = (
            f"INCREMENT BY {increment} MINVALUE {minimum} MAXVALUE {maximum} "
            f"START WITH {start} CACHE {cache} {'CYCLE' if cycle else 'NO CYCLE'}"
        )
        if dep == "i":
            identity[(ref, refsub)] = (oid, options)
        else:
            standalone.append((oid, type_, options))
            if dep == "a":
                owned_by.append((oid, ref, refsub))

    def qualified(name: str) -> str:
        return f"{HOLE}.{name}"

    for table_oid, attnum, name, type_, collation, notnull, ident, gen, default, comment in columns:
        table = tables[table_oid]
        what = f"column {table.name}.{name}"
        parts = [name, generated(type_, what)]
        if collation:
            parts.append("COLLATE " + generated(collation, what))
        if ident:
            seq_oid, options = identity[(table_oid, attnum)]
            kind = "ALWAYS" if ident == "a" else "BY DEFAULT"
            parts.append(
                f"GENERATED {kind} AS IDENTITY "
                f"(SEQUENCE NAME {qualified(sequence_names[seq_oid])} {options})"
            )
        elif gen == "s":
            parts.append(f"GENERATED ALWAYS AS ({generated(default, what)}) STORED")
        elif default is not None:
            parts.append("DEFAULT " + generated(default, what))
        if notnull:
            parts.append("NOT NULL")
        table.columns.append((name, " ".join(parts), bool(ident), gen == "s", comment))

    constraint_indexes = set()
    constraint_comments = []
    for table_oid, name, kind, validated, definition, index_oid, comment in constraints:
        table = tables[table_oid]
        clause = f"CONSTRAINT {name} {generated(definition, f'constraint {name}')}"
        if kind in ("p", "u", "x"):
            constraint_indexes.add(index_oid)
        # Foreign keys once every table exists and holds its rows; NOT VALID checks after
        # the rows too (they must not be checked against them). The rest in the table.
        if kind == "f" or not validated:
            table.deferred.append(clause)
        else:
            table.inline.append(clause)
        if comment:
            constraint_comments.append(
                f"COMMENT ON CONSTRAINT {name} ON {qualified(table.name)} IS {comment}"
            )

    index_statements, index_comments = [], []
    for index_oid, table_oid, name, unique, definition in (row[:5] for row in indexes):
        if index_oid in constraint_indexes:
            continue  # made by its PRIMARY KEY / UNIQUE / EXCLUDE constraint
        table = tables[table_oid]
        head = f"CREATE {'UNIQUE ' if unique else ''}INDEX {name} ON {template_sql}.{table.name} "
        if not definition.startswith(head):
            raise CloneError(f"Unexpected definition of index {name}: {definition!r}")
        body = generated(definition[len(head) :], f"index {name}")
        head = f"CREATE {'UNIQUE ' if unique else ''}INDEX {name} ON {qualified(table.name)} "
        index_statements.append(head + body)
    for index_oid, _, name, _, _, comment in indexes:
        if comment and index_oid not in constraint_indexes:
            index_comments.append(f"COMMENT ON INDEX {qualified(name)} IS {comment}")

    function_statements, function_comments = [], []
    for kind, name, definition, signature, comment in functions:
        keyword = "PROCEDURE" if kind == "p" else "FUNCTION"
        head = f"CREATE OR REPLACE {keyword} {template_sql}.{name}("
        if not definition.startswith(head):
            raise CloneError(f"Unexpected definition of {signature}: {definition!r}")
        body = definition[len(head) :]
        # A body is opaque text bound at run time: any mention of the template (a
        # qualified name, `SET search_path`) would tie the copy to the template.
        if template in body:
            raise CloneError(
                f"The definition of {signature} names the template schema; cloning it "
                "would tie the new schema to the template."
            )
        function_statements.append(f"CREATE {keyword} {HOLE}.{name}(" + body.rstrip())
        if comment:
            function_comments.append(f"COMMENT ON {keyword} {HOLE}.{signature} IS {comment}")

    trigger_statements, trigger_comments = [], []
    enabling = {"D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}
    for table_oid, name, definition, enabled, comment in triggers:
        table = tables[table_oid]
        target = f" ON {template_sql}.{table.name} "
        if not definition.startswith(f"CREATE TRIGGER {name} ") or target not in definition:
            raise CloneError(f"Unexpected definition of trigger {name}: {definition!r}")
        definition = definition.replace(target, f" ON {qualified(table.name)} ", 1)
        trigger_statements.append(generated(definition, f"trigger {name}"))
        if enabled in enabling:
            trigger_statements.append(
                f"ALTER TABLE {qualified(table.name)} {enabling[enabled]} TRIGGER {name}"
            )
        if comment:
            trigger_comments.append(
                f"COMMENT ON TRIGGER {name} ON {qualified(table.name)} IS {comment}"
            )

    statements = [f"CREATE SCHEMA {HOLE}", f"SET LOCAL search_path = {HOLE}"]
    if function_statements:
        # As pg_dump does: a body may use tables created further down.
        statements.append("SET LOCAL check_function_bodies = off")
        statements += function_statements
    for oid, type_, options in standalone:
        unlogged = "UNLOGGED " if sequence_persistence[oid] == "u" else ""
        statements.append(
            f"CREATE {unlogged}SEQUENCE {qualified(sequence_names[oid])} AS {type_} {options}"
        )
    for table in tables.values():
        unlogged = "UNLOGGED " if table.persistence == "u" else ""
        body = ",\n    ".join([column[1] for column in table.columns] + table.inline)
        options = f" WITH ({table.options})" if table.options else ""
        statements.append(
            f"CREATE {unlogged}TABLE {qualified(table.name)} (\n    {body}\n){options}"
        )
    for table in tables.values():
        names = [name for name, _, _, is_generated, _ in table.columns if not is_generated]
        if not names:
            continue
        listed = ", ".join(names)
        override = " OVERRIDING SYSTEM VALUE" if any(c[2] for c in table.columns) else ""
        statements.append(
            f"INSERT INTO {qualified(table.name)} ({listed}){override} "
            f"SELECT {listed} FROM {template_sql}.{table.name}"
        )
    # Every sequence continues after the template's own and after the copied ids, so a
    # row inserted without an id never collides with a copied one.
    columns_of_sequence = {oid: (ref, refsub) for oid, ref, refsub in owned_by}
    columns_of_sequence.update({oid: key for key, (oid, _) in identity.items()})
    for oid, name in sequence_names.items():
        literal = "'" + qualified(name).replace("'", "''") + "'"
        source = f"{template_sql}.{name}"
        if oid in columns_of_sequence:
            table_oid, attnum = columns_of_sequence[oid]
            column = column_names[(table_oid, attnum)]
            table = qualified(tables[table_oid].name)
            further, extreme = ("LEAST", "min") if oid in descending else ("GREATEST", "max")
            statements.append(
                f"SELECT setval({literal}, {further}(s.last_value, m.v), "
                f"s.is_called OR m.v IS NOT NULL) FROM {source} s, "
                f"(SELECT {extreme}({column}) AS v FROM {table}) m"
            )
        else:
            statements.append(f"SELECT setval({literal}, last_value, is_called) FROM {source}")
    statements += index_statements
    # After the rows: the template's rows are copied as they are, not fired upon.
    statements += trigger_statements
    for table in tables.values():
        if table.deferred:
            clauses = ",\n    ".join("ADD " + clause for clause in table.deferred)
            statements.append(f"ALTER TABLE {qualified(table.name)}\n    {clauses}")
    for oid, table_oid, attnum in owned_by:
        column = column_names[(table_oid, attnum)]
        statements.append(
            f"ALTER SEQUENCE {qualified(sequence_names[oid])} "
            f"OWNED BY {qualified(tables[table_oid].name)}.{column}"
        )
    for table in tables.values():
        if table.comment:
            statements.append(f"COMMENT ON TABLE {qualified(table.name)} IS {table.comment}")
        for name, _, _, _, comment in table.columns:
            if comment:
                statements.append(f"COMMENT ON COLUMN {qualified(table.name)}.{name} IS {comment}")
    statements += constraint_comments + index_comments + function_comments + trigger_comments
    for oid, comment in sequence_comments.items():
        if comment:
            statements.append(f"COMMENT ON SEQUENCE {qualified(sequence_names[oid])} IS {comment}")

    script = ";\n".join(statements) + ";\n"
    return ClonePlan(
        template=template,
        fingerprint=state,
        segments=tuple(script.split(HOLE)),
        tables=tuple(table.name for table in tables.values()),
    )
