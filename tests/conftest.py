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


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2 hashes, with small costs: the default costs take up to a second per user on a busy machine."""
    from argon2 import PasswordHasher

    from erp import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _seed(engine: Engine) -> None:
    upgrade(engine)
    seed_reference_data(engine, "Test Manufacturing Co.", [2025, 2026])


@pytest.fixture(scope="session")
def seeded_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Migrating and seeding takes seconds; it is done once per backend and each test gets a copy."""
    return {"dir": str(tmp_path_factory.mktemp("templates"))}


def _install_seeded_store(backend: str, templates: dict[str, str], request: pytest.FixtureRequest) -> None:
    import os
    import shutil

    from erp.config import load_settings

    settings = load_settings()
    if backend == "sqlite":
        template = Path(templates["dir"]) / "seeded.sqlite"
        if not template.exists():
            build = make_engine(settings, url=f"sqlite:///{template}")
            _seed(build)
            build.dispose()  # the last connection closing checkpoints the WAL into the file
        assert settings.sqlite_path is not None
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, settings.sqlite_path)
        return
    from tests.support.postgres import clone_database, create_database

    if "postgresql" not in templates:
        url = create_database(request.getfixturevalue("postgres_server"))
        build = make_engine(settings, url=url)
        _seed(build)
        build.dispose()
        templates["postgresql"] = url
    clone_database(templates["postgresql"], os.environ["ERP_DATABASE_URL"])


@pytest.fixture
def engine(
    erp_home: Path, backend: str, seeded_templates: dict[str, str], request: pytest.FixtureRequest
) -> Iterator[Engine]:
    """A migrated store with the reference seeds and fiscal years 2025-2026, no users."""
    _install_seeded_store(backend, seeded_templates, request)
    eng = make_engine()
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
