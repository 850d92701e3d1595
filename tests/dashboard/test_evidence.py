"""Saved results beside the live run: read, drawn, and whether the live run is among them."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from izsim.cli import app
from izsim.dashboard.evidence import figures, live_among, open_saved
from izsim.errors import InputError
from tests.conftest import ROOT, SCENARIO_FILE


def saved(command: str, out, *options: str):
    """Run ``izsim COMMAND`` on Tuyên Quang, 2 replicates on one worker, into ``out``."""
    small = ["--replicates", "2", "--workers", "1", "--out", str(out), "--quiet"]
    result = CliRunner().invoke(app, [command, str(SCENARIO_FILE), *options, *small])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def comparison(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("cmp") / "tq"
    return saved("compare", out, "--policies", "baseline,infrastructure_first")


def test_a_comparison_is_read_and_drawn(comparison) -> None:
    evidence = open_saved(comparison)
    assert evidence.kind == "compare"
    drawn = figures(evidence, "vi")
    assert len(drawn) == 3
    seeds = evidence.results.seeds["baseline"]
    assert live_among(evidence, "baseline", seeds[0], []) == "among"
    assert live_among(evidence, "baseline", max(seeds) + 1, []) == "other_seed"
    assert live_among(evidence, "baseline", seeds[0], ["revoke_stalled"]) == "changed"
    assert live_among(evidence, "balanced", seeds[0], []) == "other_policy"


def test_a_sweep_is_read_and_drawn() -> None:
    evidence = open_saved(ROOT / "results" / "sensitivity" / "tuyen_quang" / "morris")
    assert evidence.kind == "sweep"
    assert len(figures(evidence, "en")) == 1
    assert live_among(evidence, "baseline", 1, []) == "none"


@pytest.mark.parametrize("folder", ["", "/no/such/folder", str(SCENARIO_FILE.parent)])
def test_what_is_not_results_is_an_input_error(folder: str) -> None:
    with pytest.raises(InputError):
        open_saved(folder)


def test_a_lever_study_is_read_and_drawn_with_its_lever_chart(tmp_path) -> None:
    """`izsim levers --out`: the scorecard, the measure-by-measure chart and the fans."""
    out = saved("levers", tmp_path / "levers", "--policy", "infrastructure_first")
    evidence = open_saved(out)
    assert evidence.kind == "levers"
    drawn = figures(evidence, "vi")
    assert len(drawn) == 4  # scorecard, the levers' chart, two fans
    assert drawn[1][1].axes  # the lever chart drew something
