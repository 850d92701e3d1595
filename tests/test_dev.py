"""``dev.py``: the lock it installs from is current, complete and pinned; a stale one is refused.

dev.py lives beside pyproject.toml, outside the package, so it is loaded from its file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from importlib.metadata import distributions
from pathlib import Path
from types import ModuleType

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
PYPROJECT = ROOT / "pyproject.toml"
# `name==version ; marker \` opens each entry; its `--hash=` lines follow
ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)(?P<rest>.*)$")


def _load_dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("izsim_dev_script", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


dev = _load_dev()


def _entries(text: str) -> list[tuple[str, str, str | None, list[str]]]:
    """Each locked package: name, version, marker (or None) and its hashes."""
    entries: list[tuple[str, str, str | None, list[str]]] = []
    for line in text.splitlines():
        match = ENTRY.match(line)
        if match is not None:
            marker = match.group("rest").strip().rstrip("\\").strip().removeprefix(";").strip()
            entries.append((match.group("name"), match.group("version"), marker or None, []))
        elif line.strip().startswith("--hash=") and entries:
            entries[-1][3].append(line.strip().rstrip("\\").strip())
    return entries


def test_the_committed_lock_is_current() -> None:
    assert dev.lock_problem(LOCK, PYPROJECT) is None


def test_every_entry_is_pinned_with_hashes() -> None:
    text = LOCK.read_text(encoding="utf-8")
    entries = _entries(text)
    requirement_lines = [
        line for line in text.splitlines() if line.strip() and not line.startswith((" ", "#"))
    ]
    assert len(entries) == len(requirement_lines), "a requirement line is not `name==version`"
    for name, _, _, hashes in entries:
        assert hashes, f"{name} has no hash: `pip install --require-hashes` would refuse it"
        assert all(re.fullmatch(r"--hash=sha256:[0-9a-f]{64}", h) for h in hashes), name


def test_the_lock_covers_every_declared_package() -> None:
    inputs = dev.lock_inputs(PYPROJECT)
    declared = [*inputs["dependencies"], *inputs["build-system.requires"]]
    for extra in inputs["optional-dependencies"].values():
        declared += extra
    locked = {
        canonicalize_name(name): version
        for name, version, _, _ in _entries(LOCK.read_text(encoding="utf-8"))
    }
    for text in declared:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{text} is not in {LOCK.name}"
        assert requirement.specifier.contains(locked[name], prereleases=True), (text, locked[name])


def _copy_project(tmp_path: Path) -> Path:
    for name in ("dev.py", "pyproject.toml", "requirements.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_a_changed_dependency_makes_the_lock_stale(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert '"filelock>=3.12",' in text
    pyproject.write_text(text.replace('"filelock>=3.12",', '"filelock>=3.13",'), encoding="utf-8")
    problem = dev.lock_problem(project / "requirements.lock", pyproject)
    assert problem is not None
    assert "requirements.lock was made for other dependencies" in problem
    assert "run `python3 dev.py lock` and commit requirements.lock" in problem


def test_tool_settings_leave_the_lock_current(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8") + "\n[tool.izsim-test]\nsetting = 1\n",
        encoding="utf-8",
    )
    assert dev.lock_problem(project / "requirements.lock", pyproject) is None


def test_a_missing_or_unmarked_lock_is_refused(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    lock = project / "requirements.lock"
    lines = lock.read_text(encoding="utf-8").splitlines(keepends=True)
    lock.write_text("".join(x for x in lines if not x.startswith("# inputs")), encoding="utf-8")
    problem = dev.lock_problem(lock, project / "pyproject.toml")
    assert problem is not None and "has no '# inputs-sha256:' line" in problem
    lock.unlink()
    problem = dev.lock_problem(lock, project / "pyproject.toml")
    assert problem == "requirements.lock is missing: run `python3 dev.py lock` and commit it"


def test_run_refuses_a_stale_lock_before_installing(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace('"filelock>=3.12",', '"filelock>=3.13",'), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "dev.py", "run"], cwd=project, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: requirements.lock was made for other dependencies")
    assert "Traceback" not in done.stderr
    assert not (project / ".venv").exists()


def test_lock_takes_only_upgrade() -> None:
    assert dev.main(["lock", "--latest"]) == 2


def _made_by_dev_py_from_this_lock() -> bool:
    """Whether this interpreter's environment is one dev.py built from this lock (as in CI).

    An environment built from another lock (or by hand) is not expected to match it.
    """
    try:
        stamp = json.loads((Path(sys.prefix) / dev.STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(stamp, dict)
        and stamp.get("lock") == hashlib.sha256(LOCK.read_bytes()).hexdigest()
    )


@pytest.mark.skipif(
    not _made_by_dev_py_from_this_lock(),
    reason="this environment was not built by dev.py from this requirements.lock",
)
def test_the_environment_dev_py_made_holds_exactly_the_lock() -> None:
    locked = {
        canonicalize_name(name): version
        for name, version, marker, _ in _entries(LOCK.read_text(encoding="utf-8"))
        if marker is None or Marker(marker).evaluate()
    }
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in distributions()}
    assert {n: installed.get(n) for n in locked} == locked
    # besides the lock: izsim itself, and the pip the environment was created with
    assert set(installed) - set(locked) <= {"izsim", "pip"}


def test_the_browser_is_installed_for_the_test_command_where_it_can_be(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Missing Chromium: as root with apt-get, `dev.py test` installs Debian's package; without
    either, it says why the browser test will be skipped and installs nothing."""
    calls: list[list[str]] = []
    monkeypatch.setattr(dev, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setattr(dev.subprocess, "call", lambda step, **_: calls.append(step) or 0)
    monkeypatch.setattr(dev.shutil, "which", lambda name: "/usr/bin/apt-get")
    monkeypatch.setattr(dev.os, "geteuid", lambda: 0)
    dev._ensure_browser()
    assert calls == [
        ["/usr/bin/apt-get", "update"],
        ["/usr/bin/apt-get", "install", "-y", "--no-install-recommends", "chromium"],
    ]
    calls.clear()
    monkeypatch.setattr(dev.os, "geteuid", lambda: 1000)
    dev._ensure_browser()
    assert calls == [] and "browser test will be skipped" in capsys.readouterr().err
