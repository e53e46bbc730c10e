"""Suspending, resuming and deleting grid companies from the operator console."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django_tenants.utils import schema_exists

from core.accounts.models import User
from core.models import PortalSettings
from core.tenancy import tenant_file_key
from tenants import services
from tenants.models import Domain, GridCompany, PlatformAuditEntry
from tests.conftest import TEST_PASSWORD, client_for, in_tenant
from tests.platform_fixtures import *  # noqa: F403 (fixtures)
from tests.platform_fixtures import company_form, png_upload


def test_suspend_blocks_login_and_shows_the_page_and_resume_restores(operator_client, alpha):
    with in_tenant(alpha):
        User.objects.create_user("applicant@alpha.test", TEST_PASSWORD)
        PortalSettings.objects.update(phone="+7 (800) 555-35-35", email="help@alpha.test")
    operator_client.post("/platform/companies/alpha/", {"action": "suspend"})
    alpha.refresh_from_db()
    assert not alpha.is_active

    host = client_for(alpha)
    page = host.get("/accounts/login/")
    assert page.status_code == 503
    body = page.content.decode()
    assert "Личный кабинет временно недоступен" in body
    assert "+7 (800) 555-35-35" in body and "help@alpha.test" in body
    response = host.post(
        "/accounts/login/", {"login": "applicant@alpha.test", "password": TEST_PASSWORD}
    )
    assert response.status_code == 503
    assert "_auth_user_id" not in host.session.keys()
    with in_tenant(alpha):
        assert User.objects.filter(email="applicant@alpha.test").exists()  # data kept

    operator_client.post("/platform/companies/alpha/", {"action": "resume"})
    assert host.get("/accounts/login/").status_code == 200
    response = host.post(
        "/accounts/login/", {"login": "applicant@alpha.test", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    actions = list(
        PlatformAuditEntry.objects.filter(subdomain="alpha").values_list("action", flat=True)
    )
    assert actions[:2] == ["company_resumed", "company_suspended"]


def test_delete_requires_typing_the_subdomain(operator_client, alpha):
    response = operator_client.post("/platform/companies/alpha/delete/", {"confirmation": "alph"})
    assert response.status_code == 400
    assert "Введите поддомен сетевой организации точно" in response.content.decode()
    assert GridCompany.objects.filter(subdomain="alpha").exists()
    assert schema_exists("gc_alpha")


def test_delete_drops_schema_domains_and_files(operator_client):
    data = company_form(subdomain="delta", admin_email="boss@delta.test", name="ООО Дельта")
    assert (
        operator_client.post("/platform/companies/new/", {**data, "logo": png_upload()}).status_code
        == 302
    )
    company = GridCompany.objects.get(subdomain="delta")
    with in_tenant(company):
        document = default_storage.save(
            tenant_file_key("documents", "scan.pdf"), ContentFile(b"%PDF-1.4 test")
        )
        logo = PortalSettings.objects.get().logo.name
    assert default_storage.exists(document) and default_storage.exists(logo)

    response = operator_client.post("/platform/companies/delta/delete/", {"confirmation": "delta"})
    assert response.status_code == 302
    assert not schema_exists("gc_delta")
    assert not GridCompany.objects.filter(subdomain="delta").exists()
    assert not Domain.objects.filter(domain="delta.localhost").exists()
    assert not default_storage.exists(document)
    assert not default_storage.exists(logo)
    assert not default_storage.exists("gc_delta")
    entry = PlatformAuditEntry.objects.get(action="company_deleted")
    assert entry.subdomain == "delta" and "gc_delta" in entry.summary
    assert Client(HTTP_HOST="delta.localhost").get("/").status_code == 404


def test_file_removal_stays_inside_the_company_prefix(db):
    mine = default_storage.save("gc_probe_rm/a/b/file.txt", ContentFile(b"x"))
    neighbour = default_storage.save("gc_probe_rm2/file.txt", ContentFile(b"y"))
    assert services.remove_files_under("gc_probe_rm") == 1
    assert not default_storage.exists(mine)
    assert default_storage.exists(neighbour)
    services.remove_files_under("gc_probe_rm2")
    for bad in ("", "/", "public", "a/b"):
        with pytest.raises(ValueError):
            services.remove_files_under(bad)


def test_services_refuse_anyone_but_an_operator(alpha, db):
    from django.core.exceptions import PermissionDenied

    with in_tenant(alpha):
        staff = User.objects.get(email="admin@alpha.test")
    for call in (
        lambda: services.suspend_company(staff, alpha),
        lambda: services.delete_company(staff, alpha, confirmation="alpha"),
        lambda: services.add_domain(None, alpha, "x.example.ru"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    alpha.refresh_from_db()
    assert alpha.is_active
