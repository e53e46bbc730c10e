"""Cross-checks with an independent implementation: OpenSSL with the GOST engine.

OpenSSL makes CAdES-BES signatures (``cms -sign -cades``) that our verifier must accept, and
verifies the signatures and certificates of our test CA. Skipped where the ``openssl`` tool or
the GOST engine (Debian: libengine-gost-openssl) is missing.
"""

import glob
import os
import shutil
import subprocess

import pytest

from core.gost import SignatureVerificationError, verify_cades_signature

from .gost_ca import TestCA, sign_cades

OPENSSL = shutil.which("openssl")
GOST_ENGINES = glob.glob("/usr/lib/*/engines-3/gost.so")
pytestmark = pytest.mark.skipif(
    not (OPENSSL and GOST_ENGINES), reason="openssl CLI or its GOST engine is not installed"
)

ENGINE_CONFIG = """\
openssl_conf = openssl_init
[openssl_init]
engines = engine_section
[engine_section]
gost = gost_section
[gost_section]
engine_id = gost
dynamic_path = {engine}
default_algorithms = ALL
"""
DOCUMENT = "Договор об осуществлении технологического присоединения\n".encode() * 50


@pytest.fixture(scope="module")
def openssl(tmp_path_factory):
    """Runs the openssl tool with the GOST engine in a scratch folder."""
    folder = tmp_path_factory.mktemp("openssl")
    (folder / "openssl.cnf").write_text(ENGINE_CONFIG.format(engine=GOST_ENGINES[0]))
    (folder / "document.txt").write_bytes(DOCUMENT)
    env = {**os.environ, "OPENSSL_CONF": str(folder / "openssl.cnf")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [OPENSSL, *args], cwd=folder, env=env, capture_output=True, check=False, timeout=60
        )

    if run("engine", "gost").returncode != 0:
        pytest.skip("the openssl GOST engine does not load")
    run.folder = folder
    return run


@pytest.mark.parametrize(
    ("algorithm", "paramset", "digest"),
    [
        ("gost2012_256", "A", "md_gost12_256"),
        ("gost2012_256", "B", "md_gost12_256"),
        ("gost2012_512", "A", "md_gost12_512"),
        ("gost2012_512", "C", "md_gost12_512"),
    ],
)
def test_openssl_cades_bes_signature_verifies(openssl, algorithm, paramset, digest):
    name = f"{algorithm}-{paramset}"
    subject = "/CN=Петров Пётр Петрович/SN=Петров/GN=Пётр Петрович/INN=500100732259"
    steps = [
        ("genpkey", "-algorithm", algorithm, "-pkeyopt", f"paramset:{paramset}",
         "-out", f"{name}.key"),
        ("req", "-x509", "-new", "-utf8", f"-{digest}", "-key", f"{name}.key", "-subj", subject,
         "-days", "30", "-out", f"{name}.pem"),
        ("cms", "-sign", "-binary", "-cades", "-md", digest, "-signer", f"{name}.pem",
         "-inkey", f"{name}.key", "-in", "document.txt", "-outform", "DER", "-out", f"{name}.p7s"),
    ]  # fmt: skip
    for step in steps:
        completed = openssl(*step)
        assert completed.returncode == 0, completed.stderr.decode(errors="replace")
    signature = (openssl.folder / f"{name}.p7s").read_bytes()

    result = verify_cades_signature(signature, openssl.folder / "document.txt")
    assert result.certificate.full_name == "Петров Пётр Петрович"
    assert result.certificate.inn == "500100732259"
    assert result.digest_bits == int(algorithm[-3:])
    with pytest.raises(SignatureVerificationError) as error:
        verify_cades_signature(signature, DOCUMENT + b"!")
    assert error.value.code == "content_mismatch"


@pytest.mark.parametrize("bits", [256, 512])
def test_openssl_accepts_the_test_ca_signatures(openssl, bits):
    ca = TestCA(bits)
    signer = ca.issue(bits, cn="Иванов Иван Иванович", inn="500100732259")
    (openssl.folder / f"ca{bits}.der").write_bytes(ca.root.der)
    (openssl.folder / f"ours{bits}.p7s").write_bytes(sign_cades(DOCUMENT, signer))
    converted = openssl("x509", "-inform", "DER", "-in", f"ca{bits}.der", "-out", f"ca{bits}.pem")
    assert converted.returncode == 0, converted.stderr.decode(errors="replace")
    verified = openssl(
        "cms", "-verify", "-binary", "-inform", "DER", "-in", f"ours{bits}.p7s",
        "-content", "document.txt", "-CAfile", f"ca{bits}.pem", "-out", os.devnull,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr.decode(errors="replace")
