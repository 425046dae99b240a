"""A throwaway PostgreSQL cluster for the portability tests.

Uses ERP_TEST_POSTGRES_URL when set (a server database the tests may create databases in); otherwise starts
a private cluster with the machine's initdb/pg_ctl on a Unix socket in a temporary folder, as the `postgres`
system user when running as root (PostgreSQL refuses to run as root). Without either, the tests are skipped
with the reason.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa


class PostgresUnavailable(Exception):
    pass


def _find(binary: str) -> str | None:
    found = shutil.which(binary)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{binary}"), reverse=True):
        return str(candidate)
    return None


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield a server URL (without database name) for the length of the test session."""
    url = os.environ.get("ERP_TEST_POSTGRES_URL")
    if url:
        yield url.rstrip("/")
        return
    initdb, pg_ctl = _find("initdb"), _find("pg_ctl")
    if not initdb or not pg_ctl:
        raise PostgresUnavailable("no initdb/pg_ctl on this machine and ERP_TEST_POSTGRES_URL is not set")
    run_as: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="erp-pg-"))
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable("running as root and there is no postgres user") from None
        os.chown(base, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data, sock = base / "data", base
    try:
        subprocess.run(
            [*run_as, initdb, "-D", str(data), "-U", "erp", "--auth=trust", "-E", "UTF8", "--no-sync"],
            check=True,
            capture_output=True,
        )
        options = f"-k {sock} -c listen_addresses='' -c fsync=off -c full_page_writes=off -c max_connections=50"
        subprocess.run(
            [*run_as, pg_ctl, "-D", str(data), "-o", options, "-w", "-l", str(base / "log"), "start"],
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(base, ignore_errors=True)
        raise PostgresUnavailable(f"could not start PostgreSQL: {exc.stderr.decode(errors='replace')[-500:]}") from None
    try:
        yield f"postgresql://erp@/postgres?host={sock}"
    finally:
        subprocess.run([*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def create_database(server_url: str) -> str:
    """A new empty database on the server; returns its URL."""
    name = f"erp_test_{uuid.uuid4().hex[:12]}"
    driver_url = server_url.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sa.create_engine(driver_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    if "?" in server_url:
        head, query = server_url.split("?", 1)
        return f"{head.rsplit('/', 1)[0]}/{name}?{query}"
    return f"{server_url.rsplit('/', 1)[0]}/{name}"


def clone_database(template_url: str, target_url: str) -> None:
    """Replace the (empty) database of ``target_url`` by a copy of the one at ``template_url``."""
    template, target = _name(template_url), _name(target_url)
    admin_url = target_url.replace(f"/{target}", "/postgres", 1).replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{target}" TEMPLATE "{template}"')
    admin.dispose()


def _name(url: str) -> str:
    return url.split("?", 1)[0].rsplit("/", 1)[1]
