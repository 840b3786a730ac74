"""What every service method of the client does around the gRPC call.

The service classes in ``_services.py`` are generated from the proto files;
each method builds its request with :func:`CallSettings.request` (from a
request message or from keyword arguments, with the client's default tenant
filled in) and hands it to ``_unary`` or ``_stream`` here, which add the
client's deadline and API key and turn a failure into the
:mod:`tollgate.errors` exception for its reason.
"""

from __future__ import annotations

import asyncio
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Generic,
    Iterator,
    Optional,
    Sequence,
    Tuple,
    Type,
    TypeVar,
    Union,
    cast,
)

import grpc
import grpc.aio
from google.protobuf.message import Message

from .errors import from_rpc_error

if TYPE_CHECKING:
    from typing import Protocol

    _T_co = TypeVar("_T_co", covariant=True)

    class _StreamingCall(Protocol[_T_co]):
        """What grpcio returns for a server-streaming call: an iterator that can be cancelled."""

        def __next__(self) -> _T_co: ...

        def cancel(self) -> bool: ...


#: Per-call metadata: (key, value) pairs; keys ending in -bin carry bytes.
Metadata = Sequence[Tuple[str, Union[str, bytes]]]

_Request = TypeVar("_Request", bound=Message)
_Response = TypeVar("_Response")

_AUTHORIZATION = "authorization"


class CallSettings:
    """What a client adds to every call: the default deadline, tenant and metadata.

    ``metadata`` holds the ``authorization: Bearer KEY`` entry when the client
    was given an API key; it is never shown in ``repr``.
    """

    __slots__ = ("timeout", "tenant_id", "_metadata")

    def __init__(self, timeout: Optional[float], tenant_id: str, metadata: Tuple[Tuple[str, str], ...]) -> None:
        self.timeout = timeout
        self.tenant_id = tenant_id
        self._metadata = metadata

    def __repr__(self) -> str:
        keys = [key for key, _ in self._metadata]
        return f"CallSettings(timeout={self.timeout!r}, tenant_id={self.tenant_id!r}, metadata keys={keys!r})"

    def request(self, request_type: Type[_Request], request: Optional[_Request], fields: Dict[str, Any]) -> _Request:
        """The request to send: ``request`` as given, or one built from ``fields``.

        Fields left as ``None`` are not set. A request type with a
        ``tenant_id`` field gets the client's default tenant when the
        caller left it empty (on a copy: the caller's message is not changed).
        """
        given = {name: value for name, value in fields.items() if value is not None}
        if request is not None:
            if given:
                raise TypeError(
                    f"pass either a {request_type.__name__} or keyword arguments for its fields, not both"
                )
            if not isinstance(request, request_type):
                raise TypeError(f"expected a {request_type.__name__}, got {type(request).__name__}")
            message = request
        else:
            message = _build(request_type, given)
        if (
            self.tenant_id
            and "tenant_id" in message.DESCRIPTOR.fields_by_name
            and not getattr(message, "tenant_id")
        ):
            filled = request_type()
            filled.CopyFrom(message)
            setattr(filled, "tenant_id", self.tenant_id)
            message = filled
        return message

    def deadline(self, timeout: Optional[float]) -> Optional[float]:
        """A unary call's timeout: the call's own, else the client's default."""
        return self.timeout if timeout is None else timeout

    def metadata(self, metadata: Optional[Metadata]) -> Tuple[Tuple[str, Union[str, bytes]], ...]:
        """The client's metadata plus the call's; a call's own ``authorization`` wins."""
        extra = tuple((key, value) for key, value in (metadata or ()))
        if any(key.lower() == _AUTHORIZATION for key, _ in extra):
            base = tuple((k, v) for k, v in self._metadata if k != _AUTHORIZATION)
        else:
            base = self._metadata
        return base + extra


def _build(request_type: Type[_Request], fields: Dict[str, Any]) -> _Request:
    """``request_type(**fields)``, with errors that name the field but never its value.

    The value may be a code or a token; protobuf's own messages either
    show it or do not say which field was wrong.
    """
    descriptors = request_type.DESCRIPTOR.fields_by_name
    for name, value in fields.items():
        field = descriptors.get(name)
        if field is not None and field.is_repeated and isinstance(value, (str, bytes)):
            # A string is iterable: roles="admin" would become five roles.
            raise TypeError(f"{request_type.__name__}.{name} takes a list of values, not a single {type(value).__name__}")
    try:
        return request_type(**fields)
    except (TypeError, ValueError) as error:
        # The plain class: a UnicodeDecodeError, say, cannot be made from a message.
        kind: Type[Exception] = TypeError if isinstance(error, TypeError) else ValueError
    for name, value in fields.items():
        try:
            request_type(**{name: value})
        except (TypeError, ValueError):
            raise kind(
                f"{request_type.__name__}.{name}: this {type(value).__name__} value does not fit the field"
            ) from None
    raise kind(f"{request_type.__name__}: the fields given do not fit together") from None


class SyncService:
    """Base of the generated synchronous service classes."""

    def __init__(self, settings: CallSettings) -> None:
        self._settings = settings

    def _request(self, request_type: Type[_Request], request: Optional[_Request], fields: Dict[str, Any]) -> _Request:
        return self._settings.request(request_type, request, fields)

    def _unary(
        self,
        method: grpc.UnaryUnaryMultiCallable[_Request, _Response],
        request: _Request,
        timeout: Optional[float],
        metadata: Optional[Metadata],
    ) -> _Response:
        try:
            return method(
                request,
                timeout=self._settings.deadline(timeout),
                metadata=self._settings.metadata(metadata),
            )
        except grpc.RpcError as error:
            raise from_rpc_error(error) from error

    def _stream(
        self,
        method: grpc.UnaryStreamMultiCallable[_Request, _Response],
        request: _Request,
        timeout: Optional[float],
        metadata: Optional[Metadata],
    ) -> ResponseStream[_Response]:
        # No default deadline: a stream such as StreamOutbox is meant to stay open.
        call = method(request, timeout=timeout, metadata=self._settings.metadata(metadata))
        return ResponseStream(call)


class AsyncService:
    """Base of the generated ``grpc.aio`` service classes."""

    def __init__(self, settings: CallSettings) -> None:
        self._settings = settings

    def _request(self, request_type: Type[_Request], request: Optional[_Request], fields: Dict[str, Any]) -> _Request:
        return self._settings.request(request_type, request, fields)

    async def _unary(
        self,
        method: grpc.aio.UnaryUnaryMultiCallable[_Request, _Response],
        request: _Request,
        timeout: Optional[float],
        metadata: Optional[Metadata],
    ) -> _Response:
        try:
            return await method(
                request,
                timeout=self._settings.deadline(timeout),
                metadata=self._settings.metadata(metadata),
            )
        except grpc.RpcError as error:
            raise from_rpc_error(error) from error

    def _stream(
        self,
        method: grpc.aio.UnaryStreamMultiCallable[_Request, _Response],
        request: _Request,
        timeout: Optional[float],
        metadata: Optional[Metadata],
    ) -> AsyncResponseStream[_Response]:
        call = method(request, timeout=timeout, metadata=self._settings.metadata(metadata))
        return AsyncResponseStream(call)


class ResponseStream(Generic[_Response]):
    """The messages of a server-streaming call (``DeliveryService.StreamOutbox``).

    Iterate over it; a failure raises the :mod:`tollgate.errors` exception
    for its reason. :meth:`cancel` (from another thread, or after ``break``)
    ends the stream, after which iteration stops quietly; leaving a ``with``
    block cancels it too.
    """

    def __init__(self, call: _StreamingCall[_Response]) -> None:
        self._call = call
        self._cancelled = False

    def __iter__(self) -> Iterator[_Response]:
        return self

    def __next__(self) -> _Response:
        try:
            return next(self._call)
        except grpc.RpcError as error:
            if self._cancelled and error.code() == grpc.StatusCode.CANCELLED:
                raise StopIteration from None
            raise from_rpc_error(error) from error

    def cancel(self) -> None:
        """Ends the stream; the server sees the call cancelled."""
        self._cancelled = True
        self._call.cancel()

    def __enter__(self) -> ResponseStream[_Response]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.cancel()


class AsyncResponseStream(Generic[_Response]):
    """The messages of a server-streaming call on a ``grpc.aio`` channel.

    ``async for`` over it; a failure raises the :mod:`tollgate.errors`
    exception for its reason. :meth:`cancel` ends the stream, after which
    iteration stops quietly; leaving an ``async with`` block cancels it too.
    """

    def __init__(self, call: grpc.aio.UnaryStreamCall[Any, _Response]) -> None:
        self._call = call
        self._cancelled = False

    def __aiter__(self) -> AsyncResponseStream[_Response]:
        return self

    async def __anext__(self) -> _Response:
        try:
            message = await self._call.read()
        except asyncio.CancelledError:
            if self._cancelled:
                raise StopAsyncIteration from None
            raise
        except grpc.RpcError as error:
            if self._cancelled and error.code() == grpc.StatusCode.CANCELLED:
                raise StopAsyncIteration from None
            raise from_rpc_error(error) from error
        if message is grpc.aio.EOF:
            raise StopAsyncIteration
        return cast(_Response, message)

    def cancel(self) -> None:
        """Ends the stream; the server sees the call cancelled."""
        self._cancelled = True
        self._call.cancel()

    async def __aenter__(self) -> AsyncResponseStream[_Response]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.cancel()
