"""Saved results read back: the same numbers as the files and the runs that wrote them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from izsim.errors import InputError
from izsim.indicators import INDICATOR_IDS
from izsim.model.zone import STAGES
from izsim.present.results import Results, _codes, load_results
from izsim.run import run
from izsim.scenario import Policy, Scenario
from tests.present.conftest import POLICIES, REPLICATES


def test_a_run_folder_holds_the_run(
    saved_run: Results, scenario: Scenario, baseline: Policy
) -> None:
    again = run(scenario, baseline, 3)
    assert saved_run.kind == "run"
    assert saved_run.policies == ["baseline"] and saved_run.reference == "baseline"
    assert np.array_equal(saved_run.values["baseline"][0], again.values, equal_nan=True)
    assert np.array_equal(saved_run.zone_stages["baseline"][0], again.zone_stages)
    assert np.array_equal(saved_run.zone_plants["baseline"][0], again.zone_plants)
    assert saved_run.months[0] == "2021-01" and len(saved_run.months) == scenario.months
    probs = saved_run.probabilities()
    card = saved_run.scorecard.set_index("target")
    for row in probs.itertuples():
        assert row.probability == (1.0 if card.loc[row.target, "status"] == "met" else 0.0)


def test_a_comparison_folder_holds_every_run(saved_compare: Results, compare_folder: Path) -> None:
    assert saved_compare.kind == "compare"
    assert saved_compare.policies == POLICIES
    for policy in POLICIES:
        assert saved_compare.values[policy].shape == (REPLICATES, 120, len(INDICATOR_IDS))
        for replicate in range(REPLICATES):
            stem = compare_folder / "runs" / policy / f"r{replicate:04d}"
            wide = pq.read_table(stem.with_suffix(".parquet")).to_pandas()
            assert np.array_equal(
                saved_compare.values[policy][replicate],
                wide[list(INDICATOR_IDS)].to_numpy(),
                equal_nan=True,
            )
            record = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
            assert saved_compare.seeds[policy][replicate] == record["seed"]
            zones = pd.read_parquet(stem.parent / f"{stem.name}.zones.parquet")
            last = zones[zones["month"] == "2030-12"]
            codes = [STAGES.index(s) for s in last["stage"]]
            assert saved_compare.zone_stages[policy][replicate, -1].tolist() == codes
    probs = saved_compare.probabilities()
    assert len(probs) == len(saved_compare.modelled_targets()) * len(POLICIES)


def test_not_a_results_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="neither a run"):
        load_results(tmp_path)
    with pytest.raises(InputError, match="not a folder"):
        load_results(tmp_path / "missing")


def test_an_unfinished_comparison_says_how_to_complete_it(
    compare_folder: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "cmp"
    shutil.copytree(compare_folder, copy)
    (copy / "runs.parquet").unlink()
    with pytest.raises(InputError, match="run the same `izsim compare` command again"):
        load_results(copy)
    (copy / "manifest.json").unlink()
    with pytest.raises(InputError, match=r"manifest\.json: is missing"):
        load_results(copy)


def test_without_its_copy_the_scenario_must_be_unchanged(run_folder: Path, tmp_path: Path) -> None:
    copy = tmp_path / "run"
    shutil.copytree(run_folder, copy)
    shutil.rmtree(copy / "inputs")
    assert load_results(copy).scenario.scenario.id == "tuyen_quang"  # the original, unchanged
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["scenario"]["sha256"] = "0" * 64
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(InputError, match="has changed since"):
        load_results(copy)


def test_a_damaged_file_is_named_not_a_traceback(compare_folder: Path, tmp_path: Path) -> None:
    copy = tmp_path / "cmp"
    shutil.copytree(compare_folder, copy)
    (copy / "runs.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match=r"runs\.parquet: cannot be read"):
        load_results(copy)


def test_without_any_run_of_the_reference_nothing_is_drawn(
    compare_folder: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "cmp"
    shutil.copytree(compare_folder, copy)
    runs = pd.read_parquet(copy / "runs.parquet")
    runs[runs["policy"] != "baseline"].to_parquet(copy / "runs.parquet")  # all baseline failed
    with pytest.raises(InputError, match="no run of the reference policy 'baseline' finished"):
        load_results(copy)


def test_an_empty_scorecard_is_named(run_folder: Path, tmp_path: Path) -> None:
    copy = tmp_path / "run"
    shutil.copytree(run_folder, copy)
    (copy / "scorecard.csv").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match=r"scorecard\.csv changed since the run wrote it"):
        load_results(copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    del manifest["files"]  # as older izsim wrote it, without checksums
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(InputError, match=r"scorecard\.csv: has no target, status"):
        load_results(copy)


def test_words_read_as_dictionaries_give_the_same_positions_as_read_whole() -> None:
    """Each Parquet row group brings its own dictionary: positions must not depend on it."""
    first = pa.array(["2021-02", "2021-01", "2021-02"]).dictionary_encode()
    second = pa.array(["2021-03", "2021-01", "2021-09"]).dictionary_encode()  # not a month kept
    column = pa.chunked_array([first, second])
    months = ["2021-01", "2021-02", "2021-03"]
    whole = pa.chunked_array([first.cast(pa.string()), second.cast(pa.string())])
    got, expected = _codes(column, months), _codes(whole, months)
    assert np.array_equal(got, expected, equal_nan=True)
    assert got[:5].tolist() == [1, 0, 1, 2, 0] and np.isnan(got[5])
