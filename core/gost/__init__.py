"""Server-side verification of GOST R 34.10-2012 CAdES-BES signatures and Streebog hashing.

Pure Python on top of gostcrypto and asn1crypto; Streebog uses OpenSSL's GOST provider when
the system has it (see :mod:`core.gost.streebog`). No Django imports: usable from tasks,
management commands and plain tests alike.
"""

from .cades import (
    ContentSource,
    RevocationCheck,
    VerificationResult,
    verify_attached_signature,
    verify_cades_signature,
)
from .certificate import CertificateInfo, load_certificate
from .errors import SignatureVerificationError
from .signer import check_signer, signer_matches
from .streebog import (
    FAST_STREEBOG_AVAILABLE,
    new_streebog,
    streebog_digest,
    streebog_file_digest,
    streebog_file_digests,
)

__all__ = [
    "FAST_STREEBOG_AVAILABLE",
    "CertificateInfo",
    "ContentSource",
    "RevocationCheck",
    "SignatureVerificationError",
    "VerificationResult",
    "check_signer",
    "load_certificate",
    "new_streebog",
    "signer_matches",
    "streebog_digest",
    "streebog_file_digest",
    "streebog_file_digests",
    "verify_attached_signature",
    "verify_cades_signature",
]
