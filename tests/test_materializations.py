"""The project's own table and view materializations (dbt_project/macros/materializations/) refuse the model
settings they do not implement, naming them and the model, instead of silently ignoring them.

The refusal macro is rendered with plain Jinja and stand-ins for dbt's `config`, `exceptions` and `this` (a dbt
run for each case would cost seconds); the whole materializations run in every warehouse test."""

from __future__ import annotations

from typing import Any

import jinja2
import pytest

from erp.config import PROJECT_ROOT

MACROS = PROJECT_ROOT / "dbt_project" / "macros" / "materializations"


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


def test_both_materializations_use_the_refusal() -> None:
    for name, kind in (("table.sql", "table"), ("view.sql", "view")):
        assert f"refuse_unsupported('{kind}'," in (MACROS / name).read_text(encoding="utf-8")
