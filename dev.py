#!/usr/bin/env python3
"""Bootstrap izsim on a fresh machine that has only Python >= 3.11.

    python3 dev.py run    # create .venv if needed, install, run the Tuyên Quang baseline
    python3 dev.py test   # create .venv if needed, install with dev extras, run every test

Extra arguments after the command are passed on (to ``izsim run`` or to ``pytest``).
Only the standard library is used here, because nothing else is installed yet.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".izsim-installed"


def _python() -> Path:
    return BIN / ("python.exe" if os.name == "nt" else "python")


def _ensure_env() -> None:
    """Create the virtual environment and (re)install when pyproject.toml changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this script must run on any python3
        sys.exit(f"izsim needs Python >= 3.11; this is {sys.version.split()[0]}")
    if not _python().exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("Installing izsim and its dependencies (first run only) ...", flush=True)
    pip = [str(_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test"}:
        print(__doc__)
        return 2
    _ensure_env()
    command, extra = argv[0], argv[1:]
    if command == "run":
        izsim = BIN / ("izsim.exe" if os.name == "nt" else "izsim")
        args = extra or ["scenarios/tuyen_quang.yaml", "--seed", "1", "--out", "results/tq"]
        return subprocess.call([str(izsim), "run", *args], cwd=ROOT)
    # Every test, the slow end-to-end ones included; `-m "not slow"` is the quick default of
    # a bare `pytest`, which developers use while editing.
    return subprocess.call(
        [str(_python()), "-m", "pytest", "-m", "slow or not slow", *extra], cwd=ROOT
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
