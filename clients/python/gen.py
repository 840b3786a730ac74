#!/usr/bin/env python3
"""Generates the tollgate client's code from the repository's proto/ files.

    python gen.py            # writes src/tollgate/v1/ and src/tollgate/_services.py
    python gen.py --check    # regenerates into a temporary directory, compares,
                             # exits 1 when the committed files differ

Run it with the versions pinned in requirements-dev.txt (grpcio-tools for
protoc and the gRPC plugin, mypy-protobuf for the typed *_pb2_grpc.pyi): the
generated files are committed, and CI checks them with --check. The output
is, under src/tollgate/:

- v1/*_pb2.py, *_pb2.pyi: the messages of tollgate/v1/*.proto (protoc's
  Python and .pyi generators);
- v1/*_pb2_grpc.py: the gRPC stubs (grpcio-tools' plugin), and
  v1/*_pb2_grpc.pyi their types (mypy-protobuf's protoc-gen-mypy_grpc);
- _services.py: one class per service for the synchronous client and one
  for the asyncio client, whose methods take a request message or its fields
  as keyword arguments (typed, with the proto comments as docstrings) and
  call through tollgate._calls.

Only tollgate/v1/*.proto is compiled. The google.rpc error details (Status,
ErrorInfo, RetryInfo, BadRequest) come from the googleapis-common-protos
package: proto/google/rpc/error_details.proto is a wire-compatible subset the
server ships for reflection, and compiling it too would register a second
"google/rpc/error_details.proto" in protobuf's descriptor pool and clash with
the package's.
"""

from __future__ import annotations

import argparse
import filecmp
import keyword
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Tuple

from google.protobuf import descriptor_pb2

HERE = Path(__file__).resolve().parent
PACKAGE = "tollgate"
STALE = "stubs are stale: run clients/python/gen.py"

F = descriptor_pb2.FieldDescriptorProto
SCALARS = {
    F.TYPE_DOUBLE: "float",
    F.TYPE_FLOAT: "float",
    F.TYPE_INT64: "int",
    F.TYPE_UINT64: "int",
    F.TYPE_INT32: "int",
    F.TYPE_FIXED64: "int",
    F.TYPE_FIXED32: "int",
    F.TYPE_BOOL: "bool",
    F.TYPE_STRING: "str",
    F.TYPE_BYTES: "bytes",
    F.TYPE_UINT32: "int",
    F.TYPE_SFIXED32: "int",
    F.TYPE_SFIXED64: "int",
    F.TYPE_SINT32: "int",
    F.TYPE_SINT64: "int",
}
# Well-known types the protobuf runtime also builds from Python values.
WELL_KNOWN_PYTHON = {
    ".google.protobuf.Timestamp": "datetime.datetime",
    ".google.protobuf.Duration": "datetime.timedelta",
}
# Keyword parameters every generated method has besides the request's fields.
CALL_PARAMETERS = {"self", "request", "timeout", "metadata"}
# The client attribute each service is reached by (tollgate/_client.py).
SERVICE_ATTRIBUTES = {
    "EnrollmentService": "enrollment",
    "ChallengeService": "challenge",
    "RecoveryService": "recovery",
    "PolicyService": "policy",
    "DeliveryService": "delivery",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proto-dir", type=Path, default=HERE.parent.parent / "proto",
                        help="tollgate's proto/ directory (default: the repository's)")
    parser.add_argument("--out", type=Path, default=HERE / "src",
                        help="the directory holding the tollgate package (default: src/ beside this script)")
    parser.add_argument("--check", action="store_true",
                        help="compare freshly generated files with those under --out; write nothing")
    args = parser.parse_args()

    proto_dir = args.proto_dir.resolve()
    sources = sorted(p.relative_to(proto_dir).as_posix() for p in (proto_dir / PACKAGE / "v1").glob("*.proto"))
    if not sources:
        print(f"gen.py: no .proto files under {proto_dir / PACKAGE / 'v1'}", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="tollgate-gen-") as scratch:
        fresh = Path(scratch) / "out"
        (fresh / PACKAGE / "v1").mkdir(parents=True)
        descriptors = Path(scratch) / "descriptors.pb"
        if not run_protoc(proto_dir, sources, fresh, descriptors):
            return 1
        fds = descriptor_pb2.FileDescriptorSet.FromString(descriptors.read_bytes())
        (fresh / PACKAGE / "v1" / "__init__.py").write_text(V1_INIT)
        (fresh / PACKAGE / "_services.py").write_text(services_module(fds, sources))
        generated = generated_files(fresh)
        if args.check:
            return check(fresh, args.out.resolve(), generated)
        install(fresh, args.out.resolve(), generated)
    print(f"gen.py: generated {len(generated)} files from {', '.join(sources)} into {args.out}")
    return 0


def run_protoc(proto_dir: Path, sources: List[str], out: Path, descriptors: Path) -> bool:
    """grpc_tools.protoc with the Python, .pyi, gRPC and mypy-protobuf gRPC generators."""
    plugin = Path(sys.executable).parent / "protoc-gen-mypy_grpc"
    if not plugin.exists():
        found = shutil.which("protoc-gen-mypy_grpc")
        if found is None:
            print("gen.py: protoc-gen-mypy_grpc not found: pip install -r requirements-dev.txt", file=sys.stderr)
            return False
        plugin = Path(found)
    # `python -m grpc_tools.protoc` puts the well-known types it bundles
    # (google/protobuf/timestamp.proto, ...) on the include path itself.
    command = [
        sys.executable, "-m", "grpc_tools.protoc",
        f"-I{proto_dir}",
        f"--plugin=protoc-gen-mypy_grpc={plugin}",
        f"--python_out={out}",
        f"--pyi_out={out}",
        f"--grpc_python_out={out}",
        f"--mypy_grpc_out={out}",
        f"--descriptor_set_out={descriptors}",
        "--include_imports",
        "--include_source_info",
        *sources,
    ]
    result = subprocess.run(command, cwd=proto_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        print("gen.py: grpc_tools.protoc failed", file=sys.stderr)
        return False
    return True


def generated_files(root: Path) -> List[str]:
    """Paths (relative to root) of everything gen.py owns."""
    owned = [p.relative_to(root).as_posix() for p in sorted((root / PACKAGE / "v1").iterdir()) if p.is_file()]
    return owned + [f"{PACKAGE}/_services.py"]


def committed_files(root: Path) -> List[str]:
    v1 = root / PACKAGE / "v1"
    owned = [p.relative_to(root).as_posix() for p in sorted(v1.iterdir()) if p.is_file()] if v1.is_dir() else []
    services = root / PACKAGE / "_services.py"
    return owned + ([f"{PACKAGE}/_services.py"] if services.exists() else [])


def check(fresh: Path, out: Path, generated: List[str]) -> int:
    differing = [name for name in generated if not (out / name).exists()
                 or not filecmp.cmp(fresh / name, out / name, shallow=False)]
    extra = sorted(set(committed_files(out)) - set(generated))
    if differing or extra:
        for name in differing:
            print(f"gen.py: differs or missing: {name}", file=sys.stderr)
        for name in extra:
            print(f"gen.py: not generated any more: {name}", file=sys.stderr)
        print(STALE, file=sys.stderr)
        return 1
    print(f"gen.py: the {len(generated)} generated files are up to date")
    return 0


def install(fresh: Path, out: Path, generated: List[str]) -> None:
    v1 = out / PACKAGE / "v1"
    if v1.is_dir():
        for old in v1.iterdir():
            if old.is_file():
                old.unlink()
    v1.mkdir(parents=True, exist_ok=True)
    for name in generated:
        shutil.copyfile(fresh / name, out / name)


# --- _services.py ------------------------------------------------------------

V1_INIT = '''"""tollgate.v1: the messages and gRPC stubs generated from proto/tollgate/v1.

Generated by clients/python/gen.py: do not edit. Import the modules you need,
e.g. ``from tollgate.v1 import challenge_pb2, common_pb2``.
"""
'''

HEADER = '''"""The tollgate services as client classes, one per service, sync and asyncio.

Generated by clients/python/gen.py (do not edit) from:{sources}

Each method takes either a request message or that message's fields as
keyword arguments, plus ``timeout`` (seconds; default: the client's) and
``metadata``; it returns the response message, or for a server stream an
iterator of messages. A failure raises the tollgate.errors exception for
its reason.
"""

from __future__ import annotations

import datetime
from typing import Any, Iterable, Mapping, Optional, Union

import grpc
import grpc.aio

'''

CALLS_IMPORT = "from ._calls import AsyncResponseStream, AsyncService, CallSettings, Metadata, ResponseStream, SyncService\n"


class TypeIndex:
    """Where each message and enum of the descriptor set lives in Python."""

    def __init__(self, fds: descriptor_pb2.FileDescriptorSet) -> None:
        self.python: Dict[str, str] = {}
        self.messages: Dict[str, descriptor_pb2.DescriptorProto] = {}
        self.modules: Dict[str, str] = {}  # alias -> module
        self.used: set[str] = set()
        for file in fds.file:
            module = file.name[: -len(".proto")].replace("/", ".") + "_pb2"
            alias = module.rsplit(".", 1)[1]
            if alias in self.modules and self.modules[alias] != module:
                raise SystemExit(f"gen.py: two modules would be imported as {alias}")
            self.modules[alias] = module
            prefix = f".{file.package}" if file.package else ""
            for enum in file.enum_type:
                self.python[f"{prefix}.{enum.name}"] = f"{alias}.{enum.name}"
            self._messages(file.message_type, prefix, alias, "")

    def _messages(self, messages, prefix: str, alias: str, outer: str) -> None:
        for message in messages:
            full = f"{prefix}.{message.name}"
            path = f"{outer}{message.name}"
            self.python[full] = f"{alias}.{path}"
            self.messages[full] = message
            for enum in message.enum_type:
                self.python[f"{full}.{enum.name}"] = f"{alias}.{path}.{enum.name}"
            self._messages(message.nested_type, full, alias, f"{path}.")

    def ref(self, full_name: str) -> str:
        python = self.python[full_name]
        self.used.add(python.split(".", 1)[0])
        return python

    def field_type(self, field: descriptor_pb2.FieldDescriptorProto) -> str:
        if field.type == F.TYPE_MESSAGE:
            message = self.messages[field.type_name]
            if message.options.map_entry:
                key, value = message.field
                return f"Mapping[{self.single(key)}, {self.single(value)}]"
        single = self.single(field)
        return f"Iterable[{single}]" if field.label == F.LABEL_REPEATED else single

    def single(self, field: descriptor_pb2.FieldDescriptorProto) -> str:
        if field.type in SCALARS:
            return SCALARS[field.type]
        if field.type == F.TYPE_ENUM:
            return f"Union[{self.ref(field.type_name)}, str]"
        if field.type == F.TYPE_MESSAGE:
            choices = [self.ref(field.type_name)]
            if field.type_name in WELL_KNOWN_PYTHON:
                choices.append(WELL_KNOWN_PYTHON[field.type_name])
            choices.append("Mapping[str, Any]")
            return f"Union[{', '.join(choices)}]"
        raise SystemExit(f"gen.py: field {field.name}: unsupported type {field.type}")


def comments(file: descriptor_pb2.FileDescriptorProto) -> Dict[Tuple[int, ...], str]:
    """Leading comments by descriptor path."""
    found = {}
    for location in file.source_code_info.location:
        text = location.leading_comments.strip("\n")
        if text:
            lines = [line[1:] if line.startswith(" ") else line for line in text.split("\n")]
            found[tuple(location.path)] = "\n".join(lines).strip()
    return found


def docstring(text: str, indent: str) -> str:
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    lines = text.split("\n")
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""\n'
    body = "\n".join((indent + line) if line else "" for line in lines[1:])
    return f'{indent}"""{lines[0]}\n{body}\n{indent}"""\n'


def services_module(fds: descriptor_pb2.FileDescriptorSet, sources: List[str]) -> str:
    index = TypeIndex(fds)
    files = [f for f in fds.file if f.name in sources]
    sync_classes: List[str] = []
    async_classes: List[str] = []
    grpc_modules = []
    for file in files:
        notes = comments(file)
        alias = file.name.rsplit("/", 1)[1][: -len(".proto")] + "_pb2"
        for s, service in enumerate(file.service):
            if service.name not in SERVICE_ATTRIBUTES:
                raise SystemExit(f"gen.py: {service.name} has no client attribute: add it to SERVICE_ATTRIBUTES "
                                 "and to tollgate/_client.py")
            grpc_modules.append(alias + "_grpc")
            # A service's own comment, else the file's (before `syntax`).
            doc = notes.get((6, s)) or notes.get((12,)) or service.name
            methods_sync, methods_async = [], []
            for m, method in enumerate(service.method):
                if method.client_streaming:
                    raise SystemExit(f"gen.py: {service.name}.{method.name}: client streaming is not supported")
                request = index.messages[method.input_type]
                fields = list(request.field)
                for f in fields:
                    if f.name in CALL_PARAMETERS or keyword.iskeyword(f.name):
                        raise SystemExit(f"gen.py: {method.input_type}.{f.name} cannot be a keyword parameter")
                params = "".join(f"        {f.name}: Optional[{index.field_type(f)}] = None,\n" for f in fields)
                request_type = index.ref(method.input_type)
                response_type = index.ref(method.output_type)
                fields_argument = f"dict({', '.join(f'{f.name}={f.name}' for f in fields)})"
                if len(fields_argument) + len(request_type) > 60:
                    inner = "".join(f"                {f.name}={f.name},\n" for f in fields)
                    fields_argument = f"dict(\n{inner}            )"
                method_doc = notes.get((6, s, 2, m), method.name)
                field_notes = comments_of_fields(fds, method.input_type, index)
                if fields:
                    lines = [f"Keyword arguments: the fields of {method.input_type[1:]}."]
                    for f in fields:
                        note = field_notes.get(f.name, "")
                        lines.append(f"- {f.name}" + (f": {' '.join(note.split())}" if note else ""))
                    method_doc += "\n\n" + "\n".join(lines)
                for flavour in ("sync", "async"):
                    if method.server_streaming:
                        returns = ("ResponseStream" if flavour == "sync" else "AsyncResponseStream") + f"[{response_type}]"
                        call = "self._stream"
                        prefix = "def"
                        awaits = ""
                    else:
                        returns = response_type
                        call = "self._unary"
                        prefix = "def" if flavour == "sync" else "async def"
                        awaits = "" if flavour == "sync" else "await "
                    text = (
                        f"    {prefix} {method.name}(\n"
                        f"        self,\n"
                        f"        request: Optional[{request_type}] = None,\n"
                        f"        /,\n"
                        f"        *,\n"
                        f"{params}"
                        f"        timeout: Optional[float] = None,\n"
                        f"        metadata: Optional[Metadata] = None,\n"
                        f"    ) -> {returns}:\n"
                        f"{docstring(method_doc, '        ')}"
                        f"        built = self._request({request_type}, request, {fields_argument})\n"
                        f"        return {awaits}{call}(self._stub.{method.name}, built, timeout, metadata)\n"
                    )
                    (methods_sync if flavour == "sync" else methods_async).append(text)
            stub = f"{alias}_grpc.{service.name}Stub"
            sync_classes.append(
                f"class {service.name}(SyncService):\n"
                f"{docstring(doc, '    ')}\n"
                f"    def __init__(self, channel: grpc.Channel, settings: CallSettings) -> None:\n"
                f"        super().__init__(settings)\n"
                f"        self._stub = {stub}(channel)\n\n" + "\n".join(methods_sync)
            )
            async_classes.append(
                f"class Async{service.name}(AsyncService):\n"
                f"{docstring(doc + chr(10) + chr(10) + 'The asyncio flavour: await each method; async for over a stream.', '    ')}\n"
                f"    def __init__(self, channel: grpc.aio.Channel, settings: CallSettings) -> None:\n"
                f"        super().__init__(settings)\n"
                f"        self._stub = {stub}(channel)\n\n" + "\n".join(methods_async)
            )
    imports = []
    for alias in sorted(index.used | set(grpc_modules)):
        base = alias[: -len("_grpc")] if alias.endswith("_grpc") else alias
        module = index.modules[base] + ("_grpc" if alias.endswith("_grpc") else "")
        package, name = module.rsplit(".", 1)
        imports.append(f"from {package} import {name}")
    header = HEADER.format(sources="".join(f"\n- proto/{s}" for s in sources))
    body = "\n\n".join(sync_classes + async_classes)
    return header + "\n".join(sorted(imports)) + "\n\n" + CALLS_IMPORT + "\n\n" + body


def comments_of_fields(fds: descriptor_pb2.FileDescriptorSet, message_name: str, index: TypeIndex) -> Dict[str, str]:
    """The leading comment of each field of a top-level message, by field name."""
    for file in fds.file:
        prefix = f".{file.package}" if file.package else ""
        for m, message in enumerate(file.message_type):
            if f"{prefix}.{message.name}" == message_name:
                notes = comments(file)
                return {field.name: notes.get((4, m, 2, i), "") for i, field in enumerate(message.field)}
    return {}


if __name__ == "__main__":
    sys.exit(main())
