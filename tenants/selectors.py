"""Reads of the platform operator console: grid companies with their usage figures.

Usage lives in each company's own schema. Rather than switching schemas in a
Python loop (one round trip per company and table), each figure is one SQL
statement that reads `"<schema>".<table>` of every company at once with UNION ALL.
Tables a schema does not have yet (the cases table arrives with the cases feature)
are skipped after one look at information_schema.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Q
from django_tenants.utils import get_public_schema_name

from core.accounts.models import User

from .models import GridCompany, PlatformAuditEntry

SAFE_SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
STORAGE_CACHE_SECONDS = 600

SORTS = {
    "name": ("name", False),
    "-name": ("name", True),
    "created": ("created_at", False),
    "-created": ("created_at", True),
    "applicants": ("applicants", False),
    "-applicants": ("applicants", True),
    "staff": ("staff", False),
    "-staff": ("staff", True),
    "cases": ("cases_total", False),
    "-cases": ("cases_total", True),
    "cases30": ("cases_30d", False),
    "-cases30": ("cases_30d", True),
    "storage": ("storage_bytes", False),
    "-storage": ("storage_bytes", True),
    "activity": ("last_activity", False),
    "-activity": ("last_activity", True),
}


@dataclass
class CompanyStats:
    applicants: int = 0
    staff: int = 0
    cases_total: int | None = None  # None: the schema has no cases table yet
    cases_30d: int | None = None
    storage_bytes: int = 0
    last_activity: datetime | None = None
    activity_parts: list = field(default_factory=list, repr=False)


@dataclass
class CompanyRow:
    company: GridCompany
    hosts: list[str]
    stats: CompanyStats

    def value(self, name: str):
        """A column by name: a usage figure or a field of the company (for sorting)."""
        if name in CompanyStats.__dataclass_fields__:
            return getattr(self.stats, name)
        return getattr(self.company, name)


def grid_companies():
    """Every grid company (not the public site's registry row)."""
    return GridCompany.objects.exclude(schema_name=get_public_schema_name())


def get_company(subdomain: str) -> GridCompany | None:
    return grid_companies().filter(subdomain=subdomain).first()


def company_rows(*, search: str = "", sort: str = "name") -> list[CompanyRow]:
    """The companies list: search by name, subdomain or host; sort by any column."""
    companies = grid_companies().prefetch_related("domains")
    search = (search or "").strip()
    if search:
        companies = companies.filter(
            Q(name__icontains=search)
            | Q(subdomain__icontains=search)
            | Q(domains__domain__icontains=search)
        ).distinct()
    companies = list(companies)
    stats = company_stats([c.schema_name for c in companies])
    rows = [
        CompanyRow(
            company=c,
            hosts=[
                d.domain for d in sorted(c.domains.all(), key=lambda d: (not d.is_primary, d.id))
            ],
            stats=stats.get(c.schema_name, CompanyStats()),
        )
        for c in companies
    ]
    key, reverse = SORTS.get(sort, SORTS["name"])
    return sorted(rows, key=lambda r: _sort_key(r.value(key)), reverse=reverse)


def _primary_first(domain):
    return (not domain.is_primary, domain.id)


def _sort_key(value):
    """None sorts as the smallest value of any type."""
    if value is None:
        return (0, 0)
    if isinstance(value, str):
        return (1, value.lower())
    if isinstance(value, datetime):
        return (1, value.timestamp())
    return (1, value)


def company_stats(schemas: list[str]) -> dict[str, CompanyStats]:
    """Usage of each schema: users by role, cases, last activity (SQL across schemas)
    and storage (the storage API, cached)."""
    schemas = [s for s in schemas if SAFE_SCHEMA_RE.match(s)]
    result = {s: CompanyStats() for s in schemas}
    if not schemas:
        return result
    tables = existing_tables(
        schemas, ["accounts_user", "core_case", "core_caseentry", "core_auditentry"]
    )
    _count_users(result, tables["accounts_user"])
    _count_cases(result, tables["core_case"])
    _last_moment(result, tables["core_caseentry"], "core_caseentry")
    _last_moment(result, tables["core_auditentry"], "core_auditentry")
    for schema, stats in result.items():
        stats.storage_bytes = storage_used(schema)
        moments = [m for m in stats.activity_parts if m is not None]
        stats.last_activity = max(moments) if moments else None
    return result


def existing_tables(schemas: list[str], tables: list[str]) -> dict[str, list[str]]:
    """For each table name, the schemas (of those given) that have it."""
    found = {t: [] for t in tables}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, table_schema FROM information_schema.tables "
            "WHERE table_schema = ANY(%s) AND table_name = ANY(%s) ORDER BY table_schema",
            [list(schemas), list(tables)],
        )
        for table, schema in cursor.fetchall():
            found[table].append(schema)
    return found


def _union(schemas: list[str], select: str) -> str:
    """`select` (with {schema} for the quoted schema and %s for its name) over every schema."""
    return " UNION ALL ".join(select.format(schema=f'"{s}"') for s in schemas)


def _run(sql: str, schemas: list[str]):
    with connection.cursor() as cursor:
        cursor.execute(sql, schemas)
        return cursor.fetchall()


def _count_users(result, schemas):
    if not schemas:
        return
    sql = _union(
        schemas,
        f"SELECT %s, COUNT(*) FILTER (WHERE role = '{User.Role.APPLICANT.value}'), "
        f"COUNT(*) FILTER (WHERE role = '{User.Role.STAFF.value}'), MAX(last_login) "
        "FROM {schema}.accounts_user",
    )
    for schema, applicants, staff, last_login in _run(sql, schemas):
        stats = result[schema]
        stats.applicants, stats.staff = applicants, staff
        stats.activity_parts.append(last_login)


def _count_cases(result, schemas):
    if not schemas:
        return
    sql = _union(
        schemas,
        "SELECT %s, COUNT(*), COUNT(*) FILTER (WHERE created_at >= NOW() - INTERVAL '30 days'), "
        "MAX(created_at) FROM {schema}.core_case",
    )
    for schema, total, recent, last in _run(sql, schemas):
        stats = result[schema]
        stats.cases_total, stats.cases_30d = total, recent
        stats.activity_parts.append(last)


def _last_moment(result, schemas, table):
    """The newest `created_at` of a table: a sign of life for «last activity»."""
    if not schemas:
        return
    sql = _union(schemas, f"SELECT %s, MAX(created_at) FROM {{schema}}.{table}")
    for schema, last in _run(sql, schemas):
        result[schema].activity_parts.append(last)


def storage_used(schema: str, *, refresh: bool = False) -> int:
    """Bytes stored under the schema's prefix; walked through the storage API and
    cached for a few minutes (listing S3 is not free)."""
    key = f"platform:storage:{schema}"
    if not refresh:
        cached = cache.get(key)
        if cached is not None:
            return cached
    total = _tree_size(default_storage, schema)
    cache.set(key, total, STORAGE_CACHE_SECONDS)
    return total


def _tree_size(storage, path: str) -> int:
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return 0
    total = sum(storage.size(f"{path}/{name}") for name in files)
    return total + sum(_tree_size(storage, f"{path}/{name}") for name in directories)


def company_admins(company: GridCompany):
    """The company's administrators (read in its schema), as plain dicts."""
    from django_tenants.utils import schema_context

    with schema_context(company.schema_name):
        return [
            {
                "id": u.pk,
                "email": u.email,
                "full_name": u.full_name,
                "has_password": u.has_usable_password(),
                "last_login": u.last_login,
                "is_active": u.is_active,
            }
            for u in User.objects.filter(is_company_admin=True).order_by("date_joined", "id")
        ]


def company_settings(company: GridCompany):
    from django_tenants.utils import schema_context

    from core.models import PortalSettings

    with schema_context(company.schema_name):
        return PortalSettings.objects.filter(singleton=True).first()


def audit_log(*, search: str = "", subdomain: str = ""):
    entries = PlatformAuditEntry.objects.select_related("actor")
    if subdomain:
        entries = entries.filter(subdomain=subdomain)
    search = (search or "").strip()
    if search:
        entries = entries.filter(
            Q(summary__icontains=search)
            | Q(actor_label__icontains=search)
            | Q(company_name__icontains=search)
            | Q(subdomain__icontains=search)
        )
    return entries
