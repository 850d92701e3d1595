#!/usr/bin/env python3
"""Bootstrap izsim on a fresh machine that has only Python >= 3.11.

    python3 dev.py run    # create .venv if needed, install, run the Tuyên Quang baseline
    python3 dev.py test   # create .venv if needed, install with dev extras, run every test
                          # (first installing Debian's chromium for the browser test, as root)
    python3 dev.py lock   # bring requirements.lock in line with pyproject.toml (needs PyPI)
    python3 dev.py lock --upgrade   # the same, taking the newest releases pyproject.toml allows

Extra arguments after ``run`` or ``test`` are passed on (to ``izsim run`` or to ``pytest``).

``.venv`` holds exactly the versions in ``requirements.lock``, checked against the lock's
hashes, and izsim itself as an editable install. Whenever the lock changes, ``.venv`` is built
anew, so that nothing the old lock brought stays behind. After changing the dependencies in
pyproject.toml, run ``python3 dev.py lock`` and commit requirements.lock: ``run`` and ``test``
refuse a lock made for other dependencies.

Only the standard library is used here, because nothing else is installed yet.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
PYPROJECT = ROOT / "pyproject.toml"
STAMP_NAME = ".izsim-installed"
LOCK_TOOL = "uv==0.13.8"
"""The resolver ``lock`` installs into a throwaway environment; pinned so that the same
pyproject.toml and the same index give the same lock."""
INPUTS_PREFIX = "# inputs-sha256: "
LOCK_COMMAND = "python3 dev.py lock"


def _bin(env: Path) -> Path:
    return env / ("Scripts" if os.name == "nt" else "bin")


def _python(env: Path) -> Path:
    return _bin(env) / ("python.exe" if os.name == "nt" else "python")


def _pyproject(pyproject: Path) -> dict[str, Any]:
    import tomllib  # here, not at the top: on Python < 3.11 the version message comes first

    with pyproject.open("rb") as file:
        return tomllib.load(file)


def lock_inputs(pyproject: Path) -> dict[str, object]:
    """What the lock is resolved from: every part of pyproject.toml that names a package.

    Only these parts, so that editing pyproject.toml's tool settings leaves the lock current.
    """
    data = _pyproject(pyproject)
    project = data.get("project", {})
    return {
        "requires-python": project.get("requires-python"),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
        "build-system.requires": data.get("build-system", {}).get("requires", []),
    }


def inputs_digest(pyproject: Path) -> str:
    """SHA-256 of :func:`lock_inputs`, as canonical JSON; the lock's header records it."""
    text = json.dumps(lock_inputs(pyproject), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def lock_problem(lock: Path, pyproject: Path) -> str | None:
    """Why ``lock`` cannot be installed for ``pyproject``, or None when it is current."""
    if not lock.is_file():
        return f"{lock.name} is missing: run `{LOCK_COMMAND}` and commit it"
    recorded = None
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line.startswith(INPUTS_PREFIX):
            recorded = line.removeprefix(INPUTS_PREFIX).strip()
            break
    wanted = inputs_digest(pyproject)
    if recorded is None:
        return (
            f"{lock.name} has no '{INPUTS_PREFIX.strip()}' line, so nothing says which"
            f" dependencies it was made for: run `{LOCK_COMMAND}` and commit it"
        )
    if recorded != wanted:
        return (
            f"{lock.name} was made for other dependencies ({INPUTS_PREFIX.strip()}"
            f" {recorded[:12]}…) than {pyproject.name} now declares in [project] dependencies,"
            f" optional-dependencies, requires-python and [build-system] requires"
            f" ({wanted[:12]}…): run `{LOCK_COMMAND}` and commit {lock.name}"
        )
    return None


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ensure_env() -> None:
    """Create ``.venv`` from the lock, or rebuild it when the lock or pyproject.toml changed.

    The stamp holds the lock's and pyproject.toml's hashes. A new lock means a new ``.venv``
    (pip cannot remove what the old lock brought); a pyproject.toml change under the same lock
    only re-installs izsim itself.
    """
    if sys.version_info < (3, 11):  # noqa: UP036 - this script must run on any python3
        sys.exit(f"izsim needs Python >= 3.11; this is {sys.version.split()[0]}")
    problem = lock_problem(LOCK, PYPROJECT)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        sys.exit(2)
    stamp = VENV / STAMP_NAME
    wanted = {"lock": _digest(LOCK), "pyproject": _digest(PYPROJECT)}
    try:
        have = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        have = {}  # no stamp, or one written before the lock existed
    if have == wanted and _python(VENV).exists():
        return
    fresh = not _python(VENV).exists()
    if fresh or not isinstance(have, dict) or have.get("lock") != wanted["lock"]:
        if not fresh:
            print(f"{LOCK.name} changed: building {VENV} anew ...", flush=True)
        else:
            print(f"Creating a virtual environment in {VENV} ...", flush=True)
        stamp.unlink(missing_ok=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    print("Installing the locked dependencies and izsim (takes a few minutes) ...", flush=True)
    pip = [str(_python(VENV)), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    # Hash-checking mode: every package, setuptools included, must be pinned with its hashes,
    # so the install is exactly the lock. pip refuses editable requirements in this mode (an
    # editable project is a folder, not one file to hash), so izsim goes in a second step:
    # without dependencies (the lock brought them) and without build isolation, so that it is
    # built by the locked setuptools rather than whatever the index serves that day.
    subprocess.run([*pip, "--require-hashes", "-r", str(LOCK)], check=True)
    subprocess.run([*pip, "--no-deps", "--no-build-isolation", "-e", str(ROOT)], check=True)
    stamp.write_text(json.dumps(wanted), encoding="utf-8")


def _lock(args: list[str]) -> int:
    """Resolve requirements.lock from pyproject.toml, with hashes.

    Versions already locked are kept where pyproject.toml still allows them, so that adding or
    removing a dependency changes only what it brings; ``--upgrade`` takes the newest releases.

    uv resolves one lock for every platform and every Python the project accepts (``pip
    freeze`` or ``pip lock`` only see this machine), preferring one version of each package
    for all of them (``--fork-strategy fewest``), and writes pip's requirements format, which
    any pip, the one a fresh venv comes with included, installs with ``--require-hashes``.
    """
    if sys.version_info < (3, 11):  # noqa: UP036 - this script must run on any python3
        sys.exit(f"izsim needs Python >= 3.11; this is {sys.version.split()[0]}")
    if args not in ([], ["--upgrade"]):
        print(
            f"error: `{LOCK_COMMAND}` takes only --upgrade, not {' '.join(args)}", file=sys.stderr
        )
        return 2
    data = _pyproject(PYPROJECT)
    requires_python = data.get("project", {}).get("requires-python")
    floor = re.fullmatch(r"\s*>=\s*(\d+\.\d+)\s*", str(requires_python))
    if floor is None:
        print(
            f"error: {PYPROJECT.name}: [project] requires-python is {requires_python!r};"
            f" `{LOCK_COMMAND}` needs the form '>=3.X'",
            file=sys.stderr,
        )
        return 2
    extras = sorted(data["project"].get("optional-dependencies", {}))
    build = "".join(f"{r}\n" for r in data.get("build-system", {}).get("requires", []))
    with tempfile.TemporaryDirectory(prefix="izsim-lock-") as tmp:
        tool = Path(tmp) / "tool"
        print(f"Installing {LOCK_TOOL} into a throwaway environment ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(tool)
        pip = [str(_python(tool)), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        subprocess.run([*pip, LOCK_TOOL], check=True)
        out = Path(tmp) / "requirements.lock"
        if LOCK.is_file() and not args:
            # uv keeps the versions an existing output file pins, where they still fit
            out.write_text(LOCK.read_text(encoding="utf-8"), encoding="utf-8")
        # The build requirements come on standard input, so the lock names no temporary file.
        command = [str(_bin(tool) / "uv"), "pip", "compile", "pyproject.toml", "-"]
        command += [f"--extra={e}" for e in extras]
        command += [
            "--universal",
            "--fork-strategy=fewest",
            "--generate-hashes",
            f"--python-version={floor.group(1)}",
            f"--custom-compile-command={LOCK_COMMAND}",
            "--quiet",
            *args,
            f"--output-file={out}",
        ]
        subprocess.run(command, input=build, text=True, check=True, cwd=ROOT)
        header = (
            "# Exact versions of izsim's dependencies, its dev extras and its build backend, with\n"
            "# the hash of every file the index serves for them. `python3 dev.py run|test`\n"
            "# installs exactly these. Refresh after changing pyproject.toml's dependencies\n"
            f"# (or to take newer releases): `{LOCK_COMMAND}`, then commit this file.\n"
            f"{INPUTS_PREFIX}{inputs_digest(PYPROJECT)}\n"
        )
        LOCK.write_text(header + out.read_text(encoding="utf-8"), encoding="utf-8")
    print(f"Wrote {LOCK}; the next `python3 dev.py run` or `test` rebuilds .venv from it.")
    return 0


CHROMIUM = Path("/usr/bin/chromium")
"""The browser the dashboard's browser test drives (Debian's package; Playwright's own browser
downloads do not work offline or behind this project's registries)."""


def _ensure_browser() -> None:
    """Install Debian's Chromium for the dashboard's browser test when it is missing and this
    machine can (root, apt-get); otherwise say so: the test then skips (and fails under CI,
    where the environment variable ``CI`` is set)."""
    if CHROMIUM.exists() or os.name == "nt":
        return
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        print(
            f"note: {CHROMIUM} is missing and cannot be installed here (needs root and"
            " apt-get): the dashboard's browser test will be skipped (install Debian's"
            " `chromium` package to run it)",
            file=sys.stderr,
        )
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print("installing Debian's chromium for the dashboard's browser test …", file=sys.stderr)
    for step in (
        [apt, "update"],
        [apt, "install", "-y", "--no-install-recommends", "chromium"],
    ):
        if subprocess.call(step, env=env) != 0:
            print(f"note: `{' '.join(step)}` failed: the browser test cannot run", file=sys.stderr)
            return


def main(argv: list[str]) -> int:
    """Run the command in ``argv``; return its exit code."""
    if not argv or argv[0] not in {"run", "test", "lock"}:
        print(__doc__)
        return 2
    command, extra = argv[0], argv[1:]
    if command == "lock":
        return _lock(extra)
    _ensure_env()
    if command == "run":
        izsim = _bin(VENV) / ("izsim.exe" if os.name == "nt" else "izsim")
        args = extra or ["scenarios/tuyen_quang.yaml", "--seed", "1", "--out", "results/tq"]
        return subprocess.call([str(izsim), "run", *args], cwd=ROOT)
    _ensure_browser()
    # Every test, the slow end-to-end ones included; `-m "not slow"` is the quick default of
    # a bare `pytest`, which developers use while editing.
    return subprocess.call(
        [str(_python(VENV)), "-m", "pytest", "-m", "slow or not slow", *extra], cwd=ROOT
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
