"""The MRP kernels compiled ahead of time plan exactly as numba's JIT does, and are used only for their sources.

The other MRP tests plan with whichever set this process picks (the ahead-of-time module once `make` built it);
here both sets plan the same problems.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from erp.planning import aot, compiled
from erp.planning.engine import engine_plan
from erp.planning.problem import load_problem
from erp.planning.tables import plan_tables
from tests.test_mrp import random_problem


@pytest.fixture(scope="module")
def ahead_of_time(tmp_path_factory: pytest.TempPathFactory):
    """The module for the current sources: the one make built, else one built here (about 20 s)."""
    path = compiled.module_path()
    if not path.is_file():
        if shutil.which("cc") is None and shutil.which("gcc") is None:
            pytest.skip("no C compiler here: the MRP plans with the JIT kernels, which the other MRP tests cover")
        path = aot.build(tmp_path_factory.mktemp("aot"))
    module = compiled.load(path)
    assert "numba" not in module.__dict__
    return module


@pytest.mark.parametrize("seed", [3, 7])
def test_ahead_of_time_kernels_plan_as_the_jit_does(ahead_of_time, seed: int) -> None:
    problem = load_problem(**random_problem(seed))
    plans, tables = {}, {}
    for name, kernels in (("aot", ahead_of_time), ("jit", compiled.jit())):
        with compiled.using(kernels):
            plans[name] = engine_plan(problem)
            tables[name] = plan_tables(problem, plans[name])
    for field in ("independent", "dependent", "scheduled", "receipts", "releases", "order_qty"):
        np.testing.assert_array_equal(getattr(plans["aot"], field), getattr(plans["jit"], field), err_msg=field)
    assert len(plans["aot"].order_qty) > 0
    for name, table in tables["aot"].items():
        assert table.equals(tables["jit"][name]), name


def test_the_module_for_other_sources_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Changing a source the kernels are compiled from (code or constants) changes the module's name, so a
    module built before the change is never loaded: the JIT runs until make builds the new one."""
    for name in compiled.SOURCES:
        shutil.copy(compiled.PACKAGE_DIR / name, tmp_path / name)
    monkeypatch.setattr(compiled, "PACKAGE_DIR", tmp_path)
    before = compiled.module_path()
    assert before.parent == tmp_path / "__pycache__" and before.name.startswith("mrp_kernels_")
    with (tmp_path / "problem.py").open("a", encoding="utf-8") as source:
        source.write("\nFOQ = 99\n")
    assert compiled.module_path() != before

    compiled._default.cache_clear()  # decide again, from the changed sources
    try:
        assert compiled.kernels() is compiled.jit()  # nothing built for the changed sources
    finally:
        compiled._default.cache_clear()  # the next plan decides from the real sources again


def test_planning_with_the_ahead_of_time_module_does_not_import_numba(ahead_of_time) -> None:
    """What the module is for: a process that plans with it never pays for importing numba."""
    script = """
import sys
from pathlib import Path
from erp.planning import compiled
from erp.planning.engine import engine_plan
from erp.planning.problem import load_problem
from erp.planning.synthetic import synthetic_problem
from erp.planning.tables import plan_tables

problem = load_problem(**synthetic_problem(40, depth=3, horizon_weeks=6, seed=2))
with compiled.using(compiled.load(Path(sys.argv[1]))):
    plan_tables(problem, engine_plan(problem))
print("numba" in sys.modules)
"""
    done = subprocess.run(
        [sys.executable, "-c", script, ahead_of_time.__file__],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[1],
    )
    assert done.stdout.strip() == "False"


def test_make_carries_on_when_the_kernels_cannot_be_compiled(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make` runs `python -m erp.planning.aot` on every install: without a C compiler, or when compiling fails,
    it says so and why, and planning stays on the JIT kernels (make goes on)."""
    built: list[object] = []
    monkeypatch.setattr(aot, "build", lambda **_: built.append(1))
    monkeypatch.setattr(aot.shutil, "which", lambda _name: None)
    aot.main([])
    assert "No C compiler" in capsys.readouterr().out and not built

    def fails(**_: object) -> None:
        raise RuntimeError("Python.h: No such file or directory")

    monkeypatch.setattr(aot.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(aot, "build", fails)
    aot.main([])
    out = capsys.readouterr().out
    assert "could not be compiled ahead of time (Python.h: No such file or directory)" in out
