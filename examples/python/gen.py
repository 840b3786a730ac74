#!/usr/bin/env python3
"""Generates the tollgate.v1 Python stubs from the repository's proto/ files.

    python gen.py                  # proto/ two levels up, stubs into this directory
    python gen.py --proto-dir DIR  # another copy of tollgate's proto/ directory

It runs `python -m grpc_tools.protoc -I ../../proto ...` and writes
tollgate/v1/*_pb2.py, *_pb2.pyi and *_pb2_grpc.py next to this script, so
`from tollgate.v1 import challenge_pb2` works in signin.py. The generated
files are not committed (see examples/.gitignore); run this again whenever
proto/ changes.

Only tollgate/v1/*.proto is compiled. The google.rpc error details
(Status, ErrorInfo, RetryInfo, BadRequest) come from the
googleapis-common-protos package: proto/google/rpc/error_details.proto is a
wire-compatible subset that the server ships for reflection, and compiling it
too would register a second "google/rpc/error_details.proto" in protobuf's
descriptor pool and clash with the package's.
"""

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--proto-dir",
        type=Path,
        default=HERE.parent.parent / "proto",
        help="tollgate's proto/ directory (default: the repository's)",
    )
    parser.add_argument(
        "--out", type=Path, default=HERE, help="where to write the stubs (default: beside this script)"
    )
    args = parser.parse_args()

    proto_dir = args.proto_dir.resolve()
    sources = sorted(p.relative_to(proto_dir).as_posix() for p in (proto_dir / "tollgate" / "v1").glob("*.proto"))
    if not sources:
        print(f"gen.py: no .proto files under {proto_dir / 'tollgate' / 'v1'}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)

    # `python -m grpc_tools.protoc` adds the well-known types
    # (google/protobuf/timestamp.proto, ...) bundled with grpcio-tools to the
    # include path by itself; no protoc installation is needed.
    command = [
        sys.executable,
        "-m",
        "grpc_tools.protoc",
        f"-I{proto_dir}",
        f"--python_out={args.out}",
        f"--pyi_out={args.out}",
        f"--grpc_python_out={args.out}",
        *sources,
    ]
    result = subprocess.run(command, cwd=proto_dir)
    if result.returncode != 0:
        print("gen.py: grpc_tools.protoc failed", file=sys.stderr)
        return result.returncode
    print(f"gen.py: generated stubs for {', '.join(sources)} in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
