"""Matching the signer certificate's owner against the applicant's identifiers."""

from __future__ import annotations

from .cades import VerificationResult
from .certificate import CertificateInfo
from .errors import SignatureVerificationError

__all__ = ["check_signer", "signer_matches"]

_LABELS = {"inn": "ИНН", "ogrn": "ОГРН", "ogrnip": "ОГРНИП", "snils": "СНИЛС"}


def _digits(value: str | None) -> str:
    """Identifiers compared by digits only: СНИЛС is often written as 123-456-789 01."""
    return "".join(ch for ch in value or "" if ch.isdigit())


def _certificate_values(info: CertificateInfo, field: str) -> set[str]:
    """The certificate's values for an identifier, in every form an applicant may give.

    A legal entity's 10-digit ИНН is in ИННЮЛ (1.2.643.100.4) in current certificates, and in
    the ИНН attribute padded to 12 digits with "00" in certificates issued before 2021.
    """
    if field != "inn":
        raw = {getattr(info, field)}
    else:
        raw = {info.inn, info.inn_le}
    values = {_digits(value) for value in raw} - {""}
    return values | {value[2:] for value in values if len(value) == 12 and value[:2] == "00"}


def _expected_values(expected: dict[str, str | None]) -> dict[str, str]:
    unknown = set(expected) - set(_LABELS)
    if unknown:
        raise ValueError(f"unknown identifier(s): {', '.join(sorted(unknown))}")
    given = {field: _digits(value) for field, value in expected.items() if value}
    if not given:
        raise ValueError("at least one of inn, ogrn, ogrnip, snils must be given")
    return given


def _first_mismatch(result: VerificationResult, expected: dict[str, str | None]) -> str | None:
    for field, value in _expected_values(expected).items():
        if value not in _certificate_values(result.certificate, field):
            return field
    return None


def signer_matches(
    result: VerificationResult,
    *,
    inn: str | None = None,
    ogrn: str | None = None,
    ogrnip: str | None = None,
    snils: str | None = None,
) -> bool:
    """True if the certificate carries every given identifier (at least one must be given)."""
    expected = {"inn": inn, "ogrn": ogrn, "ogrnip": ogrnip, "snils": snils}
    return _first_mismatch(result, expected) is None


def check_signer(result: VerificationResult, expected: dict[str, str | None]) -> None:
    """Require the certificate owner to be the applicant; ``expected`` maps inn/ogrn/ogrnip/snils.

    Raises SignatureVerificationError naming the first identifier that differs.
    """
    field = _first_mismatch(result, expected)
    if field is not None:
        raise SignatureVerificationError(
            f"Сертификат подписи выдан не на заявителя: {_LABELS[field]} не совпадает",
            "signer_mismatch",
        )
