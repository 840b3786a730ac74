"""The client used the way an application would, for `mypy --strict` (never run).

.ci/python-client type-checks this file against the installed package: the
calls, their keyword arguments, the responses and the exceptions must all
be typed. The `# type: ignore[...]` lines are mistakes mypy must catch
(mypy --strict fails on an ignore that is not needed, so they prove it).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import List, Optional

import grpc

import tollgate
from tollgate.v1 import challenge_pb2, common_pb2, delivery_pb2


def sign_in(client: tollgate.Client, user_id: str, typed: str) -> Optional[str]:
    """The second step of a sign-in: None when the user is in, else what to tell them."""
    begun = client.challenge.BeginChallenge(user_id=user_id, client_ip="203.0.113.7", user_agent="Firefox/140")
    if begun.decision != challenge_pb2.DECISION_CHALLENGE:
        return None
    try:
        verified: challenge_pb2.VerifyChallengeResponse = client.challenge.VerifyChallenge(
            user_id=user_id, challenge_id=begun.challenge_id, method=common_pb2.METHOD_TOTP, code=typed,
            remember_device=True,
        )
    except tollgate.errors.CodeMismatch as wrong:
        left: Optional[int] = wrong.attempts_left
        return f"Wrong code, {left} tries left"
    except tollgate.errors.LockedOut as locked:
        until: Optional[datetime] = locked.locked_until
        wait: Optional[float] = locked.retry_after
        return f"Locked until {until} ({wait} s)"
    except tollgate.errors.InvalidArgument as invalid:
        fields: List[str] = [violation.field for violation in invalid.field_violations]
        return f"Check {', '.join(fields)}"
    except tollgate.TollgateError as other:
        code: grpc.StatusCode = other.code()
        reason: Optional[str] = other.reason
        return f"{reason or code.name}: {other.details()}"
    token: str = verified.trusted_device_token
    return None if token else "no trusted device"


def request_message(client: tollgate.Client) -> int:
    request = challenge_pb2.BeginChallengeRequest(user_id="alice", roles=["admin"])
    return client.challenge.BeginChallenge(request, timeout=2.5, metadata=[("x-request-id", "42")]).grace_logins_left


def outbox(client: tollgate.Client) -> List[str]:
    codes: List[str] = []
    with client.delivery.StreamOutbox(tenant_id="*") as stream:
        for message in stream:
            kind: delivery_pb2.MessageKind = message.kind
            if kind == delivery_pb2.MESSAGE_KIND_SIGN_IN_CODE:
                codes.append(message.code)
            client.delivery.AckMessage(message_id=message.message_id, tenant_id=message.tenant_id)
            stream.cancel()
    return codes


async def async_sign_in(socket: str, user_id: str, typed: str) -> bool:
    async with tollgate.connect_async(socket, timeout=5) as client:
        begun = await client.challenge.BeginChallenge(user_id=user_id)
        try:
            await client.challenge.VerifyChallenge(
                user_id=user_id, challenge_id=begun.challenge_id, method="METHOD_TOTP", code=typed
            )
        except tollgate.errors.CodeAlreadyUsed:
            return False
        async for message in client.delivery.StreamOutbox():
            print(message.recipient)
            break
        return True


def connections(ca: str, key: str) -> None:
    with tollgate.connect("/run/tollgate/tollgate.sock", tenant_id="acme") as on_socket:
        print(on_socket.health.Check().status)
    with tollgate.connect(address="tollgate.internal:50051", ca_file=ca, api_key=key) as by_key:
        print(by_key.recovery.GetRecoveryStatus(user_id="alice").remaining)
    with tollgate.connect(address="tollgate.internal:50051", ca_file=ca, cert_file="c.pem", key_file="c.key") as mtls:
        print(mtls.policy.GetPolicy().policy)
    asyncio.run(async_sign_in("/run/tollgate/tollgate.sock", "alice", "123456"))


def mistakes(client: tollgate.Client) -> None:
    # A field of the wrong type.
    client.challenge.VerifyChallenge(user_id="alice", code=123456)  # type: ignore[arg-type]
    # A field the request does not have.
    client.challenge.BeginChallenge(user="alice")  # type: ignore[call-arg]
    # Another request's message.
    client.challenge.BeginChallenge(challenge_pb2.VerifyChallengeRequest())  # type: ignore[arg-type]
    # The response has no such field.
    print(client.recovery.GetRecoveryStatus(user_id="alice").codes)  # type: ignore[attr-defined]
    # A synchronous client's call is not awaitable.
    async def wrong() -> None:
        await client.health.Check()  # type: ignore[misc]
    print(wrong)
