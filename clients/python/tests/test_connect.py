"""connect()'s arguments: what it refuses before any call, and what it never shows."""

from __future__ import annotations

import asyncio

import pytest

import tollgate
from helpers import Pki, Server


def test_one_place_to_connect_to() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        tollgate.connect()
    with pytest.raises(ValueError, match="exactly one"):
        tollgate.connect("/run/tollgate.sock", address="localhost:50051")


def test_tls_options_need_tcp_with_tls(pki: Pki) -> None:
    with pytest.raises(ValueError, match="not to a Unix socket"):
        tollgate.connect("/run/tollgate.sock", ca_file=pki.ca)
    with pytest.raises(ValueError, match="need tls=True"):
        tollgate.connect(address="localhost:50051", tls=False, ca_file=pki.ca)
    with pytest.raises(ValueError, match="both cert_file= and key_file="):
        tollgate.connect(address="localhost:50051", cert_file=pki.client_cert)
    with pytest.raises(FileNotFoundError):
        tollgate.connect(address="localhost:50051", ca_file=pki.dir / "missing.pem")


def test_api_key_is_never_shown(server: Server) -> None:
    with pytest.raises(ValueError) as refused:
        tollgate.connect(server.socket, api_key="tgk_has a space")
    assert "has a space" not in str(refused.value)
    key = "tgk_secretsecretsecret"
    with tollgate.connect(server.socket, api_key=key) as client:
        shown = repr(client) + repr(client.challenge._settings)
        assert key not in shown
        # The socket ignores keys it need not check: the call goes through.
        assert client.health.Check().status == 1


def test_connect_async_needs_a_running_loop(server: Server) -> None:
    with pytest.raises(RuntimeError, match="inside a coroutine"):
        tollgate.connect_async(server.socket)

    async def inside() -> int:
        async with tollgate.connect_async(server.socket) as client:
            return (await client.health.Check()).status

    assert asyncio.run(inside()) == 1


def test_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError, match="timeout"):
        tollgate.connect("/run/tollgate.sock", timeout=0)


def test_bad_field_values_are_named_not_shown(client: tollgate.Client) -> None:
    """A value of the wrong type fails before the call, naming the field and never the value."""
    with pytest.raises(TypeError) as refused:
        client.challenge.VerifyChallenge(user_id="u", challenge_id="c", code=482913)
    assert "VerifyChallengeRequest.code" in str(refused.value) and "482913" not in str(refused.value)
    assert refused.value.__cause__ is None and refused.value.__suppress_context__
    # A string is iterable, but one role is not a list of its letters.
    with pytest.raises(TypeError, match="roles takes a list"):
        client.challenge.BeginChallenge(user_id="u", roles="admin")
