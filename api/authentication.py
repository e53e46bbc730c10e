"""Who is calling: a personal API token (Authorization: Bearer lk.<schema>.<secret>)
or the site's own session (CSRF enforced, as for any form of the site)."""

from django.db import connection
from django_tenants.utils import get_public_schema_name
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication

from .tokens import TokenRefused, operator_for_token, user_for_token

KEYWORDS = ("bearer", "token")


def _token_from_header(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return None
    parts = header.split()
    if parts[0].lower() not in KEYWORDS:
        return None
    if len(parts) != 2:
        raise exceptions.AuthenticationFailed(
            "Неверный заголовок Authorization: ожидается «Bearer <токен>»."
        )
    return parts[1]


class ApiTokenAuthentication(BaseAuthentication):
    """A grid company's user by their personal token; refused on every other host."""

    def authenticate(self, request):
        value = _token_from_header(request)
        if value is None:
            return None
        if connection.schema_name == get_public_schema_name():
            raise exceptions.AuthenticationFailed("Токен выдан для другого адреса.")
        try:
            return user_for_token(value)
        except TokenRefused as refused:
            raise exceptions.AuthenticationFailed(refused.message) from None

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class OperatorTokenAuthentication(BaseAuthentication):
    """A platform operator by a token issued after password + TOTP (public host only)."""

    def authenticate(self, request):
        value = _token_from_header(request)
        if value is None:
            return None
        if connection.schema_name != get_public_schema_name():
            raise exceptions.AuthenticationFailed("Токен выдан для другого адреса.")
        try:
            user, device = operator_for_token(value)
        except TokenRefused as refused:
            raise exceptions.AuthenticationFailed(refused.message) from None
        return user, device

    def authenticate_header(self, request):
        return 'Bearer realm="platform"'


class CsrfSessionAuthentication(SessionAuthentication):
    """DRF's session authentication (CSRF checked for unsafe methods), named so the
    schema documents it."""


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "lk.<schema>.<secret>",
            "description": (
                "Персональный токен: создаётся в профиле (заявитель — «Данные», сотрудник — "
                "консоль), показывается один раз, действует только на адресе своей сетевой "
                "организации."
            ),
        }


class OperatorTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.OperatorTokenAuthentication"
    name = "operatorToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "lk.public.<signed>",
            "description": "Токен оператора платформы: POST /api/v1/token/ с паролем и кодом TOTP.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.CsrfSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
