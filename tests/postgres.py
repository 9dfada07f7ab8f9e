"""Pytest plugin providing real PostgreSQL databases for the test suite.

Register it from ``tests/conftest.py`` with::

    pytest_plugins = ["tests.postgres"]

Fixtures:

* ``postgres_server_url`` (session): URL of a PostgreSQL server on which the
  connecting user may ``CREATE DATABASE``. Taken from ``TEST_DATABASE_URL`` when
  set; otherwise a throwaway cluster is initialised in a temporary directory and
  started on a random port of 127.0.0.1, then stopped and removed at session end.
* ``postgres_url`` (function): a fresh, uniquely named, empty database on that
  server; dropped after the test.
* ``db_url`` (function, parametrized ``sqlite``/``postgresql``): a SQLAlchemy URL
  for a file-backed SQLite database or for ``postgres_url``. PostgreSQL is only
  started when a ``postgresql`` case actually runs.

If no PostgreSQL server binaries can be found and ``TEST_DATABASE_URL`` is unset,
PostgreSQL tests are skipped locally but fail when the ``CI`` environment
variable is set, so that CI never silently stops testing PostgreSQL.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import URL, make_url

DRIVERNAME = "postgresql+psycopg"
SUPERUSER = "postgres"
SYSTEM_USER = "postgres"
DEBIAN_BIN_GLOB = "/usr/lib/postgresql/*/bin"
SERVER_BINARIES = ("initdb", "pg_ctl", "postgres")
START_ATTEMPTS = 3
START_TIMEOUT_SECONDS = 60

SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}


def _sqlalchemy_url(url: str) -> URL:
    """Parses a PostgreSQL URL and normalises its driver to psycopg 3.

    Args:
        url: A ``postgresql://``, ``postgres://`` or ``postgresql+driver://`` URL.

    Returns:
        The parsed URL with the ``postgresql+psycopg`` driver name.
    """
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    return make_url(url).set(drivername=DRIVERNAME)


def _conninfo(url: URL) -> str:
    """Converts a SQLAlchemy URL into a libpq URI usable by ``psycopg.connect``.

    Args:
        url: A PostgreSQL SQLAlchemy URL.

    Returns:
        A ``postgresql://`` URI with the password included.
    """
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _version_key(bin_dir: str) -> tuple[int, ...]:
    """Returns a sort key for ``/usr/lib/postgresql/<version>/bin`` directories.

    Args:
        bin_dir: A binary directory path containing a version component.

    Returns:
        The numeric parts of the version, e.g. ``(15,)`` or ``(9, 6)``.
    """
    version = Path(bin_dir).parent.name
    return tuple(int(part) for part in re.findall(r"\d+", version))


def _has_server_binaries(bin_dir: Path) -> bool:
    """Tells whether a directory holds all PostgreSQL server binaries needed.

    Args:
        bin_dir: The directory to check.

    Returns:
        True when ``initdb``, ``pg_ctl`` and ``postgres`` are executable there.
    """
    return all(os.access(bin_dir / name, os.X_OK) for name in SERVER_BINARIES)


def find_server_bin_dir() -> Path | None:
    """Locates a directory containing the PostgreSQL server binaries.

    Debian/Ubuntu version directories are searched first, newest version first,
    then the directories on ``PATH``.

    Returns:
        The binary directory, or None if no complete set of binaries was found.
    """
    candidates = [Path(d) for d in sorted(glob.glob(DEBIAN_BIN_GLOB), key=_version_key)[::-1]]
    initdb = shutil.which("initdb")
    if initdb is not None:
        candidates.append(Path(initdb).resolve().parent)
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if directory:
            candidates.append(Path(directory))
    for candidate in candidates:
        if _has_server_binaries(candidate):
            return candidate
    return None


def _free_port() -> int:
    """Asks the kernel for a currently unused TCP port on 127.0.0.1.

    Returns:
        A port number that was free at the time of the call.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _ensure_system_user() -> pwd.struct_passwd:
    """Returns the ``postgres`` system user, creating it if it does not exist.

    Returns:
        The password database entry of the ``postgres`` user.
    """
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", SYSTEM_USER], check=True)
        return pwd.getpwnam(SYSTEM_USER)


@dataclass
class ThrowawayCluster:
    """A temporary PostgreSQL cluster run from a private directory.

    Attributes:
        bin_dir: Directory holding ``initdb``, ``pg_ctl`` and ``postgres``.
        base_dir: Temporary directory holding the data dir, log and socket.
        run_as: System user to run the server as (when running as root).
        port: TCP port the server listens on, set by ``start``.
    """

    bin_dir: Path
    base_dir: Path
    run_as: str | None = None
    port: int = 0

    @property
    def data_dir(self) -> Path:
        """Path of the cluster's data directory."""
        return self.base_dir / "data"

    @property
    def log_file(self) -> Path:
        """Path of the server log file."""
        return self.base_dir / "server.log"

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the cluster's ``postgres`` maintenance database."""
        return URL.create(
            DRIVERNAME, username=SUPERUSER, host="127.0.0.1", port=self.port, database="postgres"
        ).render_as_string(hide_password=False)

    def _run(self, args: Sequence[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Runs a server binary, as the unprivileged user when needed.

        Args:
            args: Binary name (looked up in ``bin_dir``) followed by its arguments.
            check: Raise ``RuntimeError`` when the command fails.

        Returns:
            The completed process with captured output.

        Raises:
            RuntimeError: If ``check`` is true and the command exits non-zero.
        """
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.run_as is not None:
            command = ["runuser", "-u", self.run_as, "--", *command]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C"
        result = subprocess.run(
            command,
            cwd=self.base_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed with exit code {result.returncode}:\n"
                f"{result.stdout}{result.stderr}{self._log_tail()}"
            )
        return result

    def _log_tail(self, lines: int = 40) -> str:
        """Returns the end of the server log, for error messages.

        Args:
            lines: Maximum number of trailing lines to return.

        Returns:
            The last log lines prefixed with a header, or an empty string.
        """
        try:
            text = self.log_file.read_text(errors="replace")
        except OSError:
            return ""
        tail = "\n".join(text.splitlines()[-lines:])
        return f"\n--- {self.log_file} ---\n{tail}\n"

    def start(self) -> None:
        """Initialises the cluster and starts the server, waiting until it accepts connections.

        Raises:
            RuntimeError: If ``initdb`` fails or the server cannot be started.
        """
        if self.run_as is not None:
            user = _ensure_system_user()
            os.chown(self.base_dir, user.pw_uid, user.pw_gid)
        self._run(
            [
                "initdb",
                "--pgdata",
                str(self.data_dir),
                "--username",
                SUPERUSER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                "--no-sync",
            ]
        )
        settings = {**SERVER_SETTINGS, "unix_socket_directories": f"'{self.base_dir}'"}
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# Throwaway test cluster (tests/postgres.py)\n")
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

        error: RuntimeError | None = None
        for _ in range(START_ATTEMPTS):
            self.port = _free_port()
            try:
                self._pg_ctl_start()
                return
            except RuntimeError as exc:  # e.g. the port was grabbed in the meantime
                error = exc
                self.stop()
        assert error is not None
        raise error

    def _pg_ctl_start(self) -> None:
        """Start the server on ``self.port`` and wait until it accepts connections."""
        self._run(
            [
                "pg_ctl",
                "start",
                "--pgdata",
                str(self.data_dir),
                "--log",
                str(self.log_file),
                "--wait",
                "--timeout",
                str(START_TIMEOUT_SECONDS),
                "-o",
                f"-p {self.port}",
            ]
        )

    def stop(self) -> None:
        """Stops the server immediately; kills the postmaster if ``pg_ctl`` fails."""
        if not (self.data_dir / "PG_VERSION").exists():
            return
        result = self._run(
            ["pg_ctl", "stop", "--pgdata", str(self.data_dir), "--mode", "immediate", "--wait"],
            check=False,
        )
        if result.returncode == 0:
            return
        pid_file = self.data_dir / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def remove(self) -> None:
        """Deletes the cluster's temporary directory."""
        shutil.rmtree(self.base_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """Provides a PostgreSQL server on which databases may be created.

    Uses ``TEST_DATABASE_URL`` when set; otherwise starts a throwaway local
    cluster for the duration of the test session.

    Yields:
        A ``postgresql+psycopg://`` URL of the server's maintenance database.
    """
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        yield _sqlalchemy_url(external).render_as_string(hide_password=False)
        return

    bin_dir = find_server_bin_dir()
    if bin_dir is None:
        message = (
            "PostgreSQL not available: no initdb/pg_ctl/postgres found in "
            f"{DEBIAN_BIN_GLOB} or on PATH, and TEST_DATABASE_URL is not set."
        )
        if os.environ.get("CI"):
            pytest.fail(
                f"{message} CI must test PostgreSQL for real: install the PostgreSQL "
                "server package (see .ci/run) or set TEST_DATABASE_URL.",
                pytrace=False,
            )
        pytest.skip(message)

    cluster = ThrowawayCluster(
        bin_dir=bin_dir,
        base_dir=Path(tempfile.mkdtemp(prefix="motesbot-pg-")),
        run_as=SYSTEM_USER if os.geteuid() == 0 else None,
    )
    try:
        cluster.start()
        yield cluster.url
    finally:
        cluster.stop()
        cluster.remove()


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """Provides a fresh, empty PostgreSQL database for one test.

    Args:
        postgres_server_url: URL of the server to create the database on.

    Yields:
        A ``postgresql+psycopg://`` URL of the new database, dropped afterwards.
    """
    server = _sqlalchemy_url(postgres_server_url)
    name = f"motesbot_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(_conninfo(server), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_conninfo(server), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(params=["sqlite", "postgresql"], ids=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Provides a database URL, once for SQLite and once for PostgreSQL.

    The PostgreSQL server is only started when the ``postgresql`` case runs, so
    ``-k sqlite`` runs do not need PostgreSQL.

    Args:
        request: The pytest fixture request (carries the backend parameter).
        tmp_path: Per-test temporary directory for the SQLite file.

    Returns:
        A SQLAlchemy URL for the selected backend.
    """
    backend = str(request.param)
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'motesbot.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url
