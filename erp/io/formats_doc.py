"""Write the master-data part of docs/import-formats.md from the entity descriptions, so the doc cannot drift.

``python -m erp.io.formats_doc`` rewrites the generated section in place; a test checks it is current.
"""

from __future__ import annotations

import re
import sys

from erp.config import PROJECT_ROOT
from erp.fields import Ref
from erp.registry import ENTITIES, import_order

DOC_PATH = PROJECT_ROOT / "docs" / "import-formats.md"
BEGIN = "<!-- BEGIN GENERATED: master data (python -m erp.io.formats_doc) -->"
END = "<!-- END GENERATED: master data -->"


def master_data_section() -> str:
    lines = [BEGIN, ""]
    for name in import_order():
        entity = ENTITIES[name].entity
        lines += [f"### `{name}.csv` ({entity.label})", ""]
        lines.append(f"Key: {', '.join(f'`{k}`' for k in entity.key)}. Permission: `{entity.permission}`.")
        lines += ["", "| column | required | type | default |", "| --- | --- | --- | --- |"]
        for f in entity.fields:
            default = "" if f.default is None else f"`{f.format(f.default)}`"
            type_doc = f.type_doc
            if isinstance(f, Ref) and f.table is not None and f.table is entity.table:
                type_doc += " (rows referring to others in the same file must come after them)"
            lines.append(f"| `{f.name}` | {'yes' if f.required else ''} | {type_doc} | {default} |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def render(current: str) -> str:
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(current):
        raise SystemExit(f"{DOC_PATH} has no generated section markers")
    return pattern.sub(lambda _: master_data_section(), current)


if __name__ == "__main__":
    text = render(DOC_PATH.read_text(encoding="utf-8"))
    DOC_PATH.write_text(text, encoding="utf-8")
    sys.stdout.write(f"updated {DOC_PATH}\n")
