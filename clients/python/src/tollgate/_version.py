"""The package's version: always the tollgate server version it was made with.

pyproject.toml reads it from here; tests/test_version.py compares it with the
root Cargo.toml's [workspace.package] version.
"""

__version__ = "0.1.0"
