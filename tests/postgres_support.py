"""A PostgreSQL server for the tests: the one CRISISKIT_PG_URL names, or a throwaway cluster.

Without ``CRISISKIT_PG_URL``, a cluster is created with ``initdb`` in a temporary directory
(listening on 127.0.0.1 only, trust authentication, a free port) and stopped when the tests
end. As root, the server runs as the ``postgres`` user (``initdb`` refuses root). When no
server can be had, the PostgreSQL tests are skipped with the reason — except under CI
(``CI=true``), where they fail instead.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _binaries() -> Path | None:
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    for directory in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(directory) / "initdb").exists():
            return Path(directory)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"PostgreSQL is required under CI: {reason}")
    pytest.skip(f"no PostgreSQL server: {reason}")


def _run(command: list[str], as_postgres: bool) -> None:
    if as_postgres:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)


def server_url() -> Iterator[str]:
    """Yield a SQLAlchemy URL of a PostgreSQL server's ``postgres`` database."""
    url = os.environ.get("CRISISKIT_PG_URL")
    if url:
        yield url
        return
    binaries = _binaries()
    if binaries is None:
        _unavailable(
            "set CRISISKIT_PG_URL, or install the server (initdb and pg_ctl were not found "
            "on PATH nor under /usr/lib/postgresql/*/bin)"
        )
        return
    as_postgres = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="crisiskit-pg-"))
    data = base / "data"
    if as_postgres:
        shutil.chown(base, "postgres")
    port = _free_port()
    try:
        _run(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            as_postgres,
        )
        options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={base} -c max_connections=200 -c fsync=off"
        _run(
            [
                str(binaries / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(base / "log"),
                "-w",
                "start",
            ],
            as_postgres,
        )
    except (subprocess.CalledProcessError, OSError) as problem:
        shutil.rmtree(base, ignore_errors=True)
        detail = getattr(problem, "stderr", "") or str(problem)
        _unavailable(f"could not start a throwaway cluster: {detail.strip()[:500]}")
        return
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        _run([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], as_postgres)
        shutil.rmtree(base, ignore_errors=True)
