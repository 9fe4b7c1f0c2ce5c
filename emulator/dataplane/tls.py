"""A throwaway certificate authority for the emulator's database servers: one CA per emulator run.

RDS signs each server certificate with a regional CA that clients trust through the RDS CA bundle.
Locally nothing is trusted in advance, so every manager makes its own CA, writes its certificate
where clients can read it (`sslrootcert=`), and signs one server certificate per server whose
subject alternative names hold the server's loopback address and the DNS names the caller gives
(the cluster endpoints), so `sslmode=verify-full` works exactly as against RDS.

Uses `cryptography`, which moto itself requires, so it adds no dependency.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# Long enough for any lab session, short enough that a leaked CA file is soon worthless.
CA_VALIDITY = datetime.timedelta(days=30)
# Certificates start an hour in the past so a client clock slightly behind still accepts them.
CLOCK_SKEW = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class IssuedCertificate:
    """A server certificate and its private key, both PEM."""

    certificate_pem: bytes
    private_key_pem: bytes


class CertificateAuthority:
    """A CA whose key lives only in this process; its certificate is written to `bundle_path`."""

    def __init__(self, bundle_path: str, common_name: str) -> None:
        self.bundle_path = bundle_path
        self._key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.timezone.utc)
        self._not_after = now + CA_VALIDITY
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        self._certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - CLOCK_SKEW)
            .not_valid_after(self._not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self._key.public_key()), critical=False)
            .sign(self._key, hashes.SHA256())
        )
        # Readable by everyone: clients on the host (any user) verify servers with it.
        write_file(bundle_path, self._certificate.public_bytes(serialization.Encoding.PEM), 0o644)

    def issue_server_certificate(self, address: str, dns_names: Iterable[str]) -> IssuedCertificate:
        """Signs a new key for a server reachable at `address` and under each of `dns_names`."""
        key = ec.generate_private_key(ec.SECP256R1())
        names = sorted(set(dns_names))
        now = datetime.datetime.now(datetime.timezone.utc)
        alternative_names: list[x509.GeneralName] = [x509.IPAddress(ipaddress.ip_address(address))]
        alternative_names += [x509.DNSName(name) for name in names]
        # A common name holds at most 64 characters, and RDS endpoint names are often longer; clients
        # verify against the alternative names, so the common name is only a label.
        common_name = next((name for name in names if len(name) <= 64), address)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
            .issuer_name(self._certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - CLOCK_SKEW)
            .not_valid_after(self._not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName(alternative_names), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self._key.public_key()), critical=False)
            .sign(self._key, hashes.SHA256())
        )
        return IssuedCertificate(
            certificate_pem=certificate.public_bytes(serialization.Encoding.PEM),
            private_key_pem=key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
        )


def write_file(path: str, content: bytes, mode: int, owner: tuple[int, int] | None = None) -> None:
    """Writes `content` to `path` atomically (a reader sees the old or the new file), with `mode` and `owner`."""
    temporary = f"{path}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
    os.chmod(temporary, mode)  # the umask may have narrowed it
    if owner is not None:
        os.chown(temporary, *owner)
    os.replace(temporary, path)
