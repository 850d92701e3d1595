"""`izsim new`: a skeleton that fails validation, clearly, until every TODO is filled."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from izsim.cli import app
from izsim.scenario import load_scenario
from izsim.scenario.skeleton import skeleton
from tests.conftest import SCENARIO_FILE

runner = CliRunner()
FILLED_SOURCE = "assumption: a test fills the skeleton with Tuyên Quang's figures"


def test_new_writes_a_skeleton_that_fails_with_todo_messages(tmp_path: Path) -> None:
    made = runner.invoke(app, ["new", "hai_duong", "--folder", str(tmp_path)])
    assert made.exit_code == 0, made.output
    path = tmp_path / "hai_duong.yaml"
    text = path.read_text(encoding="utf-8")
    assert "id: hai_duong" in text
    # the header's command names the file where it was written, as the user would type it
    assert f"`izsim validate\n# {path.as_posix()}`" in text
    checked = runner.invoke(app, ["validate", str(path)])
    assert checked.exit_code == 2 and "Traceback" not in checked.output
    errors = [line for line in checked.output.splitlines() if line.startswith("error:")]
    # one error for each TODO of the file, each naming its line and field
    assert len(errors) == text.count(": TODO") + text.count('"TODO:')
    assert all("still TODO" in line for line in errors), errors
    assert "economy.vnd_per_usd: still TODO: give a number" in checked.output
    assert "zones[0].kind: still TODO: Input should be 'kcn', 'ccn' or 'high_tech'" in (
        checked.output
    )
    assert "economy.source: still TODO: write the source, 'plan:<document id>" in checked.output


def test_new_refuses_a_bad_name_and_an_existing_file(tmp_path: Path) -> None:
    bad = runner.invoke(app, ["new", "Hải Dương", "--folder", str(tmp_path)])
    assert bad.exit_code == 2 and "not a scenario id" in bad.output and "hai_duong" in bad.output
    (tmp_path / "ha_nam.yaml").write_text("mine\n", encoding="utf-8")
    again = runner.invoke(app, ["new", "ha_nam", "--folder", str(tmp_path)])
    assert again.exit_code == 2 and "exists already" in again.output
    assert (tmp_path / "ha_nam.yaml").read_text(encoding="utf-8") == "mine\n"


_LEFT_OUT = object()


def _fill(node: Any, good: Any, key: str = "") -> Any:
    """``node`` with each TODO replaced by the value at the same place in ``good``; a block's
    source by an assumption, and an optional field ``good`` lacks is left out."""
    if isinstance(node, dict):
        inner = good if isinstance(good, dict) else {}
        filled = {k: _fill(v, inner.get(k), k) for k, v in node.items()}
        return {k: v for k, v in filled.items() if v is not _LEFT_OUT}
    if isinstance(node, list):
        return [_fill(item, good[0] if good else None) for item in node]
    if isinstance(node, str) and node.startswith("TODO"):
        if good is None:
            return FILLED_SOURCE if key == "source" else _LEFT_OUT
        return good
    return node


def test_a_filled_minimal_skeleton_validates_and_runs(tmp_path: Path) -> None:
    """Every block the skeleton writes is the schema's: filled in, it is a scenario."""
    good = yaml.safe_load(SCENARIO_FILE.read_text(encoding="utf-8"))
    good = copy.deepcopy(good)
    good["zones"] = [z for z in good["zones"] if z["stage"] == "planned" and "expands" not in z]
    good.pop("outside_fence_projects", None)  # works serve zones left out
    good["sectors"][0]["prospect_share_pct"] = 100  # the only sector
    document = good["scenario"]["documents"][0]
    document["file"] = str((SCENARIO_FILE.parent / document["file"]).resolve())
    filled = _fill(yaml.safe_load(skeleton("hai_duong")), good)
    path = tmp_path / "hai_duong.yaml"
    path.write_text(yaml.safe_dump(filled, allow_unicode=True, sort_keys=False), "utf-8")
    checked = runner.invoke(app, ["validate", str(path)])
    assert checked.exit_code == 0, checked.output
    spec = load_scenario(path)
    assert spec.scenario.id == "hai_duong" and len(spec.zones) == len(spec.targets) == 1
    baseline = SCENARIO_FILE.parent / "policies" / "baseline.yaml"  # none beside the new file
    ran = runner.invoke(app, ["run", str(path), "--seed", "1", "--policy", str(baseline)])
    assert ran.exit_code == 0, ran.output
