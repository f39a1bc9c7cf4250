"""A self-signed TLS certificate generated per run, for the emulator's https listeners.

Azure Key Vault's client refuses plain http for bearer tokens, with no switch
(``shared/reference/sdk.md`` §6), so the Key Vault stand-in serves https. The certificate is made
at start with ``cryptography`` (an EC P-256 key: a few milliseconds, where RSA 2048 costs ~50 ms),
valid for ``localhost``, ``127.0.0.1`` and ``::1``, and written with its private key to a fresh
temporary directory readable by the owner only. A client trusts it by passing the certificate file
as its CA bundle (``connection_verify=cert_path`` for azure-core clients, ``verify=cert_path`` for
requests and httpx). Nothing here is ever committed or reused across runs.

The certificate is its own issuer and carries ``basicConstraints CA:TRUE`` (critical), a key usage
with ``keyCertSign`` and ``digitalSignature``, subject and authority key identifiers and the
``serverAuth`` extended key usage: OpenSSL then accepts it both as the trust anchor and as the
server certificate, including under Python 3.13's ``VERIFY_X509_STRICT`` default.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import ssl
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DNS_NAMES = ("localhost",)
IP_ADDRESSES = ("127.0.0.1", "::1")


@dataclass(frozen=True)
class SelfSignedCertificate:
    """Where one run's certificate lives.

    Attributes:
        directory: the private temporary directory holding both files (mode 0700).
        cert_path: the PEM certificate; pass it to clients as their CA bundle.
        key_path: the PEM private key (mode 0600); only the server reads it.
        sha256: hex SHA-256 fingerprint of the certificate (DER), for logs and tests.
    """

    directory: Path
    cert_path: Path
    key_path: Path
    sha256: str

    def server_context(self) -> ssl.SSLContext:
        """A server-side TLS context (TLS 1.2 or newer) presenting this certificate."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert_path, self.key_path)
        return context

    def remove(self) -> None:
        """Delete the directory with the key and the certificate."""
        shutil.rmtree(self.directory, ignore_errors=True)


def generate_self_signed(directory: Path | None = None, *, common_name: str = "m365gov emulator",
                         days: int = 7) -> SelfSignedCertificate:
    """Make a fresh key and self-signed certificate in ``directory`` (a new temporary one by default).

    The certificate is valid from one hour ago (clock skew) for ``days`` days.
    """
    target = Path(tempfile.mkdtemp(prefix="m365gov-tls-")) if directory is None else directory
    target.mkdir(parents=True, exist_ok=True)
    os.chmod(target, 0o700)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "m365gov test stand-in")])
    now = datetime.now(UTC)
    public = key.public_key()
    san = x509.SubjectAlternativeName(
        [x509.DNSName(n) for n in DNS_NAMES] + [x509.IPAddress(ipaddress.ip_address(a)) for a in IP_ADDRESSES])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(san, critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path = target / "emulator-key.pem"
    cert_path = target / "emulator-cert.pem"
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return SelfSignedCertificate(target, cert_path, key_path, cert.fingerprint(hashes.SHA256()).hex())
