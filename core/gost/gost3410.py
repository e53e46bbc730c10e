"""GOST R 34.10-2012 signature verification on top of gostcrypto's curve arithmetic.

Byte orders differ between the wire formats and gostcrypto, and getting one wrong makes every
signature fail (or, worse, a test pass by accident); the TK26 vectors pin them down:

* certificate public key: OCTET STRING with X‖Y, each coordinate little-endian;
* signature value (CMS and X.509): s‖r, each big-endian;
* the digest enters the equations as a little-endian integer.

gostcrypto expects X‖Y and r‖s big-endian and reads the digest as a big-endian integer, so
:func:`verify_digest` reverses the coordinates and the digest and swaps the signature halves.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from asn1crypto import core
from gostcrypto import gostsignature

from . import oids
from .errors import SignatureVerificationError

__all__ = ["GostPublicKey", "parse_public_key", "verify_digest"]

_TC26_256_A = "id-tc26-gost-3410-2012-256-paramSetA"
_TC26_256_B = "id-tc26-gost-3410-2012-256-paramSetB"
_TC26_256_C = "id-tc26-gost-3410-2012-256-paramSetC"
_TC26_256_D = "id-tc26-gost-3410-2012-256-paramSetD"
_TC26_512_A = "id-tc26-gost-3410-12-512-paramSetA"
_TC26_512_B = "id-tc26-gost-3410-12-512-paramSetB"
_TC26_512_C = "id-tc26-gost-3410-2012-512-paramSetC"

# Parameter set OID -> (key size, gostcrypto curve name). The CryptoPro sets of GOST 2001 are
# the same curves as TC26 256 B/C/D (R 1323565.1.024-2019), and Xch A/B reuse CryptoPro A/C.
PARAM_SET_CURVES: dict[str, tuple[int, str]] = {
    "1.2.643.7.1.2.1.1.1": (256, _TC26_256_A),
    "1.2.643.7.1.2.1.1.2": (256, _TC26_256_B),
    "1.2.643.7.1.2.1.1.3": (256, _TC26_256_C),
    "1.2.643.7.1.2.1.1.4": (256, _TC26_256_D),
    "1.2.643.2.2.35.1": (256, _TC26_256_B),
    "1.2.643.2.2.35.2": (256, _TC26_256_C),
    "1.2.643.2.2.35.3": (256, _TC26_256_D),
    "1.2.643.2.2.36.0": (256, _TC26_256_B),
    "1.2.643.2.2.36.1": (256, _TC26_256_D),
    "1.2.643.7.1.2.1.2.1": (512, _TC26_512_A),
    "1.2.643.7.1.2.1.2.2": (512, _TC26_512_B),
    "1.2.643.7.1.2.1.2.3": (512, _TC26_512_C),
}

_UNSUPPORTED_KEY = "Сертификат подписи содержит ключ, не соответствующий ГОСТ Р 34.10-2012"


class _GostKeyParameters(core.Sequence):
    _fields = [
        ("public_key_param_set", core.ObjectIdentifier),
        ("digest_param_set", core.ObjectIdentifier, {"optional": True}),
        ("encryption_param_set", core.ObjectIdentifier, {"optional": True}),
    ]


class _GostAlgorithm(core.Sequence):
    _fields = [
        ("algorithm", core.ObjectIdentifier),
        ("parameters", _GostKeyParameters, {"optional": True}),
    ]


class _GostSubjectPublicKeyInfo(core.Sequence):
    """SubjectPublicKeyInfo as RFC 4491/9215 define it for GOST keys.

    asn1crypto's own ``PublicKeyInfo`` raises KeyError on GOST algorithm OIDs, so the structure
    is declared here and loaded from the certificate's original bytes.
    """

    _fields = [("algorithm", _GostAlgorithm), ("public_key", core.OctetBitString)]


@dataclass(frozen=True)
class GostPublicKey:
    """A GOST R 34.10-2012 public key exactly as carried in a certificate."""

    bits: int
    param_set: str
    point: bytes  # X‖Y, each coordinate little-endian


def parse_public_key(spki_der: bytes) -> GostPublicKey:
    """Parse a DER SubjectPublicKeyInfo holding a GOST R 34.10-2012 key."""
    try:
        spki = _GostSubjectPublicKeyInfo.load(spki_der)
        algorithm = spki["algorithm"]["algorithm"].dotted
        parameters = spki["algorithm"]["parameters"]
        param_set = parameters["public_key_param_set"].dotted if parameters.native else None
        point = core.OctetString.load(spki["public_key"].native).native
    except (ValueError, TypeError) as exc:
        raise SignatureVerificationError(_UNSUPPORTED_KEY, "unsupported_key") from exc
    bits = oids.KEY_BITS.get(algorithm)
    curve = PARAM_SET_CURVES.get(param_set)
    if bits is None or curve is None or curve[0] != bits or len(point) != bits // 4:
        raise SignatureVerificationError(_UNSUPPORTED_KEY, "unsupported_key")
    return GostPublicKey(bits=bits, param_set=param_set, point=point)


@cache
def _verifier(param_set: str) -> gostsignature.GOST34102012:
    """gostcrypto's signature object for a parameter set, cached: building one validates the
    curve with big-number arithmetic (~20 ms for 512-bit curves). It holds no per-call state."""
    bits, curve_name = PARAM_SET_CURVES[param_set]
    mode = gostsignature.MODE_256 if bits == 256 else gostsignature.MODE_512
    return gostsignature.new(mode, gostsignature.CURVES_R_1323565_1_024_2019[curve_name])


def _point_on_curve(verifier: gostsignature.GOST34102012, x: int, y: int) -> bool:
    """Reject keys that are not curve points before gostcrypto sees them.

    gostcrypto does not validate public keys, and it silently substitutes the base point for a
    key with a zero coordinate, which would let anyone forge a signature for such a "key". It has
    no public accessor for the (canonical Weierstrass) curve, hence the private attributes.
    """
    p, a, b = verifier._p, verifier._a, verifier._b
    return 0 < x < p and 0 < y < p and (y * y - (x * x * x + a * x + b)) % p == 0


def verify_digest(public_key: GostPublicKey, digest: bytes, signature: bytes) -> bool:
    """Check a GOST R 34.10-2012 signature (s‖r, big-endian) over a Streebog digest.

    ``digest`` is the hash output as produced by Streebog (the byte string, not an integer).
    """
    size = public_key.bits // 8
    if len(digest) != size or len(signature) != 2 * size:
        return False
    verifier = _verifier(public_key.param_set)
    x_be = public_key.point[:size][::-1]
    y_be = public_key.point[size:][::-1]
    if not _point_on_curve(verifier, int.from_bytes(x_be, "big"), int.from_bytes(y_be, "big")):
        return False
    r_s = signature[size:] + signature[:size]
    try:
        return verifier.verify(bytearray(x_be + y_be), bytearray(digest[::-1]), bytearray(r_s))
    except gostsignature.GOSTSignatureError:
        return False
