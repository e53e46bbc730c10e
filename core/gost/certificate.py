"""X.509 certificates with GOST keys: loading, owner details, validity and issuer checks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from asn1crypto import pem, x509

from . import oids
from .errors import SignatureVerificationError
from .gost3410 import parse_public_key, verify_digest
from .streebog import streebog_digest

__all__ = [
    "CertificateInfo",
    "certificate_info",
    "check_key_usage",
    "check_validity",
    "issuer_signature_valid",
    "load_certificate",
]

CertificateInput = bytes | x509.Certificate


@dataclass(frozen=True)
class CertificateInfo:
    """The signer certificate's owner and identity as a Russian user expects to see them.

    ``full_name`` is the ФИО: SN + GN (GN holds "Имя Отчество" in qualified certificates),
    falling back to CN. ``serial_hex`` and ``thumbprint_sha1`` are upper-case hex, the way
    CryptoPro and the Windows certificate store show them.
    """

    subject_cn: str | None
    surname: str | None
    given_name: str | None
    full_name: str | None
    organization: str | None
    inn: str | None
    inn_le: str | None
    ogrn: str | None
    ogrnip: str | None
    snils: str | None
    email: str | None
    serial_hex: str
    issuer_cn: str | None
    valid_from: datetime
    valid_to: datetime
    thumbprint_sha1: str
    der: bytes = field(repr=False)


def load_certificate(data: CertificateInput) -> x509.Certificate:
    """Load a certificate given as DER, PEM, or an already parsed asn1crypto object."""
    if isinstance(data, x509.Certificate):
        return data
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data)


def _name_attributes(name: x509.Name) -> dict[str, str]:
    """First value of each attribute of a distinguished name, keyed by dotted OID.

    asn1crypto knows the X.520 attributes but not the Russian ones (ИНН, ОГРН, СНИЛС...), which
    arrive as ``Any``; ``.native`` parses both kinds to a string.
    """
    attributes: dict[str, str] = {}
    for rdn in name.chosen:
        for type_and_value in rdn:
            value = type_and_value["value"].native
            attributes.setdefault(type_and_value["type"].dotted, str(value).strip())
    return attributes


def certificate_info(cert: x509.Certificate) -> CertificateInfo:
    """Extract the owner details the application shows and matches against the applicant."""
    subject = _name_attributes(cert.subject)
    issuer = _name_attributes(cert.issuer)
    surname = subject.get(oids.NAME_SURNAME)
    given_name = subject.get(oids.NAME_GIVEN_NAME)
    full_name = " ".join(part for part in (surname, given_name) if part)
    der = cert.dump()
    return CertificateInfo(
        subject_cn=subject.get(oids.NAME_COMMON_NAME),
        surname=surname,
        given_name=given_name,
        full_name=full_name or subject.get(oids.NAME_COMMON_NAME),
        organization=subject.get(oids.NAME_ORGANIZATION),
        inn=subject.get(oids.NAME_INN),
        inn_le=subject.get(oids.NAME_INN_LE),
        ogrn=subject.get(oids.NAME_OGRN),
        ogrnip=subject.get(oids.NAME_OGRNIP),
        snils=subject.get(oids.NAME_SNILS),
        email=subject.get(oids.NAME_EMAIL),
        serial_hex=cert["tbs_certificate"]["serial_number"].contents.hex().upper(),
        issuer_cn=issuer.get(oids.NAME_COMMON_NAME),
        valid_from=cert.not_valid_before,
        valid_to=cert.not_valid_after,
        thumbprint_sha1=hashlib.sha1(der).hexdigest().upper(),
        der=der,
    )


def check_validity(cert: x509.Certificate, when: datetime, *, at_signing: bool) -> None:
    """Reject a certificate that was not valid at ``when`` (signing time, or check time)."""
    moment = "на момент подписания" if at_signing else "на момент проверки"
    if when > cert.not_valid_after:
        raise SignatureVerificationError(
            f"Срок действия сертификата истёк {moment}", "certificate_expired"
        )
    if when < cert.not_valid_before:
        raise SignatureVerificationError(
            f"Сертификат ещё не действовал {moment}", "certificate_not_yet_valid"
        )


def check_key_usage(cert: x509.Certificate) -> None:
    """A certificate whose keyUsage excludes signing (e.g. an encryption-only key) is refused."""
    usage = cert.key_usage_value
    if usage is not None and not usage.native & {"digital_signature", "non_repudiation"}:
        raise SignatureVerificationError(
            "Сертификат не предназначен для электронной подписи", "certificate_key_usage"
        )


def issuer_signature_valid(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """True if ``issuer``'s GOST key signed ``cert`` (TBSCertificate hashed from its DER bytes)."""
    bits = oids.SIGN_WITH_DIGEST_BITS.get(cert["signature_algorithm"]["algorithm"].dotted)
    try:
        issuer_key = parse_public_key(issuer["tbs_certificate"]["subject_public_key_info"].dump())
    except SignatureVerificationError:  # a non-GOST issuer cannot have signed a GOST chain
        return False
    if bits is None or bits != issuer_key.bits:
        return False
    digest = streebog_digest(cert["tbs_certificate"].dump(), bits)
    return verify_digest(issuer_key, digest, cert["signature_value"].native)
