"""Compile the MRP kernels ahead of time: ``python -m erp.planning.aot`` (see erp/planning/compiled.py for why).

Each kernel is exported with the one signature the engine calls it with, taken from numba's JIT compiling a
small plan first, so the two cannot disagree. Building takes numba's compile time plus a C compiler's (about
20 s on two cores, once per change of the sources); it does nothing when the module for the current sources
exists. It needs a C compiler (``cc``); without one the planning runs on the JIT kernels.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from erp.i18n import t
from erp.planning import compiled


def signatures() -> dict[str, object]:
    """Each kernel's signature (numba's), as the JIT compiled it while planning a small synthetic problem."""
    from erp.planning import kernels
    from erp.planning.engine import engine_plan
    from erp.planning.problem import load_problem
    from erp.planning.synthetic import synthetic_problem
    from erp.planning.tables import plan_tables

    problem = load_problem(**synthetic_problem(60, depth=3, horizon_weeks=8, seed=1))
    with compiled.using(kernels):
        plan_tables(problem, engine_plan(problem))
    found = {}
    for name in compiled.KERNELS:
        compiled_for = getattr(kernels, name).nopython_signatures
        if len(compiled_for) != 1:
            raise RuntimeError(f"kernel {name} was compiled for {len(compiled_for)} signatures, not one")
        found[name] = compiled_for[0]
    return found


def build(directory: Path | None = None, quiet: bool = True) -> Path:
    """Build the module for the current sources into ``directory`` (default: the package's ``__pycache__``)
    unless it is there; its path. Written under a temporary name and renamed, so concurrent builds are safe."""
    path = compiled.module_path(directory)
    if path.is_file():
        return path
    from erp.planning import kernels

    with warnings.catch_warnings():  # pycc is "pending deprecation" since numba 0.57; numba is pinned
        warnings.simplefilter("ignore", category=PendingDeprecationWarning)
        from numba.pycc import CC, compiler

    path.parent.mkdir(parents=True, exist_ok=True)
    found = signatures()
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".aot-") as tmp:
        cc = CC(compiled.module_name())
        cc.output_dir = tmp
        cc.verbose = not quiet
        for name, signature in found.items():
            cc.export(name, signature)(getattr(kernels, name).py_func)
        with _releasing_the_gil(compiler):
            cc.compile()
        os.replace(Path(tmp) / path.name, path)
    return path


@contextlib.contextmanager
def _releasing_the_gil(compiler: ModuleType) -> Iterator[None]:
    """Compile the exported functions' Python wrappers to let go of the interpreter while they run, as the JIT's
    ``nogil=True`` does (pycc has no option for it: its compile flags are swapped for ones that ask for it).
    The kernels touch only arrays, so the models storing a plan run them beside another's Python work."""
    plain = compiler.Flags

    class Flags(plain):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self.release_gil = True

    compiler.Flags = Flags
    try:
        yield
    finally:
        compiler.Flags = plain


def clean(directory: Path | None = None) -> None:
    """Remove modules built from other sources (each is about 1 MB)."""
    path = compiled.module_path(directory)
    for old in path.parent.glob(f"mrp_kernels_*{''.join(path.suffixes)}"):
        if old != path:
            old.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", action="store_true", help="show the compiler's commands")
    args = parser.parse_args(argv)
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        print(t("No C compiler: MRP plans with numba's JIT kernels (the same results, about 0.6 s slower to start)."))
        return
    try:
        path = build(quiet=not args.verbose)
    except Exception as error:  # a compiler without Python's headers, say: planning still works, on the JIT
        print(
            t(
                "The MRP kernels could not be compiled ahead of time ({error}); MRP plans with numba's JIT kernels.",
                error=error,
            )
        )
        return
    clean()
    print(t("MRP kernels compiled ahead of time: {path}", path=path))


if __name__ == "__main__":
    main()
