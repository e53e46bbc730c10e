"""API tokens: issuing, checking and revoking.

A tenant token reads `lk.<schema>.<secret>`; only SHA-256(token) is stored. The
secret has 256 bits of entropy, so a plain hash is enough (no slow KDF needed) and
lookups are one indexed query. The schema in the prefix makes a token presented to
another grid company's host fail before any lookup.

Operators' tokens (public host) are not stored at all: `lk.public.<signed value>`
carries the operator's id and a fingerprint of their password hash and TOTP device,
signed with the secret key and valid for a few hours; changing the password or
re-enrolling the authenticator revokes every token at once. They are issued only
after the same password + TOTP check as the console's login.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from core import audit
from core.errors import DomainError, NotFound

from .models import ApiToken

TOKEN_PREFIX = "lk"
MAX_TOKENS_PER_USER = 20
LAST_USED_GRANULARITY = timedelta(minutes=1)
OPERATOR_SALT = "public:api-operator-token"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def split_token(token: str) -> tuple[str, str] | None:
    """(schema, secret) of a well-formed token, else None."""
    parts = token.split(".", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


# --- Tenant users' tokens ----------


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole token; shown once


def create_token(user, name: str, *, ip=None) -> IssuedToken:
    """A new token for the signed-in applicant or staff member; the full value is
    returned once and never stored."""
    if not (user.is_authenticated and user.is_active):
        raise NotFound()
    if user.role not in ("applicant", "staff"):
        raise NotFound()
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("Укажите название токена, например «Интеграция с 1С».", field="name")
    if len(name) > 100:
        raise DomainError("Название не длиннее 100 символов.", field="name")
    with transaction.atomic():
        if ApiToken.objects.select_for_update().filter(user=user).count() >= MAX_TOKENS_PER_USER:
            raise DomainError(
                f"Можно создать не больше {MAX_TOKENS_PER_USER} токенов. Отзовите ненужные."
            )
        secret = secrets.token_urlsafe(32)
        value = f"{TOKEN_PREFIX}.{connection.schema_name}.{secret}"
        token = ApiToken.objects.create(
            user=user, name=name, hint=secret[:8], key_hash=hash_token(value)
        )
        audit.record(user, "api.token_created", name, obj=token, ip=ip)
    return IssuedToken(token=token, secret=value)


def revoke_token(user, token_id, *, ip=None) -> None:
    """Only the token's owner revokes it; others' tokens are «not found»."""
    try:
        token = ApiToken.objects.get(pk=int(token_id), user=user)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise NotFound("Токен не найден.") from None
    with transaction.atomic():
        audit.record(user, "api.token_revoked", token.name, obj=token, ip=ip)
        token.delete()


def tokens_of(user):
    return ApiToken.objects.filter(user=user)


class TokenRefused(Exception):
    """The token is unknown, revoked, of another host or of a disabled user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def user_for_token(value: str):
    """(user, ApiToken) for a valid token of the current grid company."""
    parts = split_token(value)
    if parts is None:
        raise TokenRefused("Неверный формат токена.")
    schema, _secret = parts
    if schema != connection.schema_name:
        raise TokenRefused("Токен выдан для другого личного кабинета.")
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(value)).first()
    if token is None:
        raise TokenRefused("Токен недействителен или отозван.")
    if not token.user.is_active:
        raise TokenRefused("Учётная запись отключена.")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token


# --- Operators' tokens (public host) ----------


def _operator_fingerprint(user, device) -> str:
    return salted_hmac(
        OPERATOR_SALT, f"{user.pk}|{user.password}|{device.pk}|{device.key}"
    ).hexdigest()[:32]


@dataclass(frozen=True)
class OperatorToken:
    secret: str
    expires_at: object


def issue_operator_token(user, device) -> OperatorToken:
    """Called only after the password and TOTP code were both checked."""
    signed = signing.TimestampSigner(salt=OPERATOR_SALT).sign_object(
        {"u": user.pk, "d": device.pk, "f": _operator_fingerprint(user, device)}
    )
    lifetime = settings.API_OPERATOR_TOKEN_SECONDS
    return OperatorToken(
        secret=f"{TOKEN_PREFIX}.public.{signed}",
        expires_at=timezone.now() + timedelta(seconds=lifetime),
    )


def operator_for_token(value: str):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core.accounts.models import User
    from tenants.services import is_operator

    parts = split_token(value)
    if parts is None:
        raise TokenRefused("Неверный формат токена.")
    schema, signed = parts
    if schema != connection.schema_name:
        raise TokenRefused("Токен выдан для другого адреса.")
    try:
        data = signing.TimestampSigner(salt=OPERATOR_SALT).unsign_object(
            signed, max_age=settings.API_OPERATOR_TOKEN_SECONDS
        )
        user = User.objects.get(pk=int(data["u"]))
        device = TOTPDevice.objects.get(pk=int(data["d"]), user=user, confirmed=True)
    except signing.SignatureExpired:
        raise TokenRefused("Срок действия токена истёк. Получите новый.") from None
    except (
        signing.BadSignature,
        KeyError,
        ValueError,
        TypeError,
        User.DoesNotExist,
        TOTPDevice.DoesNotExist,
    ):
        raise TokenRefused("Токен недействителен.") from None
    if not is_operator(user) or not constant_time_compare(
        data.get("f", ""), _operator_fingerprint(user, device)
    ):
        raise TokenRefused("Токен недействителен.")
    return user, device
