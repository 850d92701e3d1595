"""The sweep engine (issue 10): resumable, backend-independent, extensible, refusing bad input.

Most studies here vary two parameters of Tuyên Quang (a run takes ~0.04 s) in batches of 4
parameter sets (``sweep.BATCH`` is patched for this module), so that a Sobol' study of N = 8
(32 sets) spans eight batch files and an interruption, an extension or a resume has batches on
both sides of it. The SIGKILL test starts the real command line with the engine's own batch size.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from izsim.cli import app
from izsim.errors import InputError
from izsim.experiments import sweep as sweep_module
from izsim.experiments.design import replicate_seeds
from izsim.experiments.sweep import Batch, SweepResult, sweep
from izsim.scenario import load_policy, load_scenario
from izsim.scenario.parameters import parameters, with_values
from izsim.scorecard import scorecard
from tests.conftest import ROOT, SCENARIO_FILE

cli = CliRunner()
SMALL_BATCH = 4
ENGINE_BATCH = sweep_module.BATCH
"""The batch size of the command line started in a subprocess (not patched there)."""
SEED = 3
GROWTH = ("2021-12", "2025-12")
SPACE = f"""\
space:
  parameters:
    - economy.existing_output_growth_pct
    - name: investors.pipeline_projects
      range: [2, 14]
  outputs:
    - {{id: output_2025, indicator: industrial_output_bn_vnd, at: "2025-12"}}
    - id: output_growth
      indicator: industrial_output_bn_vnd
      growth: ["{GROWTH[0]}", "{GROWTH[1]}"]
    - {{id: ipv_met, target: ipv_2025, measure: met}}
    - {{id: ipv, target: ipv_2025}}
"""
"""Two parameters (one with the scenario's range, one with its own) and every kind of output."""


@pytest.fixture(scope="module", autouse=True)
def small_batches() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sweep_module, "BATCH", SMALL_BATCH)
        yield


@pytest.fixture(scope="module")
def space_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("space") / "space.yaml"
    path.write_text(SPACE, encoding="utf-8")
    return path


def study(space_file: Path, out: Path, **options: Any) -> SweepResult:
    options = {"design": "sobol", "samples": 8, "seed": SEED, "workers": 1, **options}
    return sweep(SCENARIO_FILE, space_file=space_file, out=out, quiet=True, **options)


@pytest.fixture(scope="module")
def sobol8_r2(space_file: Path, tmp_path_factory: pytest.TempPathFactory) -> SweepResult:
    """Sobol' N = 8, two replicates, in this process, never interrupted: what the rest equal."""
    return study(space_file, tmp_path_factory.mktemp("ref") / "sobol8_r2", replicates=2)


def assert_same_study(folder: Path, reference: Path) -> None:
    """Equal outputs tables and byte-identical sensitivity and discovery files."""
    pd.testing.assert_frame_equal(
        pd.read_parquet(folder / "outputs.parquet"), pd.read_parquet(reference / "outputs.parquet")
    )
    for name in ("sensitivity.csv", "discovery.csv"):
        assert (folder / name).read_bytes() == (reference / name).read_bytes(), name


def batch_mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (folder / "batches").glob("*.json")}


# 1. interrupted and resumed ----------------------------------------------------------------


def test_reference_is_complete_and_analysed(sobol8_r2: SweepResult) -> None:
    table = sobol8_r2.outputs
    assert len(table) == 8 * (2 + 2) * 2
    assert (table["status"] == "ok").all()
    assert not table.duplicated(["sample", "replicate"]).any()
    assert len(list((sobol8_r2.out / "batches").glob("*.json"))) == 32 // SMALL_BATCH * 2
    sensitivity = pd.read_csv(sobol8_r2.out / "sensitivity.csv")
    assert set(sensitivity["index"]) == {"S1", "ST"}
    assert {"output_2025", "output_growth", "ipv"} <= set(sensitivity["output"])


def test_interrupted_in_process_resumes_to_the_same_study(
    space_file: Path, sobol8_r2: SweepResult, tmp_path: Path
) -> None:
    """Ctrl-C after three batches keeps them; the rerun runs only the other thirteen."""
    out = tmp_path / "study"
    seen: list[Batch] = []

    def stop_after_three(batch: Batch) -> None:
        seen.append(batch)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        study(space_file, out, replicates=2, on_batch=stop_after_three)
    kept = batch_mtimes(out)
    assert sorted(kept) == sorted(f"{b.name}.json" for b in seen)
    assert not (out / "outputs.parquet").exists()
    rerun: list[Batch] = []
    study(space_file, out, replicates=2, on_batch=rerun.append)
    assert {b.name for b in rerun}.isdisjoint(b.name for b in seen)
    assert len(rerun) == 16 - 3
    assert {k: v for k, v in batch_mtimes(out).items() if k in kept} == kept
    assert_same_study(out, sobol8_r2.out)


def _command(out: Path, space: Path) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from izsim.cli import main; main()",
        "sweep",
        str(SCENARIO_FILE),
        "--space",
        str(space),
        "--design",
        "sobol",
        "--samples",
        "16",
        "--workers",
        "2",
        "--seed",
        str(SEED),
        "--out",
        str(out),
        "--no-figures",
        "--quiet",
    ]


def test_sigkilled_command_resumes_to_the_uninterrupted_study(tmp_path: Path) -> None:
    """SIGKILL to the command and its workers mid-study; the same command finishes it with
    every run once, and the folder equals one never interrupted."""
    space = tmp_path / "space6.yaml"
    names = [
        "economy.existing_output_growth_pct",
        "investors.prospects_per_month",
        "investors.promotion_elasticity",
        "investors.pipeline_projects",
        "labour.inflow_max_pct",
        "economy.existing_jobs_growth_pct",
    ]
    body = SPACE.split("  outputs:")[1]
    space.write_text(
        "space:\n  parameters:\n" + "".join(f"    - {n}\n" for n in names) + "  outputs:" + body,
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    batches = 16 * (6 + 2) // ENGINE_BATCH
    proc = subprocess.Popen(
        _command(killed, space),
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not list((killed / "batches").glob("s*.json")):
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "no batch written in 60 s"
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    saved = list((killed / "batches").glob("s*.json"))
    assert 1 <= len(saved) < batches, "the command ended before it was killed"
    assert not (killed / "outputs.parquet").exists()
    # a writer killed between writing and renaming leaves a temporary file: the rerun removes it
    (killed / "batches" / ".s0000000-0000016.r0000.json.999999.tmp").write_text("{partial")
    done = subprocess.run(_command(killed, space), env=env, cwd=ROOT, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    done = subprocess.run(_command(whole, space), env=env, cwd=ROOT, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    table = pd.read_parquet(killed / "outputs.parquet")
    assert len(table) == 16 * (6 + 2)
    assert not table.duplicated(["sample", "replicate"]).any()
    assert len(list((killed / "batches").glob("s*.json"))) == batches
    assert not list(killed.rglob("*.tmp"))
    assert_same_study(killed, whole)


# 2. backends ------------------------------------------------------------------------------


def test_two_local_processes_give_the_same_study_as_one(
    space_file: Path, sobol8_r2: SweepResult, tmp_path: Path
) -> None:
    result = study(space_file, tmp_path / "two", replicates=2, workers=2)
    assert_same_study(result.out, sobol8_r2.out)


def test_a_local_dask_cluster_gives_the_same_study_as_one_process(
    space_file: Path, sobol8_r2: SweepResult, tmp_path: Path
) -> None:
    result = study(space_file, tmp_path / "dask", replicates=2, workers=None, dask_workers=2)
    assert_same_study(result.out, sobol8_r2.out)


# 3. missing samples -----------------------------------------------------------------------


@pytest.mark.parametrize("design", ["sobol", "lhs"])
def test_a_failed_run_leaves_its_outputs_unanalysed_and_says_why(
    space_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, design: str
) -> None:
    """One failed run of set 5: no sensitivity row for any output (each has a NaN there),
    and a note per output naming the missing set, not indices of an incomplete design; an
    output the same in every other run is refused for the missing set too, not reported as
    the same everywhere."""
    import izsim.run

    real_run = izsim.run.run
    calls = iter(range(10**6))

    def failing_run(*args: Any, **kwargs: Any) -> Any:
        if next(calls) == 5:
            raise RuntimeError("the model broke on purpose")
        return real_run(*args, **kwargs)

    monkeypatch.setattr(izsim.run, "run", failing_run)
    space = tmp_path / "space.yaml"
    constant = '    - {id: kcn_2021, indicator: new_zones_kcn, at: "2021-01"}\n'
    space.write_text(space_file.read_text(encoding="utf-8") + constant, encoding="utf-8")
    samples = 4 if design == "sobol" else 8
    result = study(space, tmp_path / "failed", design=design, samples=samples)
    failed = result.outputs[result.outputs["status"] != "ok"]
    assert failed["sample"].tolist() == [5]
    assert "RuntimeError: the model broke on purpose" in failed["error"].iloc[0]
    assert result.sensitivity.empty
    assert pd.read_csv(result.out / "sensitivity.csv").empty
    # kcn_2021 is the same in every run that ran: the note must still say a set is missing
    assert result.outputs["kcn_2021"].nunique() == 1
    ids = ["output_2025", "output_growth", "ipv_met", "ipv", "kcn_2021"]
    for output in ids:
        [note] = [n for n in result.notes if n.startswith(f"{output}:")]
        assert "not analysed" in note and ("(rows 5)" in note or "e.g. set 5)" in note), note
    notes = (result.out / "notes.txt").read_text(encoding="utf-8")
    assert all(f"{output}: not analysed" in notes for output in ids)


# 4. changed code --------------------------------------------------------------------------


def _edited(fingerprint: dict[str, Any]) -> dict[str, Any]:
    files = dict(fingerprint["files"])
    files["experiments/sweep.py"] = "0" * 16
    return {**fingerprint, "sources_sha256": "f" * 64, "files": files}


def test_resuming_with_changed_code_is_refused_naming_the_file(
    space_file: Path, sobol8_r2: SweepResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import izsim.fingerprint

    out = tmp_path / "copy"
    shutil.copytree(sobol8_r2.out, out)
    before = batch_mtimes(out)
    edited = _edited(izsim.fingerprint.code_fingerprint())
    monkeypatch.setattr(izsim.fingerprint, "code_fingerprint", lambda: edited)
    with pytest.raises(InputError) as error:
        study(space_file, out, replicates=2)
    message = str(error.value)
    assert "changed: code" in message and "edited: experiments/sweep.py" in message, message
    assert batch_mtimes(out) == before


def test_cli_refuses_a_folder_of_other_code_with_exit_2(
    space_file: Path, sobol8_r2: SweepResult, tmp_path: Path
) -> None:
    out = tmp_path / "copy"
    shutil.copytree(sobol8_r2.out, out)
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    config["code"] = {**_edited(config["code"]), "version": "0.0.1"}
    (out / "config.json").write_text(json.dumps(config), encoding="utf-8")
    args = ["sweep", str(SCENARIO_FILE), "--space", str(space_file), "--design", "sobol"]
    args += ["--samples", "8", "--replicates", "2", "--seed", str(SEED), "--workers", "1"]
    result = cli.invoke(app, [*args, "--out", str(out), "--no-figures", "--quiet"])
    assert result.exit_code == 2, result.output
    assert "changed: code" in result.output and "izsim 0.0.1 →" in result.output
    assert "experiments/sweep.py" in result.output and "Traceback" not in result.output


# 5. extending -----------------------------------------------------------------------------


def test_more_replicates_extend_the_folder_without_rerunning_the_first(
    space_file: Path, sobol8_r2: SweepResult, tmp_path: Path
) -> None:
    out = tmp_path / "grow"
    study(space_file, out, replicates=1)
    first = batch_mtimes(out)
    added: list[Batch] = []
    study(space_file, out, replicates=2, on_batch=added.append)
    assert {b.replicate for b in added} == {1} and len(added) == 32 // SMALL_BATCH
    assert {k: v for k, v in batch_mtimes(out).items() if k in first} == first
    assert json.loads((out / "size.json").read_text())["replicates"] == 2
    assert_same_study(out, sobol8_r2.out)


def test_more_sobol_samples_extend_the_folder_keeping_the_first(
    space_file: Path, tmp_path: Path
) -> None:
    whole = study(space_file, tmp_path / "whole", samples=16)
    out = tmp_path / "grow"
    study(space_file, out, samples=8)
    first = batch_mtimes(out)
    added: list[Batch] = []
    study(space_file, out, samples=16, on_batch=added.append)
    assert min(b.start for b in added) == 32 and len(added) == 32 // SMALL_BATCH
    assert {k: v for k, v in batch_mtimes(out).items() if k in first} == first
    assert_same_study(out, whole.out)


def test_more_lhs_samples_are_refused(space_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "lhs"
    study(space_file, out, design="lhs", samples=16)
    before = batch_mtimes(out)
    with pytest.raises(InputError) as error:
        study(space_file, out, design="lhs", samples=32)
    message = str(error.value)
    assert "32: the folder holds 16 samples of a lhs design" in message, message
    assert "use a new --out" in message
    assert json.loads((out / "size.json").read_text())["samples"] == 16
    assert batch_mtimes(out) == before


# 6. bad space files and options -----------------------------------------------------------

OUTPUT = '{id: out, indicator: industrial_output_bn_vnd, at: "2025-12"}'
BAD_SPACES = {
    "unknown parameter": (
        "space:\n  parameters: [economy.existing_output_growth]\n  outputs: targets\n",
        ["economy.existing_output_growth", "did you mean economy.existing_output_growth_pct"],
    ),
    "low not below high": (
        "space:\n  parameters:\n    - {name: economy.existing_output_growth_pct, range: [5, 5]}"
        "\n  outputs: targets\n",
        ["space.parameters", "low must be below high"],
    ),
    "unknown indicator": (
        "space:\n  parameters: all_ranged\n  outputs:\n"
        '    - {id: out, indicator: output_bn, at: "2025-12"}\n',
        ["space.outputs", "indicator 'output_bn' is not one of"],
    ),
    "at and growth": (
        "space:\n  parameters: all_ranged\n  outputs:\n"
        '    - {id: out, indicator: industrial_output_bn_vnd, at: "2025-12",'
        ' growth: ["2022-12", "2025-12"]}\n',
        ["space.outputs", "give either `at: YYYY-MM` or `growth: [from, to]`"],
    ),
    "month outside the run": (
        "space:\n  parameters: all_ranged\n  outputs:\n"
        '    - {id: out, indicator: industrial_output_bn_vnd, at: "2035-12"}\n',
        ["space.outputs[0] (out)", "month 2035-12 is outside the run (2021-01 to 2030-12)"],
    ),
    "unknown target": (
        "space:\n  parameters: all_ranged\n  outputs:\n    - {id: out, target: ipv_2026}\n",
        ["space.outputs[0] (out)", "target 'ipv_2026' is not a modelled target"],
    ),
    "target not modelled": (
        "space:\n  parameters: all_ranged\n  outputs:\n"
        "    - {id: out, target: trained_labour_2025}\n",
        ["space.outputs[0] (out)", "target 'trained_labour_2025' is not a modelled target"],
    ),
    "no range and no bounds": (
        f"space:\n  parameters: [economy.workforce_base]\n  outputs:\n    - {OUTPUT}\n",
        ["space.parameters (economy.workforce_base)", "has no range in the scenario"],
    ),
    "rest with all_ranged": (
        "space:\n  parameters: all_ranged\n  rest: true\n  outputs: targets\n",
        ["space.rest", "`rest: true` goes with a list of parameters"],
    ),
    "rest alone": (
        "space:\n  parameters: []\n  rest: true\n  outputs: targets\n",
        ["space.rest", "`rest: true` needs at least one parameter listed beside it"],
    ),
    "not a mapping": (
        "- economy.existing_output_growth_pct\n",
        ["Input should be a mapping of fields"],
    ),
    "space not a mapping": ("space: 3\n", ["space: Input should be a mapping of fields"]),
    "unknown key": (
        "space:\n  parameters: all_ranged\n  outputs: targets\n  replicates: 3\n",
        [
            "space.replicates: unknown field 'replicates'"
            " (allowed: parameters, outputs, dummies, rest)"
        ],
    ),
}


@pytest.mark.parametrize("case", BAD_SPACES)
def test_a_bad_space_file_is_a_clear_error(case: str, tmp_path: Path) -> None:
    text, phrases = BAD_SPACES[case]
    space = tmp_path / "bad.yaml"
    space.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    args = ["sweep", str(SCENARIO_FILE), "--space", str(space), "--out", str(out)]
    result = cli.invoke(app, [*args, "--workers", "1", "--no-figures", "--quiet"])
    assert result.exit_code == 2, result.output
    assert "error" in result.output and str(space) in result.output, result.output
    for phrase in phrases:
        assert phrase in " ".join(result.output.split()), result.output
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("options", "phrase"),
    [
        (["--design", "foo"], "'foo': give one of lhs, grid, morris, sobol"),
        (["--design", "sobol", "--samples", "12"], "12: Sobol' needs a power of 2"),
    ],
)
def test_bad_options_are_a_clear_error(
    options: list[str], phrase: str, space_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = ["sweep", str(SCENARIO_FILE), "--space", str(space_file), "--out", str(out)]
    result = cli.invoke(app, [*args, *options, "--no-figures", "--quiet"])
    assert result.exit_code == 2, result.output
    assert phrase in result.output and "Traceback" not in result.output, result.output
    assert not out.exists()


# 7. outputs -------------------------------------------------------------------------------


def test_outputs_are_the_runs_values(sobol8_r2: SweepResult) -> None:
    """Rerun three rows by hand: the parameter values set, the replicate's seed, each output
    as the run's value, compound growth and scorecard say."""
    from izsim.run import run

    scenario = load_scenario(SCENARIO_FILE)
    policy = load_policy(SCENARIO_FILE.parent / "policies" / "baseline.yaml")
    params = parameters(scenario, policy)
    names = ["economy.existing_output_growth_pct", "investors.pipeline_projects"]
    table = sobol8_r2.outputs
    assert sorted(set(table["seed"])) == sorted(replicate_seeds(SEED, 2))
    for sample, replicate in [(0, 0), (13, 1), (30, 0)]:
        [row] = table[(table["sample"] == sample) & (table["replicate"] == replicate)].to_dict(
            "records"
        )
        assert row["seed"] == replicate_seeds(SEED, 2)[replicate]
        assert 5 <= row[names[0]] <= 12 and 2 <= row[names[1]] <= 14
        varied, chosen = with_values(scenario, policy, {n: row[n] for n in names}, params=params)
        result = run(varied, chosen, row["seed"])
        indicator = "industrial_output_bn_vnd"
        assert row["output_2025"] == result.value(indicator, "2025-12")
        begin, end = result.value(indicator, GROWTH[0]), result.value(indicator, GROWTH[1])
        assert row["output_growth"] == pytest.approx(
            ((end / begin) ** (1 / 4) - 1) * 100, rel=1e-12
        )
        card = scorecard(result).set_index("target").loc["ipv_2025"]
        assert row["ipv_met"] == (1.0 if card["status"] == "met" else 0.0)
        assert card["status"] in ("met", "missed")
        assert row["ipv"] == pytest.approx(card["simulated"], abs=1e-6)
    # not every run alike: the parameters reach the outputs
    assert table["output_2025"].nunique() > 1 and not math.isnan(table["output_2025"].sum())


def test_a_rest_group_varies_every_other_ranged_number_together(tmp_path: Path) -> None:
    """``rest: true``: the numbers not listed vary, each within its range, as one Sobol' group;
    indices come for the listed parameters and ``rest``; discovery searches the listed only."""
    space = tmp_path / "space.yaml"
    space.write_text(
        "space:\n  parameters: [economy.existing_output_growth_pct]\n  rest: true\n"
        f"  outputs:\n    - {OUTPUT}\n    - {{id: ipv_met, target: ipv_2025, measure: met}}\n",
        encoding="utf-8",
    )
    result = study(space, tmp_path / "out", samples=4)
    table = result.outputs
    assert len(table) == 4 * (2 + 2)  # two groups: A, a swap of each, B
    params = parameters(
        load_scenario(SCENARIO_FILE),
        load_policy(SCENARIO_FILE.parent / "policies" / "baseline.yaml"),
    )
    rest = [p for p in params if p.range is not None and not p.name.startswith("levers.")]
    rest = [p for p in rest if p.name != "economy.existing_output_growth_pct"]
    assert len(rest) > 150 and all(p.name in table.columns for p in rest)
    for p in rest[:20]:
        assert table[p.name].between(p.range.low, p.range.high).all()
    # rows 0 and 1 of a block differ in the listed parameter only; rows 1 and 2 in the rest
    first = table[table["sample"] < 4].set_index("sample")
    names = [p.name for p in rest]
    assert (first.loc[0, names] == first.loc[1, names]).all()
    assert (
        first.loc[0, "economy.existing_output_growth_pct"]
        != first.loc[1, "economy.existing_output_growth_pct"]
    )
    assert (first.loc[1, names] != first.loc[2, names]).sum() > 150
    sensitivity = pd.read_csv(result.out / "sensitivity.csv")
    assert list(dict.fromkeys(sensitivity["factor"])) == [
        "economy.existing_output_growth_pct",
        "rest",
    ]
    assert any("not searched" in note for note in result.notes)


@pytest.mark.parametrize("design", ["morris", "grid"])
def test_a_rest_group_is_refused_where_each_parameter_moves_alone(
    design: str, tmp_path: Path
) -> None:
    space = tmp_path / "space.yaml"
    space.write_text(
        "space:\n  parameters: [economy.existing_output_growth_pct]\n  rest: true\n"
        f"  outputs:\n    - {OUTPUT}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["sweep", str(SCENARIO_FILE), "--space", str(space), "--out", str(out)]
    result = cli.invoke(app, [*args, "--design", design, "--no-figures", "--quiet"])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert f"a {design} design moves every parameter on its own" in text, result.output
    assert str(space) in text and "space.rest" in text and "Traceback" not in text
    assert not out.exists()
