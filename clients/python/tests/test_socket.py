"""The synchronous client over the Unix socket: enrolment, sign-in, and how calls are made."""

from __future__ import annotations

import grpc
import pytest

import tollgate
from helpers import App, Server, unique
from tollgate.v1 import challenge_pb2, common_pb2, delivery_pb2, enrollment_pb2


def enrol(client: tollgate.Client, user: str, tenant: str = "") -> tuple[App, int, list[str]]:
    """BeginTotp, then ConfirmTotp with the app's current code: (app, step used, recovery codes)."""
    begun = client.enrollment.BeginTotp(tenant_id=tenant, user_id=user, account_name=f"{user}@example.com")
    app = App(begun)
    step = app.step()
    confirmed = client.enrollment.ConfirmTotp(tenant_id=tenant, user_id=user, code=app.code(step))
    assert confirmed.state == common_pb2.TOTP_STATE_ENABLED
    return app, step, list(confirmed.recovery_codes)


def test_health_is_serving(client: tollgate.Client) -> None:
    from grpc_health.v1 import health_pb2

    assert client.health.Check().status == health_pb2.HealthCheckResponse.SERVING


def test_enrol_and_sign_in(client: tollgate.Client) -> None:
    user = unique("alice")
    begun = client.enrollment.BeginTotp(user_id=user, account_name="alice@example.com")
    assert begun.otpauth_uri.startswith("otpauth://totp/")
    assert begun.qr_png[:8] == b"\x89PNG\r\n\x1a\n"
    app = App(begun)
    step = app.step()
    confirmed = client.enrollment.ConfirmTotp(user_id=user, code=app.code(step))
    assert confirmed.state == common_pb2.TOTP_STATE_ENABLED
    assert len(confirmed.recovery_codes) == 8

    # The sign-in an application writes once the password was accepted.
    begun_challenge = client.challenge.BeginChallenge(user_id=user, client_ip="127.0.0.1", user_agent="pytest")
    assert begun_challenge.decision == challenge_pb2.DECISION_CHALLENGE
    assert list(begun_challenge.methods) == [common_pb2.METHOD_TOTP, common_pb2.METHOD_RECOVERY_CODE]
    # Each 30-second step is accepted once per user and ConfirmTotp spent
    # this one: answer with the next, which the server accepts as well.
    verified = client.challenge.VerifyChallenge(
        user_id=user, challenge_id=begun_challenge.challenge_id, method="METHOD_TOTP", code=app.code(step + 1)
    )
    assert list(verified.methods_used) == [common_pb2.METHOD_TOTP]
    assert verified.recovery_codes_remaining == 8

    enrollment = client.enrollment.GetEnrollment(user_id=user)
    assert enrollment.two_factor_enabled
    assert enrollment.totp.state == common_pb2.TOTP_STATE_ENABLED


def test_recovery_code_signs_in(client: tollgate.Client) -> None:
    user = unique("bob")
    _, _, codes = enrol(client, user)
    begun = client.challenge.BeginChallenge(user_id=user)
    # Any case, with or without the dash.
    typed = codes[0].lower().replace("-", "")
    verified = client.challenge.VerifyChallenge(
        user_id=user, challenge_id=begun.challenge_id, method=common_pb2.METHOD_RECOVERY_CODE, code=typed
    )
    assert verified.recovery_codes_remaining == 7
    assert client.recovery.GetRecoveryStatus(user_id=user).remaining == 7


def test_request_message_or_keywords(client: tollgate.Client) -> None:
    user = unique("carol")
    request = enrollment_pb2.GetEnrollmentRequest(user_id=user)
    by_message = client.enrollment.GetEnrollment(request)
    by_keywords = client.enrollment.GetEnrollment(user_id=user)
    assert by_message == by_keywords
    assert by_message.totp.state == common_pb2.TOTP_STATE_NOT_CONFIGURED
    with pytest.raises(TypeError, match="not both"):
        client.enrollment.GetEnrollment(request, user_id=user)
    with pytest.raises(TypeError, match="expected a GetEnrollmentRequest"):
        client.enrollment.GetEnrollment(enrollment_pb2.BeginTotpRequest(user_id=user))
    # Enum fields take the value or its name; a name the proto lacks fails before any call.
    allowed = client.challenge.BeginChallenge(user_id=user, roles=["admin"], audience="staff", timeout=5)
    assert allowed.decision == challenge_pb2.DECISION_ALLOW
    with pytest.raises(ValueError):
        client.challenge.SendCode(user_id=user, challenge_id="x", method="METHOD_CARRIER_PIGEON")


def test_default_tenant_is_filled_in(server: Server, client: tollgate.Client) -> None:
    tenant = unique("acme")
    user = unique("dave")
    request = enrollment_pb2.BeginTotpRequest(user_id=user)
    with tollgate.connect(server.socket, tenant_id=tenant) as acme:
        enrol(acme, user)
        # The same user in the same tenant: enabled already.
        with pytest.raises(tollgate.errors.AlreadyEnabled):
            acme.enrollment.BeginTotp(request)
    # The caller's message was not changed; the tenant was filled into a copy.
    assert request.tenant_id == ""
    assert client.enrollment.GetEnrollment(tenant_id=tenant, user_id=user).two_factor_enabled
    # The default tenant holds no such user.
    assert not client.enrollment.GetEnrollment(user_id=user).two_factor_enabled


def test_stream_outbox_email_sign_in(client: tollgate.Client) -> None:
    """An application that sends its own mail: the outbox stream carries the codes."""
    tenant = unique("mailer")
    user = unique("erin")
    ids = {"tenant_id": tenant, "user_id": user}
    enrol(client, user, tenant)
    client.delivery.RegisterContact(kind="CONTACT_KIND_EMAIL", address="erin@example.com", **ids)
    client.delivery.SendConfirmation(kind="CONTACT_KIND_EMAIL", **ids)
    with client.delivery.StreamOutbox(tenant_id=tenant, timeout=60) as outbox:
        confirmation = next(outbox)
        assert confirmation.kind == delivery_pb2.MESSAGE_KIND_CONTACT_CONFIRMATION
        assert (confirmation.tenant_id, confirmation.user_id) == (tenant, user)
        assert confirmation.recipient == "erin@example.com"
        assert confirmation.code
        client.delivery.AckMessage(message_id=confirmation.message_id, tenant_id=tenant)
        client.delivery.ConfirmContact(kind="CONTACT_KIND_EMAIL", token_or_code=confirmation.code, **ids)
        client.enrollment.EnableMethod(method="METHOD_EMAIL", **ids)

        begun = client.challenge.BeginChallenge(**ids)
        assert common_pb2.METHOD_EMAIL in begun.methods
        sent = client.challenge.SendCode(challenge_id=begun.challenge_id, method="METHOD_EMAIL", **ids)
        assert sent.masked_destination.endswith("@example.com")
        sign_in_code = next(outbox)
        assert sign_in_code.kind == delivery_pb2.MESSAGE_KIND_SIGN_IN_CODE
        assert sign_in_code.code and sign_in_code.code in sign_in_code.text_body
        client.delivery.AckMessage(message_id=sign_in_code.message_id, tenant_id=tenant)
        verified = client.challenge.VerifyChallenge(
            challenge_id=begun.challenge_id, method="METHOD_EMAIL", code=sign_in_code.code, **ids
        )
        assert list(verified.methods_used) == [common_pb2.METHOD_EMAIL]
        with pytest.raises(tollgate.errors.MessageNotFound):
            client.delivery.AckMessage(message_id=sign_in_code.message_id, tenant_id=tenant)
    # Leaving the block cancelled the stream; iterating it again ends quietly.
    assert list(outbox) == []


def test_raw_grpcio_needs_the_authority_option(server: Server) -> None:
    """Why connect() sets grpc.default_authority: without it the server resets the stream."""
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    with grpc.insecure_channel(f"unix://{server.socket}") as plain:
        with pytest.raises(grpc.RpcError) as failed:
            health_pb2_grpc.HealthStub(plain).Check(health_pb2.HealthCheckRequest(), timeout=10)
    assert failed.value.code() == grpc.StatusCode.INTERNAL
    options = [("grpc.default_authority", "localhost")]
    with grpc.insecure_channel(f"unix://{server.socket}", options=options) as fixed:
        answer = health_pb2_grpc.HealthStub(fixed).Check(health_pb2.HealthCheckRequest(), timeout=10)
    assert answer.status == health_pb2.HealthCheckResponse.SERVING
