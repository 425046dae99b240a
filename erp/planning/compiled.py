"""Which compiled MRP kernels run: the ahead-of-time module built from the current sources, else numba's JIT.

numba compiles `erp.planning.kernels` at first use and keeps the machine code on disk, but every new process
still imports numba and sets it up before its first plan: about 0.6 s, as long as planning 100,000 items takes.
`python -m erp.planning.aot` (run by `make install`, `make build` and `make test`) compiles the same functions
ahead of time into an extension module in this package's ``__pycache__``. Its file name carries a digest of the
sources compiled into it, so it is found only while they are unchanged; importing it takes a millisecond and
does not import numba. Without it (not built, or built from other sources) the JIT kernels run: the same
functions, the same results, a slower first plan.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.machinery
import importlib.metadata
import importlib.util
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

KERNELS = (
    "demand_grids",
    "plan_levels",
    "planned_orders",
    "exceptions",
    "pegging",
    "record_cells",
)
"""The kernels the engine and the stored tables call (each compiled for one signature: see `erp.planning.aot`)."""

SOURCES = ("kernels.py", "output.py", "problem.py", "aot.py")
"""The files whose code or constants (kernels.py imports the codes of lot-sizing rules, exceptions and pegging
sources) are compiled into the kernels, and the one that compiles them."""

PACKAGE_DIR = Path(__file__).resolve().parent


def digest() -> str:
    """What the ahead-of-time module must have been built from: the sources, numba and numpy (compiled against
    numpy's C interface) and the interpreter."""
    hashed = hashlib.sha256(sys.implementation.cache_tag.encode())
    for package in ("numba", "numpy"):
        hashed.update(f"\0{package}={importlib.metadata.version(package)}".encode())
    for name in SOURCES:
        hashed.update(f"\0{name}\0".encode())
        hashed.update((PACKAGE_DIR / name).read_bytes())
    return hashed.hexdigest()[:20]


def module_name() -> str:
    return f"mrp_kernels_{digest()}"


def module_path(directory: Path | None = None) -> Path:
    """Where the ahead-of-time module for the current sources is (or would be) built."""
    folder = PACKAGE_DIR / "__pycache__" if directory is None else directory
    return folder / f"{module_name()}{importlib.machinery.EXTENSION_SUFFIXES[0]}"


def load(path: Path) -> ModuleType:
    """Import an ahead-of-time module from its file (it lives outside any package)."""
    name = path.name.split(".", 1)[0]
    loader = importlib.machinery.ExtensionFileLoader(name, str(path))
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def kernels() -> ModuleType:
    """The kernels to plan with: those of `using`, else the ahead-of-time module when it is built for the current
    sources, else `erp.planning.kernels` (numba's JIT). Decided once per process."""
    if _chosen:
        chosen = _chosen[-1]
        return chosen if isinstance(chosen, ModuleType) else chosen()
    with _loading:  # the models storing a plan may all plan at once (in a process that did not run mrp_plan)
        return _default()


_loading = threading.Lock()


@functools.cache
def _default() -> ModuleType:
    path = module_path()
    if path.is_file():
        return load(path)
    return jit()


def jit() -> ModuleType:
    """The kernels as numba compiles them at run time (importing numba)."""
    return importlib.import_module("erp.planning.kernels")


_chosen: list[ModuleType | Callable[[], ModuleType]] = []


@contextmanager
def using(kernel_set: ModuleType | Callable[[], ModuleType]) -> Iterator[None]:
    """Plan with ``kernel_set`` inside the block: a module, or a function that returns one at the first plan
    (`jit`: numba is imported only then). The ahead-of-time build, the tests and the benchmark run both sets."""
    _chosen.append(kernel_set)
    try:
        yield
    finally:
        _chosen.pop()
