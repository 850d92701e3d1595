"""experiments/sensitivity_study.py: how the screening chooses the Sobol' parameters, on a
hand-made Morris table (figures worked out in the comments)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tests.conftest import load_script

ROOT = Path(__file__).resolve().parents[2]


study = load_script("sensitivity_study")


def _morris(rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(o, f, "mu_star", v, c) for o, f, v, c in rows],
        columns=["output", "factor", "index", "value", "conf"],
    )


def test_zone_counts_are_the_count_fields_only() -> None:
    assert study.sets_zone_count("candidate_sites[ccn_later_se+2].count")
    assert study.sets_zone_count("zones[ccn_existing].cluster_count")
    assert not study.sets_zone_count("zones[ccn_existing].clusters_with_wwtp")
    assert not study.sets_zone_count("investors.pipeline_projects")
    assert not study.sets_zone_count("economy.existing_output_growth_pct")


def test_most_important_skips_noise_counts_and_flags() -> None:
    # output "out" has a standard deviation of 2 over the runs (values 0..: 20 distinct)
    runs = pd.DataFrame(
        {"out": np.linspace(0, 2 * np.sqrt(12) * 19 / 20, 20), "out.met": [0, 1] * 10}
    )
    sd = runs["out"].std()
    sensitivity = _morris(
        [
            ("out", "growth", 4.0, 0.5),  # clears the floor 1.0 by far: score 4 / sd
            ("out", "candidate_sites[x].count", 6.0, 0.5),  # largest, but a number of zones
            ("out", "rent", 1.4, 0.5),  # 1.4 − 0.5 = 0.9 < 1.0: chance could do it
            ("out", "jobs", 1.6, 0.5),  # 1.1 > 1.0: counted
            ("out.met", "flag_only", 9.0, 0.1),  # a met/missed flag never chooses
        ]
    )
    chosen, table = study.most_important(sensitivity, runs, {"out": 1.0, "out.met": 0.0}, top=8)
    assert chosen == ["growth", "jobs"]
    assert list(table["factor"]) == ["candidate_sites[x].count", "growth", "jobs"]
    assert table.set_index("factor")["zone_count"].to_dict() == {
        "candidate_sites[x].count": True,
        "growth": False,
        "jobs": False,
    }
    assert np.isclose(table.set_index("factor").loc["growth", "best"], 4.0 / sd)


class _Swept:
    """What a faked sweep returns: its runs' table and its indices."""

    def __init__(self, outputs: pd.DataFrame, out: Path) -> None:
        self.outputs, self.out = outputs, out
        self.sensitivity = _morris([("out", "a", 1.0, 0.1)])


def _fake_study(monkeypatch, tmp_path: Path, statuses: list[str]) -> list[str]:
    """``study`` on a faked screening whose runs end with ``statuses``; the designs swept."""
    swept: list[str] = []

    def sweep(scenario, *, design: str, out: Path, **_: object) -> _Swept:
        swept.append(design)
        errors = [
            "" if s == "ok" else "ValidationError: grdp_base_bn_vnd 55000 must" for s in statuses
        ]
        values = np.linspace(0.0, 1.0, len(statuses))
        runs = pd.DataFrame({"status": statuses, "error": errors, "out": values})
        return _Swept(runs, out)

    monkeypatch.setattr(study, "ROOT", tmp_path)
    monkeypatch.setattr(study, "sweep", sweep)
    monkeypatch.setattr(study, "write_study_figures", lambda out: None)
    monkeypatch.setattr(study, "noise_floor", lambda *a: {"out": 99.0})  # nothing clears it
    (tmp_path / "results" / "sensitivity" / "hung_yen").mkdir(parents=True)
    return swept


def test_a_screening_with_failed_runs_stops_the_province_with_a_clear_error(
    monkeypatch, tmp_path: Path
) -> None:
    """Hưng Yên's screening had 28 failed runs of 10,080 (drawn GRDP below industry's value
    added); the study then ranked nothing and swept every number alone as a Sobol' study."""
    import argparse

    import pytest

    from izsim.errors import InputError

    swept = _fake_study(monkeypatch, tmp_path, ["ok", "failed", "ok", "failed"])
    args = argparse.Namespace(trajectories=2, replicates=1, sobol_samples=8, workers=1, seed=1)
    with pytest.raises(InputError) as caught:
        study.study("hung_yen", args)
    message = str(caught.value)
    assert "2 of 4 screening runs failed" in message and "grdp_base_bn_vnd 55000" in message
    assert "hung_yen.yaml" in message and swept == ["morris"]


def test_no_parameter_clearing_the_floor_means_no_sobol_study(monkeypatch, tmp_path: Path) -> None:
    import argparse

    swept = _fake_study(monkeypatch, tmp_path, ["ok"] * 24)  # 24 distinct values: ranked
    args = argparse.Namespace(trajectories=2, replicates=1, sobol_samples=8, workers=1, seed=1)
    rows = study.study("hung_yen", args)
    assert rows.empty and swept == ["morris"]
    assert (tmp_path / "results" / "sensitivity" / "hung_yen" / "screening.csv").exists()
