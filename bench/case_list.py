"""Benchmark: the applicant's case list («Документооборот», ``/documents/``) with 50 sent
cases of 20 entries each.

Why: the page renders every case of the page with its whole timeline, so it is the
one applicant page whose cost grows with the data. Two figures, from the issue:

1. the median server time of the page, in-process (Django's test Client with the
   company's Host, so no network and no HTTP server is counted), with the number
   of SQL queries per request;
2. requests/s under a loopback load (wrk against gunicorn, 2 sync workers), as a
   ratio to a trivial signed-in view on the same server in the same run
   (``/bench/trivial/`` from bench/wsgi_bench.py, through the full middleware).
   Machine noise moves both alike, so the ratio is the figure to compare.

Run from the repository root: ``.venv/bin/python bench/case_list.py`` (``--help`` for
the knobs). Needs PostgreSQL at 127.0.0.1:5432 and wrk (``apt-get install -y wrk``;
without it only the in-process figure is printed). Works in its own database
(``BENCH_DATABASE_URL``, default ``lk_bench``), created fresh and dropped at the end,
with media in a temporary folder; gunicorn is stopped whatever happens.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

TRIVIAL = "/bench/trivial/"
PAGE = "/documents/"
FILE_NAMES = [
    "Скан паспорта.pdf",
    "План расположения энергопринимающих устройств.pdf",
    "Правоустанавливающие документы на участок.pdf",
    "Однолинейная схема.pdf",
    "Доверенность представителя.docx",
    "Технические условия.pdf",
    "Договор ТП.docx",
    "Фото прибора учета.jpg",
    "Расчет нагрузок.xlsx",
    "Акт об осуществлении ТП.pdf",
]
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
}
MESSAGES = [
    "<p>Добрый день! Направляю недостающие документы по заявке. "
    "Прошу сообщить, если потребуется что-то ещё.</p>",
    "<p>Просим уточнить <strong>максимальную мощность</strong> энергопринимающих "
    "устройств и категорию надежности электроснабжения.</p>",
    "<p>Для продолжения рассмотрения необходимо предоставить:</p>"
    "<ul><li>план расположения энергопринимающих устройств;</li>"
    "<li>копию правоустанавливающего документа на земельный участок.</li></ul>",
    "<p>Подтверждаю, что точка присоединения указана верно. <em>Спасибо!</em></p>",
    '<p>Проект договора размещен, подробнее см. <a href="https://example.ru/tp">'
    "порядок заключения договора</a>.</p>",
]


def seed_cases(company, applicant, staff, *, cases: int, entries: int, seed: int = 1) -> None:
    """``cases`` sent cases of ``entries`` entries each, with bulk_create (the services
    would take minutes and write real files; the list page needs neither).

    The data looks like the real thing: both kinds of case, registration numbers,
    60 % documents (Cyrillic file names, sizes, SHA-256, storage keys under the
    schema) and 40 % sanitised HTML messages, a third from the company's side,
    timestamps spread over weeks so ordering and dates render as in life.
    """
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from core.models import Case, CaseEntry, CatalogueEntry
    from core.models.cases import SENT_STATUS
    from core.selectors import active_catalogue
    from core.tenancy import tenant_file_key

    rng = random.Random(seed)
    with schema_context(company.schema_name):
        titles = list(
            active_catalogue(CatalogueEntry.Kind.DOCUMENT_TITLE).values_list("title", flat=True)
        ) or ["Заявка на технологическое присоединение"]
        now = timezone.now()
        case_rows = []
        for i in range(cases):
            kind = Case.Kind.APPLICATION if i % 3 else Case.Kind.MESSAGE
            case_rows.append(
                Case(
                    applicant=applicant,
                    kind=kind,
                    title=(
                        f"Присоединение жилого дома, участок {i + 1}"
                        if kind == Case.Kind.APPLICATION
                        else f"Вопрос по заявке № {1000 + i}"
                    ),
                    status=SENT_STATUS if i % 4 else "Ведется проектирование",
                    registration_number=f"ТП-2026-{i + 1:05d}" if i % 2 else "",
                    sent_at=now,
                    unseen_by_company=bool(i % 5 == 0),
                )
            )
        Case.objects.bulk_create(case_rows)
        entry_rows = []
        for i, case in enumerate(case_rows):
            # auto_now_add overrides timestamps on insert; set afterwards.
            case.created_at = now - timedelta(days=2 * (cases - i) + 1)
            case.sent_at = case.created_at + timedelta(hours=1)
            case.last_activity_at = case.sent_at + timedelta(hours=entries)
            for j in range(entries):
                from_company = j % 3 == 2
                row = CaseEntry(
                    case=case,
                    side=CaseEntry.Side.COMPANY if from_company else CaseEntry.Side.APPLICANT,
                    author=staff if from_company else applicant,
                )
                if j % 5 in (0, 1, 3):
                    name = rng.choice(FILE_NAMES)
                    row.kind = CaseEntry.Kind.DOCUMENT
                    row.title = rng.choice(titles)
                    row.file = tenant_file_key(f"cases/{case.pk}", name)
                    row.file_name = name
                    row.file_size = rng.randint(40_000, 8_000_000)
                    row.sha256 = hashlib.sha256(f"{case.pk}/{j}".encode()).hexdigest()
                    row.content_type = CONTENT_TYPES[name.rsplit(".", 1)[1]]
                    row.comment = "Оригинал направлен почтой." if j % 4 == 0 else ""
                else:
                    row.kind = CaseEntry.Kind.MESSAGE
                    row.body = rng.choice(MESSAGES)
                entry_rows.append(row)
        CaseEntry.objects.bulk_create(entry_rows, batch_size=500)
        for n, row in enumerate(entry_rows):
            row.created_at = row.case.sent_at + timedelta(hours=n % entries, minutes=n % 7)
        Case.objects.bulk_update(case_rows, ["created_at", "sent_at", "last_activity_at"])
        CaseEntry.objects.bulk_update(entry_rows, ["created_at"], batch_size=500)


def in_process(session_key: str, requests: int) -> dict:
    """Median wall time of ``requests`` GETs of the page through Django's handler,
    after a few warm-up requests; plus queries per request and the page's size."""
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST=_common.HOST)
    client.cookies["sessionid"] = session_key
    for _ in range(3):
        response = client.get(PAGE)
        assert response.status_code == 200, f"{PAGE} answered {response.status_code}"
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(PAGE)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(PAGE)
        times.append(time.perf_counter() - started)
    trivial_times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(TRIVIAL)
        trivial_times.append(time.perf_counter() - started)
    body = response.content.decode()
    return {
        "median_ms": statistics.median(times) * 1000,
        "trivial_median_ms": statistics.median(trivial_times) * 1000,
        "p90_ms": statistics.quantiles(times, n=10)[-1] * 1000,
        "queries": len(queries),
        "bytes": len(response.content),
        "cases_on_page": body.count('<section class="card case"'),
        "entries_on_page": body.count('<article class="entry '),
    }


def wrk(port: int, path: str, session_key: str, seconds: int, connections: int) -> dict:
    """One wrk run; returns requests/s, latency percentiles and the error counts."""
    output = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-H",
            f"Host: {_common.HOST}",
            "-H",
            f"Cookie: sessionid={session_key}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "non_2xx": 0,
        "errors": 0,
    }
    for pct in ("50", "99"):
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if match:
            factor = {"us": 0.001, "ms": 1, "s": 1000}[match.group(2)]
            result[f"p{pct}_ms"] = float(match.group(1)) * factor
    match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if match:
        result["non_2xx"] = int(match.group(1))
    match = re.search(r"Socket errors:.*?(\d+).*?(\d+).*?(\d+).*?(\d+)", output)
    if match:
        result["errors"] = sum(int(g) for g in match.groups())
    return result


def check_page(port: int, session_key: str) -> None:
    """Before any load: the cookie signs the applicant in on the server and the page is
    the full list (a login redirect would make wrk measure the wrong thing)."""
    cookies = {"sessionid": session_key}
    status, _, body = _common.http_get(port, TRIVIAL, cookies)
    if status != 200 or body != b"ok":
        raise RuntimeError(f"{TRIVIAL}: {status} {body[:80]!r} (not signed in?)")
    status, _, body = _common.http_get(port, PAGE, cookies)
    if status != 200 or "Созданные заявки и сообщения" not in body.decode():
        raise RuntimeError(f"{PAGE} answered {status}")


def load(port: int, session_key: str, *, seconds: int, rounds: int, connections: int) -> dict:
    """wrk on both URLs, alternating in ``rounds`` so that the noise of a shared machine
    falls on both; returns aggregate requests/s (all requests / all seconds)."""
    for path in (TRIVIAL, PAGE):  # warm both workers' code paths and connections
        wrk(port, path, session_key, 2, connections)
    per_round = max(1, round(seconds / rounds))
    runs = {TRIVIAL: [], PAGE: []}
    for _ in range(rounds):
        for path in (TRIVIAL, PAGE):
            run = wrk(port, path, session_key, per_round, connections)
            if run["non_2xx"] or run["errors"]:
                raise RuntimeError(
                    f"wrk on {path}: {run['non_2xx']} non-2xx, {run['errors']} errors"
                )
            runs[path].append(run)
    return {
        path: {
            "rps": sum(r["requests"] for r in results) / (per_round * rounds),
            "rounds": [r["rps"] for r in results],
            "p50_ms": statistics.median(r.get("p50_ms", 0) for r in results),
            "p99_ms": max(r.get("p99_ms", 0) for r in results),
        }
        for path, results in runs.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--entries", type=int, default=20, help="entries per case")
    parser.add_argument("-n", "--requests", type=int, default=100, help="in-process requests")
    parser.add_argument("--seconds", type=int, default=10, help="wrk seconds per URL")
    parser.add_argument("--rounds", type=int, default=2, help="alternating wrk rounds")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections")
    args = parser.parse_args()

    have_wrk = shutil.which("wrk") is not None
    if not have_wrk:
        print("wrk is not installed: `apt-get install -y wrk` (Debian); load test skipped.")

    with _common.bench_world() as env:
        company, staff = _common.provision_company()
        applicant = _common.make_applicant(company)
        started = time.perf_counter()
        seed_cases(company, applicant, staff, cases=args.cases, entries=args.entries)
        print(
            f"seeded {args.cases} sent cases x {args.entries} entries "
            f"in {time.perf_counter() - started:.1f} s"
        )
        session_key = _common.session_key_for(company, applicant)
        from django.db import connection

        connection.set_schema_to_public()

        # The in-process client resolves /bench/trivial/ through the same URL conf.
        import wsgi_bench  # noqa: F401  (sets ROOT_URLCONF to the bench URL conf)

        page = in_process(session_key, args.requests)
        print()
        print(f"case list {PAGE}, {args.cases} cases x {args.entries} entries, 10 cases a page")
        print(
            f"  in-process (test Client, {args.requests} requests): "
            f"median {page['median_ms']:.1f} ms, p90 {page['p90_ms']:.1f} ms, "
            f"{page['queries']} SQL queries, {page['bytes'] / 1024:.0f} KiB, "
            f"{page['cases_on_page']} cases / {page['entries_on_page']} entries rendered"
        )
        print(f"  in-process trivial view: median {page['trivial_median_ms']:.1f} ms")
        if not have_wrk:
            sys.exit(2)
        connection.close()
        with _common.gunicorn(env, "bench.wsgi_bench:application", ready_path=TRIVIAL) as (
            port,
            _,
        ):
            check_page(port, session_key)
            figures = load(
                port,
                session_key,
                seconds=args.seconds,
                rounds=args.rounds,
                connections=args.connections,
            )
        trivial, listing = figures[TRIVIAL], figures[PAGE]
        print(
            f"  loopback load (gunicorn 2 sync workers, wrk 1 thread x {args.connections} "
            f"connections, {args.seconds} s per URL in {args.rounds} alternating rounds):"
        )
        for label, fig in (("trivial view", trivial), ("case list   ", listing)):
            rounds = ", ".join(f"{r:.0f}" for r in fig["rounds"])
            print(
                f"    {label} {fig['rps']:7.1f} req/s (rounds: {rounds}), "
                f"p50 {fig['p50_ms']:.1f} ms, p99 {fig['p99_ms']:.1f} ms"
            )
        print(f"    ratio case list / trivial: {listing['rps'] / trivial['rps']:.3f}")


if __name__ == "__main__":
    main()
