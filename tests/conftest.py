"""Fixtures: two grid companies provisioned once per test session, clients bound to
their hosts, and a live server with headless Chromium for browser journeys.

Everything runs against the real PostgreSQL (a `test_*` database) and Redis (its
own database number); nothing is mocked.
"""

import os
import shutil
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tenants.models import GridCompany
from tenants.provisioning import CompanyAdmin, ensure_public_tenant, provision_grid_company

# Playwright's sync API keeps an event loop in the main thread; the ORM calls that
# browser journeys make around it are synchronous all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TEST_PASSWORD = "Ok-test-password-42"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After the test database is migrated: the public host and two grid companies.

    pytest-django creates the test database only when some collected test asks for
    `db`; a run of browser journeys alone does not, so it is created here then —
    never may a test touch the development database.
    """
    from django.test.utils import setup_databases, teardown_databases

    clear_test_media()
    created = None
    with django_db_blocker.unblock():
        if not connection.settings_dict["NAME"].startswith("test_"):
            created = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        assert connection.settings_dict["NAME"].startswith("test_"), "not a test database"
        ensure_public_tenant()
        for sub, name, color in (
            ("alpha", 'ООО "Альфа Сети"', "#aa3300"),
            ("beta", 'АО "Бета Энерго"', "#0033aa"),
        ):
            provision_grid_company(
                name=name,
                subdomain=sub,
                admin=CompanyAdmin(
                    email=f"admin@{sub}.test", last_name="Админов", first_name="Админ"
                ),
                settings_overrides={"primary_color": color},
            )
        connection.set_schema_to_public()
    yield
    if created:
        with django_db_blocker.unblock():
            close_other_sessions()
            teardown_databases(created, verbosity=0)


def close_other_sessions():
    """The live server's threads may still hold connections; the test database can
    only be dropped once they are gone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def alpha(db):
    return GridCompany.objects.get(subdomain="alpha")


@pytest.fixture
def beta(db):
    return GridCompany.objects.get(subdomain="beta")


@contextmanager
def in_tenant(company):
    """Run ORM code in a grid company's schema, as a request on its host would."""
    with schema_context(company.schema_name):
        yield


def host_of(company) -> str:
    return f"{company.subdomain}.{settings.PLATFORM_DOMAIN}"


def client_for(company) -> Client:
    """A test client whose requests carry the company's Host (Python does not resolve
    *.localhost here, so requests go to the app with the Host header set)."""
    return Client(HTTP_HOST=host_of(company))


@pytest.fixture
def alpha_client(alpha):
    return client_for(alpha)


@pytest.fixture
def beta_client(beta):
    return client_for(beta)


@pytest.fixture
def public_client(db):
    return Client(HTTP_HOST=settings.PLATFORM_DOMAIN)


@pytest.fixture(autouse=True)
def _reset_schema():
    """Each test starts and ends on the public schema, whatever the previous one did,
    with an empty cache (rate-limit counters live there)."""
    connection.set_schema_to_public()
    cache.clear()
    yield
    connection.set_schema_to_public()


# --- Browser journeys -----------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, django_db_blocker):
    """A threaded live server on 127.0.0.1; Chromium reaches it as <sub>.localhost:<port>."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    with django_db_blocker.unblock():
        thread = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override={}, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield f"http://{{sub}}.localhost:{thread.port}"
        thread.terminate()
        close_other_sessions()  # the server's request threads may keep theirs open


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI: {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def committed_db(django_db_blocker):
    """For browser journeys: data written by the test is committed so that the live
    server's own connection sees it. Tests using it create uniquely named data."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield
        connection.set_schema_to_public()


def screenshot_dir():
    path = os.path.join(settings.BASE_DIR, "var", "screenshots")
    os.makedirs(path, exist_ok=True)
    return path


def clear_test_media():
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def force_login(client, company, user):
    """Sign a user in without the login form; the session is stored in the company's
    schema, as a real login on its host would."""
    with in_tenant(company):
        client.force_login(user)
