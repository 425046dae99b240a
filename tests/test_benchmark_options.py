"""The benchmarks refuse options they cannot run, naming the option, before building anything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from erp.config import PROJECT_ROOT

PIPELINE = PROJECT_ROOT / "benchmarks" / "pipeline.py"


def test_the_pipeline_benchmark_refuses_fewer_than_one_pair(tmp_path: Path) -> None:
    for value in ("0", "-2"):
        command = [sys.executable, str(PIPELINE), "--repeat", value, "--home", str(tmp_path)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2
        assert f"--repeat: must be at least 1 (got {value})" in done.stderr
        assert not any(tmp_path.iterdir())  # nothing made: no store, no build
