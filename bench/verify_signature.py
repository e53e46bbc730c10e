"""Benchmark: verifying detached GOST CAdES-BES signatures of 1 MB and 50 MB files.

Run from the repository root: ``python bench/verify_signature.py``. Prints the median wall time
of a full verification (Streebog hashing of the file included), of the signature checks alone
(digest precomputed, as the server does after its background hashing task), and the Streebog
throughput of the OpenSSL path and of the pure-Python fallback (the latter on 1 MB only: it is
about a thousand times slower).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.gost import (  # noqa: E402
    FAST_STREEBOG_AVAILABLE,
    streebog_file_digest,
    streebog_file_digests,
    verify_cades_signature,
)
from core.gost.streebog import CHUNK_SIZE, new_pure_streebog  # noqa: E402
from tests.unit.gost_ca import TestCA, sign_cades  # noqa: E402

MB = 1024 * 1024
SIZES_MB = (1, 50)
RUNS = {1: 7, 50: 3}


def median_seconds(runs: int, action: Callable[..., object], *args: object) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action(*args)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def write_random_file(folder: Path, size_mb: int) -> Path:
    path = folder / f"document-{size_mb}mb.bin"
    with path.open("wb") as file:
        for _ in range(size_mb):
            file.write(os.urandom(MB))
    return path


def pure_python_streebog(path: Path, bits: int) -> bytes:
    hasher = new_pure_streebog(bits)
    with path.open("rb") as file:
        while chunk := file.read(CHUNK_SIZE):
            hasher.update(chunk)
    return bytes(hasher.digest())


def bench_verification(files: dict[int, Path]) -> None:
    ca = TestCA(256)
    signers = {
        bits: ca.issue(bits, cn="Иванов Иван Иванович", inn="500100732259") for bits in (256, 512)
    }
    print("verification, median wall time (hashing included | digest precomputed):")
    for size_mb, path in files.items():
        data = path.read_bytes()
        for bits, signer in signers.items():
            signature = sign_cades(data, signer)
            digests = streebog_file_digests(path, (bits,))
            runs = RUNS[size_mb]
            full = median_seconds(runs, verify_cades_signature, signature, path)
            precomputed = median_seconds(runs, verify_cades_signature, signature, digests)
            print(f"  {size_mb:>3} MB  GOST-{bits}: {full:7.3f} s | {precomputed:6.3f} s")


def bench_hashing(files: dict[int, Path]) -> None:
    print("Streebog throughput:")
    largest = max(files)
    for bits in (256, 512):
        seconds = median_seconds(3, streebog_file_digest, files[largest], bits)
        label = "OpenSSL" if FAST_STREEBOG_AVAILABLE else "fallback"
        print(f"  {label:<8} Streebog-{bits}: {largest / seconds:8.1f} MB/s ({largest} MB file)")
    for bits in (256, 512):
        seconds = median_seconds(1, pure_python_streebog, files[1], bits)
        print(f"  pure     Streebog-{bits}: {1 / seconds:8.2f} MB/s (1 MB file)")


def main() -> None:
    print(f"FAST_STREEBOG_AVAILABLE = {FAST_STREEBOG_AVAILABLE}; CPUs: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as folder:
        files = {size_mb: write_random_file(Path(folder), size_mb) for size_mb in SIZES_MB}
        bench_verification(files)
        bench_hashing(files)


if __name__ == "__main__":
    main()
