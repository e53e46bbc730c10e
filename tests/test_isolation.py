"""No tenant ever sees another tenant's data: users, sessions, cache, files, signatures."""

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.accounts.models import User
from core.accounts.tokens import TenantPasswordResetTokenGenerator
from core.tenancy import sign_for_tenant, tenant_file_key, unsign_for_tenant
from tests.conftest import TEST_PASSWORD, in_tenant


def make_user(company, email="same@example.com"):
    with in_tenant(company):
        return User.objects.create_user(email, TEST_PASSWORD, last_name="Иванов")


def test_user_of_one_tenant_does_not_exist_in_another(alpha, beta):
    make_user(alpha)
    with in_tenant(beta):
        assert not User.objects.filter(email="same@example.com").exists()
    with in_tenant(alpha):
        assert User.objects.filter(email="same@example.com").exists()


def test_same_email_is_two_independent_accounts(alpha, beta):
    a = make_user(alpha)
    b = make_user(beta)
    with in_tenant(beta):
        b.set_password("another-Password-9")
        b.save()
    with in_tenant(alpha):
        assert User.objects.get(email="same@example.com").check_password(TEST_PASSWORD)
    assert a.email == b.email


def test_session_cookie_of_one_tenant_is_anonymous_on_another(alpha, beta, alpha_client):
    make_user(alpha)
    response = alpha_client.post(
        "/accounts/login/", {"login": "same@example.com", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    session_cookie = response.cookies["sessionid"]
    assert not session_cookie["domain"], "session cookie must be host-only"
    assert alpha_client.get("/").status_code == 200

    # The same cookie jar, sent to the other company's host.
    alpha_client.defaults["HTTP_HOST"] = "beta.localhost"
    response = alpha_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_cache_entry_written_under_one_tenant_is_not_read_under_another(alpha, beta):
    with in_tenant(alpha):
        cache.set("inbox-count", "alpha-value", 60)
    with in_tenant(beta):
        assert cache.get("inbox-count") is None
        cache.set("inbox-count", "beta-value", 60)
    with in_tenant(alpha):
        assert cache.get("inbox-count") == "alpha-value"
        cache.delete("inbox-count")
    with in_tenant(beta):
        assert cache.get("inbox-count") == "beta-value"
        cache.delete("inbox-count")


def test_file_saved_under_a_tenant_is_stored_under_its_prefix(alpha, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    with in_tenant(alpha):
        name = default_storage.save(tenant_file_key("cases", "Договор ТП.docx"), ContentFile(b"x"))
    assert name.startswith("gc_alpha/cases/")
    assert name.endswith("Договор ТП.docx")
    assert (tmp_path / name).read_bytes() == b"x"


def test_s3_storage_is_used_when_a_bucket_is_configured():
    import subprocess
    import sys

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.dev';"
        "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**__import__("os").environ, "AWS_STORAGE_BUCKET_NAME": "lk-files"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == "storages.backends.s3.S3Storage"


def test_signed_value_from_one_tenant_fails_on_another(alpha, beta):
    with in_tenant(alpha):
        token = sign_for_tenant("user:42", salt="invitation")
        assert unsign_for_tenant(token, salt="invitation") == "user:42"
    with in_tenant(beta), pytest.raises(signing.BadSignature):
        unsign_for_tenant(token, salt="invitation")


def test_password_reset_token_from_one_tenant_fails_on_another(alpha, beta):
    user = make_user(alpha)
    generator = TenantPasswordResetTokenGenerator()
    with in_tenant(alpha):
        token = generator.make_token(user)
        assert generator.check_token(user, token)
    with in_tenant(beta):
        assert not generator.check_token(user, token)
