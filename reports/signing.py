"""PAdES signatures on generated PDFs, so that any PDF reader shows a document is untampered.

Every PDF is signed with the system's certificate: the one configured in DOCUMENT_SIGNING_CERT
and DOCUMENT_SIGNING_KEY, or else a self-signed pair made once under DOCUMENT_SIGNING_DIR (for
the demo and trials; a reader shows it as "signer unknown" unless the certificate is trusted
there). The /verify page still compares the SHA-256; the signature lets a reader check the file
without going online.
"""

import asyncio
import datetime
import errno
import functools
import logging
import os
import shutil
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

# pyHanko 0.38 imports the DSA key class, which cryptography 51 deprecates with a warning (an
# error under the test settings). No key here is DSA; silence exactly that one warning.
with warnings.catch_warnings():
    warnings.filterwarnings(
        "ignore", message="DSA is deprecated", category=CryptographyDeprecationWarning
    )
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.registry import SimpleCertificateStore
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

logger = logging.getLogger(__name__)

FIELD_NAME = "Signature1"
SELF_SIGNED_COMMON_NAME = "Hệ thống khối thi đua – chứng thư tự ký dùng thử"
SELF_SIGNED_ORGANIZATION = "khoithidua"
SELF_SIGNED_YEARS = 5
# The self-signed pair lives in its own subfolder, published by one rename of the whole folder:
# two files cannot be created atomically together, one folder can.
SELF_SIGNED_FOLDER = "self-signed"
CERT_FILE = "certificate.pem"
KEY_FILE = "private-key.pem"
# A document certificate may carry either bit: qualified ones set non-repudiation, others only
# digital signature. Either is acceptable for the system's own check.
_KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)


@dataclass(frozen=True)
class SigningCertificate:
    """The certificate and key files the system signs with, and the certificates themselves.

    The certificates are asn1crypto objects, as pyHanko uses: cryptography warns when it reads
    the self-signed certificate's subject (see ``_self_signed_pem``).
    """

    cert_path: Path
    key_path: Path
    certificate: asn1_x509.Certificate
    chain: tuple[asn1_x509.Certificate, ...]
    self_signed: bool

    @property
    def fingerprint(self) -> str:
        """The SHA-256 fingerprint as colon-separated hex, as readers show it."""
        return self.certificate.sha256.hex(":").upper()

    @property
    def subject(self) -> str:
        return self.certificate.subject.human_friendly

    @property
    def issuer(self) -> str:
        return self.certificate.issuer.human_friendly

    @property
    def not_valid_before(self) -> datetime.datetime:
        return self.certificate.not_valid_before

    @property
    def not_valid_after(self) -> datetime.datetime:
        return self.certificate.not_valid_after

    @property
    def pem(self) -> str:
        """The certificate in PEM, to add to a PDF reader's trusted certificates."""
        return pem.armor("CERTIFICATE", self.certificate.dump()).decode("ascii")


@dataclass(frozen=True)
class SignatureStatus:
    """What the embedded signature of a PDF says about the file."""

    signed: bool
    intact: bool
    covers_whole_file: bool
    signer: str
    signed_at: datetime.datetime | None
    detail: str
    # The signing certificate is the one this system signs with (or chains to it).
    trusted: bool = False

    @property
    def valid(self) -> bool:
        """Signed by this system and not changed since: what a reader shows as a valid signature."""
        return self.signed and self.intact and self.covers_whole_file and self.trusted


def self_signed_paths(directory: Path | str | None = None) -> tuple[Path, Path]:
    """Return where the self-signed certificate and key are (or would be) kept."""
    folder = Path(directory or settings.DOCUMENT_SIGNING_DIR) / SELF_SIGNED_FOLDER
    return folder / CERT_FILE, folder / KEY_FILE


def ensure_self_signed_certificate(directory: Path | str | None = None) -> tuple[Path, Path]:
    """Make the self-signed pair under ``directory`` unless it exists; return its two paths.

    Safe when several processes start at once: each builds a complete pair in a private
    temporary folder and renames that folder into place; the rename succeeds for one of them,
    the others throw theirs away and every process then uses the same pair.
    """
    cert_path, key_path = self_signed_paths(directory)
    if cert_path.parent.exists():
        return _existing_pair(cert_path, key_path)
    cert_path.parent.parent.mkdir(parents=True, exist_ok=True)
    # mkdtemp makes the folder readable by this user only (0700).
    staging = Path(tempfile.mkdtemp(prefix=".self-signed-", dir=cert_path.parent.parent))
    try:
        key_pem, cert_pem = _self_signed_pem()
        _write_new(staging / KEY_FILE, key_pem, mode=0o600)
        _write_new(staging / CERT_FILE, cert_pem, mode=0o644)
        try:
            os.rename(staging, cert_path.parent)
        except OSError as error:
            # Another process published its pair first (an existing non-empty folder).
            if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise
        else:
            staging = None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return _existing_pair(cert_path, key_path)


def signing_certificate(*, generate: bool = True) -> SigningCertificate:
    """Return the certificate in use: the configured one, else the self-signed one.

    With ``generate`` false a missing self-signed pair raises FileNotFoundError instead of
    being made.
    """
    cert_path, key_path, self_signed = _paths(generate=generate)
    if self_signed and not generate and not cert_path.exists():
        raise FileNotFoundError(cert_path)
    certificates = _load_certificates(str(cert_path), cert_path.stat().st_mtime_ns)
    return SigningCertificate(
        cert_path=cert_path,
        key_path=key_path,
        certificate=certificates[0],
        chain=certificates[1:],
        self_signed=self_signed,
    )


def sign_pdf(pdf: bytes, *, reason: str, location: str, contact: str = "") -> bytes:
    """Return ``pdf`` with an invisible PAdES signature over the whole file appended.

    The signature is added as an incremental update, so the original bytes stay the prefix of
    the result. Store and hash the returned bytes: they are the document.
    """
    signer = _signer()
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        contact_info=contact or None,
    )
    tsa_url = settings.DOCUMENT_SIGNING_TSA_URL
    timestamper = _timestamper(tsa_url) if tsa_url else None
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    pdf_signer = signers.PdfSigner(metadata, signer=signer, timestamper=timestamper)
    return _outside_event_loop(lambda: pdf_signer.sign_pdf(writer).getvalue())


def _outside_event_loop(work):
    """Run ``work`` here, or in a thread of its own when this thread runs an event loop.

    pyHanko starts an event loop of its own, which a thread already running one refuses.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def signature_status(pdf: bytes) -> SignatureStatus:
    """Check the signature of ``pdf`` against the certificate this system signs with."""
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        embedded = reader.embedded_regular_signatures
    except Exception:
        # Any damage that stops the file being read at all, e.g. a broken cross-reference.
        logger.info("unreadable PDF", exc_info=True)
        return _unsigned(_("Không đọc được tệp PDF này, hoặc tệp đã bị hỏng."))
    if not embedded:
        return _unsigned(_("Tệp PDF này không có chữ ký số."))
    embedded_signature = next((s for s in embedded if s.field_name == FIELD_NAME), embedded[0])
    try:
        context = _validation_context()
        status = _outside_event_loop(
            lambda: validate_pdf_signature(
                embedded_signature,
                signer_validation_context=context,
                key_usage_settings=_KEY_USAGE,
            )
        )
    except Exception:
        # A signature container broken by an edit cannot even be checked.
        logger.info("signature could not be validated", exc_info=True)
        return SignatureStatus(
            signed=True,
            intact=False,
            covers_whole_file=False,
            signer="",
            signed_at=None,
            detail=_("Chữ ký số của tệp bị hỏng: tệp đã bị sửa sau khi ký."),
        )
    intact = bool(status.intact and status.valid)
    whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    trusted = bool(status.trusted)
    # A timestamp authority's time, when the token is sound, beats the signer's own clock.
    timestamp = status.timestamp_validity
    if timestamp is not None and timestamp.intact and timestamp.valid:
        signed_at = timestamp.timestamp
    else:
        signed_at = status.signer_reported_dt
    if not intact:
        detail = _("Chữ ký số không khớp với nội dung: tệp đã bị sửa sau khi ký.")
    elif not whole_file:
        detail = _("Phần đã ký còn nguyên vẹn nhưng tệp có thêm nội dung được thêm vào sau khi ký.")
    elif not trusted:
        detail = _(
            "Tệp còn nguyên vẹn từ khi ký, nhưng chứng thư ký không phải chứng thư của hệ thống này."
        )
    else:
        detail = _("Chữ ký số hợp lệ: tệp còn nguyên vẹn từ khi hệ thống ký.")
    return SignatureStatus(
        signed=True,
        intact=intact,
        covers_whole_file=whole_file,
        signer=_common_name(status.signing_cert),
        signed_at=signed_at,
        detail=detail,
        trusted=trusted,
    )


def _unsigned(detail: str) -> SignatureStatus:
    return SignatureStatus(
        signed=False,
        intact=False,
        covers_whole_file=False,
        signer="",
        signed_at=None,
        detail=detail,
    )


def _common_name(certificate) -> str:
    if certificate is None:
        return ""
    names = certificate.subject.native
    return names.get("common_name") or certificate.subject.human_friendly


def _paths(*, generate: bool = True) -> tuple[Path, Path, bool]:
    """Return the certificate path, the key path and whether they are the self-signed pair."""
    cert = settings.DOCUMENT_SIGNING_CERT
    key = settings.DOCUMENT_SIGNING_KEY
    if cert and key:
        return Path(cert), Path(key), False
    if cert or key:
        raise ImproperlyConfigured(
            "Set both DOCUMENT_SIGNING_CERT and DOCUMENT_SIGNING_KEY, or neither to sign with "
            "the self-signed certificate under DOCUMENT_SIGNING_DIR."
        )
    if generate:
        cert_path, key_path = ensure_self_signed_certificate()
    else:
        cert_path, key_path = self_signed_paths()
    return cert_path, key_path, True


def _signer() -> signers.SimpleSigner:
    cert_path, key_path, self_signed = _paths()
    # The password belongs to the configured key; the self-signed key is stored unencrypted.
    password = "" if self_signed else settings.DOCUMENT_SIGNING_KEY_PASSWORD
    return _load_signer(
        str(cert_path),
        str(key_path),
        cert_path.stat().st_mtime_ns,
        key_path.stat().st_mtime_ns,
        password,
    )


class _ParsedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner with the private key parsed once, not for every signature.

    SimpleSigner.sign_raw loads the key from DER on each call, and cryptography checks an RSA
    key as it loads it: about 45 ms, twice per document (a dry run first sizes the signature).
    RSA and ECDSA sign here with the parsed key; anything else goes the usual way.
    """

    def __init__(self, *, private_key, **kwargs):
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        spec = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            mechanism = spec.signature_algo
        except ValueError:
            mechanism = spec["algorithm"].native
        key = self._private_key
        if isinstance(key, rsa.RSAPrivateKey):
            if mechanism == "rsassa_pkcs1v15":
                return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
            if mechanism == "rsassa_pss":
                padding, hash_algorithm = process_pss_params(spec["parameters"])
                return key.sign(data, padding, hash_algorithm)
        if isinstance(key, ec.EllipticCurvePrivateKey) and mechanism == "ecdsa":
            return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        return super().sign_raw(data, digest_algorithm)


# Keyed on the paths and their modification times: a warm worker parses the key once, and a
# certificate replaced on disk is picked up by the next document without a restart.
@functools.lru_cache(maxsize=4)
def _load_signer(
    cert_path: str, key_path: str, cert_mtime: int, key_mtime: int, password: str
) -> signers.SimpleSigner:
    certificates = _load_certificates(cert_path, cert_mtime)
    with open(key_path, "rb") as handle:
        data = handle.read()
    secret = password.encode() if password else None
    if b"-----BEGIN" in data:
        private_key = serialization.load_pem_private_key(data, password=secret)
    else:
        private_key = serialization.load_der_private_key(data, password=secret)
    key_info = asn1_keys.PrivateKeyInfo.load(
        private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    registry = SimpleCertificateStore()
    registry.register_multiple(certificates[1:])
    return _ParsedKeySigner(
        private_key=private_key,
        signing_cert=certificates[0],
        signing_key=key_info,
        cert_registry=registry,
    )


@functools.lru_cache(maxsize=4)
def _load_certificates(cert_path: str, cert_mtime: int) -> tuple:
    """Return the certificates of a PEM file, the signer's first, then its chain."""
    with open(cert_path, "rb") as handle:
        certificates = tuple(load_certs_from_pemder_data(handle.read()))
    if not certificates:
        raise ImproperlyConfigured(f"No certificate in {cert_path}.")
    return certificates


@functools.lru_cache(maxsize=4)
def _timestamper(url: str) -> HTTPTimeStamper:
    return HTTPTimeStamper(url)


def _validation_context() -> ValidationContext:
    """Trust exactly the certificate (and chain) this system signs with, never fetch anything."""
    cert_path, _key_path, _self_signed = _paths(generate=False)
    certificates = (
        _load_certificates(str(cert_path), cert_path.stat().st_mtime_ns)
        if cert_path.exists()
        else ()
    )
    return ValidationContext(
        trust_roots=list(certificates), allow_fetching=False, revocation_mode="soft-fail"
    )


def _existing_pair(cert_path: Path, key_path: Path) -> tuple[Path, Path]:
    if not (cert_path.is_file() and key_path.is_file()):
        raise ImproperlyConfigured(
            f"{cert_path.parent} exists but does not hold both {CERT_FILE} and {KEY_FILE}; "
            "remove the folder to make a new self-signed certificate."
        )
    return cert_path, key_path


def _write_new(path: Path, data: bytes, *, mode: int) -> None:
    """Create ``path`` with ``mode`` from the start, so the key is never readable by others."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    # The process umask may have removed bits from ``mode``, never added any.
    os.chmod(path, mode)


def _self_signed_pem() -> tuple[bytes, bytes]:
    """Return a new RSA 2048 key and its self-signed certificate, both in PEM."""
    # RSA rather than EC: every PDF reader in use, old ones included, checks RSA signatures.
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    # RFC 5280 bounds a common name at 64 characters; the name is 48, but cryptography counts
    # its 66 UTF-8 bytes and warns when told not to refuse. Vietnamese needs the bytes.
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="Attribute's length must be", category=UserWarning
        )
        common_name = x509.NameAttribute(
            NameOID.COMMON_NAME, SELF_SIGNED_COMMON_NAME, _validate=False
        )
    name = x509.Name(
        [
            common_name,
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, SELF_SIGNED_ORGANIZATION),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * SELF_SIGNED_YEARS + 1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)
