"""DMS certificates as the stand-in uses them: what an imported CA bundle is, and which CA it makes libpq trust.

On AWS, an endpoint with SslMode verify-ca or verify-full verifies the server's certificate against the
endpoint's CertificateArn, and RDS's servers are signed by the RDS CAs of the RDS CA bundle. The emulator's
PostgreSQL servers are signed by the emulator's own per-run CA (dataplane/tls.py), which no bundle from AWS
can verify. So the stand-in applies one explicit rule, and only this one:

    An imported certificate whose PEM text has the SHA-256 recorded in the project for the vendored RDS CA
    bundle (certificates/rds-global-bundle.pem.sha256) stands for the RDS CA bundle: the stand-in verifies
    with the emulator's CA in its place.

Any other certificate is used as it is (written to a file for libpq's sslrootcert), so a CA that did not
sign the server fails verification, as a wrong bundle does on AWS. The db-ops function gets the same rule
in moto_fixes/lambda-dns-shim.cjs (EMULATOR_RDS_CA_SHA256).
"""

from __future__ import annotations

import atexit
import datetime
import hashlib
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Any

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RDS_CA_BUNDLE_SHA256_PATH = os.path.join(PROJECT_DIR, "certificates", "rds-global-bundle.pem.sha256")


@dataclass(frozen=True)
class ParsedBundle:
    """What the PEM holds: its number of certificates and the earliest validity window among them."""

    count: int
    valid_from: datetime.datetime
    valid_to: datetime.datetime
    signing_algorithm: str
    key_length: int


@dataclass(frozen=True)
class Certificate:
    """An imported DMS certificate (DMS's Certificate shape)."""

    identifier: str
    arn: str
    pem: str
    owner: str
    parsed: ParsedBundle
    created: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(datetime.timezone.utc))

    def to_dict(self) -> dict[str, Any]:
        return {
            "CertificateIdentifier": self.identifier,
            "CertificateArn": self.arn,
            "CertificatePem": self.pem,
            "CertificateOwner": self.owner,
            "CertificateCreationDate": self.created.timestamp(),
            "ValidFromDate": self.parsed.valid_from.timestamp(),
            "ValidToDate": self.parsed.valid_to.timestamp(),
            "SigningAlgorithm": self.parsed.signing_algorithm,
            "KeyLength": self.parsed.key_length,
        }


def parse_pem(pem: str) -> ParsedBundle:
    """The certificates of a PEM bundle; ValueError when it holds none or a block is no certificate."""
    from cryptography import x509

    try:
        certificates = x509.load_pem_x509_certificates(pem.encode())
    except ValueError as error:
        raise ValueError(f"the PEM holds no readable certificate ({error})") from None
    first = certificates[0]
    key_size = getattr(first.public_key(), "key_size", 0)
    algorithm = first.signature_hash_algorithm
    return ParsedBundle(
        count=len(certificates),
        valid_from=max(c.not_valid_before_utc for c in certificates),
        valid_to=min(c.not_valid_after_utc for c in certificates),
        signing_algorithm=f"{algorithm.name.upper()}" if algorithm else "unknown",
        key_length=int(key_size),
    )


def recorded_rds_ca_sha256(path: str = RDS_CA_BUNDLE_SHA256_PATH) -> str | None:
    """The SHA-256 the project records for the vendored RDS CA bundle; None when the file is missing."""
    try:
        with open(path) as file:
            return file.read().strip().lower() or None
    except OSError:
        return None


def pem_sha256(pem: str) -> str:
    return hashlib.sha256(pem.encode()).hexdigest()


def stands_for_rds_ca(pem: str) -> bool:
    """True for the vendored RDS CA bundle (by SHA-256 of its PEM text), the stand-in's one trust rule."""
    recorded = recorded_rds_ca_sha256()
    return recorded is not None and pem_sha256(pem) == recorded


_files_lock = threading.Lock()
_files_dir: str | None = None


def root_certificate_file(pem: str, emulator_ca_path: str | None) -> str:
    """The file libpq's sslrootcert names for an endpoint that verifies with `pem`: the emulator's CA when `pem`
    stands for the RDS CA bundle, else `pem` itself, written once per content to a private directory."""
    if stands_for_rds_ca(pem):
        if not emulator_ca_path:
            raise ValueError("the emulator's CA is not known yet (no PostgreSQL server has started)")
        return emulator_ca_path
    global _files_dir
    with _files_lock:
        if _files_dir is None:
            _files_dir = tempfile.mkdtemp(prefix="dms-standin-certificates-")
            atexit.register(shutil.rmtree, _files_dir, True)
        path = os.path.join(_files_dir, f"{pem_sha256(pem)}.pem")
        if not os.path.exists(path):
            with open(path, "w") as file:
                file.write(pem)
    return path
