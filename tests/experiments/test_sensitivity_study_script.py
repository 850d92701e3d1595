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
