"""Failures become tollgate.errors exceptions with the server's details as attributes."""

from __future__ import annotations

from concurrent import futures
from datetime import datetime, timedelta, timezone
from typing import Iterator

import grpc
import pytest
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2

import tollgate
from helpers import App, free_port, unique
from tollgate import errors
from tollgate.v1 import common_pb2


@pytest.fixture()
def signing_in(client: tollgate.Client) -> Iterator[tuple[str, App, str, str]]:
    """An enrolled user in the middle of a sign-in: (user, app, challenge id, code ConfirmTotp spent)."""
    user = unique("mallory")
    begun = client.enrollment.BeginTotp(user_id=user)
    app = App(begun)
    spent = app.code(app.step())
    client.enrollment.ConfirmTotp(user_id=user, code=spent)
    challenge = client.challenge.BeginChallenge(user_id=user)
    yield user, app, challenge.challenge_id, spent


def test_code_mismatch_counts_down(client: tollgate.Client, signing_in: tuple[str, App, str, str]) -> None:
    user, app, challenge_id, _ = signing_in
    wrong = app.wrong_code()
    with pytest.raises(errors.CodeMismatch) as raised:
        client.challenge.VerifyChallenge(user_id=user, challenge_id=challenge_id, method="METHOD_TOTP", code=wrong)
    mismatch = raised.value
    assert mismatch.attempts_left == 4
    assert mismatch.reason == "CODE_MISMATCH"
    assert mismatch.metadata == {"attempts_left": "4"}
    # Still a grpc.RpcError, as code written for plain grpcio expects.
    assert isinstance(mismatch, grpc.RpcError)
    assert mismatch.code() == grpc.StatusCode.INVALID_ARGUMENT == mismatch.status_code
    assert mismatch.details() == mismatch.message and mismatch.message
    assert str(mismatch) == f"CODE_MISMATCH: {mismatch.message}"
    # The code the user typed is nowhere in what may end up in a log.
    assert wrong not in str(mismatch) and wrong not in repr(mismatch)
    keys = [item.key for item in mismatch.trailing_metadata()]
    assert "grpc-status-details-bin" in keys
    assert mismatch.retry_after is None and mismatch.locked_until is None and mismatch.field_violations == []


def test_five_wrong_codes_lock_out(client: tollgate.Client, signing_in: tuple[str, App, str, str]) -> None:
    user, app, challenge_id, _ = signing_in
    attempts_left = []
    started = datetime.now(timezone.utc)
    with pytest.raises(errors.LockedOut) as raised:
        for _ in range(10):
            try:
                client.challenge.VerifyChallenge(
                    user_id=user, challenge_id=challenge_id, method="METHOD_TOTP", code=app.wrong_code()
                )
            except errors.CodeMismatch as mismatch:
                attempts_left.append(mismatch.attempts_left)
    assert attempts_left == [4, 3, 2, 1]
    locked = raised.value
    assert locked.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert locked.locked_until is not None and locked.locked_until.tzinfo is not None
    # 15 minutes for a first lockout, also as RetryInfo's delay.
    assert started + timedelta(minutes=14) < locked.locked_until < started + timedelta(minutes=16)
    assert locked.retry_after is not None and 14 * 60 < locked.retry_after <= 15 * 60
    # Locked: even the right code is refused now.
    with pytest.raises(errors.LockedOut):
        client.challenge.VerifyChallenge(
            user_id=user, challenge_id=challenge_id, method="METHOD_TOTP", code=app.code(app.step() + 1)
        )


def test_code_already_used(client: tollgate.Client, signing_in: tuple[str, App, str, str]) -> None:
    user, _, challenge_id, spent = signing_in
    with pytest.raises(errors.CodeAlreadyUsed) as raised:
        client.challenge.VerifyChallenge(user_id=user, challenge_id=challenge_id, method="METHOD_TOTP", code=spent)
    assert raised.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert spent not in str(raised.value)


def test_invalid_argument_names_the_field(client: tollgate.Client, signing_in: tuple[str, App, str, str]) -> None:
    user, _, challenge_id, _ = signing_in
    with pytest.raises(errors.InvalidArgument) as raised:
        client.challenge.VerifyChallenge(user_id=user, challenge_id=challenge_id, method="METHOD_TOTP", code="12ab")
    invalid = raised.value
    assert [v.field for v in invalid.field_violations] == ["code"]
    assert invalid.field_violations[0].description
    assert "12ab" not in str(invalid)


def test_other_reasons(client: tollgate.Client, signing_in: tuple[str, App, str, str]) -> None:
    user, app, challenge_id, _ = signing_in
    with pytest.raises(errors.AlreadyEnabled):
        client.enrollment.BeginTotp(user_id=user)
    with pytest.raises(errors.NoPendingEnrollment):
        client.enrollment.ConfirmTotp(user_id=unique("nobody"), code="123456")
    with pytest.raises(errors.MethodNotAllowed):
        client.challenge.VerifyChallenge(user_id=user, challenge_id=challenge_id, method="METHOD_EMAIL", code="123456")
    client.challenge.CancelChallenge(user_id=user, challenge_id=challenge_id)
    with pytest.raises(errors.ChallengeNotFound) as raised:
        client.challenge.VerifyChallenge(
            user_id=user, challenge_id=challenge_id, method=common_pb2.METHOD_TOTP, code=app.code(app.step() + 1)
        )
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(errors.ContactNotFound):
        client.delivery.SendConfirmation(user_id=user, kind="CONTACT_KIND_PHONE")


# --- Failures that carry no tollgate reason, or one this package does not know ---


class _NewerServer(grpc.GenericRpcHandler):
    """A gRPC server (in this process) that fails every call like a newer tollgate might."""

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler:
        def fail(request: bytes, context: grpc.ServicerContext) -> bytes:
            if handler_call_details.method.endswith("/GetEnrollment"):
                info = error_details_pb2.ErrorInfo(
                    reason="QUANTUM_FLUX", domain="tollgate", metadata={"attempts_left": "2"}
                )
                detail = any_pb2.Any()
                detail.Pack(info)
                status = status_pb2.Status(code=grpc.StatusCode.ABORTED.value[0], message="Flux", details=[detail])
                context.set_trailing_metadata((("grpc-status-details-bin", status.SerializeToString()),))
                context.abort(grpc.StatusCode.ABORTED, "Flux")
            context.abort(grpc.StatusCode.UNIMPLEMENTED, "no such method here")
            raise AssertionError("abort returned")

        return grpc.unary_unary_rpc_method_handler(fail)


def test_unknown_reason_and_no_reason() -> None:
    port = free_port()
    newer = grpc.server(futures.ThreadPoolExecutor(max_workers=2), handlers=[_NewerServer()])
    newer.add_insecure_port(f"127.0.0.1:{port}")
    newer.start()
    try:
        with tollgate.connect(address=f"127.0.0.1:{port}", tls=False) as client:
            with pytest.raises(errors.TollgateError) as raised:
                client.enrollment.GetEnrollment(user_id="u")
            unknown = raised.value
            assert type(unknown) is errors.TollgateError
            assert unknown.reason == "QUANTUM_FLUX" and unknown.attempts_left == 2
            assert unknown.code() == grpc.StatusCode.ABORTED
            assert str(unknown) == "QUANTUM_FLUX: Flux"

            with pytest.raises(errors.TollgateError) as raised:
                client.recovery.GetRecoveryStatus(user_id="u")
            assert type(raised.value) is errors.TollgateError
            assert raised.value.reason is None
            assert str(raised.value) == "UNIMPLEMENTED: no such method here"
    finally:
        newer.stop(None)


def test_unreachable_server() -> None:
    with tollgate.connect(address=f"127.0.0.1:{free_port()}", tls=False, timeout=5) as client:
        with pytest.raises(errors.TollgateError) as raised:
            client.health.Check()
    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
    assert raised.value.reason is None


def test_time_metadata_formats() -> None:
    """The RFC 3339 forms the server writes (chrono: 0, 3, 6 or 9 fractional digits)."""
    parse = errors._parse_time
    expected = datetime(2026, 12, 6, 4, 34, 58, 63982, tzinfo=timezone.utc)
    assert parse("2026-12-06T04:34:58.063982564+00:00") == expected
    assert parse("2026-12-06T04:34:58.063982Z") == expected
    assert parse("2026-12-06T05:34:58.063982+01:00") == expected
    assert parse("2026-12-06T04:34:58+00:00") == expected.replace(microsecond=0)
    assert parse("yesterday") is None and parse(None) is None
