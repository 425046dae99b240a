"""The dbt project as Dagster sees it, in a module of its own (defining it beside ``@dbt_assets`` broke manifest
preparation), with the manifest kept current before the assets are defined.

``@dbt_assets`` reads ``dbt_project/target/manifest.json`` when the code is loaded. It is re-parsed only when a
file of the dbt project changed since the last parse (a fingerprint of paths, sizes and modification times), so
loading the definitions is quick and a new model shows up without a manual `dbt parse`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from dagster_dbt import DbtProject

from erp.i18n import t
from erp.warehouse.dbt import DBT_PROJECT_DIR, OFFLINE_ENV, environment

FINGERPRINT_FILE = "erp_manifest_fingerprint"
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml")
PROJECT_DIRS = ("models", "macros", "tests", "seeds", "snapshots", "analyses")

warehouse_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=Path("target"))


def project_fingerprint(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """A hash over every file that dbt parses: it changes when a model, test, macro or config changes."""
    digest = hashlib.sha256()
    paths = [project_dir / name for name in PROJECT_FILES]
    for folder in PROJECT_DIRS:
        if (project_dir / folder).is_dir():
            paths.extend(sorted(p for p in (project_dir / folder).rglob("*") if p.is_file()))
    for path in paths:
        if path.exists():
            stat = path.stat()
            digest.update(f"{path.relative_to(project_dir)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def ensure_manifest(project: DbtProject = warehouse_project) -> Path:
    """Parse the dbt project when its files changed since the manifest was written; return the manifest path.

    dbt parses into a private target folder and the manifest is moved into place in one rename, so two
    processes loading the definitions at once never read a half-written manifest.
    """
    manifest = Path(project.manifest_path)
    stamp = manifest.parent / FINGERPRINT_FILE
    fingerprint = project_fingerprint(Path(project.project_dir))
    if manifest.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == fingerprint:
        return manifest
    from dbt.cli.main import dbtRunner

    scratch = manifest.parent / f"parse-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    args = [
        "parse",
        "--project-dir",
        str(project.project_dir),
        "--profiles-dir",
        str(project.profiles_dir),
        "--target-path",
        str(scratch),
        "--log-path",
        str(scratch),
        "--quiet",
    ]
    try:
        with environment(OFFLINE_ENV):
            result = dbtRunner().invoke(args)
        if not result.success:
            raise RuntimeError(
                t("dbt could not parse {path}: {error}", path=project.project_dir, error=result.exception)
            )
        manifest.parent.mkdir(parents=True, exist_ok=True)
        for name in ("partial_parse.msgpack", "manifest.json"):  # the manifest last: it is what readers wait for
            if (scratch / name).exists():
                os.replace(scratch / name, manifest.parent / name)
        tmp = stamp.with_name(f"{stamp.name}.{os.getpid()}")
        tmp.write_text(fingerprint, encoding="utf-8")
        os.replace(tmp, stamp)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return manifest


ensure_manifest()
