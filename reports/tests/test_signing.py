import datetime
import hashlib
import io
import os
import re
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from reports import signing
from reports.rendering import html_to_pdf

CONFIGURED_NAME = "Ban Thi đua - Khen thưởng tỉnh"


@pytest.fixture(autouse=True)
def signing_dir(settings, tmp_path):
    """Keep every pair made by a test in its own folder, never under the real var/."""
    settings.DOCUMENT_SIGNING_DIR = tmp_path / "signing"
    settings.DOCUMENT_SIGNING_CERT = ""
    settings.DOCUMENT_SIGNING_KEY = ""
    settings.DOCUMENT_SIGNING_KEY_PASSWORD = ""
    settings.DOCUMENT_SIGNING_TSA_URL = ""
    return settings.DOCUMENT_SIGNING_DIR


@pytest.fixture(scope="module")
def weasyprint_pdf():
    pdf, _pages = html_to_pdf("<p>Xin chào</p>")
    return pdf


def _sign(pdf: bytes) -> bytes:
    return signing.sign_pdf(pdf, reason="Văn bản do hệ thống tạo", location="Quảng Trị")


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "UBND tỉnh"),
        ]
    )


def _configured_pair(folder: Path, *, password: bytes) -> tuple[Path, Path]:
    """Write a leaf certificate issued by a small CA (file: leaf then CA) and its encrypted key."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("CA thử nghiệm")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(CONFIGURED_NAME))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path = folder / "cert.pem"
    key_path = folder / "key.pem"
    cert_path.write_bytes(
        leaf.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(password),
        )
    )
    return cert_path, key_path


def test_signed_weasyprint_pdf_is_intact_whole_and_names_the_system(weasyprint_pdf):
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)

    signed = _sign(weasyprint_pdf)

    # An incremental update: the rendered bytes stay untouched at the start of the file.
    assert signed.startswith(weasyprint_pdf)
    status = signing.signature_status(signed)
    assert status.signed
    assert status.intact
    assert status.covers_whole_file
    assert status.trusted
    assert status.valid
    assert status.signer == signing.SELF_SIGNED_COMMON_NAME
    assert status.signed_at is not None
    assert before <= status.signed_at <= datetime.datetime.now(datetime.UTC)
    assert status.detail == "Chữ ký số hợp lệ: tệp còn nguyên vẹn từ khi hệ thống ký."


def test_signature_is_pades_with_reason_and_location(weasyprint_pdf):
    from pyhanko.pdf_utils.reader import PdfFileReader

    signed = signing.sign_pdf(
        weasyprint_pdf, reason="Bảng điểm năm 2025", location="Quảng Trị", contact="0233 3852 000"
    )

    (embedded,) = PdfFileReader(io.BytesIO(signed)).embedded_regular_signatures
    assert embedded.field_name == signing.FIELD_NAME
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert embedded.sig_object["/Reason"] == "Bảng điểm năm 2025"
    assert embedded.sig_object["/Location"] == "Quảng Trị"
    assert embedded.sig_object["/ContactInfo"] == "0233 3852 000"
    assert embedded.md_algorithm == "sha256"


def test_unsigned_pdf_is_reported_unsigned(weasyprint_pdf):
    status = signing.signature_status(weasyprint_pdf)

    assert not status.signed
    assert not status.intact
    assert status.signer == ""
    assert status.detail == "Tệp PDF này không có chữ ký số."


def test_bytes_that_are_not_a_pdf_are_reported_unreadable():
    status = signing.signature_status(b"not a pdf at all")

    assert not status.signed
    assert "Không đọc được" in status.detail


@pytest.mark.parametrize("where", ["producer", "page_stream"])
def test_flipping_one_signed_byte_breaks_the_signature(weasyprint_pdf, where):
    signed = bytearray(_sign(weasyprint_pdf))
    if where == "producer":
        position = signed.index(b"WeasyPrint") + 3
    else:
        start = signed.index(b"stream", signed.index(b"/Length")) + len(b"stream\n")
        position = start + 10
    # The byte lies in a part of the file the signature covers (before its /Contents).
    first_range_end = int(re.search(rb"/ByteRange \[\s*0 (\d+)", signed).group(1))
    assert position < first_range_end
    signed[position] ^= 0x01

    status = signing.signature_status(bytes(signed))

    assert status.signed
    assert not status.intact
    assert not status.valid
    assert "đã bị sửa" in status.detail


def test_bytes_appended_after_the_signature_are_not_covered(weasyprint_pdf):
    signed = _sign(weasyprint_pdf)

    status = signing.signature_status(signed + b"\n%% added later\n")

    assert status.signed
    assert status.intact
    assert not status.covers_whole_file
    assert not status.valid
    assert "thêm vào sau khi ký" in status.detail


def test_configured_certificate_and_chain_are_used(settings, tmp_path, weasyprint_pdf):
    cert_path, key_path = _configured_pair(tmp_path / "own", password=b"mat-khau")
    settings.DOCUMENT_SIGNING_CERT = str(cert_path)
    settings.DOCUMENT_SIGNING_KEY = str(key_path)
    settings.DOCUMENT_SIGNING_KEY_PASSWORD = "mat-khau"

    signed = _sign(weasyprint_pdf)

    status = signing.signature_status(signed)
    assert status.valid
    assert status.signer == CONFIGURED_NAME
    used = signing.signing_certificate()
    assert not used.self_signed
    assert used.cert_path == cert_path
    assert len(used.chain) == 1
    # No self-signed pair is made while a certificate is configured.
    assert not Path(settings.DOCUMENT_SIGNING_DIR).exists()


def test_document_signed_with_another_certificate_is_not_trusted(
    settings, tmp_path, weasyprint_pdf
):
    cert_path, key_path = _configured_pair(tmp_path / "own", password=b"mat-khau")
    settings.DOCUMENT_SIGNING_CERT = str(cert_path)
    settings.DOCUMENT_SIGNING_KEY = str(key_path)
    settings.DOCUMENT_SIGNING_KEY_PASSWORD = "mat-khau"
    signed = _sign(weasyprint_pdf)
    settings.DOCUMENT_SIGNING_CERT = ""
    settings.DOCUMENT_SIGNING_KEY = ""

    status = signing.signature_status(signed)

    assert status.intact and status.covers_whole_file
    assert not status.trusted
    assert "không phải chứng thư của hệ thống này" in status.detail


def test_half_configured_certificate_is_refused(settings, weasyprint_pdf):
    settings.DOCUMENT_SIGNING_CERT = "/nowhere/cert.pem"

    with pytest.raises(ImproperlyConfigured):
        _sign(weasyprint_pdf)


def test_self_signed_pair_is_made_once_and_reused(signing_dir, weasyprint_pdf):
    _sign(weasyprint_pdf)
    first = signing.signing_certificate()
    _sign(weasyprint_pdf)
    second = signing.signing_certificate()

    assert first.self_signed
    assert first.fingerprint == second.fingerprint
    assert first.cert_path.parent == signing_dir / signing.SELF_SIGNED_FOLDER
    assert stat.S_IMODE(first.key_path.stat().st_mode) == 0o600
    assert first.certificate.subject.native == {
        "common_name": signing.SELF_SIGNED_COMMON_NAME,
        "organization_name": signing.SELF_SIGNED_ORGANIZATION,
    }
    lifetime = first.not_valid_after - first.not_valid_before
    assert datetime.timedelta(days=5 * 365) <= lifetime <= datetime.timedelta(days=5 * 366)
    assert sorted(p.name for p in signing_dir.iterdir()) == [signing.SELF_SIGNED_FOLDER]


def test_process_that_loses_the_race_uses_the_published_pair(monkeypatch, signing_dir):
    """Another process publishes its pair while this one is still generating."""
    real_pem = signing._self_signed_pem
    winner = {}

    def generate_while_another_publishes():
        monkeypatch.setattr(signing, "_self_signed_pem", real_pem)
        winner["paths"] = signing.ensure_self_signed_certificate(signing_dir)
        winner["cert"] = winner["paths"][0].read_bytes()
        return real_pem()

    monkeypatch.setattr(signing, "_self_signed_pem", generate_while_another_publishes)

    cert_path, key_path = signing.ensure_self_signed_certificate(signing_dir)

    assert (cert_path, key_path) == winner["paths"]
    assert cert_path.read_bytes() == winner["cert"]
    # The loser's own pair is thrown away.
    assert sorted(p.name for p in signing_dir.iterdir()) == [signing.SELF_SIGNED_FOLDER]


def test_concurrent_generation_from_several_processes_yields_one_pair(signing_dir):
    go = signing_dir.parent / "go"
    script = textwrap.dedent(
        f"""
        import hashlib, os, time
        from pathlib import Path
        from reports.signing import ensure_self_signed_certificate
        while not os.path.exists({str(go)!r}):
            time.sleep(0.002)
        cert, key = ensure_self_signed_certificate(Path({str(signing_dir)!r}))
        print(hashlib.sha256(cert.read_bytes() + key.read_bytes()).hexdigest())
        """
    )
    environment = {**os.environ, "PYTHONPATH": str(django_settings.BASE_DIR)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-W", "error", "-c", script],
            cwd=django_settings.BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    go.touch()
    results = [worker.communicate(timeout=120) for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0, 0, 0], results
    assert len({out.strip() for out, _err in results}) == 1
    assert sorted(p.name for p in signing_dir.iterdir()) == [signing.SELF_SIGNED_FOLDER]
    cert_path, key_path = signing.self_signed_paths(signing_dir)
    digest = hashlib.sha256(cert_path.read_bytes() + key_path.read_bytes()).hexdigest()
    assert results[0][0].strip() == digest


def test_signer_is_loaded_once_until_its_files_change(weasyprint_pdf):
    signing._load_signer.cache_clear()
    _sign(weasyprint_pdf)
    _sign(weasyprint_pdf)
    assert signing._load_signer.cache_info().misses == 1

    _cert_path, key_path = signing.self_signed_paths()
    modified = key_path.stat().st_mtime_ns + 1_000_000_000
    os.utime(key_path, ns=(modified, modified))
    _sign(weasyprint_pdf)

    assert signing._load_signer.cache_info().misses == 2


def test_command_generates_and_shows_the_certificate(signing_dir):
    with pytest.raises(CommandError, match="--generate"):
        call_command("signing_certificate", stdout=io.StringIO())

    out = io.StringIO()
    call_command("signing_certificate", "--generate", stdout=out)

    used = signing.signing_certificate(generate=False)
    assert used.fingerprint in out.getvalue()
    assert signing.SELF_SIGNED_COMMON_NAME in out.getvalue()
    assert "self-signed" in out.getvalue()
    pem = io.StringIO()
    call_command("signing_certificate", "--pem", stdout=pem)
    assert pem.getvalue().startswith("-----BEGIN CERTIFICATE-----")
    assert x509.load_pem_x509_certificate(pem.getvalue().encode()).fingerprint(
        hashes.SHA256()
    ) == bytes.fromhex(used.fingerprint.replace(":", ""))
