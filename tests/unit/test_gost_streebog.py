"""Streebog (GOST R 34.11-2012): the standard's test vectors, and OpenSSL path == pure Python."""

import glob
import io
import os

import pytest

from core.gost import FAST_STREEBOG_AVAILABLE, streebog, streebog_digest, streebog_file_digest
from core.gost.streebog import CHUNK_SIZE, new_pure_streebog, streebog_file_digests

# GOST R 34.11-2012, appendix A. The standard prints digests as numbers (most significant byte
# first); these are the byte strings the hash outputs, i.e. the same values reversed.
M1 = b"012345678901234567890123456789012345678901234567890123456789012"
M2 = bytes.fromhex(
    "d1e520e2e5f2f0e82c20d1f2f0e8e1eee6e820e2edf3f6e82c20e2e5fef2fa20f120eceef0ff20f1f2f0e5ebe0"
    "ece820ede020f5f0e0e1f0fbff20efebfaeafb20c8e3eef0e5e2fb"
)
VECTORS = [
    (M1, 256, "9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500"),
    (
        M1,
        512,
        "1b54d01a4af5b9d5cc3d86d68d285462b19abc2475222f35c085122be4ba1ffa"
        "00ad30f8767b3a82384c6574f024c311e2a481332b08ef7f41797891c1646f48",
    ),
    (M2, 256, "9dd2fe4e90409e5da87f53976d7405b0c0cac628fc669a741d50063c557e8f50"),
    (
        M2,
        512,
        "1e88e62226bfca6f9994f1f2d51569e0daf8475a3b0fe61a5300eee46d961376"
        "035fe83549ada2b8620fcd7c496ce5b33f0cb9dddc2b6460143b03dabac9fb28",
    ),
]


def _pure(data: bytes, bits: int) -> bytes:
    hasher = new_pure_streebog(bits)
    hasher.update(data)
    return bytes(hasher.digest())


def test_fallback_path_streams_correctly(monkeypatch):
    """With OpenSSL GOST absent, the same API hashes chunk by chunk in pure Python."""
    monkeypatch.setattr(streebog, "FAST_STREEBOG_AVAILABLE", False)
    monkeypatch.setattr(streebog, "CHUNK_SIZE", 7)
    for message, bits, expected in VECTORS:
        assert streebog_file_digest(io.BytesIO(message), bits).hex() == expected


def test_m2_is_the_cp1251_text_of_the_standard():
    assert M2.decode("cp1251").startswith("Се ветри, Стрибожи внуци")


@pytest.mark.parametrize(("message", "bits", "expected"), VECTORS)
def test_standard_vectors(message, bits, expected):
    assert streebog_digest(message, bits).hex() == expected
    assert streebog_file_digest(io.BytesIO(message), bits).hex() == expected


@pytest.mark.parametrize(("message", "bits", "expected"), VECTORS)
def test_standard_vectors_pure_python(message, bits, expected):
    assert _pure(message, bits).hex() == expected


def _gost_provider_installed() -> bool:
    """Whether OpenSSL's GOST provider module is on disk (Debian: libengine-gost-openssl)."""
    directories = [os.environ.get("OPENSSL_MODULES", ""), *glob.glob("/usr/lib/*/ossl-modules")]
    return any(os.path.exists(os.path.join(d, "gostprov.so")) for d in directories if d)


NO_OPENSSL_GOST = "OpenSSL GOST provider not installed (apt-get install libengine-gost-openssl)"


@pytest.mark.skipif(not _gost_provider_installed(), reason=NO_OPENSSL_GOST)
def test_fast_path_is_active_when_the_provider_is_installed():
    assert FAST_STREEBOG_AVAILABLE


@pytest.mark.skipif(not FAST_STREEBOG_AVAILABLE, reason=NO_OPENSSL_GOST)
@pytest.mark.parametrize("bits", [256, 512])
def test_fast_path_equals_pure_python_on_1mb(bits, tmp_path):
    # One byte past a chunk so that streaming crosses a chunk boundary.
    data = os.urandom(CHUNK_SIZE + 1)
    path = tmp_path / "random.bin"
    path.write_bytes(data)
    expected = _pure(data, bits)
    assert streebog_file_digest(path, bits) == expected
    assert streebog_file_digest(str(path), bits) == expected
    with path.open("rb") as fileobj:
        assert streebog_file_digest(fileobj, bits) == expected


def test_both_sizes_in_one_pass(tmp_path):
    data = os.urandom(3 * CHUNK_SIZE // 2)
    path = tmp_path / "random.bin"
    path.write_bytes(data)
    assert streebog_file_digests(path) == {
        256: streebog_digest(data, 256),
        512: streebog_digest(data, 512),
    }


def test_empty_file(tmp_path):
    path = tmp_path / "empty.bin"
    path.write_bytes(b"")
    assert streebog_file_digest(path, 256) == _pure(b"", 256)


def test_file_is_streamed_not_read_whole():
    class ChunkCountingFile(io.BytesIO):
        sizes: list[int] = []

        def read(self, size=-1):
            self.sizes.append(size)
            return super().read(size)

    fileobj = ChunkCountingFile(b"x" * (2 * CHUNK_SIZE))
    streebog_file_digest(fileobj, 256)
    assert fileobj.sizes and all(0 < size <= CHUNK_SIZE for size in fileobj.sizes)


def test_unsupported_size():
    with pytest.raises(ValueError):
        streebog_digest(b"", 384)
