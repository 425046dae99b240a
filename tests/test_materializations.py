"""The project's own materializations (dbt_project/macros/materializations/) refuse the model settings they do not
implement, naming them and the model, instead of silently ignoring them; the incremental one keeps dbt's results.

The refusal macro is rendered with plain Jinja and stand-ins for dbt's `config`, `exceptions` and `this` (a dbt
run for each case would cost seconds); the whole materializations run in every warehouse test. The incremental
materialization's cases a warehouse test does not reach (a column added to a model, a refused strategy) run dbt
on a project of one model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import jinja2
import pytest

from tests.support.one_model import MACROS, one_model_project, rows, run_model


class CompilerError(Exception):
    pass


class Exceptions:
    @staticmethod
    def raise_compiler_error(message: str) -> None:
        raise CompilerError(message)


class Config:
    def __init__(self, settings: dict[str, Any], docs: bool = False) -> None:
        self.settings, self.docs = settings, docs

    def get(self, key: str) -> Any:
        return self.settings.get(key)

    def persist_relation_docs(self) -> bool:
        return self.docs

    def persist_column_docs(self) -> bool:
        return False


def refuse(settings: dict[str, Any], docs: bool = False, asked: str = "['partitioned_by', 'sorted_by']") -> str:
    source = (MACROS / "refuse_unsupported.sql").read_text(encoding="utf-8")
    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    template = env.from_string(source + "{{ refuse_unsupported('table', " + asked + ") }}")
    return template.render(config=Config(settings, docs), exceptions=Exceptions, this='"main"."stg_ops__item"')


def test_a_model_without_unsupported_settings_passes() -> None:
    assert refuse({"materialized": "table"}).strip() == ""


def test_each_unsupported_setting_and_persisted_docs_are_named_with_the_model() -> None:
    with pytest.raises(CompilerError) as refused:
        refuse({"sorted_by": "item_id", "partitioned_by": "x"}, docs=True)
    message = str(refused.value)
    assert "table materialization" in message and '"main"."stg_ops__item"' in message
    assert "partitioned_by, sorted_by, persist_docs" in message


def test_each_materialization_uses_the_refusal() -> None:
    for name, kind in (("table.sql", "table"), ("view.sql", "view"), ("incremental.sql", "incremental")):
        assert f"refuse_unsupported('{kind}'," in (MACROS / name).read_text(encoding="utf-8")


INCREMENTAL = """{{{{ config(materialized='incremental', unique_key='id', incremental_strategy='{strategy}',
    on_schema_change='append_new_columns') }}}}
select id, amount{extra} from main.source_rows
{{% if is_incremental() %}} where id > (select max(id) - 1 from {{{{ this }}}}) {{% endif %}}
"""


def test_an_incremental_run_replaces_rows_by_key_and_appends_a_new_column(tmp_path: Path) -> None:
    """Rows read again (the look-back) replace themselves, new rows are added, and a column the model gained is
    added to the table (NULL in the rows built before); a full refresh builds the table from scratch."""
    path = one_model_project(tmp_path)
    with duckdb.connect(str(path)) as conn:
        conn.execute("create table main.source_rows as select * from (values (1, 10), (2, 20)) t(id, amount)")
    assert run_model(tmp_path, INCREMENTAL.format(strategy="delete+insert", extra="")).success
    assert rows(path) == [(1, 10), (2, 20)]
    with duckdb.connect(str(path)) as conn:
        conn.execute("update main.source_rows set amount = 21 where id = 2")
        conn.execute("insert into main.source_rows values (3, 30)")
    assert run_model(tmp_path, INCREMENTAL.format(strategy="delete+insert", extra=", amount * 2 as doubled")).success
    assert rows(path) == [(1, 10, None), (2, 21, 42), (3, 30, 60)]
    assert run_model(tmp_path, INCREMENTAL.format(strategy="delete+insert", extra=""), "--full-refresh").success
    assert rows(path) == [(1, 10), (2, 21), (3, 30)]


def test_a_strategy_it_does_not_implement_is_refused_naming_the_model(tmp_path: Path) -> None:
    path = one_model_project(tmp_path)
    with duckdb.connect(str(path)) as conn:
        conn.execute("create table main.source_rows as select 1 as id, 10 as amount")
    assert run_model(tmp_path, INCREMENTAL.format(strategy="delete+insert", extra="")).success
    result = run_model(tmp_path, INCREMENTAL.format(strategy="merge", extra=""))
    assert not result.success
    message = str(result.result.results[0].message)
    assert "incremental_strategy='delete+insert'" in message and '"main"."inc"' in message
    assert rows(path) == [(1, 10)]
