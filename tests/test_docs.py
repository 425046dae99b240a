"""Documentation that must stay true: the README's first commands and the generated import formats."""

from __future__ import annotations

from erp.config import PROJECT_ROOT
from erp.io.formats_doc import DOC_PATH, render


def test_import_formats_doc_is_current() -> None:
    current = DOC_PATH.read_text(encoding="utf-8")
    assert render(current) == current, "run `python -m erp.io.formats_doc` and commit docs/import-formats.md"


def test_readme_starts_with_the_two_commands() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[:1500]
    assert "make run" in head and "make test" in head
    assert "make test" in (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
