"""Fixtures of the platform operator console: operators with TOTP devices and clients
signed in through the real two-step login on the public host."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from core.accounts.models import User
from tests.conftest import TEST_PASSWORD

OPERATOR_EMAIL = "operator@platform.test"

# A 1×1 PNG: the smallest valid logo.
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2a1b6"
    "d60000000049454e44ae426082"
)


def current_code(device) -> str:
    """The code an authenticator app shows now for this device."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def make_operator(email=OPERATOR_EMAIL, *, role=User.Role.OPERATOR) -> User:
    with schema_context("public"):
        return User.objects.create_user(
            email, TEST_PASSWORD, role=role, last_name="Операторов", first_name="Олег"
        )


def add_device(user) -> TOTPDevice:
    with schema_context("public"):
        return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def sign_in(client: Client, email: str, device) -> None:
    """Both steps of the operator login, as a browser would post them."""
    response = client.post("/platform/login/", {"login": email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    response = client.post("/platform/login/code/", {"code": current_code(device)})
    assert response.status_code == 302, response.content.decode()[:500]


def public_host_client() -> Client:
    return Client(HTTP_HOST=settings.PLATFORM_DOMAIN)


def png_upload(name="logo.png"):
    return SimpleUploadedFile(name, io.BytesIO(PNG_BYTES).getvalue(), content_type="image/png")


@pytest.fixture
def operator(db):
    return make_operator()


@pytest.fixture
def operator_device(operator):
    return add_device(operator)


@pytest.fixture
def operator_client(operator, operator_device):
    client = public_host_client()
    sign_in(client, operator.email, operator_device)
    return client


def company_form(**overrides) -> dict:
    """A valid «create a grid company» form (requisites with correct check digits)."""
    data = {
        "name": 'ООО "Гамма Сети"',
        "inn": "7707083893",
        "ogrn": "1027700132195",
        "kpp": "773601001",
        "address": "г. Москва, ул. Энергетиков, д. 1",
        "phone": "+7 (495) 123-45-67",
        "email": "info@gamma.test",
        "notification_emails": "tp@gamma.test",
        "subdomain": "gamma",
        "extra_domain": "",
        "admin_email": "boss@gamma.test",
        "admin_last_name": "Петров",
        "admin_first_name": "Пётр",
        "admin_middle_name": "Петрович",
        "primary_color": "#117733",
    }
    data.update(overrides)
    return data
