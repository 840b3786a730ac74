"""pytest fixtures: one real tollgate server for the whole run, and clients of it.

TOLLGATE_BIN names the tollgate binary (`.ci/python-client` builds one when
unset). The server listens on a Unix socket and on a loopback TCP port with
TLS; a second server requires client certificates (mutual TLS).
"""

from __future__ import annotations

import os

# The tests start processes (tollgate serve, tollgate api-key create) while
# channels are open. With grpcio's fork support on (the default of some
# versions), the forked child runs grpc's at-fork handlers before it execs,
# and with grpcio 1.80 on Python 3.9 these sometimes fail the child
# ("epoll_wait error: Bad file descriptor"). The children never use grpc,
# so the handlers are switched off before grpc is imported.
os.environ["GRPC_ENABLE_FORK_SUPPORT"] = "false"

from pathlib import Path  # noqa: E402
from typing import Iterator  # noqa: E402

import pytest  # noqa: E402

import tollgate  # noqa: E402
from helpers import Pki, Server


@pytest.fixture(scope="session")
def tollgate_bin() -> str:
    binary = os.environ.get("TOLLGATE_BIN")
    if not binary:
        pytest.fail("TOLLGATE_BIN is not set: point it at a tollgate binary (or run .ci/python-client)")
    if not os.access(binary, os.X_OK):
        pytest.fail(f"TOLLGATE_BIN={binary} is not an executable")
    return str(Path(binary).resolve())


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return Pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def server(tollgate_bin: str, pki: Pki) -> Iterator[Server]:
    """tollgate on a Unix socket and on 127.0.0.1 with TLS (callers there need an API key)."""
    running = Server(tollgate_bin, pki)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def mtls_server(tollgate_bin: str, pki: Pki) -> Iterator[Server]:
    """tollgate whose TCP port requires a client certificate signed by the test CA."""
    running = Server(tollgate_bin, pki, mutual_tls=True)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def api_key(server: Server) -> str:
    """A key holding every permission for every tenant."""
    return server.api_key("pytest-all", ["sign_in", "outbox", "admin"])


@pytest.fixture(scope="session")
def client(server: Server) -> Iterator[tollgate.Client]:
    """A synchronous client on the Unix socket."""
    with tollgate.connect(server.socket) as connected:
        yield connected
