"""Matching the certificate owner against the applicant (no cryptography involved)."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from core.gost import (
    CertificateInfo,
    SignatureVerificationError,
    VerificationResult,
    check_signer,
    signer_matches,
)

BLANK = CertificateInfo(
    subject_cn=None,
    surname=None,
    given_name=None,
    full_name=None,
    organization=None,
    inn=None,
    inn_le=None,
    ogrn=None,
    ogrnip=None,
    snils=None,
    email=None,
    serial_hex="01",
    issuer_cn=None,
    valid_from=datetime(2025, 1, 1, tzinfo=UTC),
    valid_to=datetime(2026, 1, 1, tzinfo=UTC),
    thumbprint_sha1="00" * 20,
    der=b"",
)


def _result(**owner) -> VerificationResult:
    return VerificationResult(
        ok=True, digest_bits=256, signing_time=None, certificate=replace(BLANK, **owner)
    )


def test_person_by_inn_and_snils_in_any_formatting():
    result = _result(inn="500100732259", snils="11223344595")
    assert signer_matches(result, inn="500100732259")
    assert signer_matches(result, snils="112-233-445 95")
    assert signer_matches(result, inn=" 500100732259 ", snils="11223344595")
    assert not signer_matches(result, inn="500100732250")


def test_legal_entity_inn_in_innle():
    assert signer_matches(_result(inn_le="7707083893", inn="771234567891"), inn="7707083893")


def test_legal_entity_inn_in_old_padded_form():
    """Certificates issued before 2021 carry a legal entity's ИНН as 00 + 10 digits."""
    assert signer_matches(_result(inn="007707083893"), inn="7707083893")
    assert not signer_matches(_result(inn="007707083893"), inn="7707083890")


def test_every_given_identifier_must_match():
    result = _result(inn_le="7707083893", ogrn="1027700132195")
    assert signer_matches(result, inn="7707083893", ogrn="1027700132195")
    assert not signer_matches(result, inn="7707083893", ogrn="1027700132196")
    assert not signer_matches(result, ogrnip="304500116000157")


def test_check_signer_names_the_first_mismatch():
    result = _result(inn_le="7707083893", ogrn="1027700132195")
    check_signer(result, {"inn": "7707083893", "ogrn": "1027700132195", "snils": None})
    with pytest.raises(SignatureVerificationError) as error:
        check_signer(result, {"inn": "7707083893", "ogrn": "1027700000000"})
    assert error.value.code == "signer_mismatch"
    assert error.value.message == "Сертификат подписи выдан не на заявителя: ОГРН не совпадает"
    with pytest.raises(SignatureVerificationError) as error:
        check_signer(_result(), {"snils": "11223344595"})
    assert error.value.message == "Сертификат подписи выдан не на заявителя: СНИЛС не совпадает"


@pytest.mark.parametrize("expected", [{}, {"inn": None}, {"inn": ""}, {"kpp": "770701001"}])
def test_nothing_to_compare_is_a_programming_error(expected):
    with pytest.raises(ValueError):
        check_signer(_result(inn="500100732259"), expected)


def test_signer_matches_needs_an_identifier():
    with pytest.raises(ValueError):
        signer_matches(_result(inn="500100732259"))
