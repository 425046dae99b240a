"""Find every translatable message in the code (``t("...")`` and ``N_("...")`` calls) and check catalogs.

``python -m erp.i18n_catalog`` prints the messages missing from each catalog as JSON to paste and translate.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

from erp.config import PROJECT_ROOT
from erp.i18n import catalog

SOURCE_DIRS = ("erp", "apps", "pipelines")
MARKERS = {"t", "N_"}


def messages(root: Path = PROJECT_ROOT) -> dict[str, str]:
    """Each message found, with the first place it occurs."""
    found: dict[str, str] = {}
    for folder in SOURCE_DIRS:
        for path in sorted((root / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in MARKERS
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found.setdefault(node.args[0].value, f"{path.relative_to(root)}:{node.lineno}")
    return found


def missing(lang: str = "zh_CN") -> dict[str, str]:
    known = catalog(lang)
    return {m: where for m, where in messages().items() if m not in known}


def unused(lang: str = "zh_CN") -> list[str]:
    found = messages()
    return [m for m in catalog(lang) if m not in found]


if __name__ == "__main__":
    lang = sys.argv[1] if len(sys.argv) > 1 else "zh_CN"
    json.dump({m: "" for m in missing(lang)}, sys.stdout, ensure_ascii=False, indent=2)
    print()
