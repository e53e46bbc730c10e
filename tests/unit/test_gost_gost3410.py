"""GOST R 34.10-2012 verification on every supported parameter set, and key validation."""

import pytest
from asn1crypto import keys

from core.gost import SignatureVerificationError
from core.gost.gost3410 import PARAM_SET_CURVES, parse_public_key, verify_digest
from core.gost.streebog import streebog_digest

from .gost_ca import KeyPair, param_set_bits

MESSAGE = b"GOST R 34.10-2012"


@pytest.fixture(scope="module", params=sorted(PARAM_SET_CURVES))
def key_and_public(request):
    key = KeyPair.generate(param_set_bits(request.param), request.param)
    return key, parse_public_key(key.subject_public_key_info().dump())


def test_sign_and_verify_on_every_parameter_set(key_and_public):
    key, public = key_and_public
    assert (public.bits, public.param_set, public.point) == (
        key.bits,
        key.param_set,
        key.public_point,
    )
    digest = streebog_digest(MESSAGE, key.bits)
    signature = key.sign_digest(digest)
    assert verify_digest(public, digest, signature)
    assert not verify_digest(public, streebog_digest(MESSAGE + b".", key.bits), signature)
    assert not verify_digest(public, digest, signature[::-1])


def test_point_off_the_curve_is_rejected():
    key = KeyPair.generate(256)
    public = parse_public_key(key.subject_public_key_info().dump())
    digest = streebog_digest(MESSAGE, 256)
    signature = key.sign_digest(digest)
    off_curve = bytes([public.point[0] ^ 1]) + public.point[1:]
    assert not verify_digest(type(public)(256, public.param_set, off_curve), digest, signature)
    zero_x = bytes(32) + public.point[32:]
    assert not verify_digest(type(public)(256, public.param_set, zero_x), digest, signature)


def test_wrong_lengths_are_rejected_not_raised():
    key = KeyPair.generate(256)
    public = parse_public_key(key.subject_public_key_info().dump())
    digest = streebog_digest(MESSAGE, 256)
    signature = key.sign_digest(digest)
    assert not verify_digest(public, digest[:-1], signature)
    assert not verify_digest(public, digest, signature + b"\x00")
    assert not verify_digest(public, streebog_digest(MESSAGE, 512), signature)


def test_non_gost_key_is_rejected():
    rsa = keys.PublicKeyInfo(
        {
            "algorithm": {"algorithm": "rsa"},
            "public_key": keys.RSAPublicKey({"modulus": 2**2047 + 1, "public_exponent": 65537}),
        }
    )
    with pytest.raises(SignatureVerificationError) as error:
        parse_public_key(rsa.dump())
    assert error.value.code == "unsupported_key"
    assert "ГОСТ Р 34.10-2012" in error.value.message


def test_unknown_parameter_set_is_rejected():
    key = KeyPair.generate(256)
    spki = key.subject_public_key_info().dump()
    unknown = spki.replace(
        bytes.fromhex("06092a8503070102010101"), bytes.fromhex("06092a8503070102010109")
    )
    assert unknown != spki
    with pytest.raises(SignatureVerificationError) as error:
        parse_public_key(unknown)
    assert error.value.code == "unsupported_key"
