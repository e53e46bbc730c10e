"""Shared plumbing of the page and upload benchmarks (bench/case_list.py, bench/upload.py).

Why a module of its own: both benchmarks need the same throw-away world (a fresh
``lk_bench`` database migrated the way a deploy does it, one provisioned grid company,
a signed-in applicant, media in a temporary folder) and the same gunicorn server,
and both must leave nothing behind, also when they fail half-way. Everything here
is a context manager whose ``finally`` undoes what it did.

Nothing here touches the development database (``lk_tp``), a ``test_*`` database or
the shared Redis: the benchmark processes run with ``LK_WITHOUT_REDIS`` (in-memory
cache, eager tasks) and mail stays in memory.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lk_bench"
PROTECTED = {"lk_tp", "postgres", "template0", "template1"}
SUBDOMAIN = "bench"
HOST = "bench.localhost"
PASSWORD = "Bench-password-42"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def bench_url() -> str:
    """The benchmark's own database (``BENCH_DATABASE_URL`` overrides the default);
    refuses the development, system and test databases."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    name = urlparse(url).path.lstrip("/")
    if not name or name in PROTECTED or name.startswith("test_"):
        sys.exit(f"Refusing to benchmark in database {name!r}: use a dedicated one.")
    return url


def server_environment(url: str, media_root: str) -> dict[str, str]:
    """The environment of the benchmark process and of the gunicorn it starts: the dev
    settings with DEBUG off (as the brief and production have it), *.localhost hosts,
    the bench database, temporary media, no Redis, mail in memory, quiet logs."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": ".localhost",
        "DATABASE_URL": url,
        "MEDIA_ROOT": media_root,
        "LK_WITHOUT_REDIS": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }


def _admin_connection(url: str):
    import psycopg2

    conn = psycopg2.connect(urlparse(url)._replace(path="/postgres").geturl())
    conn.autocommit = True
    return conn


def _oid(cursor, name: str) -> int | None:
    cursor.execute("SELECT oid FROM pg_database WHERE datname = %s", [name])
    row = cursor.fetchone()
    return row[0] if row else None


def _create_fresh(cursor, name: str) -> int:
    """Drop a leftover database of that name and create it anew; returns its oid.

    bench/provision*.py default to the same database: a run of theirs in progress
    is left alone (we stop) rather than having its connections cut.
    """
    cursor.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        [name],
    )
    busy = cursor.fetchone()[0]
    if busy:
        sys.exit(
            f"Database {name} is in use by another run ({busy} connections): wait for it, "
            "or set BENCH_DATABASE_URL to another database."
        )
    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    cursor.execute(f'CREATE DATABASE "{name}"')
    return _oid(cursor, name)


def _drop_own(cursor, name: str, oid: int | None) -> None:
    """Drop the database only if it is still the one this run created (same oid): if
    another run recreated it meanwhile, it is theirs now."""
    if oid is None or _oid(cursor, name) != oid:
        print(f"database {name} is not the one this run created: left alone")
        return
    cursor.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        [name],
    )
    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    print(f"database {name} dropped")


@contextmanager
def bench_world():
    """A fresh database migrated with ``migrate_platform`` and Django set up on it, plus a
    temporary MEDIA_ROOT. Yields the environment for child processes; the database
    and the folder are removed afterwards, whatever happened."""
    url = bench_url()
    name = urlparse(url).path.lstrip("/")
    media_root = tempfile.mkdtemp(prefix="lk-bench-media-")
    env = server_environment(url, media_root)
    conn = _admin_connection(url)
    oid = None
    try:
        with conn.cursor() as cursor:
            oid = _create_fresh(cursor, name)
        os.environ.update(env)
        import django

        django.setup()
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate_platform", verbosity=0)
        print(
            f"database {name}: migrated (migrate_platform) in {time.perf_counter() - started:.1f} s"
        )
        yield env
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        with conn.cursor() as cursor:
            _drop_own(cursor, name, oid)
        conn.close()
        shutil.rmtree(media_root, ignore_errors=True)


def provision_company():
    """The grid company ``bench`` (cloned from the template like every real one) and its
    administrator, who authors the company's side of the timelines."""
    from tenants.provisioning import CompanyAdmin, provision_grid_company

    return provision_grid_company(
        name='ООО "Бенчмарк Электросети"',
        subdomain=SUBDOMAIN,
        admin=CompanyAdmin(email="admin@bench.test", last_name="Админов", first_name="Админ"),
    )


def make_applicant(company, email: str = "applicant@bench.test"):
    """A natural-person applicant registered through the portal's own service (as
    tests.factories.make_applicant does; that module pulls in pytest's conftest)."""
    from django_tenants.utils import schema_context

    from core.accounts.services import register_applicant

    with schema_context(company.schema_name):
        return register_applicant(
            user_values={
                "email": email,
                "last_name": "Туксин",
                "first_name": "Артем",
                "middle_name": "Александрович",
                "phone": "+79617005673",
            },
            profile_values={"legal_form": "fl", "snils": "049-114-804-49"},
            password=PASSWORD,
            pep_accepted=True,
        )


def session_key_for(company, user) -> str:
    """A session in the company's schema signed in as ``user``, as ``auth.login`` leaves
    it; its key is the ``sessionid`` cookie for the test client, wrk and uploads."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_tenants.utils import schema_context

    with schema_context(company.schema_name):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        return session.session_key


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(port: int, path: str, cookies: dict[str, str] | None = None, timeout: float = 30):
    """One GET to the local server with the company's Host; returns (status, headers, body).
    Redirects are not followed (a redirect to the login page must show as such)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": HOST})
    if cookies:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@contextmanager
def gunicorn(
    env: dict[str, str], app: str, *, workers: int = 2, ready_path: str = "/", timeout: int = 120
):
    """gunicorn on 127.0.0.1:<free port> with ``workers`` sync workers, in its own process
    group; yields (port, master pid) once it answers ``ready_path``. Stopped on exit
    (SIGTERM to the master we started, then SIGKILL to its group if it lingers)."""
    if not GUNICORN.exists():
        sys.exit(f"{GUNICORN} is missing: run `make install` first.")
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="lk-bench-gunicorn-", suffix=".log", delete=False)
    command = [
        str(GUNICORN),
        app,
        "--chdir",
        str(ROOT),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",  # long enough for a 50 MB upload from a slow machine
        str(timeout),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(
        command,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{_tail(log.name)}")
            try:
                http_get(port, ready_path, timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer:\n{_tail(log.name)}") from None
                time.sleep(0.2)
        # Both workers must be up before anything is measured.
        while len(worker_pids(process.pid)) < workers and time.monotonic() < deadline:
            time.sleep(0.1)
        yield port, process.pid
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        log.close()
        errors = _tail(log.name)
        if errors.strip():
            print(f"gunicorn log (tail):\n{errors}")
        os.unlink(log.name)


def _tail(path: str, lines: int = 40) -> str:
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def worker_pids(master_pid: int) -> list[int]:
    """The gunicorn master's child processes (its workers), from /proc."""
    pids = []
    for task in Path(f"/proc/{master_pid}/task").glob("*"):
        try:
            pids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return sorted(pids)


def rss_kib(pid: int, field: str = "VmRSS") -> int | None:
    """A process's resident set (or its high-water mark, ``VmHWM``) in KiB."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None
