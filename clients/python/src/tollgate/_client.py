"""connect() and connect_async(): a channel to tollgate, and the client around it.

Two ways in, as the server offers them:

- its Unix socket (``socket=``): the usual set-up, a sidecar next to the
  application. gRPC C-core, which grpcio is built on, would send the socket
  *path* as the HTTP/2 ``:authority``; tollgate's HTTP/2 stack rejects that
  as malformed and resets every stream (INTERNAL, RST_STREAM). The channel
  therefore sets ``grpc.default_authority`` to ``localhost``.
- TCP (``address="host:port"``), with TLS by default: a CA to trust
  (``ca_file``; else the system's), a client certificate for mutual TLS
  (``cert_file`` and ``key_file``), and/or an API key (``api_key``), sent as
  ``authorization: Bearer KEY`` metadata with every call. grpcio refuses call
  credentials on a channel without TLS, and tollgate accepts a key on a
  plaintext loopback port, so the key travels as per-call metadata rather
  than as call credentials.
"""

from __future__ import annotations

import asyncio
import os
import re
from typing import Any, List, Optional, Sequence, Tuple, Union

import grpc
import grpc.aio

from ._calls import CallSettings
from ._health import AsyncHealthService, HealthService
from ._services import (
    AsyncChallengeService,
    AsyncDeliveryService,
    AsyncEnrollmentService,
    AsyncPolicyService,
    AsyncRecoveryService,
    ChallengeService,
    DeliveryService,
    EnrollmentService,
    PolicyService,
    RecoveryService,
)

#: A path, as a string or an os.PathLike.
StrPath = Union[str, "os.PathLike[str]"]
#: Extra grpc channel options, e.g. [("grpc.keepalive_time_ms", 30000)].
ChannelOptions = Sequence[Tuple[str, Any]]

#: The default deadline of a unary call, in seconds.
DEFAULT_TIMEOUT = 10.0

# An API key is a header value: printable ASCII, no spaces.
_API_KEY = re.compile(r"[\x21-\x7e]+")


class _Endpoint:
    """Where and how to connect, checked once for both client flavours."""

    def __init__(
        self,
        socket: Optional[StrPath],
        address: Optional[str],
        tls: bool,
        ca_file: Optional[StrPath],
        cert_file: Optional[StrPath],
        key_file: Optional[StrPath],
        server_name: Optional[str],
        api_key: Optional[str],
        timeout: Optional[float],
        tenant_id: str,
        options: ChannelOptions,
    ) -> None:
        if (socket is None) == (address is None):
            raise ValueError("give exactly one of socket= (a Unix socket path) or address= (host:port)")
        channel_options: List[Tuple[str, Any]] = []
        self.credentials: Optional[grpc.ChannelCredentials] = None
        if socket is not None:
            if tls or ca_file or cert_file or key_file or server_name:
                raise ValueError("TLS options apply to address=, not to a Unix socket (tollgate serves it without TLS)")
            self.target = "unix://" + os.path.abspath(os.fspath(socket))
            # The :authority trap, see the module docstring.
            channel_options.append(("grpc.default_authority", "localhost"))
        else:
            assert address is not None
            self.target = address
            if (cert_file is None) != (key_file is None):
                raise ValueError("mutual TLS needs both cert_file= and key_file=")
            if tls:
                self.credentials = grpc.ssl_channel_credentials(
                    root_certificates=_read(ca_file),
                    private_key=_read(key_file),
                    certificate_chain=_read(cert_file),
                )
                if server_name:
                    channel_options.append(("grpc.ssl_target_name_override", server_name))
            elif ca_file or cert_file or server_name:
                raise ValueError("ca_file=, cert_file=, key_file= and server_name= need tls=True")
        metadata: Tuple[Tuple[str, str], ...] = ()
        if api_key is not None:
            if not _API_KEY.fullmatch(api_key):
                # Never echo the key itself.
                raise ValueError("api_key must be printable ASCII without spaces (as `tollgate api-key create` prints it)")
            metadata = (("authorization", f"Bearer {api_key}"),)
        if timeout is not None and timeout <= 0:
            raise ValueError("timeout must be positive, or None for no deadline")
        self.options = channel_options + list(options)
        self.settings = CallSettings(timeout, tenant_id, metadata)


def _read(path: Optional[StrPath]) -> Optional[bytes]:
    if path is None:
        return None
    with open(path, "rb") as file:
        return file.read()


class Client:
    """A synchronous tollgate client: one channel, one attribute per service.

    Make one with :func:`connect` and share it (a channel multiplexes calls
    and is thread-safe). ``client.challenge.VerifyChallenge(...)`` and the
    rest keep the API's names; see the README for the sign-in in five lines.
    """

    #: The grpcio channel, for stubs of your own (the API key is not added to their calls).
    channel: grpc.Channel
    enrollment: EnrollmentService
    challenge: ChallengeService
    recovery: RecoveryService
    policy: PolicyService
    delivery: DeliveryService
    health: HealthService

    def __init__(self, channel: grpc.Channel, settings: CallSettings, target: str = "") -> None:
        self.channel = channel
        self.target = target
        self.enrollment = EnrollmentService(channel, settings)
        self.challenge = ChallengeService(channel, settings)
        self.recovery = RecoveryService(channel, settings)
        self.policy = PolicyService(channel, settings)
        self.delivery = DeliveryService(channel, settings)
        self.health = HealthService(channel, settings)

    def close(self) -> None:
        """Closes the channel; calls in flight are cancelled."""
        self.channel.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"tollgate.Client({self.target!r})"


class AsyncClient:
    """An asyncio tollgate client (grpc.aio): await each call, ``async for`` over a stream.

    Make one with :func:`connect_async` inside a coroutine, since a grpc.aio
    channel belongs to the event loop it was made in.
    """

    #: The grpc.aio channel, for stubs of your own (the API key is not added to their calls).
    channel: grpc.aio.Channel
    enrollment: AsyncEnrollmentService
    challenge: AsyncChallengeService
    recovery: AsyncRecoveryService
    policy: AsyncPolicyService
    delivery: AsyncDeliveryService
    health: AsyncHealthService

    def __init__(self, channel: grpc.aio.Channel, settings: CallSettings, target: str = "") -> None:
        self.channel = channel
        self.target = target
        self.enrollment = AsyncEnrollmentService(channel, settings)
        self.challenge = AsyncChallengeService(channel, settings)
        self.recovery = AsyncRecoveryService(channel, settings)
        self.policy = AsyncPolicyService(channel, settings)
        self.delivery = AsyncDeliveryService(channel, settings)
        self.health = AsyncHealthService(channel, settings)

    async def close(self) -> None:
        """Closes the channel; calls in flight are cancelled."""
        await self.channel.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"tollgate.AsyncClient({self.target!r})"


def connect(
    socket: Optional[StrPath] = None,
    *,
    address: Optional[str] = None,
    tls: Optional[bool] = None,
    ca_file: Optional[StrPath] = None,
    cert_file: Optional[StrPath] = None,
    key_file: Optional[StrPath] = None,
    server_name: Optional[str] = None,
    api_key: Optional[str] = None,
    timeout: Optional[float] = DEFAULT_TIMEOUT,
    tenant_id: str = "",
    options: ChannelOptions = (),
) -> Client:
    """A :class:`Client` for tollgate on a Unix socket or a TCP address.

    ``socket``
        the server's Unix socket (``--socket``), e.g. ``/run/tollgate/tollgate.sock``.
    ``address``
        ``host:port`` of its TCP listener (``--listen``), instead of a socket.
    ``tls``
        TLS on the TCP connection (default: on for ``address``).
    ``ca_file``
        PEM certificates to trust for the server (default: the system's).
    ``cert_file``, ``key_file``
        a PEM client certificate and key, for mutual TLS.
    ``server_name``
        the name to check the server's certificate for, when ``address`` does not carry it.
    ``api_key``
        a key from ``tollgate api-key create``, sent with every call.
    ``timeout``
        each unary call's deadline in seconds unless the call passes its own
        (``None``: no deadline). Streams have none unless given one.
    ``tenant_id``
        filled into every request with a ``tenant_id`` field that the call leaves empty.
    ``options``
        further grpc channel options.

    Nothing is connected until the first call.
    """
    endpoint = _Endpoint(
        socket, address, address is not None if tls is None else tls, ca_file, cert_file, key_file,
        server_name, api_key, timeout, tenant_id, options,
    )
    if endpoint.credentials is None:
        channel = grpc.insecure_channel(endpoint.target, options=endpoint.options)
    else:
        channel = grpc.secure_channel(endpoint.target, endpoint.credentials, options=endpoint.options)
    return Client(channel, endpoint.settings, endpoint.target)


def connect_async(
    socket: Optional[StrPath] = None,
    *,
    address: Optional[str] = None,
    tls: Optional[bool] = None,
    ca_file: Optional[StrPath] = None,
    cert_file: Optional[StrPath] = None,
    key_file: Optional[StrPath] = None,
    server_name: Optional[str] = None,
    api_key: Optional[str] = None,
    timeout: Optional[float] = DEFAULT_TIMEOUT,
    tenant_id: str = "",
    options: ChannelOptions = (),
) -> AsyncClient:
    """An :class:`AsyncClient` (grpc.aio); the arguments are :func:`connect`'s.

    Call it inside a coroutine: the channel belongs to the running event loop.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        raise RuntimeError("connect_async() must be called inside a coroutine (the channel binds to its event loop)") from None
    endpoint = _Endpoint(
        socket, address, address is not None if tls is None else tls, ca_file, cert_file, key_file,
        server_name, api_key, timeout, tenant_id, options,
    )
    if endpoint.credentials is None:
        channel = grpc.aio.insecure_channel(endpoint.target, options=endpoint.options)
    else:
        channel = grpc.aio.secure_channel(endpoint.target, endpoint.credentials, options=endpoint.options)
    return AsyncClient(channel, endpoint.settings, endpoint.target)
