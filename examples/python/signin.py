#!/usr/bin/env python3
"""tollgate from Python: enrol a user's authenticator app, then sign them in.

    python gen.py                                   # once: the stubs
    python signin.py --socket /abs/path/tollgate.sock

The flow a backend goes through, against a running tollgate on its Unix
socket:

  1. EnrollmentService.BeginTotp     -> a pending secret (shown as a QR code)
  2. the user's authenticator app    -> here: RFC 6238 computed with the stdlib
  3. EnrollmentService.ConfirmTotp   -> TOTP enabled, 8 recovery codes
  4. ChallengeService.BeginChallenge -> DECISION_CHALLENGE (password accepted)
  5. VerifyChallenge, a wrong code   -> INVALID_ARGUMENT, reason CODE_MISMATCH
  6. VerifyChallenge, the code used  -> FAILED_PRECONDITION, reason
     in step 3 again                    CODE_ALREADY_USED (single use)
  7. VerifyChallenge, a recovery code -> success, 7 recovery codes remaining

Exits 0 when every step answered as expected, 1 otherwise.
"""

import argparse
import base64
import hashlib
import hmac
import os
import secrets
import struct
import sys
import time

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from tollgate.v1 import challenge_pb2, challenge_pb2_grpc, common_pb2
from tollgate.v1 import enrollment_pb2, enrollment_pb2_grpc


# --- Copy these into your backend --------------------------------------------


def tollgate_channel(socket_path: str) -> grpc.Channel:
    """A channel to tollgate's Unix socket (an absolute path)."""
    # grpc.default_authority: gRPC C-core (grpcio, and the Ruby, PHP and C++
    # libraries) sends the socket *path* as the HTTP/2 :authority header of a
    # unix: channel. tollgate's HTTP/2 stack (tonic on h2) rejects such an
    # authority as malformed and resets every stream, which reaches you as
    # INTERNAL "Received RST_STREAM with error code 1". Any valid host name
    # works; "localhost" says what it is. test_authority.py proves both halves.
    return grpc.insecure_channel(
        f"unix://{socket_path}",
        options=[("grpc.default_authority", "localhost")],
    )


def error_info(err: grpc.RpcError):
    """The google.rpc.ErrorInfo tollgate attached to a failed call, or None.

    tollgate sends a google.rpc.Status in the `grpc-status-details-bin`
    trailer; its details hold an ErrorInfo (domain "tollgate", a stable
    reason, metadata such as attempts_left) and, for some errors, a
    BadRequest or RetryInfo.
    """
    status = rpc_status.from_call(err)  # parses grpc-status-details-bin; None if absent
    if status is None:
        return None
    for detail in status.details:  # google.protobuf.Any
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info
    return None


def error_reason(err: grpc.RpcError):
    """The stable reason of a tollgate error ("CODE_MISMATCH", ...), or None.

    Branch on this, never on the message text.
    """
    info = error_info(err)
    return info.reason if info is not None else None


# --- The user's authenticator app, for this example only ---------------------

_DIGESTS = {
    enrollment_pb2.TOTP_ALGORITHM_SHA1: hashlib.sha1,
    enrollment_pb2.TOTP_ALGORITHM_SHA256: hashlib.sha256,
    enrollment_pb2.TOTP_ALGORITHM_SHA512: hashlib.sha512,
}


def totp(secret_base32: str, step: int, digits: int = 6, algorithm=enrollment_pb2.TOTP_ALGORITHM_SHA1) -> str:
    """RFC 6238 (HOTP of the time step, RFC 4226), as an authenticator app computes it."""
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8), casefold=True)
    mac = hmac.new(key, struct.pack(">Q", step), _DIGESTS[algorithm]).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


# --- The example --------------------------------------------------------------


class ExampleFailed(Exception):
    pass


def expect_failure(what: str, call, expected_reason: str) -> grpc.RpcError:
    """Runs `call`, which must fail with `expected_reason`; returns the error."""
    try:
        call()
    except grpc.RpcError as err:
        reason = error_reason(err)
        print(f"{what}: {err.code().name} {reason} ({err.details()})")
        if reason != expected_reason:
            raise ExampleFailed(f"{what}: expected reason {expected_reason}, got {reason}") from err
        return err
    raise ExampleFailed(f"{what}: succeeded, expected {expected_reason}")


def run(socket_path: str, tenant: str, user: str) -> None:
    with tollgate_channel(socket_path) as channel:
        enrollment = enrollment_pb2_grpc.EnrollmentServiceStub(channel)
        challenges = challenge_pb2_grpc.ChallengeServiceStub(channel)
        ids = {"tenant_id": tenant, "user_id": user}

        # 1. Enrolment starts: show begun.qr_png (or qr_svg) to the user.
        begun = enrollment.BeginTotp(
            enrollment_pb2.BeginTotpRequest(account_name=f"{user}@example.com", **ids), timeout=10
        )
        print(f"BeginTotp: {begun.otpauth_uri.split('?')[0]}, {begun.digits} digits, every {begun.period.seconds}s")

        # 2. The user's app shows the code for the current time step.
        period = begun.period.seconds or 30
        step = int(time.time()) // period
        code = totp(begun.secret_base32, step, begun.digits, begun.algorithm)

        # 3. The user types it in: TOTP is enabled; show the recovery codes once.
        confirmed = enrollment.ConfirmTotp(enrollment_pb2.ConfirmTotpRequest(code=code, **ids), timeout=10)
        if confirmed.state != common_pb2.TOTP_STATE_ENABLED or not confirmed.recovery_codes:
            raise ExampleFailed(f"ConfirmTotp: unexpected answer {confirmed}")
        print(
            f"ConfirmTotp: {common_pb2.TotpState.Name(confirmed.state)}, "
            f"{len(confirmed.recovery_codes)} recovery codes"
        )

        # 4. Later, the user signs in: the password was accepted, ask tollgate.
        begun_challenge = challenges.BeginChallenge(
            challenge_pb2.BeginChallengeRequest(client_ip="127.0.0.1", user_agent="signin.py", **ids), timeout=10
        )
        decision = challenge_pb2.Decision.Name(begun_challenge.decision)
        print(f"BeginChallenge: {decision}")
        if begun_challenge.decision != challenge_pb2.DECISION_CHALLENGE:
            raise ExampleFailed(f"BeginChallenge: expected DECISION_CHALLENGE, got {decision}")

        def verify(method, answer):
            return lambda: challenges.VerifyChallenge(
                challenge_pb2.VerifyChallengeRequest(
                    challenge_id=begun_challenge.challenge_id,
                    method=method,
                    code=answer,
                    client_ip="127.0.0.1",
                    user_agent="signin.py",
                    **ids,
                ),
                timeout=10,
            )

        # 5. A typo: a well-formed code that matches no step the server accepts.
        near = {totp(begun.secret_base32, s, begun.digits, begun.algorithm) for s in range(step - 3, step + 4)}
        wrong = next(c for c in (str(n).zfill(begun.digits) for n in range(10**begun.digits)) if c not in near)
        err = expect_failure("VerifyChallenge (wrong code)", verify(common_pb2.METHOD_TOTP, wrong), "CODE_MISMATCH")
        print(f"  attempts_left: {error_info(err).metadata.get('attempts_left')}")

        # 6. The code that confirmed enrolment is still inside the accepted
        #    window, but its time step was spent by ConfirmTotp: each step
        #    is accepted once per user, so this is a replay.
        expect_failure(
            "VerifyChallenge (code already used)", verify(common_pb2.METHOD_TOTP, code), "CODE_ALREADY_USED"
        )

        # 7. "Try another way": a recovery code (any case, dash optional).
        verified = verify(common_pb2.METHOD_RECOVERY_CODE, confirmed.recovery_codes[0])()
        methods = [common_pb2.Method.Name(m) for m in verified.methods_used]
        print(f"VerifyChallenge (recovery code): OK, methods {methods}, "
              f"recoveryCodesRemaining={verified.recovery_codes_remaining}")
        if verified.recovery_codes_remaining != len(confirmed.recovery_codes) - 1:
            raise ExampleFailed("VerifyChallenge: expected one recovery code fewer")


def main() -> int:
    parser = argparse.ArgumentParser(description="Enrol a user's authenticator app and sign them in.")
    parser.add_argument("--socket", required=True, help="tollgate's Unix socket, an absolute path")
    parser.add_argument("--tenant", default="", help='tenant id (default: "default")')
    parser.add_argument(
        "--user", default=f"python-example-{secrets.token_hex(4)}", help="user id (default: a fresh one)"
    )
    args = parser.parse_args()
    if not os.path.isabs(args.socket):
        parser.error("--socket must be an absolute path (unix:///abs/path.sock)")

    try:
        run(args.socket, args.tenant, args.user)
    except ExampleFailed as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        return 1
    except grpc.RpcError as err:
        print(f"FAIL: unexpected gRPC error {err.code().name}: {err.details()} (reason {error_reason(err)})",
              file=sys.stderr)
        return 1
    print(f"signin.py: the whole flow worked for user {args.user!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
