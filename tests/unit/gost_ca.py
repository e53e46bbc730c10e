"""A throw-away GOST R 34.10-2012 certification authority for tests and benchmarks.

It issues X.509 certificates with Russian qualified-certificate subject attributes and makes
real CAdES-BES signatures, the way the CryptoPro plug-in does, so the verifier can be tested on
valid data and on data broken one property at a time. Byte-order conversions are written out
here independently of core.gost (the TK26 vectors check that both sides agree with the world);
hashing reuses core.gost's Streebog, which its own tests check against the standard.

Never use this for real keys: private keys live in memory and randomness is os.urandom.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from asn1crypto import cms, core, keys, tsp, x509
from gostcrypto import gostsignature

from core.gost.streebog import streebog_digest

STREEBOG_OID = {256: "1.2.643.7.1.1.2.2", 512: "1.2.643.7.1.1.2.3"}
KEY_ALGORITHM_OID = {256: "1.2.643.7.1.1.1.1", 512: "1.2.643.7.1.1.1.2"}
SIGN_WITH_DIGEST_OID = {256: "1.2.643.7.1.1.3.2", 512: "1.2.643.7.1.1.3.3"}

# Parameter set OID -> gostcrypto curve name, for the sets tests use.
CURVES = {
    "1.2.643.7.1.2.1.1.1": "id-tc26-gost-3410-2012-256-paramSetA",
    "1.2.643.7.1.2.1.1.2": "id-tc26-gost-3410-2012-256-paramSetB",
    "1.2.643.7.1.2.1.1.3": "id-tc26-gost-3410-2012-256-paramSetC",
    "1.2.643.7.1.2.1.1.4": "id-tc26-gost-3410-2012-256-paramSetD",
    "1.2.643.2.2.35.1": "id-tc26-gost-3410-2012-256-paramSetB",
    "1.2.643.2.2.35.2": "id-tc26-gost-3410-2012-256-paramSetC",
    "1.2.643.2.2.35.3": "id-tc26-gost-3410-2012-256-paramSetD",
    "1.2.643.2.2.36.0": "id-tc26-gost-3410-2012-256-paramSetB",
    "1.2.643.2.2.36.1": "id-tc26-gost-3410-2012-256-paramSetD",
    "1.2.643.7.1.2.1.2.1": "id-tc26-gost-3410-12-512-paramSetA",
    "1.2.643.7.1.2.1.2.2": "id-tc26-gost-3410-12-512-paramSetB",
    "1.2.643.7.1.2.1.2.3": "id-tc26-gost-3410-2012-512-paramSetC",
}
DEFAULT_PARAM_SET = {256: "1.2.643.7.1.2.1.1.1", 512: "1.2.643.7.1.2.1.2.1"}

# Subject attribute keyword -> (OID, ASN.1 string type), as in qualified certificates.
SUBJECT_ATTRIBUTES = {
    "cn": ("2.5.4.3", "utf8"),
    "surname": ("2.5.4.4", "utf8"),
    "given_name": ("2.5.4.42", "utf8"),
    "title": ("2.5.4.12", "utf8"),
    "organization": ("2.5.4.10", "utf8"),
    "locality": ("2.5.4.7", "utf8"),
    "country": ("2.5.4.6", "printable"),
    "email": ("1.2.840.113549.1.9.1", "ia5"),
    "inn": ("1.2.643.3.131.1.1", "numeric"),
    "inn_le": ("1.2.643.100.4", "numeric"),
    "ogrn": ("1.2.643.100.1", "numeric"),
    "ogrnip": ("1.2.643.100.5", "numeric"),
    "snils": ("1.2.643.100.3", "numeric"),
}
_STRING_TYPES = {
    "utf8": core.UTF8String,
    "printable": core.PrintableString,
    "ia5": core.IA5String,
    "numeric": core.NumericString,
}


def param_set_bits(param_set: str) -> int:
    return 512 if param_set.startswith("1.2.643.7.1.2.1.2.") else 256


@cache
def _curve(param_set: str) -> gostsignature.GOST34102012:
    mode = gostsignature.MODE_512 if param_set_bits(param_set) == 512 else gostsignature.MODE_256
    return gostsignature.new(mode, gostsignature.CURVES_R_1323565_1_024_2019[CURVES[param_set]])


@dataclass(frozen=True)
class KeyPair:
    bits: int
    param_set: str
    private_key: bytes  # big-endian, gostcrypto's format
    public_point: bytes  # X‖Y, each little-endian, the certificate's format

    @classmethod
    def generate(cls, bits: int = 256, param_set: str | None = None) -> KeyPair:
        param_set = param_set or DEFAULT_PARAM_SET[bits]
        if param_set_bits(param_set) != bits:
            raise ValueError(f"parameter set {param_set} is not for {bits}-bit keys")
        curve = _curve(param_set)
        size = bits // 8
        secret = 1 + int.from_bytes(os.urandom(size + 8), "big") % (curve._q - 1)
        private_key = secret.to_bytes(size, "big")
        public_be = bytes(curve.public_key_generate(bytearray(private_key)))
        public_point = public_be[:size][::-1] + public_be[size:][::-1]
        return cls(bits, param_set, private_key, public_point)

    def sign_digest(self, digest: bytes) -> bytes:
        """GOST R 34.10-2012 signature over a Streebog digest, as s‖r big-endian."""
        size = self.bits // 8
        r_s = bytes(
            _curve(self.param_set).sign(bytearray(self.private_key), bytearray(digest[::-1]))
        )
        return r_s[size:] + r_s[:size]

    def sign(self, data: bytes) -> bytes:
        return self.sign_digest(streebog_digest(data, self.bits))

    def subject_public_key_info(self) -> keys.PublicKeyInfo:
        """SubjectPublicKeyInfo per RFC 9215: the digest parameter only for 256-bit non-A sets."""
        parameters = {"public_key_param_set": self.param_set}
        if self.bits == 256 and self.param_set != DEFAULT_PARAM_SET[256]:
            parameters["digest_param_set"] = STREEBOG_OID[256]
        spki = _GostSubjectPublicKeyInfo(
            {
                "algorithm": {"algorithm": KEY_ALGORITHM_OID[self.bits], "parameters": parameters},
                "public_key": core.OctetString(self.public_point).dump(),
            }
        )
        return keys.PublicKeyInfo.load(spki.dump())


class _GostKeyParameters(core.Sequence):
    _fields = [
        ("public_key_param_set", core.ObjectIdentifier),
        ("digest_param_set", core.ObjectIdentifier, {"optional": True}),
    ]


class _GostAlgorithm(core.Sequence):
    _fields = [("algorithm", core.ObjectIdentifier), ("parameters", _GostKeyParameters)]


class _GostSubjectPublicKeyInfo(core.Sequence):
    _fields = [("algorithm", _GostAlgorithm), ("public_key", core.OctetBitString)]


class _TypeAndValue(core.Sequence):
    _fields = [("type", core.ObjectIdentifier), ("value", core.Any)]


def make_name(**attributes: str) -> x509.Name:
    """A distinguished name from SUBJECT_ATTRIBUTES keywords, one attribute per RDN."""
    rdns = []
    for keyword, value in attributes.items():
        oid, string_type = SUBJECT_ATTRIBUTES[keyword]
        # Built generically and re-loaded: asn1crypto insists on its own value classes for the
        # X.520 attributes it knows, while we want to choose the exact string type.
        raw = _TypeAndValue({"type": oid, "value": _STRING_TYPES[string_type](value)})
        rdns.append(x509.RelativeDistinguishedName([x509.NameTypeAndValue.load(raw.dump())]))
    return x509.Name(name="", value=x509.RDNSequence(rdns))


@dataclass(frozen=True)
class Identity:
    """A certificate with its private key."""

    certificate: x509.Certificate
    key: KeyPair

    @property
    def der(self) -> bytes:
        return self.certificate.dump()


def _time(moment: datetime, time_class: type = x509.Time) -> x509.Time | cms.Time:
    """UTCTime until 2049, GeneralizedTime after, as RFC 5280 and RFC 5652 require."""
    if moment.year < 2050:
        return time_class(name="utc_time", value=moment)
    return time_class(
        name="general_time" if time_class is x509.Time else "generalized_time", value=moment
    )


def _key_identifier(key: KeyPair) -> bytes:
    return hashlib.sha1(core.OctetString(key.public_point).dump()).digest()


def issue_certificate(
    subject: x509.Name,
    key: KeyPair,
    *,
    issuer: Identity | None = None,
    not_before: datetime,
    not_after: datetime,
    serial_number: int | None = None,
    is_ca: bool = False,
) -> x509.Certificate:
    """A v3 certificate for ``key``, signed by ``issuer`` (self-signed when None)."""
    signing_key = issuer.key if issuer else key
    key_usage = {"key_cert_sign", "crl_sign"} if is_ca else {"digital_signature", "non_repudiation"}
    extensions = [
        {"extn_id": "key_identifier", "critical": False, "extn_value": _key_identifier(key)},
        {"extn_id": "key_usage", "critical": True, "extn_value": key_usage},
        {"extn_id": "basic_constraints", "critical": True, "extn_value": {"ca": is_ca}},
        {
            "extn_id": "authority_key_identifier",
            "critical": False,
            "extn_value": {"key_identifier": _key_identifier(signing_key)},
        },
    ]
    signature_algorithm = {"algorithm": SIGN_WITH_DIGEST_OID[signing_key.bits]}
    tbs = x509.TbsCertificate(
        {
            "version": "v3",
            # A positive INTEGER that fits 16 bytes in DER (top bit clear).
            "serial_number": serial_number or int.from_bytes(os.urandom(16), "big") >> 1,
            "signature": signature_algorithm,
            "issuer": issuer.certificate.subject if issuer else subject,
            "validity": {"not_before": _time(not_before), "not_after": _time(not_after)},
            "subject": subject,
            "subject_public_key_info": key.subject_public_key_info(),
            "extensions": extensions,
        }
    )
    signature = signing_key.sign(tbs.dump())
    return x509.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": signature_algorithm,
            "signature_value": signature,
        }
    )


class TestCA:
    """A self-signed root that issues end-entity certificates for natural and legal persons."""

    __test__ = False  # not a pytest test class

    def __init__(self, bits: int = 256, cn: str = "Тестовый УЦ") -> None:
        key = KeyPair.generate(bits)
        now = datetime.now(UTC).replace(microsecond=0)
        subject = make_name(
            cn=cn, organization="ООО «Тестовый УЦ»", inn_le="7700000008", ogrn="1027700000001"
        )
        certificate = issue_certificate(
            subject,
            key,
            not_before=now - timedelta(days=3650),
            not_after=now + timedelta(days=3650),
            is_ca=True,
        )
        self.root = Identity(certificate, key)

    def issue(
        self,
        bits: int = 256,
        *,
        param_set: str | None = None,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        **subject: str,
    ) -> Identity:
        """An end-entity identity; by default valid from a year ago for another year."""
        now = datetime.now(UTC).replace(microsecond=0)
        key = KeyPair.generate(bits, param_set)
        certificate = issue_certificate(
            make_name(**subject),
            key,
            issuer=self.root,
            not_before=not_before or now - timedelta(days=365),
            not_after=not_after or now + timedelta(days=365),
        )
        return Identity(certificate, key)


def _signing_certificate_v2(certificate: x509.Certificate, bits: int) -> tsp.SigningCertificateV2:
    return tsp.SigningCertificateV2(
        {
            "certs": [
                {
                    "hash_algorithm": {"algorithm": STREEBOG_OID[bits]},
                    "cert_hash": streebog_digest(certificate.dump(), bits),
                    "issuer_serial": {
                        "issuer": [
                            x509.GeneralName(name="directory_name", value=certificate.issuer)
                        ],
                        "serial_number": certificate.serial_number,
                    },
                }
            ]
        }
    )


def signed_attributes(
    data: bytes,
    signer: Identity,
    *,
    signing_time: datetime | None = None,
    include_signing_certificate: bool = True,
    signing_certificate: x509.Certificate | None = None,
) -> cms.CMSAttributes:
    """contentType, signingTime, messageDigest and (CAdES-BES) signingCertificateV2.

    ``signing_certificate`` names another certificate in signingCertificateV2 than the signer's.
    """
    bits = signer.key.bits
    moment = signing_time or datetime.now(UTC).replace(microsecond=0)
    attributes = [
        {"type": "content_type", "values": ["data"]},
        {"type": "signing_time", "values": [_time(moment, cms.Time)]},
        {"type": "message_digest", "values": [streebog_digest(data, bits)]},
    ]
    if include_signing_certificate:
        attributes.append(
            {
                "type": "signing_certificate_v2",
                "values": [
                    _signing_certificate_v2(signing_certificate or signer.certificate, bits)
                ],
            }
        )
    return cms.CMSAttributes(attributes)


def sign_cades(
    data: bytes,
    signer: Identity,
    *,
    detached: bool = True,
    signing_time: datetime | None = None,
    include_signing_certificate: bool = True,
    signing_certificate: x509.Certificate | None = None,
    embed_certificate: bool = True,
    by_key_identifier: bool = False,
    digest_algorithm: str | None = None,
    signature_algorithm: str | None = None,
) -> bytes:
    """A CAdES-BES signature (DER ContentInfo) of ``data``, as the CryptoPro plug-in makes.

    The keyword arguments produce the deviations the verifier must handle or reject.
    """
    bits = signer.key.bits
    attributes = signed_attributes(
        data,
        signer,
        signing_time=signing_time,
        include_signing_certificate=include_signing_certificate,
        signing_certificate=signing_certificate,
    )
    # The signature covers the attributes encoded as a universal SET OF (tag 0x31).
    signature = signer.key.sign(attributes.dump())
    digest_algorithm = {"algorithm": digest_algorithm or STREEBOG_OID[bits]}
    if by_key_identifier:
        sid = cms.SignerIdentifier(
            name="subject_key_identifier", value=signer.certificate.key_identifier
        )
    else:
        sid = cms.SignerIdentifier(
            name="issuer_and_serial_number",
            value={
                "issuer": signer.certificate.issuer,
                "serial_number": signer.certificate.serial_number,
            },
        )
    signer_info = cms.SignerInfo(
        {
            "version": "v3" if by_key_identifier else "v1",
            "sid": sid,
            "digest_algorithm": digest_algorithm,
            "signed_attrs": attributes,
            "signature_algorithm": {"algorithm": signature_algorithm or KEY_ALGORITHM_OID[bits]},
            "signature": signature,
        }
    )
    encapsulated = {"content_type": "data"}
    if not detached:
        encapsulated["content"] = data
    signed_data = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [digest_algorithm],
            "encap_content_info": encapsulated,
            "certificates": [signer.certificate] if embed_certificate else None,
            "signer_infos": [signer_info],
        }
    )
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()
