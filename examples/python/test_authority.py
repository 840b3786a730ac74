#!/usr/bin/env python3
"""Proves the grpc.default_authority setting is needed, and that it works.

    python test_authority.py --socket /abs/path/tollgate.sock

gRPC C-core (grpcio here; Ruby, PHP and C++ too) sends the socket path as the
HTTP/2 :authority of a `unix:` channel. tollgate's HTTP/2 stack (tonic on h2)
rejects that authority as malformed and resets the stream. Against a running
tollgate this script checks, with a health check:

  1. WITH ("grpc.default_authority", "localhost"): the call succeeds (SERVING);
  2. WITHOUT it: the call fails with INTERNAL (RST_STREAM).

Exits 0 when both hold. If the plain channel ever succeeds (a grpcio release
that stops sending the path), it exits 1 and says so: then the documentation
in examples/README.md needs updating, not this test.
"""

import argparse
import os
import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def health_check(channel: grpc.Channel) -> str:
    response = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
    return health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)


def main() -> int:
    parser = argparse.ArgumentParser(description="The :authority check for gRPC C-core clients.")
    parser.add_argument("--socket", required=True, help="tollgate's Unix socket, an absolute path")
    args = parser.parse_args()
    if not os.path.isabs(args.socket):
        parser.error("--socket must be an absolute path (unix:///abs/path.sock)")
    target = f"unix://{args.socket}"
    print(f"grpcio {grpc.__version__}")

    # 1. The documented way. Run first: it also proves the server is up, so a
    #    failure in step 2 is the authority's doing, not a missing server.
    with grpc.insecure_channel(target, options=[("grpc.default_authority", "localhost")]) as channel:
        try:
            status = health_check(channel)
        except grpc.RpcError as err:
            print(f"FAIL: with grpc.default_authority=localhost: {err.code().name}: {err.details()}", file=sys.stderr)
            return 1
    if status != "SERVING":
        print(f"FAIL: with grpc.default_authority=localhost: health status {status}", file=sys.stderr)
        return 1
    print(f"with grpc.default_authority=localhost: OK, {status}")

    # 2. A plain channel, no option.
    with grpc.insecure_channel(target) as channel:
        try:
            status = health_check(channel)
        except grpc.RpcError as err:
            print(f"without the option: {err.code().name}: {err.details()}")
            if err.code() != grpc.StatusCode.INTERNAL:
                print(f"FAIL: expected INTERNAL (RST_STREAM), got {err.code().name}", file=sys.stderr)
                return 1
        else:
            print(
                f"FAIL: without the option the call succeeded ({status}) with grpcio {grpc.__version__}: "
                "this grpcio no longer needs grpc.default_authority; update examples/README.md",
                file=sys.stderr,
            )
            return 1

    print("test_authority.py: the option is needed (INTERNAL without it) and works (SERVING with it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
