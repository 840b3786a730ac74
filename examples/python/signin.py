#!/usr/bin/env python3
"""tollgate from Python: enrol a user's authenticator app, then sign them in.

    pip install -r requirements.txt                 # once, in examples/python: the tollgate package
    python signin.py --socket /abs/path/tollgate.sock

The flow a backend goes through, with the tollgate package
(clients/python), against a running tollgate on its Unix socket:

  1. enrollment.BeginTotp      -> a pending secret (shown as a QR code)
  2. the user's authenticator app -> here: RFC 6238 computed with the stdlib
  3. enrollment.ConfirmTotp    -> TOTP enabled, 8 recovery codes
  4. challenge.BeginChallenge  -> DECISION_CHALLENGE (password accepted)
  5. VerifyChallenge, a wrong code  -> errors.CodeMismatch (attempts_left)
  6. VerifyChallenge, the code used -> errors.CodeAlreadyUsed (single use)
     in step 3 again
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

import tollgate
from tollgate import errors
from tollgate.v1.challenge_pb2 import DECISION_CHALLENGE
from tollgate.v1.common_pb2 import TOTP_STATE_ENABLED
from tollgate.v1.enrollment_pb2 import TOTP_ALGORITHM_SHA256, TOTP_ALGORITHM_SHA512

# --- The user's authenticator app, for this example only ---------------------


def totp(secret_base32: str, step: int, digits: int = 6, algorithm: int = 0) -> str:
    """RFC 6238 (HOTP of the time step, RFC 4226), as an authenticator app computes it."""
    digest = {TOTP_ALGORITHM_SHA256: hashlib.sha256, TOTP_ALGORITHM_SHA512: hashlib.sha512}.get(algorithm, hashlib.sha1)
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8), casefold=True)
    mac = hmac.new(key, struct.pack(">Q", step), digest).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


# --- The example --------------------------------------------------------------


class ExampleFailed(Exception):
    pass


def run(socket_path: str, tenant: str, user: str) -> None:
    # One client per process; tenant_id fills every request's tenant.
    with tollgate.connect(socket_path, tenant_id=tenant) as client:
        # 1. Enrolment starts: show begun.qr_png (or qr_svg) to the user.
        begun = client.enrollment.BeginTotp(user_id=user, account_name=f"{user}@example.com")
        print(f"BeginTotp: {begun.otpauth_uri.split('?')[0]}, {begun.digits} digits, every {begun.period.seconds}s")

        # 2. The user's app shows the code for the current time step.
        step = int(time.time()) // (begun.period.seconds or 30)
        code = totp(begun.secret_base32, step, begun.digits, begun.algorithm)

        # 3. The user types it in: TOTP is enabled; show the recovery codes once.
        confirmed = client.enrollment.ConfirmTotp(user_id=user, code=code)
        if confirmed.state != TOTP_STATE_ENABLED or not confirmed.recovery_codes:
            raise ExampleFailed(f"ConfirmTotp: unexpected answer {confirmed}")
        print(f"ConfirmTotp: enabled, {len(confirmed.recovery_codes)} recovery codes")

        # 4. Later, the user signs in: the password was accepted, ask tollgate.
        challenge = client.challenge.BeginChallenge(user_id=user, client_ip="127.0.0.1", user_agent="signin.py")
        if challenge.decision != DECISION_CHALLENGE:
            raise ExampleFailed(f"BeginChallenge: expected DECISION_CHALLENGE, got {challenge.decision}")
        print("BeginChallenge: DECISION_CHALLENGE")

        def verify(method: str, answer: str):
            return client.challenge.VerifyChallenge(
                user_id=user, challenge_id=challenge.challenge_id, method=method, code=answer,
                client_ip="127.0.0.1", user_agent="signin.py",
            )

        # 5. A typo: a well-formed code that matches no step the server accepts.
        near = {totp(begun.secret_base32, s, begun.digits, begun.algorithm) for s in range(step - 3, step + 4)}
        wrong = next(c for c in (str(n).zfill(begun.digits) for n in range(10**begun.digits)) if c not in near)
        try:
            verify("METHOD_TOTP", wrong)
            raise ExampleFailed("VerifyChallenge (wrong code): succeeded")
        except errors.CodeMismatch as mismatch:
            print(f"VerifyChallenge (wrong code): {mismatch}; attempts_left {mismatch.attempts_left}")

        # 6. The code that confirmed enrolment is still inside the accepted
        #    window, but ConfirmTotp spent its time step: each step is
        #    accepted once per user, so this is a replay.
        try:
            verify("METHOD_TOTP", code)
            raise ExampleFailed("VerifyChallenge (code already used): succeeded")
        except errors.CodeAlreadyUsed as replay:
            print(f"VerifyChallenge (code already used): {replay}")

        # 7. "Try another way": a recovery code (any case, dash optional).
        verified = verify("METHOD_RECOVERY_CODE", confirmed.recovery_codes[0])
        print(f"VerifyChallenge (recovery code): OK, recoveryCodesRemaining={verified.recovery_codes_remaining}")
        if verified.recovery_codes_remaining != len(confirmed.recovery_codes) - 1:
            raise ExampleFailed("VerifyChallenge: expected one recovery code fewer")


def main() -> int:
    parser = argparse.ArgumentParser(description="Enrol a user's authenticator app and sign them in.")
    parser.add_argument("--socket", required=True, help="tollgate's Unix socket")
    parser.add_argument("--tenant", default="", help='tenant id (default: "default")')
    parser.add_argument(
        "--user", default=f"python-example-{secrets.token_hex(4)}", help="user id (default: a fresh one)"
    )
    args = parser.parse_args()
    if not os.path.exists(args.socket):
        parser.error(f"no socket at {args.socket}")

    try:
        run(args.socket, args.tenant, args.user)
    except ExampleFailed as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        return 1
    except errors.TollgateError as error:
        # A reason we did not expect: str() is the reason and the server's message.
        print(f"FAIL: unexpected error {error}", file=sys.stderr)
        return 1
    print(f"signin.py: the whole flow worked for user {args.user!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
