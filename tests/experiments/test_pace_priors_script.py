"""experiments/pace_priors.py: each variant's points are the prior, the written values, or a
mix of the two as the variant says, and the ``provinces`` variant draws the land market inside
some shipped province's ranges; a tiny run end to end."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import ROOT, load_script


@pytest.fixture(scope="module")
def script():  # type: ignore[no-untyped-def]
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(ROOT / "experiments"))
        yield load_script("pace_priors")


@pytest.fixture(scope="module")
def ranged(script, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("space")
    space = script.write_space(
        folder / "space.yaml", "all_ranged", script.pattern_outputs(script.TARGETS)
    )
    return script._varied(space)


def test_variants_are_the_prior_the_written_values_or_their_mix(script, ranged) -> None:  # type: ignore[no-untyped-def]
    points = script.variants(ranged, runs=8, alone_runs=3, seed=1)
    names = [p.name for p in ranged]
    written = np.array([p.value for p in ranged])
    shared = np.isin(names, script.behaviour(script.BACKCAST))
    assert shared.any() and not shared.all()
    assert (points["written"] == written).all()
    prior = points["prior"]
    assert (prior != written).any(axis=0).sum() > 0.9 * len(names)  # drawn, not written
    for p, column in zip(ranged, prior.T, strict=True):
        assert ((p.low <= column) & (column <= p.high)).all()
    assert (points["shared_written"][:, shared] == written[shared]).all()
    assert (points["shared_written"][:, ~shared] == prior[:, ~shared]).all()
    assert (points["others_written"][:, ~shared] == written[~shared]).all()
    assert (points["others_written"][:, shared] == prior[:, shared]).all()
    alone = [v for v in points if v.startswith("alone:")]
    assert len(alone) == len(names)
    for j, name in enumerate(names):
        mine = points[f"alone:{name}"]
        assert mine.shape == (3, len(names))
        others = np.delete(mine, j, axis=1)
        assert (others == np.delete(written, j)).all()


def test_the_provinces_variant_draws_the_land_market_as_one_province(script, ranged) -> None:  # type: ignore[no-untyped-def]
    points = script.variants(ranged, runs=40, alone_runs=0, seed=3)
    ranges = script.province_ranges()
    assert set(ranges) == set(script.PROVINCES)
    kinds = script._kinds(script.BACKCAST)
    names = [p.name for p in ranged]
    market = [
        j
        for j, name in enumerate(names)
        if name in script.COSTS or script._rent_kind(name, kinds) is not None
    ]
    assert len(market) >= 3 + 2  # three costs, rents of both kinds
    # outside the land market the variant is the prior itself
    rest = [j for j in range(len(names)) if j not in market]
    assert (points["provinces"][:, rest] == points["prior"][:, rest]).all()
    for row in points["provinces"]:
        # some one province holds every land-market number of the row (clipped to the
        # typical province's own range)
        def holds(province: str, row: np.ndarray = row) -> bool:
            for j in market:
                p = ranged[j]
                key = p.name if p.name in script.COSTS else script._rent_kind(p.name, kinds)
                low, high = ranges[province].get(key, (p.low, p.high))
                low, high = max(low, p.low), min(high, p.high)
                if not low - 1e-9 <= row[j] <= high + 1e-9:
                    return False
            return True

        assert any(holds(province) for province in script.PROVINCES)


def test_a_tiny_run_writes_its_tables(script, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "pace"
    argv = ["pace_priors.py", "--runs", "2", "--alone-runs", "0", "--workers", "1"]
    monkeypatch.setattr(sys, "argv", [*argv, "--out", str(out)])
    script.main()
    means = pd.read_csv(out / "means.csv")
    assert set(means["variant"]) == {
        "prior",
        "written",
        "shared_written",
        "others_written",
        "provinces",
    }
    assert set(means["pattern"]) == set(script.TARGETS)
    assert (means["runs"] <= 2).all()
    assert not (out / "alone.csv").exists()
