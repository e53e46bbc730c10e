"""Benchmark: provisioning many grid companies through the operator service, then one
`migrate_schemas` over all of them with nothing to apply.

Run from the repository root:
``python bench/provision_many.py [-n 100] [--baseline] [--old-clone] [--no-migrate]``.
Each company goes through `tenants.services.create_grid_company` (validation, clone,
settings, administrator, invitation in the outbox, audit). Prints the median and p95
seconds per company, overall and for the first and the last ten companies, with the
ratio last / first (about 1 when the cost does not grow with the number of schemas),
for the whole service call and for the schema clone alone; then the wall time of
`migrate_schemas --tenant` with every schema up to date, which skips them
(tenants.migration_executor); `--baseline` also times the same run with django-tenants'
own executor, which migrates each schema. `--old-clone` provisions with django-tenants'
PL/pgSQL `clone_schema()` instead of tenants.clone, for before/after figures;
`--no-migrate` stops after provisioning.

Uses its own database like bench/provision.py (``BENCH_DATABASE_URL``, default
``lk_bench``), created and dropped by the script.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from provision import bench_database, timed  # noqa: E402


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def stats(values: list[float]) -> str:
    return f"median {statistics.median(values):.3f} s, p95 {p95(values):.3f} s"


def report(label: str, timings: list[float]) -> None:
    """Overall, first ten, last ten, and whether the cost grows (last / first)."""
    group = min(10, max(1, len(timings) // 2))
    first, last = timings[:group], timings[-group:]
    ratio = statistics.median(last) / statistics.median(first)
    print(f"{label}: {stats(timings)}")
    print(f"  first {group}: {stats(first)}")
    print(f"  last {group}:  {stats(last)}")
    print(f"  ratio last / first (medians): {ratio:.2f}")


def timing_clone(old: bool, clone_timings: list[float]):
    """Swap the clone provisioning calls for a timed one (the old or the new clone)."""
    from django_tenants.clone import CloneSchema

    from tenants import provisioning

    def old_clone(template, schema):
        CloneSchema().clone_schema(template, schema)

    clone = old_clone if old else provisioning.clone_schema

    def timed_clone(template, schema):
        clone_timings.append(timed(lambda: clone(template, schema)))

    provisioning.clone_schema = timed_clone


def provision_companies(n: int, *, old_clone: bool = False) -> tuple[list[float], list[float]]:
    from core.accounts.models import User
    from tenants import services
    from tenants.provisioning import CompanyAdmin

    clone_timings: list[float] = []
    timing_clone(old_clone, clone_timings)

    operator = User.objects.create_user(
        "bench-operator@platform.test", "bench-password-1", role=User.Role.OPERATOR
    )
    timings = []
    for i in range(n):
        spec = services.NewCompany(
            requisites=services.Requisites(name=f'ООО "Сети {i}"', inn="7707083893"),
            subdomain=f"bench-{i:04d}",
            admin=CompanyAdmin(
                email=f"admin@bench-{i}.test", last_name="Иванов", first_name="Иван"
            ),
        )
        timings.append(timed(lambda spec=spec: services.create_grid_company(operator, spec)))
        if (i + 1) % 10 == 0:
            print(
                f"  {i + 1}/{n} provisioned, last ten: median "
                f"{statistics.median(timings[-10:]):.3f} s",
                flush=True,
            )
    return timings, clone_timings


def migrate_all(executor_function) -> float:
    """One `migrate_schemas --tenant` run (executor from settings: multiprocessing)."""
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.management.commands import migrate_schemas

    migrate_schemas.GET_EXECUTOR_FUNCTION = executor_function
    seconds = timed(
        lambda: call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
    )
    connection.set_schema_to_public()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100, help="companies (default 100)")
    parser.add_argument(
        "--baseline", action="store_true", help="also time migrate_schemas without skipping"
    )
    parser.add_argument(
        "--old-clone",
        action="store_true",
        help="clone with django-tenants' clone_schema() (before/after figures)",
    )
    parser.add_argument(
        "--no-migrate", action="store_true", help="stop after provisioning the companies"
    )
    args = parser.parse_args()

    with bench_database():
        from django.conf import settings
        from django_tenants.migration_executors import get_executor as plain_executor

        from tenants.migration_executor import get_executor as skipping_executor

        timings, clone_timings = provision_companies(args.n, old_clone=args.old_clone)
        which = "django-tenants clone_schema()" if args.old_clone else "tenants.clone"
        print(f"companies provisioned through the service: {args.n} (clone: {which})")
        report("per company (create_grid_company)", timings)
        report("schema clone alone", clone_timings)
        if args.no_migrate:
            return
        executor = settings.TENANT_MIGRATION_EXECUTOR
        skip = migrate_all(skipping_executor)
        print(
            f"migrate_schemas over {args.n} up-to-date schemas ({executor}, skipping): {skip:.2f} s"
        )
        if args.baseline:
            plain = migrate_all(plain_executor)
            print(
                f"migrate_schemas over {args.n} up-to-date schemas ({executor}, no skipping): "
                f"{plain:.2f} s"
            )


if __name__ == "__main__":
    main()
