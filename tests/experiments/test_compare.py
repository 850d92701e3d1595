"""``izsim compare`` end to end: tables, durable and resumable results, refusals, budgets.

Runs use a copy of the Tuyên Quang scenario that ends at its last target's deadline (2025-12)
and few replicates, so every comparison here takes a second or less (a process pool: a few).
"""

from __future__ import annotations

import codecs
import importlib
import json
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from izsim.cli import app
from izsim.errors import InputError
from izsim.experiments import CompareResult, compare, runner
from izsim.experiments.analysis import modelled, wilson
from izsim.experiments.budget import MAX_FACTOR, annual_spending
from izsim.experiments.compare import FIT_SEEDS
from izsim.experiments.design import RunTask, design, replicate_seeds
from izsim.experiments.store import LOCK_NAME
from izsim.fingerprint import code_fingerprint
from izsim.indicators import INDICATOR_IDS
from izsim.scenario import Scenario, load_policy, load_scenario
from izsim.scenario.load import file_sha256
from tests.conftest import SCENARIO_FILE

cli = CliRunner()
# the package exports the function `compare`, which hides the module of that name
compare_module = importlib.import_module("izsim.experiments.compare")
POLICIES = ["baseline", "balanced", "incentives_first"]
REPLICATES = 4
SEED = 3
TABLES = ("scorecard", "comparison", "cost_effectiveness", "convergence")
COLUMNS = {
    "scorecard": [
        "target",
        "indicator",
        "comparator",
        "target_value",
        "deadline",
        "policy",
        "status",
        "runs",
        "met",
        "probability",
        "probability_low",
        "probability_high",
        "median",
        "p05",
        "p95",
        "median_year_first_met",
        "runs_ever_met",
        "source",
    ],
    "comparison": [
        "target",
        "indicator",
        "deadline",
        "policy",
        "reference",
        "pairs",
        "mean_policy",
        "mean_reference",
        "difference",
        "difference_low",
        "difference_high",
        "probability_difference",
        "probability_difference_low",
        "probability_difference_high",
    ],
    "cost_effectiveness": [
        "policy",
        "reference",
        "runs",
        "public_spending_bn_vnd",
        "budget_unallocated_bn_vnd",
        "budget_unspent_bn_vnd",
        "budget_lapsed_bn_vnd",
        "targets_met",
        "extra_public_spending_bn_vnd",
        "extra_jobs",
        "extra_leased_ha",
        "extra_targets_met",
        "extra_jobs_per_trillion_vnd",
        "extra_leased_ha_per_trillion_vnd",
        "extra_targets_met_per_trillion_vnd",
        "per_trillion_note",
    ],
    "convergence": [
        "quantity",
        "policy",
        "replicates",
        "mean",
        "cv_of_mean",
        "probability",
        "probability_half_width",
    ],
}


def error_line(stderr: str) -> bool:
    """Whether a line of ``stderr`` is an error message (after any warnings, such as the
    short copy's candidate sites offered after its horizon)."""
    return any(line.startswith("error: ") for line in stderr.splitlines())


def short_copy(folder: Path) -> Path:
    """A copy of the scenario ending at its last deadline, with its policies beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    last = max(t.deadline for t in load_scenario(SCENARIO_FILE).targets)
    text, replaced = re.subn(
        r'^(  horizon: )"[0-9]{4}-[0-9]{2}"$',
        rf'\g<1>"{last}"',
        SCENARIO_FILE.read_text(encoding="utf-8"),
        count=1,
        flags=re.M,
    )
    assert replaced == 1, "the scenario's horizon line has changed; update short_copy"
    # its plan documents' texts named where they are, so that the copy reads as the original
    text = re.sub(
        r"^(\s+file: )(\S+)$",
        lambda m: m[1] + str((SCENARIO_FILE.parent / m[2]).resolve()),
        text,
        flags=re.M,
    )
    path = folder / SCENARIO_FILE.name
    path.write_text(text, encoding="utf-8")
    shutil.copytree(SCENARIO_FILE.parent / "policies", folder / "policies")
    return path


def outputs(folder: Path) -> dict[str, bytes]:
    """The files that must not depend on interruptions or workers: tables and run data."""
    files = (
        [folder / f"{name}.csv" for name in TABLES]
        + [folder / "runs.parquet", folder / "zone_states.parquet"]
        + sorted(folder.glob("runs/*/*.parquet"))
    )
    return {str(p.relative_to(folder)): p.read_bytes() for p in files}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder, timings included."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def stored_runs(folder: Path) -> set[tuple[str, str]]:
    """(policy, run name) of the runs on disk with both data and an ``ok`` record."""
    found = set()
    for record in folder.glob("runs/*/*.json"):
        data = json.loads(record.read_text(encoding="utf-8"))
        if data["status"] == "ok" and record.with_suffix(".parquet").exists():
            found.add((record.parent.name, record.stem))
    return found


def izsim_command() -> list[str]:
    script = shutil.which("izsim", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-c", "from izsim.cli import main; main()"]


@pytest.fixture(scope="module")
def short_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return short_copy(tmp_path_factory.mktemp("scenario"))


@pytest.fixture(scope="module")
def short_scenario(short_file: Path) -> Scenario:
    return load_scenario(short_file)


@pytest.fixture(scope="module")
def reference(short_file: Path, tmp_path_factory: pytest.TempPathFactory) -> CompareResult:
    """An uninterrupted comparison in one process: what every other way must reproduce."""
    out = tmp_path_factory.mktemp("reference") / "cmp"
    return compare(
        short_file, POLICIES, replicates=REPLICATES, seed=SEED, workers=1, out=out, quiet=True
    )


# --- the files and their contents -----------------------------------------------------------


def test_writes_every_file_with_its_columns(reference: CompareResult) -> None:
    out = reference.out
    assert {p.name for p in out.iterdir()} - {LOCK_NAME} == {
        "config.json",
        "manifest.json",
        "runs",
        "runs.parquet",
        "zone_states.parquet",
        "inputs",
        *(f"{name}.csv" for name in TABLES),
    }
    for name in TABLES:
        assert (out / f"{name}.csv").read_bytes().startswith(codecs.BOM_UTF8), name
        frame = pd.read_csv(out / f"{name}.csv")
        assert list(frame.columns) == COLUMNS[name], name
        assert list(getattr(reference, name).columns) == COLUMNS[name], name
    for policy in POLICIES:
        names = sorted(p.name for p in (out / "runs" / policy).iterdir())
        assert names == sorted(
            f"r{r:04d}.{ext}"
            for r in range(REPLICATES)
            for ext in ("json", "parquet", "zones.parquet")
        )
    inputs = out / "inputs"
    assert sorted(p.name for p in (inputs / "policies").iterdir()) == sorted(
        f"{p}.yaml" for p in POLICIES
    )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (out / manifest["scenario"]["copy"]).read_bytes() == Path(
        manifest["scenario"]["file"]
    ).read_bytes()
    data = pq.read_table(out / "runs" / "balanced" / "r0002.parquet").to_pandas()
    assert list(data.columns) == ["month", *INDICATOR_IDS]
    assert len(data) == 60 and data["month"].iloc[0] == "2021-01"
    assert data["month"].iloc[-1] == "2025-12"


def test_runs_parquet_equals_the_per_run_files(reference: CompareResult) -> None:
    out = reference.out
    tidy = pd.read_parquet(out / "runs.parquet")
    assert list(tidy.columns) == ["policy", "replicate", "seed", "month", "indicator", "value"]
    assert len(tidy) == len(POLICIES) * REPLICATES * 60 * len(INDICATOR_IDS)
    records = {}
    for policy in POLICIES:
        for replicate in range(REPLICATES):
            path = out / "runs" / policy / f"r{replicate:04d}"
            wide = pq.read_table(path.with_suffix(".parquet")).to_pandas()
            record = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            records[policy, replicate] = record["seed"]
            mine = tidy[(tidy["policy"] == policy) & (tidy["replicate"] == replicate)]
            assert (mine["seed"] == record["seed"]).all()
            back = mine.pivot(index="month", columns="indicator", values="value")
            back = back[list(INDICATOR_IDS)].reset_index()
            back.columns.name = None
            pd.testing.assert_frame_equal(back, wide, check_dtype=False)
    states = pd.read_parquet(out / "zone_states.parquet")
    assert list(states.columns) == [
        "policy",
        "replicate",
        "seed",
        "month",
        "zone",
        "stage",
        "plant",
    ]
    one = pd.read_parquet(out / "runs" / "balanced" / "r0002.zones.parquet")
    mine = states[(states["policy"] == "balanced") & (states["replicate"] == 2)]
    pd.testing.assert_frame_equal(
        mine[["month", "zone", "stage", "plant"]].reset_index(drop=True), one
    )


def test_scorecard_has_every_target_and_wilson_probabilities(
    reference: CompareResult, short_scenario: Scenario
) -> None:
    card = pd.read_csv(reference.out / "scorecard.csv", keep_default_na=False, na_values=[""])
    ids = [t.id for t in short_scenario.targets]
    assert list(dict.fromkeys(card["target"])) == ids
    assert len(card) == len(ids) * len(POLICIES)
    assert not card.duplicated(["target", "policy"]).any()
    not_modelled = {t.id for t in short_scenario.targets if t.not_modelled is not None}
    assert not_modelled, "the scenario should have targets the model does not measure"
    assert set(card.loc[card["status"] == "not_modelled", "target"]) == not_modelled

    rows = card[card["status"] == "modelled"]
    assert len(rows) == len(modelled(short_scenario)) * len(POLICIES)
    assert (rows["runs"] == REPLICATES).all()
    for row in rows.itertuples():
        assert row.probability == pytest.approx(row.met / row.runs, abs=1e-6)
        assert row.probability_low <= row.probability <= row.probability_high
        low, high = wilson(int(row.met), int(row.runs))
        assert (row.probability_low, row.probability_high) == pytest.approx((low, high), abs=1e-6)
        assert row.p05 <= row.median <= row.p95
        if row.runs_ever_met:
            assert 2021 <= row.median_year_first_met <= 2025
        else:
            assert math.isnan(row.median_year_first_met)


def test_comparison_pairs_every_modelled_target_with_the_baseline(
    reference: CompareResult, short_scenario: Scenario
) -> None:
    table = pd.read_csv(reference.out / "comparison.csv")
    others = [p for p in POLICIES if p != "baseline"]
    targets = [t.id for t in modelled(short_scenario)]
    assert len(table) == len(targets) * len(others)
    assert set(zip(table["target"], table["policy"], strict=True)) == {
        (t, p) for t in targets for p in others
    }
    assert (table["reference"] == "baseline").all() and (table["pairs"] == REPLICATES).all()
    spread = table.dropna(subset=["difference_low"])
    assert (spread["difference_low"] <= spread["difference"] + 1e-9).all()
    assert (spread["difference"] <= spread["difference_high"] + 1e-9).all()

    # Recompute one difference from the stored runs: replicate i against replicate i.
    target = modelled(short_scenario)[0]
    row = table[(table["target"] == target.id) & (table["policy"] == "balanced")].iloc[0]

    def at_deadline(policy: str) -> np.ndarray:
        return np.array(
            [
                pq.read_table(reference.out / "runs" / policy / f"r{r:04d}.parquet")
                .to_pandas()
                .set_index("month")
                .loc[target.deadline, target.indicator]
                for r in range(REPLICATES)
            ]
        )

    diff = at_deadline("balanced") - at_deadline("baseline")
    assert row["difference"] == pytest.approx(diff.mean(), abs=1e-5)


def test_cost_effectiveness_and_convergence(
    reference: CompareResult, short_scenario: Scenario
) -> None:
    cost = pd.read_csv(reference.out / "cost_effectiveness.csv")
    assert list(cost["policy"]) == POLICIES
    spending = [
        pq.read_table(reference.out / "runs" / "baseline" / f"r{r:04d}.parquet")
        .column("public_spending_bn_vnd")
        .to_pylist()[-1]
        for r in range(REPLICATES)
    ]
    base = cost[cost["policy"] == "baseline"].iloc[0]
    assert base["public_spending_bn_vnd"] == pytest.approx(np.mean(spending), abs=1e-5)
    assert math.isnan(base["extra_jobs_per_trillion_vnd"])
    for row in cost[cost["policy"] != "baseline"].itertuples():
        trillions = row.extra_public_spending_bn_vnd / 1000
        assert trillions > 0, "the packages should cost more than the baseline"
        if isinstance(row.per_trillion_note, str):  # too little extra spending for a ratio
            assert math.isnan(row.extra_jobs_per_trillion_vnd)
            assert "extra spending" in row.per_trillion_note
            continue
        assert row.extra_jobs_per_trillion_vnd == pytest.approx(
            row.extra_jobs / trillions, rel=1e-4
        )
        assert row.extra_leased_ha_per_trillion_vnd == pytest.approx(
            row.extra_leased_ha / trillions, rel=1e-4, abs=1e-5
        )
        assert row.extra_targets_met_per_trillion_vnd == pytest.approx(
            row.extra_targets_met / trillions, rel=1e-4, abs=1e-5
        )

    convergence = pd.read_csv(reference.out / "convergence.csv")
    quantities = len(modelled(short_scenario)) + 1  # and public spending
    assert len(convergence) == quantities * len(POLICIES) * REPLICATES


def test_manifest_records_every_run(reference: CompareResult, short_file: Path) -> None:
    manifest = json.loads((reference.out / "manifest.json").read_text(encoding="utf-8"))
    config = json.loads((reference.out / "config.json").read_text(encoding="utf-8"))
    assert manifest["config"] == config
    assert config["scenario"]["sha256"] == file_sha256(short_file)
    assert [p["id"] for p in config["policies"]] == POLICIES
    assert (config["replicates"], config["seed"], config["reference"]) == (
        REPLICATES,
        SEED,
        "baseline",
    )
    seeds = replicate_seeds(SEED, REPLICATES)
    runs = manifest["runs"]
    assert len(runs) == len(POLICIES) * REPLICATES
    for record in runs:
        assert record["status"] == "ok" and record["error"] is None
        assert record["seed"] == seeds[record["replicate"]]  # the same for every policy
        assert record["wall_seconds"] >= 0
    assert {(r["policy"], r["replicate"]) for r in runs} == {
        (p, i) for p in POLICIES for i in range(REPLICATES)
    }
    assert manifest["this_invocation"]["ok"] == len(runs)
    assert manifest["warnings"] == reference.warnings
    assert reference.counts == {"ok": len(runs), "failed": 0, "skipped": 0}


def test_the_config_records_the_code_that_made_it(reference: CompareResult) -> None:
    config = json.loads((reference.out / "config.json").read_text(encoding="utf-8"))
    assert config["code"] == code_fingerprint()
    assert config["code"]["version"] == config["izsim_version"]
    assert "experiments/store.py" in config["code"]["files"]


# --- reproducibility: workers, interruption, a killed process ---------------------------------


def test_workers_do_not_change_any_file(
    reference: CompareResult, short_file: Path, tmp_path: Path
) -> None:
    result = compare(
        short_file,
        POLICIES,
        replicates=REPLICATES,
        seed=SEED,
        workers=2,
        out=tmp_path / "cmp",
        quiet=True,
    )
    assert result.counts == reference.counts
    assert outputs(tmp_path / "cmp") == outputs(reference.out)


class Interrupt:
    """``on_done`` that presses Ctrl-C after ``after`` runs and remembers the runs it saw.

    It also checks that each run is on disk by the time it is reported done.
    """

    def __init__(self, out: Path, after: int | None = None) -> None:
        self.out = out
        self.after = after
        self.seen: list[RunTask] = []

    def __call__(self, task: RunTask, status: str) -> None:
        assert status == "ok"
        assert (self.out / "runs" / task.policy / f"{task.name}.parquet").exists()
        record = self.out / "runs" / task.policy / f"{task.name}.json"
        assert json.loads(record.read_text(encoding="utf-8"))["status"] == "ok"
        self.seen.append(task)
        if self.after is not None and len(self.seen) == self.after:
            raise KeyboardInterrupt


def test_an_interrupted_comparison_resumes_where_it_stopped(
    reference: CompareResult, short_file: Path, tmp_path: Path
) -> None:
    out, k = tmp_path / "cmp", 5
    tasks = design(POLICIES, REPLICATES, SEED)
    args = {"replicates": REPLICATES, "seed": SEED, "workers": 1, "out": out, "quiet": True}

    first = Interrupt(out, after=k)
    with pytest.raises(KeyboardInterrupt):
        compare(short_file, POLICIES, **args, on_done=first)
    assert first.seen == tasks[:k]
    assert stored_runs(out) == {(t.policy, t.name) for t in tasks[:k]}
    assert len(list(out.glob("runs/*/*"))) == 3 * k  # no trace of the runs not made
    assert not list(out.glob("*.csv")) and not (out / "manifest.json").exists()

    second = Interrupt(out)
    result = compare(short_file, POLICIES, **args, on_done=second)
    assert second.seen == tasks[k:]
    assert result.counts == {"ok": len(tasks) - k, "failed": 0, "skipped": k}
    assert outputs(out) == outputs(reference.out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["this_invocation"]["skipped"] == k

    third = Interrupt(out)  # everything done: nothing runs, nothing changes
    result = compare(short_file, POLICIES, **args, on_done=third)
    assert third.seen == [] and result.counts["skipped"] == len(tasks)
    assert outputs(out) == outputs(reference.out)


def test_ctrl_c_with_workers_keeps_finished_runs(
    reference: CompareResult, short_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cmp"
    args = {"replicates": REPLICATES, "seed": SEED, "workers": 2, "out": out, "quiet": True}
    first = Interrupt(out, after=3)
    with pytest.raises(KeyboardInterrupt):
        compare(short_file, POLICIES, **args, on_done=first)
    done = stored_runs(out)
    # the runs seen, and those in flight when Ctrl-C came, which were let finish
    assert {(t.policy, t.name) for t in first.seen} <= done
    assert len(done) < len(POLICIES) * REPLICATES

    second = Interrupt(out)
    result = compare(short_file, POLICIES, **args, on_done=second)
    assert {(t.policy, t.name) for t in second.seen}.isdisjoint(done)
    assert result.counts["skipped"] == len(done)
    assert result.counts["ok"] == len(POLICIES) * REPLICATES - len(done)
    assert outputs(out) == outputs(reference.out)


@pytest.mark.slow
def test_a_killed_comparison_resumes_and_leaves_no_processes(
    short_file: Path, tmp_path: Path
) -> None:
    policies, replicates = ["baseline", "balanced"], 40
    out = tmp_path / "killed"
    command = [
        *izsim_command(),
        "compare",
        str(short_file),
        "--policies",
        ",".join(policies),
        "--replicates",
        str(replicates),
        "--seed",
        str(SEED),
        "--out",
        str(out),
        "--workers",
        "2",
        "--quiet",
    ]
    total = len(policies) * replicates
    # Its own session, so that every process it starts can be found (and cleaned up) by group.
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while len(list(out.glob("runs/*/*.json"))) < 4:
            assert process.poll() is None, "the comparison ended before it could be killed"
            assert time.monotonic() < deadline, "no runs written in 120 s"
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        # The workers, the forkserver and the resource tracker must not outlive it: orphans
        # would go on writing runs while the next command writes the same files.
        gone = time.monotonic() + 10
        while _group_alive(process.pid) and time.monotonic() < gone:
            time.sleep(0.05)
        assert not _group_alive(process.pid), "processes of the killed comparison still run"
    finally:
        if _group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
    done = stored_runs(out)
    assert 0 < len(done) < total
    assert not list(out.glob("*.csv"))

    rerun = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["this_invocation"]["skipped"] == len(done)
    assert manifest["this_invocation"]["ok"] == total - len(done)

    whole = compare(
        short_file,
        policies,
        replicates=replicates,
        seed=SEED,
        workers=1,
        out=tmp_path / "whole",
        quiet=True,
    )
    assert outputs(out) == outputs(whole.out)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


# --- a failed run -----------------------------------------------------------------------------


def test_a_failed_run_is_recorded_and_the_others_complete(
    short_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policies, replicates = ["baseline", "balanced"], 3
    bad_seed = replicate_seeds(SEED, replicates)[1]
    real_run = runner.run

    def failing_run(scenario: Scenario, policy: object, seed: int) -> object:
        if getattr(policy, "id", None) == "balanced" and seed == bad_seed:
            raise RuntimeError(f"boom at seed {seed}")
        return real_run(scenario, policy, seed)

    monkeypatch.setattr(runner, "run", failing_run)
    out = tmp_path / "cmp"
    args = {"replicates": replicates, "seed": SEED, "workers": 1, "out": out, "quiet": True}
    result = compare(short_file, policies, **args)
    assert result.counts == {"ok": 5, "failed": 1, "skipped": 0}

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    by_run = {(r["policy"], r["replicate"]): r for r in manifest["runs"]}
    failed = by_run[("balanced", 1)]
    assert failed["status"] == "failed" and failed["seed"] == bad_seed
    assert failed["error"] == f"RuntimeError: boom at seed {bad_seed}"
    assert failed["wall_seconds"] >= 0
    assert all(r["status"] == "ok" for key, r in by_run.items() if key != ("balanced", 1))
    assert not (out / "runs" / "balanced" / "r0001.parquet").exists()

    card = result.scorecard[result.scorecard["status"] == "modelled"]
    assert set(card.loc[card["policy"] == "baseline", "runs"]) == {3}
    assert set(card.loc[card["policy"] == "balanced", "runs"]) == {2}
    assert set(result.comparison["pairs"]) == {2}
    cost = result.cost_effectiveness.set_index("policy")
    assert (cost.loc["baseline", "runs"], cost.loc["balanced", "runs"]) == (3, 2)
    assert "run balanced r0001 failed (see its .json in runs/)" in result.warnings

    # Running again retries the failed run only, and then matches a comparison that never failed.
    monkeypatch.setattr(runner, "run", real_run)
    again = compare(short_file, policies, **args)
    assert again.counts == {"ok": 1, "failed": 0, "skipped": 5}
    whole = compare(short_file, policies, **{**args, "out": tmp_path / "whole"})
    assert outputs(out) == outputs(whole.out)


# --- refusing a different comparison in the same folder -----------------------------------------


def _edit(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")


# (more replicates extend a folder, fewer are refused with what to do: test_store_fingerprint.py)
CHANGES = {
    "seed": ({"seed": SEED + 1}, None),
    "policies": ({"policies": ["baseline", "incentives_first"]}, None),
    "reference": ({"reference": "balanced"}, None),
    "budget_bn_vnd_per_year": ({"budget_bn_vnd_per_year": 60.0}, None),
    "policy file": ({}, "policies/balanced.yaml"),
    "scenario file": ({}, "tuyen_quang.yaml"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_different_comparison_is_refused_in_the_same_folder(change: str, tmp_path: Path) -> None:
    scenario_file = short_copy(tmp_path / "scenario")
    out = tmp_path / "cmp"
    args = {
        "policies": ["baseline", "balanced"],
        "replicates": 3,
        "seed": SEED,
        "workers": 1,
        "out": out,
        "quiet": True,
    }
    compare(scenario_file, **args)
    before = snapshot(out)
    changed_args, edited = CHANGES[change]
    if edited is not None:
        _edit(scenario_file.parent / edited)
    with pytest.raises(InputError) as caught:
        compare(scenario_file, **{**args, **changed_args})
    message = str(caught.value)
    field = {"policy file": "policies", "scenario file": "scenario"}.get(change, change)
    assert "holds results of a different comparison" in message
    assert re.search(rf"changed: [a-z_, ]*\b{field}\b", message), message
    assert str(out) in message and "new --out folder" in message
    assert snapshot(out) == before


def test_the_versions_used_are_recorded_and_resuming_under_others_is_refused(
    short_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "cmp"
    args = {"replicates": 1, "seed": SEED, "workers": 1, "out": out, "quiet": True}
    compare(short_file, ["baseline"], **args)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    config = manifest["config"]
    assert config["python"] == platform.python_version()
    for name in ("mesa", "simpy", "numpy", "pandas", "pyarrow", "scipy"):
        assert config["packages"][name] == version(name), name
    # runs made under another numpy may differ: the saved ones are not mixed with new ones
    recorded = compare_module.environment()
    other = {**recorded, "packages": {**recorded["packages"], "numpy": "0.0.1"}}
    monkeypatch.setattr(compare_module, "environment", lambda: other)
    before = snapshot(out)
    with pytest.raises(InputError, match=r"different comparison \(changed: packages\)"):
        compare(short_file, ["baseline"], **args)
    assert snapshot(out) == before


def test_the_same_comparison_is_accepted_whatever_the_workers(
    reference: CompareResult, short_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cmp"
    shutil.copytree(reference.out, out)
    result = compare(
        short_file, POLICIES, replicates=REPLICATES, seed=SEED, workers=3, out=out, quiet=False
    )
    assert result.counts == {"ok": 0, "failed": 0, "skipped": len(POLICIES) * REPLICATES}
    assert outputs(out) == outputs(reference.out)


def test_a_folder_with_other_files_is_refused(short_file: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(InputError, match="not empty and is not a comparison folder"):
        compare(short_file, ["baseline"], replicates=1, workers=1, out=tmp_path, quiet=True)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_cli_refuses_a_changed_comparison_with_exit_2(
    reference: CompareResult, short_file: Path
) -> None:
    result = cli.invoke(
        app,
        [
            "compare",
            str(short_file),
            "--policies",
            ",".join(POLICIES),
            "--replicates",
            str(REPLICATES),
            "--seed",
            str(SEED + 1),
            "--workers",
            "1",
            "--out",
            str(reference.out),
            "--quiet",
        ],
    )
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert error_line(result.stderr)
    assert "changed: seed" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


# --- the command ------------------------------------------------------------------------------


def test_cli_prints_probabilities_and_warnings(short_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    result = cli.invoke(
        app,
        [
            "compare",
            str(short_file),
            "--policies",
            "baseline,balanced",
            "--replicates",
            "3",
            "--seed",
            str(SEED),
            "--workers",
            "1",
            "--out",
            str(out),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "Probability of meeting each target by its deadline" in text
    assert "baseline" in text and "balanced" in text
    card = pd.read_csv(out / "scorecard.csv")
    for row in card[card["status"] == "modelled"].itertuples():
        line = next(line for line in text.splitlines() if f" {row.target} " in line)
        cell = f"{row.probability:.0%} [{row.probability_low:.0%}–{row.probability_high:.0%}]"
        assert cell in line, (row.target, row.policy)
    for row in card[card["status"] == "not_modelled"].itertuples():
        assert f" {row.target} " not in text
    assert f"wrote {out}/" in text
    warnings = result.stderr.replace("\n", " ")
    assert "warning: 3 replicates give probabilities no better than ±0.10" in warnings
    assert "Traceback" not in text + result.stderr


# --- equal-cost comparison ----------------------------------------------------------------------


def test_budget_scales_every_policy_but_the_reference(
    short_file: Path, short_scenario: Scenario, tmp_path: Path
) -> None:
    budget, policies = 60.0, ["baseline", "incentives_first", "admin_reform"]
    result = compare(
        short_file,
        policies,
        replicates=3,
        seed=SEED,
        workers=1,
        out=tmp_path / "cmp",
        quiet=True,
        budget_bn_vnd_per_year=budget,
    )
    assert set(result.scale_factors) == {"incentives_first", "admin_reform"}
    fit_seeds = replicate_seeds(SEED, FIT_SEEDS)
    folder = short_file.parent / "policies"
    baseline = load_policy(folder / "baseline.yaml")
    for pid, factor in result.scale_factors.items():
        assert 0 < factor < MAX_FACTOR
        scaled = load_policy(folder / f"{pid}.yaml").scaled(factor, baseline)
        assert annual_spending(short_scenario, scaled, fit_seeds) == pytest.approx(budget, rel=0.01)
    assert not [w for w in result.warnings if "spends only" in w]
    config = json.loads((tmp_path / "cmp" / "config.json").read_text(encoding="utf-8"))
    assert config["budget_bn_vnd_per_year"] == budget
    assert {p["id"]: p["scale"] for p in config["policies"]} == {
        "baseline": None,
        **result.scale_factors,
    }
    # The runs of the comparison (other seeds) spend about the budget too.
    years = short_scenario.months / 12
    cost = result.cost_effectiveness.set_index("policy")
    for pid in result.scale_factors:
        assert cost.loc[pid, "public_spending_bn_vnd"] / years == pytest.approx(budget, rel=0.15)


def test_a_budget_a_package_cannot_spend_is_reported(
    short_file: Path, short_scenario: Scenario, tmp_path: Path
) -> None:
    # Regulation adds little money to the baseline: even at the largest scale it falls short.
    budget = 1000.0
    result = compare(
        short_file,
        ["baseline", "regulation_first"],
        replicates=2,
        seed=SEED,
        workers=1,
        out=tmp_path / "cmp",
        quiet=True,
        budget_bn_vnd_per_year=budget,
    )
    # inspection ×2 [1.5–4] and 5 bn VND of administration [2–15] over the baseline: both
    # reach the end of their stated ranges at ×3, and the package stops there
    assert result.scale_factors == {"regulation_first": pytest.approx(3.0)}
    policy = load_policy(short_file.parent / "policies" / "regulation_first.yaml")
    baseline = load_policy(short_file.parent / "policies" / "baseline.yaml")
    scaled = policy.scaled(3.0, baseline)
    assert scaled.levers.inspection_multiplier == pytest.approx(4.0)
    assert scaled.levers.administration_bn_vnd_per_year == pytest.approx(15.0)
    further = policy.scaled(4.0, baseline).levers  # nothing goes further
    assert further.model_dump(exclude={"sources", "ranges"}) == scaled.levers.model_dump(
        exclude={"sources", "ranges"}
    )
    reached = annual_spending(short_scenario, scaled, replicate_seeds(SEED, FIT_SEEDS))
    assert reached < budget
    fit = result.scaling["regulation_first"]
    assert not fit.reached_budget
    assert fit.spending_bn_vnd_per_year == pytest.approx(reached)
    assert fit.at_limit() == ["administration_bn_vnd_per_year", "inspection_multiplier"]
    assert any(
        w.startswith(
            "'regulation_first' could not spend the budget: its levers reach their stated"
            f" ranges at {reached:.1f} bn VND a year"
        )
        and "short of the 1000 budget" in w
        for w in result.warnings
    ), result.warnings
    assert any("above the scenario's programme budget" in w for w in result.warnings)
    # the config (and the manifest, which holds it) records the factor and every lever's limit
    config = json.loads((tmp_path / "cmp" / "config.json").read_text(encoding="utf-8"))
    manifest = json.loads((tmp_path / "cmp" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"] == config
    entry = {p["id"]: p for p in config["policies"]}["regulation_first"]
    assert entry["scale"] == pytest.approx(3.0)
    assert entry["scaling"]["reached_budget"] is False
    assert entry["scaling"]["spending_bn_vnd_per_year"] == pytest.approx(reached, abs=1e-3)
    assert entry["scaling"]["levers"]["inspection_multiplier"] == {
        "package": 2.0,
        "scaled": pytest.approx(4.0),
        "limit": 4.0,
        "stated_range": [1.5, 4.0],
        "at_limit": True,
    }
    assert "scaling" not in {p["id"]: p for p in config["policies"]}["baseline"]


def test_a_budget_below_what_the_reference_spends_is_refused(
    short_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cmp"
    with pytest.raises(InputError, match="is below what the package spends") as caught:
        compare(
            short_file,
            ["baseline", "balanced"],
            replicates=2,
            workers=1,
            out=out,
            quiet=True,
            budget_bn_vnd_per_year=1,
        )
    assert "balanced" in str(caught.value)
    assert not out.exists()  # refused before anything is written


def test_cli_budget_prints_scale_factors_and_refuses_too_small_a_budget(
    short_file: Path, tmp_path: Path
) -> None:
    args = [
        "compare",
        str(short_file),
        "--policies",
        "baseline,admin_reform",
        "--replicates",
        "2",
        "--workers",
        "1",
        "--quiet",
    ]
    result = cli.invoke(app, [*args, "--out", str(tmp_path / "cmp"), "--budget", "60"])
    assert result.exit_code == 0, result.stderr
    assert re.search(r"scaled to 60 bn VND a year:\s+admin_reform ×[0-9.]+", result.stdout)

    result = cli.invoke(app, [*args, "--out", str(tmp_path / "small"), "--budget", "1"])
    assert result.exit_code == 2, result.output
    assert error_line(result.stderr) and "--budget" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
