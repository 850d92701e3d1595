"""A comparison folder knows the code that made it, and grows with more replicates.

Issue 10, point 6: results that can be trusted (a folder made by other izsim code is refused,
naming the files that differ) and extended (asking for more replicates adds runs instead of
refusing the folder; fewer is refused, see :meth:`ResultStore._extends`).
"""

from __future__ import annotations

import importlib
import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import izsim
from izsim import fingerprint
from izsim.cli import app
from izsim.errors import InputError
from izsim.experiments import CompareResult, compare
from izsim.experiments.design import RunTask
from izsim.fingerprint import code_changes, code_fingerprint
from tests.experiments.test_compare import Interrupt, outputs, short_copy, snapshot

cli = CliRunner()
compare_module = importlib.import_module("izsim.experiments.compare")
POLICIES = ["baseline", "balanced"]
SEED = 5


@pytest.fixture(scope="module")
def short_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return short_copy(tmp_path_factory.mktemp("scenario"))


def run(short_file: Path, out: Path, replicates: int, **kwargs: Any) -> CompareResult:
    return compare(
        short_file,
        POLICIES,
        replicates=replicates,
        seed=SEED,
        workers=1,
        out=out,
        quiet=True,
        **kwargs,
    )


@pytest.fixture(scope="module")
def two(short_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished comparison of two replicates (tests copy it before changing it)."""
    out = tmp_path_factory.mktemp("two") / "cmp"
    run(short_file, out, 2)
    return out


@pytest.fixture(scope="module")
def four(short_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four replicates at once: what extending ``two`` to four must reproduce."""
    out = tmp_path_factory.mktemp("four") / "cmp"
    run(short_file, out, 4)
    return out


def copied(folder: Path, tmp_path: Path) -> Path:
    out = tmp_path / "cmp"
    shutil.copytree(folder, out)
    return out


def records(folder: Path) -> dict[str, dict[str, Any]]:
    """Every run's record without its wall time (the one thing in it that is not determined)."""
    found = {}
    for path in sorted(folder.glob("runs/*/*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        record.pop("wall_seconds")
        found[str(path.relative_to(folder))] = record
    return found


# --- the fingerprint ---------------------------------------------------------------------------


def test_the_fingerprint_covers_every_source_and_data_file() -> None:
    code = code_fingerprint()
    package = Path(izsim.__file__).parent
    expected = sorted(
        p.relative_to(package).as_posix()
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")
    )
    assert list(code["files"]) == expected
    assert {"fingerprint.py", "experiments/store.py", "data/indicators.yaml"} <= set(expected)
    assert all(len(d) == fingerprint.SHORT_DIGEST for d in code["files"].values())
    assert len(code["sources_sha256"]) == 64
    assert code["version"] == izsim.__version__
    assert code_fingerprint() is code  # computed once per process


def test_the_fingerprint_is_fast() -> None:
    code_fingerprint.cache_clear()
    began = time.perf_counter()
    code_fingerprint()
    assert time.perf_counter() - began < 0.05


def test_the_fingerprint_changes_with_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "izsim"
    (package / "data").mkdir(parents=True)
    (package / "__pycache__").mkdir()
    (package / "a.py").write_text("x = 1\n", encoding="utf-8")
    (package / "data" / "b.yaml").write_text("b: 1\n", encoding="utf-8")
    (package / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    monkeypatch.setattr(fingerprint, "_package_dir", lambda: package)
    code_fingerprint.cache_clear()
    try:
        first = code_fingerprint()
        assert list(first["files"]) == ["a.py", "data/b.yaml"]
        (package / "data" / "b.yaml").write_text("b: 2\n", encoding="utf-8")
        code_fingerprint.cache_clear()
        second = code_fingerprint()
        (package / "data" / "b.yaml").rename(package / "data" / "c.yaml")
        code_fingerprint.cache_clear()
        third = code_fingerprint()
    finally:
        code_fingerprint.cache_clear()
    assert first["sources_sha256"] != second["sources_sha256"] != third["sources_sha256"]
    assert first["files"]["a.py"] == second["files"]["a.py"]
    same = f"izsim {izsim.__version__} in both, with other sources"
    assert code_changes(first, second) == f"{same}; edited: data/b.yaml"
    assert code_changes(second, third) == f"{same}; added: data/c.yaml; removed: data/b.yaml"


def test_code_changes_names_at_most_ten_files() -> None:
    old = {"version": "0.1.0", "files": {f"m{i:02d}.py": "0" for i in range(14)}}
    new = {"version": "0.2.0", "files": {f"m{i:02d}.py": "1" for i in range(14)}}
    text = code_changes(old, new)
    assert text.startswith("izsim 0.1.0 → 0.2.0; edited: m00.py, m01.py")
    assert "m09.py" in text and "m10.py" not in text and text.endswith("and 4 more")


# --- refusing a folder made by other code -------------------------------------------------------


def test_a_folder_made_by_other_code_is_refused_naming_what_changed(
    two: Path, short_file: Path, tmp_path: Path
) -> None:
    out = copied(two, tmp_path)
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    code = config["code"]
    code["version"] = "0.0.9"
    code["sources_sha256"] = "0" * 64
    code["files"]["model/old_module.py"] = "0" * 16  # removed since
    del code["files"]["fingerprint.py"]  # added since
    code["files"]["experiments/store.py"] = "0" * 16  # edited since
    (out / "config.json").write_text(json.dumps(config), encoding="utf-8")
    before = snapshot(out)
    with pytest.raises(InputError) as caught:
        run(short_file, out, 2)
    message = str(caught.value)
    assert "changed: code" in message
    assert f"izsim 0.0.9 → {izsim.__version__}" in message
    assert "edited: experiments/store.py" in message
    assert "added: fingerprint.py" in message and "removed: model/old_module.py" in message
    assert "new --out folder" in message and "rerun with the izsim that made it (0.0.9)" in message
    assert snapshot(out) == before


def test_the_cli_refuses_other_code_with_exit_2(
    two: Path, short_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = copied(two, tmp_path)
    running = code_fingerprint()
    edited = {**running["files"], "model/zone.py": "f" * 16}
    other = {**running, "sources_sha256": "1" * 64, "files": edited}
    monkeypatch.setattr(compare_module, "code_fingerprint", lambda: other)
    args = ["compare", str(short_file), "--policies", ",".join(POLICIES), "--quiet"]
    args += ["--replicates", "2", "--seed", str(SEED), "--workers", "1", "--out", str(out)]
    result = cli.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "edited: model/zone.py" in result.stderr
    assert f"izsim {izsim.__version__} in both, with other sources" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_a_folder_without_a_code_fingerprint_is_refused(
    two: Path, short_file: Path, tmp_path: Path
) -> None:
    out = copied(two, tmp_path)
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    del config["code"]
    (out / "config.json").write_text(json.dumps(config), encoding="utf-8")
    before = snapshot(out)
    with pytest.raises(InputError, match=r"records no code fingerprint.*new --out folder"):
        run(short_file, out, 2)
    assert snapshot(out) == before


# --- extending with more replicates ------------------------------------------------------------


def test_more_replicates_extend_the_folder_as_if_run_at_once(
    two: Path, four: Path, short_file: Path, tmp_path: Path
) -> None:
    out = copied(two, tmp_path)
    kept = {p: p.stat().st_mtime_ns for p in out.glob("runs/*/r000[01]*")}
    assert len(kept) == len(POLICIES) * 2 * 3
    made: list[RunTask] = []
    result = run(short_file, out, 4, on_done=lambda task, _status: made.append(task))
    # only the new replicates ran; the saved ones were neither run nor rewritten
    assert sorted((t.policy, t.replicate) for t in made) == [
        (p, r) for p in sorted(POLICIES) for r in (2, 3)
    ]
    assert {p: p.stat().st_mtime_ns for p in kept} == kept
    assert result.counts == {"ok": 4, "failed": 0, "skipped": 4}
    assert result.extended_from == 2
    # tables, combined tables, run files and config: byte for byte those of four at once
    assert outputs(out) == outputs(four)
    assert (out / "config.json").read_bytes() == (four / "config.json").read_bytes()
    assert records(out) == records(four)
    manifest, whole = (
        json.loads((folder / "manifest.json").read_text(encoding="utf-8")) for folder in (out, four)
    )
    assert manifest["this_invocation"]["extended_from_replicates"] == 2
    assert "extended_from_replicates" not in whole["this_invocation"]
    for data in (manifest, whole):
        del data["this_invocation"]
        for record in data["runs"]:
            del record["wall_seconds"]
    assert manifest == whole


def test_an_interrupted_folder_is_extended_too(
    four: Path, short_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cmp"
    with pytest.raises(KeyboardInterrupt):
        run(short_file, out, 2, on_done=Interrupt(out, after=1))
    result = run(short_file, out, 4)
    assert result.counts == {"ok": 7, "failed": 0, "skipped": 1}
    assert outputs(out) == outputs(four)


def test_fewer_replicates_are_refused_with_what_to_do(
    two: Path, short_file: Path, tmp_path: Path
) -> None:
    out = copied(two, tmp_path)
    before = snapshot(out)
    with pytest.raises(InputError) as caught:
        run(short_file, out, 1)
    message = str(caught.value)
    assert "--replicates: 1 is fewer than the 2 replicates this folder was made for" in message
    assert "Pass --replicates 2" in message and "new --out folder" in message
    assert snapshot(out) == before
    assert run(short_file, out, 2).counts == {"ok": 0, "failed": 0, "skipped": 4}


def test_more_replicates_and_another_change_are_refused(
    two: Path, short_file: Path, tmp_path: Path
) -> None:
    out = copied(two, tmp_path)
    before = snapshot(out)
    with pytest.raises(InputError, match=r"different comparison \(changed: replicates, seed\)"):
        compare(short_file, POLICIES, replicates=3, seed=SEED + 1, workers=1, out=out, quiet=True)
    assert snapshot(out) == before
