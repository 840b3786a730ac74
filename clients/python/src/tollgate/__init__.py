"""tollgate: the Python client of the tollgate two-factor authentication sidecar.

    import tollgate

    with tollgate.connect("/run/tollgate/tollgate.sock") as client:
        begun = client.challenge.BeginChallenge(user_id="alice")
        if begun.decision == tollgate.v1.challenge_pb2.DECISION_CHALLENGE:
            client.challenge.VerifyChallenge(
                user_id="alice", challenge_id=begun.challenge_id, method="METHOD_TOTP", code=typed
            )

:func:`connect` gives a synchronous :class:`Client`, :func:`connect_async` an
asyncio :class:`AsyncClient`; each has one attribute per service
(``enrollment``, ``challenge``, ``recovery``, ``policy``, ``delivery``,
``health``) whose methods keep the API's names. Failures raise the
exceptions of :mod:`tollgate.errors`. The generated messages and stubs are
in :mod:`tollgate.v1`.
"""

from . import errors, v1
from ._calls import AsyncResponseStream, Metadata, ResponseStream
from ._client import DEFAULT_TIMEOUT, AsyncClient, Client, connect, connect_async
from ._version import __version__
from .errors import TollgateError

__all__ = [
    "AsyncClient",
    "AsyncResponseStream",
    "Client",
    "DEFAULT_TIMEOUT",
    "Metadata",
    "ResponseStream",
    "TollgateError",
    "__version__",
    "connect",
    "connect_async",
    "errors",
    "v1",
]
