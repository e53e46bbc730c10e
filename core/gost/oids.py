"""Object identifiers used by GOST CMS/CAdES signatures and Russian qualified certificates."""

from __future__ import annotations

# Streebog (GOST R 34.11-2012) digest algorithms.
STREEBOG_256 = "1.2.643.7.1.1.2.2"
STREEBOG_512 = "1.2.643.7.1.1.2.3"
DIGEST_BITS = {STREEBOG_256: 256, STREEBOG_512: 512}

# GOST R 34.10-2012 public key algorithms; CMS signers also put them in signatureAlgorithm.
GOST3410_2012_256 = "1.2.643.7.1.1.1.1"
GOST3410_2012_512 = "1.2.643.7.1.1.1.2"
KEY_BITS = {GOST3410_2012_256: 256, GOST3410_2012_512: 512}

# "signWithDigest" identifiers: used in certificates, and by some CMS signers.
SIGN_WITH_STREEBOG_256 = "1.2.643.7.1.1.3.2"
SIGN_WITH_STREEBOG_512 = "1.2.643.7.1.1.3.3"
SIGN_WITH_DIGEST_BITS = {SIGN_WITH_STREEBOG_256: 256, SIGN_WITH_STREEBOG_512: 512}

SIGNATURE_BITS = {**KEY_BITS, **SIGN_WITH_DIGEST_BITS}

# Hash algorithms that may name the certificate hash in signingCertificateV2.
SHA1 = "1.3.14.3.2.26"
SHA256 = "2.16.840.1.101.3.4.2.1"
SHA384 = "2.16.840.1.101.3.4.2.2"
SHA512 = "2.16.840.1.101.3.4.2.3"

# CMS content types and signed attributes.
ID_DATA = "1.2.840.113549.1.7.1"
ID_SIGNED_DATA = "1.2.840.113549.1.7.2"
ATTR_CONTENT_TYPE = "1.2.840.113549.1.9.3"
ATTR_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
ATTR_SIGNING_TIME = "1.2.840.113549.1.9.5"
ATTR_SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47"

# Subject attributes of Russian qualified certificates (Приказ ФСБ № 795).
NAME_COMMON_NAME = "2.5.4.3"
NAME_SURNAME = "2.5.4.4"
NAME_GIVEN_NAME = "2.5.4.42"
NAME_ORGANIZATION = "2.5.4.10"
NAME_EMAIL = "1.2.840.113549.1.9.1"
NAME_INN = "1.2.643.3.131.1.1"
NAME_INN_LE = "1.2.643.100.4"
NAME_OGRN = "1.2.643.100.1"
NAME_OGRNIP = "1.2.643.100.5"
NAME_SNILS = "1.2.643.100.3"
