"""Verification of CMS/CAdES-BES signatures made with GOST R 34.10-2012 keys.

Our flow produces detached CAdES-BES signatures (CryptoPro browser plug-in, base64 or DER):
:func:`verify_cades_signature` checks one against the signed file, or against the file's
Streebog digests computed earlier by a background task. :func:`verify_attached_signature`
checks CMS with encapsulated content, such as the TK26 reference vectors.

Checks run in a fixed order and the first failure raises :class:`SignatureVerificationError`
with a Russian message for the user and a ``code`` for machines:

1. the input is CMS SignedData (DER, PEM or bare base64), detached or attached as asked;
2. exactly one SignerInfo, whose certificate is found by issuerAndSerialNumber or
   subjectKeyIdentifier;
3. Streebog digest and GOST R 34.10-2012 signature algorithm, matching the key size;
4. signed attributes: contentType and messageDigest; the signature covers their DER;
5. the GOST R 34.10-2012 signature itself;
6. signingCertificateV2 binds the certificate (required for CAdES-BES);
7. the certificate was valid at signingTime (or at ``at``/now without one);
8. optionally, the issuer's signature against ``trust_anchors`` and a revocation hook.

Without a timestamp (CAdES-T) signingTime is the signer's own claim; that is inherent to
CAdES-BES and acceptable for our use, where the upload time is recorded separately.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

# Importing asn1crypto.tsp also registers the signingCertificate(V2) attribute types with cms;
# without it they would stay unparsed.
from asn1crypto import cms, tsp, x509

from . import oids
from .certificate import (
    CertificateInfo,
    CertificateInput,
    certificate_info,
    check_key_usage,
    check_validity,
    issuer_signature_valid,
    load_certificate,
)
from .errors import SignatureVerificationError
from .gost3410 import GostPublicKey, parse_public_key, verify_digest
from .streebog import streebog_digest, streebog_file_digest

__all__ = [
    "ContentSource",
    "RevocationCheck",
    "VerificationResult",
    "verify_attached_signature",
    "verify_cades_signature",
]

# What the signed file can be given as: precomputed digests {256: ..., 512: ...}, a callable
# bits -> digest, a path, a binary file object (read from its position), or the bytes.
ContentSource = Mapping[int, bytes] | Callable[[int], bytes] | str | os.PathLike | BinaryIO | bytes
# Called with (signer certificate, issuer certificate) when trust anchors are given; raises
# SignatureVerificationError if the certificate is revoked or its status is unknown.
RevocationCheck = Callable[[x509.Certificate, x509.Certificate], None]

_NOT_CMS = "Файл не является подписью CAdES (CMS SignedData)"
_MALFORMED = "Файл подписи повреждён или имеет неверный формат"
_BAD_SIGNATURE = "Подпись недействительна"
_CONTENT_MISMATCH = "Подпись не соответствует файлу: хэш документа отличается"

_SHA_BY_OID = {
    oids.SHA1: "sha1",
    oids.SHA256: "sha256",
    oids.SHA384: "sha384",
    oids.SHA512: "sha512",
}


@dataclass(frozen=True)
class VerificationResult:
    """A signature that passed every check (failures raise instead)."""

    ok: bool
    digest_bits: int
    signing_time: datetime | None
    certificate: CertificateInfo


@dataclass(frozen=True)
class _Policy:
    at: datetime | None
    trust_anchors: tuple[x509.Certificate, ...] | None
    require_signing_certificate: bool
    revocation_check: RevocationCheck | None


@dataclass(frozen=True)
class _Signer:
    signer_info: cms.SignerInfo
    certificate: x509.Certificate
    public_key: GostPublicKey
    bits: int


def verify_cades_signature(
    signature: bytes | str,
    content: ContentSource,
    *,
    at: datetime | None = None,
    trust_anchors: Iterable[CertificateInput] | None = None,
    require_signing_certificate: bool = True,
    certificates: Iterable[CertificateInput] = (),
    revocation_check: RevocationCheck | None = None,
) -> VerificationResult:
    """Verify a detached CAdES-BES signature of a file.

    ``content`` is the signed file in any :data:`ContentSource` form; passing the digests
    stored for the file avoids reading it again (only the size the signature uses is needed).
    ``at`` (default: now) is the moment of the validity check when the signature carries no
    signingTime. ``trust_anchors=None`` skips the issuer check. ``certificates`` supplies the
    signer certificate when the CMS does not embed it.
    """
    policy = _policy(at, trust_anchors, require_signing_certificate, revocation_check)
    return _verify(signature, content, policy, certificates)


def verify_attached_signature(
    signature: bytes | str,
    *,
    at: datetime | None = None,
    trust_anchors: Iterable[CertificateInput] | None = None,
    require_signing_certificate: bool = False,
    certificates: Iterable[CertificateInput] = (),
    revocation_check: RevocationCheck | None = None,
) -> VerificationResult:
    """Verify a CMS signature that encapsulates its content (e.g. the TK26 test vectors).

    signingCertificateV2 is not required by default: plain CMS signatures, like the vectors,
    have no signed attributes at all.
    """
    policy = _policy(at, trust_anchors, require_signing_certificate, revocation_check)
    return _verify(signature, None, policy, certificates)


def _verify(
    signature: bytes | str,
    content: ContentSource | None,
    policy: _Policy,
    certificates: Iterable[CertificateInput],
) -> VerificationResult:
    """Shared flow; ``content`` None means the content must be encapsulated in the CMS."""
    extra_certificates = [load_certificate(cert) for cert in certificates]
    with _malformed_input_guard():
        signed_data = _parse_signed_data(signature)
        encapsulated = _encapsulated_content(signed_data, detached=content is not None)
        signer = _identify_signer(signed_data, extra_certificates)
    content_digest = _content_digest(encapsulated if content is None else content, signer.bits)
    with _malformed_input_guard():
        return _check_signer(signed_data, signer, content_digest, policy)


def _policy(
    at: datetime | None,
    trust_anchors: Iterable[CertificateInput] | None,
    require_signing_certificate: bool,
    revocation_check: RevocationCheck | None,
) -> _Policy:
    if at is not None and at.tzinfo is None:
        raise ValueError("'at' must be timezone-aware")
    anchors = None
    if trust_anchors is not None:
        anchors = tuple(load_certificate(anchor) for anchor in trust_anchors)
    return _Policy(at, anchors, require_signing_certificate, revocation_check)


@contextmanager
def _malformed_input_guard() -> Iterator[None]:
    """Turn asn1crypto's parse errors into a user-facing rejection.

    asn1crypto parses lazily, so a damaged structure can surface as ValueError, TypeError or
    KeyError at any field access, not only at load time. Code that handles caller-supplied
    arguments (e.g. a missing precomputed digest) runs outside this guard so that programming
    errors are not disguised as bad signatures.
    """
    try:
        yield
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise SignatureVerificationError(_MALFORMED, "malformed") from exc


def _decode_signature(signature: bytes | str) -> bytes:
    """DER as is; PEM or bare base64 (what the CryptoPro plug-in returns) decoded to DER."""
    if isinstance(signature, str):
        signature = signature.encode("utf-8")
    text = signature.strip()
    if text[:1] == b"\x30":
        return signature
    lines = [line for line in text.splitlines() if not line.startswith(b"-----")]
    try:
        return base64.b64decode(b"".join(b"".join(lines).split()), validate=True)
    except binascii.Error as exc:
        raise SignatureVerificationError(_NOT_CMS, "not_cms") from exc


def _parse_signed_data(signature: bytes | str) -> cms.SignedData:
    der = _decode_signature(signature)
    try:
        content_info = cms.ContentInfo.load(der, strict=True)
        is_signed_data = content_info["content_type"].dotted == oids.ID_SIGNED_DATA
    except ValueError as exc:
        raise SignatureVerificationError(_NOT_CMS, "not_cms") from exc
    if not is_signed_data:
        raise SignatureVerificationError(_NOT_CMS, "not_cms")
    return content_info["content"]


def _encapsulated_content(signed_data: cms.SignedData, *, detached: bool) -> bytes | None:
    """The eContent octets, after checking that the signature is detached or attached as asked."""
    encapsulated = signed_data["encap_content_info"]["content"]
    if detached and encapsulated.native is not None:
        raise SignatureVerificationError(
            "Подпись должна быть отсоединённой: файл подписи не должен содержать документ",
            "not_detached",
        )
    if not detached and encapsulated.native is None:
        raise SignatureVerificationError(
            "Подпись отсоединённая: документ нужно передать отдельно", "detached"
        )
    return None if detached else bytes(encapsulated)


def _identify_signer(
    signed_data: cms.SignedData, extra_certificates: list[x509.Certificate]
) -> _Signer:
    signer_infos = signed_data["signer_infos"]
    if len(signer_infos) != 1:
        raise SignatureVerificationError(
            "Файл подписи должен содержать ровно одну подпись", "signer_count"
        )
    signer_info = signer_infos[0]
    certificate = _find_signer_certificate(signed_data, signer_info, extra_certificates)
    public_key = parse_public_key(certificate["tbs_certificate"]["subject_public_key_info"].dump())
    return _Signer(signer_info, certificate, public_key, _algorithm_bits(signer_info, public_key))


def _embedded_certificates(signed_data: cms.SignedData) -> list[x509.Certificate]:
    choices = signed_data["certificates"]
    if not choices:
        return []
    return [choice.chosen for choice in choices if choice.name == "certificate"]


def _find_signer_certificate(
    signed_data: cms.SignedData,
    signer_info: cms.SignerInfo,
    extra_certificates: list[x509.Certificate],
) -> x509.Certificate:
    sid = signer_info["sid"]
    for cert in _embedded_certificates(signed_data) + extra_certificates:
        if sid.name == "issuer_and_serial_number":
            matches = (
                cert.serial_number == sid.chosen["serial_number"].native
                and cert.issuer == sid.chosen["issuer"]
            )
        else:
            matches = cert.key_identifier == sid.chosen.native
        if matches:
            return cert
    raise SignatureVerificationError(
        "В файле подписи нет сертификата подписавшего лица", "certificate_not_found"
    )


def _algorithm_bits(signer_info: cms.SignerInfo, public_key: GostPublicKey) -> int:
    """Digest size, after checking that digest, signature and key algorithms agree.

    GOST R 34.10-2012 pairs a 256-bit key with Streebog-256 and a 512-bit key with Streebog-512.
    """
    digest_bits = oids.DIGEST_BITS.get(signer_info["digest_algorithm"]["algorithm"].dotted)
    if digest_bits is None:
        raise SignatureVerificationError(
            "Неподдерживаемый алгоритм хэширования: ожидается ГОСТ Р 34.11-2012 (Стрибог)",
            "unsupported_digest_algorithm",
        )
    signature_bits = oids.SIGNATURE_BITS.get(signer_info["signature_algorithm"]["algorithm"].dotted)
    if signature_bits is None:
        raise SignatureVerificationError(
            "Неподдерживаемый алгоритм подписи: ожидается ГОСТ Р 34.10-2012",
            "unsupported_signature_algorithm",
        )
    if not digest_bits == signature_bits == public_key.bits:
        raise SignatureVerificationError(
            "Алгоритмы хэширования и подписи не соответствуют ключу сертификата",
            "algorithm_mismatch",
        )
    return digest_bits


def _content_digest(content: ContentSource, bits: int) -> bytes:
    if isinstance(content, Mapping):
        if bits not in content:
            raise ValueError(f"no precomputed Streebog-{bits} digest of the signed file")
        return bytes(content[bits])
    if isinstance(content, (bytes, bytearray, memoryview)):
        return streebog_digest(bytes(content), bits)
    if callable(content):
        return bytes(content(bits))
    return streebog_file_digest(content, bits)


def _check_signer(
    signed_data: cms.SignedData, signer: _Signer, content_digest: bytes, policy: _Policy
) -> VerificationResult:
    signer_info = signer.signer_info
    attributes = _signed_attributes(signer_info)
    if attributes is None:
        if policy.require_signing_certificate:
            raise _missing_signing_certificate()
        signed_digest, signing_time = content_digest, None
    else:
        _check_content_type(attributes, signed_data)
        _check_message_digest(attributes, content_digest)
        signed_digest = streebog_digest(_signed_attributes_der(signer_info), signer.bits)
        signing_time = _signing_time(attributes)
    if not verify_digest(signer.public_key, signed_digest, signer_info["signature"].native):
        raise SignatureVerificationError(_BAD_SIGNATURE, "bad_signature")
    _check_signing_certificate(attributes or {}, signer.certificate, policy)
    check_key_usage(signer.certificate)
    when = signing_time or policy.at or datetime.now(UTC)
    check_validity(signer.certificate, when, at_signing=signing_time is not None)
    if policy.trust_anchors is not None:
        _check_issuer(signer.certificate, policy)
    return VerificationResult(
        ok=True,
        digest_bits=signer.bits,
        signing_time=signing_time,
        certificate=certificate_info(signer.certificate),
    )


def _signed_attributes(signer_info: cms.SignerInfo) -> dict[str, list] | None:
    """Signed attribute values by dotted OID, or None when the SignerInfo has none."""
    signed_attrs = signer_info["signed_attrs"]
    if not signed_attrs:
        return None
    attributes: dict[str, list] = {}
    for attribute in signed_attrs:
        attribute_type = attribute["type"].dotted
        if attribute_type in attributes:
            raise SignatureVerificationError(_MALFORMED, "duplicate_attribute")
        attributes[attribute_type] = list(attribute["values"])
    return attributes


def _single_value(attributes: dict[str, list], oid: str):
    values = attributes.get(oid)
    if values is None:
        return None
    if len(values) != 1:
        raise SignatureVerificationError(_MALFORMED, "malformed_attribute")
    return values[0]


def _signed_attributes_der(signer_info: cms.SignerInfo) -> bytes:
    """The bytes the signer actually signed: the attributes' original encoding, tagged SET OF.

    Re-serialising the parsed attributes could reorder or re-encode them (DER SET OF sorting,
    BER lengths) and break valid signatures, so the received bytes are reused and only the
    [0] IMPLICIT tag is replaced by the universal SET tag, as RFC 5652 section 5.4 prescribes.
    """
    return b"\x31" + signer_info["signed_attrs"].dump()[1:]


def _check_content_type(attributes: dict[str, list], signed_data: cms.SignedData) -> None:
    content_type = _single_value(attributes, oids.ATTR_CONTENT_TYPE)
    expected = signed_data["encap_content_info"]["content_type"].dotted
    if content_type is None or content_type.dotted != expected:
        raise SignatureVerificationError(
            "Подпись повреждена: атрибут contentType отсутствует или неверен", "content_type"
        )


def _check_message_digest(attributes: dict[str, list], content_digest: bytes) -> None:
    message_digest = _single_value(attributes, oids.ATTR_MESSAGE_DIGEST)
    if message_digest is None:
        raise SignatureVerificationError(
            "Подпись повреждена: нет атрибута messageDigest", "message_digest_missing"
        )
    if message_digest.native != content_digest:
        raise SignatureVerificationError(_CONTENT_MISMATCH, "content_mismatch")


def _signing_time(attributes: dict[str, list]) -> datetime | None:
    signing_time = _single_value(attributes, oids.ATTR_SIGNING_TIME)
    return None if signing_time is None else signing_time.native


def _missing_signing_certificate() -> SignatureVerificationError:
    return SignatureVerificationError(
        "Подпись не соответствует формату CAdES-BES: нет атрибута signingCertificateV2",
        "signing_certificate_missing",
    )


def _check_signing_certificate(
    attributes: dict[str, list], certificate: x509.Certificate, policy: _Policy
) -> None:
    """signingCertificateV2 must name the signer's certificate (RFC 5035: the first ESSCertIDv2).

    This binds the signature to one certificate, so it cannot be re-attributed to another
    certificate with the same key.
    """
    signing_certificate = _single_value(attributes, oids.ATTR_SIGNING_CERTIFICATE_V2)
    if signing_certificate is None:
        if policy.require_signing_certificate:
            raise _missing_signing_certificate()
        return
    cert_ids = signing_certificate["certs"]
    if len(cert_ids) == 0 or not _cert_id_matches(cert_ids[0], certificate):
        raise SignatureVerificationError(
            "Атрибут signingCertificateV2 не соответствует сертификату подписи",
            "signing_certificate_mismatch",
        )


def _cert_id_matches(cert_id: tsp.ESSCertIDv2, certificate: x509.Certificate) -> bool:
    der = certificate.dump()
    algorithm = cert_id["hash_algorithm"]["algorithm"].dotted
    if algorithm in oids.DIGEST_BITS:
        cert_hash = streebog_digest(der, oids.DIGEST_BITS[algorithm])
    elif algorithm in _SHA_BY_OID:
        cert_hash = hashlib.new(_SHA_BY_OID[algorithm], der).digest()
    else:
        return False
    if cert_hash != cert_id["cert_hash"].native:
        return False
    issuer_serial = cert_id["issuer_serial"]
    if not issuer_serial.native:
        return True
    return issuer_serial["serial_number"].native == certificate.serial_number and any(
        name.name == "directory_name" and name.chosen == certificate.issuer
        for name in issuer_serial["issuer"]
    )


def _check_issuer(certificate: x509.Certificate, policy: _Policy) -> None:
    """Issuer check against trust anchors: one level, signature only; CRL/OCSP via the hook."""
    for anchor in policy.trust_anchors:
        if anchor.subject == certificate.issuer and issuer_signature_valid(certificate, anchor):
            if policy.revocation_check is not None:
                policy.revocation_check(certificate, anchor)
            return
    raise SignatureVerificationError(
        "Сертификат подписи выдан недоверенным удостоверяющим центром", "untrusted_issuer"
    )
