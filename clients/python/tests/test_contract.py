"""The package against the repository: README's error table, Cargo.toml's version, the services."""

from __future__ import annotations

import re
import sys
from importlib.metadata import version as installed_version
from pathlib import Path

import grpc

import tollgate
from tollgate import _services, errors

REPOSITORY = Path(__file__).resolve().parents[3]


def readme_error_rows() -> list[tuple[str, str]]:
    """(reason, gRPC code) for each row of the README's "Errors" table."""
    text = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Errors\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([A-Z_]+)` \| `([A-Z_]+)` \|", section, flags=re.MULTILINE)


def test_every_reason_in_the_readme_has_its_class() -> None:
    rows = readme_error_rows()
    assert len(rows) >= 30, "the README's Errors table was not found or changed shape"
    for reason, code in rows:
        assert reason in errors.BY_REASON, f"README reason {reason} has no class in tollgate.errors"
        cls = errors.BY_REASON[reason]
        assert cls.REASON == reason
        assert cls.GRPC_CODE == grpc.StatusCode[code], f"{cls.__name__}: README says {code}, the class {cls.GRPC_CODE}"
        assert issubclass(cls, errors.TollgateError) and issubclass(cls, grpc.RpcError)
        assert getattr(errors, cls.__name__) is cls and cls.__name__ in errors.__all__
    # Classes beyond the table: only INTERNAL (the server's catch-all, not a reason to branch on).
    assert set(errors.BY_REASON) - {reason for reason, _ in rows} == {"INTERNAL"}


def cargo_version() -> str:
    text = (REPOSITORY / "Cargo.toml").read_text(encoding="utf-8")
    if sys.version_info >= (3, 11):
        import tomllib

        version: str = tomllib.loads(text)["workspace"]["package"]["version"]
        return version
    section = text.split("[workspace.package]", 1)[1].split("\n[", 1)[0]
    match = re.search(r'^version\s*=\s*"([^"]+)"', section, flags=re.MULTILINE)
    assert match, "no version in Cargo.toml's [workspace.package]"
    return match.group(1)


def test_package_version_is_the_servers() -> None:
    assert tollgate.__version__ == cargo_version()
    assert installed_version("tollgate-client") == cargo_version()


def test_every_service_is_a_client_attribute() -> None:
    for name, value in vars(_services).items():
        if isinstance(value, type) and issubclass(value, (_services.SyncService, _services.AsyncService)):
            if value in (_services.SyncService, _services.AsyncService):
                continue
            flavour = tollgate.AsyncClient if name.startswith("Async") else tollgate.Client
            assert value in flavour.__annotations__.values() or value.__name__ in flavour.__annotations__.values(), (
                f"{name} is not an attribute of {flavour.__name__}"
            )
