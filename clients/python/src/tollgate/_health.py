"""The standard gRPC health service (grpc.health.v1.Health) as a client attribute.

tollgate answers SERVING while its database answers and NOT_SERVING while
it does not. The messages come from grpcio-health-checking; the calls are
made here so they share the client's deadline, metadata and error mapping.
"""

from __future__ import annotations

from typing import Optional

import grpc
import grpc.aio
from grpc_health.v1 import health_pb2

from ._calls import AsyncResponseStream, AsyncService, CallSettings, Metadata, ResponseStream, SyncService

_CHECK = "/grpc.health.v1.Health/Check"
_WATCH = "/grpc.health.v1.Health/Watch"


class HealthService(SyncService):
    """grpc.health.v1.Health: is the server serving?"""

    def __init__(self, channel: grpc.Channel, settings: CallSettings) -> None:
        super().__init__(settings)
        self._check = channel.unary_unary(
            _CHECK,
            request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=health_pb2.HealthCheckResponse.FromString,
        )
        self._watch = channel.unary_stream(
            _WATCH,
            request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=health_pb2.HealthCheckResponse.FromString,
        )

    def Check(
        self,
        request: Optional[health_pb2.HealthCheckRequest] = None,
        /,
        *,
        service: Optional[str] = None,
        timeout: Optional[float] = None,
        metadata: Optional[Metadata] = None,
    ) -> health_pb2.HealthCheckResponse:
        """The serving status of the server (``service`` empty) or of one service.

        ``response.status == health_pb2.HealthCheckResponse.SERVING`` when all is well.
        """
        built = self._request(health_pb2.HealthCheckRequest, request, dict(service=service))
        return self._unary(self._check, built, timeout, metadata)

    def Watch(
        self,
        request: Optional[health_pb2.HealthCheckRequest] = None,
        /,
        *,
        service: Optional[str] = None,
        timeout: Optional[float] = None,
        metadata: Optional[Metadata] = None,
    ) -> ResponseStream[health_pb2.HealthCheckResponse]:
        """The serving status now, then each change of it, until cancelled."""
        built = self._request(health_pb2.HealthCheckRequest, request, dict(service=service))
        return self._stream(self._watch, built, timeout, metadata)


class AsyncHealthService(AsyncService):
    """grpc.health.v1.Health on a grpc.aio channel: is the server serving?"""

    def __init__(self, channel: grpc.aio.Channel, settings: CallSettings) -> None:
        super().__init__(settings)
        self._check = channel.unary_unary(
            _CHECK,
            request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=health_pb2.HealthCheckResponse.FromString,
        )
        self._watch = channel.unary_stream(
            _WATCH,
            request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=health_pb2.HealthCheckResponse.FromString,
        )

    async def Check(
        self,
        request: Optional[health_pb2.HealthCheckRequest] = None,
        /,
        *,
        service: Optional[str] = None,
        timeout: Optional[float] = None,
        metadata: Optional[Metadata] = None,
    ) -> health_pb2.HealthCheckResponse:
        """The serving status of the server (``service`` empty) or of one service."""
        built = self._request(health_pb2.HealthCheckRequest, request, dict(service=service))
        return await self._unary(self._check, built, timeout, metadata)

    def Watch(
        self,
        request: Optional[health_pb2.HealthCheckRequest] = None,
        /,
        *,
        service: Optional[str] = None,
        timeout: Optional[float] = None,
        metadata: Optional[Metadata] = None,
    ) -> AsyncResponseStream[health_pb2.HealthCheckResponse]:
        """The serving status now, then each change of it, until cancelled."""
        built = self._request(health_pb2.HealthCheckRequest, request, dict(service=service))
        return self._stream(self._watch, built, timeout, metadata)
