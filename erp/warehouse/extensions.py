"""DuckDB extensions laid out from their PyPI packages, because DuckDB must never download anything here.

DuckDB looks for ``<extension_directory>/<version>/<platform>/<name>.duckdb_extension``; the PyPI package
``duckdb-extension-sqlite-scanner`` ships the file, so we link (or copy) it into that layout under ERP_HOME.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import duckdb

from erp.errors import ServiceError
from erp.i18n import t

# extension name -> the Python package that ships its binary
PACKAGES = {
    "sqlite_scanner": "duckdb_extension_sqlite_scanner",
    "postgres_scanner": "duckdb_extension_postgres_scanner",
}


def duckdb_platform() -> str:
    with duckdb.connect() as conn:
        row = conn.execute("PRAGMA platform").fetchone()
    assert row is not None
    return str(row[0])


def packaged_extension(name: str) -> Path:
    """The extension binary inside its installed package, found through the package's own location."""
    package = PACKAGES[name]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ServiceError(t("The Python package {package} is not installed; reinstall the ERP.", package=package))
    version = f"v{duckdb.__version__}"
    for location in spec.submodule_search_locations:
        candidates = sorted(Path(location).rglob(f"{name}.duckdb_extension"))
        matching = [c for c in candidates if version in c.parts] or candidates
        if matching:
            return matching[0]
    raise ServiceError(t("The package {package} holds no {name} extension file.", package=package, name=name))


def prepare_extension_dir(directory: Path, names: tuple[str, ...] = ("sqlite_scanner",)) -> Path:
    """Make ``directory`` a DuckDB extension directory holding ``names``; return it. Cheap when already done."""
    target_dir = directory / f"v{duckdb.__version__}" / duckdb_platform()
    target_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        source = packaged_extension(name)
        target = target_dir / f"{name}.duckdb_extension"
        if target.is_symlink() and target.resolve() == source.resolve():
            continue
        if target.exists() and not target.is_symlink() and target.stat().st_size == source.stat().st_size:
            continue
        tmp = target.with_name(target.name + f".{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        try:
            tmp.symlink_to(source)
        except OSError:  # no symlinks on this file system: copy instead
            shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    return directory
