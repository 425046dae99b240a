"""`erp serve`: run the ERP's servers side by side and stop them all together.

Each server is a :class:`Service` (a name, a command line and the URL people open): the Streamlit app and the
Dagster UI with its daemon. Every child runs in its own process group,
so Ctrl-C (or SIGTERM) stops each one with everything it started, and if one of them exits the others are
stopped too rather than left half-running.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from erp.config import PROJECT_ROOT, Settings
from erp.i18n import t

APP_MAIN = PROJECT_ROOT / "apps" / "main.py"
STOP_GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class Service:
    name: str
    argv: list[str]
    url: str
    cwd: Path = PROJECT_ROOT
    env: dict[str, str] = field(default_factory=dict)


def streamlit_service(settings: Settings, port: int = 8501, address: str = "127.0.0.1") -> Service:
    """The Streamlit app, headless, on ``address:port``, reading the store that ``settings`` names."""
    argv = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_MAIN),
        "--server.headless",
        "true",
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    # The child runs from the project folder (for .streamlit/config.toml), so pass ERP_HOME as an absolute path.
    env = {"ERP_HOME": str(settings.home)}
    return Service(name=t("ERP app"), argv=argv, url=f"http://{address}:{port}", env=env)


def dagster_service(settings: Settings, port: int = 3000, address: str = "127.0.0.1") -> Service:
    """The Dagster UI and daemon (`dagster dev`: schedules, the store-changed sensor, the run queue) on ``address``.

    DAGSTER_HOME is ERP_HOME/dagster, with the project's dagster.yaml copied there when missing, so runs, logs
    and schedule state stay with the rest of this installation's data.
    """
    from pipelines.instance import dagster_home

    argv = [
        sys.executable,
        "-m",
        "dagster",
        "dev",
        "-m",
        "pipelines.definitions",
        "--working-directory",
        str(PROJECT_ROOT),
        "--host",
        address,
        "--port",
        str(port),
    ]
    home = dagster_home(settings)
    env = {
        "ERP_HOME": str(settings.home),
        "DAGSTER_HOME": str(home),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DAGSTER_DISABLE_TELEMETRY": "1",
    }
    # cwd: DAGSTER_HOME, not the project folder, whose dagster.yaml (the template) Dagster would warn about
    return Service(name=t("Dagster UI"), argv=argv, url=f"http://{address}:{port}", cwd=home, env=env)


def services(settings: Settings, app_port: int = 8501, dagster_port: int = 3000) -> list[Service]:
    """Everything `erp serve` starts: the ERP app and the Dagster UI (which runs the schedules and sensors)."""
    return [streamlit_service(settings, port=app_port), dagster_service(settings, port=dagster_port)]


def run_services(services: Sequence[Service], poll_seconds: float = 0.5) -> int:
    """Start every service, print where to find it, and wait; Ctrl-C or SIGTERM stops them all.

    Returns 0 after a requested stop; a service that ends by itself stops the rest and its exit code (1 if it
    was 0: a server is not meant to end) is returned.
    """
    children: list[tuple[Service, subprocess.Popen[bytes]]] = []
    previous_term, previous_int = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    # A shell starting us in the background hands down SIGINT ignored; Ctrl-C (or `kill -INT`) must still stop us.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        for service in services:
            env = {**os.environ, **service.env}
            process = subprocess.Popen(service.argv, cwd=service.cwd, env=env, start_new_session=True)
            children.append((service, process))
            print(t("{name}: {url}", name=service.name, url=service.url), flush=True)
        print(t("Press Ctrl-C to stop."), flush=True)
        while True:
            for service, process in children:
                code = process.poll()
                if code is not None:
                    print(t("{name} stopped (exit code {code}).", name=service.name, code=code), file=sys.stderr)
                    return code or 1
            time.sleep(poll_seconds)
    except KeyboardInterrupt:
        print(t("Stopping..."), flush=True)
        return 0
    finally:
        _stop_all([p for _, p in children])
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGINT, previous_int)


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_all(processes: Sequence[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each process group, wait a little, then SIGKILL what is left."""
    for process in processes:
        if process.poll() is None:
            _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it ended on its own meanwhile
        os.killpg(process.pid, sig)
