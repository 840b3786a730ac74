"""Test helpers: a real tollgate server process, a throwaway PKI, and an authenticator app.

The server is the binary named by TOLLGATE_BIN, started with `tollgate serve`
on a fresh SQLite database in a temporary directory, on a Unix socket and
(optionally) a loopback TCP port with TLS. Certificates come from openssl.
TOTP codes are computed with RFC 6238, as a user's authenticator app would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import shutil
import socket as socketlib
import struct
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence

import grpc

import tollgate
from tollgate.v1 import enrollment_pb2
from tollgate.v1.enrollment_pb2 import BeginTotpResponse

# --- The user's authenticator app ---------------------------------------------

_DIGESTS = {
    enrollment_pb2.TOTP_ALGORITHM_UNSPECIFIED: hashlib.sha1,
    enrollment_pb2.TOTP_ALGORITHM_SHA1: hashlib.sha1,
    enrollment_pb2.TOTP_ALGORITHM_SHA256: hashlib.sha256,
    enrollment_pb2.TOTP_ALGORITHM_SHA512: hashlib.sha512,
}


def totp(secret_base32: str, step: int, digits: int = 6, algorithm: int = enrollment_pb2.TOTP_ALGORITHM_SHA1) -> str:
    """RFC 6238: the HOTP (RFC 4226) of a 30-second time step."""
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8), casefold=True)
    mac = hmac.new(key, struct.pack(">Q", step), _DIGESTS[algorithm]).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


class App:
    """An authenticator app holding one enrolled secret."""

    def __init__(self, begun: BeginTotpResponse) -> None:
        self.secret = begun.secret_base32
        self.digits = begun.digits or 6
        self.period = begun.period.seconds or 30
        self.algorithm = begun.algorithm

    def step(self) -> int:
        return int(time.time()) // self.period

    def code(self, step: int) -> str:
        return totp(self.secret, step, self.digits, self.algorithm)

    def wrong_code(self) -> str:
        """A well-formed code that no step near now produces."""
        now = self.step()
        near = {self.code(s) for s in range(now - 3, now + 4)}
        return next(c for c in (str(n).zfill(self.digits) for n in range(10**self.digits)) if c not in near)


# --- A throwaway PKI ------------------------------------------------------------


class Pki:
    """A CA, a server certificate for localhost and 127.0.0.1, and a client certificate."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.ca = directory / "ca.pem"
        self.server_cert = directory / "server.pem"
        self.server_key = directory / "server.key"
        self.client_cert = directory / "client.pem"
        self.client_key = directory / "client.key"
        self.client_name = "pytest-client"
        self._make()

    def _openssl(self, *args: str) -> None:
        subprocess.run(["openssl", *args], cwd=self.dir, check=True, capture_output=True)

    def _make(self) -> None:
        self._openssl(
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=tollgate test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        )
        self._leaf("server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1", "serverAuth")
        self._leaf("client", self.client_name, f"subjectAltName=DNS:{self.client_name}", "clientAuth")

    def _leaf(self, name: str, common_name: str, san: str, usage: str) -> None:
        self._openssl(
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={common_name}",
        )
        (self.dir / f"{name}.ext").write_text(
            f"{san}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage={usage}\n"
        )
        self._openssl(
            "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext",
        )


# --- The server ---------------------------------------------------------------


def free_port() -> int:
    with socketlib.socket(socketlib.AF_INET, socketlib.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """A `tollgate serve` process on a fresh SQLite database.

    Always on a Unix socket; with `pki`, also on a loopback TCP port with TLS
    (and, with `mutual_tls`, requiring a client certificate the CA signed).
    """

    def __init__(self, binary: str, pki: Optional[Pki] = None, mutual_tls: bool = False) -> None:
        # A short directory: a Unix socket path must fit in 108 bytes.
        self.dir = Path(tempfile.mkdtemp(prefix="tollgate-py-"))
        self.binary = binary
        self.pki = pki
        self.database_url = f"sqlite://{self.dir / 'tollgate.db'}"
        self.socket = str(self.dir / "tollgate.sock")
        self.port = free_port() if pki else None
        self.address = f"127.0.0.1:{self.port}" if pki else None
        self.log = self.dir / "server.log"
        command = [binary, "serve", "--database-url", self.database_url, "--socket", self.socket]
        if pki is None:
            command += ["--listen", "off"]
        else:
            command += [
                "--listen", f"127.0.0.1:{self.port}",
                "--tls-cert-file", str(pki.server_cert), "--tls-key-file", str(pki.server_key),
            ]
            if mutual_tls:
                command += ["--tls-client-ca-file", str(pki.ca)]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=self.dir)
        try:
            self._wait_until_serving()
        except BaseException:
            self.stop()
            raise

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + 30
        with tollgate.connect(self.socket, timeout=1) as client:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"tollgate exited at start ({self.process.returncode}):\n{self.log_tail()}")
                if os.path.exists(self.socket):
                    try:
                        if client.health.Check().status == 1:  # SERVING
                            return
                    except grpc.RpcError:
                        pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"tollgate did not serve within 30 s:\n{self.log_tail()}")
                time.sleep(0.1)

    def api_key(self, name: str, permissions: Sequence[str], tenants: Sequence[str] = ("*",)) -> str:
        """A fresh API key from `tollgate api-key create` (printed once, on stdout)."""
        command = [self.binary, "api-key", "create", "--name", name, "--database-url", self.database_url]
        for permission in permissions:
            command += ["--permission", permission]
        for tenant in tenants:
            command += ["--tenant", tenant]
        made = subprocess.run(command, cwd=self.dir, capture_output=True, text=True, timeout=60)
        if made.returncode != 0:
            raise RuntimeError(f"tollgate api-key create failed: {made.stderr.strip()}")
        return made.stdout.strip()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def unique(prefix: str) -> str:
    """A fresh user or tenant id, so tests never share state on one server."""
    return f"{prefix}-{os.urandom(4).hex()}"
