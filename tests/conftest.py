"""Shared fixtures: a fresh, seeded store per test in a temporary ERP_HOME."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from erp.config import PROJECT_ROOT
from erp.db import make_engine
from erp.services.base import SYSTEM, Actor, Session
from erp.services.users import actor_for, create_user
from erp.store import seed_reference_data, upgrade

SAMPLE_DIR = PROJECT_ROOT / "seeds" / "sample"
PASSWORD = "correct-horse-1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "portable: run the test on SQLite and on PostgreSQL")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked ``portable`` run once per backend of the operational store."""
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("portable"):
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    from tests.support.postgres import PostgresUnavailable, postgres_server

    try:
        with postgres_server() as url:
            yield url
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL not available: {exc}")


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture
def erp_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str, request: pytest.FixtureRequest) -> Path:
    """A temporary ERP_HOME; on the postgresql backend ERP_DATABASE_URL names a fresh database."""
    home = tmp_path / "home"
    monkeypatch.setenv("ERP_HOME", str(home))
    monkeypatch.delenv("ERP_DATABASE_URL", raising=False)
    monkeypatch.setenv("ERP_LANG", "en")
    if backend == "postgresql":
        from tests.support.postgres import create_database

        monkeypatch.setenv("ERP_DATABASE_URL", create_database(request.getfixturevalue("postgres_server")))
    return home


@pytest.fixture
def engine(erp_home: Path) -> Iterator[Engine]:
    """A migrated store with the reference seeds and fiscal years 2025-2026, no users."""
    eng = make_engine()
    upgrade(eng)
    seed_reference_data(eng, "Test Manufacturing Co.", [2025, 2026])
    yield eng
    eng.dispose()


@pytest.fixture
def system(engine: Engine) -> Session:
    return Session(engine, SYSTEM)


@pytest.fixture
def make_user(engine: Engine, system: Session) -> Callable[..., Session]:
    """Create a user with the given roles and return a session acting as that user."""

    def make(username: str, *roles: str) -> Session:
        create_user(system, username, PASSWORD, list(roles))
        with engine.connect() as conn:
            from erp import schema as s
            from erp.services.base import fetch_one

            user = fetch_one(conn, s.app_user, username=username)
            assert user is not None
            actor: Actor = actor_for(conn, user)
        return Session(engine, actor)

    return make


@pytest.fixture
def admin(make_user: Callable[..., Session]) -> Session:
    return make_user("admin", "admin")


@pytest.fixture
def sample(admin: Session) -> Session:
    """The store loaded with the small sample company (seeds/sample)."""
    from erp.io.transfer import import_dir

    import_dir(admin, SAMPLE_DIR)
    return admin
