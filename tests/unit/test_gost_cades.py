"""Detached CAdES-BES signatures from the test CA: valid ones verify, each defect is named."""

import base64
import io
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import cms

from core.gost import (
    SignatureVerificationError,
    check_signer,
    signer_matches,
    streebog_digest,
    streebog_file_digests,
    verify_attached_signature,
    verify_cades_signature,
)

from .gost_ca import TestCA, sign_cades

DOCUMENT = "Заявка на технологическое присоединение № 42\n".encode() * 100
PERSON = {
    "cn": "Иванов Иван Иванович",
    "surname": "Иванов",
    "given_name": "Иван Иванович",
    "inn": "500100732259",
    "snils": "11223344595",
    "email": "ivanov@example.ru",
}
DIRECTOR = {
    "cn": 'ООО "Ромашка"',
    "surname": "Петрова",
    "given_name": "Анна Сергеевна",
    "title": "Генеральный директор",
    "organization": 'ООО "Ромашка"',
    "inn_le": "7707083893",
    "ogrn": "1027700132195",
    "inn": "771234567891",
    "snils": "12345678964",
}
ENTREPRENEUR = {
    "cn": "ИП Сидоров Семён Семёнович",
    "surname": "Сидоров",
    "given_name": "Семён Семёнович",
    "inn": "500100732259",
    "ogrnip": "304500116000157",
}


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def ca():
    return TestCA(256)


@pytest.fixture(scope="module", params=[256, 512], ids=["gost256", "gost512"])
def person(request, ca):
    return ca.issue(request.param, **PERSON)


@pytest.fixture(scope="module")
def person256(ca):
    return ca.issue(256, **PERSON)


@pytest.fixture(scope="module")
def signature(person):
    return sign_cades(DOCUMENT, person)


def _reject(signature: bytes, content=DOCUMENT, **kwargs) -> SignatureVerificationError:
    with pytest.raises(SignatureVerificationError) as error:
        verify_cades_signature(signature, content, **kwargs)
    return error.value


# Valid signatures.


def test_valid_signature_returns_owner_details(person, signature, ca):
    result = verify_cades_signature(signature, DOCUMENT)
    info = result.certificate
    assert result.ok
    assert result.digest_bits == person.key.bits
    assert abs(result.signing_time - _now()) < timedelta(minutes=5)
    assert info.subject_cn == "Иванов Иван Иванович"
    assert (info.surname, info.given_name) == ("Иванов", "Иван Иванович")
    assert info.full_name == "Иванов Иван Иванович"
    assert (info.inn, info.snils, info.email) == (
        "500100732259",
        "11223344595",
        "ivanov@example.ru",
    )
    assert (info.organization, info.ogrn, info.inn_le, info.ogrnip) == (None, None, None, None)
    assert info.issuer_cn == "Тестовый УЦ"
    assert (
        info.serial_hex
        == person.certificate["tbs_certificate"]["serial_number"].contents.hex().upper()
    )
    assert int(info.serial_hex, 16) == person.certificate.serial_number
    assert info.thumbprint_sha1 == person.certificate.sha1.hex().upper()
    assert info.der == person.der
    assert info.valid_from == person.certificate.not_valid_before
    assert info.valid_to == person.certificate.not_valid_after


def test_director_of_legal_entity(ca):
    director = ca.issue(256, **DIRECTOR)
    result = verify_cades_signature(sign_cades(DOCUMENT, director), DOCUMENT)
    info = result.certificate
    assert info.full_name == "Петрова Анна Сергеевна"
    assert (info.organization, info.inn_le, info.ogrn) == (
        'ООО "Ромашка"',
        "7707083893",
        "1027700132195",
    )
    assert signer_matches(result, inn="7707083893", ogrn="1027700132195")
    assert signer_matches(result, inn="771234567891")  # the director's own ИНН
    check_signer(result, {"inn": "7707083893", "ogrn": "1027700132195"})


def test_entrepreneur(ca):
    result = verify_cades_signature(sign_cades(DOCUMENT, ca.issue(256, **ENTREPRENEUR)), DOCUMENT)
    assert result.certificate.ogrnip == "304500116000157"
    check_signer(result, {"inn": "500100732259", "ogrnip": "304500116000157"})


def test_file_given_as_path_file_object_digests_or_callable(person, signature, tmp_path):
    path = tmp_path / "заявка.pdf"
    path.write_bytes(DOCUMENT)
    bits = person.key.bits
    digests = streebog_file_digests(path)
    for content in (
        path,
        str(path),
        io.BytesIO(DOCUMENT),
        digests,
        {bits: digests[bits]},
        lambda size: streebog_digest(DOCUMENT, size),
        DOCUMENT,
    ):
        assert verify_cades_signature(signature, content).digest_bits == bits


def test_precomputed_digests_must_include_the_size_used(person256):
    signature = sign_cades(DOCUMENT, person256)
    with pytest.raises(ValueError):
        verify_cades_signature(signature, {512: streebog_digest(DOCUMENT, 512)})


def test_base64_and_pem_as_returned_by_the_cryptopro_plugin(person256):
    signature = sign_cades(DOCUMENT, person256)
    encoded = base64.b64encode(signature)
    wrapped = b"\r\n".join(encoded[i : i + 64] for i in range(0, len(encoded), 64))
    pem = b"-----BEGIN CMS-----\n" + wrapped + b"\n-----END CMS-----\n"
    for variant in (encoded, encoded.decode(), wrapped, pem, b"  " + encoded + b"\n"):
        assert verify_cades_signature(variant, DOCUMENT).ok


def test_signer_found_by_subject_key_identifier(person256):
    signature = sign_cades(DOCUMENT, person256, by_key_identifier=True)
    assert verify_cades_signature(signature, DOCUMENT).ok


def test_certificate_supplied_separately(person256):
    signature = sign_cades(DOCUMENT, person256, embed_certificate=False)
    assert _reject(signature).code == "certificate_not_found"
    assert verify_cades_signature(signature, DOCUMENT, certificates=[person256.der]).ok


def test_signed_while_valid_still_verifies_after_expiry(ca):
    old = ca.issue(
        256,
        not_before=datetime(2020, 1, 1, tzinfo=UTC),
        not_after=datetime(2021, 1, 1, tzinfo=UTC),
        **PERSON,
    )
    signed_at = datetime(2020, 6, 1, 12, 0, tzinfo=UTC)
    result = verify_cades_signature(sign_cades(DOCUMENT, old, signing_time=signed_at), DOCUMENT)
    assert result.signing_time == signed_at


def test_attached_cades_verifies_with_the_attached_api(person):
    signature = sign_cades(DOCUMENT, person, detached=False)
    result = verify_attached_signature(signature, require_signing_certificate=True)
    assert result.digest_bits == person.key.bits


# Rejections, one defect at a time.


def test_tampered_file(signature):
    error = _reject(signature, DOCUMENT + b" ")
    assert error.code == "content_mismatch"
    assert error.message == "Подпись не соответствует файлу: хэш документа отличается"


def test_tampered_signature_value(signature):
    # signerInfos is the last field and the signature value the last in it.
    tampered = signature[:-1] + bytes([signature[-1] ^ 0x01])
    error = _reject(tampered)
    assert error.code == "bad_signature"
    assert error.message == "Подпись недействительна"


def test_tampered_signing_time_attribute(person256):
    signed_at = _now() - timedelta(days=1)
    signature = sign_cades(DOCUMENT, person256, signing_time=signed_at)
    original = signed_at.strftime("%y%m%d%H%M%SZ").encode()
    forged = (signed_at - timedelta(hours=1)).strftime("%y%m%d%H%M%SZ").encode()
    assert signature.count(original) == 1
    assert _reject(signature.replace(original, forged)).code == "bad_signature"


def test_message_digest_swapped_for_another_file(person256):
    """Replacing messageDigest so that it matches another file must break the signature."""
    other = b"another document"
    signature = sign_cades(DOCUMENT, person256)
    original, forged = streebog_digest(DOCUMENT, 256), streebog_digest(other, 256)
    assert signature.count(original) == 1
    assert _reject(signature.replace(original, forged), other).code == "bad_signature"


def test_signer_is_not_the_applicant(person):
    result = verify_cades_signature(sign_cades(DOCUMENT, person), DOCUMENT)
    assert not signer_matches(result, inn="7707083893")
    with pytest.raises(SignatureVerificationError) as error:
        check_signer(result, {"inn": "7707083893"})
    assert error.value.code == "signer_mismatch"
    assert error.value.message.startswith(
        "Сертификат подписи выдан не на заявителя: ИНН не совпадает"
    )


def test_expired_certificate(ca):
    expired = ca.issue(
        256,
        not_before=datetime(2020, 1, 1, tzinfo=UTC),
        not_after=datetime(2021, 1, 1, tzinfo=UTC),
        **PERSON,
    )
    error = _reject(sign_cades(DOCUMENT, expired))
    assert error.code == "certificate_expired"
    assert error.message == "Срок действия сертификата истёк на момент подписания"


def test_not_yet_valid_certificate(ca):
    future = ca.issue(
        512,
        not_before=_now() + timedelta(days=30),
        not_after=_now() + timedelta(days=400),
        **PERSON,
    )
    error = _reject(sign_cades(DOCUMENT, future))
    assert error.code == "certificate_not_yet_valid"
    assert error.message == "Сертификат ещё не действовал на момент подписания"


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"not a signature",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        bytes(range(256)),
        base64.b64encode(b"\x30\x03\x02\x01\x01"),
        "подпись",
    ],
    ids=["empty", "text", "pdf", "binary", "base64-not-cms", "cyrillic-str"],
)
def test_not_a_signature(garbage):
    error = _reject(garbage)
    assert error.code == "not_cms"
    assert error.message == "Файл не является подписью CAdES (CMS SignedData)"


def test_a_certificate_is_not_a_signature(person256):
    assert _reject(person256.der).code == "not_cms"


def test_truncated_signature(person256):
    signature = sign_cades(DOCUMENT, person256)
    assert _reject(signature[: len(signature) // 2]).code in {"not_cms", "malformed"}


def test_non_gost_digest_algorithm(person256):
    signature = sign_cades(DOCUMENT, person256, digest_algorithm="2.16.840.1.101.3.4.2.1")
    error = _reject(signature)
    assert error.code == "unsupported_digest_algorithm"
    assert "ГОСТ Р 34.11-2012" in error.message


def test_non_gost_signature_algorithm(person256):
    signature = sign_cades(DOCUMENT, person256, signature_algorithm="1.2.840.113549.1.1.11")
    assert _reject(signature).code == "unsupported_signature_algorithm"


def test_digest_size_must_match_the_key(person256):
    signature = sign_cades(DOCUMENT, person256, digest_algorithm="1.2.643.7.1.1.2.3")
    assert _reject(signature).code == "algorithm_mismatch"


def test_sign_with_digest_signature_oid_is_accepted(person):
    oid = {256: "1.2.643.7.1.1.3.2", 512: "1.2.643.7.1.1.3.3"}[person.key.bits]
    assert verify_cades_signature(
        sign_cades(DOCUMENT, person, signature_algorithm=oid), DOCUMENT
    ).ok


def test_attached_signature_where_detached_is_required(person256):
    error = _reject(sign_cades(DOCUMENT, person256, detached=False))
    assert error.code == "not_detached"
    assert error.message.startswith("Подпись должна быть отсоединённой")


def test_detached_signature_given_to_the_attached_api(person256):
    with pytest.raises(SignatureVerificationError) as error:
        verify_attached_signature(sign_cades(DOCUMENT, person256))
    assert error.value.code == "detached"


def test_missing_signing_certificate_v2(person):
    signature = sign_cades(DOCUMENT, person, include_signing_certificate=False)
    error = _reject(signature)
    assert error.code == "signing_certificate_missing"
    assert "signingCertificateV2" in error.message
    relaxed = verify_cades_signature(signature, DOCUMENT, require_signing_certificate=False)
    assert relaxed.ok


def test_signing_certificate_v2_names_another_certificate(ca, person256):
    other = ca.issue(256, **PERSON)
    signature = sign_cades(DOCUMENT, person256, signing_certificate=other.certificate)
    assert _reject(signature).code == "signing_certificate_mismatch"


def test_more_than_one_signer(person256):
    signed_data = cms.ContentInfo.load(sign_cades(DOCUMENT, person256))["content"]
    signer_info = signed_data["signer_infos"][0]
    # Rebuilt from the parsed parts, which keep their original encodings.
    two_signers = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": signed_data["digest_algorithms"],
            "encap_content_info": signed_data["encap_content_info"],
            "certificates": signed_data["certificates"],
            "signer_infos": [signer_info, signer_info],
        }
    )
    content_info = cms.ContentInfo({"content_type": "signed_data", "content": two_signers})
    assert _reject(content_info.dump()).code == "signer_count"


def test_naive_check_time_is_a_programming_error(person256):
    with pytest.raises(ValueError):
        verify_cades_signature(sign_cades(DOCUMENT, person256), DOCUMENT, at=datetime(2025, 1, 1))


# Trust anchors (optional hook).


def test_trusted_issuer(ca, signature):
    assert verify_cades_signature(signature, DOCUMENT, trust_anchors=[ca.root.der]).ok


def test_untrusted_issuer(signature):
    stranger = TestCA(256, cn="Тестовый УЦ")  # same name, different key
    error = _reject(signature, trust_anchors=[stranger.root.der])
    assert error.code == "untrusted_issuer"
    assert error.message == "Сертификат подписи выдан недоверенным удостоверяющим центром"


def test_no_trust_anchor_at_all(signature):
    assert _reject(signature, trust_anchors=[]).code == "untrusted_issuer"


def test_512_bit_issuer(person256):
    ca512 = TestCA(512, cn="УЦ 512")
    signer = ca512.issue(256, **PERSON)
    signature = sign_cades(DOCUMENT, signer)
    assert verify_cades_signature(signature, DOCUMENT, trust_anchors=[ca512.root.der]).ok


def test_revocation_hook(ca, person256):
    calls = []

    def revoked(certificate, issuer):
        calls.append((certificate.dump(), issuer.dump()))
        raise SignatureVerificationError("Сертификат подписи отозван", "certificate_revoked")

    signature = sign_cades(DOCUMENT, person256)
    error = _reject(signature, trust_anchors=[ca.root.der], revocation_check=revoked)
    assert error.code == "certificate_revoked"
    assert calls == [(person256.der, ca.root.der)]
