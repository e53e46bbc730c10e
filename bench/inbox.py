"""Benchmark: the console's inbox («Документооборот» at /console/) with 10,000 cases.

Why: the inbox is the staff's home page and the only page whose cost grows with the
whole company's history. The issue asks for the median server time of the first
page, a filtered page and a search; each is measured in-process (Django's test
Client with the company's Host), so neither network nor an HTTP server is counted,
with the number of SQL queries per request.

Run from the repository root: ``.venv/bin/python bench/inbox.py [--cases 10000]``.
Works in its own database (``BENCH_DATABASE_URL``, default ``lk_bench``), created
fresh and dropped at the end (see bench/_common.py).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

SURNAMES = ["Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Васильев", "Туксин"]
STATUSES = [
    "Ожидание ответа электросетевой",
    "Заявка на рассмотрении сетевой организацией",
    "Запрос отсутствующих документов или сведений",
    "Подготовка оферты договора",
    "Исполнение договора ТП",
]


def seed(company, cases: int, applicants: int) -> None:
    """Applicants and sent cases with realistic search text, created in bulk."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from core.accounts.models import User
    from core.models import ApplicantProfile, Case
    from core.services.cases import search_text_for

    rng = random.Random(7)
    now = timezone.now()
    password = make_password(None)
    with schema_context(company.schema_name):
        users = User.objects.bulk_create(
            User(
                email=f"user{i}@bench.test",
                last_name=rng.choice(SURNAMES),
                first_name="Артем",
                middle_name="Александрович",
                phone="+7961700" + f"{i:04d}",
                password=password,
            )
            for i in range(applicants)
        )
        profiles = ApplicantProfile.objects.bulk_create(
            ApplicantProfile(
                user=u,
                legal_form="fl",
                snils="049-114-804-49",
                personal_data_consent_at=now,
                personal_data_consent_version=1,
            )
            for u in users
        )
        for user, profile in zip(users, profiles):
            user.applicant_profile = profile
        batch = []
        for i in range(cases):
            applicant = users[i % applicants]
            sent = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
            case = Case(
                applicant=applicant,
                kind=rng.choice(["application", "message"]),
                title=f"Заявка на технологическое присоединение №{i}",
                status=rng.choice(STATUSES),
                registration_number=str(100000 + i) if rng.random() < 0.7 else "",
                sent_at=sent,
                last_activity_at=sent,
                unseen_by_company=rng.random() < 0.05,
            )
            case.search_text = search_text_for(case)
            batch.append(case)
        Case.objects.bulk_create(batch, batch_size=2000)


def measure(client, path: str, params: dict, requests: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    queries = 0
    for _ in range(requests):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, params)
        timings.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
        assert response.status_code == 200, response.status_code
    found = response.context["page"].paginator.count
    return {"median": statistics.median(timings), "queries": queries, "found": found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--applicants", type=int, default=2_000)
    parser.add_argument("-n", "--requests", type=int, default=30)
    args = parser.parse_args()

    with _common.bench_world():
        company, staff = _common.provision_company()
        started = time.perf_counter()
        seed(company, args.cases, args.applicants)
        print(
            f"seeded {args.cases} cases of {args.applicants} applicants "
            f"in {time.perf_counter() - started:.1f} s"
        )
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment

        setup_test_environment()  # response.context, to read how many were found
        key = _common.session_key_for(company, staff)
        connection.set_schema_to_public()
        client = Client(HTTP_HOST=f"{_common.SUBDOMAIN}.{settings.PLATFORM_DOMAIN}")
        client.cookies["sessionid"] = key
        scenarios = [
            ("first page", {}),
            (
                "filtered: status + without number",
                {
                    "status": "Подготовка оферты договора",
                    "without_number": "on",
                },
            ),
            ("search: surname", {"q": "туксин"}),
            ("search: registration number", {"q": "104242"}),
        ]
        print(
            f"\nconsole inbox /console/, {args.cases} cases, 25 a page, "
            f"{args.requests} requests each"
        )
        for label, params in scenarios:
            figure = measure(client, "/console/", params, args.requests)
            print(
                f"  {label:38s} median {figure['median']:6.1f} ms, "
                f"{figure['queries']} SQL, {figure['found']} found"
            )


if __name__ == "__main__":
    main()
