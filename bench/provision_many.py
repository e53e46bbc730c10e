"""Benchmark: provisioning many grid companies through the operator service, then one
`migrate_schemas` over all of them with nothing to apply.

Run from the repository root: ``python bench/provision_many.py [-n 100] [--baseline]``.
Each company goes through `tenants.services.create_grid_company` (validation, clone,
settings, administrator, invitation in the outbox, audit). Prints the median and p95
seconds per company, and the wall time of `migrate_schemas --tenant` with every
schema up to date, which skips them (tenants.migration_executor); `--baseline` also
times the same run with django-tenants' own executor, which migrates each schema.

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


def provision_companies(n: int) -> list[float]:
    from core.accounts.models import User
    from tenants import services
    from tenants.provisioning import CompanyAdmin

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
            print(f"  {i + 1}/{n} provisioned", flush=True)
    return timings


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
    args = parser.parse_args()

    with bench_database():
        from django.conf import settings
        from django_tenants.migration_executors import get_executor as plain_executor

        from tenants.migration_executor import get_executor as skipping_executor

        timings = provision_companies(args.n)
        print(f"companies provisioned through the service: {args.n}")
        print(f"per company: median {statistics.median(timings):.3f} s, p95 {p95(timings):.3f} s")
        tenth = max(1, len(timings) // 10)
        print(
            f"median of the first {tenth}: {statistics.median(timings[:tenth]):.3f} s, "
            f"of the last {tenth}: {statistics.median(timings[-tenth:]):.3f} s"
        )
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
