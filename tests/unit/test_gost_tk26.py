"""The TK26 reference vectors: independent data that pins the GOST byte-order conventions.

Each vector is a self-signed certificate and an attached CMS SignedData over "Test message"
without signed attributes and without embedded certificates. A verifier that accepts both and
rejects a one-byte change in the content, the signature or the public key has the byte orders
right (key X‖Y little-endian, signature s‖r big-endian, digest as a little-endian integer).
"""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.gost import (
    SignatureVerificationError,
    load_certificate,
    verify_attached_signature,
    verify_cades_signature,
)
from core.gost.gost3410 import parse_public_key

TK26 = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "gost-tk26"
# The certificates are valid 2013-2030: check at a fixed moment so the tests do not age.
AT = datetime(2020, 1, 1, tzinfo=UTC)
BITS = [256, 512]


def _signed_data(bits: int) -> bytes:
    return (TK26 / f"signed-data-{bits}.p7s").read_bytes()


def _certificate(bits: int) -> bytes:
    return (TK26 / f"cert-{bits}.pem").read_bytes()


def _verify(signed_data: bytes, certificate: bytes, **kwargs):
    return verify_attached_signature(signed_data, certificates=[certificate], at=AT, **kwargs)


def _flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


def _certificate_der_with_flipped_key_byte(bits: int) -> bytes:
    der = load_certificate(_certificate(bits)).dump()
    point = parse_public_key(
        load_certificate(der)["tbs_certificate"]["subject_public_key_info"].dump()
    ).point
    return _flip(der, der.index(point) + 5)


@pytest.mark.parametrize("bits", BITS)
def test_vector_verifies(bits):
    result = _verify(_signed_data(bits), _certificate(bits))
    assert result.ok
    assert result.digest_bits == bits
    assert result.signing_time is None
    assert result.certificate.subject_cn == f"GostR3410-2012 ({bits} bit) example"
    assert result.certificate.email == "GostR3410-2012@example.com"
    assert result.certificate.serial_hex == "01"


@pytest.mark.parametrize("bits", BITS)
def test_self_signed_certificate_verifies_as_its_own_trust_anchor(bits):
    certificate = _certificate(bits)
    assert _verify(_signed_data(bits), certificate, trust_anchors=[certificate]).ok


@pytest.mark.parametrize("bits", BITS)
def test_changed_content_fails(bits):
    signed_data = _signed_data(bits)
    tampered = signed_data.replace(b"Test message", b"Test messagf")
    assert tampered != signed_data
    with pytest.raises(SignatureVerificationError) as error:
        _verify(tampered, _certificate(bits))
    assert error.value.code == "bad_signature"
    assert error.value.message == "Подпись недействительна"


@pytest.mark.parametrize("bits", BITS)
@pytest.mark.parametrize("position", [0, -1], ids=["first-byte", "last-byte"])
def test_changed_signature_fails(bits, position):
    signed_data = _signed_data(bits)
    # The signature value is the last element of the DER: s‖r fills the final bits/4 bytes.
    offset = len(signed_data) - bits // 4 if position == 0 else len(signed_data) - 1
    with pytest.raises(SignatureVerificationError) as error:
        _verify(_flip(signed_data, offset), _certificate(bits))
    assert error.value.code == "bad_signature"


@pytest.mark.parametrize("bits", BITS)
def test_changed_public_key_fails(bits):
    with pytest.raises(SignatureVerificationError) as error:
        _verify(_signed_data(bits), _certificate_der_with_flipped_key_byte(bits))
    assert error.value.code == "bad_signature"


@pytest.mark.parametrize("bits", BITS)
def test_vector_is_rejected_where_detached_cades_is_required(bits):
    with pytest.raises(SignatureVerificationError) as error:
        verify_cades_signature(
            _signed_data(bits), b"Test message", certificates=[_certificate(bits)], at=AT
        )
    assert error.value.code == "not_detached"
    assert "отсоединённой" in error.value.message


@pytest.mark.parametrize("bits", BITS)
def test_cades_bes_policy_rejects_the_vector_without_signed_attributes(bits):
    with pytest.raises(SignatureVerificationError) as error:
        _verify(_signed_data(bits), _certificate(bits), require_signing_certificate=True)
    assert error.value.code == "signing_certificate_missing"


@pytest.mark.parametrize("bits", BITS)
def test_missing_signer_certificate(bits):
    with pytest.raises(SignatureVerificationError) as error:
        verify_attached_signature(_signed_data(bits), at=AT)
    assert error.value.code == "certificate_not_found"


def test_certificate_of_the_other_vector_does_not_match():
    with pytest.raises(SignatureVerificationError) as error:
        _verify(_signed_data(256), _certificate(512))
    assert error.value.code == "certificate_not_found"


@pytest.mark.parametrize("bits", BITS)
def test_check_after_certificate_expiry_fails(bits):
    with pytest.raises(SignatureVerificationError) as error:
        verify_attached_signature(
            _signed_data(bits),
            certificates=[_certificate(bits)],
            at=datetime(2031, 1, 1, tzinfo=UTC),
        )
    assert error.value.code == "certificate_expired"
    assert error.value.message == "Срок действия сертификата истёк на момент проверки"
