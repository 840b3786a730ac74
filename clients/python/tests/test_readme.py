"""The README's sign-in and error-handling examples, run against a real server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import tollgate
from helpers import App, Server, unique

README = Path(__file__).resolve().parents[1] / "README.md"
TOP_README = Path(__file__).resolve().parents[3] / "README.md"


def python_block(section: str, containing: str, readme: Path = README) -> str:
    text = readme.read_text(encoding="utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", body, flags=re.DOTALL)
    return next(block for block in blocks if containing in block)


def enrolled(client: tollgate.Client) -> tuple[str, App, int]:
    user = unique("readme")
    app = App(client.enrollment.BeginTotp(user_id=user))
    step = app.step()
    client.enrollment.ConfirmTotp(user_id=user, code=app.code(step))
    return user, app, step


def test_sign_in_example(server: Server, client: tollgate.Client) -> None:
    user, app, step = enrolled(client)
    asked: list[list[int]] = []

    def ask_for_code(methods: list[int]) -> str:
        asked.append(list(methods))
        return app.code(step + 1)

    code = python_block("Sign a user in", "tollgate.connect(")
    code = code.replace("/run/tollgate/tollgate.sock", server.socket).replace('"alice"', repr(user))
    namespace: dict[str, Any] = {"ip": "192.0.2.1", "agent": "readme", "ask_for_code": ask_for_code}
    exec(compile(code, str(README), "exec"), namespace)
    assert asked == [[tollgate.v1.common_pb2.METHOD_TOTP, tollgate.v1.common_pb2.METHOD_RECOVERY_CODE]]
    # The challenge was completed: it cannot be answered again.
    begun = namespace["begun"]
    with pytest.raises(tollgate.errors.ChallengeNotFound):
        client.challenge.VerifyChallenge(
            user_id=user, challenge_id=begun.challenge_id, method="METHOD_TOTP", code=app.code(step + 2)
        )
    namespace["client"].close()


def test_top_level_quickstart(server: Server, client: tollgate.Client) -> None:
    """The repository README's five-line sign-in."""
    user, app, step = enrolled(client)
    code = python_block("Quickstart (60 seconds)", "tollgate.connect(", TOP_README)
    assert len(code.strip().splitlines()) == 5
    code = code.replace("/run/tollgate/tollgate.sock", server.socket).replace('"alice"', repr(user))
    namespace: dict[str, Any] = {"code": app.code(step + 1)}
    exec(compile(code, str(TOP_README), "exec"), namespace)
    # It verified: the challenge is completed and cannot be answered again.
    begun = namespace["begun"]
    assert begun.decision == tollgate.v1.challenge_pb2.DECISION_CHALLENGE
    with pytest.raises(tollgate.errors.ChallengeNotFound):
        client.challenge.VerifyChallenge(
            user_id=user, challenge_id=begun.challenge_id, method="METHOD_TOTP", code=app.code(step + 2)
        )
    namespace["tg"].close()


def test_error_handling_example(client: tollgate.Client) -> None:
    user, app, _ = enrolled(client)
    challenge_id = client.challenge.BeginChallenge(user_id=user).challenge_id
    said: list[str] = []
    code = python_block("Errors", "except errors.CodeMismatch").replace('"alice"', repr(user))
    namespace: dict[str, Any] = {
        "client": client,
        "cid": challenge_id,
        "typed": app.wrong_code(),
        "prompt_again": said.append,
        "refuse": said.append,
        "restart_sign_in": lambda: said.append("restart"),
    }
    exec(compile(code, str(README), "exec"), namespace)
    assert said == ["That code did not match; 4 tries left"]
