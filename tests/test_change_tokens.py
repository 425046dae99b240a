"""Change tokens (erp/change_tokens.py): triggers give every store table a new token at each write, and the
warehouse build's fingerprints use them instead of hashing the table (erp/warehouse/changes.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text

from erp import change_tokens
from erp.config import load_settings
from erp.warehouse import changes


def tokens() -> dict[str, str]:
    settings = load_settings()
    assert settings.sqlite_path is not None
    found = change_tokens.read_tokens(settings.sqlite_path)
    assert found is not None
    return found[1]


def test_a_migrated_store_has_a_token_for_every_table_and_each_write_replaces_only_its_own(engine: Engine) -> None:
    before = tokens()
    assert set(before) == set(change_tokens.tracked_tables(inspect(engine).get_table_names()))
    with engine.begin() as conn:
        conn.execute(text("update uom set name = name where code = 'PCS'"))  # same value: still a write
    after_update = tokens()
    assert [t for t in before if before[t] != after_update[t]] == ["uom"]
    with engine.connect() as conn, conn.begin() as tx:
        conn.execute(text("delete from uom where code = 'PCS'"))
        tx.rollback()  # the token's update is rolled back with the row's
    assert tokens() == after_update
    with engine.begin() as conn:
        conn.execute(text("insert into cost_center (code, name, active) values ('CC-T', 'Test', 1)"))
        conn.execute(text("delete from cost_center where code = 'CC-T'"))  # back as it was, yet changed
    after_insert = tokens()
    assert [t for t in before if after_update[t] != after_insert[t]] == ["cost_center"]


def test_a_table_that_lost_a_trigger_is_hashed_until_the_next_upgrade_gives_it_a_new_token(engine: Engine) -> None:
    settings = load_settings()
    before = changes.current_fingerprints(settings, only={"uom", "location"})
    assert before is not None and all(value.startswith("token:") for value in before.values())
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TRIGGER {change_tokens.trigger_name('uom', 'update')}")
    hashed = changes.current_fingerprints(settings, only={"uom", "location"})
    assert hashed is not None and hashed["location"] == before["location"]
    assert not hashed["uom"].startswith("token:")  # a write would go unseen: its rows are hashed instead
    with engine.begin() as conn:
        assert change_tokens.ensure_change_triggers(conn) == ["uom"]
        assert change_tokens.ensure_change_triggers(conn) == []
    restored = changes.current_fingerprints(settings, only={"uom", "location"})
    assert restored is not None and restored["uom"].startswith("token:") and restored["uom"] != before["uom"]


def test_a_store_from_before_tokens_is_hashed(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE {change_tokens.TABLE}")
    settings = load_settings()
    assert settings.sqlite_path is not None
    found = change_tokens.read_tokens(settings.sqlite_path)
    assert found is not None and "uom" in found[0] and found[1] == {}
    fingerprints = changes.current_fingerprints(settings, only={"uom"})
    assert fingerprints is not None and fingerprints["uom"].split(":")[0].isdigit()  # rows:hash


def test_tokens_that_cannot_be_read_mean_the_tables_are_hashed(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    monkeypatch.setattr(changes, "read_tokens", lambda _path: None)
    fingerprints = changes.current_fingerprints(settings, only={"uom", "location"})
    assert fingerprints is not None and set(fingerprints) == {"uom", "location"}
    assert not any(value.startswith("token:") for value in fingerprints.values())
