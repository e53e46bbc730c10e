"""Benchmark: a 50 MB document upload through the real upload path, as the applicant.

Why: uploads must be streamed to storage, never held whole in the web process
(core.uploads.HashingUploadHandler hashes them on the way to a temporary file). A
regression there is invisible in tests with small files and shows up in
production as workers growing by the size of every file. So this posts a file of
exactly the limit (50 MiB, a PDF by its first bytes) as multipart to
``/documents/<id>/document/`` on gunicorn (2 sync workers, the production WSGI
entry point ``config.wsgi``) and reports:

- the peak growth of the workers' resident memory (VmRSS sampled every ~2 ms from
  /proc while the upload runs, over the baseline just before it; the kernel's
  high-water mark VmHWM as a cross-check), target: well under the file's size;
- the throughput in MiB/s, from the first byte sent to the answer.

The client streams too (a 1 MiB block repeated, sent in 256 KiB pieces over
http.client) so neither side needs 50 MiB. The stored entry's size and SHA-256
are checked against what was sent.

Run from the repository root: ``.venv/bin/python bench/upload.py`` (``--help`` for the
knobs). Works in its own database (``BENCH_DATABASE_URL``, default ``lk_bench``),
created fresh and dropped at the end, with media in a temporary folder; gunicorn is
stopped whatever happens.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import random
import statistics
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

MIB = 1024 * 1024
BLOCK = 1 * MIB
PIECE = 256 * 1024
PDF_HEAD = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
PDF_TAIL = b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
FILE_NAME = "Проектная документация.pdf"


def pdf_pieces(size: int, seed: int = 7):
    """``size`` bytes that look like a PDF (header, incompressible filler, trailer), in
    pieces of at most PIECE bytes, made from one 1 MiB block so the client stays small."""
    block = random.Random(seed).randbytes(BLOCK)
    filler = size - len(PDF_HEAD) - len(PDF_TAIL)
    yield PDF_HEAD
    sent = 0
    while sent < filler:
        offset = sent % BLOCK
        n = min(PIECE, filler - sent, BLOCK - offset)
        yield block[offset : offset + n]
        sent += n
    yield PDF_TAIL


class Multipart:
    """A multipart/form-data body whose length is known up front (Django needs
    Content-Length) and whose file part is produced piece by piece."""

    boundary = "----lkbench" + "7MA4YWxkTrZu0gW"

    def __init__(self, fields: dict[str, str], file_name: str, size: int):
        self.size = size
        head = b""
        for name, value in fields.items():
            head += (
                f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n"
            ).encode()
        head += (
            f"--{self.boundary}\r\nContent-Disposition: form-data; "
            f'name="file"; filename="{file_name}"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        self.head = head
        self.tail = f"\r\n--{self.boundary}--\r\n".encode()
        self.digest = hashlib.sha256()

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    @property
    def length(self) -> int:
        return len(self.head) + self.size + len(self.tail)

    def pieces(self):
        yield self.head
        for piece in pdf_pieces(self.size):
            self.digest.update(piece)
            yield piece
        yield self.tail


class RssSampler(threading.Thread):
    """Samples VmRSS of the given processes every ``interval`` seconds until stopped;
    keeps the maximum of each."""

    def __init__(self, pids: list[int], interval: float = 0.002):
        super().__init__(daemon=True)
        self.pids = pids
        self.interval = interval
        self.peak = {pid: 0 for pid in pids}
        self.samples = 0
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            for pid in self.pids:
                value = _common.rss_kib(pid)
                if value is not None and value > self.peak[pid]:
                    self.peak[pid] = value
            self.samples += 1
            time.sleep(self.interval)

    def stop(self):
        self.halt.set()
        self.join(timeout=5)


def post_upload(port: int, case_id: int, cookies: dict[str, str], size: int, name: str):
    """POST one streamed upload; returns (seconds, status, answer, body's file SHA-256)."""
    body = Multipart(
        {
            "csrfmiddlewaretoken": cookies["csrftoken"],
            "title": "Проектная документация",
            "comment": "Бенчмарк загрузки",
        },
        name,
        size,
    )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        started = time.perf_counter()
        conn.putrequest("POST", f"/documents/{case_id}/document/", skip_host=True)
        conn.putheader("Host", _common.HOST)
        conn.putheader("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
        conn.putheader("X-CSRFToken", cookies["csrftoken"])
        conn.putheader("Accept", "application/json")
        conn.putheader("Content-Type", body.content_type)
        conn.putheader("Content-Length", str(body.length))
        conn.endheaders()
        for piece in body.pieces():
            conn.send(piece)
        response = conn.getresponse()
        answer = response.read()
        elapsed = time.perf_counter() - started
    finally:
        conn.close()
    return elapsed, response.status, answer, body.digest.hexdigest()


def csrf_cookie(port: int, session_key: str) -> str:
    """The CSRF cookie the documents page hands out (its forms carry the token)."""
    status, headers, _ = _common.http_get(port, "/documents/", {"sessionid": session_key})
    if status != 200:
        raise RuntimeError(f"/documents/ answered {status} (not signed in?)")
    jar = SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return jar["csrftoken"].value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=50, help="file size in MiB (limit: 50)")
    parser.add_argument("--repeat", type=int, default=3, help="uploads to time")
    args = parser.parse_args()
    size = args.mib * MIB

    with _common.bench_world() as env:
        from django.db import connection
        from django_tenants.utils import schema_context

        from core.models import CaseEntry
        from core.services import cases as case_services

        company, _ = _common.provision_company()
        applicant = _common.make_applicant(company)
        with schema_context(company.schema_name):
            case = case_services.open_draft(applicant, "application")
        session_key = _common.session_key_for(company, applicant)
        connection.set_schema_to_public()
        connection.close()

        with _common.gunicorn(env, "config.wsgi:application", ready_path="/accounts/login/") as (
            port,
            master,
        ):
            workers = _common.worker_pids(master)
            cookies = {"sessionid": session_key, "csrftoken": csrf_cookie(port, session_key)}
            # Warm both workers on the whole path (imports, DB connection, storage).
            for _ in range(6):
                _common.http_get(port, "/documents/", cookies)
                _, status, answer, _ = post_upload(port, case.pk, cookies, 64 * 1024, "warm.pdf")
                if status != 200:
                    raise RuntimeError(f"warm-up upload answered {status}: {answer[:300]!r}")
            time.sleep(0.5)
            baseline = {pid: _common.rss_kib(pid) for pid in workers}
            hwm_before = {pid: _common.rss_kib(pid, "VmHWM") for pid in workers}
            runs = []
            for _ in range(args.repeat):
                before = {pid: _common.rss_kib(pid) for pid in workers}
                sampler = RssSampler(workers)
                sampler.start()
                try:
                    seconds, status, answer, digest = post_upload(
                        port, case.pk, cookies, size, FILE_NAME
                    )
                finally:
                    sampler.stop()
                if status != 200 or not json.loads(answer).get("ok"):
                    raise RuntimeError(f"upload answered {status}: {answer[:300]!r}")
                growth = max(sampler.peak[pid] - before[pid] for pid in workers)
                runs.append((seconds, growth, digest, sampler.samples))
            hwm_after = {pid: _common.rss_kib(pid, "VmHWM") for pid in workers}

        with schema_context(company.schema_name):
            stored = list(CaseEntry.objects.filter(case=case, file_name=FILE_NAME).order_by("id"))
            if len(stored) != args.repeat:
                raise RuntimeError(f"{len(stored)} entries stored, {args.repeat} expected")
            for entry, (_, _, digest, _) in zip(stored, runs, strict=True):
                on_disk = Path(env["MEDIA_ROOT"], entry.file.name).stat().st_size
                if entry.file_size != size or entry.sha256 != digest or on_disk != size:
                    raise RuntimeError(f"entry {entry.pk}: stored size/digest do not match")
        connection.set_schema_to_public()

    peak_growth = max(r[1] for r in runs)
    # The high-water mark covers the warm-up too, so this bounds the growth from above.
    hwm_bound = max(hwm_after[pid] - baseline[pid] for pid in workers)
    hwm_moved = any(hwm_after[pid] > hwm_before[pid] for pid in workers)
    rates = [size / MIB / r[0] for r in runs]
    print()
    print(
        f"upload of {args.mib} MiB ({size} bytes, PDF) to /documents/<id>/document/, "
        f"gunicorn 2 sync workers, {args.repeat} runs; stored size and SHA-256 verified"
    )
    for n, (seconds, growth, _, samples) in enumerate(runs, start=1):
        print(
            f"  run {n}: {seconds:.2f} s, {size / MIB / seconds:.1f} MiB/s, worker RSS peak growth "
            f"{growth / 1024:.1f} MiB ({samples} samples)"
        )
    print(
        f"  peak RSS growth of the web worker: {peak_growth / 1024:.1f} MiB "
        f"({peak_growth / (size / 1024):.1%} of the file); worker baseline "
        f"{max(baseline.values()) / 1024:.0f} MiB"
    )
    print(
        f"  cross-check: VmHWM - baseline <= {hwm_bound / 1024:.1f} MiB "
        f"(high-water mark {'rose' if hwm_moved else 'unchanged'} during the uploads)"
    )
    print(f"  throughput: median {statistics.median(rates):.1f} MiB/s")


if __name__ == "__main__":
    main()
