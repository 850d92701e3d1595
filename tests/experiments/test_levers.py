"""``izsim levers``: each measure of a package alone and in the package, on paired seeds."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from izsim.cli import app
from izsim.experiments.levers import differing_levers, levers, variants, with_measure
from izsim.scenario.load import load_policy
from izsim.scenario.policy import LEVER_GROUPS, Levers, Policy
from tests.experiments.test_compare import error_line, short_copy

SOURCE = "assumption: a package made by a test of izsim levers"
TWO_MEASURES = {  # promotion raised, inspections doubled: two measures beyond the baseline
    "id": "two_measures",
    "name": "Two measures",
    "levers": {
        "promotion_bn_vnd_per_year": 40,
        "outside_fence_bn_vnd_per_year": 30,
        "inspection_multiplier": 2,
        "sources": {
            "promotion_bn_vnd_per_year": SOURCE,
            "outside_fence_bn_vnd_per_year": SOURCE,
            "inspection_multiplier": SOURCE,
        },
    },
}


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = short_copy(tmp_path_factory.mktemp("scenario"))
    (path.parent / "policies" / "two_measures.yaml").write_text(
        yaml.safe_dump(TWO_MEASURES, allow_unicode=True), encoding="utf-8"
    )
    return path


def policies(scenario_file: Path) -> tuple[Policy, Policy]:
    folder = scenario_file.parent / "policies"
    return load_policy(folder / "baseline.yaml"), load_policy(folder / "two_measures.yaml")


def test_every_lever_is_in_exactly_one_measure() -> None:
    grouped = [name for names in LEVER_GROUPS.values() for name in names]
    assert sorted(grouped) == sorted(set(grouped))
    assert set(grouped) == set(Levers.model_fields) - {"source", "sources", "ranges"}


def test_a_package_with_two_measures_gives_four_variants(scenario_file: Path) -> None:
    reference, package = policies(scenario_file)
    assert differing_levers(reference, package) == ["promotion", "inspection"]
    found = variants(reference, package)
    assert [(v.lever, v.effect) for v in found] == [
        ("promotion", "alone"),
        ("promotion", "in_package"),
        ("inspection", "alone"),
        ("inspection", "in_package"),
    ]
    for variant in found:
        base, other = (reference, package) if variant.effect == "alone" else (package, reference)
        # the variant differs from its base in its own measure only, and there is as the other
        assert differing_levers(base, variant.policy) == [variant.lever]
        for name in LEVER_GROUPS[variant.lever]:
            assert getattr(variant.policy.levers, name) == getattr(other.levers, name)
    by_id = {v.policy.id: v.policy.levers for v in found}
    assert by_id["baseline_with_promotion"].promotion_bn_vnd_per_year == 40
    assert by_id["two_measures_without_inspection"].inspection_multiplier == 1
    assert "inspection_multiplier" not in by_id["two_measures_without_inspection"].sources


def test_a_measure_taken_back_to_its_default_loses_its_source(scenario_file: Path) -> None:
    reference, package = policies(scenario_file)
    back = with_measure(package, reference, "inspection", pid="x", name="x")
    assert "inspection_multiplier" not in back.levers.model_fields_set
    assert back.levers.sources["promotion_bn_vnd_per_year"] == SOURCE


@pytest.fixture(scope="module")
def measured(scenario_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("levers") / "one"
    levers(scenario_file, "two_measures", replicates=3, workers=1, out=out, quiet=True)
    return out


def test_effects_are_paired_differences_of_the_saved_runs(measured: Path) -> None:
    effects = pd.read_csv(measured / "levers.csv", dtype={"target": str}).fillna({"target": ""})
    assert list(dict.fromkeys(zip(effects["lever"], effects["effect"], strict=True))) == [
        ("promotion", "alone"),
        ("promotion", "in_package"),
        ("inspection", "alone"),
        ("inspection", "in_package"),
        ("all", "package"),
    ]
    runs = pd.read_parquet(measured / "runs.parquet")
    spend = runs[(runs["indicator"] == "public_spending_bn_vnd")]
    last = spend[spend["month"] == spend["month"].max()].set_index(["policy", "replicate"])
    value = last["value"]

    def paired(a: str, b: str) -> float:
        return float((value[a] - value[b]).mean())

    rows = effects[effects["indicator"] == "public_spending_bn_vnd"].set_index(["lever", "effect"])
    assert rows.loc[("promotion", "alone"), "difference"] == pytest.approx(
        paired("baseline_with_promotion", "baseline"), abs=1e-5
    )
    assert rows.loc[("inspection", "in_package"), "difference"] == pytest.approx(
        paired("two_measures", "two_measures_without_inspection"), abs=1e-5
    )
    assert rows.loc[("all", "package"), "difference"] == pytest.approx(
        paired("two_measures", "baseline"), abs=1e-5
    )
    # 30 bn VND a year more promotion for the five years of the short scenario
    assert rows.loc[("promotion", "alone"), "difference"] == pytest.approx(150, rel=0.05)
    assert set(effects["pairs"].dropna()) == {3}


def test_results_do_not_depend_on_workers_and_a_second_call_resumes(
    scenario_file: Path, measured: Path, tmp_path: Path
) -> None:
    two = tmp_path / "two"
    levers(scenario_file, "two_measures", replicates=3, workers=2, out=two, quiet=True)
    assert (two / "levers.csv").read_bytes() == (measured / "levers.csv").read_bytes()
    done: list[str] = []
    levers(
        scenario_file,
        "two_measures",
        replicates=3,
        workers=1,
        out=two,
        quiet=True,
        on_done=lambda task, status: done.append(status),
    )
    assert done == []  # every run was on disk
    assert (two / "levers.csv").read_bytes() == (measured / "levers.csv").read_bytes()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--policy", "baseline"], "is the reference itself"),
        (["--policy", "no_such_policy"], "is not a policy beside the scenario"),
        (["--policy", "two_measures", "--reference", "two_measures"], "is the reference itself"),
    ],
)
def test_cli_refuses_bad_choices_with_exit_2(
    scenario_file: Path, tmp_path: Path, args: list[str], says: str
) -> None:
    result = CliRunner().invoke(
        app, ["levers", str(scenario_file), *args, "--out", str(tmp_path / "x"), "--quiet"]
    )
    assert result.exit_code == 2, result.output
    assert error_line(result.stderr) and says in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "x").exists()  # nothing half-written


def test_a_package_equal_to_the_reference_is_refused(scenario_file: Path, tmp_path: Path) -> None:
    same = {
        **TWO_MEASURES,
        "id": "same",
        "levers": yaml.safe_load(
            (scenario_file.parent / "policies" / "baseline.yaml").read_text(encoding="utf-8")
        )["levers"],
    }
    path = tmp_path / "same.yaml"
    path.write_text(yaml.safe_dump(same, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["levers", str(scenario_file), "--policy", str(path), "--out", str(tmp_path / "y")]
    )
    assert result.exit_code == 2, result.output
    assert "nothing to measure" in result.stderr
