"""Streebog (GOST R 34.11-2012) digests of files, streamed.

The fast path is OpenSSL's GOST provider (``gostprov``, Debian package
``libengine-gost-openssl``), reached through :mod:`hashlib`. Python's ``hashlib`` resolves
unknown names with ``EVP_MD_fetch`` in OpenSSL's default library context, so it is enough to load
the provider into that context once. An ``OPENSSL_CONF`` file would also work, but only if it is
in place before anything in the process initialises libcrypto (Django, ``ssl``, psycopg all do),
which a library module cannot guarantee. Instead, at import this module:

1. tries ``hashlib.new("md_gost12_256")`` (works when the deployment's OpenSSL config already
   loads GOST);
2. otherwise calls ``OSSL_PROVIDER_try_load(NULL, "gostprov", 1)`` through :mod:`ctypes` in the
   very libcrypto that ``_hashlib`` is linked to (``retain_fallbacks=1`` keeps the ``default``
   provider available, so nothing else in the process changes behaviour);
3. checks the result against the test vector M1 of GOST R 34.11-2012 before trusting it.

If any step fails, the pure-Python ``gostcrypto.gosthash`` is used (about 0.3 MB/s, i.e. minutes
for a large file); :data:`FAST_STREEBOG_AVAILABLE` tells callers which path is active.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from gostcrypto import gosthash

__all__ = [
    "FAST_STREEBOG_AVAILABLE",
    "new_streebog",
    "new_pure_streebog",
    "streebog_digest",
    "streebog_file_digest",
    "streebog_file_digests",
]

SUPPORTED_BITS = (256, 512)
CHUNK_SIZE = 1024 * 1024

_OPENSSL_NAMES = {256: "md_gost12_256", 512: "md_gost12_512"}
_GOSTCRYPTO_NAMES = {256: "streebog256", 512: "streebog512"}

# GOST R 34.11-2012, appendix A, message M1 and its digests (as the bytes the hash outputs).
_M1 = b"012345678901234567890123456789012345678901234567890123456789012"
_M1_DIGESTS = {
    256: bytes.fromhex("9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500"),
    512: bytes.fromhex(
        "1b54d01a4af5b9d5cc3d86d68d285462b19abc2475222f35c085122be4ba1ffa"
        "00ad30f8767b3a82384c6574f024c311e2a481332b08ef7f41797891c1646f48"
    ),
}


def _openssl_streebog_works() -> bool:
    """True when hashlib computes Streebog through OpenSSL and gets the standard's answers."""
    try:
        return all(
            hashlib.new(_OPENSSL_NAMES[bits], _M1).digest() == expected
            for bits, expected in _M1_DIGESTS.items()
        )
    except ValueError:
        return False


def _load_openssl_gost_provider() -> bool:
    """Load OpenSSL 3's ``gostprov`` into the default library context; True if it loaded.

    The function is looked up through ``_hashlib``'s own handle: ``dlsym`` on it searches that
    module and then its dependencies, so this reaches exactly the libcrypto hashlib uses, even
    when other wheels (psycopg2-binary, ...) bring private libcrypto copies into the process.
    """
    try:
        import _hashlib

        library = ctypes.CDLL(getattr(_hashlib, "__file__", None))
        try_load = library.OSSL_PROVIDER_try_load
    except (ImportError, OSError, AttributeError):  # no OpenSSL, or 1.1 without providers
        return False
    try_load.restype = ctypes.c_void_p
    try_load.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    return bool(try_load(None, b"gostprov", 1))


def _enable_fast_streebog() -> bool:
    if _openssl_streebog_works():
        return True
    return _load_openssl_gost_provider() and _openssl_streebog_works()


FAST_STREEBOG_AVAILABLE: bool = _enable_fast_streebog()


def _check_bits(bits: int) -> None:
    if bits not in SUPPORTED_BITS:
        raise ValueError(f"Streebog digest size must be 256 or 512, got {bits!r}")


def new_pure_streebog(bits: int = 256):
    """A pure-Python Streebog object (``update``/``digest``); slow, used as the fallback."""
    _check_bits(bits)
    return gosthash.new(_GOSTCRYPTO_NAMES[bits])


def new_streebog(bits: int = 256):
    """A Streebog hash object with the ``hashlib`` interface, from the fastest available path."""
    _check_bits(bits)
    if FAST_STREEBOG_AVAILABLE:
        return hashlib.new(_OPENSSL_NAMES[bits])
    return new_pure_streebog(bits)


def streebog_digest(data: bytes, bits: int = 256) -> bytes:
    """Streebog digest of an in-memory byte string (certificates, signed attributes)."""
    digest = new_streebog(bits)
    digest.update(data)
    return bytes(digest.digest())


def _iter_chunks(fileobj_or_path: BinaryIO | str | os.PathLike) -> Iterable[bytes]:
    if isinstance(fileobj_or_path, (str, os.PathLike)):
        with Path(fileobj_or_path).open("rb") as fileobj:
            yield from _iter_chunks(fileobj)
        return
    while chunk := fileobj_or_path.read(CHUNK_SIZE):
        yield chunk


def streebog_file_digests(
    fileobj_or_path: BinaryIO | str | os.PathLike, bits: Iterable[int] = SUPPORTED_BITS
) -> dict[int, bytes]:
    """Streebog digests of several sizes in one pass over a file, as ``{bits: digest}``.

    A background task can store both digests once per uploaded file; the signature check then
    needs no file access at all. A file object is read from its current position to its end.
    """
    hashers = {size: new_streebog(size) for size in bits}
    for chunk in _iter_chunks(fileobj_or_path):
        for hasher in hashers.values():
            hasher.update(chunk)
    return {size: bytes(hasher.digest()) for size, hasher in hashers.items()}


def streebog_file_digest(fileobj_or_path: BinaryIO | str | os.PathLike, bits: int = 256) -> bytes:
    """Streebog digest of a file (path or binary file object), read in 1 MiB chunks."""
    _check_bits(bits)
    return streebog_file_digests(fileobj_or_path, (bits,))[bits]
