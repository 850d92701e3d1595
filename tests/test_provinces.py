"""The provinces (the four seed plans' and Hải Dương): each runs under every policy package,
its scorecard lists every target of its plan, and every quote is the plan's own words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from izsim.experiments.packages import PACKAGES
from izsim.run import run
from izsim.scenario import load_policy, load_scenario
from izsim.scorecard import scorecard
from tests.conftest import ROOT

PROVINCES = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
POLICIES = sorted(p.stem for p in (ROOT / "scenarios" / "policies").glob("*.yaml"))
SEEDS = ROOT.parent / "shared" / "seeds"


def test_the_four_plans_are_encoded() -> None:
    assert {"tuyen_quang", "ha_nam", "hung_yen", "nghe_an"} <= set(PROVINCES)
    assert set(PACKAGES) <= set(POLICIES)


@pytest.mark.parametrize("province", PROVINCES)
@pytest.mark.parametrize("policy", POLICIES)
def test_each_province_runs_under_each_policy(province: str, policy: str) -> None:
    scenario = load_scenario(ROOT / "scenarios" / f"{province}.yaml")
    result = run(scenario, load_policy(ROOT / "scenarios" / "policies" / f"{policy}.yaml"), 1)
    card = scorecard(result)
    assert list(card["target"]) == [t.id for t in scenario.targets]
    modelled = card[card["status"] != "not_modelled"]
    assert len(modelled) == sum(t.not_modelled is None for t in scenario.targets) > 0
    assert set(modelled["status"]) <= {"met", "missed"}, "a modelled target had no value"


def _normalise(text: str) -> str:
    """Words only: line breaks and Markdown emphasis in the seed files are formatting."""
    return re.sub(r"\s+", " ", text.replace("*", "")).strip()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the repository")
@pytest.mark.parametrize("province", PROVINCES)
def test_every_target_quotes_its_plan_document(province: str) -> None:
    """Checked here on its own, as well as by loading: a quote is the document's words.

    A document whose text is a seed file is quoted verbatim. A shipped scenario may cite a
    document it has no text of (Hải Dương's plan is known only from the press), but then every
    target from it is marked a paraphrase: no unchecked words are presented as the plan's."""
    path = ROOT / "scenarios" / f"{province}.yaml"
    scenario = load_scenario(path)
    assert scenario.targets
    for target in scenario.targets:
        document = scenario.scenario.document(target.source.document)
        assert document is not None and document.id == target.source.document, target.id
        if document.file is None:
            assert target.source.paraphrase, f"{target.id}: quoted from a document with no text"
            continue
        assert Path(document.file).parent.name == "seeds", f"{target.id}: text not a seed"
        assert not target.source.paraphrase, f"{target.id}: the seed plans are quoted"
        plan = _normalise((path.parent / document.file).read_text(encoding="utf-8"))
        assert _normalise(target.source.quote) in plan, f"{target.id}: quote not in the plan"
