"""Opt-in benchmark (`SIGNING_BENCH=1`): end-to-end `submit_cades_signature` of a 50 MB
document, with the Streebog digest precomputed by the upload task and without it.

Run: SIGNING_BENCH=1 pytest tests/test_signing_bench.py -s
"""

import os
import statistics
import time

import pytest

from core.gost import FAST_STREEBOG_AVAILABLE
from core.models import DocumentDigest, LegalForm
from core.services import signing
from tests.conftest import in_tenant
from tests.signing_support import (
    applicant_of,
    make_signable_document,
    make_staff,
    set_company_inn,
    sign_entry,
)

pytestmark = pytest.mark.skipif(
    not os.environ.get("SIGNING_BENCH"), reason="benchmark: set SIGNING_BENCH=1"
)

MB = 1024 * 1024
RUNS = 3


def test_submit_cades_signature_of_50_mb(alpha):
    set_company_inn(alpha)
    staff = make_staff(alpha)
    applicant = applicant_of(alpha, LegalForm.INDIVIDUAL)
    results = {}
    for precomputed in (False, True):
        timings = []
        for _run in range(RUNS):
            content = b"%PDF-1.4\n" + os.urandom(50 * MB - 9)
            _, entry = make_signable_document(alpha, applicant, staff, content=content)
            signature = sign_entry(alpha, entry)
            with in_tenant(alpha):
                if precomputed:
                    signing.compute_document_digest(entry.pk)
                    assert DocumentDigest.objects.filter(entry=entry).exists()
                else:
                    DocumentDigest.objects.filter(entry=entry).delete()
                started = time.perf_counter()
                signing.submit_cades_signature(staff, entry, signature)
                timings.append(time.perf_counter() - started)
        results[precomputed] = statistics.median(timings)
    print(
        f"\nsubmit_cades_signature, 50 MB, median of {RUNS} "
        f"(OpenSSL Streebog: {FAST_STREEBOG_AVAILABLE}): "
        f"without precomputed digest {results[False]:.3f} s, "
        f"with precomputed digest {results[True]:.3f} s"
    )
