"""The command line end to end: files written, byte-identical reruns, help text."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml
from rich.console import Console
from typer.testing import CliRunner

import izsim
from izsim.cli import _probability_table, _scorecard_table, app
from izsim.indicators import INDICATOR_IDS
from izsim.model.labour import LabourPool
from izsim.outputs import LOCK_NAME, folder_lock
from izsim.result import RunResult
from izsim.run import run
from izsim.scenario import load_policy, load_scenario
from izsim.scorecard import scorecard, scorecard_table
from tests.conftest import ROOT, SCENARIO_FILE

runner = CliRunner()
FILES = (
    "timeseries.parquet",
    "timeseries.csv",
    "zones.csv",
    "zone_states.parquet",
    "events.csv",
    "scorecard.csv",
    "manifest.json",
    "inputs",
)


def run_result_for_table() -> RunResult:
    """A Tuyên Quang baseline run, for its scorecard."""
    policy = load_policy(SCENARIO_FILE.parent / "policies" / "baseline.yaml")
    return run(load_scenario(SCENARIO_FILE), policy, seed=1)


def izsim_command() -> list[str]:
    script = shutil.which("izsim", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-c", "from izsim.cli import main; main()"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_help_explains_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("run", "validate", "indicators"):
        assert command in result.output
    run_help = runner.invoke(app, ["run", "--help"])
    for option in ("--policy", "--seed", "--out"):
        assert option in run_help.output


def test_run_writes_its_files(tmp_path: Path) -> None:
    out = tmp_path / "tq"
    result = runner.invoke(app, ["run", str(SCENARIO_FILE), "--seed", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if p.name != LOCK_NAME) == sorted(FILES)
    tidy = pd.read_parquet(out / "timeseries.parquet")
    assert list(tidy.columns) == ["month", "indicator", "value"]
    assert set(tidy["indicator"]) == set(INDICATOR_IDS)
    card = pd.read_csv(out / "scorecard.csv")
    assert {
        "indicator",
        "comparator",
        "target_value",
        "deadline",
        "simulated",
        "status",
        "source",
    } <= set(card.columns)
    assert card["source"].str.startswith("tq_nq_2021 §").all()  # the plan document cited
    assert set(card["status"]) <= {"met", "missed", "not_modelled", "no_value"}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 1 and manifest["policy"]["id"] == "baseline"
    assert manifest["scenario"]["sha256"] == digest(SCENARIO_FILE)
    assert "Tuyên Quang" in result.output


def test_run_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path) -> None:
    """`izsim run` pauses the cyclic collector for its start-up (cli._start_up); in a process
    that goes on, as this one, it runs again afterwards, after bad input too, and a caller
    that had paused it finds it paused."""
    assert gc.isenabled()
    done = runner.invoke(app, ["run", str(SCENARIO_FILE), "--seed", "1"])
    assert done.exit_code == 0, done.output
    assert gc.isenabled()
    refused = runner.invoke(app, ["run", str(tmp_path / "missing.yaml")])
    assert refused.exit_code == 2
    assert gc.isenabled()
    gc.disable()
    try:
        runner.invoke(app, ["run", str(tmp_path / "missing.yaml")])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_default_policy_is_the_baseline_beside_the_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From any folder: the baseline beside the scenario, said on screen and in the manifest."""
    monkeypatch.chdir(tmp_path)  # outside scenarios/ and the repository
    out = tmp_path / "tq"
    result = runner.invoke(app, ["run", str(SCENARIO_FILE), "--seed", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    baseline = SCENARIO_FILE.parent / "policies" / "baseline.yaml"
    assert f"policy 'baseline' from {baseline} (default: baseline beside the scenario)" in (
        result.stdout.replace("\n", "")
    )
    policy = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["policy"]
    assert policy["id"] == "baseline" and policy["file"] == str(baseline)
    assert policy["given_as"] == "default: baseline beside the scenario"
    assert policy["sha256"] == digest(baseline)


def test_run_takes_a_policy_id_like_compare(tmp_path: Path) -> None:
    out = tmp_path / "tq"
    result = runner.invoke(
        app, ["run", str(SCENARIO_FILE), "--policy", "regulation_first", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    policy = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["policy"]
    chosen = SCENARIO_FILE.parent / "policies" / "regulation_first.yaml"
    assert (policy["id"], policy["file"]) == ("regulation_first", str(chosen))
    assert policy["given_as"] == "--policy regulation_first"
    assert "policy 'regulation_first'" in result.stdout


def test_run_without_a_baseline_beside_the_scenario_is_refused(tmp_path: Path) -> None:
    """No built-in stand-in: lever defaults are not the province's practice."""
    scenario = tmp_path / "mine.yaml"
    shutil.copy(SCENARIO_FILE, scenario)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(scenario), "--out", str(out)])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    message = " ".join(result.stderr.split())
    assert message.startswith("error: --policy: not given, and the scenario has no baseline")
    assert f"{tmp_path / 'policies' / 'baseline.yaml'} does not exist" in message
    assert "give --policy ID" in message and "--policy FILE" in message
    assert not out.exists()


def test_run_names_the_policies_there_for_an_unknown_id(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(SCENARIO_FILE), "--policy", "regulation_frst"])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    message = " ".join(result.stderr.split())
    assert "error: --policy: 'regulation_frst' is not a policy beside the scenario" in message
    assert "did you mean 'regulation_first'?" in message
    assert "policies there: admin_reform, balanced, baseline" in message


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (["compare", "--policies", "baseline,regulation_frst", "--replicates", "1"], "--policies"),
        (["levers", "--policy", "regulation_frst", "--replicates", "1"], "--policy"),
        (["levers", "--policy", "balanced", "--reference", "baselin"], "--reference"),
    ],
)
def test_experiments_name_the_policies_there_for_an_unknown_id(
    tmp_path: Path, command: list[str], option: str
) -> None:
    """compare and levers resolve policy ids as run does: a typo gets the same hint."""
    out = tmp_path / "out"
    result = runner.invoke(app, [command[0], str(SCENARIO_FILE), *command[1:], "--out", str(out)])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    message = " ".join(result.stderr.split())
    assert f"error: {option}: '" in message and "is not a policy beside the scenario" in message
    assert "did you mean '" in message and "policies there: admin_reform" in message
    assert not out.exists()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"izsim {izsim.__version__}"
    assert re.fullmatch(r"izsim \d+\.\d+\.\d+\S*", result.stdout.strip())


def _column(text: str, index: int) -> str:
    """The cells of a rich table's column ``index``, line by line, joined (folded words whole)."""
    cells = [line.split("│")[index + 1].strip() for line in text.splitlines() if "│" in line]
    return "".join(cells)


def test_tables_fold_long_names_instead_of_cutting_them() -> None:
    """A console narrower than the names: every character is shown, none replaced by '…'."""
    result = run_result_for_table()
    card = scorecard(result)
    wide_policies = pd.concat(
        [card.assign(policy=name) for name in ("baseline", "infrastructure_first", "balanced")]
    )
    probability = wide_policies.assign(
        status="modelled", probability=0.5, probability_low=0.3, probability_high=0.7
    )
    console = Console(width=60, record=True)
    with console.capture() as captured:
        console.print(_scorecard_table(scorecard_table(result), "scorecard"))
    scorecard_text = captured.get()
    with console.capture() as captured:
        console.print(_probability_table(probability))
    probability_text = captured.get()
    for text in (scorecard_text, probability_text):
        assert "…" not in text
        targets = _column(text, 0)
        for target in card["target"]:
            assert target in targets


def test_indicators_lists_the_catalogue() -> None:
    result = runner.invoke(app, ["indicators"])
    assert result.exit_code == 0
    assert "occupancy_rate" in result.output and "Tỷ lệ lấp đầy" in result.output


def test_validate_accepts_the_shipped_files() -> None:
    files = [
        str(SCENARIO_FILE),
        *map(str, sorted((ROOT / "scenarios" / "policies").glob("*.yaml"))),
    ]
    result = runner.invoke(app, ["validate", *files])
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_rerun_is_byte_identical_and_other_seeds_differ(tmp_path: Path) -> None:
    """The issue's 'done when': same command twice, identical files (manifest aside)."""
    digests = []
    for name, seed in (("a", "1"), ("b", "1"), ("c", "2")):
        subprocess.run(
            [
                *izsim_command(),
                "run",
                str(SCENARIO_FILE),
                "--seed",
                seed,
                "--out",
                str(tmp_path / name),
            ],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        digests.append({f: digest(tmp_path / name / f) for f in FILES[:2]})
    assert digests[0] == digests[1]
    assert digests[0]["timeseries.parquet"] != digests[2]["timeseries.parquet"]


def test_a_second_command_into_a_folder_in_use_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "tq"
    out.mkdir()
    with folder_lock(out):  # as another izsim command holding the folder
        result = runner.invoke(app, ["run", str(SCENARIO_FILE), "--out", str(out)])
        assert result.exit_code == 2
        assert "another izsim command is writing into this folder" in result.output
        assert "Traceback" not in result.output
        assert {p.name for p in out.iterdir()} == {LOCK_NAME}  # nothing written
    result = runner.invoke(app, ["run", str(SCENARIO_FILE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with folder_lock(out):
        result = runner.invoke(app, ["report", str(out), "--format", "html", "--lang", "en"])
        assert result.exit_code == 2 and "another izsim command" in result.output
        assert not (out / "report.en.html").exists()


def test_a_report_that_cannot_be_written_exits_2_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import izsim.present.report

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device", str(tmp_path / "report.en.html"))

    monkeypatch.setattr(izsim.present.report, "write_report", full)
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert "report.en.html: cannot be written: No space left on device" in result.output
    assert "Traceback" not in result.output


# --- faults and bad input (issue 12) -------------------------------------------------------------


def changed_scenario(folder: Path, change: Callable[[dict], None], name: str = "s.yaml") -> Path:
    """The Tuyên Quang scenario with ``change`` applied, written into ``folder``."""
    data = yaml.safe_load(SCENARIO_FILE.read_text(encoding="utf-8"))
    change(data)
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_square_brackets_in_messages_are_shown(tmp_path: Path) -> None:
    """Rich read them as markup: the pattern showed as '^*$', a folder [draft] vanished."""

    def bad_id(data: dict) -> None:
        data["sectors"][0]["id"] = "Bad-Id"

    path = changed_scenario(tmp_path / "[draft]", bad_id)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "'^[a-z][a-z0-9_]*$'" in result.output
    assert f"{tmp_path}/[draft]/s.yaml" in result.output.replace("\n", "")


def test_run_refuses_to_write_into_a_comparison_folder(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    (out / "runs").mkdir(parents=True)
    (out / "config.json").write_text("{}", encoding="utf-8")
    (out / "scorecard.csv").write_text("the comparison's", encoding="utf-8")
    result = runner.invoke(app, ["run", str(SCENARIO_FILE), "--out", str(out)])
    assert result.exit_code == 2
    assert "holds a comparison" in result.output
    assert (out / "scorecard.csv").read_text(encoding="utf-8") == "the comparison's"


@pytest.mark.parametrize("option", ["--out", "scenario"])
def test_a_path_that_is_not_utf8_is_refused(tmp_path: Path, option: str) -> None:
    odd = os.fsdecode(bytes(tmp_path / "out") + b"\xff")
    args = ["run", str(SCENARIO_FILE), "--out", odd] if option == "--out" else ["run", odd]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "not valid UTF-8" in result.output and "out\ufffd" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("code", "words"), [(28, "No space left on device"), (30, "Read-only file system")]
)
def test_a_run_that_cannot_be_written_exits_2_and_leaves_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    import izsim.outputs

    out = tmp_path / "tq"
    assert runner.invoke(app, ["run", str(SCENARIO_FILE), "--out", str(out)]).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def full(path: Path, write: object) -> None:
        raise OSError(code, words, str(path))

    monkeypatch.setattr(izsim.outputs, "atomic_write", full)
    result = runner.invoke(app, ["run", str(SCENARIO_FILE), "--seed", "3", "--out", str(out)])
    assert result.exit_code == 2
    assert f"cannot be written: {words}" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_run_out_of_its_indicator_ranges_fails_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jobs of simulated firms above the workforce were once written as a share above 100 %;
    the labour pools now prevent it, so a defect of that kind is simulated: a workforce of a
    hundred people."""
    monkeypatch.setattr(LabourPool, "workforce", property(lambda self: 100.0))
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(SCENARIO_FILE), "--out", str(out)])
    assert result.exit_code == 1
    assert "run failed" in result.output
    assert (
        "industry_labour_share" in result.output and "outside its range [0, 100]" in result.output
    )
    assert not (out / "timeseries.parquet").exists()


def test_compare_refuses_an_infinite_budget(tmp_path: Path) -> None:
    """--budget inf wrote Infinity into config.json, which strict JSON parsers reject."""
    out = tmp_path / "cmp"
    result = runner.invoke(
        app, ["compare", str(SCENARIO_FILE), "--budget", "inf", "--out", str(out), "--quiet"]
    )
    assert result.exit_code == 2
    assert "--budget: inf: give a finite amount" in result.output
    assert not out.exists()


def test_compare_refuses_prior_only_without_uncertainty(tmp_path: Path) -> None:
    """--prior-only alone was silently ignored: nothing is drawn without --uncertainty."""
    out = tmp_path / "cmp"
    result = runner.invoke(
        app, ["compare", str(SCENARIO_FILE), "--prior-only", "--out", str(out), "--quiet"]
    )
    assert result.exit_code == 2
    assert "--prior-only: applies to --uncertainty only" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_compare_of_a_scenario_without_targets_says_so(tmp_path: Path) -> None:
    """A back-cast has no plan: compare printed a traceback (KeyError 'status') after its
    runs; it says there is nothing to score and writes a scorecard with its columns only."""
    out = tmp_path / "cmp"
    backcast = ROOT / "scenarios" / "backcast" / "typical_2016.yaml"
    result = runner.invoke(
        app, ["compare", str(backcast), "--replicates", "2", "--out", str(out), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert "no targets" in result.output and "Traceback" not in result.output
    card = pd.read_csv(out / "scorecard.csv", encoding="utf-8-sig")
    assert card.empty and {"target", "policy", "status", "probability"} <= set(card.columns)


def test_a_spin_up_without_a_queue_is_a_clear_error(tmp_path: Path) -> None:
    """A back-cast asking the model to file its proposals under way needs the queue's years
    (they bound the pipeline): the file, its line, the block, the field and its value are
    named, exit 2, no traceback."""
    text = (ROOT / "scenarios" / "backcast" / "typical_2016.yaml").read_text(encoding="utf-8")
    assert "  national_queue_years: 1\n" in text
    path = tmp_path / "typical.yaml"
    path.write_text(text.replace("  national_queue_years: 1\n", "", 1), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    message = " ".join(result.output.split())
    assert f"{path}:" in result.output.replace("\n", "")
    assert "establishment: start_proposals: spin_up needs national_queue_years" in message


HEAVY = (
    "pandas",
    "numpy",
    "mesa",
    "pydantic",
    "scipy",
    "matplotlib",
    "pyarrow",
    "statsmodels",
    "solara",
    "uvicorn",
)
"""Packages that cost tenths of a second to import and that ``izsim --help`` does not need."""
CHECKING = ("pandas", "mesa", "scipy", "matplotlib", "pyarrow", "statsmodels")
"""Of those, the ones that checking a scenario does not need (it needs pydantic and numpy)."""
RUNNING = (
    "pandas",
    "mesa.datacollection",
    "scipy",
    "matplotlib",
    "statsmodels",
    "sklearn",
    "mesa.experimental",
    "tqdm",
)
"""What a run does not need, writing its files or not: pandas (a quarter of its time; the run
prints and writes its tables from rows, and Mesa's data collector, which imports it, is made
only for notebooks), SciPy (which Mesa's ``__init__`` would import, see
izsim.model.mesa_core), the figures, the experiments' statistics."""
OUT = "<out>"
"""Stands for a new folder in ``args`` (the test's own temporary folder)."""


@pytest.mark.parametrize(
    ("args", "heavy"),
    [
        (["--help"], HEAVY),
        (["validate", str(SCENARIO_FILE)], CHECKING),
        (["run", str(SCENARIO_FILE), "--seed", "1"], RUNNING),
        (["run", str(SCENARIO_FILE), "--seed", "1", "--out", OUT], RUNNING),
    ],
    ids=["help", "validate", "run", "run-out"],
)
def test_commands_import_no_heavy_package_they_do_not_need(
    args: list[str], heavy: tuple[str, ...], tmp_path: Path
) -> None:
    """Start-up: the heavy packages are imported by the commands that use them (the time is
    measured by benchmarks/bench_startup.py; this guards the imports only)."""
    args = [str(tmp_path / "out") if arg == OUT else arg for arg in args]
    code = (
        "import sys\n"
        f"sys.argv = ['izsim', *{args!r}]\n"
        "from izsim.cli import main\n"
        "try:\n    main()\nexcept SystemExit as stop:\n    assert not stop.code, stop.code\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip()  # the help, or "ok" for the file
    assert done.stderr.strip() == "[]"


def test_python_dash_m_runs_the_cli() -> None:
    """`python -m izsim.cli ...` runs the commands, as the `izsim` script does (it did nothing
    before: the module had no `__main__` guard)."""
    src = str(Path(__file__).resolve().parents[1] / "src")
    done = subprocess.run(
        [sys.executable, "-m", "izsim.cli", "validate", str(SCENARIO_FILE)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": src},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "ok" in done.stdout
