"""Read the lock files in ``requirements/`` and compare an environment with one.

``nox -s lock`` writes each lock with ``uv pip compile --universal
--generate-hashes``: one ``name==version`` line per package, with an
environment marker where a package is needed only on some Pythons. Every
nox session installs its lock with hash checking, then removes what an
older lock left in a reused environment; ``tests/test_repository.py``
checks that the test environment holds exactly its lock.
"""

from __future__ import annotations

import re
from pathlib import Path

from packaging.markers import Marker, default_environment
from packaging.utils import canonicalize_name

PIN = re.compile(
    r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$"
)
# Installers' own tools, present in every virtual environment.
TOOLS = frozenset({"pip", "setuptools", "wheel"})


def locked_versions(
    text: str, environment: dict[str, str] | None = None
) -> dict[str, str]:
    """Package name -> version of every pin that applies to ``environment``
    (this interpreter's by default)."""
    env = environment or default_environment()
    pins = {}
    for line in text.splitlines():
        match = PIN.match(line.strip())
        if not match:
            continue
        name, version, marker = match.groups()
        if marker and not Marker(marker).evaluate(env):
            continue
        pins[canonicalize_name(name)] = version
    return pins


def read_lock(path: Path, environment: dict[str, str] | None = None) -> dict[str, str]:
    return locked_versions(path.read_text(encoding="utf-8"), environment)


def compare(
    installed: dict[str, str], locked: dict[str, str]
) -> tuple[list[str], list[str], list[str]]:
    """(missing, different, extra) package names, installed against locked."""
    have = {canonicalize_name(k): v for k, v in installed.items()}
    have = {k: v for k, v in have.items() if k not in TOOLS}
    locked = {k: v for k, v in locked.items() if k not in TOOLS}
    missing = sorted(set(locked) - set(have))
    different = sorted(
        f"{name} {have[name]} (locked {locked[name]})"
        for name in set(locked) & set(have)
        if have[name] != locked[name]
    )
    extra = sorted(set(have) - set(locked))
    return missing, different, extra
