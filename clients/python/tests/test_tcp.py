"""TCP with TLS: an API key (the asyncio client), mutual TLS, and callers the server refuses."""

from __future__ import annotations

import asyncio

import grpc
import pytest

import tollgate
from helpers import App, Pki, Server, unique
from tollgate import errors
from tollgate.v1 import challenge_pb2, common_pb2, delivery_pb2


def test_async_enrol_and_sign_in_with_api_key(server: Server, pki: Pki, api_key: str) -> None:
    user = unique("frank")

    async def flow() -> None:
        assert server.address is not None
        async with tollgate.connect_async(address=server.address, ca_file=pki.ca, api_key=api_key) as client:
            begun = await client.enrollment.BeginTotp(user_id=user, account_name="frank@example.com")
            app = App(begun)
            step = app.step()
            confirmed = await client.enrollment.ConfirmTotp(user_id=user, code=app.code(step))
            assert confirmed.state == common_pb2.TOTP_STATE_ENABLED and len(confirmed.recovery_codes) == 8

            challenge = await client.challenge.BeginChallenge(user_id=user)
            assert challenge.decision == challenge_pb2.DECISION_CHALLENGE
            with pytest.raises(errors.CodeMismatch) as raised:
                await client.challenge.VerifyChallenge(
                    user_id=user, challenge_id=challenge.challenge_id, method="METHOD_TOTP", code=app.wrong_code()
                )
            assert raised.value.attempts_left == 4
            with pytest.raises(errors.CodeAlreadyUsed):
                await client.challenge.VerifyChallenge(
                    user_id=user, challenge_id=challenge.challenge_id, method="METHOD_TOTP", code=app.code(step)
                )
            verified = await client.challenge.VerifyChallenge(
                user_id=user,
                challenge_id=challenge.challenge_id,
                method="METHOD_TOTP",
                code=app.code(step + 1),
                remember_device=True,
            )
            assert verified.trusted_device_token and verified.trusted_device_id

            # The audit log names the key the calls came with: two failures and the success.
            events = await client.policy.ListAuditEvents(user_id=user, kinds=["challenge.verified"])
            assert sorted(e.outcome for e in events.events) == ["failure", "failure", "success"]
            assert {e.caller for e in events.events} == {"key:pytest-all"}

    asyncio.run(flow())


def test_async_stream_outbox(server: Server, pki: Pki, api_key: str) -> None:
    tenant = unique("async-mailer")
    user = unique("grace")

    async def flow() -> None:
        assert server.address is not None
        async with tollgate.connect_async(
            address=server.address, ca_file=pki.ca, api_key=api_key, tenant_id=tenant
        ) as client:
            await client.delivery.RegisterContact(user_id=user, kind="CONTACT_KIND_EMAIL", address="grace@example.com")
            await client.delivery.SendConfirmation(user_id=user, kind="CONTACT_KIND_EMAIL")
            async with client.delivery.StreamOutbox(timeout=60) as outbox:
                async for message in outbox:
                    assert message.kind == delivery_pb2.MESSAGE_KIND_CONTACT_CONFIRMATION
                    assert (message.tenant_id, message.user_id) == (tenant, user)
                    await client.delivery.AckMessage(message_id=message.message_id)
                    outbox.cancel()
            # Cancelled: iteration ends quietly.
            assert [m async for m in outbox] == []
            with pytest.raises(errors.ResendTooSoon) as raised:
                await client.delivery.SendConfirmation(user_id=user, kind="CONTACT_KIND_EMAIL")
            assert raised.value.available_at is not None and raised.value.retry_after is not None
            assert 0 < raised.value.retry_after <= 30

    asyncio.run(flow())


def test_sync_client_over_tls_with_api_key(server: Server, pki: Pki, api_key: str) -> None:
    assert server.address is not None
    # The certificate names localhost: connect by that name.
    address = server.address.replace("127.0.0.1", "localhost")
    with tollgate.connect(address=address, ca_file=pki.ca, api_key=api_key) as client:
        enrollment = client.enrollment.GetEnrollment(user_id=unique("heidi"))
        assert enrollment.totp.state == common_pb2.TOTP_STATE_NOT_CONFIGURED


def test_wrong_api_key(server: Server, pki: Pki) -> None:
    assert server.address is not None
    wrong = "tgk_" + "0" * 40
    with tollgate.connect(address=server.address, ca_file=pki.ca, api_key=wrong) as client:
        with pytest.raises(errors.ApiKeyInvalid) as raised:
            client.enrollment.GetEnrollment(user_id="ivan")
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert wrong not in str(raised.value) and wrong not in repr(raised.value)


def test_no_credential(server: Server, pki: Pki) -> None:
    assert server.address is not None
    with tollgate.connect(address=server.address, ca_file=pki.ca) as client:
        with pytest.raises(errors.NoCredential):
            client.enrollment.GetEnrollment(user_id="judy")


def test_key_without_the_permission(server: Server, pki: Pki) -> None:
    assert server.address is not None
    sign_in_only = server.api_key("pytest-sign-in", ["sign_in"], ["default"])
    with tollgate.connect(address=server.address, ca_file=pki.ca, api_key=sign_in_only) as client:
        assert client.challenge.BeginChallenge(user_id=unique("ken")).decision == challenge_pb2.DECISION_ALLOW
        with pytest.raises(errors.CallerNotAllowed) as raised:
            client.policy.ListUsers()
        assert raised.value.permission == "admin"
        with pytest.raises(errors.CallerNotAllowed) as raised:
            client.challenge.BeginChallenge(tenant_id="other", user_id="ken")
        assert raised.value.tenant == "other"
        # A stream's failure arrives when it is read, mapped the same way.
        with pytest.raises(errors.CallerNotAllowed) as raised:
            next(client.delivery.StreamOutbox(timeout=10))
        assert raised.value.permission == "outbox"

    async def stream_without_permission() -> errors.TollgateError:
        assert server.address is not None
        async with tollgate.connect_async(address=server.address, ca_file=pki.ca, api_key=sign_in_only) as client:
            with pytest.raises(errors.CallerNotAllowed) as raised:
                async for _ in client.delivery.StreamOutbox(timeout=10):
                    pass
            return raised.value

    assert asyncio.run(stream_without_permission()).permission == "outbox"


def test_untrusted_server_certificate(server: Server) -> None:
    """Without the test CA the server's certificate is not trusted and no call gets through."""
    assert server.address is not None
    with tollgate.connect(address=server.address, api_key="tgk_unused", timeout=5) as client:
        with pytest.raises(errors.TollgateError) as raised:
            client.health.Check()
    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE


def test_mutual_tls(mtls_server: Server, pki: Pki) -> None:
    assert mtls_server.address is not None
    user = unique("leo")
    with tollgate.connect(
        address=mtls_server.address, ca_file=pki.ca, cert_file=pki.client_cert, key_file=pki.client_key
    ) as client:
        begun = client.enrollment.BeginTotp(user_id=user)
        app = App(begun)
        client.enrollment.ConfirmTotp(user_id=user, code=app.code(app.step()))
        events = client.policy.ListAuditEvents(user_id=user, kinds=["totp.enabled"])
        assert [e.caller for e in events.events] == [f"cert:{pki.client_name}"]
    # No client certificate: the TLS handshake fails.
    with tollgate.connect(address=mtls_server.address, ca_file=pki.ca, timeout=5) as client:
        with pytest.raises(errors.TollgateError) as raised:
            client.health.Check()
    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
