"""Benchmark: provisioning a grid company by cloning the template schema versus by
replaying every migration.

Run from the repository root: ``python bench/provision.py [-n 5]``. Creates N companies
each way and prints the median seconds of each and their ratio.

It works in its own database (``BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/lk_bench``), created at the start and dropped at
the end, never the development or test databases. Mail stays in memory, tasks run in
the process and the cache is local, so nothing reaches a running worker or Redis.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lk_bench"
PROTECTED = {"lk_tp", "postgres", "template0", "template1"}


def bench_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    name = urlparse(url).path.lstrip("/")
    if name in PROTECTED or name.startswith("test_") or not name:
        sys.exit(f"Refusing to benchmark in database {name!r}: use a dedicated one.")
    return url


def _admin_connection(url: str):
    import psycopg2

    conn = psycopg2.connect(urlparse(url)._replace(path="/postgres").geturl())
    conn.autocommit = True
    return conn


def _drop(cursor, name: str) -> None:
    cursor.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        [name],
    )
    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@contextmanager
def bench_database():
    """A fresh database for the run, with Django configured on it; dropped afterwards."""
    url = bench_url()
    name = urlparse(url).path.lstrip("/")
    conn = _admin_connection(url)
    with conn.cursor() as cursor:
        _drop(cursor, name)
        cursor.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["LK_WITHOUT_REDIS"] = "true"  # eager tasks, in-memory cache
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["MEDIA_ROOT"] = str(ROOT / "var" / "bench-media")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate_platform", verbosity=0)
        print(f"platform migrated (public + template) in {time.perf_counter() - started:.1f} s")
        yield
    finally:
        from django.db import connections

        connections.close_all()
        with conn.cursor() as cursor:
            _drop(cursor, name)
        conn.close()


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5, help="companies per method (default 5)")
    args = parser.parse_args()

    with bench_database():
        from tenants.provisioning import (
            CompanyAdmin,
            provision_by_migrations,
            provision_grid_company,
        )

        cloned, migrated = [], []
        for i in range(args.n):
            cloned.append(
                timed(
                    lambda i=i: provision_grid_company(
                        name=f"Клон {i}",
                        subdomain=f"clone-{i}",
                        admin=CompanyAdmin(email=f"admin@clone-{i}.test"),
                    )
                )
            )
            migrated.append(
                timed(
                    lambda i=i: provision_by_migrations(name=f"Миграции {i}", subdomain=f"mig-{i}")
                )
            )
        clone_median = statistics.median(cloned)
        migrate_median = statistics.median(migrated)
        print(f"companies per method: {args.n}")
        print(f"clone (provision_grid_company):        median {clone_median:.3f} s")
        print(f"migrations (provision_by_migrations):  median {migrate_median:.3f} s")
        print(f"ratio migrations / clone:              {migrate_median / clone_median:.1f}x")


if __name__ == "__main__":
    main()
